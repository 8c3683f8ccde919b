#pragma once
// The storm-help window (ImGui): "Nearest shelter" and "Flooded roads near me" as buttons,
// where the answer starts from (the selected place, a point chosen on the map, the device's
// position, the map's centre), then the list: the three nearest open shelters with status,
// walking distance and time, a button each to route there, the nearest shelters whose status is
// unknown; or the flooded and closed roads nearest first with "show on map". Vietnamese or
// English. Reads a model, returns what the user asked for.
#include <cstddef>
#include <optional>
#include <string>

#include "geo/lnglat.hpp"
#include "help/storm_help.hpp"

namespace citymap::ui {

struct HelpPanelModel {
  bool english = false;
  const help::StormHelp* help = nullptr;
  bool hasSelection = false;  // the selected place can be the start
  bool pickingStart = false;  // the next tap on the map chooses the start
  bool graphLoading = false;
  std::string graphError;  // why routes cannot be computed ("" when fine)
  std::string message;     // the last request's refusal (outside the map's area)
  bool replaying = false;  // the answers are for the replayed time
};

struct HelpPanelActions {
  bool shelters = false;   // "Nearest shelter"
  bool roads = false;      // "Flooded roads near me"
  bool pickStart = false;  // choose the start on the map
  bool close = false;
  std::optional<size_t> choose;          // route to this shelter of the list
  std::optional<geo::LngLat> showOnMap;  // a road or shelter
  bool changed = false;
};

// Draws the help window (between ImGui::NewFrame and ImGui::Render). The desktop layout keeps a
// small window with the two buttons at the bottom left, opened into the list; the compact layout
// shows the list as a sheet while help is open (its buttons are in the layers sheet).
HelpPanelActions drawHelpPanel(const HelpPanelModel& model, float viewportWidth, float viewportHeight);

// The two buttons ("Nearest shelter", "Flooded roads near me"), drawn by the map panel (the
// desktop window and the compact layers sheet).
void helpButtons(bool english, bool touch, bool& shelters, bool& roads);

// Where the answer starts, in words ("from the selected place: Chợ Hàn").
std::string originText(const help::Origin& o, bool english);

}  // namespace citymap::ui
