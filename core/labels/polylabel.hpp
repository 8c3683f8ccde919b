#pragma once
// Where to put an area's label: the pole of inaccessibility (the interior point farthest from
// the outline, Mapbox's polylabel algorithm) of a polygon clipped to a box.
#include <span>
#include <vector>

#include "tess/geometry.hpp"

namespace citymap::labels {

using Ring = std::vector<tess::Vec2>;

// Sutherland-Hodgman: the ring clipped to [0, size]^2 (may come back empty). Works per ring,
// so holes stay holes; edges along the box are harmless for polylabel.
Ring clipRing(std::span<const tess::Vec2> ring, float size);

struct Pole {
  tess::Vec2 point;
  float distance = 0;  // to the nearest edge; 0 if the polygon is empty or degenerate
};

// Rings: outer first, then holes (either winding). `precision` in the rings' units; at most
// `maxProbes` cells are examined, so the cost stays bounded for huge rings.
Pole poleOfInaccessibility(std::span<const Ring> rings, float precision, int maxProbes = 400);

}  // namespace citymap::labels
