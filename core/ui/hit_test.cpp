#include "ui/hit_test.hpp"

#include <imgui.h>
#include <imgui_internal.h>

namespace citymap::ui {

bool windowAt(float x, float y) {
  const ImGuiContext* g = ImGui::GetCurrentContext();
  if (!g) return false;
  for (const ImGuiWindow* w : g->Windows)
    if (w->WasActive && !w->Hidden && !(w->Flags & ImGuiWindowFlags_NoInputs) && w->Rect().Contains(ImVec2(x, y)))
      return true;
  return false;
}

bool windowsSettling() {
  const ImGuiContext* g = ImGui::GetCurrentContext();
  if (!g) return false;
  for (const ImGuiWindow* w : g->Windows)
    if (w->Active && (w->HiddenFramesCannotSkipItems > 0 || w->HiddenFramesCanSkipItems > 0)) return true;
  return false;
}

std::vector<WindowRect> windowRects() {
  std::vector<WindowRect> out;
  if (const ImGuiContext* g = ImGui::GetCurrentContext())
    for (const ImGuiWindow* w : g->Windows)
      if (w->Active && !w->Hidden && !(w->Flags & ImGuiWindowFlags_ChildWindow))
        out.push_back({w->Name, w->Pos.x, w->Pos.y, w->Size.x, w->Size.y});
  return out;
}

}  // namespace citymap::ui
