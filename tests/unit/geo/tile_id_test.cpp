#include "geo/tile_id.hpp"

#include <gtest/gtest.h>

#include <set>

#include "geo/mercator.hpp"

namespace citymap::geo {
namespace {

TEST(TileID, TileAtDaNang) {
  // The Dragon Bridge at zoom 16 (checked against the XYZ formula).
  const TileID t = tileAt(toWorld({108.2275, 16.0612}), 16);
  EXPECT_EQ(t.z, 16);
  EXPECT_EQ(t.x, 52470u);
  EXPECT_EQ(t.y, 29805u);
  EXPECT_EQ(t.path(), "16/52470/29805");
  const WorldBox b = t.bounds();
  const WorldPoint w = toWorld({108.2275, 16.0612});
  EXPECT_TRUE(w.x >= b.minx && w.x < b.maxx && w.y >= b.miny && w.y < b.maxy);
}

TEST(TileID, ParentsAndAncestors) {
  const TileID t{16, 52470, 29805};
  EXPECT_EQ(t.parent(), (TileID{15, 26235, 14902}));
  EXPECT_EQ(t.ancestor(12), (TileID{12, 3279, 1862}));
  EXPECT_TRUE(t.ancestor(12).isAncestorOf(t));
  EXPECT_FALSE(t.isAncestorOf(t));
  EXPECT_FALSE((TileID{12, 0, 0}).isAncestorOf(t));
  EXPECT_EQ((TileID{0, 0, 0}).parent(), (TileID{0, 0, 0}));
}

TEST(TileID, Validity) {
  EXPECT_TRUE((TileID{0, 0, 0}).valid());
  EXPECT_FALSE((TileID{0, 1, 0}).valid());
  EXPECT_FALSE((TileID{3, 2, 8}).valid());
  EXPECT_FALSE((TileID{31, 0, 0}).valid());
}

TEST(TileID, KeysAreUnique) {
  std::set<uint64_t> keys;
  for (uint8_t z = 0; z < 6; ++z)
    for (uint32_t x = 0; x < (1u << z); ++x)
      for (uint32_t y = 0; y < (1u << z); ++y) EXPECT_TRUE(keys.insert(TileID{z, x, y}.key()).second);
}

TEST(TileID, CoveringIsExactAndClamped) {
  const auto tiles = tilesCovering({0.25, 0.25, 0.5, 0.5}, 2);
  ASSERT_EQ(tiles.size(), 1u);  // the max edge is exclusive
  EXPECT_EQ(tiles[0], (TileID{2, 1, 1}));
  EXPECT_EQ(tilesCovering({0.2, 0.2, 0.6, 0.3}, 2).size(), 6u);  // cols 0..2, rows 0..1
  EXPECT_EQ(tilesCovering({-1, -1, 2, 2}, 1).size(), 4u);
  EXPECT_TRUE(tilesCovering({0.5, 0.5, 0.5, 0.6}, 3).empty());
}

}  // namespace
}  // namespace citymap::geo
