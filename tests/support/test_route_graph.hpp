#pragma once
// Builds small walking graphs (core/route/route_graph.fbs) in memory for tests: nodes by
// position, edges between them with optional shape points, lengths from the geometry, one road
// per edge unless told otherwise, shelters. The real writer is tools/ingest.
#include <cstdint>
#include <limits>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "route/graph_writer.hpp"
#include "route/route_graph.hpp"

namespace citymap::testing {

class TestRouteGraph {
 public:
  route::RouteGraphData data;  // public, so tests can break it on purpose

  uint32_t node(geo::LngLat p) {
    data.nodes.push_back(route::PointE7::of(p));
    return uint32_t(data.nodes.size() - 1);
  }
  // A node `east` and `north` metres from `origin` (local plane, exact enough for tests).
  uint32_t nodeAt(geo::LngLat origin, double east, double north) { return node(offset(origin, east, north)); }

  // An edge from a to b along `shape` (interior points). `roadId` 0: a road of its own with
  // id (edge index + 1) << 2 | 1; an id used before: the same road. `lengthM` < 0: the
  // geometry's great-circle length.
  uint32_t edge(uint32_t a, uint32_t b, uint64_t roadId = 0, std::vector<geo::LngLat> shape = {}, std::string name = {},
                double lengthM = -1) {
    route::EdgeData e;
    e.from = a;
    e.to = b;
    std::vector<geo::LngLat> line = {data.nodes[a].lngLat()};
    for (const geo::LngLat& p : shape) {
      e.shape.push_back(route::PointE7::of(p));
      line.push_back(e.shape.back().lngLat());
    }
    line.push_back(data.nodes[b].lngLat());
    e.lengthM = float(lengthM < 0 ? route::lineMetres(line) : lengthM);
    if (roadId == 0) roadId = (uint64_t(data.edges.size() + 1) << 2) | 1;
    e.road = roadIndex(roadId, name);
    data.edges.push_back(std::move(e));
    return uint32_t(data.edges.size() - 1);
  }

  void shelter(uint64_t id, geo::LngLat p, int32_t capacity = 100, std::string name = {}) {
    data.shelters.push_back({id, route::PointE7::of(p), capacity, std::move(name)});
  }

  std::vector<uint8_t> bytes() const { return route::encodeRouteGraph(data); }

  static geo::LngLat offset(geo::LngLat origin, double east, double north) {
    return route::LocalFrame(origin).toLngLat({east, north});
  }

 private:
  uint32_t roadIndex(uint64_t id, const std::string& name) {
    for (size_t i = 0; i < data.roads.size(); ++i)
      if (data.roads[i].id == id) return uint32_t(i);
    data.roads.push_back({id, 5, name});
    return uint32_t(data.roads.size() - 1);
  }
};

// Reference shortest walking distances from `source` to every node (Dijkstra over the loaded
// graph, skipping blocked edges); infinity where unreachable.
inline std::vector<double> dijkstra(const route::RouteGraph& g, const std::vector<std::pair<uint32_t, double>>& sources,
                                    const std::vector<uint8_t>& blocked = {}) {
  std::vector<double> dist(g.nodeCount(), std::numeric_limits<double>::infinity());
  using Item = std::pair<double, uint32_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  for (const auto& [n, d] : sources)
    if (d < dist[n]) {
      dist[n] = d;
      queue.push({d, n});
    }
  while (!queue.empty()) {
    const auto [d, n] = queue.top();
    queue.pop();
    if (d > dist[n]) continue;
    for (const route::RouteGraph::Link& l : g.links(n)) {
      if (!blocked.empty() && blocked[l.edge]) continue;
      const double nd = d + double(g.edge(l.edge).lengthM);
      if (nd < dist[l.node]) {
        dist[l.node] = nd;
        queue.push({nd, l.node});
      }
    }
  }
  return dist;
}

}  // namespace citymap::testing
