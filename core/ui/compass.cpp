#include "ui/compass.hpp"

#include <imgui.h>

#include <cmath>

namespace citymap::ui {

bool drawCompass(double bearingDeg, bool en, float vw, float vh) {
  constexpr float kSize = 44;  // a touch target
  ImGui::SetNextWindowPos(ImVec2(vw - 10, vh - 40), ImGuiCond_Always, ImVec2(1, 1));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, kSize / 2);
  ImGui::SetNextWindowBgAlpha(0.95f);
  bool pressed = false;
  if (ImGui::Begin("###compass", nullptr,
                   ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                       ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing)) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    pressed = ImGui::InvisibleButton("north", ImVec2(kSize, kSize));
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", en ? "North up (Shift + Up)" : "Hướng bắc lên trên (Shift + mũi tên lên)");
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 c(at.x + kSize / 2, at.y + kSize / 2);
    // The needle points to north on screen: turned by minus the bearing.
    const float a = float(-bearingDeg * M_PI / 180), s = std::sin(a), co = std::cos(a);
    const auto rot = [&](float x, float y) { return ImVec2(c.x + x * co - y * s, c.y + x * s + y * co); };
    const float r = kSize * 0.36f;
    dl->AddTriangleFilled(rot(0, -r), rot(r * 0.32f, 0), rot(-r * 0.32f, 0), IM_COL32(214, 39, 24, 255));
    dl->AddTriangleFilled(rot(0, r), rot(-r * 0.32f, 0), rot(r * 0.32f, 0), IM_COL32(90, 90, 90, 255));
    dl->AddCircle(c, kSize / 2 - 2, IM_COL32(150, 150, 150, 255), 32, 1.5f);
  }
  ImGui::End();
  ImGui::PopStyleVar(2);
  return pressed;
}

}  // namespace citymap::ui
