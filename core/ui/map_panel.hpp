#pragma once
// The in-canvas ImGui panel: the search box (desktop; the browser has a DOM one), layer toggles,
// the language, the legend, zoom, the coordinates under the cursor, frame time and tile status,
// in Vietnamese or English. It only reads a model and returns what the user asked for; the app
// carries the requests out.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "geo/lnglat.hpp"
#include "style/style.hpp"

namespace citymap::ui {

using LayerVisibility = std::array<bool, size_t(style::Group::Count)>;

// A layer group's name in the UI language.
const char* groupLabel(style::Group g, bool english);
// A layer group's short name in links ("water", "roads", ...).
const char* groupKey(style::Group g);

// One search result as the list shows it.
struct SearchResultView {
  std::string title;   // the name in the UI language
  std::string detail;  // kind, and the other language's name
};

struct PanelModel {
  float top = 10;     // CSS px from the viewport's top
  std::string title;  // the city's name from the archive's metadata ("citymap - <city>")
  bool english = false;
  double zoom = 0;
  std::optional<geo::LngLat> cursor;
  double frameMs = 0;      // CPU time of the last frame
  double fps = 0;          // presented frames per second (recent average)
  int tilesLoaded = 0, tilesPending = 0, tilesFailed = 0;
  int drawCalls = 0;
  size_t triangles = 0;
  std::string lastError;
  std::string attribution;
  // The search box (ImGui's; off where the host page has its own).
  bool searchBox = false;
  bool searchReady = false;  // the index has loaded
  std::string searchError;
  std::vector<SearchResultView> results;
};

// What the panel keeps between frames.
struct PanelState {
  std::array<char, 256> query{};
  bool legend = false;
};

struct PanelActions {
  bool zoomIn = false;
  bool zoomOut = false;
  bool resetView = false;
  bool layersChanged = false;
  bool queryChanged = false;           // PanelState::query was edited
  std::optional<size_t> chosenResult;  // a result was picked (click or Enter on the first)
  std::optional<bool> english;         // the user switched the language
  bool changed = false;                // anything the map must redraw for
};

// Draws the panel (between ImGui::NewFrame and ImGui::Render) and the attribution line.
PanelActions drawMapPanel(const PanelModel& model, PanelState& state, LayerVisibility& visible, float viewportWidth,
                          float viewportHeight);

}  // namespace citymap::ui
