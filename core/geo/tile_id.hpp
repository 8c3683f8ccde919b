#pragma once
// Tile addressing in the XYZ (slippy map) scheme, y from the north.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "geo/lnglat.hpp"

namespace citymap::geo {

struct TileID {
  uint8_t z = 0;
  uint32_t x = 0;
  uint32_t y = 0;

  bool valid() const { return z <= 30 && x < (1u << z) && y < (1u << z); }
  TileID parent() const { return z == 0 ? *this : TileID{uint8_t(z - 1), x >> 1, y >> 1}; }
  TileID ancestor(uint8_t zoom) const;  // zoom <= z
  bool isAncestorOf(const TileID& other) const;
  WorldBox bounds() const;
  std::string path() const;  // "z/x/y"
  uint64_t key() const { return (uint64_t(z) << 58) | (uint64_t(x) << 29) | y; }
  auto operator<=>(const TileID&) const = default;
};

// The tile at zoom z holding world point w (clamped into the world).
TileID tileAt(WorldPoint w, uint8_t z);

// All tiles at zoom z intersecting the box, row by row. Boxes outside [0,1] are clamped.
std::vector<TileID> tilesCovering(const WorldBox& box, uint8_t z);

}  // namespace citymap::geo

template <>
struct std::hash<citymap::geo::TileID> {
  size_t operator()(const citymap::geo::TileID& t) const noexcept { return std::hash<uint64_t>()(t.key()); }
};
