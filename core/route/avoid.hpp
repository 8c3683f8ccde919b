#pragma once
// What a walking route must not use: roads named by live incidents (closed or flooded road
// segments, by tile feature id) and incident areas (flood and closure polygons).
#include <cstdint>
#include <vector>

#include "geo/lnglat.hpp"
#include "route/route_graph.hpp"

namespace citymap::route {

struct Avoid {
  std::vector<uint64_t> roadIds;                // tile feature ids of the roads layer (incidents' segment_ids)
  std::vector<std::vector<geo::LngLat>> areas;  // outer rings (closed or not); edges crossing or inside are blocked
  bool empty() const { return roadIds.empty() && areas.empty(); }
};

// One byte per edge of the graph: 1 = blocked.
struct BlockedEdges {
  std::vector<uint8_t> edges;
  size_t count = 0;  // edges blocked
  bool blocked(uint32_t e) const { return e < edges.size() && edges[e]; }
};

// The edges `avoid` blocks: every edge of a listed road, and every edge whose shape crosses an
// area's outline or lies inside it. Rings with fewer than 3 points or non-finite coordinates
// are ignored.
BlockedEdges blockEdges(const RouteGraph& graph, const Avoid& avoid);

}  // namespace citymap::route
