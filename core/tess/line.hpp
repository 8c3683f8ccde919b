#pragma once
// Line extrusion: turns a polyline into triangles with joins and caps (see LineVertex).
#include <cstddef>
#include <span>

#include "tess/geometry.hpp"

namespace citymap::tess {

enum class LineJoin { Miter, Bevel, Round };
enum class LineCap { Butt, Square, Round };

struct LineStyle {
  LineJoin join = LineJoin::Miter;
  LineCap cap = LineCap::Butt;
  float miterLimit = 2.0f;  // a miter longer than this (in half-widths) becomes a bevel
  int roundSegments = 6;    // triangles per 180 degrees for round joins and caps
};

// Appends the extruded line to `out`. Repeated points are skipped; a line with fewer than
// two distinct points adds nothing. Returns the number of triangles added.
size_t extrudeLine(std::span<const Vec2> points, const LineStyle& style, LineMesh& out);

}  // namespace citymap::tess
