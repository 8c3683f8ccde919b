#include "route/avoid.hpp"

#include <algorithm>
#include <cmath>

namespace citymap::route {

namespace {

double cross(XY o, XY a, XY b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }

bool onSegment(XY a, XY b, XY p) {
  return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
         p.y <= std::max(a.y, b.y);
}

// Closed segments [a, b] and [c, d] share a point.
bool segmentsTouch(XY a, XY b, XY c, XY d) {
  const double d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (d1 == 0 && onSegment(c, d, a)) || (d2 == 0 && onSegment(c, d, b)) || (d3 == 0 && onSegment(a, b, c)) ||
         (d4 == 0 && onSegment(a, b, d));
}

bool insideRing(const std::vector<XY>& ring, XY p) {
  bool inside = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
    if ((ring[i].y > p.y) != (ring[j].y > p.y) &&
        p.x < (ring[j].x - ring[i].x) * (p.y - ring[i].y) / (ring[j].y - ring[i].y) + ring[i].x)
      inside = !inside;
  return inside;
}

bool segmentMeetsRing(const std::vector<XY>& ring, XY a, XY b) {
  if (insideRing(ring, a) || insideRing(ring, b)) return true;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
    if (segmentsTouch(a, b, ring[j], ring[i])) return true;
  return false;
}

}  // namespace

BlockedEdges blockEdges(const RouteGraph& graph, const Avoid& avoid) {
  BlockedEdges out;
  out.edges.assign(graph.edgeCount(), 0);
  if (avoid.empty() || graph.edgeCount() == 0) return out;
  std::vector<uint8_t> closedRoad(graph.roadCount(), 0);
  for (const uint64_t id : avoid.roadIds)
    for (const uint32_t road : graph.roadsWithId(id)) closedRoad[road] = 1;
  for (uint32_t e = 0; e < graph.edgeCount(); ++e)
    if (closedRoad[graph.edge(e).road]) out.edges[e] = 1;

  for (const std::vector<geo::LngLat>& area : avoid.areas) {
    std::vector<XY> ring;
    bool finite = true;
    for (const geo::LngLat& p : area) {
      finite = finite && std::isfinite(p.lng) && std::isfinite(p.lat);
      ring.push_back(graph.frame().toXY(p));
    }
    if (ring.size() >= 2 && ring.front().x == ring.back().x && ring.front().y == ring.back().y) ring.pop_back();
    if (!finite || ring.size() < 3) continue;
    XY lo = ring.front(), hi = ring.front();
    for (const XY& p : ring) {
      lo = {std::min(lo.x, p.x), std::min(lo.y, p.y)};
      hi = {std::max(hi.x, p.x), std::max(hi.y, p.y)};
    }
    // Every segment with a point inside or crossing the outline lies in a cell overlapping the
    // ring's box.
    graph.forSegmentsNear(lo, hi, [&](uint32_t e, uint32_t segment) {
      if (out.edges[e]) return;
      const uint32_t i = graph.edge(e).pointBegin + segment;
      const XY a = graph.pointXY(i), b = graph.pointXY(i + 1);
      if (std::max(a.x, b.x) < lo.x || std::min(a.x, b.x) > hi.x || std::max(a.y, b.y) < lo.y ||
          std::min(a.y, b.y) > hi.y)
        return;
      if (segmentMeetsRing(ring, a, b)) out.edges[e] = 1;
    });
  }
  out.count = size_t(std::count(out.edges.begin(), out.edges.end(), uint8_t(1)));
  return out;
}

}  // namespace citymap::route
