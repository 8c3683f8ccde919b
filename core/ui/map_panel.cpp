#include "ui/map_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <iterator>
#include <string>

#include "ui/help_panel.hpp"

namespace citymap::ui {

bool compactLayout(float vw, float vh) { return vw < 700 || vh < 500; }

CompactPanel& compactPanel() {
  static CompactPanel open = CompactPanel::None;
  return open;
}

float& compactTop() {
  static float top = 10;
  return top;
}

void pushTouchStyle() {
  const float frameY = std::max(4.f, (kTouchTarget - ImGui::GetFontSize()) / 2);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(14, frameY));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(kCompactGap, 6));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(12, 10));
  ImGui::PushStyleVar(ImGuiStyleVar_ScrollbarSize, 18);
  ImGui::PushStyleVar(ImGuiStyleVar_GrabMinSize, 30);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 10);
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, 8);
}

void popTouchStyle() { ImGui::PopStyleVar(7); }

void pushReadableColors() { ImGui::PushStyleColor(ImGuiCol_TextDisabled, ImVec4(0.33f, 0.33f, 0.33f, 1)); }

bool touchCheckbox(const char* label, bool* value, const char* note) {
  ImGui::PushID(label);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const ImVec2 size(std::max(ImGui::GetContentRegionAvail().x, 120.f), kTouchTarget);
  const bool pressed = ImGui::InvisibleButton("##toggle", size);
  if (pressed) *value = !*value;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 end(at.x + size.x, at.y + size.y);
  if (ImGui::IsItemActive() || ImGui::IsItemHovered())
    dl->AddRectFilled(at, end,
                      ImGui::GetColorU32(ImGui::IsItemActive() ? ImGuiCol_HeaderActive : ImGuiCol_HeaderHovered), 6);
  if (ImGui::IsItemFocused()) dl->AddRect(at, end, ImGui::GetColorU32(ImGuiCol_NavHighlight), 6, 0, 2);
  const float box = 22;
  const ImVec2 b0(at.x + 6, at.y + (size.y - box) / 2), b1(b0.x + box, b0.y + box);
  dl->AddRectFilled(b0, b1, *value ? ImGui::GetColorU32(ImVec4(0.08f, 0.40f, 0.75f, 1)) : IM_COL32(255, 255, 255, 255),
                    5);
  dl->AddRect(b0, b1, *value ? ImGui::GetColorU32(ImVec4(0.08f, 0.40f, 0.75f, 1)) : IM_COL32(110, 110, 110, 255), 5, 0,
              1.5f);
  if (*value) {
    const ImVec2 tick[] = {{b0.x + 5, b0.y + 11.5f}, {b0.x + 9.5f, b0.y + 16}, {b0.x + 17, b0.y + 6.5f}};
    dl->AddPolyline(tick, 3, IM_COL32(255, 255, 255, 255), 0, 2.5f);
  }
  const float textY = at.y + (size.y - ImGui::GetFontSize()) / 2;
  dl->AddText(ImVec2(b1.x + 12, textY), ImGui::GetColorU32(ImGuiCol_Text), label);
  if (note) {
    const float w = ImGui::CalcTextSize(note).x;
    dl->AddText(ImVec2(end.x - w - 8, textY), ImGui::GetColorU32(ImGuiCol_TextDisabled), note);
  }
  ImGui::PopID();
  return pressed;
}

bool sheetHeader(const char* title, bool en) {
  const char* close = en ? "Close" : "Đóng";
  const float closeW = ImGui::CalcTextSize(close).x + ImGui::GetStyle().FramePadding.x * 2;
  const float avail = ImGui::GetContentRegionAvail().x;
  ImGui::AlignTextToFramePadding();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + avail - closeW - 8);
  ImGui::TextUnformatted(title);
  ImGui::PopTextWrapPos();
  ImGui::SameLine(ImGui::GetCursorStartPos().x + avail - closeW);
  const bool closed = ImGui::Button(close);
  ImGui::Separator();
  return closed;
}

const char* groupLabel(style::Group g, bool en) {
  switch (g) {
    case style::Group::Water:
      return en ? "Water" : "Sông, hồ";
    case style::Group::Landuse:
      return en ? "Land use & parks" : "Sử dụng đất, công viên";
    case style::Group::Buildings:
      return en ? "Buildings" : "Tòa nhà";
    case style::Group::Roads:
      return en ? "Roads" : "Đường";
    case style::Group::Railways:
      return en ? "Railways" : "Đường sắt";
    case style::Group::Admin:
      return en ? "Administrative units" : "Đơn vị hành chính";
    case style::Group::Transit:
      return en ? "Bus routes & stops" : "Tuyến, trạm xe buýt";
    case style::Group::Ioc:
      return en ? "IOC stations & shelters" : "Trạm IOC, nhà tránh trú";
    case style::Group::Pois:
      return en ? "Places of interest" : "Địa điểm";
    case style::Group::Labels:
      return en ? "Labels" : "Nhãn";
    case style::Group::Overlay:
      return en ? "Overlays" : "Lớp phủ";
    case style::Group::Count:
      break;
  }
  return "?";
}

const char* groupKey(style::Group g) {
  static constexpr const char* kKeys[] = {"water",   "landuse", "buildings", "roads",  "railways", "admin",
                                          "transit", "ioc",     "pois",      "labels", "overlay"};
  static_assert(std::size(kKeys) == size_t(style::Group::Count));
  return size_t(g) < std::size(kKeys) ? kKeys[size_t(g)] : "";
}

namespace {

void searchSection(const PanelModel& m, PanelState& st, PanelActions& a) {
  const bool en = m.english;
  ImGui::SetNextItemWidth(260);
  const bool enter =
      ImGui::InputTextWithHint("##search", en ? "Search places, streets, stops" : "Tìm địa điểm, đường, trạm",
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

namespace {

// The layer toggles, language and zoom of the compact layout's "Layers" sheet.
void compactSheet(const PanelModel& m, PanelState& st, LayerVisibility& visible, PanelActions& actions,
                  const std::string& title) {
  const bool en = m.english;
  if (sheetHeader(title.c_str(), en)) compactPanel() = CompactPanel::None;
  if (m.searchBox) {
    searchSection(m, st, actions);
    ImGui::Separator();
  }
  const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
  const auto choice = [&](const char* label, bool active) {
    if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    const bool pressed = ImGui::Button(label, ImVec2(half, 0));
    if (active) ImGui::PopStyleColor();
    return pressed;
  };
  if (choice("Tiếng Việt", !en)) actions.english = false;
  ImGui::SameLine();
  if (choice("English", en)) actions.english = true;
  if (choice(en ? "Day" : "Ngày", !m.night)) actions.night = false;
  ImGui::SameLine();
  if (choice(en ? "Night" : "Đêm", m.night)) actions.night = true;
  if (!m.styleError.empty()) ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "%s", m.styleError.c_str());
  for (size_t g = 0; g < visible.size(); ++g)
    actions.layersChanged |= touchCheckbox(groupLabel(style::Group(g), en), &visible[g]);
  ImGui::Separator();
  helpButtons(en, true, actions.helpShelters, actions.helpRoads);
  if (actions.helpShelters || actions.helpRoads) compactPanel() = CompactPanel::None;  // the help sheet opens
  actions.zoomIn = ImGui::Button("+", ImVec2(kTouchTarget + 8, 0));
  ImGui::SameLine();
  actions.zoomOut = ImGui::Button("-", ImVec2(kTouchTarget + 8, 0));
  ImGui::SameLine();
  if (ImGui::Button(en ? "Legend" : "Chú giải")) {
    st.legend = true;
    compactPanel() = CompactPanel::Legend;
  }
  if (ImGui::Button(en ? "Reset view" : "Về khung nhìn ban đầu")) actions.resetView = true;
  if (m.tilesFailed > 0) ImGui::TextDisabled(en ? "Tiles: %d failed" : "Ô bản đồ: %d lỗi", m.tilesFailed);
  if (!m.lastError.empty()) ImGui::TextColored(ImVec4(0.72f, 0.1f, 0.1f, 1), "%s", m.lastError.c_str());
}

// A compact layout's closed panel: one button at `at` (pivot: 0 left, 1 right).
bool compactButton(const char* id, const char* label, ImVec2 at, float pivotX, ImU32 dot) {
  ImGui::SetNextWindowPos(at, ImGuiCond_Always, ImVec2(pivotX, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
  ImGui::Begin(id, nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_AlwaysAutoResize |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing);
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(1, 1, 1, 0.97f));
  ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(0.6f, 0.6f, 0.6f, 1));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 1);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float iconW = 22;
  const std::string text = std::string(label);
  const float w = ImGui::CalcTextSize(text.c_str(), nullptr, true).x + iconW + 2 * ImGui::GetStyle().FramePadding.x;
  const bool pressed = ImGui::Button(("##" + std::string(id)).c_str(), ImVec2(std::max(w, kTouchTarget), kTouchTarget));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float x = p.x + ImGui::GetStyle().FramePadding.x, cy = p.y + kTouchTarget / 2;
  if (dot) {
    dl->AddCircleFilled(ImVec2(x + 7, cy), 6, dot);
  } else {  // three lines: "layers"
    for (int i = -1; i <= 1; ++i)
      dl->AddLine(ImVec2(x, cy + float(i) * 5.5f), ImVec2(x + 15, cy + float(i) * 5.5f), IM_COL32(40, 40, 40, 255), 2);
  }
  dl->AddText(ImVec2(x + iconW, cy - ImGui::GetFontSize() / 2), ImGui::GetColorU32(ImGuiCol_Text), text.c_str());
  ImGui::PopStyleVar();
  ImGui::PopStyleColor(2);
  ImGui::End();
  ImGui::PopStyleVar(2);
  return pressed;
}

}  // namespace

bool compactPanelButton(const char* id, const char* label, float x, float y, float pivotX, unsigned dotColor) {
  return compactButton(id, label, ImVec2(x, y), pivotX, ImU32(dotColor));
}

PanelActions drawMapPanel(const PanelModel& m, PanelState& st, LayerVisibility& visible, float viewportWidth,
                          float viewportHeight) {
  PanelActions actions;
  const bool en = m.english;
  const std::string title = (m.title.empty() ? std::string("citymap") : "citymap - " + m.title) + "###map";
  pushReadableColors();
  const bool compact = compactLayout(viewportWidth, viewportHeight);
  const CompactPanel openBefore = compactPanel();
  compactTop() = m.top;
  if (compact) {
    pushTouchStyle();
    if (!st.legend && compactPanel() == CompactPanel::Legend) compactPanel() = CompactPanel::None;
    if (compactPanel() == CompactPanel::Map) {
      const float w = std::min(viewportWidth - 20, 380.f);
      ImGui::SetNextWindowPos(ImVec2(10, m.top), ImGuiCond_Always);
      ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0), ImVec2(w, std::max(120.f, viewportHeight - m.top - 36)));
      ImGui::SetNextWindowBgAlpha(0.97f);
      if (ImGui::Begin("###mapsheet", nullptr,
                       ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                           ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize))
        compactSheet(m, st, visible, actions, title.substr(0, title.find("###")));
      ImGui::End();
    } else if (compactPanel() != CompactPanel::Legend) {
      if (compactButton("###mapbutton", en ? "Layers" : "Lớp bản đồ", ImVec2(10, m.top), 0, 0))
        compactPanel() = CompactPanel::Map;
    }
    popTouchStyle();
  } else {
    ImGui::SetNextWindowPos(ImVec2(10, m.top), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowBgAlpha(0.88f);
    if (st.collapse) ImGui::SetNextWindowCollapsed(true, ImGuiCond_Always);
    st.collapse = false;
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
      if (ImGui::RadioButton(en ? "Day" : "Ngày", !m.night)) actions.night = false;
      ImGui::SameLine();
      if (ImGui::RadioButton(en ? "Night" : "Đêm", m.night)) actions.night = true;
      if (!m.styleError.empty()) ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "%s", m.styleError.c_str());
      ImGui::TextUnformatted(en ? "Layers" : "Lớp bản đồ");
      for (size_t g = 0; g < visible.size(); ++g)
        actions.layersChanged |= ImGui::Checkbox(groupLabel(style::Group(g), en), &visible[g]);
      ImGui::Separator();
      helpButtons(en, false, actions.helpShelters, actions.helpRoads);
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
      ImGui::Text(en ? "Tiles %d loaded, %d loading, %d failed" : "Ô bản đồ: %d đã tải, %d đang tải, %d lỗi",
                  m.tilesLoaded, m.tilesPending, m.tilesFailed);
      ImGui::Text(en ? "%d draw calls, %zu triangles" : "%d lệnh vẽ, %zu tam giác", m.drawCalls, m.triangles);
      if (!m.lastError.empty()) ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "%s", m.lastError.c_str());
    }
    ImGui::End();
  }
  ImGui::PopStyleColor();

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
  actions.changed = actions.changed || actions.zoomIn || actions.zoomOut || actions.resetView ||
                    actions.layersChanged || actions.queryChanged || actions.chosenResult || actions.english ||
                    actions.night || actions.helpShelters || actions.helpRoads || compactPanel() != openBefore;
  return actions;
}

}  // namespace citymap::ui
