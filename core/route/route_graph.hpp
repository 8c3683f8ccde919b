#pragma once
// The walking graph the ingest writes into the archive (route_graph.fbs), loaded and verified:
// nodes, edges with their shapes, lengths and roads, the storm shelters, an adjacency list per
// node and a spatial grid of the edges' segments for snapping a point to the nearest edge.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "route/geodesy.hpp"

namespace citymap::route {

struct Shelter {
  uint64_t id = 0;  // tile feature id (layer ioc, kind StormShelter), as the live feed names it
  geo::LngLat position;
  int32_t capacity = 0;  // people, 0 = unknown
  std::string name;
};

// Where a point meets the graph: the nearest point of an edge.
struct Snap {
  uint32_t edge = 0;
  uint32_t segment = 0;  // the edge's segment holding `point` (0 = the one from its first node)
  geo::LngLat point;
  double offsetM = 0;    // metres along the edge from its first node to `point`
  double distanceM = 0;  // metres from the query point to `point`
};

class RouteGraph {
 public:
  struct Edge {
    uint32_t from = 0, to = 0;  // nodes
    float lengthM = 0;
    uint32_t road = 0;
    uint32_t pointBegin = 0, pointEnd = 0;  // its points in points(): from's position, the shape, to's
  };
  struct Link {
    uint32_t edge = 0;
    uint32_t node = 0;  // the node at the edge's other end
  };

  // Verifies the FlatBuffers buffer and every invariant (indices in range, coordinates within
  // ±180/±90 degrees, lengths finite and >= 0, shapes adding up); the error names the first
  // thing that is wrong. Copies what it needs: `bytes` may go away afterwards.
  static Result<RouteGraph> load(std::span<const uint8_t> bytes);

  size_t nodeCount() const { return nodes_.size(); }
  size_t edgeCount() const { return edges_.size(); }
  size_t roadCount() const { return roadIds_.size(); }
  geo::LngLat node(uint32_t n) const { return nodes_[n]; }
  // The node as a unit vector (for chord distances, a lower bound of the great-circle distance).
  const std::array<double, 3>& nodeUnit(uint32_t n) const { return units_[n]; }
  const Edge& edge(uint32_t e) const { return edges_[e]; }
  // Point i of all edges' points (edge e's are edge(e).pointBegin .. pointEnd - 1).
  geo::LngLat point(uint32_t i) const { return points_[i]; }
  std::span<const geo::LngLat> edgePoints(uint32_t e) const {
    return std::span(points_).subspan(edges_[e].pointBegin, edges_[e].pointEnd - edges_[e].pointBegin);
  }
  std::span<const Link> links(uint32_t n) const {
    return std::span(links_).subspan(linkStart_[n], linkStart_[n + 1] - linkStart_[n]);
  }
  uint64_t roadId(uint32_t road) const { return roadIds_[road]; }
  uint8_t roadKind(uint32_t road) const { return roadKinds_[road]; }
  std::string_view roadName(uint32_t road) const { return names_[roadNames_[road]]; }
  // The roads with this feature id (an id appears once per road the ingest read; usually one).
  std::span<const uint32_t> roadsWithId(uint64_t id) const;
  std::span<const Shelter> shelters() const { return shelters_; }
  const Shelter* findShelter(uint64_t id) const;

  // The nearest point within maxM metres on an edge that `blocked` (one byte per edge, or
  // empty) does not mark; nullopt if there is none.
  std::optional<Snap> snap(geo::LngLat p, double maxM, std::span<const uint8_t> blocked = {}) const;

  // Calls fn(edge, segment) for every segment registered in a grid cell that overlaps the box
  // (local metres); a segment may come more than once.
  template <typename Fn>
  void forSegmentsNear(XY min, XY max, Fn&& fn) const {
    if (grid_.cols == 0) return;
    const auto [c0, r0] = cellOf(min);
    const auto [c1, r1] = cellOf(max);
    if (min.x > grid_.max.x || min.y > grid_.max.y || max.x < grid_.origin.x || max.y < grid_.origin.y) return;
    for (uint32_t r = r0; r <= r1; ++r)
      for (uint32_t c = c0; c <= c1; ++c) {
        const size_t cell = size_t(r) * grid_.cols + c;
        for (uint32_t i = grid_.start[cell]; i < grid_.start[cell + 1]; ++i) {
          const uint32_t p = grid_.items[i];
          fn(pointEdge_[p], p - edges_[pointEdge_[p]].pointBegin);
        }
      }
  }

  const LocalFrame& frame() const { return frame_; }
  // Local-frame position of point i of points() (edge e's points start at edge(e).pointBegin).
  XY pointXY(uint32_t i) const { return xy_[i]; }
  double gridCellMetres() const { return grid_.cell; }

 private:
  struct Grid {
    XY origin, max;  // the points' box
    double cell = 0;
    uint32_t cols = 0, rows = 0;
    std::vector<uint32_t> start;  // per cell, CSR into items (cols * rows + 1)
    std::vector<uint32_t> items;  // a segment: the index of its first point
  };
  std::pair<uint32_t, uint32_t> cellOf(XY p) const;
  void buildGrid();

  std::vector<geo::LngLat> nodes_;
  std::vector<std::array<double, 3>> units_;
  std::vector<Edge> edges_;
  std::vector<geo::LngLat> points_;  // every edge's points, both nodes included
  std::vector<XY> xy_;               // the same in the local frame
  std::vector<uint32_t> pointEdge_;  // the edge of each point
  std::vector<uint32_t> linkStart_;  // per node, CSR into links_ (nodes + 1)
  std::vector<Link> links_;
  std::vector<uint64_t> roadIds_;
  std::vector<uint8_t> roadKinds_;
  std::vector<uint32_t> roadNames_;
  std::vector<uint32_t> roadsById_;      // road indices sorted by (id, index)
  std::vector<uint64_t> sortedRoadIds_;  // their ids, for binary search
  std::vector<std::string> names_;
  std::vector<Shelter> shelters_;
  LocalFrame frame_;
  Grid grid_;
};

// A unit vector for a position (x towards 0°E on the equator, z towards the north pole).
std::array<double, 3> unitVector(geo::LngLat p);
// Chord length in metres between two unit vectors: never more than the great-circle distance.
double chordMetres(const std::array<double, 3>& a, const std::array<double, 3>& b);

}  // namespace citymap::route
