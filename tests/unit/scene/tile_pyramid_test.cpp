#include "scene/tile_pyramid.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "../../support/test_tiles.hpp"
#include "style/style_json.hpp"

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

// Answers every request of the view with a sample tile until the view is complete.
void loadView(TilePyramid& p, const geo::Camera& cam) {
  for (int round = 0; round < 10 && !p.complete(); ++round) {
    std::vector<geo::TileID> requested;
    p.update(cam, 0, [&](const geo::TileID& id) {
      requested.push_back(id);
      return uint64_t(0);
    });
    for (const auto& id : requested) EXPECT_TRUE(p.onTileData(id, testing::sampleTile(id))) << id.path();
    p.update(cam, 0, [](const geo::TileID&) { return uint64_t(0); });
  }
}

TEST(TilePyramid, RequestsNearestTilesFirstAndBoundsInFlight) {
  TilePyramid p(danangTileset(), style::defaultStyle());
  std::vector<geo::TileID> requested;
  const auto cam = camera(15.4);
  p.update(cam, 0, [&](const geo::TileID& id) {
    requested.push_back(id);
    return uint64_t(0);
  });
  ASSERT_FALSE(requested.empty());
  EXPECT_LE(int(requested.size()), TilePyramid::kMaxPending);
  EXPECT_EQ(requested.front(), geo::tileAt(cam.center(), 15));
  for (const auto& id : requested) EXPECT_EQ(id.z, 15);
  EXPECT_FALSE(p.complete());
  // Asking again does not duplicate requests.
  std::vector<geo::TileID> again;
  p.update(cam, 0, [&](const geo::TileID& id) {
    again.push_back(id);
    return uint64_t(0);
  });
  EXPECT_TRUE(again.empty());
}

TEST(TilePyramid, LoadsTilesAndBecomesComplete) {
  TilePyramid p(danangTileset(), style::defaultStyle());
  const auto cam = camera(15.4);
  loadView(p, cam);
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(int(p.drawList().size()), p.stats().idealTiles);
  EXPECT_EQ(p.stats().pending, 0);
}

// A new style: a theme that only repaints keeps the meshes; a style with other buckets meshes
// the loaded tiles again from their kept data, so the next frame draws the new buckets.
TEST(TilePyramid, SetStyleRemeshesLoadedTilesOnlyWhenTheBucketsChange) {
  TilePyramid p(danangTileset(), style::defaultStyle());
  const auto cam = camera(15.4);
  loadView(p, cam);
  ASSERT_TRUE(p.complete());
  const auto before = p.drawList().front().mesh;
  auto night = style::parseStyle(style::builtinStyleText(), "citymap.json", "night");
  ASSERT_TRUE(night) << night.error();
  p.setStyle(night->style);
  p.update(cam, 0, [](const geo::TileID&) { return uint64_t(0); });
  EXPECT_EQ(p.drawList().front().mesh, before);  // same buckets: the same mesh

  auto roadsOnly = style::parseStyle(R"({"version": 8, "layers": [
    {"id": "r", "type": "line", "source-layer": "roads", "paint": {"line-width": 3}}]})",
                                     "roads.json");
  ASSERT_TRUE(roadsOnly) << roadsOnly.error();
  p.setStyle(roadsOnly->style);
  p.update(cam, 0, [](const geo::TileID&) { return uint64_t(0); });
  ASSERT_FALSE(p.drawList().empty());
  const auto after = p.drawList().front().mesh;
  EXPECT_NE(after, before);
  ASSERT_EQ(after->buckets.size(), 1u);
  EXPECT_FALSE(after->buckets[0].line.indices.empty()) << "the sample tile's roads are meshed for the new style";
  EXPECT_TRUE(p.complete());
}

TEST(TilePyramid, CorruptTileIsAnErrorNotACrash) {
  TilePyramid p(danangTileset(), style::defaultStyle());
  const auto cam = camera(16.2);
  std::vector<geo::TileID> requested;
  p.update(cam, 0, [&](const geo::TileID& id) {
    requested.push_back(id);
    return uint64_t(0);
  });
  ASSERT_FALSE(requested.empty());
  EXPECT_FALSE(p.onTileData(requested[0], std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_FALSE(p.onTileData(requested[1], Error{"HTTP 500"}));
  // A valid tile delivered for the wrong address is rejected too.
  EXPECT_FALSE(p.onTileData(requested[2], testing::sampleTile({16, 1, 1})));
  EXPECT_EQ(p.stats().errors, 3u);
  EXPECT_NE(p.stats().lastError.find("does not match"), std::string::npos);
}

TEST(TilePyramid, DrawsTheParentWhileChildrenLoad) {
  TilePyramid p(danangTileset(), style::defaultStyle());
  auto cam = camera(14.5);
  std::vector<geo::TileID> requested;
  for (int i = 0; i < 5; ++i) {
    requested.clear();
    p.update(cam, 0, [&](const geo::TileID& id) {
      requested.push_back(id);
      return uint64_t(0);
    });
    for (const auto& id : requested) p.onTileData(id, testing::sampleTile(id));
  }
  cam.setZoom(15.5);
  requested.clear();
  p.update(cam, 0, [&](const geo::TileID& id) {
    requested.push_back(id);
    return uint64_t(0);
  });
  ASSERT_FALSE(p.drawList().empty());
  for (const auto& d : p.drawList()) {
    EXPECT_EQ(d.target.z, 15);    // clipped to the tile it stands in for
    EXPECT_EQ(d.mesh->id.z, 14);  // drawn from the loaded parent
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
  p.update(turned, 0, [&](const geo::TileID& id) {
    requested.push_back(id);
    return uint64_t(0);
  });
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
  for (const geo::ScreenPoint corner :
       {geo::ScreenPoint{1, 1}, geo::ScreenPoint{1023, 1}, geo::ScreenPoint{1, 767}, geo::ScreenPoint{1023, 767}})
    EXPECT_TRUE(turned.intersectsView(geo::tileAt(turned.screenToWorld(corner), 15).bounds()));

  // Loaded, the draw list holds every wanted tile; with the children missing at z16, their
  // parents stand in, clipped to each wanted child, corners included.
  for (const auto& id : requested) EXPECT_TRUE(p.onTileData(id, testing::sampleTile(id)));
  for (int round = 0; round < 20 && !p.complete(); ++round) {
    std::vector<geo::TileID> more;
    p.update(turned, 0, [&](const geo::TileID& id) {
      more.push_back(id);
      return uint64_t(0);
    });
    for (const auto& id : more) EXPECT_TRUE(p.onTileData(id, testing::sampleTile(id)));
  }
  p.update(turned, 0, [](const geo::TileID&) { return uint64_t(0); });
  EXPECT_TRUE(p.complete());
  EXPECT_EQ(int(p.drawList().size()), p.stats().idealTiles);
  geo::Camera closer = turned;
  closer.setZoom(16.2);
  p.update(closer, 0, [](const geo::TileID&) { return uint64_t(0); });
  int standIns = 0;
  for (const auto& d : p.drawList()) {
    EXPECT_TRUE(closer.intersectsView(d.target.bounds()));
    standIns += d.mesh->id.z == 15;
  }
  EXPECT_EQ(standIns, p.stats().idealTiles);  // nothing at z16 yet: every wanted tile has a stand-in
}

TEST(TilePyramid, RetryDelayDoublesToThirtySecondsWithFixedJitter) {
  const geo::TileID t{15, 26235, 14902};
  double previous = 0;
  for (int attempt = 1; attempt <= 5; ++attempt) {
    const double d = TilePyramid::retryDelayMs(t, attempt);
    const double base = 1000.0 * (1 << (attempt - 1));
    EXPECT_GE(d, 0.8 * base);
    EXPECT_LT(d, 1.2 * base);
    EXPECT_GT(d, previous);
    previous = d;
  }
  EXPECT_LE(TilePyramid::retryDelayMs(t, 40), 1.2 * TilePyramid::kMaxRetryDelayMs);
  EXPECT_GE(TilePyramid::retryDelayMs(t, 40), 0.8 * TilePyramid::kMaxRetryDelayMs);
  EXPECT_EQ(TilePyramid::retryDelayMs(t, 3), TilePyramid::retryDelayMs(t, 3));  // fixed per tile
  // Neighbours do not all retry at the same moment.
  EXPECT_NE(TilePyramid::retryDelayMs(t, 1), TilePyramid::retryDelayMs({15, 26236, 14902}, 1));
}

TEST(TilePyramid, FailedTileIsRetriedWithBackoffWhileItsParentStandsIn) {
  TilePyramid p(danangTileset(), style::defaultStyle());
  auto cam = camera(14.5);
  std::vector<geo::TileID> requested;
  for (int i = 0; i < 5; ++i) {  // the z14 parents load
    requested.clear();
    p.update(cam, 0, [&](const geo::TileID& id) {
      requested.push_back(id);
      return uint64_t(0);
    });
    for (const auto& id : requested) p.onTileData(id, testing::sampleTile(id), 0);
  }
  cam.setZoom(15.5);
  requested.clear();
  double now = 1000;
  p.update(cam, now, [&](const geo::TileID& id) {
    requested.push_back(id);
    return uint64_t(0);
  });
  ASSERT_FALSE(requested.empty());
  const geo::TileID bad = requested.front();
  // Every tile answers; one with an HTTP error.
  for (const auto& id : requested)
    p.onTileData(id, id == bad ? Result<std::vector<uint8_t>>(Error{"HTTP 503"}) : testing::sampleTile(id), now);
  for (int round = 0; round < 10; ++round) {
    requested.clear();
    p.update(cam, now, [&](const geo::TileID& id) {
      requested.push_back(id);
      return uint64_t(0);
    });
    for (const auto& id : requested) p.onTileData(id, testing::sampleTile(id), now);
  }
  EXPECT_TRUE(p.complete());  // answered: nothing left to wait for now
  EXPECT_EQ(p.stats().failed, 1);
  EXPECT_EQ(p.stats().errors, 1u);
  // No hole: the failed tile is drawn from its parent, clipped to it.
  const auto standIn =
      std::find_if(p.drawList().begin(), p.drawList().end(), [&](const DrawTile& d) { return d.target == bad; });
  ASSERT_NE(standIn, p.drawList().end());
  EXPECT_EQ(standIn->mesh->id, bad.ancestor(14));
  // Not asked again before the backoff has run out (about 1 s)...
  const double due = p.nextRetryMs();
  EXPECT_GE(due - now, 800);
  EXPECT_LT(due - now, 1200);
  requested.clear();
  p.update(cam, due - 1, [&](const geo::TileID& id) {
    requested.push_back(id);
    return uint64_t(0);
  });
  EXPECT_TRUE(requested.empty());
  // ...then asked again; failing again doubles the wait.
  now = due;
  p.update(cam, now, [&](const geo::TileID& id) {
    requested.push_back(id);
    return uint64_t(0);
  });
  ASSERT_EQ(requested, std::vector<geo::TileID>{bad});
  EXPECT_EQ(p.stats().retries, 1u);
  EXPECT_FALSE(p.onTileData(bad, std::vector<uint8_t>{'<', 'h', 't', 'm', 'l', '>'}, now));  // an error page
  p.update(cam, now, [](const geo::TileID&) { return uint64_t(0); });
  EXPECT_GE(p.nextRetryMs() - now, 1600);
  EXPECT_LT(p.nextRetryMs() - now, 2400);
  // The third try succeeds: the tile itself is drawn, nothing is failed any more.
  now = p.nextRetryMs();
  requested.clear();
  p.update(cam, now, [&](const geo::TileID& id) {
    requested.push_back(id);
    return uint64_t(0);
  });
  ASSERT_EQ(requested, std::vector<geo::TileID>{bad});
  EXPECT_TRUE(p.onTileData(bad, testing::sampleTile(bad), now));
  p.update(cam, now, [](const geo::TileID&) { return uint64_t(0); });
  EXPECT_EQ(p.stats().failed, 0);
  EXPECT_EQ(p.stats().retries, 2u);
  EXPECT_FALSE(std::isfinite(p.nextRetryMs()));
  const auto own =
      std::find_if(p.drawList().begin(), p.drawList().end(), [&](const DrawTile& d) { return d.target == bad; });
  ASSERT_NE(own, p.drawList().end());
  EXPECT_EQ(own->mesh->id, bad);
}

TEST(TilePyramid, CancelsRequestsTheViewNoLongerNeedsAndIgnoresLateAnswers) {
  TilePyramid p(danangTileset(), style::defaultStyle());
  auto cam = camera(15.4);
  std::map<uint64_t, geo::TileID> inFlight;
  uint64_t next = 100;
  const auto request = [&](const geo::TileID& id) {
    inFlight[next] = id;
    return next++;
  };
  std::vector<uint64_t> cancelled;
  const auto cancel = [&](uint64_t r) { cancelled.push_back(r); };
  p.update(cam, 0, request, cancel);
  const int asked = int(inFlight.size());
  ASSERT_GT(asked, 0);
  EXPECT_EQ(p.stats().pending, asked);
  // Zooming in by one: the z15 requests are parents of the new view's tiles, and stay.
  cam.setZoom(16.1);
  p.update(cam, 0, request, cancel);
  EXPECT_TRUE(cancelled.empty());
  // Far away: everything asked for before is cancelled, and new tiles are asked for.
  const auto before = inFlight;
  cam.jumpTo({108.28, 16.02}, 15.4);
  p.update(cam, 0, request, cancel);
  EXPECT_EQ(cancelled.size(), before.size());
  for (uint64_t r : cancelled) EXPECT_TRUE(before.contains(r));
  EXPECT_EQ(p.stats().cancelled, uint64_t(before.size()));
  EXPECT_GT(inFlight.size(), before.size());
  EXPECT_EQ(p.stats().pending, int(inFlight.size() - before.size()));
  // An answer for a cancelled tile (one that was already on its way) changes nothing.
  const int loaded = p.stats().loaded;
  const geo::TileID old = before.begin()->second;
  EXPECT_TRUE(p.onTileData(old, testing::sampleTile(old), 0));
  EXPECT_EQ(p.stats().loaded, loaded);
  EXPECT_EQ(p.stats().pending, int(inFlight.size() - before.size()));
}

TEST(TilePyramid, CacheStaysWithinItsBudgetAndEvictsTheLeastRecentlyUsed) {
  // A budget of a few tiles: walking east across the city keeps evicting the tiles left behind.
  const size_t oneTile = [] {
    TilePyramid probe(danangTileset(), style::defaultStyle());
    const auto cam = camera(15.4);
    std::vector<geo::TileID> r;
    probe.update(cam, 0, [&](const geo::TileID& id) {
      r.push_back(id);
      return uint64_t(0);
    });
    probe.onTileData(r.front(), testing::sampleTile(r.front()), 0);
    return probe.stats().cacheBytes;
  }();
  ASSERT_GT(oneTile, 0u);
  const size_t budget = oneTile * 24;
  TilePyramid p(danangTileset(), style::defaultStyle(), budget);
  auto cam = camera(15.4);
  std::vector<geo::TileID> firstView;
  for (int step = 0; step < 40; ++step) {
    cam.jumpTo({108.16 + step * 0.0035, 16.06}, 15.4);
    for (int round = 0; round < 6; ++round) {
      std::vector<geo::TileID> requested;
      p.update(cam, 0, [&](const geo::TileID& id) {
        requested.push_back(id);
        return uint64_t(0);
      });
      if (step == 0 && round == 0) firstView = requested;
      for (const auto& id : requested) p.onTileData(id, testing::sampleTile(id), 0);
    }
    p.update(cam, 0, [](const geo::TileID&) { return uint64_t(0); });
    EXPECT_LE(p.stats().cacheBytes, budget) << "step " << step;
    EXPECT_TRUE(p.complete());
  }
  // Back at the start: those tiles were evicted and are asked for again.
  cam.jumpTo({108.16, 16.06}, 15.4);
  std::vector<geo::TileID> again;
  p.update(cam, 0, [&](const geo::TileID& id) {
    again.push_back(id);
    return uint64_t(0);
  });
  ASSERT_FALSE(firstView.empty());
  ASSERT_FALSE(again.empty()) << "cache " << p.stats().cacheBytes << " of " << budget << ", " << p.stats().loaded
                              << " tiles";
  EXPECT_EQ(again.front(), firstView.front());
}

}  // namespace
}  // namespace citymap::scene
