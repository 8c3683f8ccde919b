// Per-frame placement: collisions, priorities, upright text, dedupe across tiles, the viewport's
// edges, stability while panning, fades.
#include "labels/placement.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numbers>
#include <set>

#include "label_samples.hpp"

namespace citymap::labels {
namespace {

using namespace testing;

TEST(LabelPlacement, DenseLabelsNeverOverlapNorCrossTheViewportEdge) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  std::vector<::citymap::testing::TestFeature> pois, streets;
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 12; ++j)
      pois.push_back(point(uint64_t(1000 + i * 12 + j), 1, int16_t(100 + i * 330), int16_t(100 + j * 330),
                           "Place " + std::to_string(i * 12 + j)));
  for (int i = 0; i < 8; ++i) {
    streets.push_back(line(uint64_t(10 + i), {0, int16_t(250 + i * 500), 4096, int16_t(250 + i * 500)},
                           "Street " + std::to_string(i)));
    streets.push_back(line(uint64_t(30 + i), {int16_t(250 + i * 500), 0, int16_t(400 + i * 500), 4096},
                           "Avenue " + std::to_string(i)));
  }
  const TileLabels labels = collect({{"pois", pois}, {"road_labels", streets}}, style);
  const LabelTile tiles[] = {{kTile, &labels}};
  const geo::Camera cam = tileCamera(kTile, 16.3, 700, 500);  // the tile is bigger than the view
  Labeler labeler;
  double now = 0;
  const auto& placed = settle(labeler, tiles, cam, style, fonts, now);
  ASSERT_GT(placed.size(), 10u);
  EXPECT_LT(placed.size(), pois.size() + 40);  // collisions removed some
  std::vector<Quad> all;
  int rotated = 0;
  for (const PlacedLabel& l : placed) {
    EXPECT_EQ(l.opacity, 1);
    const Quad q = quadAt(l.x, l.y, l.angle, l.width, style.labels[l.labelClass].size);  // the text's box
    for (int k = 0; k < 4; ++k) {
      EXPECT_GE(q.x[k], -0.01f) << l.text;
      EXPECT_GE(q.y[k], -0.01f) << l.text;
      EXPECT_LE(q.x[k], 700.01f) << l.text;
      EXPECT_LE(q.y[k], 500.01f) << l.text;
    }
    for (const Quad& o : all) EXPECT_FALSE(intersects(q, o)) << l.text;
    all.push_back(q);
    rotated += l.angle != 0;
  }
  EXPECT_GT(rotated, 0);  // the avenues are slanted
}

TEST(LabelPlacement, HigherPriorityWinsTheSameSpot) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  // A street through the spot right of a place, where its label would go: streets (priority 1)
  // come before places (2), so the place's label moves to the left of its point.
  const TileLabels labels = collect({{"pois", {point(1, 1, 2048, 2048, "Nhà hát")}},
                                     {"road_labels", {line(2, {2240, 0, 2240, 4096}, "Đường Hùng Vương")}}},
                                    style);
  const LabelTile tiles[] = {{kTile, &labels}};
  Labeler labeler;
  double now = 0;
  const auto& placed = settle(labeler, tiles, tileCamera(), style, fonts, now);
  std::map<std::string, PlacedLabel> byText;
  for (const auto& l : placed) byText[std::string(l.text)] = l;
  ASSERT_TRUE(byText.count("Đường Hùng Vương"));
  ASSERT_TRUE(byText.count("Nhà hát"));
  const PlacedLabel& place = byText["Nhà hát"];
  EXPECT_LT(place.x, 256);  // left of its point (at 256, 256)
  EXPECT_FLOAT_EQ(place.y, 256);

  // A low-priority label at the same spot as a higher one loses entirely.
  const TileLabels two =
      collect({{"pois", {point(1, 1, 2048, 2048, "Nhà hát"), point(3, 2, 2048, 2048, "Kiosk")}}}, style, kTile);
  const LabelTile tiles2[] = {{kTile, &two}};
  Labeler other;
  const auto& placed2 = settle(other, tiles2, tileCamera(kTile, 17), style, fonts, now);
  std::set<std::string_view> texts;
  for (const auto& l : placed2) texts.insert(l.text);
  EXPECT_TRUE(texts.count("Nhà hát"));
  EXPECT_FALSE(texts.count("Kiosk"));
}

TEST(LabelPlacement, PointLabelsKeepOffMarkersAtLeastAsImportant) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  // z17 (a tile unit is 1/4 px): a minor place 20 px left of a place. The place (priority 2)
  // goes first, on its right; the minor place's label (priority 5) keeps off the place's
  // marker, so it goes to the left.
  const TileLabels labels =
      collect({{"pois", {point(1, 2, 2048, 2048, "Ki-ốt"), point(2, 1, 2048 + 80, 2048, "Chợ Cồn")}}}, style);
  const LabelTile tiles[] = {{kTile, &labels}};
  Labeler labeler;
  double now = 0;
  std::map<std::string_view, float> x;
  for (const auto& l : settle(labeler, tiles, tileCamera(kTile, 17), style, fonts, now)) x[l.text] = l.x;
  ASSERT_TRUE(x.count("Ki-ốt"));
  ASSERT_TRUE(x.count("Chợ Cồn"));
  EXPECT_GT(x["Chợ Cồn"], 276);  // right of its point
  EXPECT_LT(x["Ki-ốt"], 256);    // left of its point

  // The other way round, the place's label may cover the less important marker (minor labels
  // show from z16.5, their markers at every zoom): at z16 it stays right of its point.
  const TileLabels swapped =
      collect({{"pois", {point(1, 1, 2048, 2048, "Chợ Cồn"), point(2, 2, 2048 + 8 * 20, 2048, "Ki-ốt")}}}, style);
  const LabelTile tiles2[] = {{kTile, &swapped}};
  Labeler other;
  const auto& placed = settle(other, tiles2, tileCamera(kTile, 16), style, fonts, now);
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].text, "Chợ Cồn");
  EXPECT_GT(placed[0].x, 256);
}

TEST(LabelPlacement, LineLabelsFollowTheLineAndStayUpright) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  // Drawn right to left, going up at 30 degrees: the text reads left to right.
  const float angle = std::numbers::pi_v<float> / 6;
  const int16_t x0 = 3800, y0 = 600, x1 = int16_t(x0 - 3400 * std::cos(angle)),
                y1 = int16_t(y0 + 3400 * std::sin(angle));
  const TileLabels labels = collect({{"road_labels", {line(2, {x0, y0, x1, y1}, "Lê Duẩn")}}}, style);
  const LabelTile tiles[] = {{kTile, &labels}};
  Labeler labeler;
  double now = 0;
  const auto& placed = settle(labeler, tiles, tileCamera(), style, fonts, now);
  ASSERT_FALSE(placed.empty());
  for (const auto& l : placed) {
    EXPECT_GE(l.angle, -std::numbers::pi_v<float> / 2);
    EXPECT_LT(l.angle, std::numbers::pi_v<float> / 2);
    EXPECT_NEAR(l.angle, -angle, 0.01);  // y down: going up to the right is a negative angle
    // Centred on the line.
    const float px = l.x * 8, py = l.y * 8;
    const float cross = (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0);
    EXPECT_NEAR(cross / std::hypot(float(x1 - x0), float(y1 - y0)), 0, 8);
  }
}

TEST(LabelPlacement, SharpBendsAndShortLinesGetNoLabel) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  const TileLabels labels = collect(
      {{"road_labels",
        {line(2, {1000, 1000, 1300, 1000, 1300, 1300, 1000, 1300, 1000, 1600, 1300, 1600}, "Kiệt zigzag rất dài"),
         line(3, {3000, 3000, 3100, 3000}, "Ngắn")}}},
      style);
  const LabelTile tiles[] = {{kTile, &labels}};
  Labeler labeler;
  double now = 0;
  EXPECT_TRUE(settle(labeler, tiles, tileCamera(), style, fonts, now).empty());
}

TEST(LabelPlacement, TheSameFeatureOrTextFromNeighbouringTilesShowsOnce) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  // One street crossing two tiles (each has its piece, with a clip buffer), and a place both
  // tiles have (at slightly different spots, as from inconsistent data): one label each.
  const geo::TileID left = kTile, right{16, kTile.x + 1, kTile.y};
  const TileLabels a = collect(
      {{"road_labels", {line(5, {0, 2048, 4224, 2048}, "Trần Phú")}}, {"pois", {point(9, 1, 4000, 1000, "Bảo tàng")}}},
      style, left);
  const TileLabels b = collect(
      {{"road_labels", {line(5, {-128, 2048, 4096, 2048}, "Trần Phú")}}, {"pois", {point(9, 1, 10, 1000, "Bảo tàng")}}},
      style, right);
  const LabelTile tiles[] = {{left, &a}, {right, &b}};
  geo::Camera cam = tileCamera(left, 15, 400, 300);  // both tiles: 256 px each
  cam.setCenter({right.bounds().minx, (left.bounds().miny + left.bounds().maxy) / 2});
  Labeler labeler;
  double now = 0;
  const auto& placed = settle(labeler, tiles, cam, style, fonts, now);
  int street = 0, museum = 0;
  std::vector<float> streetX;
  for (const auto& l : placed) {
    if (l.text == "Trần Phú") streetX.push_back(l.x), ++street;
    if (l.text == "Bảo tàng") ++museum;
  }
  EXPECT_EQ(museum, 1);
  ASSERT_GE(street, 1);
  // Repeats of the street's name are at least its class's repeat distance apart.
  for (size_t i = 0; i < streetX.size(); ++i)
    for (size_t j = i + 1; j < streetX.size(); ++j) EXPECT_GE(std::abs(streetX[i] - streetX[j]), 200);
}

TEST(LabelPlacement, AParentStandingInForAChildOnlyLabelsThatChild) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  const geo::TileID parent{15, kTile.x / 2, kTile.y / 2};
  // Places in each quarter of the parent tile.
  const TileLabels labels = collect({{"pois",
                                      {point(1, 1, 1000, 1000, "NW"), point(2, 1, 3000, 1000, "NE"),
                                       point(3, 1, 1000, 3000, "SW"), point(4, 1, 3000, 3000, "SE")}}},
                                    style, parent);
  const geo::TileID child{16, parent.x * 2 + 1, parent.y * 2};  // the north-east quarter
  const LabelTile tiles[] = {{child, &labels}};
  Labeler labeler;
  double now = 0;
  const auto& placed = settle(labeler, tiles, tileCamera(parent, 15), style, fonts, now);
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].text, "NE");
}

TEST(LabelPlacement, PanningKeepsTheLabelsItShows) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  std::vector<::citymap::testing::TestFeature> pois;
  for (int i = 0; i < 200; ++i)
    pois.push_back(point(uint64_t(i + 1), 1, int16_t((i * 977) % 4000 + 40), int16_t((i * 613) % 4000 + 40),
                         "Địa điểm " + std::to_string(i)));
  const TileLabels labels = collect({{"pois", pois}}, style);
  const LabelTile tiles[] = {{kTile, &labels}};
  geo::Camera cam = tileCamera(kTile, 16.5, 500, 400);
  Labeler labeler;
  double now = 0;
  std::set<uint64_t> before;
  for (const auto& l : settle(labeler, tiles, cam, style, fonts, now)) before.insert(l.key);
  ASSERT_GT(before.size(), 5u);
  // Pan by 3 px a few times: labels away from the edges stay, at the same place on the map.
  std::map<uint64_t, std::pair<float, float>> was;
  for (const auto& l : labeler.placed()) was[l.key] = {l.x, l.y};
  for (int i = 0; i < 5; ++i) {
    cam.panBy(3, 0);
    now += 16;
    labeler.place(tiles, cam, style, fonts, allVisible(), now);
  }
  int kept = 0, inner = 0;
  for (const auto& [key, pos] : was) {
    if (pos.first < 80 || pos.first > 420) continue;  // near the edges things may change
    ++inner;
    for (const auto& l : labeler.placed())
      if (l.key == key && l.opacity == 1) {
        ++kept;
        EXPECT_NEAR(l.x, pos.first + 15, 0.01);
        EXPECT_NEAR(l.y, pos.second, 0.01);
      }
  }
  EXPECT_GT(inner, 3);
  EXPECT_EQ(kept, inner);
}

TEST(LabelPlacement, LabelsFadeInAndOut) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  const TileLabels labels = collect({{"pois", {point(1, 1, 2048, 2048, "Cầu Rồng")}}}, style);
  const LabelTile tiles[] = {{kTile, &labels}};
  const geo::Camera cam = tileCamera();
  Labeler labeler;
  auto placed = labeler.place(tiles, cam, style, fonts, allVisible(), 1000);
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_GT(placed[0].opacity, 0);
  EXPECT_LT(placed[0].opacity, 1);  // the first frame starts the fade
  EXPECT_TRUE(labeler.fading());
  placed = labeler.place(tiles, cam, style, fonts, allVisible(), 1000 + Labeler::kFadeMs);
  EXPECT_EQ(placed[0].opacity, 1);
  placed = labeler.place(tiles, cam, style, fonts, allVisible(), 1000 + Labeler::kFadeMs + 1);
  EXPECT_FALSE(labeler.fading());
  // Hidden with its group: fades out where it was, then is gone.
  GroupVisibility hidden = allVisible();
  hidden[size_t(style::Group::Pois)] = false;
  const float x = placed[0].x;
  placed = labeler.place(tiles, cam, style, fonts, hidden, 1000 + 1.5 * Labeler::kFadeMs);
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_NEAR(placed[0].opacity, 0.5, 0.02);
  EXPECT_FLOAT_EQ(placed[0].x, x);
  EXPECT_TRUE(labeler.fading());
  placed = labeler.place(tiles, cam, style, fonts, hidden, 1000 + 3 * Labeler::kFadeMs);
  EXPECT_TRUE(placed.empty());
  EXPECT_FALSE(labeler.fading());
}

TEST(LabelPlacement, ClassesShowInTheirZoomRangeAndGroups) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  const TileLabels labels = collect({{"pois", {point(1, 2, 2048, 2048, "Minor")}}}, style);
  const LabelTile tiles[] = {{kTile, &labels}};
  Labeler labeler;
  double now = 0;
  EXPECT_TRUE(settle(labeler, tiles, tileCamera(kTile, 16), style, fonts, now).empty());  // minor: from z16.5
  EXPECT_EQ(settle(labeler, tiles, tileCamera(kTile, 17), style, fonts, now).size(), 1u);
  GroupVisibility noLabels = allVisible();
  noLabels[size_t(style::Group::Labels)] = false;
  Labeler other;
  EXPECT_TRUE(settle(other, tiles, tileCamera(kTile, 17), style, fonts, now, noLabels).empty());
  EXPECT_TRUE(settle(other, tiles, tileCamera(kTile, 17), style, FontSet{}, now).empty());  // no font yet
}

TEST(LabelPlacement, EnglishShowsTheEnglishNameWhereThereIsOne) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  auto bridge = point(1, 1, 1024, 1024, "Cầu Rồng");
  bridge.nameEn = "Dragon Bridge";
  const TileLabels labels = collect({{"pois", {bridge, point(2, 1, 3072, 3072, "Chợ Hàn")}}}, style);
  ASSERT_EQ(labels.candidates.size(), 2u);
  EXPECT_EQ(labels.textOf(labels.candidates[0], true), "Dragon Bridge");
  EXPECT_EQ(labels.textOf(labels.candidates[0], false), "Cầu Rồng");
  EXPECT_EQ(labels.textOf(labels.candidates[1], true), "Chợ Hàn");  // no English name: the name
  const LabelTile tiles[] = {{kTile, &labels}};
  Labeler labeler;
  double now = 0;
  const auto texts = [&] {
    std::set<std::string> out;
    for (const PlacedLabel& l : settle(labeler, tiles, tileCamera(), style, fonts, now))
      if (l.opacity > 0.99f) out.insert(std::string(l.text));
    return out;
  };
  EXPECT_EQ(texts(), (std::set<std::string>{"Cầu Rồng", "Chợ Hàn"}));
  labeler.setEnglish(true);
  EXPECT_TRUE(labeler.english());
  EXPECT_EQ(texts(), (std::set<std::string>{"Dragon Bridge", "Chợ Hàn"}));
  labeler.setEnglish(false);
  EXPECT_EQ(texts(), (std::set<std::string>{"Cầu Rồng", "Chợ Hàn"}));
}

}  // namespace
}  // namespace citymap::labels

namespace citymap::labels {
namespace {

// With a bearing: anchors go through the camera, the line label's angle is its line's angle as
// turned on screen, upright at every bearing, and the text stays centred on the line.
TEST(LabelPlacementTurned, LineLabelsFollowTheTurnedLineAndStayUpright) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  const float angle = std::numbers::pi_v<float> / 6;
  const float dx = 1600 * std::cos(angle), dy = -1600 * std::sin(angle);
  const int16_t x0 = int16_t(2048 - dx), y0 = int16_t(2048 - dy), x1 = int16_t(2048 + dx), y1 = int16_t(2048 + dy);
  const TileLabels labels = collect({{"road_labels", {line(2, {x0, y0, x1, y1}, "Lê Duẩn")}}}, style);
  const LabelTile tiles[] = {{kTile, &labels}};
  const geo::WorldBox tb = kTile.bounds();
  const auto toWorld = [&](float u, float v) {
    return geo::WorldPoint{tb.minx + (tb.maxx - tb.minx) * u / 4096, tb.miny + (tb.maxy - tb.miny) * v / 4096};
  };
  constexpr float kPi = std::numbers::pi_v<float>;
  for (int bearing = 0; bearing < 360; bearing += 15) {
    geo::Camera cam = tileCamera();
    cam.setBearing(bearing);
    Labeler labeler;
    double now = 0;
    const auto& placed = settle(labeler, tiles, cam, style, fonts, now);
    ASSERT_FALSE(placed.empty()) << bearing;
    const geo::ScreenPoint a = cam.worldToScreen(toWorld(x0, y0)), b = cam.worldToScreen(toWorld(x1, y1));
    for (const auto& l : placed) {
      EXPECT_GE(l.angle, -kPi / 2) << bearing;
      EXPECT_LT(l.angle, kPi / 2) << bearing;
      // The same direction as the line on screen, either way along it (upright picks one).
      const float screenAngle = float(std::atan2(b.y - a.y, b.x - a.x));
      float diff = std::fmod(l.angle - screenAngle + 2 * kPi, kPi);
      if (diff > kPi / 2) diff -= kPi;
      EXPECT_NEAR(diff, 0, 0.01) << bearing;
      // Centred on the line as drawn on screen (within a pixel).
      const float cross = float((b.x - a.x) * (l.y - a.y) - (b.y - a.y) * (l.x - a.x));
      EXPECT_NEAR(cross / std::hypot(float(b.x - a.x), float(b.y - a.y)), 0, 1) << bearing;
    }
  }
}

TEST(LabelPlacementTurned, PointLabelsStayHorizontalAtTheirTurnedAnchor) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  const TileLabels labels = collect({{"pois", {point(1, 1, 1400, 2600, "Chợ Cồn")}}}, style);
  const LabelTile tiles[] = {{kTile, &labels}};
  const geo::WorldBox tb = kTile.bounds();
  const geo::WorldPoint anchor{tb.minx + (tb.maxx - tb.minx) * 1400 / 4096,
                               tb.miny + (tb.maxy - tb.miny) * 2600 / 4096};
  for (int bearing : {0, 30, 90, 135, 270}) {
    geo::Camera cam = tileCamera();
    cam.setBearing(bearing);
    Labeler labeler;
    double now = 0;
    const auto& placed = settle(labeler, tiles, cam, style, fonts, now);
    ASSERT_EQ(placed.size(), 1u) << bearing;
    const PlacedLabel& l = placed[0];
    EXPECT_EQ(l.angle, 0) << bearing;
    // Right of its marker (the first side tried), level with the anchor as the camera turns it.
    const geo::ScreenPoint s = cam.worldToScreen(anchor);
    EXPECT_NEAR(l.y, s.y, 0.01) << bearing;
    EXPECT_NEAR(l.x - l.width / 2, s.x + 6, 0.01) << bearing;
  }
}

}  // namespace
}  // namespace citymap::labels
