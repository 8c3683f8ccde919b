#pragma once
// Road labels (the OpenMapTiles transportation / transportation_name split): the roads layer
// keeps every road piece with its own id, so live traffic can colour each OSM way, and the
// road_labels layer gets the named streets joined from those pieces, so that a label can run
// along a whole street instead of along each OSM way.
//
// Named road features with the same name, kind, ref, flags, z-order and minimum zoom whose lines
// share an end point become one road_labels feature per connected group (a lone piece becomes one
// too). Inside it, pieces meeting two at a time at an end point are chained into one line
// (one-way pieces only head to tail, so their direction is kept); where three or more meet, the
// lines stay separate parts of the same feature. The label feature keeps the lowest id of its
// pieces (for OSM ways: the oldest way) and the earliest read position; its English name is the
// first non-empty one in id order. It is written from zoom max(labelMinZoom, the pieces' minimum
// zoom).
#include <cstdint>
#include <vector>

#include "ingest/feature.hpp"

namespace citymap::ingest {

struct MergeStats {
  uint64_t pieces = 0;  // named road features looked at
  uint64_t merged = 0;  // road_labels features they became
  uint64_t groups = 0;  // of those, features made of more than one piece
};

// Labels are not written below this zoom (z13 with 512 px tiles is z14 in 256 px terms, where
// OpenMapTiles starts naming minor streets).
inline constexpr uint8_t kRoadLabelMinZoom = 13;

// Appends the road_labels features (Layer::RoadLabels) to `features`; the roads stay as they are.
MergeStats addRoadLabels(std::vector<Feature>& features, uint8_t labelMinZoom = kRoadLabelMinZoom);

}  // namespace citymap::ingest
