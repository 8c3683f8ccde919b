#pragma once
// Walking routes over the road graph (A*), avoiding blocked edges, with straight legs where
// the graph does not reach.
//
//  * The start and the end are snapped to the nearest usable (not blocked) edge within
//    kMaxSnapMetres; the piece from the point to the road is a straight Access leg.
//  * Two points nearer to each other than to their roads are joined by one straight leg
//    (Access, or Straight beyond kMaxSnapMetres).
//  * A* from the start's edge to the end's edge; the heuristic is the chord distance to the
//    end's road point, a lower bound of the great-circle distance and so of every remaining
//    walk (edge lengths are great-circle sums): the route is the shortest one.
//  * Where no path exists, or a point is further than kMaxSnapMetres from every usable edge,
//    the route walks the roads as far as they help and finishes in a Straight leg: it leaves
//    the graph at the node minimising road metres + kStraightPenalty x straight metres to the
//    other point (searched from whichever point snapped; both: the cheaper). Straight legs are
//    what the UI draws dashed ("straight line, no road data").
//  * Time at kWalkingSpeed over the whole length, straight legs included.
#include <cstdint>
#include <vector>

#include "route/avoid.hpp"
#include "route/route_graph.hpp"

namespace citymap::route {

inline constexpr double kWalkingSpeedMps = 4.5 / 3.6;  // 4.5 km/h
inline constexpr double kMaxSnapMetres = 250;
inline constexpr double kStraightPenalty = 2;

enum class LegKind : uint8_t {
  Road,      // along the graph's edges
  Access,    // from a point to the road it snapped to (at most kMaxSnapMetres)
  Straight,  // where the road graph does not reach
};

struct Leg {
  LegKind kind = LegKind::Road;
  std::vector<geo::LngLat> points;  // at least 2
  double metres = 0;
  bool onRoad() const { return kind == LegKind::Road; }
};

struct Route {
  std::vector<Leg> legs;  // from the start to the end, each leg starting where the last ended
  double metres = 0;
  double seconds = 0;
  bool straightLine = false;      // some Straight leg was needed
  std::vector<uint64_t> roadIds;  // the roads walked, in order, each once (to notice a closure on the route)
};

// Reusable search state for one graph (not thread-safe; cheap to create).
class Router {
 public:
  explicit Router(const RouteGraph& graph);

  Route route(geo::LngLat from, geo::LngLat to, const BlockedEdges& blocked);
  Route route(geo::LngLat from, geo::LngLat to, const Avoid& avoid = {}) {
    return route(from, to, blockEdges(graph_, avoid));
  }

  // Nodes settled by the last search (for tests and benchmarks).
  size_t settled() const { return settled_; }

 private:
  struct Reach;  // a search's result
  void reset();
  bool astar(const Snap& start, const Snap& end, const BlockedEdges& blocked, Reach& out);
  void bestExit(const Snap& start, geo::LngLat goal, const BlockedEdges& blocked, Reach& out);
  std::vector<geo::LngLat> roadPoints(const Snap& start, const Reach& reach, const Snap* end) const;
  void roadsOf(const Snap& start, const Reach& reach, const Snap* end, std::vector<uint64_t>& ids) const;

  const RouteGraph& graph_;
  std::vector<double> cost_;
  std::vector<uint32_t> parent_;  // edge into the node, or a kSource* marker
  std::vector<uint32_t> stamp_;
  uint32_t now_ = 0;
  size_t settled_ = 0;
};

// One route with a fresh Router.
Route route(const RouteGraph& graph, geo::LngLat from, geo::LngLat to, const Avoid& avoid = {});

}  // namespace citymap::route
