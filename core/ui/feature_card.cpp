#include "ui/feature_card.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "live/live_batch.hpp"
#include "tile/kinds.hpp"
#include "ui/map_panel.hpp"

namespace citymap::ui {

namespace {

struct Words {
  const char* vi;
  const char* en;
  const char* operator()(bool english) const { return english ? en : vi; }
};

// Indexed by the kinds of core/tile/kinds.hpp (append-only there, so these stay in step).
constexpr Words kWater[] = {{"Mặt nước", "Water"}, {"Sông", "River"}, {"Hồ chứa", "Basin"}, {"Đầm lầy", "Wetland"}};
constexpr Words kLanduse[] = {{"Khu dân cư", "Residential area"},
                              {"Khu thương mại", "Commercial area"},
                              {"Khu công nghiệp", "Industrial area"},
                              {"Công viên", "Park"},
                              {"Bãi cỏ", "Grass"},
                              {"Rừng", "Forest"},
                              {"Đất nông nghiệp", "Farmland"},
                              {"Nghĩa trang", "Cemetery"},
                              {"Bãi cát", "Sand"},
                              {"Khu giáo dục", "School grounds"},
                              {"Khu bệnh viện", "Hospital grounds"},
                              {"Khu quân sự", "Military area"},
                              {"Nuôi trồng thủy sản", "Aquaculture"},
                              {"Công trường", "Construction site"},
                              {"Khu đất", "Land"}};
constexpr Words kRoad[] = {{"Đường cao tốc", "Motorway"},
                           {"Quốc lộ", "Trunk road"},
                           {"Đường chính", "Primary road"},
                           {"Đường phố lớn", "Secondary road"},
                           {"Đường liên phường", "Tertiary road"},
                           {"Đường phố", "Street"},
                           {"Đường nội bộ", "Service road"},
                           {"Đường đi bộ", "Footway"},
                           {"Lối đi", "Path"},
                           {"Đường mòn", "Track"},
                           {"Phố đi bộ", "Pedestrian street"},
                           {"Đường", "Road"}};
constexpr Words kRail[] = {{"Đường sắt", "Railway"}, {"Đường xe điện", "Tramway"}, {"Đường ray", "Rail line"}};
constexpr Words kPoi[] = {{"Địa điểm", "Place"},
                          {"Ăn uống", "Food and drink"},
                          {"Cửa hàng", "Shop"},
                          {"Y tế", "Health"},
                          {"Giáo dục", "Education"},
                          {"Điểm du lịch", "Tourist attraction"},
                          {"Giao thông", "Transport"},
                          {"Cơ quan nhà nước", "Government office"},
                          {"Ngân hàng, ATM", "Bank or ATM"},
                          {"Nơi thờ tự", "Place of worship"}};
constexpr Words kAdmin[] = {{"Thành phố (từ 2025)", "City (since 2025)"},
                            {"Phường, xã (từ 2025)", "Ward or commune (since 2025)"},
                            {"Thành phố (trước 2025)", "City (before 2025)"},
                            {"Quận, huyện (trước 2025)", "District (before 2025)"},
                            {"Phường, xã (trước 2025)", "Ward or commune (before 2025)"}};
constexpr Words kTransit[] = {{"Tuyến xe buýt", "Bus route"}, {"Trạm xe buýt", "Bus stop"}};
constexpr Words kIoc[] = {{"Tháp cảnh báo ngập", "Flood warning tower"},
                          {"Trạm cảnh báo lũ tự động", "Automatic flood warning station"},
                          {"Trạm đo mưa tự động", "Automatic rain gauge"},
                          {"Trạm cảnh báo thiên tai ven biển", "Coastal hazard warning station"},
                          {"Nhà tránh trú bão", "Storm shelter"},
                          {"Điểm sạt lở", "Landslide site"},
                          {"Trạm LoRaWAN", "LoRaWAN gateway"}};

template <size_t N>
const char* pickWord(const Words (&table)[N], uint8_t kind, bool en, const char* fallbackVi, const char* fallbackEn) {
  return kind < N ? table[kind](en) : (en ? fallbackEn : fallbackVi);
}

ImVec4 rgb(uint32_t c, float a = 1) {
  return ImVec4(float((c >> 16) & 0xff) / 255.f, float((c >> 8) & 0xff) / 255.f, float(c & 0xff) / 255.f, a);
}

}  // namespace

std::string kindWords(std::string_view layer, uint8_t kind, uint8_t flags, bool en) {
  namespace L = tile::layer;
  if (layer == L::kRoads || layer == L::kRoadLabels) {
    if (flags & tile::kFlagBridge) return en ? "Bridge" : "Cầu";
    if (flags & tile::kFlagTunnel) return en ? "Tunnel" : "Hầm";
    return pickWord(kRoad, kind, en, "Đường", "Road");
  }
  if (layer == L::kWater) return pickWord(kWater, kind, en, "Mặt nước", "Water");
  if (layer == L::kLanduse) return pickWord(kLanduse, kind, en, "Khu đất", "Land");
  if (layer == L::kRailways) return pickWord(kRail, kind, en, "Đường sắt", "Railway");
  if (layer == L::kBuildings) return en ? "Building" : "Tòa nhà";
  if (layer == L::kPois) return pickWord(kPoi, kind, en, "Địa điểm", "Place");
  if (layer == L::kAdmin) return pickWord(kAdmin, kind, en, "Đơn vị hành chính", "Administrative unit");
  if (layer == L::kTransit) return pickWord(kTransit, kind, en, "Xe buýt", "Bus");
  if (layer == L::kIoc) return pickWord(kIoc, kind, en, "Trạm IOC", "IOC station");
  if (layer == L::kOverlay) return en ? "Overlay feature" : "Đối tượng lớp phủ";
  return en ? "Map feature" : "Đối tượng bản đồ";
}

Card describeFeature(const pick::Feature& f, const pick::Wards& wards, bool en) {
  Card c;
  c.kind = kindWords(f.layer, f.kind, f.flags, en);
  const std::string& primary = en && !f.nameEn.empty() ? f.nameEn : f.name;
  const std::string& other = en && !f.nameEn.empty() ? f.name : f.nameEn;
  c.title = !primary.empty() ? primary : !f.ref.empty() ? f.ref : c.kind;
  if (!other.empty() && other != c.title) c.subtitle = other;
  if (f.layer != tile::layer::kAdmin) {
    if (!wards.ward2025.empty()) c.rows.push_back({en ? "Ward" : "Phường/xã", wards.ward2025});
    if (!wards.wardPre2025.empty() && wards.wardPre2025 != wards.ward2025)
      c.rows.push_back({en ? "Before 2025" : "Trước 2025",
                        wards.wardPre2025 + (wards.districtPre2025.empty() ? "" : ", " + wards.districtPre2025)});
  }
  if (!f.ref.empty() && f.ref != c.title)
    c.rows.push_back(
        {f.layer == tile::layer::kTransit ? (en ? "Route" : "Tuyến") : (en ? "Reference" : "Số hiệu"), f.ref});
  if (f.height > 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f m", double(f.height));
    c.rows.push_back({en ? "Height" : "Chiều cao", buf});
  }
  if (f.layer == tile::layer::kRoads || f.layer == tile::layer::kRoadLabels) {
    if (f.flags & tile::kFlagOneway) c.rows.push_back({en ? "Traffic" : "Lưu thông", en ? "One-way" : "Một chiều"});
    if ((f.flags & tile::kFlagBridge) && !(f.kind < std::size(kRoad) && f.kind == uint8_t(tile::RoadKind::Unknown)))
      c.rows.push_back({en ? "Road class" : "Cấp đường", pickWord(kRoad, f.kind, en, "Đường", "Road")});
  }
  char at[64];
  std::snprintf(at, sizeof at, en ? "%.5f N, %.5f E" : "%.5f B, %.5f Đ", f.at.lat, f.at.lng);
  c.rows.push_back({en ? "Position" : "Vị trí", at});
  return c;
}

CardActions drawCard(const Card& card, bool en, float vw, float vh) {
  CardActions out;
  const bool compact = compactLayout(vw, vh);
  if (compact) {
    // One thing at a time on a phone: an open sheet hides the card, unless the card is new (a
    // search result or a tap on the map), which closes the sheet.
    static std::string shown;
    const std::string key = card.title + "\n" + card.kind;
    const bool fresh = key != shown;
    shown = key;
    if (compactPanel() != CompactPanel::None) {
      if (!fresh) return out;
      compactPanel() = CompactPanel::None;
    }
  }
  // Bottom left above the attribution; on a phone across the screen (upright) or on the left
  // half (landscape; the severe-alert banner keeps the right half), at most 40 % of the height.
  const float w = !compact ? std::min(340.f, vw - 20) : vw < 600 ? vw - 20 : std::min(420.f, vw / 2 - 15);
  ImGui::SetNextWindowPos(ImVec2(10, vh - 34), ImGuiCond_Always, ImVec2(0, 1));
  if (compact)
    ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0), ImVec2(w, std::max(100.f, vw < 600 ? vh * 0.4f : vh - 150)));
  else
    ImGui::SetNextWindowSize(ImVec2(w, 0));
  ImGui::SetNextWindowBgAlpha(compact ? 1.f : 0.96f);
  pushReadableColors();
  if (compact) pushTouchStyle();
  if (ImGui::Begin("##card", nullptr,
                   ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                       ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_AlwaysAutoResize)) {
    const float closeW = compact ? kTouchTarget : 24;
    if (compact) ImGui::AlignTextToFramePadding();
    ImGui::PushTextWrapPos(w - closeW - 16);
    ImGui::TextUnformatted(card.title.c_str());
    ImGui::PopTextWrapPos();
    ImGui::SameLine(w - closeW - (compact ? 12 : 10));
    out.close = compact ? ImGui::Button(" x ", ImVec2(kTouchTarget, kTouchTarget)) : ImGui::SmallButton(" x ");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", en ? "Close (Esc)" : "Đóng (Esc)");
    ImGui::PushTextWrapPos(w - 16);
    if (!card.subtitle.empty()) ImGui::TextColored(ImVec4(0.35f, 0.35f, 0.35f, 1), "%s", card.subtitle.c_str());
    ImGui::TextColored(rgb(0x1565c0), "%s", card.kind.c_str());
    if (!card.live.empty()) {
      ImGui::Separator();
      ImGui::TextUnformatted(card.live.c_str());
    }
    if (!card.rows.empty()) ImGui::Separator();
    for (const auto& [label, value] : card.rows) {
      ImGui::TextColored(ImVec4(0.4f, 0.4f, 0.4f, 1), "%s:", label.c_str());
      ImGui::SameLine();
      ImGui::TextUnformatted(value.c_str());
    }
    ImGui::PopTextWrapPos();
  }
  ImGui::End();
  if (compact) popTouchStyle();
  ImGui::PopStyleColor();
  return out;
}

namespace {

enum class Swatch { Area, Line, Disc, Ring, Gauge, Square, Triangle };

void swatch(Swatch s, uint32_t color, uint32_t edge = 0xffffff) {
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetTextLineHeight();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 c = ImGui::ColorConvertFloat4ToU32(rgb(color)), e = ImGui::ColorConvertFloat4ToU32(rgb(edge));
  const ImVec2 mid(at.x + h * 0.75f, at.y + h * 0.5f);
  switch (s) {
    case Swatch::Area:
      dl->AddRectFilled(ImVec2(at.x, at.y + 2), ImVec2(at.x + h * 1.5f, at.y + h - 2), c, 2);
      break;
    case Swatch::Line:
      dl->AddLine(ImVec2(at.x, mid.y), ImVec2(at.x + h * 1.5f, mid.y), c, 4);
      break;
    case Swatch::Disc:
      dl->AddCircleFilled(mid, h * 0.36f, e);
      dl->AddCircleFilled(mid, h * 0.28f, c);
      break;
    case Swatch::Ring:
      dl->AddCircle(mid, h * 0.34f, c, 0, 2.5f);
      break;
    case Swatch::Gauge:
      dl->AddCircleFilled(mid, h * 0.4f, ImGui::ColorConvertFloat4ToU32(rgb(0xffffff)));
      dl->AddCircle(mid, h * 0.4f, c, 0, 1.5f);
      dl->AddRectFilled(ImVec2(mid.x - h * 0.25f, mid.y), ImVec2(mid.x + h * 0.25f, mid.y + h * 0.28f), c);
      break;
    case Swatch::Square:
      dl->AddRectFilled(ImVec2(mid.x - h * 0.35f, mid.y - h * 0.35f), ImVec2(mid.x + h * 0.35f, mid.y + h * 0.35f), c,
                        3);
      break;
    case Swatch::Triangle:
      dl->AddTriangleFilled(ImVec2(mid.x, mid.y - h * 0.4f), ImVec2(mid.x + h * 0.38f, mid.y + h * 0.32f),
                            ImVec2(mid.x - h * 0.38f, mid.y + h * 0.32f), c);
      break;
  }
  ImGui::Dummy(ImVec2(h * 1.6f, h));
  ImGui::SameLine();
}

void entry(Swatch s, uint32_t color, const Words& w, bool en, uint32_t edge = 0xffffff) {
  swatch(s, color, edge);
  ImGui::TextUnformatted(w(en));
}

// Every colour and symbol of the map and the live layers.
void legendContents(bool en) {
  ImGui::TextDisabled("%s", en ? "Map" : "Bản đồ");
  entry(Swatch::Area, 0xaad3df, {"Sông, hồ, biển", "Water"}, en);
  entry(Swatch::Area, 0xcdebb0, {"Công viên, bãi cỏ", "Park, grass"}, en);
  entry(Swatch::Area, 0xadd19e, {"Rừng", "Forest"}, en);
  entry(Swatch::Area, 0xe6e2dc, {"Khu dân cư", "Residential area"}, en);
  entry(Swatch::Area, 0xd9d0c9, {"Tòa nhà", "Building"}, en);
  entry(Swatch::Line, 0xfcd6a4, {"Đường chính", "Primary road"}, en);
  entry(Swatch::Line, 0xf7fabf, {"Đường phố lớn", "Secondary road"}, en);
  entry(Swatch::Line, 0xc9bfb5, {"Đường phố (viền)", "Street (casing)"}, en);
  entry(Swatch::Line, 0x9e7bb5, {"Ranh giới phường, xã", "Ward boundary"}, en);
  entry(Swatch::Line, 0x2c7fb8, {"Tuyến xe buýt", "Bus route"}, en);
  entry(Swatch::Disc, 0x2c7fb8, {"Trạm xe buýt", "Bus stop"}, en);
  entry(Swatch::Disc, 0x9c6b4e, {"Địa điểm", "Place of interest"}, en);
  entry(Swatch::Disc, 0x1a9850, {"Nhà tránh trú bão", "Storm shelter"}, en);
  entry(Swatch::Disc, 0xd53e4f, {"Trạm cảnh báo ngập, lũ", "Flood warning station"}, en);
  entry(Swatch::Disc, 0x3288bd, {"Trạm đo mưa", "Rain gauge"}, en);
  entry(Swatch::Disc, 0x5e3c99, {"Trạm cảnh báo ven biển", "Coastal warning station"}, en);
  entry(Swatch::Disc, 0xa6611a, {"Điểm sạt lở", "Landslide site"}, en);
  entry(Swatch::Ring, 0x1565c0, {"Đối tượng đang chọn", "Selected feature"}, en);
  ImGui::Separator();
  ImGui::TextDisabled("%s", en ? "Live traffic" : "Giao thông trực tiếp");
  const Words congestion[] = {{"Thông thoáng", "Free flow"}, {"Hơi đông", "Light"},    {"Đông", "Moderate"},
                              {"Rất đông", "Heavy"},         {"Ùn tắc", "Standstill"}, {"Cấm đường", "Closed"}};
  for (int c = 0; c < 6; ++c) entry(Swatch::Line, live::congestionColor(feeds::Congestion(c + 1)), congestion[c], en);
  ImGui::Separator();
  ImGui::TextDisabled("%s", en ? "Live markers" : "Ký hiệu trực tiếp");
  entry(Swatch::Gauge, live::sensorLevelColor(0),
        {"Cảm biến: mực nước/lượng mưa so với mức báo động", "Sensor: level against its alert levels"}, en);
  entry(Swatch::Gauge, live::sensorLevelColor(3), {"Cảm biến vượt mức báo động 3", "Sensor above alert level 3"}, en);
  entry(Swatch::Square, 0x1a9850, {"Nhà tránh trú: đang mở, còn chỗ", "Shelter: open, room left"}, en);
  entry(Swatch::Square, 0xd62718, {"Nhà tránh trú: đã đầy", "Shelter: full"}, en);
  entry(Swatch::Square, 0x8a8a8a,
        {"Nhà tránh trú: đóng (hoặc camera mất tín hiệu)", "Shelter: closed (or camera offline)"}, en);
  entry(Swatch::Square, 0x3949ab, {"Camera giao thông", "Traffic camera"}, en);
  entry(Swatch::Square, 0x7b1fa2, {"Camera an ninh", "Security camera"}, en);
  entry(Swatch::Disc, live::routeColor("R16"),
        {"Xe buýt (mũi tên: hướng đi; màu theo tuyến)", "Bus (arrow: heading; colour by route)"}, en);
  for (int s = 0; s < 5; ++s) {
    static const Words kSev[] = {{"Sự cố: thông tin", "Incident: info"},
                                 {"Sự cố: nhẹ", "Incident: minor"},
                                 {"Sự cố: trung bình", "Incident: moderate"},
                                 {"Sự cố: nghiêm trọng", "Incident: severe"},
                                 {"Sự cố: khẩn cấp", "Incident: extreme"}};
    entry(Swatch::Triangle, live::severityColor(feeds::Severity(s)), kSev[s], en);
  }
  entry(Swatch::Ring, 0xd62718, {"Bão: tâm bão (màu theo cấp)", "Storm: centre (colour by class)"}, en);
  entry(Swatch::Line, 0x555555,
        {"Đường đã đi (nét liền), dự báo (nét đứt, có giờ)", "Track so far (solid), forecast (dashed, with times)"},
        en);
  entry(Swatch::Area, 0xf4c7c3, {"Vùng dự báo bão đi qua", "Forecast cone"}, en);
  entry(Swatch::Ring, 0xf08c00, {"Gió mạnh cấp 6 trở lên (vòng nét đứt)", "Winds of level 6+ (dashed circle)"}, en);
  ImGui::Separator();
  ImGui::TextDisabled("%s", en ? "Storm help" : "Trợ giúp bão lũ");
  entry(Swatch::Line, 0x1a66d2, {"Đường đi bộ đến nơi trú", "Walking route to a shelter"}, en);
  entry(Swatch::Line, 0x1a66d2, {"Nét đứt: đoạn thẳng, thiếu dữ liệu đường", "Dashed: straight, no road data"}, en);
  entry(Swatch::Square, 0x2e7d32,
        {"Nơi trú đang mở gần nhất (thứ tự, km, phút)", "Nearest open shelters (rank, distance, time)"}, en);
  entry(Swatch::Disc, 0x1a66d2, {"Điểm xuất phát", "Start"}, en);
}

}  // namespace

void drawLegend(bool& open, bool en, float vw, float vh) {
  const bool compact = compactLayout(vw, vh);
  if (compact && open && compactPanel() != CompactPanel::Legend) open = false;  // another sheet took its place
  if (!open) return;
  if (compact) {
    // A sheet below the panel buttons, with a Close button of touch size.
    const float w = std::min(vw - 20, 380.f);
    ImGui::SetNextWindowPos(ImVec2(10, compactTop()), ImGuiCond_Always);
    ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0), ImVec2(w, std::max(120.f, vh - compactTop() - 36)));
    ImGui::SetNextWindowBgAlpha(0.97f);
    pushReadableColors();
    pushTouchStyle();
    if (ImGui::Begin("###legendsheet", nullptr,
                     ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                         ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize)) {
      if (sheetHeader(en ? "Legend" : "Chú giải", en)) {
        open = false;
        compactPanel() = CompactPanel::None;
      }
      ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(8, 6));
      ImGui::PushTextWrapPos(0);
      legendContents(en);
      ImGui::PopTextWrapPos();
      ImGui::PopStyleVar();
    }
    ImGui::End();
    popTouchStyle();
    ImGui::PopStyleColor();
    return;
  }
  ImGui::SetNextWindowPos(ImVec2(vw - 10, 10), ImGuiCond_Appearing, ImVec2(1, 0));
  ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(360, vh - 60));
  ImGui::SetNextWindowBgAlpha(0.96f);
  if (ImGui::Begin(en ? "Legend###legend" : "Chú giải###legend", &open, ImGuiWindowFlags_AlwaysAutoResize)) {
    pushReadableColors();
    legendContents(en);
    ImGui::PopStyleColor();
  }
  ImGui::End();
}

}  // namespace citymap::ui
