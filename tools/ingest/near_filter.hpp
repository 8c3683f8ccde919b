#pragma once
// "skip_near_same_name" (config.hpp, NearRule): a source's lines are left out where an earlier
// source already has the same street. Used for secondary road sources (e.g. a citywide list of
// one-way segments) that should only fill in where the main source (an OSM extract) has no
// roads: a line is dropped when at least half of it, sampled every kSampleStepM metres (both
// ends included), or both its ends lie within `distanceM` of lines of `layer` from earlier
// sources with the same folded name (foldForSearch: case and accents aside). Both ends: a
// straight 2-point chord of a curved street leaves the street in the middle; one end only: a
// line that continues the street beyond the earlier source's area is kept.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ingest/config.hpp"
#include "ingest/feature.hpp"

namespace citymap::ingest {

inline constexpr double kSampleStepM = 5;

// Removes the line features of `rule.layer` among features[first, end) (one source's features)
// that run along a same-name line of that layer among features[0, first). The kept features
// of the range keep their order and get consecutive `seq` numbers from `first`. Returns the
// number removed.
uint64_t skipNearSameName(std::vector<Feature>& features, size_t first, const NearRule& rule);

}  // namespace citymap::ingest
