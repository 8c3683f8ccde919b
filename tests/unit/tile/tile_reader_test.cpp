#include "tile/tile_reader.hpp"

#include <gtest/gtest.h>

#include <random>

#include "../../support/test_tiles.hpp"

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
  auto v2 = decodeTile(buildTile({1, 0, 0}, {}, 2));
  ASSERT_FALSE(v2);
  EXPECT_NE(v2.error().find("version"), std::string::npos);
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

TEST(TileReader, RejectsGeometryThatDoesNotAddUp) {
  const auto check = [](TestFeature f, const char* expected) {
    auto t = decodeTile(buildTile({2, 1, 1}, {{"roads", {f}}}));
    ASSERT_FALSE(t) << "accepted: " << expected;
    EXPECT_NE(t.error().find(expected), std::string::npos) << t.error();
  };
  check({1, 0, 0, fb::GeometryType::Line, {0, 0, 10, 10}, {3}, {}, ""}, "part sizes");
  check({1, 0, 0, fb::GeometryType::Line, {0, 0, 10}, {2}, {}, ""}, "odd number");
  check({1, 0, 0, fb::GeometryType::Line, {0, 0}, {1}, {}, ""}, "fewer than 2");
  check({1, 0, 0, fb::GeometryType::Polygon, {0, 0, 1, 0, 1, 1}, {3}, {}, ""}, "without ring counts");
  check({1, 0, 0, fb::GeometryType::Polygon, {0, 0, 1, 0, 1, 1}, {3}, {2}, ""}, "ring counts do not match");
  check({1, 0, 0, fb::GeometryType::Polygon, {0, 0, 1, 0}, {2}, {1}, ""}, "fewer than 3");
  check({1, 0, 0, fb::GeometryType::Line, {0, 0, 1, 1}, {0, 2}, {}, ""}, "empty part");
}

TEST(TileReader, RejectsOutOfRangeTileId) {
  EXPECT_FALSE(decodeTile(buildTile({2, 4, 0}, {})));
}

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
          if (f->part_sizes())
            for (uint32_t s : *f->part_sizes()) points += s;
          EXPECT_EQ(points * 2, f->coords() ? f->coords()->size() : 0u);
        }
  }
  EXPECT_GT(rejected, 100);  // plenty of the corruptions are caught
}

}  // namespace
}  // namespace citymap::tile
