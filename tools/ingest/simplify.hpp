#pragma once
// Douglas-Peucker line simplification. Coordinates may be in any planar unit; the tiler calls it
// with tile units so that the tolerance means the same on screen at every zoom.
#include "ingest/feature.hpp"

namespace citymap::ingest {

// Keeps the end points and every point farther than `tolerance` from the simplified line.
// `closed`: the path is a ring without a repeated closing point; it is simplified as a loop
// starting and ending at its first point. Returns the points unchanged if tolerance <= 0.
Path simplify(const Path& points, double tolerance, bool closed);

}  // namespace citymap::ingest
