#pragma once
// The in-canvas ImGui panel: layer toggles, zoom, the coordinates under the cursor, frame
// time and tile status. It only reads a model and returns what the user asked for; the app
// carries the requests out.
#include <array>
#include <optional>
#include <string>

#include "geo/lnglat.hpp"
#include "style/style.hpp"

namespace citymap::ui {

using LayerVisibility = std::array<bool, size_t(style::Group::Count)>;

struct PanelModel {
  double zoom = 0;
  std::optional<geo::LngLat> cursor;
  double frameMs = 0;      // CPU time of the last frame
  double fps = 0;          // presented frames per second (recent average)
  int tilesLoaded = 0, tilesPending = 0, tilesFailed = 0;
  int drawCalls = 0;
  size_t triangles = 0;
  std::string lastError;
  std::string attribution;
};

struct PanelActions {
  bool zoomIn = false;
  bool zoomOut = false;
  bool resetView = false;
  bool layersChanged = false;
};

// Draws the panel (between ImGui::NewFrame and ImGui::Render) and the attribution line.
PanelActions drawMapPanel(const PanelModel& model, LayerVisibility& visible, float viewportWidth,
                          float viewportHeight);

}  // namespace citymap::ui
