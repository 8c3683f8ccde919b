#pragma once
// Clipping of points, lines and polygons to an axis-aligned rectangle (a buffered tile).
// Boxes are closed: points on the edge are inside.
#include "geo/lnglat.hpp"
#include "ingest/feature.hpp"

namespace citymap::ingest {

inline bool boxContains(const geo::WorldBox& outer, const geo::WorldBox& inner) {
  return inner.minx >= outer.minx && inner.maxx <= outer.maxx && inner.miny >= outer.miny && inner.maxy <= outer.maxy;
}
inline bool boxOverlaps(const geo::WorldBox& a, const geo::WorldBox& b) {
  return a.minx <= b.maxx && b.minx <= a.maxx && a.miny <= b.maxy && b.miny <= a.maxy;
}
inline bool boxContains(const geo::WorldBox& b, geo::WorldPoint p) {
  return p.x >= b.minx && p.x <= b.maxx && p.y >= b.miny && p.y <= b.maxy;
}
inline geo::WorldBox expand(const geo::WorldBox& b, double d) {
  return {b.minx - d, b.miny - d, b.maxx + d, b.maxy + d};
}

// Appends the pieces of `line` inside `box` to `out` (Liang-Barsky per segment). A line that
// leaves and re-enters the box becomes several parts; every part has at least 2 points.
void clipLine(const Path& line, const geo::WorldBox& box, std::vector<Path>& out);

// Sutherland-Hodgman: the ring (open, any winding) clipped to `box`. Concave rings can produce
// zero-width spikes along the box edge, which is harmless for filling. Returns an empty path
// when fewer than 3 points remain.
Path clipRing(const Path& ring, const geo::WorldBox& box);

// Clips every part of `g`. Points outside are dropped; a polygon whose outer ring vanishes is
// dropped with its holes.
Geometry clipGeometry(const Geometry& g, const geo::WorldBox& box);

}  // namespace citymap::ingest
