// "What is this?": picking the feature under a point in the drawn tiles (points before lines
// before buildings before areas, only what the style draws), the wards a point is in, finding a
// feature by id or a street by name, and the highlight's geometry.
#include "pick/feature_pick.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "../../support/test_tiles.hpp"
#include "geo/mercator.hpp"
#include "pick/highlight.hpp"
#include "tile/kinds.hpp"

namespace citymap::pick {
namespace {

using ::citymap::testing::TestFeature;
constexpr geo::TileID kTile{16, 52470, 29805};

GroupVisibility allVisible() {
  GroupVisibility v;
  v.fill(true);
  return v;
}

// A square polygon (one ring) from (x0, y0) to (x1, y1), tile units.
TestFeature square(uint64_t id, uint8_t kind, int16_t x0, int16_t y0, int16_t x1, int16_t y1, std::string name) {
  return {id, kind, 0, fb::GeometryType::Polygon, {x0, y0, x1, y0, x1, y1, x0, y1}, {4}, {1}, std::move(name)};
}

std::vector<scene::DrawTile> drawTiles() {
  TestFeature road{
      101, uint8_t(tile::RoadKind::Primary), 0, fb::GeometryType::Line, {0, 2048, 4096, 2048}, {2}, {}, "Trần Phú"};
  TestFeature street{
      901, uint8_t(tile::RoadKind::Primary), 0, fb::GeometryType::Line, {0, 2048, 4096, 2048}, {2}, {}, "Trần Phú"};
  TestFeature bridge{102,
                     uint8_t(tile::RoadKind::Primary),
                     tile::kFlagBridge,
                     fb::GeometryType::Line,
                     {3000, 0, 3000, 4096},
                     {2},
                     {},
                     "Cầu Rồng"};
  bridge.nameEn = "Dragon Bridge";
  TestFeature cafe{201, uint8_t(tile::PoiKind::Food), 0, fb::GeometryType::Point, {1000, 1000}, {1}, {}, "Cộng Cà Phê"};
  const TestFeature building = square(301, 0, 1500, 2500, 1900, 2900, "Bảo tàng");
  const TestFeature park = square(401, uint8_t(tile::LanduseKind::Park), 200, 2200, 3800, 3900, "Công viên");
  const TestFeature ward = square(501, uint8_t(tile::AdminKind::Ward2025), -64, -64, 4160, 4160, "Phường Hải Châu");
  const TestFeature oldWard =
      square(502, uint8_t(tile::AdminKind::WardPre2025), -64, -64, 4160, 4160, "Phường Hải Châu 1");
  auto data = tile::decodeTile(::citymap::testing::buildTile(kTile, {{"roads", {road, bridge}},
                                                                     {"road_labels", {street}},
                                                                     {"pois", {cafe}},
                                                                     {"buildings", {building}},
                                                                     {"landuse", {park}},
                                                                     {"admin", {ward, oldWard}}}));
  EXPECT_TRUE(data);
  scene::DrawTile t;
  t.target = kTile;
  t.data = std::make_shared<const tile::TileData>(std::move(data).value());
  return {t};
}

geo::Camera tileCamera(double zoom = 16.5) {
  geo::Camera cam;
  cam.setViewport(1024, 1024, 1);
  cam.setZoomRange(0, 22);
  const geo::WorldBox b = kTile.bounds();
  cam.setZoom(zoom);
  cam.setCenter({(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2});
  return cam;
}

// The screen point of tile units (u, v) of kTile.
geo::ScreenPoint at(const geo::Camera& cam, double u, double v) {
  const geo::WorldBox b = kTile.bounds();
  return cam.worldToScreen({b.minx + (b.maxx - b.minx) * u / 4096, b.miny + (b.maxy - b.miny) * v / 4096});
}

TEST(FeaturePick, PointsThenLinesThenBuildingsThenAreasThenTheWard) {
  const auto tiles = drawTiles();
  const auto cam = tileCamera();
  const style::Style& style = style::defaultStyle();
  const auto pickAt = [&](double u, double v) { return pickFeature(tiles, cam, style, allVisible(), at(cam, u, v)); };

  auto f = pickAt(1010, 1005);  // a few pixels from the café
  ASSERT_TRUE(f);
  EXPECT_EQ(f->layer, "pois");
  EXPECT_EQ(f->id, 201u);
  EXPECT_EQ(f->name, "Cộng Cà Phê");
  EXPECT_NEAR(geo::toWorld(f->at).x, geo::toWorld(pickAt(1000, 1000)->at).x, 1e-12);  // the point itself

  f = pickAt(2500, 2060);  // on Trần Phú, inside the park too: the road wins
  ASSERT_TRUE(f);
  EXPECT_EQ(f->layer, "roads");
  EXPECT_EQ(f->id, 101u);

  f = pickAt(3005, 1000);  // the bridge
  ASSERT_TRUE(f);
  EXPECT_EQ(f->id, 102u);
  EXPECT_EQ(f->nameEn, "Dragon Bridge");
  EXPECT_TRUE(f->flags & tile::kFlagBridge);

  f = pickAt(1700, 2700);  // the building inside the park
  ASSERT_TRUE(f);
  EXPECT_EQ(f->layer, "buildings");

  f = pickAt(600, 3500);  // only the park
  ASSERT_TRUE(f);
  EXPECT_EQ(f->layer, "landuse");

  f = pickAt(600, 600);  // nothing drawn: the ward
  ASSERT_TRUE(f);
  EXPECT_EQ(f->layer, "admin");
  EXPECT_EQ(f->name, "Phường Hải Châu");
}

TEST(FeaturePick, HiddenGroupsAndFeaturesNotDrawnAtThisZoomAreNotPicked) {
  const auto tiles = drawTiles();
  const style::Style& style = style::defaultStyle();
  GroupVisibility noBuildings = allVisible();
  noBuildings[size_t(style::Group::Buildings)] = false;
  const auto cam = tileCamera();
  const auto f = pickFeature(tiles, cam, style, noBuildings, at(cam, 1700, 2700));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->layer, "landuse");  // the park under the hidden building
  GroupVisibility nothing{};
  EXPECT_FALSE(pickFeature(tiles, cam, style, nothing, at(cam, 600, 600)));
  // Off the tiles: nothing.
  EXPECT_FALSE(pickFeature(tiles, cam, style, allVisible(), {-500, -500}));
}

TEST(FeaturePick, WardsFindAndStreets) {
  const auto tiles = drawTiles();
  const geo::WorldBox b = kTile.bounds();
  const Wards w = wardsAt(tiles, {(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2});
  EXPECT_EQ(w.ward2025, "Phường Hải Châu");
  EXPECT_EQ(w.wardPre2025, "Phường Hải Châu 1");
  EXPECT_TRUE(wardsAt(tiles, {0.1, 0.1}).ward2025.empty());

  const auto bridge = findFeature(tiles, "roads", 102);
  ASSERT_TRUE(bridge);
  EXPECT_EQ(bridge->name, "Cầu Rồng");
  EXPECT_FALSE(findFeature(tiles, "roads", 999));
  EXPECT_FALSE(findFeature(tiles, "pois", 102));  // ids are per layer
  EXPECT_EQ(findStreet(tiles, "Trần Phú"), std::vector<uint64_t>{901});
  EXPECT_TRUE(findStreet(tiles, "Lê Lợi").empty());
}

TEST(FeaturePick, HighlightGeometryOfAreasHasNoSeamsAtTheTileEdge) {
  const auto tiles = drawTiles();
  // The ward covers the tile and its buffer: clipped to the tile for the fill, and its outline
  // (which runs along the buffer) is all clip edges: nothing to stroke.
  const Geometry ward = featureGeometry(tiles, "admin", {501});
  ASSERT_EQ(ward.fill.size(), 1u);
  EXPECT_EQ(ward.fillRingCounts, std::vector<uint32_t>{1});
  const geo::WorldBox b = kTile.bounds();
  for (const auto& p : ward.fill[0]) {
    EXPECT_GE(p.x, b.minx - 1e-12);
    EXPECT_LE(p.x, b.maxx + 1e-12);
  }
  EXPECT_TRUE(ward.strokes.empty());
  // A building inside the tile: fill and its whole outline.
  const Geometry building = featureGeometry(tiles, "buildings", {301});
  EXPECT_EQ(building.fill.size(), 1u);
  ASSERT_EQ(building.strokes.size(), 1u);
  EXPECT_EQ(building.strokes[0].size(), 5u);  // closed
  // Lines and points.
  EXPECT_EQ(featureGeometry(tiles, "roads", {101, 102}).strokes.size(), 2u);
  const Geometry cafe = featureGeometry(tiles, "pois", {201});
  ASSERT_EQ(cafe.strokes.size(), 1u);
  EXPECT_EQ(cafe.strokes[0].size(), 1u);

  // The highlight batch: triangles for the building, a ring for a place without geometry.
  live::LiveBatch batch;
  const auto cam = tileCamera();
  buildHighlight(building, std::nullopt, cam, batch);
  EXPECT_GT(batch.indices.size(), 6u);
  buildHighlight({}, geo::WorldPoint{(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2}, cam, batch);
  EXPECT_EQ(batch.indices.size(), 6u);
  buildHighlight({}, std::nullopt, cam, batch);
  EXPECT_TRUE(batch.empty());
}

TEST(FeaturePick, LinesAreClippedToTheTileTheyAreDrawnFor) {
  // The z16 tile stands in for two of its missing z17 children: each gets its half of the
  // bridge (which crosses the whole tile), never the same stretch twice.
  auto parent = drawTiles();
  std::vector<scene::DrawTile> tiles;
  for (uint32_t dy = 0; dy < 2; ++dy) {
    scene::DrawTile t = parent[0];
    t.target = {17, kTile.x * 2 + 1, kTile.y * 2 + dy};
    tiles.push_back(t);
  }
  const Geometry g = featureGeometry(tiles, "roads", {102});
  ASSERT_EQ(g.strokes.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const geo::WorldBox b = tiles[i].target.bounds();
    ASSERT_EQ(g.strokes[i].size(), 2u);
    for (const auto& p : g.strokes[i]) {
      EXPECT_GE(p.y, b.miny - 1e-12);
      EXPECT_LE(p.y, b.maxy + 1e-12);
    }
    EXPECT_NEAR(std::abs(g.strokes[i][1].y - g.strokes[i][0].y), b.maxy - b.miny, 1e-12);  // the whole child
  }
  // A child the line does not cross gets nothing.
  tiles[0].target = {17, kTile.x * 2, kTile.y * 2};
  tiles.pop_back();
  EXPECT_TRUE(featureGeometry(tiles, "roads", {102}).strokes.empty());
}

}  // namespace
}  // namespace citymap::pick
