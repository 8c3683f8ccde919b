#include "feeds/bus_motion.hpp"

#include <gtest/gtest.h>

namespace citymap::feeds {
namespace {

constexpr LngLat kA{108.2200, 16.0600};
constexpr LngLat kEast{108.2210, 16.0600};   // ~107 m east
constexpr LngLat kNorth{108.2200, 16.0610};  // ~111 m north

TEST(BusMotion, DistanceAndBearing) {
  EXPECT_NEAR(distanceMetres(kA, kNorth), 110.6, 0.5);
  EXPECT_NEAR(distanceMetres(kA, kEast), 107.0, 0.5);
  EXPECT_NEAR(bearingDegrees(kA, kNorth), 0.0, 0.01);
  EXPECT_NEAR(bearingDegrees(kA, kEast), 90.0, 0.01);
  EXPECT_NEAR(bearingDegrees(kNorth, kA), 180.0, 0.01);
  EXPECT_NEAR(bearingDegrees(kEast, kA), 270.0, 0.01);
  const float ne = bearingDegrees(kA, {108.2210, 16.0610});
  EXPECT_GT(ne, 40);
  EXPECT_LT(ne, 50);
}

TEST(BusMotion, InterpolatesBetweenTheLastTwoReports) {
  const BusFix prev{kA, 10'000}, last{kEast, 20'000};
  const BusMotionLimits limits;
  auto p = interpolateBus(prev, last, 12.f, 15'000, limits);
  EXPECT_NEAR(p.position.lng, 108.2205, 1e-9);
  EXPECT_NEAR(p.position.lat, 16.06, 1e-9);
  EXPECT_NEAR(p.bearingDeg, 90, 0.01);  // from the movement, not the reported 12
  EXPECT_FALSE(p.extrapolated);
  EXPECT_EQ(interpolateBus(prev, last, 12.f, 5'000, limits).position, kA);
  EXPECT_EQ(interpolateBus(prev, last, 12.f, 20'000, limits).position, kEast);
  // Past the last report: runs on along the same velocity, for a bounded time.
  p = interpolateBus(prev, last, 12.f, 25'000, limits);
  EXPECT_TRUE(p.extrapolated);
  EXPECT_NEAR(p.position.lng, 108.2215, 1e-9);
  const auto far = interpolateBus(prev, last, 12.f, 600'000, limits);
  EXPECT_NEAR(far.position.lng, 108.2220, 1e-9);  // capped at one report interval (10 s)
}

TEST(BusMotion, WithoutAPreviousReportStaysPut) {
  const BusFix last{kEast, 20'000};
  auto p = interpolateBus(std::nullopt, last, 33.f, 25'000, {});
  EXPECT_EQ(p.position, kEast);
  EXPECT_FLOAT_EQ(p.bearingDeg, 33.f);
  // Standing still: the reported bearing is kept and there is no drift.
  p = interpolateBus(BusFix{kEast, 10'000}, last, 33.f, 25'000, {});
  EXPECT_EQ(p.position, kEast);
  EXPECT_FLOAT_EQ(p.bearingDeg, 33.f);
}

TEST(BusMotion, PlausibleMoves) {
  const BusMotionLimits limits;
  EXPECT_TRUE(plausibleMove({kA, 0}, {kEast, 10'000}, limits));        // 38 km/h
  EXPECT_FALSE(plausibleMove({kA, 0}, {kEast, 1'000}, limits));        // 385 km/h
  EXPECT_FALSE(plausibleMove({kA, 10'000}, {kEast, 10'000}, limits));  // no time passed
  EXPECT_FALSE(plausibleMove({kA, 10'000}, {kEast, 5'000}, limits));
}

}  // namespace
}  // namespace citymap::feeds
