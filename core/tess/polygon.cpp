#include "tess/polygon.hpp"

#include <algorithm>
#include <mapbox/earcut.hpp>

// earcut reads point coordinates through mapbox::util::nth<I, Point>::get.
namespace mapbox::util {
template <>
struct nth<0, citymap::tess::Vec2> {
  static float get(const citymap::tess::Vec2& p) { return p.x; }
};
template <>
struct nth<1, citymap::tess::Vec2> {
  static float get(const citymap::tess::Vec2& p) { return p.y; }
};
}  // namespace mapbox::util

namespace citymap::tess {
namespace {

using Ring = std::span<const Vec2>;

bool same(Vec2 a, Vec2 b) {
  const float dx = a.x - b.x, dy = a.y - b.y;
  return dx * dx + dy * dy < 1e-12f;
}

// The ring without its closing duplicate, or an empty span if it encloses no area (which
// covers fewer than 3 distinct points and collinear rings).
Ring usableRing(const std::vector<Vec2>& points) {
  Ring ring(points);
  if (ring.size() >= 2 && same(ring.front(), ring.back())) ring = ring.first(ring.size() - 1);
  double area2 = 0;  // twice the signed area (shoelace); float products are exact in double
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
    area2 += double(ring[j].x) * ring[i].y - double(ring[i].x) * ring[j].y;
  return ring.size() >= 3 && area2 != 0 ? ring : Ring{};
}

}  // namespace

size_t tessellatePolygon(std::span<const std::vector<Vec2>> rings, FillMesh& out) {
  // Scratch reused across calls: ring views and the earcut state (keeps its index buffer).
  thread_local std::vector<Ring> poly;
  thread_local mapbox::detail::Earcut<uint32_t> earcut;
  poly.clear();
  for (size_t i = 0; i < rings.size(); ++i) {
    const Ring ring = usableRing(rings[i]);
    if (!ring.empty())
      poly.push_back(ring);
    else if (i == 0)
      return 0;  // degenerate outer ring: nothing to fill
  }
  if (poly.empty()) return 0;

  earcut(poly);  // indices number the points of all rings in order
  if (earcut.indices.empty()) return 0;

  const auto base = static_cast<uint32_t>(out.vertices.size());
  size_t count = 0;
  for (const Ring& r : poly) count += r.size();
  auto grow = [](auto& v, size_t extra) {  // reserve, keeping geometric growth when appending
    if (v.size() + extra > v.capacity()) v.reserve(std::max(v.size() + extra, 2 * v.capacity()));
  };
  grow(out.vertices, count);
  grow(out.indices, earcut.indices.size());
  for (const Ring& r : poly) out.vertices.insert(out.vertices.end(), r.begin(), r.end());
  for (uint32_t i : earcut.indices) out.indices.push_back(base + i);
  return earcut.indices.size() / 3;
}

}  // namespace citymap::tess
