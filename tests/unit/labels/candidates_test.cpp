// Label candidates collected from a tile: which features, which anchors, which text.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "label_samples.hpp"
#include "scene/tile_mesh.hpp"

namespace citymap::labels {
namespace {

using namespace testing;
using ::citymap::testing::TestFeature;
using Placement = style::LabelClass::Placement;

TEST(LabelCandidates, PointsOfTheClassesKindsInsideTheTile) {
  const auto style = testStyle();
  const TileLabels labels = collect(
      {{"pois",
        {point(1, 1, 100, 200, "Chợ Hàn"), point(2, 2, 300, 300, "Quán cà phê"), point(3, 1, -50, 200, "In the buffer"),
         point(4, 1, 500, 500, ""), point(5, 7, 600, 600, "No class takes kind 7")}}},
      style);
  EXPECT_EQ(labels.id, kTile);
  ASSERT_EQ(labels.candidates.size(), 2u);
  const LabelCandidate& a = labels.candidates[0];
  EXPECT_EQ(a.featureId, 1u);
  EXPECT_EQ(labels.textOf(a), "Chợ Hàn");
  EXPECT_EQ(a.labelClass, 1);
  EXPECT_EQ(a.placement, Placement::Point);
  EXPECT_EQ(a.anchor.x, 100);
  EXPECT_EQ(a.anchor.y, 200);
  EXPECT_EQ(labels.textOf(labels.candidates[1]), "Quán cà phê");
  EXPECT_EQ(labels.candidates[1].labelClass, 3);
  EXPECT_NE(a.key, labels.candidates[1].key);
  EXPECT_GT(labels.byteSize(), sizeof(TileLabels));
}

TEST(LabelCandidates, LinesGetAnchorsAlongThemInsideTheTile) {
  const auto style = testStyle();  // streets: an anchor about every 64 px = 512 tile units
  const TileLabels labels =
      collect({{"road_labels", {line(7, {-128, 1000, 2000, 1000, 2000, 4224}, "Trần Phú")}}}, style);
  ASSERT_FALSE(labels.candidates.empty());
  std::set<uint64_t> keys;
  for (const LabelCandidate& c : labels.candidates) {
    EXPECT_EQ(c.placement, Placement::Line);
    EXPECT_EQ(labels.textOf(c), "Trần Phú");
    EXPECT_GE(c.anchor.x, 0);
    EXPECT_LE(c.anchor.y, 4096);
    ASSERT_LT(c.line + c.lineLength, labels.points.size() + 1);
    ASSERT_LT(c.segment + 1, c.lineLength);
    // The anchor lies on its segment.
    const auto a = labels.points[c.line + c.segment], b = labels.points[c.line + c.segment + 1];
    const float cross = (b.x - a.x) * (c.anchor.y - a.y) - (b.y - a.y) * (c.anchor.x - a.x);
    EXPECT_NEAR(cross, 0, 1e-2 * std::hypot(b.x - a.x, b.y - a.y));
    keys.insert(c.key);
  }
  // 5352 units long: ~10 anchors, minus those in the buffer; each its own key.
  EXPECT_GE(labels.candidates.size(), 8u);
  EXPECT_EQ(keys.size(), labels.candidates.size());
  // Central anchors rank first.
  const auto best = std::max_element(labels.candidates.begin(), labels.candidates.end(),
                                     [](const auto& x, const auto& y) { return x.rank < y.rank; });
  EXPECT_NEAR(best->anchor.x, 2000, 600);
  EXPECT_NEAR(best->anchor.y, 1000, 600);
  // The text is stored once per feature.
  EXPECT_EQ(labels.text, "Trần Phú");
}

TEST(LabelCandidates, KeysOfTheSameAnchorAreStableAcrossBuilds) {
  const auto style = testStyle();
  const auto layers = std::vector<::citymap::testing::TestLayer>{
      {"road_labels", {line(7, {0, 100, 3000, 100}, "Bạch Đằng")}}, {"pois", {point(9, 1, 10, 10, "A")}}};
  const TileLabels a = collect(layers, style), b = collect(layers, style);
  ASSERT_EQ(a.candidates.size(), b.candidates.size());
  for (size_t i = 0; i < a.candidates.size(); ++i) EXPECT_EQ(a.candidates[i].key, b.candidates[i].key);
}

TEST(LabelCandidates, AreasGetOnePointPerPolygonInsideTheirPartOfTheTile) {
  const auto style = testStyle();
  // A district covering the tile's left half and beyond; a sliver; a hole-free square.
  TestFeature district{11,
                       1,
                       0,
                       fb::GeometryType::Polygon,
                       {-2000, -2000, 2048, -2000, 2048, 6000, -2000, 6000},
                       {4},
                       {1},
                       "Phường Hải Châu"};
  TestFeature sliver{12,  1,   0,       fb::GeometryType::Polygon, {4000, 0, 4100, 0, 4100, 4096, 4000, 4096},
                     {4}, {1}, "Sliver"};
  const TileLabels labels = collect({{"admin", {district, sliver}}}, style);
  ASSERT_EQ(labels.candidates.size(), 1u);  // the sliver is 96 units wide in the tile: too thin
  const LabelCandidate& c = labels.candidates[0];
  EXPECT_EQ(c.placement, Placement::Area);
  EXPECT_EQ(labels.textOf(c), "Phường Hải Châu");
  EXPECT_NEAR(c.anchor.x, 1024, 40);  // the middle of the part inside the tile
  EXPECT_GT(c.rank, 900);
}

TEST(LabelCandidates, TheMesherKeepsThemWithTheTile) {
  auto tile = tile::decodeTile(::citymap::testing::sampleTile());
  ASSERT_TRUE(tile);
  const auto mesh = scene::buildTileMesh(tile.value(), style::defaultStyle());
  // The default style labels the IOC flood tower of the sample tile (and its roads layer has
  // no road_labels layer: nothing from it).
  ASSERT_EQ(mesh->labels.candidates.size(), 1u);
  EXPECT_EQ(mesh->labels.textOf(mesh->labels.candidates[0]), "Tháp cảnh báo ngập");
  EXPECT_EQ(mesh->labels.id, mesh->id);
}

}  // namespace
}  // namespace citymap::labels
