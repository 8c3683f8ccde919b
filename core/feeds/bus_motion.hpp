#pragma once
// Smooth bus positions between reports. A vehicle's track keeps its last two reports; the
// position at time t is interpolated linearly between them (or extrapolated a little past the
// last one along the same velocity), and the bearing follows the movement.
#include <cstdint>
#include <optional>

#include "feeds/feed_types.hpp"

namespace citymap::feeds {

struct BusFix {
  LngLat position;
  int64_t timestampMs = 0;
  friend bool operator==(const BusFix&, const BusFix&) = default;
};

struct BusPose {
  LngLat position;
  float bearingDeg = 0;       // 0 = north, clockwise, [0, 360)
  bool extrapolated = false;  // t is past the last report
};

struct BusMotionLimits {
  int64_t maxExtrapolateMs = 20'000;  // never run ahead of the last report by more than this
  double maxSpeedKmh = 150;           // two reports further apart are a jump, not a movement
};

// Local metres between two points (equirectangular; fine at city scale).
double distanceMetres(LngLat a, LngLat b);
// Initial bearing from a to b in degrees [0, 360).
float bearingDegrees(LngLat a, LngLat b);

// True if going from `from` to `to` is a plausible movement (time increases, speed within limits).
bool plausibleMove(const BusFix& from, const BusFix& to, const BusMotionLimits& limits);

// The pose at time t given the last report, its reported bearing and the report before it
// (if any, and plausible). Without a previous report the vehicle stays at its last position.
BusPose interpolateBus(const std::optional<BusFix>& previous, const BusFix& last, float reportedBearingDeg, int64_t tMs,
                       const BusMotionLimits& limits);

}  // namespace citymap::feeds
