#include "scene/tile_pyramid.hpp"

#include <gtest/gtest.h>

#include "../../support/test_tiles.hpp"

namespace citymap::scene {
namespace {

tile::Tileset danangTileset() {
  tile::Tileset t;
  t.minZoom = 12;
  t.maxZoom = 16;
  t.boundsMin = {108.15, 16.0};
  t.boundsMax = {108.30, 16.10};
  t.center = {108.2145, 16.06};
  t.centerZoom = 15;
  t.tilePath = "{z}/{x}/{y}.cmt";
  return t;
}

geo::Camera camera(double zoom) {
  geo::Camera c;
  c.setViewport(1024, 768, 1);
  c.jumpTo({108.2145, 16.06}, zoom);
  return c;
}

TEST(TilePyramid, RequestsNearestTilesFirstAndBoundsInFlight) {
  TilePyramid p(danangTileset(), style::defaultStyle());
  std::vector<geo::TileID> requested;
  const auto cam = camera(15.4);
  p.update(cam, [&](const geo::TileID& id) { requested.push_back(id); });
  ASSERT_FALSE(requested.empty());
  EXPECT_LE(int(requested.size()), TilePyramid::kMaxPending);
  EXPECT_EQ(requested.front(), geo::tileAt(cam.center(), 15));
  for (const auto& id : requested) EXPECT_EQ(id.z, 15);
  EXPECT_FALSE(p.complete());
  // Asking again does not duplicate requests.
  std::vector<geo::TileID> again;
  p.update(cam, [&](const geo::TileID& id) { again.push_back(id); });
  EXPECT_TRUE(again.empty());
}

TEST(TilePyramid, LoadsTilesAndBecomesComplete) {
  TilePyramid p(danangTileset(), style::defaultStyle());
  const auto cam = camera(15.4);
  for (int round = 0; round < 10 && !p.complete(); ++round) {
    std::vector<geo::TileID> requested;
    p.update(cam, [&](const geo::TileID& id) { requested.push_back(id); });
    for (const auto& id : requested) EXPECT_TRUE(p.onTileData(id, testing::sampleTile(id)));
    p.update(cam, [](const geo::TileID&) {});
  }
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(int(p.drawList().size()), p.stats().idealTiles);
  EXPECT_EQ(p.stats().pending, 0);
}

TEST(TilePyramid, CorruptTileIsAnErrorNotACrash) {
  TilePyramid p(danangTileset(), style::defaultStyle());
  const auto cam = camera(16.2);
  std::vector<geo::TileID> requested;
  p.update(cam, [&](const geo::TileID& id) { requested.push_back(id); });
  ASSERT_FALSE(requested.empty());
  EXPECT_FALSE(p.onTileData(requested[0], std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_FALSE(p.onTileData(requested[1], Error{"HTTP 500"}));
  // A valid tile delivered for the wrong address is rejected too.
  EXPECT_FALSE(p.onTileData(requested[2], testing::sampleTile({16, 1, 1})));
  EXPECT_EQ(p.stats().failed, 3);
  EXPECT_NE(p.stats().lastError.find("does not match"), std::string::npos);
}

TEST(TilePyramid, DrawsTheParentWhileChildrenLoad) {
  TilePyramid p(danangTileset(), style::defaultStyle());
  auto cam = camera(14.5);
  std::vector<geo::TileID> requested;
  for (int i = 0; i < 5; ++i) {
    requested.clear();
    p.update(cam, [&](const geo::TileID& id) { requested.push_back(id); });
    for (const auto& id : requested) p.onTileData(id, testing::sampleTile(id));
  }
  cam.setZoom(15.5);
  requested.clear();
  p.update(cam, [&](const geo::TileID& id) { requested.push_back(id); });
  ASSERT_FALSE(p.drawList().empty());
  for (const auto& d : p.drawList()) {
    EXPECT_EQ(d.target.z, 15);     // clipped to the tile it stands in for
    EXPECT_EQ(d.mesh->id.z, 14);   // drawn from the loaded parent
    EXPECT_TRUE(d.mesh->id.isAncestorOf(d.target));
  }
}

TEST(TilePyramid, OverzoomUsesMaxZoomTiles) {
  TilePyramid p(danangTileset(), style::defaultStyle());
  EXPECT_EQ(p.tileZoomFor(19.3), 16);
  EXPECT_EQ(p.tileZoomFor(11.2), 12);
  EXPECT_EQ(p.tileZoomFor(13.99), 13);
}

TEST(TilePyramid, TurnedViewRequestsOnlyTilesItOverlapsCentreFirst) {
  // Zoom 15 on a 1024 x 768 view: turned 45 degrees, the box around the viewport holds more
  // tiles than the viewport overlaps.
  geo::Camera turned = camera(15);
  turned.setBearing(45);
  TilePyramid p(danangTileset(), style::defaultStyle());
  std::vector<geo::TileID> requested;
  p.update(turned, [&](const geo::TileID& id) { requested.push_back(id); });
  ASSERT_FALSE(requested.empty());
  EXPECT_EQ(requested.front(), geo::tileAt(turned.center(), 15));
  const auto inBox = geo::tilesCovering(turned.visibleBounds(), 15);
  EXPECT_LT(p.stats().idealTiles, int(inBox.size()));
  // Every tile the turned viewport overlaps is wanted (its corners included); the others not.
  int overlapping = 0;
  for (const auto& t : inBox) overlapping += turned.intersectsView(t.bounds());
  EXPECT_EQ(p.stats().idealTiles, overlapping);
  for (const auto& id : requested) EXPECT_TRUE(turned.intersectsView(id.bounds()));
  // The screen's corners lie in wanted tiles.
  for (const geo::ScreenPoint corner : {geo::ScreenPoint{1, 1}, geo::ScreenPoint{1023, 1}, geo::ScreenPoint{1, 767},
                                        geo::ScreenPoint{1023, 767}})
    EXPECT_TRUE(turned.intersectsView(geo::tileAt(turned.screenToWorld(corner), 15).bounds()));

  // Loaded, the draw list holds every wanted tile; with the children missing at z16, their
  // parents stand in, clipped to each wanted child, corners included.
  for (const auto& id : requested) EXPECT_TRUE(p.onTileData(id, testing::sampleTile(id)));
  for (int round = 0; round < 20 && !p.complete(); ++round) {
    std::vector<geo::TileID> more;
    p.update(turned, [&](const geo::TileID& id) { more.push_back(id); });
    for (const auto& id : more) EXPECT_TRUE(p.onTileData(id, testing::sampleTile(id)));
  }
  p.update(turned, [](const geo::TileID&) {});
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(int(p.drawList().size()), p.stats().idealTiles);
  geo::Camera closer = turned;
  closer.setZoom(16.2);
  p.update(closer, [](const geo::TileID&) {});
  int standIns = 0;
  for (const auto& d : p.drawList()) {
    EXPECT_TRUE(closer.intersectsView(d.target.bounds()));
    standIns += d.mesh->id.z == 15;
  }
  EXPECT_EQ(standIns, p.stats().idealTiles);  // nothing at z16 yet: every wanted tile has a stand-in
}

}  // namespace
}  // namespace citymap::scene
