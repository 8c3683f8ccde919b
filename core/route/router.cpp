#include "route/router.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

namespace citymap::route {

namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr uint32_t kSourceBack = kNone - 1;  // reached from the start point towards its edge's first node
constexpr uint32_t kSourceFwd = kNone - 2;   // ... towards its edge's second node
constexpr double kInf = std::numeric_limits<double>::infinity();
// Stored lengths are floats: keep the heuristic a hair below the chord so that rounding never
// makes it overestimate.
constexpr double kHeuristicScale = 1 - 1e-6;

struct QueueItem {
  double f, g;
  uint32_t node;
  bool operator>(const QueueItem& o) const { return f != o.f ? f > o.f : node > o.node; }
};
using Queue = std::priority_queue<QueueItem, std::vector<QueueItem>, std::greater<>>;

void addLeg(Route& r, LegKind kind, std::vector<geo::LngLat> points, double metres) {
  // Consecutive duplicates (a snap onto a node) carry nothing.
  points.erase(std::unique(points.begin(), points.end(),
                           [](const geo::LngLat& a, const geo::LngLat& b) { return a.lng == b.lng && a.lat == b.lat; }),
               points.end());
  if (points.size() < 2) return;
  r.legs.push_back({kind, std::move(points), metres});
}

void straight(Route& r, LegKind kind, geo::LngLat a, geo::LngLat b) { addLeg(r, kind, {a, b}, distanceMetres(a, b)); }

void finish(Route& r) {
  r.metres = 0;
  for (const Leg& l : r.legs) {
    r.metres += l.metres;
    r.straightLine = r.straightLine || l.kind == LegKind::Straight;
  }
  r.seconds = r.metres / kWalkingSpeedMps;
}

}  // namespace

struct Router::Reach {
  bool found = false;
  bool direct = false;       // start and end on one edge, walked along it
  uint32_t node = kNone;     // where the walk leaves the graph (exit) or enters the end's edge
  bool endFromSide = false;  // entered the end's edge at its first node
  bool atSnap = false;       // bestExit: leaving at the start's own road point is best
  double roadMetres = 0;     // road metres from the start's point (to the end's point for A*)
  double cost = 0;           // bestExit: road metres + kStraightPenalty x straight metres
};

Router::Router(const RouteGraph& graph) : graph_(graph) {
  cost_.assign(graph.nodeCount(), kInf);
  parent_.assign(graph.nodeCount(), kNone);
  stamp_.assign(graph.nodeCount(), 0);
}

void Router::reset() {
  settled_ = 0;
  if (++now_ == 0) {  // wrapped: clear every stamp once
    std::fill(stamp_.begin(), stamp_.end(), 0);
    now_ = 1;
  }
}

bool Router::astar(const Snap& start, const Snap& end, const BlockedEdges& blocked, Reach& out) {
  reset();
  const RouteGraph::Edge& se = graph_.edge(start.edge);
  const RouteGraph::Edge& te = graph_.edge(end.edge);
  const auto goal = unitVector(end.point);
  const auto cost = [&](uint32_t n) { return stamp_[n] == now_ ? cost_[n] : kInf; };
  const auto h = [&](uint32_t n) { return chordMetres(graph_.nodeUnit(n), goal) * kHeuristicScale; };
  double best = kInf;
  if (start.edge == end.edge) {
    best = std::abs(start.offsetM - end.offsetM);
    out.direct = true;
  }
  Queue queue;
  const auto reach = [&](uint32_t n, double g, uint32_t parent) {
    if (g >= cost(n)) return;
    stamp_[n] = now_;
    cost_[n] = g;
    parent_[n] = parent;
    queue.push({g + h(n), g, n});
  };
  reach(se.from, start.offsetM, kSourceBack);
  reach(se.to, std::max(0.0, double(se.lengthM) - start.offsetM), kSourceFwd);
  const double toEndFromFirst = end.offsetM, toEndFromSecond = std::max(0.0, double(te.lengthM) - end.offsetM);
  while (!queue.empty()) {
    const QueueItem item = queue.top();
    queue.pop();
    if (item.g > cost(item.node)) continue;  // superseded
    if (item.f >= best) break;
    ++settled_;
    const uint32_t n = item.node;
    if (n == te.from && item.g + toEndFromFirst < best) {
      best = item.g + toEndFromFirst;
      out = {true, false, n, true};
    }
    if (n == te.to && item.g + toEndFromSecond < best) {
      best = item.g + toEndFromSecond;
      out = {true, false, n, false};
    }
    for (const RouteGraph::Link& l : graph_.links(n)) {
      if (blocked.blocked(l.edge)) continue;
      reach(l.node, item.g + double(graph_.edge(l.edge).lengthM), l.edge);
    }
  }
  if (best == kInf) return false;
  out.found = true;
  out.roadMetres = best;
  return true;
}

void Router::bestExit(const Snap& start, geo::LngLat goal, const BlockedEdges& blocked, Reach& out) {
  reset();
  const RouteGraph::Edge& se = graph_.edge(start.edge);
  const auto cost = [&](uint32_t n) { return stamp_[n] == now_ ? cost_[n] : kInf; };
  out = {};
  out.found = true;
  out.atSnap = true;
  out.cost = kStraightPenalty * distanceMetres(start.point, goal);
  Queue queue;
  const auto reach = [&](uint32_t n, double g, uint32_t parent) {
    if (g >= cost(n)) return;
    stamp_[n] = now_;
    cost_[n] = g;
    parent_[n] = parent;
    queue.push({g, g, n});
  };
  reach(se.from, start.offsetM, kSourceBack);
  reach(se.to, std::max(0.0, double(se.lengthM) - start.offsetM), kSourceFwd);
  while (!queue.empty()) {
    const QueueItem item = queue.top();
    queue.pop();
    if (item.g > cost(item.node)) continue;
    if (item.g >= out.cost) break;  // every node from here costs at least its road metres
    ++settled_;
    const uint32_t n = item.node;
    const double c = item.g + kStraightPenalty * distanceMetres(graph_.node(n), goal);
    if (c < out.cost) {
      out.cost = c;
      out.node = n;
      out.atSnap = false;
      out.roadMetres = item.g;
    }
    for (const RouteGraph::Link& l : graph_.links(n)) {
      if (blocked.blocked(l.edge)) continue;
      reach(l.node, item.g + double(graph_.edge(l.edge).lengthM), l.edge);
    }
  }
}

// The road part's points: the start's road point, along its edge to the first node of the
// path, the path's edges, into the end's edge up to its road point (A*) or to the exit node.
std::vector<geo::LngLat> Router::roadPoints(const Snap& start, const Reach& reach, const Snap* end) const {
  const RouteGraph::Edge& se = graph_.edge(start.edge);
  const auto pts = [&](uint32_t i) { return graph_.point(i); };
  std::vector<geo::LngLat> out = {start.point};
  if (reach.direct && end) {
    const bool forward =
        end->segment > start.segment || (end->segment == start.segment && end->offsetM >= start.offsetM);
    if (forward)
      for (uint32_t i = se.pointBegin + start.segment + 1; i <= se.pointBegin + end->segment; ++i)
        out.push_back(pts(i));
    else
      for (uint32_t i = se.pointBegin + start.segment; i > se.pointBegin + end->segment; --i) out.push_back(pts(i));
    out.push_back(end->point);
    return out;
  }
  // The path's edges, from the node where it leaves the start's edge.
  std::vector<uint32_t> edges;
  uint32_t n = reach.node;
  while (parent_[n] != kSourceBack && parent_[n] != kSourceFwd) {
    const uint32_t e = parent_[n];
    edges.push_back(e);
    const RouteGraph::Edge& edge = graph_.edge(e);
    n = edge.from == n ? edge.to : edge.from;
  }
  if (parent_[n] == kSourceBack)
    for (uint32_t i = se.pointBegin + start.segment + 1; i-- > se.pointBegin;) out.push_back(pts(i));
  else
    for (uint32_t i = se.pointBegin + start.segment + 1; i < se.pointEnd; ++i) out.push_back(pts(i));
  for (auto it = edges.rbegin(); it != edges.rend(); ++it) {
    const RouteGraph::Edge& edge = graph_.edge(*it);
    if (edge.from == n) {
      for (uint32_t i = edge.pointBegin + 1; i < edge.pointEnd; ++i) out.push_back(pts(i));
      n = edge.to;
    } else {
      for (uint32_t i = edge.pointEnd - 1; i-- > edge.pointBegin;) out.push_back(pts(i));
      n = edge.from;
    }
  }
  if (end) {
    const RouteGraph::Edge& te = graph_.edge(end->edge);
    if (reach.endFromSide)
      for (uint32_t i = te.pointBegin + 1; i <= te.pointBegin + end->segment; ++i) out.push_back(pts(i));
    else
      for (uint32_t i = te.pointEnd - 2; i > te.pointBegin + end->segment; --i) out.push_back(pts(i));
    out.push_back(end->point);
  }
  return out;
}

// The roads walked: the start's edge (if any of it is walked), the path, the end's edge (same).
void Router::roadsOf(const Snap& start, const Reach& reach, const Snap* end, std::vector<uint64_t>& ids) const {
  constexpr double kWalked = 1e-3;  // metres
  std::vector<uint32_t> edges;
  if (reach.direct) {
    edges.push_back(start.edge);
  } else {
    std::vector<uint32_t> path;
    uint32_t n = reach.node;
    for (; parent_[n] != kSourceBack && parent_[n] != kSourceFwd;) {
      const uint32_t e = parent_[n];
      path.push_back(e);
      n = graph_.edge(e).from == n ? graph_.edge(e).to : graph_.edge(e).from;
    }
    const double startPart =
        parent_[n] == kSourceBack ? start.offsetM : graph_.edge(start.edge).lengthM - start.offsetM;
    if (startPart > kWalked) edges.push_back(start.edge);
    edges.insert(edges.end(), path.rbegin(), path.rend());
    if (end && (reach.endFromSide ? end->offsetM : graph_.edge(end->edge).lengthM - end->offsetM) > kWalked)
      edges.push_back(end->edge);
  }
  for (const uint32_t e : edges) {
    const uint64_t id = graph_.roadId(graph_.edge(e).road);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
}

Route Router::route(geo::LngLat from, geo::LngLat to, const BlockedEdges& blocked) {
  Route r;
  const std::span<const uint8_t> usable =
      blocked.edges.size() == graph_.edgeCount() ? std::span<const uint8_t>(blocked.edges) : std::span<const uint8_t>();
  const std::optional<Snap> s = graph_.snap(from, kMaxSnapMetres, usable);
  const std::optional<Snap> t = graph_.snap(to, kMaxSnapMetres, usable);
  // Nearer to each other than to the roads: straight across (as any walk that far from a road).
  if (s && t && distanceMetres(from, to) <= s->distanceM + t->distanceM) {
    straight(r, distanceMetres(from, to) <= kMaxSnapMetres ? LegKind::Access : LegKind::Straight, from, to);
    finish(r);
    return r;
  }
  Reach reach;
  if (s && t && astar(*s, *t, blocked, reach)) {
    straight(r, LegKind::Access, from, s->point);
    addLeg(r, LegKind::Road, roadPoints(*s, reach, &*t), reach.roadMetres);
    straight(r, LegKind::Access, t->point, to);
    roadsOf(*s, reach, &*t, r.roadIds);
    finish(r);
    return r;
  }
  // The graph does not connect the two: walk towards the other point as far as the roads help.
  Route fromStart, fromEnd;
  double startCost = kInf, endCost = kInf;
  if (s) {
    bestExit(*s, to, blocked, reach);
    startCost = s->distanceM + reach.cost;
    if (reach.atSnap) {
      straight(fromStart, LegKind::Straight, from, to);
    } else {
      straight(fromStart, LegKind::Access, from, s->point);
      addLeg(fromStart, LegKind::Road, roadPoints(*s, reach, nullptr), reach.roadMetres);
      straight(fromStart, LegKind::Straight, graph_.node(reach.node), to);
      roadsOf(*s, reach, nullptr, fromStart.roadIds);
    }
  }
  if (t) {
    bestExit(*t, from, blocked, reach);
    endCost = t->distanceM + reach.cost;
    if (reach.atSnap) {
      straight(fromEnd, LegKind::Straight, from, to);
    } else {
      straight(fromEnd, LegKind::Straight, from, graph_.node(reach.node));
      std::vector<geo::LngLat> road = roadPoints(*t, reach, nullptr);
      std::reverse(road.begin(), road.end());
      addLeg(fromEnd, LegKind::Road, std::move(road), reach.roadMetres);
      straight(fromEnd, LegKind::Access, t->point, to);
      roadsOf(*t, reach, nullptr, fromEnd.roadIds);
      std::reverse(fromEnd.roadIds.begin(), fromEnd.roadIds.end());
    }
  }
  if (!s && !t)
    straight(r, LegKind::Straight, from, to);
  else
    r = startCost <= endCost ? std::move(fromStart) : std::move(fromEnd);
  finish(r);
  return r;
}

Route route(const RouteGraph& graph, geo::LngLat from, geo::LngLat to, const Avoid& avoid) {
  Router router(graph);
  return router.route(from, to, avoid);
}

}  // namespace citymap::route
