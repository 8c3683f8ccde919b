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
  double frameMs = 0;  // CPU time of the last frame
  double fps = 0;      // presented frames per second (recent average)
  int tilesLoaded = 0, tilesPending = 0, tilesFailed = 0;
  int drawCalls = 0;
  size_t triangles = 0;
  std::string lastError;
  std::string styleError;  // the style file's last error (the previous style stays)
  bool night = false;      // the night theme is shown
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
  bool collapse = false;  // fold the desktop panel once (storm help opened)
};

struct PanelActions {
  bool zoomIn = false;
  bool zoomOut = false;
  bool resetView = false;
  bool layersChanged = false;
  bool queryChanged = false;           // PanelState::query was edited
  std::optional<size_t> chosenResult;  // a result was picked (click or Enter on the first)
  std::optional<bool> english;         // the user switched the language
  std::optional<bool> night;           // the user switched the theme (day / night)
  bool helpShelters = false;           // "Nearest shelter" (ui/help_panel)
  bool helpRoads = false;              // "Flooded roads near me"
  bool changed = false;                // anything the map must redraw for
};

// Phones: a narrow or short viewport (CSS px) gets the compact, touch-sized layout: the panels
// start as buttons and open one at a time as sheets, every control is at least kTouchTarget tall.
bool compactLayout(float viewportWidth, float viewportHeight);
inline constexpr float kTouchTarget = 44;  // CSS px, the smallest touch target (WCAG 2.5.5)
inline constexpr float kCompactGap = 8;    // CSS px between compact buttons, sheets and banners
// Which panel is open in the compact layout (one at a time; UI state, like ImGui's own).
enum class CompactPanel { None, Map, Live, Legend };
CompactPanel& compactPanel();
// The compact sheets' top (CSS px): the map panel's PanelModel::top of the last frame.
float& compactTop();
// The touch style of the compact layout (frame padding for 44 px controls, wider spacing, a
// wider scrollbar); pop with popTouchStyle.
void pushTouchStyle();
void popTouchStyle();
// A full-width, kTouchTarget-tall toggle row (a box, the label, an optional note at the right).
bool touchCheckbox(const char* label, bool* value, const char* note = nullptr);
// A compact panel's header: the title and a Close button; returns true when closed.
bool sheetHeader(const char* title, bool english);
// A compact layout's closed panel: one kTouchTarget-tall button at (x, y), pivotX 0 (left edge)
// or 1 (right edge); dotColor 0: a "layers" icon, else a status dot of that colour (ImU32).
bool compactPanelButton(const char* id, const char* label, float x, float y, float pivotX, unsigned dotColor);
// Darker disabled text than ImGui's light style (4.5:1 on the panels' background); pop 1 colour.
void pushReadableColors();

// Draws the panel (between ImGui::NewFrame and ImGui::Render) and the attribution line. In the
// compact layout the panel is a button below `top` until tapped.
PanelActions drawMapPanel(const PanelModel& model, PanelState& state, LayerVisibility& visible, float viewportWidth,
                          float viewportHeight);

}  // namespace citymap::ui
