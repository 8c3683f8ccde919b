#include "ui/help_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "ui/map_panel.hpp"

namespace citymap::ui {

namespace {

const char* incidentWord(feeds::IncidentKind k, bool en) {
  switch (k) {
    case feeds::IncidentKind::Flood:
      return en ? "flooded" : "ngập";
    case feeds::IncidentKind::RoadClosure:
      return en ? "closed" : "cấm đường";
    case feeds::IncidentKind::Landslide:
      return en ? "landslide" : "sạt lở";
    default:
      break;
  }
  return en ? "blocked" : "bị chặn";
}

// A full-width button in the touch layout, a plain one on the desktop.
bool wideButton(const char* label, bool touch) {
  return touch ? ImGui::Button(label, ImVec2(ImGui::GetContentRegionAvail().x, kTouchTarget)) : ImGui::Button(label);
}

void shelterList(const HelpPanelModel& m, HelpPanelActions& out, bool touch) {
  const bool en = m.english;
  const help::StormHelp& h = *m.help;
  if (!m.graphError.empty()) {
    ImGui::TextWrapped("%s %s",
                       en ? "Walking routes are unavailable:" : "Không tính được đường đi bộ:", m.graphError.c_str());
  } else if (!h.graph()) {
    ImGui::TextUnformatted(en ? "Loading the walking graph..." : "Đang tải dữ liệu đường đi bộ...");
    return;
  }
  if (h.shelters().empty()) {
    ImGui::TextWrapped("%s", en ? "No shelter is reported open with room right now."
                                : "Hiện chưa có nhà tránh trú nào báo đang mở và còn chỗ.");
  }
  for (size_t i = 0; i < h.shelters().size(); ++i) {
    const help::ShelterRow& s = h.shelters()[i];
    ImGui::PushID(int(i));
    const bool chosen = i == h.chosen();
    ImGui::Separator();
    ImGui::PushTextWrapPos(0);
    ImGui::Text("%zu. %s%s", i + 1, s.name.empty() ? (en ? "Shelter" : "Nhà tránh trú") : s.name.c_str(),
                chosen ? (en ? "  (route shown)" : "  (đang chỉ đường)") : "");
    char line[160];
    if (s.capacity > 0)
      std::snprintf(line, sizeof line, en ? "%s, %d of %d places taken" : "%s, %d/%d chỗ đã dùng",
                    help::shelterStateName(s.state, en), s.occupancy, s.capacity);
    else
      std::snprintf(line, sizeof line, "%s", help::shelterStateName(s.state, en));
    ImGui::TextUnformatted(line);
    std::snprintf(line, sizeof line, en ? "%s on foot, about %s%s" : "%s đi bộ, khoảng %s%s",
                  help::formatMetres(s.metres).c_str(), help::formatMinutes(s.seconds, en).c_str(),
                  s.straightLine ? (en ? " (part in a straight line: no road data)"
                                       : " (một đoạn theo đường thẳng: thiếu dữ liệu đường)")
                                 : "");
    ImGui::TextUnformatted(line);
    ImGui::PopTextWrapPos();
    if (!chosen && wideButton(en ? "Route here" : "Chỉ đường đến đây", touch)) out.choose = i;
    if (!chosen && !touch) ImGui::SameLine();
    if (wideButton(en ? "Show on map" : "Xem trên bản đồ", touch)) out.showOnMap = s.position;
    ImGui::PopID();
  }
  if (!h.unknown().empty()) {
    ImGui::Separator();
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", en ? "Nearer shelters with no recent status (call before going):"
                                 : "Nhà tránh trú gần hơn nhưng chưa rõ tình trạng (hãy gọi trước):");
    for (const help::ShelterRow& s : h.unknown())
      ImGui::BulletText("%s, %s %s", s.name.empty() ? (en ? "Shelter" : "Nhà tránh trú") : s.name.c_str(),
                        help::formatMetres(s.straightMetres).c_str(), en ? "in a straight line" : "theo đường thẳng");
    ImGui::PopTextWrapPos();
  }
}

void roadList(const HelpPanelModel& m, HelpPanelActions& out, bool touch) {
  const bool en = m.english;
  const help::StormHelp& h = *m.help;
  if (h.roads().empty())
    ImGui::TextWrapped("%s", en ? "No flooded or closed road is reported within 10 km."
                                : "Không có đường ngập hay bị cấm nào được báo trong vòng 10 km.");
  for (size_t i = 0; i < h.roads().size(); ++i) {
    const help::RoadRow& r = h.roads()[i];
    ImGui::PushID(int(i));
    ImGui::Separator();
    const std::string& title =
        en ? (r.titleEn.empty() ? r.titleVi : r.titleEn) : (r.titleVi.empty() ? r.titleEn : r.titleVi);
    ImGui::PushTextWrapPos(0);
    ImGui::Text("%s - %s, %s", r.name.empty() ? title.c_str() : r.name.c_str(), incidentWord(r.kind, en),
                r.metres <= 0 ? (en ? "here" : "tại đây") : help::formatMetres(r.metres).c_str());
    if (!r.name.empty() && !title.empty()) ImGui::TextDisabled("%s", title.c_str());
    ImGui::PopTextWrapPos();
    if (wideButton(en ? "Show on map" : "Xem trên bản đồ", touch)) out.showOnMap = r.at;
    ImGui::PopID();
  }
}

void contents(const HelpPanelModel& m, HelpPanelActions& out, bool touch) {
  const bool en = m.english;
  const help::StormHelp& h = *m.help;
  if (m.replaying) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.29f, 0, 1));
    ImGui::TextWrapped("%s",
                       en ? "For the replayed time, not now." : "Theo thời điểm đang xem lại, không phải hiện tại.");
    ImGui::PopStyleColor();
  }
  if (!m.message.empty()) ImGui::TextWrapped("%s", m.message.c_str());
  if (m.pickingStart) {
    ImGui::TextWrapped(
        "%s", en ? "Tap or click the map where to start." : "Chạm hoặc nhấp vào bản đồ để chọn điểm xuất phát.");
  } else if (h.mode() != help::StormHelp::Mode::None) {
    ImGui::TextWrapped("%s", originText(h.origin(), en).c_str());
  }
  if (wideButton(en ? "Choose the start on the map" : "Chọn điểm xuất phát trên bản đồ", touch)) out.pickStart = true;
  if (h.mode() == help::StormHelp::Mode::Shelters) shelterList(m, out, touch);
  if (h.mode() == help::StormHelp::Mode::Roads) roadList(m, out, touch);
}

}  // namespace

std::string originText(const help::Origin& o, bool en) {
  switch (o.source) {
    case help::OriginSource::Location:
      return en ? "From your position" : "Từ vị trí của bạn";
    case help::OriginSource::Point:
      return en ? "From the point you chose" : "Từ điểm bạn đã chọn";
    case help::OriginSource::Selection:
      return (en ? "From the selected place" : "Từ địa điểm đã chọn") +
             (o.name.empty() ? std::string() : ": " + o.name);
    case help::OriginSource::View:
      break;
  }
  return en ? "From the centre of the map (no position given)" : "Từ giữa bản đồ (chưa có vị trí)";
}

void helpButtons(bool en, bool touch, bool& shelters, bool& roads) {
  if (touch) {
    const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
    shelters |= ImGui::Button(en ? "Nearest shelter" : "Nơi trú gần nhất", ImVec2(half, kTouchTarget));
    ImGui::SameLine();
    roads |= ImGui::Button(en ? "Flooded roads" : "Đường ngập", ImVec2(half, kTouchTarget));
  } else {
    shelters |= ImGui::Button(en ? "Nearest shelter" : "Nơi trú gần nhất");
    ImGui::SameLine();
    roads |= ImGui::Button(en ? "Flooded roads near me" : "Đường ngập gần tôi");
  }
}

HelpPanelActions drawHelpPanel(const HelpPanelModel& m, float vw, float vh) {
  HelpPanelActions out;
  if (!m.help) return out;
  const bool open = m.help->mode() != help::StormHelp::Mode::None || m.pickingStart || !m.message.empty();
  if (!open) return out;
  const bool en = m.english;
  const bool compact = compactLayout(vw, vh);
  pushReadableColors();
  if (compact) pushTouchStyle();
  const char* title = m.help->mode() == help::StormHelp::Mode::Roads
                          ? (en ? "Flooded and closed roads###help" : "Đường ngập và bị cấm###help")
                          : (en ? "Nearest open shelters###help" : "Nơi trú đang mở gần nhất###help");
  if (compact) {
    // A sheet from the top (below the panel buttons), over the map's upper part.
    const float w = std::min(vw - 20, 380.f);
    ImGui::SetNextWindowPos(ImVec2(10, compactTop()), ImGuiCond_Always);
    ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0), ImVec2(w, std::max(140.f, vh * 0.55f)));
    ImGui::SetNextWindowBgAlpha(0.97f);
    if (ImGui::Begin("###helpsheet", nullptr,
                     ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                         ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize)) {
      const std::string t(title, std::string_view(title).find("###"));
      if (sheetHeader(t.c_str(), en)) out.close = true;
      contents(m, out, true);
    }
    ImGui::End();
  } else {
    // Bottom left (the map panel folds away when help opens; the view fits the answer to the
    // right of this window).
    // Beside the card when one is open (it keeps the bottom left).
    ImGui::SetNextWindowPos(ImVec2(m.hasSelection ? std::max(10.f, std::min(370.f, vw - 360)) : 10.f, vh - 34),
                            ImGuiCond_Always, ImVec2(0, 1));
    ImGui::SetNextWindowSizeConstraints(ImVec2(340, 0), ImVec2(360, std::max(200.f, vh * 0.6f)));
    ImGui::SetNextWindowBgAlpha(0.94f);
    bool keep = true;
    if (ImGui::Begin(title, &keep, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings))
      contents(m, out, false);
    ImGui::End();
    if (!keep) out.close = true;
  }
  if (compact) popTouchStyle();
  ImGui::PopStyleColor();
  out.changed |= out.close || out.choose || out.showOnMap || out.pickStart;
  return out;
}

}  // namespace citymap::ui
