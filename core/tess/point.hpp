#pragma once
// Points drawn as GPU-sized discs: one quad whose corners extrude by (+-1, +-1) half-widths.
// The line program turns it into an antialiased disc (its fragment shader fades everything
// farther than the half width from the centre), so circle markers need no program of their own.
#include <cstddef>

#include "tess/geometry.hpp"

namespace citymap::tess {

// Appends a marker quad centred on `p`. Returns the number of triangles added (2).
size_t addPointMarker(Vec2 p, LineMesh& out);

}  // namespace citymap::tess
