#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "../../support/test_tiles.hpp"
#include "scene/tile_mesh.hpp"
#include "style/style.hpp"
#include "tile/kinds.hpp"

namespace citymap::scene {
namespace {

int bucketFor(const style::Style& s, std::string_view layerId) {
  for (const auto& l : s.layers)
    if (l.id == layerId) return l.bucket;
  return -1;
}

TEST(TileMesher, BuildsTheBucketsTheStyleAsksFor) {
  const auto& style = style::defaultStyle();
  auto tile = tile::decodeTile(testing::sampleTile());
  ASSERT_TRUE(tile) << tile.error();
  const auto mesh = buildTileMesh(tile.value(), style);
  ASSERT_EQ(mesh->buckets.size(), style.buckets.size());
  EXPECT_EQ(mesh->id, (geo::TileID{16, 52470, 29805}));

  const auto& primary = mesh->buckets[size_t(bucketFor(style, "road-primary"))];
  EXPECT_FALSE(primary.line.indices.empty());
  EXPECT_TRUE(primary.fill.indices.empty());
  // The primary road is not a bridge, so the bridge bucket stays empty.
  EXPECT_TRUE(mesh->buckets[size_t(bucketFor(style, "bridge-primary"))].empty());

  // Park with a hole: 1000^2 - 200^2 tile units of area.
  const auto& grass = mesh->buckets[size_t(bucketFor(style, "landuse-grass"))].fill;
  ASSERT_FALSE(grass.indices.empty());
  double area = 0;
  for (size_t i = 0; i < grass.indices.size(); i += 3) {
    const auto& a = grass.vertices[grass.indices[i]];
    const auto& b = grass.vertices[grass.indices[i + 1]];
    const auto& c = grass.vertices[grass.indices[i + 2]];
    area += std::abs((b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)) / 2;
  }
  EXPECT_NEAR(area, 1000.0 * 1000 - 200.0 * 200, 1e-3);

  EXPECT_FALSE(mesh->buckets[size_t(bucketFor(style, "building"))].fill.indices.empty());
  EXPECT_FALSE(mesh->buckets[size_t(bucketFor(style, "building-outline"))].line.indices.empty());
  // The flood tower is one disc marker (a quad) in both its ring and disc layers' bucket.
  const auto& tower = mesh->buckets[size_t(bucketFor(style, "ioc-flood-tower"))].line;
  EXPECT_EQ(tower.vertices.size(), 4u);
  EXPECT_EQ(bucketFor(style, "ioc-flood-tower"), bucketFor(style, "ioc-flood-tower-ring"));
  EXPECT_TRUE(mesh->buckets[size_t(bucketFor(style, "ioc-shelter"))].empty());
  EXPECT_GT(mesh->byteSize(), sizeof(TileMesh));
}

TEST(TileMesher, LowZoomTilesSkipMinorBuckets) {
  const auto& style = style::defaultStyle();
  auto tile = tile::decodeTile(testing::sampleTile({12, 3279, 1862}));
  ASSERT_TRUE(tile);
  const auto mesh = buildTileMesh(tile.value(), style);
  EXPECT_TRUE(mesh->buckets[size_t(bucketFor(style, "building"))].empty());  // buildings from z14
  EXPECT_FALSE(mesh->buckets[size_t(bucketFor(style, "road-primary"))].empty());
}

TEST(Style, ZoomCurves) {
  style::ZoomCurve linear{{{10, 0}, {20, 10}}, 1};
  EXPECT_FLOAT_EQ(linear.at(5), 0);
  EXPECT_FLOAT_EQ(linear.at(15), 5);
  EXPECT_FLOAT_EQ(linear.at(25), 10);
  style::ZoomCurve expo{{{10, 0}, {12, 3}}, 2};
  EXPECT_FLOAT_EQ(expo.at(11), 1);  // (2^1 - 1) / (2^2 - 1) * 3
  for (const auto& l : style::defaultStyle().layers) {
    EXPECT_GE(l.bucket, 0) << l.id;
    EXPECT_LT(size_t(l.bucket), style::defaultStyle().buckets.size()) << l.id;
    if (l.isLine) {
      EXPECT_GT(l.width.at(16), 0) << l.id;
    }
  }
}

}  // namespace
}  // namespace citymap::scene

namespace citymap::scene {
namespace {

TEST(TileMesher, TrafficBucketNamesItsFeaturesAndIocPointsAreAnchored) {
  const auto& style = style::defaultStyle();
  auto tile = tile::decodeTile(testing::sampleTile());
  ASSERT_TRUE(tile) << tile.error();
  const int traffic = bucketFor(style, "traffic");
  ASSERT_GE(traffic, 0);
  // Without a feature index the feature-state bucket is not built.
  EXPECT_TRUE(buildTileMesh(tile.value(), style)->buckets[size_t(traffic)].empty());

  FeatureIndex index;
  const auto mesh = buildTileMesh(tile.value(), style, &index);
  const BucketMesh& b = mesh->buckets[size_t(traffic)];
  ASSERT_FALSE(b.line.vertices.empty());
  ASSERT_EQ(b.slots.size(), b.line.vertices.size());
  const uint32_t slot = index.slotFor(101);  // the primary road's id
  for (float s : b.slots) EXPECT_EQ(s, float(slot));
  // The flood tower at the tile's centre (2048, 2048 of 4096).
  const auto anchor = index.anchor(404);
  ASSERT_TRUE(anchor);
  const double n = std::exp2(16.0);
  EXPECT_NEAR(anchor->x, (52470 + 0.5) / n, 1e-12);
  EXPECT_NEAR(anchor->y, (29805 + 0.5) / n, 1e-12);
}

}  // namespace
}  // namespace citymap::scene

namespace citymap::scene {
namespace {

// One-way roads get chevrons along them from z16, pointing in the direction of travel, one
// about every 120 CSS px (960 tile units at the tile's zoom); two-way roads and footways none.
TEST(TileMesher, OnewayArrowsFromZ16InTheDirectionOfTravel) {
  const auto& style = style::defaultStyle();
  const int arrows = bucketFor(style, "road-oneway-arrow");
  ASSERT_GE(arrows, 0);
  const style::Bucket& bucket = style.buckets[size_t(arrows)];
  EXPECT_EQ(bucket.geometry, style::Bucket::Geometry::Arrows);
  EXPECT_EQ(bucket.minTileZoom, 16);
  using testing::TestFeature;
  const uint8_t oneway = tile::kFlagOneway;
  // A one-way street drawn right to left, 3000 units long; a two-way street; a one-way footway.
  TestFeature westward{
      1, uint8_t(tile::RoadKind::Tertiary), oneway, fb::GeometryType::Line, {3500, 1000, 500, 1000}, {2}, {}, "A"};
  TestFeature twoWay{2,  uint8_t(tile::RoadKind::Tertiary), 0, fb::GeometryType::Line, {500, 2000, 3500, 2000}, {2}, {},
                     "B"};
  TestFeature footway{
      3, uint8_t(tile::RoadKind::Footway), oneway, fb::GeometryType::Line, {500, 3000, 3500, 3000}, {2}, {}, ""};
  const auto build = [&](geo::TileID id) {
    auto tile = tile::decodeTile(testing::buildTile(id, {{"roads", {westward, twoWay, footway}}}));
    EXPECT_TRUE(tile) << tile.error();
    return buildTileMesh(tile.value(), style);
  };
  const auto mesh = build({16, 52470, 29805});
  const tess::LineMesh& line = mesh->buckets[size_t(arrows)].line;
  ASSERT_FALSE(line.vertices.empty());
  // All on the one-way street (y = 1000, within the chevron's half width of 2 px = 16 units).
  for (const tess::LineVertex& v : line.vertices) EXPECT_NEAR(v.y, 1000, 16.01);
  // round(3000 / 960) = 3 chevrons: their tips are the vertices furthest west of each group;
  // each chevron's tip (x smallest) lies ahead of its arms (the arms 24 units east of it).
  std::vector<float> xs;
  for (const tess::LineVertex& v : line.vertices) xs.push_back(v.x);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  ASSERT_FALSE(xs.empty());
  // Centre points: per chevron one tip x and one arms x (tip + 24): 3 chevrons, 6 distinct x.
  ASSERT_EQ(xs.size(), 6u);
  for (size_t i = 0; i < 6; i += 2) EXPECT_NEAR(xs[i + 1] - xs[i], 24, 1e-3);  // tip west of its arms: pointing west
  EXPECT_NEAR(xs[2] - xs[0], 960, 1e-3);
  EXPECT_NEAR(xs[4] - xs[2], 960, 1e-3);
  // Not below z16.
  EXPECT_TRUE(build({15, 26235, 14902})->buckets[size_t(arrows)].empty());
}

}  // namespace
}  // namespace citymap::scene
