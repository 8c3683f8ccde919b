#include "feeds/bus_motion.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace citymap::feeds {

namespace {

constexpr double kMetresPerDegLat = 110574.0;
constexpr double kMetresPerDegLngEquator = 111320.0;
constexpr double kMinMoveMetres = 1.0;  // below this the bearing comes from the report

double toRad(double deg) { return deg * std::numbers::pi / 180.0; }

LngLat lerp(LngLat a, LngLat b, double f) { return {a.lng + (b.lng - a.lng) * f, a.lat + (b.lat - a.lat) * f}; }

}  // namespace

double distanceMetres(LngLat a, LngLat b) {
  const double dx = (b.lng - a.lng) * kMetresPerDegLngEquator * std::cos(toRad((a.lat + b.lat) / 2));
  const double dy = (b.lat - a.lat) * kMetresPerDegLat;
  return std::hypot(dx, dy);
}

float bearingDegrees(LngLat a, LngLat b) {
  const double dx = (b.lng - a.lng) * kMetresPerDegLngEquator * std::cos(toRad((a.lat + b.lat) / 2));
  const double dy = (b.lat - a.lat) * kMetresPerDegLat;
  double deg = std::atan2(dx, dy) * 180.0 / std::numbers::pi;
  if (deg < 0) deg += 360.0;
  if (deg >= 360.0) deg -= 360.0;
  return static_cast<float>(deg);
}

bool plausibleMove(const BusFix& from, const BusFix& to, const BusMotionLimits& limits) {
  const int64_t dt = to.timestampMs - from.timestampMs;
  if (dt <= 0) return false;
  const double kmh = distanceMetres(from.position, to.position) / 1000.0 / (static_cast<double>(dt) / 3.6e6);
  return kmh <= limits.maxSpeedKmh;
}

BusPose interpolateBus(const std::optional<BusFix>& previous, const BusFix& last, float reportedBearingDeg, int64_t tMs,
                       const BusMotionLimits& limits) {
  BusPose pose{last.position, reportedBearingDeg, tMs > last.timestampMs};
  if (!previous || previous->timestampMs >= last.timestampMs) return pose;
  const BusFix& p = *previous;
  const bool moved = distanceMetres(p.position, last.position) >= kMinMoveMetres;
  if (moved) pose.bearingDeg = bearingDegrees(p.position, last.position);
  const auto span = static_cast<double>(last.timestampMs - p.timestampMs);
  if (tMs <= p.timestampMs) {
    pose.position = p.position;
  } else if (tMs <= last.timestampMs) {
    pose.position = lerp(p.position, last.position, static_cast<double>(tMs - p.timestampMs) / span);
  } else if (moved) {
    const int64_t ahead = std::min({tMs - last.timestampMs, limits.maxExtrapolateMs, last.timestampMs - p.timestampMs});
    pose.position = lerp(p.position, last.position, 1.0 + static_cast<double>(ahead) / span);
  }
  return pose;
}

}  // namespace citymap::feeds
