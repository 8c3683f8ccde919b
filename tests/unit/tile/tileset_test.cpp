#include "tile/tileset.hpp"

#include <gtest/gtest.h>

namespace citymap::tile {
namespace {

constexpr const char* kValid = R"({"format":"citymap-tiles","format_version":1,"minzoom":12,"maxzoom":16,
  "bounds":[108.18,16.02,108.25,16.08],"center":[108.2145,16.06,15],"tile_path":"{z}/{x}/{y}.cmt",
  "attribution":"© OpenStreetMap contributors","name":"Đà Nẵng","name_en":"Da Nang","layers":["water","roads"]})";

TEST(Tileset, ParsesMetadata) {
  auto t = parseTileset(kValid);
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->minZoom, 12);
  EXPECT_EQ(t->maxZoom, 16);
  EXPECT_DOUBLE_EQ(t->center.lng, 108.2145);
  EXPECT_DOUBLE_EQ(t->centerZoom, 15);
  EXPECT_EQ(t->attribution, "© OpenStreetMap contributors");
  EXPECT_EQ(t->layers.size(), 2u);
  EXPECT_EQ(t->name, "Đà Nẵng");
  EXPECT_EQ(t->nameEn, "Da Nang");
  EXPECT_EQ(t->tileUrl("tiles/", {16, 52470, 29805}), "tiles/16/52470/29805.cmt");
  EXPECT_EQ(t->tileUrl("http://x/t", {12, 1, 2}), "http://x/t/12/1/2.cmt");
  const geo::WorldBox b = t->worldBounds();
  EXPECT_LT(b.minx, b.maxx);
  EXPECT_LT(b.miny, b.maxy);
}

TEST(Tileset, RejectsBadMetadataWithAMessage) {
  const char* bad[] = {
      "",
      "not json",
      "[]",
      R"({"format":"mbtiles"})",
      R"({"format":"citymap-tiles","format_version":9,"minzoom":1,"maxzoom":2,"bounds":[0,0,1,1],"tile_path":"{z}/{x}/{y}"})",
      R"({"format":"citymap-tiles","format_version":1,"minzoom":5,"maxzoom":2,"bounds":[0,0,1,1],"tile_path":"{z}/{x}/{y}"})",
      R"({"format":"citymap-tiles","format_version":1,"minzoom":1,"maxzoom":2,"bounds":[1,0,0,1],"tile_path":"{z}/{x}/{y}"})",
      R"({"format":"citymap-tiles","format_version":1,"minzoom":1,"maxzoom":2,"bounds":[0,0,1],"tile_path":"{z}/{x}/{y}"})",
      R"({"format":"citymap-tiles","format_version":1,"minzoom":1,"maxzoom":2,"bounds":[0,0,1,1],"tile_path":"tiles"})",
      R"({"format":"citymap-tiles","format_version":"1","minzoom":1,"maxzoom":2,"bounds":[0,0,1,1],"tile_path":"{z}/{x}/{y}"})",
  };
  for (const char* json : bad) {
    auto t = parseTileset(json);
    EXPECT_FALSE(t) << json;
    if (!t) {
      EXPECT_FALSE(t.error().empty());
    }
  }
}

}  // namespace
}  // namespace citymap::tile
