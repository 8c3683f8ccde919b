#include "tess/point.hpp"

#include <cstdint>
#include <utility>

namespace citymap::tess {

size_t addPointMarker(Vec2 p, LineMesh& out) {
  const auto base = uint32_t(out.vertices.size());
  for (const auto& [ex, ey] : {std::pair{-1.f, -1.f}, {1.f, -1.f}, {1.f, 1.f}, {-1.f, 1.f}})
    out.vertices.push_back({p.x, p.y, ex, ey});
  for (uint32_t i : {0u, 1u, 2u, 0u, 2u, 3u}) out.indices.push_back(base + i);
  return 2;
}

}  // namespace citymap::tess
