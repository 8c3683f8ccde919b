#include "geo/tile_id.hpp"

#include <algorithm>
#include <cmath>

namespace citymap::geo {

TileID TileID::ancestor(uint8_t zoom) const {
  if (zoom >= z) return *this;
  const int d = z - zoom;
  return {zoom, x >> d, y >> d};
}

bool TileID::isAncestorOf(const TileID& other) const { return other.z > z && other.ancestor(z) == *this; }

WorldBox TileID::bounds() const {
  const double n = std::ldexp(1.0, z);
  return {x / n, y / n, (x + 1) / n, (y + 1) / n};
}

std::string TileID::path() const { return std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y); }

TileID tileAt(WorldPoint w, uint8_t z) {
  const double n = std::ldexp(1.0, z);
  const auto clampIndex = [n](double v) { return static_cast<uint32_t>(std::clamp(std::floor(v * n), 0.0, n - 1)); };
  return {z, clampIndex(w.x), clampIndex(w.y)};
}

std::vector<TileID> tilesCovering(const WorldBox& box, uint8_t z) {
  std::vector<TileID> out;
  const WorldBox b{std::clamp(box.minx, 0.0, 1.0), std::clamp(box.miny, 0.0, 1.0), std::clamp(box.maxx, 0.0, 1.0),
                   std::clamp(box.maxy, 0.0, 1.0)};
  if (b.maxx <= b.minx || b.maxy <= b.miny) return out;
  const TileID a = tileAt({b.minx, b.miny}, z);
  // The max corner is exclusive: a box ending exactly on a tile edge does not touch the next tile.
  const double n = std::ldexp(1.0, z);
  const auto lastIndex = [n](double v) { return static_cast<uint32_t>(std::clamp(std::ceil(v * n) - 1, 0.0, n - 1)); };
  const uint32_t x1 = lastIndex(b.maxx), y1 = lastIndex(b.maxy);
  out.reserve(size_t(x1 - a.x + 1) * (y1 - a.y + 1));
  for (uint32_t y = a.y; y <= y1; ++y)
    for (uint32_t x = a.x; x <= x1; ++x) out.push_back({z, x, y});
  return out;
}

}  // namespace citymap::geo
