// The camera's fly-to path: starts and ends where asked, zooms out on the way for long
// distances, travels monotonically, and never takes more than its maximum duration.
#include "geo/flight.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "geo/mercator.hpp"

namespace citymap::geo {
namespace {

TEST(Flight, StartsAndEndsWhereAsked) {
  const WorldPoint a = toWorld({108.2145, 16.06}), b = toWorld({108.2270, 16.0612});
  const Flight f(a, 13, b, 17, 1024);
  EXPECT_GT(f.durationMs(), 0);
  EXPECT_LE(f.durationMs(), 1000);
  const auto start = f.at(0), end = f.at(f.durationMs()), after = f.at(f.durationMs() + 500);
  EXPECT_NEAR(start.center.x, a.x, 1e-12);
  EXPECT_NEAR(start.center.y, a.y, 1e-12);
  EXPECT_NEAR(start.zoom, 13, 1e-9);
  EXPECT_EQ(end.center.x, b.x);
  EXPECT_EQ(end.zoom, 17);
  EXPECT_EQ(after.zoom, 17);
}

TEST(Flight, LongTripsZoomOutOnTheWayAndTravelMonotonically) {
  const WorldPoint a = toWorld({108.15, 16.06}), b = toWorld({108.25, 16.10});  // ~11 km
  const Flight f(a, 16, b, 16, 1024);
  EXPECT_DOUBLE_EQ(f.durationMs(), 1000);  // capped
  double minZoom = 99, lastDist = -1;
  for (int i = 0; i <= 50; ++i) {
    const auto p = f.at(f.durationMs() * i / 50);
    minZoom = std::min(minZoom, p.zoom);
    const double d = std::hypot(p.center.x - a.x, p.center.y - a.y);
    EXPECT_GE(d, lastDist - 1e-15);
    lastDist = d;
  }
  EXPECT_LT(minZoom, 13);  // zoomed well out to keep both ends in view
  EXPECT_NEAR(lastDist, std::hypot(b.x - a.x, b.y - a.y), 1e-12);
}

TEST(Flight, AZoomInPlaceIsAPureZoom) {
  const WorldPoint a = toWorld({108.2, 16.05});
  const Flight f(a, 12, a, 15, 800);
  EXPECT_GE(f.durationMs(), 350);
  const auto mid = f.at(f.durationMs() / 2);
  EXPECT_DOUBLE_EQ(mid.center.x, a.x);
  EXPECT_GT(mid.zoom, 12);
  EXPECT_LT(mid.zoom, 15);
}

}  // namespace
}  // namespace citymap::geo
