#include "geo/mercator.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace citymap::geo {
namespace {

constexpr double kHalfWorld = 20037508.342789244;  // pi * 6378137

TEST(Mercator, OriginAndEdges) {
  const Mercator o = toMercator({0, 0});
  EXPECT_NEAR(o.x, 0, 1e-9);
  EXPECT_NEAR(o.y, 0, 1e-9);
  EXPECT_NEAR(toMercator({180, 0}).x, kHalfWorld, 1e-6);
  EXPECT_NEAR(toMercator({-180, 0}).x, -kHalfWorld, 1e-6);
  EXPECT_NEAR(toMercator({0, kMaxLatitude}).y, kHalfWorld, 1e-3);
}

TEST(Mercator, ClampsPolarLatitudes) {
  EXPECT_NEAR(toMercator({0, 90}).y, toMercator({0, kMaxLatitude}).y, 1e-6);
  EXPECT_TRUE(std::isfinite(toMercator({0, -90}).y));
}

TEST(Mercator, DaNangReferencePoint) {
  // Dragon Bridge, Da Nang: 108.2275 E, 16.0612 N (EPSG:3857 values from the spherical formula; PROJ agrees, see
  // native/).
  const Mercator m = toMercator({108.2275, 16.0612});
  EXPECT_NEAR(m.x, 12047830.19, 0.01);
  EXPECT_NEAR(m.y, 1811811.16, 0.01);
}

TEST(Mercator, RoundTrip) {
  for (double lng = -179.5; lng < 180; lng += 13.7)
    for (double lat = -84; lat <= 84; lat += 7.3) {
      const LngLat back = fromMercator(toMercator({lng, lat}));
      EXPECT_NEAR(back.lng, lng, 1e-9);
      EXPECT_NEAR(back.lat, lat, 1e-9);
      const LngLat viaWorld = fromWorld(toWorld({lng, lat}));
      EXPECT_NEAR(viaWorld.lng, lng, 1e-9);
      EXPECT_NEAR(viaWorld.lat, lat, 1e-9);
    }
}

TEST(Mercator, WorldCoordinates) {
  const WorldPoint nw = toWorld({-180, kMaxLatitude});
  EXPECT_NEAR(nw.x, 0, 1e-12);
  EXPECT_NEAR(nw.y, 0, 1e-9);
  const WorldPoint c = toWorld({0, 0});
  EXPECT_NEAR(c.x, 0.5, 1e-12);
  EXPECT_NEAR(c.y, 0.5, 1e-12);
  EXPECT_LT(toWorld({0, 10}).y, 0.5);  // north is up: y shrinks
}

TEST(Mercator, MetresPerPixel) {
  // 512 px tiles: zoom 0 at the equator is 40075016.7 m / 512 px.
  EXPECT_NEAR(metresPerPixel(0, 0), 78271.517, 1e-3);
  EXPECT_NEAR(metresPerPixel(16, 60), 78271.517 / 65536 / 2, 1e-6);
}

}  // namespace
}  // namespace citymap::geo
