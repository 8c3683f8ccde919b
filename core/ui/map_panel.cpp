#include "ui/map_panel.hpp"

#include <imgui.h>

namespace citymap::ui {

PanelActions drawMapPanel(const PanelModel& m, LayerVisibility& visible, float viewportWidth,
                          float viewportHeight) {
  PanelActions actions;
  ImGui::SetNextWindowPos(ImVec2(10, 10), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowBgAlpha(0.88f);
  if (ImGui::Begin("citymap - Da Nang", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("Layers");
    for (size_t g = 0; g < visible.size(); ++g)
      actions.layersChanged |= ImGui::Checkbox(style::groupName(style::Group(g)), &visible[g]);
    ImGui::Separator();
    ImGui::Text("Zoom %.2f", m.zoom);
    ImGui::SameLine();
    actions.zoomIn = ImGui::SmallButton("+");
    ImGui::SameLine();
    actions.zoomOut = ImGui::SmallButton("-");
    ImGui::SameLine();
    actions.resetView = ImGui::SmallButton("Reset view");
    if (m.cursor)
      ImGui::Text("Cursor %.5f N, %.5f E", m.cursor->lat, m.cursor->lng);
    else
      ImGui::TextUnformatted("Cursor -");
    ImGui::Text("Frame %.2f ms CPU, %.0f fps", m.frameMs, m.fps);
    ImGui::Text("Tiles %d loaded, %d loading, %d failed", m.tilesLoaded, m.tilesPending, m.tilesFailed);
    ImGui::Text("%d draw calls, %zu triangles", m.drawCalls, m.triangles);
    if (!m.lastError.empty()) ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "%s", m.lastError.c_str());
  }
  ImGui::End();

  if (!m.attribution.empty()) {
    const ImVec2 size = ImGui::CalcTextSize(m.attribution.c_str());
    ImGui::SetNextWindowPos(ImVec2(viewportWidth - size.x - 14, viewportHeight - size.y - 10));
    ImGui::SetNextWindowBgAlpha(0.75f);
    ImGui::Begin("##attribution", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoInputs | ImGuiWindowFlags_AlwaysAutoResize |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing);
    ImGui::TextUnformatted(m.attribution.c_str());
    ImGui::End();
  }
  return actions;
}

}  // namespace citymap::ui
