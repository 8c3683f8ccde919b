#include "ingest/clip.hpp"

#include <utility>

namespace citymap::ingest {

namespace {

// Liang-Barsky: shrinks [t0, t1] to the part of a + t (b - a) inside the box; false if none.
bool clipSegment(geo::WorldPoint a, geo::WorldPoint b, const geo::WorldBox& box, double& t0, double& t1) {
  t0 = 0;
  t1 = 1;
  const double dx = b.x - a.x, dy = b.y - a.y;
  const auto edge = [&](double p, double q) {
    if (p == 0) return q >= 0;
    const double r = q / p;
    if (p < 0) {
      if (r > t1) return false;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return false;
      if (r < t1) t1 = r;
    }
    return true;
  };
  return edge(-dx, a.x - box.minx) && edge(dx, box.maxx - a.x) && edge(-dy, a.y - box.miny) && edge(dy, box.maxy - a.y);
}

geo::WorldPoint lerp(geo::WorldPoint a, geo::WorldPoint b, double t) {
  return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
}

// One Sutherland-Hodgman pass against the half-plane {p : sign * (coord(p) - edge) <= 0}.
template <bool kAxisX>
void clipAgainst(const Path& in, double edge, double sign, Path& out) {
  out.clear();
  if (in.empty()) return;
  const auto coord = [](geo::WorldPoint p) { return kAxisX ? p.x : p.y; };
  const auto inside = [&](geo::WorldPoint p) { return sign * (coord(p) - edge) <= 0; };
  const auto cross = [&](geo::WorldPoint a, geo::WorldPoint b) {
    const double t = (edge - coord(a)) / (coord(b) - coord(a));
    geo::WorldPoint p = lerp(a, b, t);
    (kAxisX ? p.x : p.y) = edge;  // exactly on the edge
    return p;
  };
  geo::WorldPoint prev = in.back();
  bool prevIn = inside(prev);
  for (const geo::WorldPoint& cur : in) {
    const bool curIn = inside(cur);
    if (curIn != prevIn) out.push_back(cross(prev, cur));
    if (curIn) out.push_back(cur);
    prev = cur;
    prevIn = curIn;
  }
}

}  // namespace

void clipLine(const Path& line, const geo::WorldBox& box, std::vector<Path>& out) {
  Path part;
  const auto flush = [&] {
    if (part.size() >= 2) out.push_back(std::move(part));
    part.clear();
  };
  for (size_t i = 1; i < line.size(); ++i) {
    const geo::WorldPoint a = line[i - 1], b = line[i];
    double t0 = 0, t1 = 1;
    if (!clipSegment(a, b, box, t0, t1)) {
      flush();
      continue;
    }
    // t0 == 0: the segment starts inside, continuing the current part (which ends at a).
    if (t0 > 0 || part.empty()) {
      flush();
      part.push_back(t0 > 0 ? lerp(a, b, t0) : a);
    }
    part.push_back(t1 < 1 ? lerp(a, b, t1) : b);
    if (t1 < 1) flush();
  }
  flush();
}

Path clipRing(const Path& ring, const geo::WorldBox& box) {
  Path a, b;
  clipAgainst<true>(ring, box.minx, -1, a);
  clipAgainst<true>(a, box.maxx, 1, b);
  clipAgainst<false>(b, box.miny, -1, a);
  clipAgainst<false>(a, box.maxy, 1, b);
  if (b.size() < 3) b.clear();
  return b;
}

Geometry clipGeometry(const Geometry& g, const geo::WorldBox& box) {
  Geometry out;
  out.type = g.type;
  switch (g.type) {
    case GeomType::Point:
      for (const Path& p : g.parts)
        if (!p.empty() && boxContains(box, p.front())) out.parts.push_back(p);
      break;
    case GeomType::Line:
      for (const Path& p : g.parts) clipLine(p, box, out.parts);
      break;
    case GeomType::Polygon: {
      size_t ring = 0;
      for (const uint32_t count : g.ringCounts) {
        const size_t end = ring + count;
        Path outer = clipRing(g.parts[ring], box);
        if (!outer.empty()) {
          out.parts.push_back(std::move(outer));
          uint32_t kept = 1;
          for (size_t h = ring + 1; h < end; ++h) {
            Path hole = clipRing(g.parts[h], box);
            if (hole.empty()) continue;
            out.parts.push_back(std::move(hole));
            ++kept;
          }
          out.ringCounts.push_back(kept);
        }
        ring = end;
      }
      break;
    }
  }
  return out;
}

}  // namespace citymap::ingest
