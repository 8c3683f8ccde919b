#include "ui/map_panel.hpp"

#include <imgui.h>

#include <iterator>
#include <string>

namespace citymap::ui {

const char* groupLabel(style::Group g, bool en) {
  switch (g) {
    case style::Group::Water: return en ? "Water" : "Sông, hồ";
    case style::Group::Landuse: return en ? "Land use & parks" : "Sử dụng đất, công viên";
    case style::Group::Buildings: return en ? "Buildings" : "Tòa nhà";
    case style::Group::Roads: return en ? "Roads" : "Đường";
    case style::Group::Railways: return en ? "Railways" : "Đường sắt";
    case style::Group::Admin: return en ? "Administrative units" : "Đơn vị hành chính";
    case style::Group::Transit: return en ? "Bus routes & stops" : "Tuyến, trạm xe buýt";
    case style::Group::Ioc: return en ? "IOC stations & shelters" : "Trạm IOC, nhà tránh trú";
    case style::Group::Pois: return en ? "Places of interest" : "Địa điểm";
    case style::Group::Labels: return en ? "Labels" : "Nhãn";
    case style::Group::Overlay: return en ? "Overlays" : "Lớp phủ";
    case style::Group::Count: break;
  }
  return "?";
}

const char* groupKey(style::Group g) {
  static constexpr const char* kKeys[] = {"water", "landuse", "buildings", "roads", "railways", "admin",
                                          "transit", "ioc",   "pois",      "labels", "overlay"};
  static_assert(std::size(kKeys) == size_t(style::Group::Count));
  return size_t(g) < std::size(kKeys) ? kKeys[size_t(g)] : "";
}

namespace {

void searchSection(const PanelModel& m, PanelState& st, PanelActions& a) {
  const bool en = m.english;
  ImGui::SetNextItemWidth(260);
  const bool enter = ImGui::InputTextWithHint("##search", en ? "Search places, streets, stops" : "Tìm địa điểm, đường, trạm",
                                              st.query.data(), st.query.size(), ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::IsItemEdited()) a.queryChanged = true;
  if (enter && !m.results.empty()) a.chosenResult = 0;
  if (st.query[0] == 0) return;
  if (!m.searchError.empty()) {
    ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "%s", m.searchError.c_str());
    return;
  }
  if (!m.searchReady) {
    ImGui::TextDisabled("%s", en ? "Loading the search index..." : "Đang tải chỉ mục tìm kiếm...");
    return;
  }
  if (m.results.empty()) ImGui::TextDisabled("%s", en ? "No results" : "Không tìm thấy");
  for (size_t i = 0; i < m.results.size(); ++i) {
    ImGui::PushID(int(i));
    const std::string label = m.results[i].title + "##r";
    if (ImGui::Selectable(label.c_str(), false, 0, ImVec2(260, 0))) a.chosenResult = i;
    ImGui::PopID();
    ImGui::SameLine(0, 0);
    ImGui::NewLine();
    ImGui::TextDisabled("  %s", m.results[i].detail.c_str());
  }
}

}  // namespace

PanelActions drawMapPanel(const PanelModel& m, PanelState& st, LayerVisibility& visible, float viewportWidth,
                          float viewportHeight) {
  PanelActions actions;
  const bool en = m.english;
  ImGui::SetNextWindowPos(ImVec2(10, m.top), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowBgAlpha(0.88f);
  const std::string title = (m.title.empty() ? std::string("citymap") : "citymap - " + m.title) + "###map";
  if (ImGui::Begin(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    if (m.searchBox) {
      searchSection(m, st, actions);
      ImGui::Separator();
    }
    if (ImGui::RadioButton("Tiếng Việt", !en)) actions.english = false;
    ImGui::SameLine();
    if (ImGui::RadioButton("English", en)) actions.english = true;
    ImGui::SameLine();
    if (ImGui::SmallButton(en ? "Legend" : "Chú giải")) st.legend = !st.legend;
    ImGui::TextUnformatted(en ? "Layers" : "Lớp bản đồ");
    for (size_t g = 0; g < visible.size(); ++g)
      actions.layersChanged |= ImGui::Checkbox(groupLabel(style::Group(g), en), &visible[g]);
    ImGui::Separator();
    ImGui::Text(en ? "Zoom %.2f" : "Mức thu phóng %.2f", m.zoom);
    ImGui::SameLine();
    actions.zoomIn = ImGui::SmallButton("+");
    ImGui::SameLine();
    actions.zoomOut = ImGui::SmallButton("-");
    ImGui::SameLine();
    actions.resetView = ImGui::SmallButton(en ? "Reset view" : "Về khung nhìn ban đầu");
    if (m.cursor)
      ImGui::Text(en ? "Cursor %.5f N, %.5f E" : "Con trỏ %.5f B, %.5f Đ", m.cursor->lat, m.cursor->lng);
    else
      ImGui::TextUnformatted(en ? "Cursor -" : "Con trỏ -");
    ImGui::Text(en ? "Frame %.2f ms CPU, %.0f fps" : "Khung hình %.2f ms CPU, %.0f fps", m.frameMs, m.fps);
    ImGui::Text(en ? "Tiles %d loaded, %d loading, %d failed" : "Ô bản đồ: %d đã tải, %d đang tải, %d lỗi", m.tilesLoaded,
                m.tilesPending, m.tilesFailed);
    ImGui::Text(en ? "%d draw calls, %zu triangles" : "%d lệnh vẽ, %zu tam giác", m.drawCalls, m.triangles);
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
  actions.changed = actions.zoomIn || actions.zoomOut || actions.resetView || actions.layersChanged ||
                    actions.queryChanged || actions.chosenResult || actions.english;
  return actions;
}

}  // namespace citymap::ui
