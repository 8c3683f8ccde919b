#include "geo/mercator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace citymap::geo {

namespace {
constexpr double kDeg = std::numbers::pi / 180.0;
}

Mercator toMercator(LngLat p) {
  const double lat = std::clamp(p.lat, -kMaxLatitude, kMaxLatitude);
  return {kEarthRadius * p.lng * kDeg, kEarthRadius * std::log(std::tan(std::numbers::pi / 4 + lat * kDeg / 2))};
}

LngLat fromMercator(Mercator m) {
  return {m.x / kEarthRadius / kDeg, (2 * std::atan(std::exp(m.y / kEarthRadius)) - std::numbers::pi / 2) / kDeg};
}

WorldPoint mercatorToWorld(Mercator m) { return {0.5 + m.x / kWorldSizeMetres, 0.5 - m.y / kWorldSizeMetres}; }

Mercator worldToMercator(WorldPoint w) { return {(w.x - 0.5) * kWorldSizeMetres, (0.5 - w.y) * kWorldSizeMetres}; }

WorldPoint toWorld(LngLat p) { return mercatorToWorld(toMercator(p)); }
LngLat fromWorld(WorldPoint w) { return fromMercator(worldToMercator(w)); }

double metresPerPixel(double zoom, double lat, double tileSize) {
  return std::cos(lat * kDeg) * kWorldSizeMetres / (tileSize * std::exp2(zoom));
}

}  // namespace citymap::geo
