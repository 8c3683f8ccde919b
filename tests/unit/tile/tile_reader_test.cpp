#include "tile/tile_reader.hpp"

#include <gtest/gtest.h>

#include <random>

#include "../../support/test_tiles.hpp"
#include "tile/coord_delta.hpp"
#include "tile/feature_parts.hpp"
#include "tile/kinds.hpp"

namespace citymap::tile {
namespace {

using testing::buildTile;
using testing::sampleTile;
using testing::TestFeature;

TEST(TileReader, DecodesAValidTile) {
  auto t = decodeTile(sampleTile());
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->id(), (geo::TileID{16, 52470, 29805}));
  EXPECT_EQ(t->extent(), 4096);
  const fb::Layer* roads = t->layer("roads");
  ASSERT_NE(roads, nullptr);
  ASSERT_EQ(roads->features()->size(), 1u);
  const fb::Feature* f = roads->features()->Get(0);
  EXPECT_EQ(f->id(), 101u);
  EXPECT_EQ(f->name()->str(), "Trần Phú");
  EXPECT_EQ(f->coords()->size(), 6u);
  EXPECT_EQ(t->layer("nope"), nullptr);
}

TEST(TileReader, RejectsEveryTruncation) {
  const auto bytes = sampleTile();
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto t = decodeTile(std::vector<uint8_t>(bytes.begin(), bytes.begin() + long(n)));
    EXPECT_FALSE(t) << "accepted a tile truncated to " << n << " of " << bytes.size() << " bytes";
  }
}

TEST(TileReader, RejectsWrongIdentifierAndVersion) {
  auto bytes = sampleTile();
  bytes[4] = 'X';
  auto t = decodeTile(bytes);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().find("identifier"), std::string::npos);
  for (const uint16_t version : {uint16_t(0), uint16_t(kFormatVersion + 1)}) {
    auto v = decodeTile(buildTile({1, 0, 0}, {}, version));
    ASSERT_FALSE(v) << version;
    EXPECT_NE(v.error().find("version"), std::string::npos);
  }
}

// Format 2 stores coordinates delta-coded; decoding gives the absolute ones, the same as a
// format-1 tile (absolute on the wire) of the same features, which stays readable.
TEST(TileReader, DeltaCodedCoordinatesDecodeToTheAbsoluteOnes) {
  const std::vector<int16_t> xy = {-128, 4224, 100, 100, 4000, -50, 4000, 3000, 17, 18};
  TestFeature line{7, 0, 0, fb::GeometryType::Line, xy, {3, 2}};
  for (const uint16_t version : {uint16_t(1), uint16_t(2)}) {
    auto t = decodeTile(buildTile({16, 1, 2}, {{"roads", {line}}}, version));
    ASSERT_TRUE(t) << t.error();
    const auto* coords = t->layer("roads")->features()->Get(0)->coords();
    ASSERT_EQ(coords->size(), xy.size());
    for (size_t i = 0; i < xy.size(); ++i)
      EXPECT_EQ(coords->Get(flatbuffers::uoffset_t(i)), xy[i]) << version << " " << i;
  }
  // On the wire the second pair is the difference from the first.
  std::vector<int16_t> deltas = xy;
  ASSERT_TRUE(deltaEncodeCoords(deltas));
  EXPECT_EQ(deltas[2], 228);
  EXPECT_EQ(deltas[3], -4124);
}

// Format 2 tiles leave their z/x/y out so that identical tiles share their bytes in an archive:
// the tile is at the address it was read from. A tile that stores one must be at it.
TEST(TileReader, TakesTheAddressOfATileWithoutZxy) {
  const TestFeature road{1, 0, 0, fb::GeometryType::Line, {0, 0, 10, 10}, {2}};
  const auto bare = buildTile({0, 0, 0}, {{"roads", {road}}});  // z/x/y all default: not stored
  auto placed = decodeTile(bare, geo::TileID{16, 52470, 29805});
  ASSERT_TRUE(placed) << placed.error();
  EXPECT_EQ(placed->id(), (geo::TileID{16, 52470, 29805}));
  auto unplaced = decodeTile(bare);
  ASSERT_FALSE(unplaced);
  EXPECT_NE(unplaced.error().find("address"), std::string::npos);
  EXPECT_FALSE(decodeTile(bare, geo::TileID{3, 8, 0}));  // an address that is no tile

  const auto stored = sampleTile({16, 52470, 29805});
  EXPECT_TRUE(decodeTile(stored, geo::TileID{16, 52470, 29805}));
  auto elsewhere = decodeTile(stored, geo::TileID{16, 52470, 29806});
  ASSERT_FALSE(elsewhere);
  EXPECT_NE(elsewhere.error().find("does not match its address"), std::string::npos);
}

TEST(TileReader, RejectsDeltasThatLeaveSixteenBits) {
  // Two deltas of 30000 sum to 60000: no int16 coordinate; a corrupt tile, not a wrapped value.
  flatbuffers::FlatBufferBuilder b;
  const std::vector<int16_t> raw = {30000, 0, 30000, 0};
  const auto f = fb::CreateFeature(b, 1, 0, 0, fb::GeometryType::Line, b.CreateVector(raw),
                                   b.CreateVector(std::vector<uint32_t>{2}));
  const auto layer = fb::CreateLayer(b, b.CreateString("roads"), b.CreateVector(std::vector{f}));
  fb::FinishTileBuffer(b, fb::CreateTile(b, 2, 16, 1, 1, 4096, b.CreateVector(std::vector{layer})));
  auto t = decodeTile({b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()});
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().find("out of range"), std::string::npos);
  std::vector<int16_t> far = {-32000, 0, 32000, 0};
  EXPECT_FALSE(deltaEncodeCoords(far));
}

// Regression (fuzz_tile, UBSan "reference binding to null pointer" in decodeTile): a polygon
// with an empty ring-count vector and no coordinates or parts at all. Its counts add up (0 rings,
// 0 parts) but it is no polygon, and the check of the ring sizes read the missing parts vector.
TEST(TileReader, RejectsAPolygonWithAnEmptyRingCountAndNoParts) {
  flatbuffers::FlatBufferBuilder b;
  const auto rings = b.CreateVector(std::vector<uint32_t>{});
  const auto feature = fb::CreateFeature(b, 1, 0, 0, fb::GeometryType::Polygon, 0, 0, rings);
  const auto layer = fb::CreateLayer(b, b.CreateString("buildings"), b.CreateVector(std::vector{feature}));
  fb::FinishTileBuffer(b, fb::CreateTile(b, 1, 2, 1, 1, 4096, b.CreateVector(std::vector{layer})));
  auto t = decodeTile({b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()});
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().find("without ring counts"), std::string::npos) << t.error();
}

// Format 2's short forms: no part_sizes for one part, no polygon_ring_counts for one polygon.
TEST(TileReader, ImpliedPartsAndRings) {
  TestFeature line{1, 0, 0, fb::GeometryType::Line, {0, 0, 10, 10, 20, 0}, {}};
  TestFeature square{2,     0, 0, fb::GeometryType::Polygon, {0, 0, 100, 0, 100, 100, 0, 100, 20, 20, 20, 40, 40, 40},
                     {4, 3}};
  auto t = decodeTile(buildTile({16, 1, 2}, {{"roads", {line}}, {"landuse", {square}}}));
  ASSERT_TRUE(t) << t.error();
  const fb::Feature& l = *t->layer("roads")->features()->Get(0);
  EXPECT_EQ(l.part_sizes(), nullptr);
  ASSERT_EQ(partSizes(l).size(), 1u);
  EXPECT_EQ(partSizes(l)[0], 3u);
  EXPECT_TRUE(ringCounts(l).empty());  // not a polygon
  const fb::Feature& p = *t->layer("landuse")->features()->Get(0);
  EXPECT_EQ(p.polygon_ring_counts(), nullptr);
  ASSERT_EQ(ringCounts(p).size(), 1u);
  EXPECT_EQ(ringCounts(p)[0], 2u);  // the outer ring and its hole
  uint32_t sum = 0;
  for (uint32_t n : partSizes(p)) sum += n;
  EXPECT_EQ(sum, 7u);
}

TEST(TileReader, RejectsGeometryThatDoesNotAddUp) {
  const auto check = [](TestFeature f, const char* expected) {
    auto t = decodeTile(buildTile({2, 1, 1}, {{"roads", {f}}}));
    ASSERT_FALSE(t) << "accepted: " << expected;
    EXPECT_NE(t.error().find(expected), std::string::npos) << t.error();
  };
  check({1, 0, 0, fb::GeometryType::Line, {0, 0, 10, 10}, {3}, {}, ""}, "part sizes");
  check({1, 0, 0, fb::GeometryType::Line, {0, 0, 10}, {2}, {}, ""}, "odd number");
  check({1, 0, 0, fb::GeometryType::Line, {0, 0}, {1}, {}, ""}, "fewer than 2");
  check({1, 0, 0, fb::GeometryType::Polygon, {}, {}, {}, ""}, "without ring counts");
  check({1, 0, 0, fb::GeometryType::Polygon, {0, 0, 1, 0, 1, 1}, {3}, {2}, ""}, "ring counts do not match");
  check({1, 0, 0, fb::GeometryType::Polygon, {0, 0, 1, 0}, {2}, {1}, ""}, "fewer than 3");
  check({1, 0, 0, fb::GeometryType::Line, {0, 0, 1, 1}, {0, 2}, {}, ""}, "empty part");
}

TEST(TileReader, RejectsOutOfRangeTileId) { EXPECT_FALSE(decodeTile(buildTile({2, 4, 0}, {}))); }

TEST(TileReader, RandomCorruptionNeverCrashes) {
  // Bit flips anywhere: the decoder must either reject the buffer or return a tile whose
  // geometry invariants hold (checked by walking it). ASan/UBSan builds make this strict.
  const auto clean = sampleTile();
  std::mt19937 rng(1234);
  int rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    auto bytes = clean;
    const int flips = 1 + int(rng() % 4);
    for (int k = 0; k < flips; ++k) bytes[rng() % bytes.size()] ^= uint8_t(1u << (rng() % 8));
    auto t = decodeTile(std::move(bytes));
    if (!t) {
      ++rejected;
      continue;
    }
    if (!t->root().layers()) continue;
    for (const auto* l : *t->root().layers())
      if (l->features())
        for (const auto* f : *l->features()) {
          size_t points = 0;
          for (uint32_t s : partSizes(*f)) points += s;
          EXPECT_EQ(points * 2, f->coords() ? f->coords()->size() : 0u);
        }
  }
  EXPECT_GT(rejected, 100);  // plenty of the corruptions are caught
}

}  // namespace
}  // namespace citymap::tile
