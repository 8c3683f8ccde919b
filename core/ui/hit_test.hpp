#pragma once
// Whether a point (CSS px) is on one of the UI's windows as they were last drawn: a touch or a
// click there belongs to the UI, not to the map. (ImGui's own WantCaptureMouse only knows after
// the next frame, too late for a touch that starts a gesture.)
namespace citymap::ui {

bool windowAt(float x, float y);

// Whether a window that just appeared is still hidden while ImGui measures it (auto-sized
// windows show from their second frame): the app draws one more frame.
bool windowsSettling();

}  // namespace citymap::ui
