// nearestShelters: the k nearest open shelters by walking distance against routing every open
// shelter (brute force); unknown status never a candidate but listed; full and closed ones
// left out; closures change the answer.
#include "route/shelters.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "../../support/test_route_graph.hpp"

namespace citymap::route {
namespace {

using testing::TestRouteGraph;

constexpr geo::LngLat kOrigin{108.2240, 16.0680};

struct Lcg {
  uint64_t s;
  double next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return double(s >> 11) / double(uint64_t(1) << 53);
  }
};

// A street grid with gaps and 60 shelters around it, some beyond the streets.
RouteGraph cityWithShelters(uint64_t seed) {
  Lcg rng{seed};
  TestRouteGraph t;
  const int w = 14, h = 12;
  const double step = 90;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) t.nodeAt(kOrigin, x * step, y * step);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const uint32_t n = uint32_t(y * w + x);
      if (x + 1 < w && rng.next() > 0.2) t.edge(n, n + 1);
      if (y + 1 < h && rng.next() > 0.2) t.edge(n, n + uint32_t(w));
    }
  for (uint64_t i = 0; i < 60; ++i)
    t.shelter(1000 + i * 4 + 3, TestRouteGraph::offset(kOrigin, -400 + rng.next() * 2000, -400 + rng.next() * 1800),
              int32_t(100 + i));
  return RouteGraph::load(t.bytes()).value();
}

std::vector<uint64_t> ids(const std::vector<ShelterChoice>& choices) {
  std::vector<uint64_t> out;
  for (const ShelterChoice& c : choices) out.push_back(c.shelter->id);
  return out;
}

// Every open shelter routed, sorted by walking metres (then id).
std::vector<std::pair<double, uint64_t>> bruteForce(const RouteGraph& g, geo::LngLat from,
                                                    const ShelterStatusFn& status, const Avoid& avoid = {}) {
  std::vector<std::pair<double, uint64_t>> all;
  for (const Shelter& s : g.shelters())
    if (status(s.id) == ShelterState::Open) all.push_back({route(g, from, s.position, avoid).metres, s.id});
  std::sort(all.begin(), all.end());
  return all;
}

TEST(RouteShelters, MatchesRoutingEveryOpenShelter) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const RouteGraph g = cityWithShelters(seed);
    std::map<uint64_t, ShelterState> states;
    Lcg rng{seed * 13};
    for (const Shelter& s : g.shelters()) {
      const double u = rng.next();
      states[s.id] = u < 0.55   ? ShelterState::Open
                     : u < 0.7  ? ShelterState::Full
                     : u < 0.85 ? ShelterState::Closed
                                : ShelterState::Unknown;
    }
    const ShelterStatusFn status = [&](uint64_t id) { return states.at(id); };
    for (int q = 0; q < 6; ++q) {
      const geo::LngLat from = TestRouteGraph::offset(kOrigin, rng.next() * 1200, rng.next() * 1000);
      const NearestShelters n = nearestShelters(g, from, status, 3);
      const auto reference = bruteForce(g, from, status);
      ASSERT_EQ(n.nearest.size(), std::min<size_t>(3, reference.size()));
      for (size_t i = 0; i < n.nearest.size(); ++i) {
        EXPECT_EQ(n.nearest[i].shelter->id, reference[i].second) << "seed " << seed << " query " << q << " rank " << i;
        EXPECT_NEAR(n.nearest[i].route.metres, reference[i].first, 1e-6);
        EXPECT_EQ(states.at(n.nearest[i].shelter->id), ShelterState::Open);
        EXPECT_LE(n.nearest[i].straightMetres, n.nearest[i].route.metres + 1e-6);
      }
      EXPECT_EQ(n.open, reference.size());
      EXPECT_LE(n.routed, n.open);
      // Unknown ones: listed apart, nearest first by straight line, never among the nearest.
      EXPECT_LE(n.unknown.size(), 3u);
      for (size_t i = 0; i < n.unknown.size(); ++i) {
        EXPECT_EQ(states.at(n.unknown[i].shelter->id), ShelterState::Unknown);
        EXPECT_TRUE(n.unknown[i].route.legs.empty());
        if (i > 0) {
          EXPECT_LE(n.unknown[i - 1].straightMetres, n.unknown[i].straightMetres);
        }
      }
    }
  }
}

TEST(RouteShelters, StopsRoutingOnceTheStraightLineIsLonger) {
  const RouteGraph g = cityWithShelters(9);
  const geo::LngLat from = TestRouteGraph::offset(kOrigin, 400, 400);
  const NearestShelters n = nearestShelters(
      g, from, [](uint64_t) { return ShelterState::Open; }, 3);
  ASSERT_EQ(n.nearest.size(), 3u);
  EXPECT_EQ(n.open, 60u);
  EXPECT_LT(n.routed, 30u);  // far fewer than all 60
  const auto all = bruteForce(g, from, [](uint64_t) { return ShelterState::Open; });
  const std::vector<uint64_t> expected = {all[0].second, all[1].second, all[2].second};
  EXPECT_EQ(ids(n.nearest), expected);
}

TEST(RouteShelters, UnknownIsNeverACandidate) {
  const RouteGraph g = cityWithShelters(3);
  const geo::LngLat from = TestRouteGraph::offset(kOrigin, 500, 500);
  NearestShelters n = nearestShelters(
      g, from, [](uint64_t) { return ShelterState::Unknown; }, 3);
  EXPECT_TRUE(n.nearest.empty());
  EXPECT_EQ(n.open, 0u);
  EXPECT_EQ(n.routed, 0u);
  ASSERT_EQ(n.unknown.size(), 3u);
  // No status function: every shelter unknown.
  n = nearestShelters(g, from, nullptr, 3);
  EXPECT_TRUE(n.nearest.empty());
  EXPECT_EQ(n.unknown.size(), 3u);
  // Full and closed ones are neither.
  n = nearestShelters(
      g, from, [](uint64_t id) { return id % 8 == 3 ? ShelterState::Full : ShelterState::Closed; }, 3);
  EXPECT_TRUE(n.nearest.empty());
  EXPECT_TRUE(n.unknown.empty());
  // k = 0 and k larger than the open shelters.
  EXPECT_TRUE(nearestShelters(
                  g, from, [](uint64_t) { return ShelterState::Open; }, 0)
                  .nearest.empty());
  n = nearestShelters(
      g, from, [](uint64_t id) { return id < 1020 ? ShelterState::Open : ShelterState::Closed; }, 10);
  EXPECT_EQ(n.nearest.size(), 5u);
}

TEST(RouteShelters, AClosureChangesTheWalk) {
  // One street west to east; shelter 7 at its east end; shelter 11 283 m north-west of the
  // start, across open ground (no street within 250 m).
  TestRouteGraph t;
  const geo::LngLat start = TestRouteGraph::offset(kOrigin, 0, 0);
  const uint32_t a = t.nodeAt(kOrigin, 0, 0), b = t.nodeAt(kOrigin, 200, 0);
  t.edge(a, b, 41);
  t.shelter(7, TestRouteGraph::offset(kOrigin, 200, 5));
  t.shelter(11, TestRouteGraph::offset(kOrigin, -200, 200));
  const RouteGraph g = RouteGraph::load(t.bytes()).value();
  const ShelterStatusFn open = [](uint64_t) { return ShelterState::Open; };
  NearestShelters n = nearestShelters(g, start, open, 1);
  ASSERT_EQ(n.nearest.size(), 1u);
  EXPECT_EQ(n.nearest[0].shelter->id, 7u);
  EXPECT_FALSE(n.nearest[0].route.straightLine);
  // The street floods: shelter 7 is only reachable across open ground (straight legs), and
  // both shelters are exactly what routing each of them gives.
  Avoid flood;
  flood.roadIds = {41};
  n = nearestShelters(g, start, open, 2, flood);
  const auto reference = bruteForce(g, start, open, flood);
  ASSERT_EQ(n.nearest.size(), 2u);
  EXPECT_EQ(n.nearest[0].shelter->id, reference[0].second);
  EXPECT_EQ(n.nearest[1].shelter->id, reference[1].second);
  EXPECT_TRUE(n.nearest[0].route.straightLine);
}

}  // namespace
}  // namespace citymap::route
