#pragma once
// Tile coordinates on the wire (tile format 2, docs/TILE_FORMAT.md): each feature's interleaved
// x,y pairs are stored as differences from the previous pair (the first pair from 0,0), across
// its parts. Neighbouring points are close, so the differences are small numbers that gzip
// packs far better than absolute positions (as MVT's delta-coded commands do). The ingest
// encodes; decodeTile() turns them back into absolute positions in place, once, after
// verification, so every reader of a decoded tile sees absolute coordinates.
#include <cstdint>
#include <limits>
#include <span>

namespace citymap::tile {

// Absolute -> differences, in place. False (and xy unchanged from the failing pair on) when a
// difference does not fit 16 bits, which tile coordinates (-extent..2*extent) never need.
inline bool deltaEncodeCoords(std::span<int16_t> xy) {
  int32_t px = 0, py = 0;
  for (size_t i = 0; i + 1 < xy.size(); i += 2) {
    const int32_t x = xy[i], y = xy[i + 1];
    const int32_t dx = x - px, dy = y - py;
    if (dx < std::numeric_limits<int16_t>::min() || dx > std::numeric_limits<int16_t>::max() ||
        dy < std::numeric_limits<int16_t>::min() || dy > std::numeric_limits<int16_t>::max())
      return false;
    xy[i] = int16_t(dx);
    xy[i + 1] = int16_t(dy);
    px = x;
    py = y;
  }
  return true;
}

// Differences -> absolute, with read/write callbacks so the caller can work on a FlatBuffers
// vector in place. False when a running sum leaves 16 bits (a corrupt or hostile tile).
template <class Get, class Set>
bool deltaDecodeCoords(size_t count, Get get, Set set) {
  int32_t x = 0, y = 0;
  for (size_t i = 0; i + 1 < count; i += 2) {
    x += get(i);
    y += get(i + 1);
    if (x < std::numeric_limits<int16_t>::min() || x > std::numeric_limits<int16_t>::max() ||
        y < std::numeric_limits<int16_t>::min() || y > std::numeric_limits<int16_t>::max())
      return false;
    set(i, int16_t(x));
    set(i + 1, int16_t(y));
  }
  return true;
}

}  // namespace citymap::tile
