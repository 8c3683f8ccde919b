#include "ingest/feature.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace citymap::ingest {

geo::WorldBox boundsOf(const Geometry& g) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  geo::WorldBox b{inf, inf, -inf, -inf};
  for (const Path& p : g.parts)
    for (const geo::WorldPoint& q : p) {
      b.minx = std::min(b.minx, q.x);
      b.miny = std::min(b.miny, q.y);
      b.maxx = std::max(b.maxx, q.x);
      b.maxy = std::max(b.maxy, q.y);
    }
  return b.minx <= b.maxx ? b : geo::WorldBox{};
}

std::optional<Layer> layerFromName(std::string_view name) {
  for (size_t i = 0; i < kLayerCount; ++i)
    if (kLayerNames[i] == name) return static_cast<Layer>(i);
  return std::nullopt;
}

std::array<uint64_t, kLayerCount> removeDuplicates(std::vector<Feature>& features) {
  std::array<uint64_t, kLayerCount> removed{};
  // (layer, id) -> source of the first feature seen with it.
  std::unordered_map<uint64_t, uint16_t> firstSource[kLayerCount];
  std::vector<Feature> kept;
  kept.reserve(features.size());
  for (Feature& f : features) {
    if (f.osmId) {
      auto [it, inserted] = firstSource[static_cast<size_t>(f.layer)].try_emplace(f.id, f.source);
      if (!inserted && it->second != f.source) {
        ++removed[static_cast<size_t>(f.layer)];
        continue;
      }
    }
    kept.push_back(std::move(f));
  }
  features = std::move(kept);
  return removed;
}

}  // namespace citymap::ingest
