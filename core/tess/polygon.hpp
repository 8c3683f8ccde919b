#pragma once
// Polygon triangulation with earcut (mapbox/earcut.hpp).
#include <span>
#include <vector>

#include "tess/geometry.hpp"

namespace citymap::tess {

// One polygon: rings[0] is the outer ring, the rest are holes. Rings may or may not repeat
// their first point at the end. Appends triangles to `out` (indices offset by the vertices
// already in it). Returns the number of triangles added (0 for a degenerate polygon).
size_t tessellatePolygon(std::span<const std::vector<Vec2>> rings, FillMesh& out);

}  // namespace citymap::tess
