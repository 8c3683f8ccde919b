// Walking routes: shortest paths against a Dijkstra reference on random street grids, closures
// by road id and by flood polygon (and the route coming back when they are lifted), straight
// legs where the graph does not reach, and the shape of every route (continuous legs from the
// start to the end).
#include "route/router.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../../support/test_route_graph.hpp"

namespace citymap::route {
namespace {

using testing::TestRouteGraph;

constexpr geo::LngLat kOrigin{108.2240, 16.0680};

geo::LngLat at(double east, double north) { return TestRouteGraph::offset(kOrigin, east, north); }

// Deterministic on every platform (std:: distributions are not).
struct Lcg {
  uint64_t s;
  double next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return double(s >> 11) / double(uint64_t(1) << 53);
  }
};

// A jittered street grid of w x h nodes `step` metres apart; each street is left out with
// probability `gap`; lengths up to 1.8x the straight distance (winding streets).
RouteGraph randomGrid(uint64_t seed, int w, int h, double step, double gap) {
  Lcg rng{seed};
  TestRouteGraph t;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      t.nodeAt(kOrigin, x * step + (rng.next() - 0.5) * step * 0.3, y * step + (rng.next() - 0.5) * step * 0.3);
  const auto edge = [&](uint32_t a, uint32_t b) {
    if (rng.next() < gap) return;
    const double straight = distanceMetres(t.data.nodes[a].lngLat(), t.data.nodes[b].lngLat());
    t.edge(a, b, 0, {}, {}, straight * (1 + 0.8 * rng.next()));
  };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const uint32_t n = uint32_t(y * w + x);
      if (x + 1 < w) edge(n, n + 1);
      if (y + 1 < h) edge(n, n + uint32_t(w));
    }
  auto g = RouteGraph::load(t.bytes());
  EXPECT_TRUE(g) << g.error();
  return std::move(g).value();
}

bool same(geo::LngLat a, geo::LngLat b) { return std::abs(a.lng - b.lng) < 1e-9 && std::abs(a.lat - b.lat) < 1e-9; }

// Legs join up from `from` to `to`, each leg's metres are at least its straight line, the
// totals add up.
void expectWellFormed(const Route& r, geo::LngLat from, geo::LngLat to) {
  if (same(from, to)) return;
  ASSERT_FALSE(r.legs.empty());
  EXPECT_TRUE(same(r.legs.front().points.front(), from));
  EXPECT_TRUE(same(r.legs.back().points.back(), to));
  double metres = 0;
  bool straight = false;
  for (size_t i = 0; i < r.legs.size(); ++i) {
    const Leg& l = r.legs[i];
    ASSERT_GE(l.points.size(), 2u);
    if (i > 0) {
      EXPECT_TRUE(same(r.legs[i - 1].points.back(), l.points.front())) << "leg " << i;
    }
    EXPECT_GE(l.metres + 1e-3, distanceMetres(l.points.front(), l.points.back())) << "leg " << i;
    if (l.kind == LegKind::Access) {
      EXPECT_LE(l.metres, kMaxSnapMetres + 1e-6);
    }
    metres += l.metres;
    straight = straight || l.kind == LegKind::Straight;
  }
  EXPECT_NEAR(r.metres, metres, 1e-6);
  EXPECT_NEAR(r.seconds, r.metres / kWalkingSpeedMps, 1e-6);
  EXPECT_EQ(r.straightLine, straight);
  EXPECT_GE(r.metres + 1e-3, distanceMetres(from, to));
}

// The reference walking distance between two snapped points: Dijkstra from both ends of the
// start's edge, into both ends of the end's edge (or along the one edge).
double referenceMetres(const RouteGraph& g, const Snap& s, const Snap& t, const std::vector<uint8_t>& blocked = {}) {
  const RouteGraph::Edge& se = g.edge(s.edge);
  const RouteGraph::Edge& te = g.edge(t.edge);
  const auto dist = testing::dijkstra(g, {{se.from, s.offsetM}, {se.to, se.lengthM - s.offsetM}}, blocked);
  double best = std::min(dist[te.from] + t.offsetM, dist[te.to] + (te.lengthM - t.offsetM));
  if (s.edge == t.edge) best = std::min(best, std::abs(s.offsetM - t.offsetM));
  return best;
}

TEST(Route, ShortestPathsMatchDijkstraBetweenNodes) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    const RouteGraph g = randomGrid(seed, 12, 10, 80, 0.25);
    Router router(g);
    Lcg rng{seed * 77};
    for (int q = 0; q < 60; ++q) {
      const uint32_t a = uint32_t(rng.next() * double(g.nodeCount())), b = uint32_t(rng.next() * double(g.nodeCount()));
      if (g.links(a).empty() || g.links(b).empty()) continue;  // isolated by the gaps: never snapped to
      const auto dist = testing::dijkstra(g, {{a, 0.0}});
      const Route r = router.route(g.node(a), g.node(b));
      expectWellFormed(r, g.node(a), g.node(b));
      if (std::isinf(dist[b])) {
        EXPECT_TRUE(r.straightLine) << "seed " << seed << " " << a << " -> " << b;
        continue;
      }
      EXPECT_FALSE(r.straightLine) << "seed " << seed << " " << a << " -> " << b;
      EXPECT_NEAR(r.metres, dist[b], 1e-3 + dist[b] * 1e-6) << "seed " << seed << " " << a << " -> " << b;
      if (a != b) {
        ASSERT_EQ(r.legs.size(), 1u);
        EXPECT_EQ(r.legs[0].kind, LegKind::Road);
      }
    }
  }
}

TEST(Route, ShortestPathsMatchDijkstraBetweenAnyPoints) {
  for (uint64_t seed = 5; seed <= 8; ++seed) {
    const RouteGraph g = randomGrid(seed, 10, 10, 100, 0.2);
    Router router(g);
    Lcg rng{seed * 31};
    int routed = 0;
    for (int q = 0; q < 80; ++q) {
      const geo::LngLat from = at(rng.next() * 900, rng.next() * 900), to = at(rng.next() * 900, rng.next() * 900);
      const auto s = g.snap(from, kMaxSnapMetres), t = g.snap(to, kMaxSnapMetres);
      ASSERT_TRUE(s && t);
      const double road = referenceMetres(g, *s, *t);
      const Route r = router.route(from, to);
      expectWellFormed(r, from, to);
      if (distanceMetres(from, to) <= s->distanceM + t->distanceM) {  // nearer to each other than to a road
        EXPECT_NEAR(r.metres, distanceMetres(from, to), 1e-9);
        continue;
      }
      if (std::isinf(road)) {
        EXPECT_TRUE(r.straightLine);
        continue;
      }
      ++routed;
      EXPECT_FALSE(r.straightLine);
      EXPECT_NEAR(r.metres, s->distanceM + road + t->distanceM, 1e-3 + road * 1e-6)
          << "seed " << seed << " query " << q;
      // A* settles fewer nodes than the whole graph for most queries; never more than it has.
      EXPECT_LE(router.settled(), g.nodeCount());
    }
    EXPECT_GT(routed, 40);
  }
}

// Main street A-B-C along y = 0 (roads 11, 12); a detour A-D-E-C 80 m north (roads 21-23).
struct Ladder {
  TestRouteGraph t;
  uint32_t a, b, c, d, e, side;
  Ladder() {
    a = t.nodeAt(kOrigin, 0, 0);
    b = t.nodeAt(kOrigin, 100, 0);
    c = t.nodeAt(kOrigin, 200, 0);
    d = t.nodeAt(kOrigin, 0, 80);
    e = t.nodeAt(kOrigin, 200, 80);
    const uint32_t f = t.nodeAt(kOrigin, 140, -40), g = t.nodeAt(kOrigin, 160, -40);
    t.edge(a, b, 11, {}, "Main");
    t.edge(b, c, 12, {at(150, 0)}, "Main");
    t.edge(a, d, 21);
    t.edge(d, e, 22, {}, "North");
    t.edge(e, c, 23);
    side = t.edge(f, g, 31);  // a yard south of the main street, on its own
  }
};

bool walks(const Route& r, uint64_t road) {
  return std::find(r.roadIds.begin(), r.roadIds.end(), road) != r.roadIds.end();
}

TEST(Route, AvoidsAClosedRoadAndComesBackWhenItReopens) {
  Ladder l;
  const RouteGraph g = RouteGraph::load(l.t.bytes()).value();
  // 8 m south of the main street, 20 m from A and 20 m from C.
  const geo::LngLat from = at(20, -8), to = at(180, -8);
  const Route open = route(g, from, to);
  expectWellFormed(open, from, to);
  EXPECT_TRUE(walks(open, 11) && walks(open, 12));
  EXPECT_FALSE(walks(open, 22));
  EXPECT_NEAR(open.metres, 8 + 160 + 8, 0.5);
  ASSERT_EQ(open.legs.size(), 3u);
  EXPECT_EQ(open.legs[0].kind, LegKind::Access);
  EXPECT_EQ(open.legs[1].kind, LegKind::Road);
  EXPECT_EQ(open.legs[2].kind, LegKind::Access);
  EXPECT_FALSE(open.straightLine);

  Avoid closure;
  closure.roadIds = {12};
  const Route closed = route(g, from, to, closure);
  expectWellFormed(closed, from, to);
  EXPECT_FALSE(walks(closed, 12));
  EXPECT_TRUE(walks(closed, 21) && walks(closed, 22) && walks(closed, 23));
  // Back 20 m to A, round by the north street, and from C (the closed street's end point is
  // the nearest usable road point) to the end.
  EXPECT_NEAR(closed.metres, 8 + 20 + 80 + 200 + 80 + std::hypot(20, 8), 0.5);
  EXPECT_FALSE(closed.straightLine);
  // The road leg goes through the detour's corners.
  const auto& pts = closed.legs[1].points;
  EXPECT_TRUE(std::any_of(pts.begin(), pts.end(), [&](geo::LngLat p) { return same(p, g.node(l.d)); }));
  EXPECT_TRUE(std::any_of(pts.begin(), pts.end(), [&](geo::LngLat p) { return same(p, g.node(l.e)); }));

  // Lifted: the same route as before.
  const Route reopened = route(g, from, to, Avoid{});
  EXPECT_EQ(reopened.roadIds, open.roadIds);
  EXPECT_DOUBLE_EQ(reopened.metres, open.metres);
  // An id that is not in the graph changes nothing.
  EXPECT_DOUBLE_EQ(route(g, from, to, Avoid{{999}, {}}).metres, open.metres);
}

TEST(Route, AvoidsAFloodArea) {
  Ladder l;
  const RouteGraph g = RouteGraph::load(l.t.bytes()).value();
  const geo::LngLat from = at(20, -8), to = at(180, -8);
  // A flooded square over the main street between B and C.
  Avoid flood;
  flood.areas = {{at(130, -20), at(170, -20), at(170, 20), at(130, 20)}};
  const BlockedEdges blocked = blockEdges(g, flood);
  EXPECT_EQ(blocked.count, 1u);
  EXPECT_TRUE(blocked.blocked(1));
  const Route r = route(g, from, to, flood);
  expectWellFormed(r, from, to);
  EXPECT_FALSE(walks(r, 12));
  EXPECT_TRUE(walks(r, 22));
  // A street entirely inside an area (no crossing) is blocked too; a closed ring works alike.
  Avoid yard;
  yard.areas = {{at(120, -60), at(180, -60), at(180, -20), at(120, -20), at(120, -60)}};
  const BlockedEdges inside = blockEdges(g, yard);
  EXPECT_EQ(inside.count, 1u);
  EXPECT_TRUE(inside.blocked(l.side));
  // Degenerate areas are ignored.
  Avoid junk;
  junk.areas = {{}, {at(0, 0), at(200, 0)}, {at(0, 0), {std::nan(""), 16.0}, at(10, 10)}};
  EXPECT_EQ(blockEdges(g, junk).count, 0u);
  // The flood lifted: back on the main street.
  EXPECT_TRUE(walks(route(g, from, to), 12));
}

TEST(Route, SnapsAroundBlockedEdges) {
  Ladder l;
  const RouteGraph g = RouteGraph::load(l.t.bytes()).value();
  // Starting on the closed main street: the route starts on the nearest open one (A-D, 50 m
  // west), not on the closed one right under the point.
  Avoid closure;
  closure.roadIds = {11, 12};
  const geo::LngLat from = at(50, 1), to = at(210, 80);
  const Route r = route(g, from, to, closure);
  expectWellFormed(r, from, to);
  ASSERT_FALSE(r.legs.empty());
  EXPECT_EQ(r.legs[0].kind, LegKind::Access);
  EXPECT_NEAR(r.legs[0].metres, 50, 0.5);
  EXPECT_FALSE(walks(r, 11));
  EXPECT_FALSE(walks(r, 12));
}

TEST(Route, StraightLegsWhereTheGraphDoesNotReach) {
  // Two separate street pieces 1 km apart.
  TestRouteGraph t;
  const uint32_t a = t.nodeAt(kOrigin, 0, 0), b = t.nodeAt(kOrigin, 300, 0);
  const uint32_t c = t.nodeAt(kOrigin, 1300, 0), d = t.nodeAt(kOrigin, 1600, 0);
  t.edge(a, b, 1);
  t.edge(c, d, 2);
  const RouteGraph g = RouteGraph::load(t.bytes()).value();

  // Both ends on a street, no path: the roads as far as they help, then a straight line.
  const geo::LngLat from = at(10, 10), to = at(1590, 10);
  Route r = route(g, from, to);
  expectWellFormed(r, from, to);
  EXPECT_TRUE(r.straightLine);
  ASSERT_GE(r.legs.size(), 3u);
  EXPECT_TRUE(std::any_of(r.legs.begin(), r.legs.end(),
                          [](const Leg& l) { return l.kind == LegKind::Road && l.metres > 250; }));
  const auto straightLeg =
      std::find_if(r.legs.begin(), r.legs.end(), [](const Leg& l) { return l.kind == LegKind::Straight; });
  ASSERT_NE(straightLeg, r.legs.end());
  EXPECT_NEAR(straightLeg->metres, distanceMetres(g.node(b), to), 1.0);  // from the street's end
  EXPECT_LT(r.metres, 1.2 * distanceMetres(from, to));

  // The end far from any street: a straight leg at the end.
  const geo::LngLat field = at(300, 900);
  r = route(g, from, field);
  expectWellFormed(r, from, field);
  EXPECT_TRUE(r.straightLine);
  EXPECT_EQ(r.legs.back().kind, LegKind::Straight);
  // The start far from any street: the straight leg comes first.
  r = route(g, field, to);
  expectWellFormed(r, field, to);
  EXPECT_TRUE(r.straightLine);
  EXPECT_EQ(r.legs.front().kind, LegKind::Straight);
  EXPECT_EQ(r.legs.back().kind, LegKind::Access);
  // Neither end near a street: one straight line.
  r = route(g, at(0, 2000), at(500, 2000));
  ASSERT_EQ(r.legs.size(), 1u);
  EXPECT_EQ(r.legs[0].kind, LegKind::Straight);
  EXPECT_NEAR(r.metres, 500, 0.5);
  EXPECT_TRUE(r.straightLine);
  // Every street closed: a straight line too.
  r = route(g, from, to, Avoid{{1, 2}, {}});
  ASSERT_EQ(r.legs.size(), 1u);
  EXPECT_TRUE(r.straightLine);
  // No graph at all.
  TestRouteGraph empty;
  const RouteGraph none = RouteGraph::load(empty.bytes()).value();
  r = route(none, from, to);
  ASSERT_EQ(r.legs.size(), 1u);
  EXPECT_NEAR(r.metres, distanceMetres(from, to), 1e-6);
  // The same point: nothing to walk.
  r = route(g, from, from);
  EXPECT_EQ(r.metres, 0);
}

TEST(Route, AlongOneEdgeBothWays) {
  TestRouteGraph t;
  const uint32_t a = t.nodeAt(kOrigin, 0, 0), b = t.nodeAt(kOrigin, 400, 0);
  t.edge(a, b, 1, {at(100, 0), at(200, 0), at(300, 0)});
  const RouteGraph g = RouteGraph::load(t.bytes()).value();
  for (const auto& [x0, x1] :
       {std::pair{50.0, 350.0}, std::pair{350.0, 50.0}, std::pair{120.0, 180.0}, std::pair{180.0, 120.0}}) {
    const geo::LngLat from = at(x0, 10), to = at(x1, -10);
    const Route r = route(g, from, to);
    expectWellFormed(r, from, to);
    ASSERT_EQ(r.legs.size(), 3u);
    EXPECT_NEAR(r.legs[1].metres, std::abs(x1 - x0), 0.3);
    EXPECT_EQ(r.legs[1].points.size(),
              size_t(2 + int(std::floor(std::max(x0, x1) / 100)) - int(std::floor(std::min(x0, x1) / 100))));
    EXPECT_EQ(r.roadIds, std::vector<uint64_t>{1});
  }
}

}  // namespace
}  // namespace citymap::route
