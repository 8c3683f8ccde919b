#pragma once
// Whether a point (CSS px) is on one of the UI's windows as they were last drawn: a touch or a
// click there belongs to the UI, not to the map. (ImGui's own WantCaptureMouse only knows after
// the next frame, too late for a touch that starts a gesture.)
#include <string>
#include <vector>

namespace citymap::ui {

bool windowAt(float x, float y);

// Whether a window that just appeared is still hidden while ImGui measures it (auto-sized
// windows show from their second frame): the app draws one more frame.
bool windowsSettling();

// The UI's top-level windows as last drawn (CSS px), for tests of the layout.
struct WindowRect {
  std::string name;
  float x = 0, y = 0, w = 0, h = 0;
};
std::vector<WindowRect> windowRects();

}  // namespace citymap::ui
