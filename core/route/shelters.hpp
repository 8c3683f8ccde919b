#pragma once
// The nearest open storm shelters by walking distance.
//
// Candidates are the graph's shelters whose live status is Open (open and not full). A shelter
// with no recent status (Unknown) is never a candidate: the nearest of those are listed apart,
// by straight-line distance, so the UI can say that their status is unknown. Candidates are
// taken in order of straight-line distance and routed one by one; the search stops once the
// next candidate's straight-line distance is no less than the k-th best walking distance found
// (a walk is never shorter than the straight line), so the k shelters returned are exactly the
// k nearest by walking distance (ties: the lower id first).
#include <cstdint>
#include <functional>
#include <vector>

#include "route/router.hpp"

namespace citymap::route {

enum class ShelterState : uint8_t {
  Open,  // open and not full
  Full,  // open, at or over capacity
  Closed,
  Unknown,  // no recent status
};

struct ShelterChoice {
  const Shelter* shelter = nullptr;  // into the graph's shelters()
  double straightMetres = 0;
  Route route;  // empty for unknown shelters
};

struct NearestShelters {
  std::vector<ShelterChoice> nearest;  // at most k open shelters, by walking distance
  std::vector<ShelterChoice> unknown;  // at most k shelters of unknown status, by straight line
  size_t open = 0;                     // shelters that are Open
  size_t routed = 0;                   // routes computed to find `nearest`
};

// The shelter's live state by its feature id.
using ShelterStatusFn = std::function<ShelterState(uint64_t shelterId)>;

NearestShelters nearestShelters(const RouteGraph& graph, geo::LngLat from, const ShelterStatusFn& status, size_t k = 3,
                                const Avoid& avoid = {});

}  // namespace citymap::route
