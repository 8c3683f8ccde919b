#include "ui/feed_panel.hpp"

#include <imgui.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "ui/map_panel.hpp"

namespace citymap::ui {

namespace {

struct Text {
  const char* vi;
  const char* en;
  const char* operator()(bool english) const { return english ? en : vi; }
};

const Text kSeverity[] = {{"Thông tin", "Info"},
                          {"Nhẹ", "Minor"},
                          {"Trung bình", "Moderate"},
                          {"Nghiêm trọng", "Severe"},
                          {"Khẩn cấp", "Extreme"}};
const Text kIncident[] = {{"Ngập lụt", "Flood"},     {"Bão", "Storm"},        {"Sạt lở", "Landslide"},
                          {"Ùn tắc", "Traffic jam"}, {"Tai nạn", "Accident"}, {"Cấm đường", "Road closure"}};

ImVec4 rgb(uint32_t c, float a = 1) {
  return ImVec4(float((c >> 16) & 0xff) / 255.f, float((c >> 8) & 0xff) / 255.f, float(c & 0xff) / 255.f, a);
}

const std::string& pick(const std::string& vi, const std::string& en, bool english) {
  if (english) return en.empty() ? vi : en;
  return vi.empty() ? en : vi;
}

uint32_t connectionColor(feeds::ConnectionState s) {
  switch (s) {
    case feeds::ConnectionState::Off:
      return 0x8a8a8a;
    case feeds::ConnectionState::Connecting:
      return 0xe0b000;
    case feeds::ConnectionState::Connected:
      return 0x1a9850;
    case feeds::ConnectionState::Reconnecting:
      return 0xd62718;
  }
  return 0x8a8a8a;
}

void connectionLine(const FeedPanelModel& m, bool en) {
  const auto& c = m.summary.connection;
  uint32_t color = 0x8a8a8a;
  char buf[160];
  switch (c.state) {
    case feeds::ConnectionState::Off:
      std::snprintf(buf, sizeof buf, "%s", en ? "No live feed" : "Không có dữ liệu trực tiếp");
      break;
    case feeds::ConnectionState::Connecting:
      color = 0xe0b000;
      std::snprintf(buf, sizeof buf, "%s", en ? "Connecting..." : "Đang kết nối...");
      break;
    case feeds::ConnectionState::Connected:
      color = 0x1a9850;
      std::snprintf(buf, sizeof buf, "%s", en ? "Live" : "Trực tiếp");
      break;
    case feeds::ConnectionState::Reconnecting:
      color = 0xd62718;
      std::snprintf(buf, sizeof buf, en ? "Offline - reconnecting in %.0f s" : "Mất kết nối - thử lại sau %.0f giây",
                    std::ceil(c.retryInMs / 1000));
      break;
  }
  // A status dot, then the state.
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetTextLineHeight();
  ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(at.x + h * 0.4f, at.y + h * 0.5f), h * 0.3f,
                                              ImGui::ColorConvertFloat4ToU32(rgb(color)));
  ImGui::SetCursorScreenPos(ImVec2(at.x + h, at.y));
  ImGui::TextUnformatted(buf);
  if (!c.url.empty() && ImGui::IsItemHovered())
    ImGui::SetTooltip("%s%s%s", c.url.c_str(), c.detail.empty() ? "" : "\n", c.detail.c_str());
  if (m.summary.newestAgeMs >= 0) {
    const std::string age = formatAge(m.summary.newestAgeMs);
    ImGui::Text(en ? "Newest message %s ago" : "Tin mới nhất %s trước", age.c_str());
  }
  if (c.state != feeds::ConnectionState::Connected && m.summary.newestAgeMs >= 0)
    ImGui::TextColored(rgb(0xb71c1c), "%s",
                       en ? "Showing the last known state, not live" : "Đang hiện trạng thái cuối, không trực tiếp");
}

// A dot in a colour at the start of the line, then the line's text goes on after it.
void colorDot(uint32_t color) {
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetTextLineHeight();
  ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(at.x + h * 0.4f, at.y + h * 0.5f), h * 0.32f,
                                              ImGui::ColorConvertFloat4ToU32(rgb(color)));
  ImGui::SetCursorScreenPos(ImVec2(at.x + h, at.y));
}

// The storms: name, class and intensity, wind and pressure, movement, the report's time and age.
void stormList(const FeedPanelModel& m, FeedPanelState& st, FeedPanelActions& out, bool compact) {
  const bool en = st.english;
  char header[64];
  std::snprintf(header, sizeof header, en ? "Storms (%zu)###storms" : "Bão (%zu)###storms", m.storms.size());
  if (!ImGui::CollapsingHeader(header, ImGuiTreeNodeFlags_DefaultOpen)) return;
  for (size_t i = 0; i < m.storms.size(); ++i) {
    const feeds::StormReport& s = m.storms[i]->value;
    const feeds::EntityMeta& meta = m.storms[i]->meta;
    ImGui::PushID(int(s.stormId % 0x7fffffff));
    colorDot(live::stormColor(s.category));
    ImGui::PushTextWrapPos(compact ? 0.f : ImGui::GetCursorPosX() + 290);
    ImGui::TextUnformatted(pick(s.nameVi, s.nameEn, en).c_str());
    ImGui::PopTextWrapPos();
    const std::string category = stormCategoryName(s.category, en), intensity = stormIntensity(s, en);
    ImGui::Text("%s%s%s%s", category.c_str(), intensity.empty() ? "" : " (", intensity.c_str(),
                intensity.empty() ? "" : ")");
    char line[160];
    int n = std::snprintf(line, sizeof line, en ? "Wind %.0f m/s" : "Gió %.0f m/s", double(s.windMs));
    if (s.gustMs > 0)
      n += std::snprintf(line + n, sizeof line - size_t(n), en ? ", gusts %.0f m/s" : ", giật %.0f m/s",
                         double(s.gustMs));
    if (s.pressureHpa > 0) std::snprintf(line + n, sizeof line - size_t(n), " · %.0f hPa", double(s.pressureHpa));
    ImGui::TextUnformatted(line);
    const std::string movement = stormMovement(s, en);
    if (!movement.empty()) ImGui::TextUnformatted(movement.c_str());
    const std::string at = live::formatLocalTime(meta.timestampMs), age = formatAge(double(m.nowMs - meta.timestampMs));
    ImGui::TextDisabled(en ? "Report of %s, %s ago%s" : "Bản tin lúc %s, %s trước%s", at.c_str(), age.c_str(),
                        meta.simulated ? (en ? " (simulated)" : " (mô phỏng)") : "");
    if (compact ? ImGui::Button(en ? "Show on map" : "Xem trên bản đồ")
                : ImGui::SmallButton(en ? "Show on map" : "Xem trên bản đồ"))
      out.showStorm = s.stormId;
    ImGui::PopID();
  }
}

std::string replayLabel(const ReplayView& r, bool en) {
  if (!r.tMs) return en ? "Live" : "Trực tiếp";
  return live::formatLocalTime(*r.tMs) + " (" + formatAge(double(r.newestMs - *r.tMs)) + (en ? " earlier)" : " trước)");
}

void speedButtons(const ReplayView& r, FeedPanelActions& out, bool en, bool touch) {
  const ImVec2 size = touch ? ImVec2(0, kTouchTarget) : ImVec2(0, 0);
  if (r.tMs) {
    if (ImGui::Button(r.speed > 0 ? (en ? "Pause" : "Tạm dừng") : (en ? "Play" : "Phát"), size))
      out.speed = r.speed > 0 ? 0 : 60;
    for (const double x : {1.0, 10.0, 60.0}) {
      ImGui::SameLine();
      char label[16];
      std::snprintf(label, sizeof label, "%gx", x);
      const bool on = r.speed == x;
      if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
      if (ImGui::Button(label, size)) out.speed = x;
      if (on) ImGui::PopStyleColor();
    }
    ImGui::SameLine();
    if (ImGui::Button(en ? "Back to live" : "Về trực tiếp", size)) out.live = true;
  }
}

// The time slider: minutes before the newest recorded state, 0 = live.
void replaySection(const ReplayView& r, FeedPanelActions& out, bool en, bool touch) {
  if (!r.available) return;
  ImGui::Separator();
  ImGui::TextUnformatted(en ? "Replay (drag back in time)" : "Xem lại (kéo về quá khứ)");
  if (!r.pastRequested) {
    if (touch ? ImGui::Button(en ? "Load the last hours" : "Tải các giờ trước",
                              ImVec2(ImGui::GetContentRegionAvail().x, kTouchTarget))
              : ImGui::SmallButton(en ? "Load the last hours" : "Tải các giờ trước"))
      out.loadPast = true;
  } else if (r.pastMessages == 0) {
    ImGui::TextDisabled("%s", en ? "Loading the last hours..." : "Đang tải các giờ trước...");
  }
  if (r.newestMs <= r.oldestMs) {
    out.changed |= out.loadPast;
    return;
  }
  const float span = float(double(r.newestMs - r.oldestMs) / 60'000.0);
  float minutes = r.tMs ? -float(double(r.newestMs - *r.tMs) / 60'000.0) : 0.f;
  const std::string label = replayLabel(r, en);
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
  if (touch) ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(8, (kTouchTarget - ImGui::GetFontSize()) / 2));
  if (ImGui::SliderFloat("##replay", &minutes, -span, 0.f, label.c_str(), ImGuiSliderFlags_NoInput)) {
    if (minutes >= -0.05f)
      out.live = true;
    else
      out.seek = r.newestMs + int64_t(double(minutes) * 60'000.0);
  }
  if (touch) ImGui::PopStyleVar();
  speedButtons(r, out, en, touch);
  out.changed |= out.seek || out.live || out.speed || out.loadPast;
}

}  // namespace

void drawReplayBanner(const ReplayView& r, bool en, float vw, float vh, FeedPanelActions& out, float leftInset) {
  if (!r.tMs) return;
  const bool compact = compactLayout(vw, vh);
  const float inset = compact ? 0.f : std::min(leftInset, vw / 2);
  const float w = std::min(vw - 20 - inset, 560.f);
  ImGui::SetNextWindowPos(ImVec2(inset + (vw - inset) / 2, vh - (compact ? 44 : 40)), ImGuiCond_Always,
                          ImVec2(0.5f, 1));
  ImGui::SetNextWindowSize(ImVec2(w, 0));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.45f, 0.24f, 0.0f, 0.96f));  // 4.5:1+ with white
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(1, 1, 1, 0.22f));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(1, 1, 1, 0.45f));
  if (compact) pushTouchStyle();
  ImGui::Begin("##replaybanner", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                   ImGuiWindowFlags_AlwaysAutoResize);
  ImGui::TextWrapped(en ? "REPLAY - the map shows the past: %s" : "XEM LẠI - bản đồ đang hiển thị quá khứ: %s",
                     replayLabel(r, en).c_str());
  speedButtons(r, out, en, compact);
  ImGui::End();
  if (compact) popTouchStyle();
  ImGui::PopStyleColor(4);
  out.changed |= out.live || out.speed;
}

namespace {

// The live window's contents (the desktop's window, the compact layout's sheet).
void liveContents(const FeedPanelModel& m, FeedPanelState& st, FeedPanelActions& out, bool compact) {
  const bool en = st.english;
  if (m.summary.simulated) {
    ImGui::PushStyleColor(ImGuiCol_Text, rgb(0x8a4b00));  // 4.5:1 and more on the panel
    ImGui::TextWrapped("%s",
                       en ? "SIMULATED DATA - not real observations" : "DỮ LIỆU MÔ PHỎNG - không phải số liệu thật");
    ImGui::PopStyleColor();
  }
  connectionLine(m, en);
  if (!compact && ImGui::SmallButton(en ? "Tiếng Việt" : "English")) {  // compact: the page's toolbar has it
    st.english = !st.english;
    out.changed = true;
  }
  ImGui::Separator();
  const auto toggle = [&](const Text& label, bool& on, feeds::FeedKind kind) {
    if (compact) {
      const std::string count = std::to_string(m.summary.entities[size_t(kind)]);
      out.changed |= touchCheckbox(label(en), &on, count.c_str());
      return;
    }
    out.changed |= ImGui::Checkbox(label(en), &on);
    ImGui::SameLine(200);
    ImGui::TextDisabled("%d", m.summary.entities[size_t(kind)]);
  };
  toggle({"Giao thông", "Traffic"}, st.layers.traffic, feeds::FeedKind::Traffic);
  toggle({"Xe buýt", "Buses"}, st.layers.buses, feeds::FeedKind::Bus);
  toggle({"Trạm quan trắc", "Sensors"}, st.layers.sensors, feeds::FeedKind::Sensor);
  toggle({"Nhà tránh trú", "Shelters"}, st.layers.shelters, feeds::FeedKind::Shelter);
  toggle({"Sự cố", "Incidents"}, st.layers.incidents, feeds::FeedKind::Incident);
  toggle({"Camera", "Cameras"}, st.layers.cameras, feeds::FeedKind::Camera);
  toggle({"Bão", "Storms"}, st.layers.storms, feeds::FeedKind::Storm);
  ImGui::TextDisabled(en ? "%" PRIu64 " messages, %" PRIu64 " dropped (%" PRIu64 " malformed)"
                         : "%" PRIu64 " tin, %" PRIu64 " bị bỏ (%" PRIu64 " lỗi)",
                      m.summary.received, m.summary.dropped, m.summary.droppedMalformed);
  replaySection(m.replay, out, en, compact);
  ImGui::Separator();
  if (!m.storms.empty()) stormList(m, st, out, compact);
  char header[64];
  std::snprintf(header, sizeof header, en ? "Alerts (%zu)###alerts" : "Cảnh báo (%zu)###alerts", m.alerts.size());
  if (ImGui::CollapsingHeader(header, ImGuiTreeNodeFlags_DefaultOpen)) {
    if (m.alerts.empty()) ImGui::TextDisabled("%s", en ? "No active alerts" : "Không có cảnh báo");
    const size_t shown = std::min<size_t>(m.alerts.size(), 12);
    for (size_t i = 0; i < shown; ++i) {
      const auto& in = m.alerts[i]->value;
      ImGui::PushID(int(i));
      // A dot in the severity's colour, the words in dark text (yellow text would not be readable).
      const ImVec2 at = ImGui::GetCursorScreenPos();
      const float h = ImGui::GetTextLineHeight();
      ImGui::GetWindowDrawList()->AddCircleFilled(
          ImVec2(at.x + h * 0.4f, at.y + h * 0.5f), h * 0.32f,
          ImGui::ColorConvertFloat4ToU32(rgb(live::severityColor(in.severity))));
      ImGui::SetCursorScreenPos(ImVec2(at.x + h, at.y));
      ImGui::TextUnformatted(kSeverity[int(in.severity)](en));
      ImGui::SameLine();
      ImGui::TextDisabled("%s", kIncident[int(in.kind)](en));
      ImGui::PushTextWrapPos(compact ? 0.f : ImGui::GetCursorPosX() + 290);
      ImGui::TextUnformatted(pick(in.titleVi, in.titleEn, en).c_str());
      if (ImGui::IsItemHovered()) {
        const std::string& text = pick(in.textVi, in.textEn, en);
        const std::string& advice = pick(in.adviceVi, in.adviceEn, en);
        ImGui::SetTooltip("%s%s%s", text.c_str(), advice.empty() ? "" : "\n\n", advice.c_str());
      }
      ImGui::PopTextWrapPos();
      if ((in.point || !in.area.empty()) && (compact ? ImGui::Button(en ? "Show on map" : "Xem trên bản đồ")
                                                     : ImGui::SmallButton(en ? "Show on map" : "Xem trên bản đồ")))
        out.showOnMap = in.point ? *in.point : in.area.front();
      ImGui::PopID();
    }
    if (m.alerts.size() > shown) ImGui::TextDisabled(en ? "... %zu more" : "... còn %zu", m.alerts.size() - shown);
  }
}

}  // namespace

std::string stormCategoryName(feeds::StormCategory c, bool en) {
  static const Text kNames[] = {{"Vùng áp thấp", "Low"},     {"Áp thấp nhiệt đới", "Tropical depression"},
                                {"Bão", "Tropical storm"},   {"Bão mạnh", "Severe tropical storm"},
                                {"Bão rất mạnh", "Typhoon"}, {"Siêu bão", "Super typhoon"}};
  return kNames[std::min<size_t>(size_t(c), std::size(kNames) - 1)](en);
}

std::string stormIntensity(const feeds::StormReport& s, bool en) {
  if (s.beaufort == 0) return "";
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, en ? "force %d" : "cấp %d", int(s.beaufort));
  if (s.gustBeaufort > s.beaufort)
    std::snprintf(buf + n, sizeof buf - size_t(n), en ? ", gusts %d" : ", giật cấp %d", int(s.gustBeaufort));
  return buf;
}

std::string stormMovement(const feeds::StormReport& s, bool en) {
  static const Text kDirections[] = {{"Bắc", "north"},          {"Bắc Đông Bắc", "north-northeast"},
                                     {"Đông Bắc", "northeast"}, {"Đông Đông Bắc", "east-northeast"},
                                     {"Đông", "east"},          {"Đông Đông Nam", "east-southeast"},
                                     {"Đông Nam", "southeast"}, {"Nam Đông Nam", "south-southeast"},
                                     {"Nam", "south"},          {"Nam Tây Nam", "south-southwest"},
                                     {"Tây Nam", "southwest"},  {"Tây Tây Nam", "west-southwest"},
                                     {"Tây", "west"},           {"Tây Tây Bắc", "west-northwest"},
                                     {"Tây Bắc", "northwest"},  {"Bắc Tây Bắc", "north-northwest"}};
  if (s.speedKmh < 0.5f) return en ? "Almost stationary" : "Gần như đứng yên";
  const size_t i = size_t(std::lround(double(s.headingDeg) / 22.5)) % 16;
  char buf[96];
  std::snprintf(buf, sizeof buf, en ? "Moving %s at %.0f km/h" : "Di chuyển hướng %s, %.0f km/h", kDirections[i](en),
                double(s.speedKmh));
  return buf;
}

std::string formatAge(double ms) {
  char buf[32];
  const double s = std::max(0.0, ms / 1000);
  if (s < 90)
    std::snprintf(buf, sizeof buf, "%.0f s", s);
  else if (s < 90 * 60)
    std::snprintf(buf, sizeof buf, "%.0f min", s / 60);
  else
    std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
  return buf;
}

FeedPanelActions drawFeedPanel(const FeedPanelModel& m, FeedPanelState& st, float vw, float vh) {
  FeedPanelActions out;
  const bool en = st.english;

  // Severe alerts: a banner across the top until dismissed.
  const feeds::Entity<feeds::Incident>* top = nullptr;
  int severeCount = 0;
  for (const auto* a : m.alerts)
    if (a->value.severity >= feeds::Severity::Severe && !st.dismissed.count(a->value.incidentId)) {
      if (!top) top = a;
      ++severeCount;
    }
  const bool compact = compactLayout(vw, vh);
  const CompactPanel openBefore = compactPanel();
  pushReadableColors();
  if (compact) pushTouchStyle();
  // In the compact layout an open sheet hides the banner (the live sheet lists every alert).
  if (top && !(compact && compactPanel() != CompactPanel::None)) {
    if (compact) {
      // Below the panel buttons: across the screen on a phone held upright, on the right half
      // in landscape (the card keeps the bottom left).
      const float y = m.top + kTouchTarget + kCompactGap;
      const float w = vw < 600 ? vw - 20 : std::min(420.f, vw / 2 - 15);
      ImGui::SetNextWindowPos(ImVec2(vw - 10, y), ImGuiCond_Always, ImVec2(1, 0));
      ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0), ImVec2(w, std::max(120.f, vh * 0.3f)));
    } else {
      // Across the top between the two panels; on a narrow screen at the bottom instead, so it
      // never hides the panels' first lines.
      const float between = vw - 2 * 345;
      const bool atTop = between >= 360;
      const float inset = std::min(m.leftInset, vw / 2);
      const float w = atTop ? std::min(640.f, between) : std::min(640.f, vw - 20 - inset);
      if (atTop)
        ImGui::SetNextWindowPos(ImVec2((vw - w) / 2, 8));
      else  // above the REPLAY banner while replaying, right of the help window
        ImGui::SetNextWindowPos(ImVec2(inset + (vw - inset - w) / 2, vh - 40 - (m.replay.tMs ? 84 : 0)),
                                ImGuiCond_Always, ImVec2(0, 1));
      ImGui::SetNextWindowSize(ImVec2(w, 0));
    }
    ImGui::PushStyleColor(ImGuiCol_WindowBg, rgb(live::severityColor(top->value.severity), 0.97f));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(1, 1, 1, 0.2f));
    ImGui::Begin("##banner", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing | (compact ? ImGuiWindowFlags_AlwaysAutoResize : 0));
    const auto& in = top->value;
    ImGui::Text("%s - %s", kSeverity[int(in.severity)](en), kIncident[int(in.kind)](en));
    ImGui::TextWrapped("%s", pick(in.titleVi, in.titleEn, en).c_str());
    const std::string& advice = pick(in.adviceVi, in.adviceEn, en);
    if (!advice.empty() && !compact) ImGui::TextWrapped("%s", advice.c_str());
    if (in.point || !in.area.empty()) {
      if (ImGui::Button(en ? "Show on map" : "Xem trên bản đồ")) out.showOnMap = in.point ? *in.point : in.area.front();
      ImGui::SameLine();
    }
    // The storm behind the alerts: its track and cone.
    if (!m.storms.empty()) {
      if (ImGui::Button(en ? "Show the storm" : "Xem đường đi của bão"))
        out.showStorm = m.storms.front()->value.stormId;
      ImGui::SameLine();
    }
    if (ImGui::Button(en ? "Dismiss" : "Đóng")) {
      st.dismissed.insert(in.incidentId);
      out.changed = true;
    }
    if (severeCount > 1) {
      if (!compact) ImGui::SameLine();
      ImGui::Text(en ? "(+%d more severe alerts)" : "(+%d cảnh báo nghiêm trọng khác)", severeCount - 1);
    }
    ImGui::End();
    ImGui::PopStyleColor(3);
  }

  if (compact) {
    char label[64];
    if (compactPanel() == CompactPanel::None) {
      if (m.alerts.empty())
        std::snprintf(label, sizeof label, "%s", en ? "Live" : "Trực tiếp");
      else
        std::snprintf(label, sizeof label, "%s (%zu)", en ? "Live" : "Trực tiếp", m.alerts.size());
      const uint32_t dot = m.alerts.empty() ? connectionColor(m.summary.connection.state)
                                            : live::severityColor(m.alerts.front()->value.severity);
      if (compactPanelButton("###livebutton", label, vw - 10, m.top, 1, ImGui::ColorConvertFloat4ToU32(rgb(dot))))
        compactPanel() = CompactPanel::Live;
    } else if (compactPanel() == CompactPanel::Live) {
      const float w = std::min(vw - 20, 380.f);
      ImGui::SetNextWindowPos(ImVec2(vw - 10, m.top), ImGuiCond_Always, ImVec2(1, 0));
      ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0), ImVec2(w, std::max(120.f, vh - m.top - 36)));
      ImGui::SetNextWindowBgAlpha(0.97f);
      if (ImGui::Begin("###livesheet", nullptr,
                       ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                           ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize)) {
        if (sheetHeader(en ? "Live city data" : "Dữ liệu trực tiếp", en)) compactPanel() = CompactPanel::None;
        liveContents(m, st, out, true);
      }
      ImGui::End();
      if (out.showOnMap) compactPanel() = CompactPanel::None;  // the map, not the sheet, shows it
    }
    popTouchStyle();
    ImGui::PopStyleColor();
    if (compactPanel() != openBefore) out.changed = true;
    if (!m.tooltip.empty()) ImGui::SetTooltip("%s", m.tooltip.c_str());
    return out;
  }

  ImGui::SetNextWindowPos(ImVec2(vw - 330, 10), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSizeConstraints(ImVec2(300, 0), ImVec2(320, std::max(200.f, vh - 60)));
  ImGui::SetNextWindowBgAlpha(0.9f);
  if (ImGui::Begin(en ? "Live city data###live" : "Dữ liệu trực tiếp###live", nullptr,
                   ImGuiWindowFlags_AlwaysAutoResize)) {
    liveContents(m, st, out, false);
  }
  ImGui::End();
  ImGui::PopStyleColor();

  if (!m.tooltip.empty()) ImGui::SetTooltip("%s", m.tooltip.c_str());
  return out;
}

std::string describeEntity(const feeds::FeedStore& store, const live::LivePick& p, int64_t nowMs, bool en) {
  char buf[512];
  buf[0] = 0;
  const auto age = [&](const feeds::EntityMeta& meta) { return formatAge(double(nowMs - meta.timestampMs)); };
  const char* sim = en ? " (simulated)" : " (mô phỏng)";
  switch (p.kind) {
    case feeds::FeedKind::Sensor: {
      const auto it = store.sensors().find(p.id);
      if (it == store.sensors().end()) break;
      const auto& r = it->second.value;
      static const Text kKind[] = {{"Tháp báo lũ", "Flood tower"},
                                   {"Trạm đo mực nước", "Flood station"},
                                   {"Trạm đo mưa", "Rain gauge"},
                                   {"Trạm ven biển", "Coastal station"}};
      static const Text kTrend[] = {{"", ""}, {"đang giảm", "falling"}, {"ổn định", "steady"}, {"đang tăng", "rising"}};
      const int k = std::min(int(r.kind), 3);
      std::string thresholds;
      for (float t : r.thresholds)
        thresholds += (thresholds.empty() ? "" : " / ") + std::to_string(int(std::lround(t)));
      std::snprintf(buf, sizeof buf, "%s\n%.1f %s %s\n%s: %s %s\n%s %s%s", kKind[k](en), double(r.value),
                    std::string(feeds::unitSymbol(r.unit)).c_str(), kTrend[int(r.trend)](en),
                    en ? "Alert levels" : "Mức báo động", thresholds.empty() ? "-" : thresholds.c_str(),
                    std::string(feeds::unitSymbol(r.unit)).c_str(), age(it->second.meta).c_str(), en ? "ago" : "trước",
                    it->second.meta.simulated ? sim : "");
      break;
    }
    case feeds::FeedKind::Shelter: {
      const auto it = store.shelters().find(p.id);
      if (it == store.shelters().end()) break;
      const auto& s = it->second.value;
      std::snprintf(buf, sizeof buf, "%s: %s\n%s %d / %d\n%s %s%s", en ? "Storm shelter" : "Nhà tránh trú bão",
                    s.open ? (en ? "open" : "đang mở") : (en ? "closed" : "đóng"), en ? "People" : "Số người",
                    s.occupancy, s.capacity, age(it->second.meta).c_str(), en ? "ago" : "trước",
                    it->second.meta.simulated ? sim : "");
      break;
    }
    case feeds::FeedKind::Bus: {
      const auto it = store.buses().find(p.id);
      if (it == store.buses().end()) break;
      const auto& b = it->second.value;
      std::snprintf(buf, sizeof buf, "%s %s (%s)\n%s: %s\n%s %+d min\n%s %s%s", en ? "Bus" : "Xe buýt", b.route.c_str(),
                    b.label.c_str(), en ? "Next stop" : "Trạm kế tiếp", b.nextStopName.c_str(), en ? "Delay" : "Trễ",
                    b.delayS / 60, age(it->second.meta).c_str(), en ? "ago" : "trước",
                    it->second.meta.simulated ? sim : "");
      break;
    }
    case feeds::FeedKind::Camera: {
      const auto it = store.cameras().find(p.id);
      if (it == store.cameras().end()) break;
      const auto& c = it->second.value;
      static const Text kStatus[] = {{"hoạt động", "online"}, {"mất tín hiệu", "offline"}, {"bảo trì", "maintenance"}};
      std::snprintf(buf, sizeof buf, "%s %s\n%s%s",
                    c.kind == feeds::CameraKind::Traffic ? (en ? "Traffic camera" : "Camera giao thông")
                                                         : (en ? "Security camera" : "Camera an ninh"),
                    c.name.c_str(), kStatus[std::min(int(c.status), 2)](en), it->second.meta.simulated ? sim : "");
      break;
    }
    case feeds::FeedKind::Incident: {
      const auto it = store.incidents().find(p.id);
      if (it == store.incidents().end()) break;
      const auto& in = it->second.value;
      std::snprintf(buf, sizeof buf, "%s - %s\n%s\n%s", kSeverity[int(in.severity)](en), kIncident[int(in.kind)](en),
                    pick(in.titleVi, in.titleEn, en).c_str(), pick(in.textVi, in.textEn, en).c_str());
      break;
    }
    case feeds::FeedKind::Storm: {
      const auto it = store.storms().find(p.id);
      if (it == store.storms().end()) break;
      const auto& s = it->second.value;
      const std::string intensity = stormIntensity(s, en), movement = stormMovement(s, en);
      std::snprintf(buf, sizeof buf, "%s\n%s%s%s%s\n%s %.0f m/s%s\n%s\n%s %s, %s %s%s",
                    pick(s.nameVi, s.nameEn, en).c_str(), stormCategoryName(s.category, en).c_str(),
                    intensity.empty() ? "" : " (", intensity.c_str(), intensity.empty() ? "" : ")", en ? "Wind" : "Gió",
                    double(s.windMs),
                    s.pressureHpa > 0 ? (" · " + std::to_string(int(std::lround(s.pressureHpa))) + " hPa").c_str() : "",
                    movement.c_str(), en ? "Report of" : "Bản tin lúc",
                    live::formatLocalTime(it->second.meta.timestampMs).c_str(), age(it->second.meta).c_str(),
                    en ? "ago" : "trước", it->second.meta.simulated ? sim : "");
      break;
    }
    case feeds::FeedKind::Traffic:
      break;
  }
  return buf;
}

}  // namespace citymap::ui
