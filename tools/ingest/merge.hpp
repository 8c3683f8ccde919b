#pragma once
// Joins road pieces into streets, so that a label can run along a whole street instead of
// along each OSM way: named road features with the same name, kind, ref, flags, z-order and
// minimum zoom whose lines share an end point become one feature per connected group.
// Inside it, pieces meeting two at a time at an end point are chained into one line (one-way
// pieces only head to tail, so their direction is kept); where three or more meet, the lines
// stay separate parts of the same feature. The merged feature keeps the lowest id of its
// pieces (for OSM ways: the oldest way) and the earliest read position; its English name is
// the first non-empty one in id order.
#include <cstdint>
#include <vector>

#include "ingest/feature.hpp"

namespace citymap::ingest {

struct MergeStats {
  uint64_t pieces = 0;   // named road features looked at
  uint64_t merged = 0;   // features they became
  uint64_t groups = 0;   // of those, features made of more than one piece
};

MergeStats mergeRoads(std::vector<Feature>& features);

}  // namespace citymap::ingest
