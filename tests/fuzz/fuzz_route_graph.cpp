// libFuzzer target: the walking graph section of an archive (route_graph.fbs), verified by
// RouteGraph::load, then used as the client uses it: snapping, a route and nearest shelters.
#include <cstdint>
#include <span>

#include "route/route_graph.hpp"
#include "route/router.hpp"
#include "route/shelters.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citymap::route;
  auto graph = RouteGraph::load({data, size});
  if (!graph) return 0;
  // From the first node (or a fixed point) to the last, around an area, and to shelters.
  const citymap::geo::LngLat a = graph->nodeCount() ? graph->node(0) : citymap::geo::LngLat{108.2, 16.06};
  const citymap::geo::LngLat b = graph->nodeCount() ? graph->node(uint32_t(graph->nodeCount() - 1)) : a;
  Avoid avoid;
  avoid.areas.push_back({{a.lng - 1e-4, a.lat - 1e-4}, {a.lng + 1e-4, a.lat - 1e-4}, {a.lng, a.lat + 1e-4}});
  (void)route(*graph, a, b);
  (void)route(*graph, a, b, avoid);
  (void)nearestShelters(
      *graph, b, [](uint64_t id) { return ShelterState(id % 4); }, 3);
  return 0;
}
