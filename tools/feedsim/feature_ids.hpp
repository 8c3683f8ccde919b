#pragma once
// The stable feature ids the tiles carry (tools/ingest: feature_id.hpp and docs/INGEST.md), so
// that feed messages name the same objects the map draws:
//   OSM objects      (osm id << 2) | type, type 0 node, 1 way, 2 relation
//   configured data  FNV-1a 64 over the source's namespace (its configured path, e.g.
//                    "ioc/storm_shelters.geojson") and each id field's value, each value
//                    preceded by a NUL byte, then optionally every vertex as two little-endian
//                    int64 (lng and lat times 1e7, rounded); folded to 51 bits, << 2 | 3.
// The same scheme as the ingest tool, written out here so the simulator does not link it; the
// feedsim test checks the values against known ids.
#include <cmath>
#include <cstdint>
#include <string_view>

namespace citymap::feedsim {

constexpr uint64_t osmWayId(uint64_t wayId) { return (wayId << 2) | 1; }

class StableId {
 public:
  explicit StableId(std::string_view ns) { bytes(ns.data(), ns.size()); }
  StableId& add(std::string_view value) {
    const char nul = 0;
    bytes(&nul, 1);
    bytes(value.data(), value.size());
    return *this;
  }
  StableId& addPoint(double lng, double lat) {
    const int64_t v[2] = {std::llround(lng * 1e7), std::llround(lat * 1e7)};
    for (int64_t x : v)
      for (int i = 0; i < 8; ++i) {
        const char c = char(uint64_t(x) >> (8 * i));
        bytes(&c, 1);
      }
    return *this;
  }
  uint64_t id() const { return ((h_ & ((uint64_t(1) << 51) - 1)) << 2) | 3; }

 private:
  void bytes(const char* p, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      h_ ^= static_cast<unsigned char>(p[i]);
      h_ *= 1099511628211ull;
    }
  }
  uint64_t h_ = 14695981039346656037ull;
};

}  // namespace citymap::feedsim
