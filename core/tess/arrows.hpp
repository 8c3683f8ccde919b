#pragma once
// Direction arrows along a line (one-way streets): small chevrons pointing from the line's first
// point towards its last, spaced regularly, each a three-point polyline ("\/" turned along the
// line, tip ahead) extruded like any line, so widths stay in pixels and the line program draws
// them. Positions are in the line's units (tile units).
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include "tess/geometry.hpp"
#include "tess/line.hpp"

namespace citymap::tess {

struct ArrowStyle {
  float spacing = 960;   // between arrow tips along the line
  float length = 20;     // depth of the chevron along the line (tip to the arms' ends)
  float halfWidth = 14;  // half the chevron's opening, across the line
  // An arrow is only placed on a straight stretch at least this long (a segment of the line),
  // so it never sits across a bend; 0 = 2 * length.
  float minSegment = 0;
  // Arrows whose tip falls outside this box are left out (a tile keeps the arrows of its own
  // area, the neighbour those of the buffer it shares).
  Vec2 keepMin{-std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
  Vec2 keepMax{std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity()};
};

struct ArrowPlacement {
  Vec2 tip;        // the chevron's point
  Vec2 direction;  // unit vector, direction of travel
};

// Where the arrows of a line go: n = max(1, round(length / spacing)) targets, `spacing` apart
// and centred on the line (a line shorter than 2 * length gets none). A target is moved along
// its segment just enough for the chevron to fit on it, and dropped when its segment is shorter
// than minSegment or the tip falls outside the keep box.
std::vector<ArrowPlacement> placeArrows(std::span<const Vec2> line, const ArrowStyle& style);

// The chevron's three points for one placement: arm end, tip, other arm end.
void chevronPoints(const ArrowPlacement& a, const ArrowStyle& style, Vec2 out[3]);

// Appends the extruded chevrons of `line` to `out`; returns the number of arrows.
size_t addArrows(std::span<const Vec2> line, const ArrowStyle& style, const LineStyle& stroke, LineMesh& out);

}  // namespace citymap::tess
