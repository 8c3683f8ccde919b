#include "help/storm_help.hpp"

#include <gtest/gtest.h>

#include "../../support/test_route_graph.hpp"
#include "../feeds/feed_samples.hpp"
#include "geo/mercator.hpp"
#include "route/route_graph.hpp"

namespace citymap::help {
namespace {

using feeds::testing::envelope;
using feeds::testing::kT0;
using feeds::testing::sampleIncident;
using testing::TestRouteGraph;

constexpr int64_t kNow = kT0 + 1000;
const geo::LngLat kO{108.2200, 16.0600};

// A ladder of streets 200 m apart: two long streets north-south (x = 0 and x = 400 m) joined by
// rungs every 200 m; the start at the west street's south end. Shelters: A at the east
// street's north end, B a little further on the west street's north end, C far south.
struct Fixture {
  TestRouteGraph g;
  std::vector<uint32_t> west, east;
  std::vector<uint64_t> westRoads;  // the west street's segments
  std::shared_ptr<const route::RouteGraph> graph;
  Fixture() {
    for (int i = 0; i <= 4; ++i) {
      west.push_back(g.nodeAt(kO, 0, 200.0 * i));
      east.push_back(g.nodeAt(kO, 400, 200.0 * i));
    }
    for (int i = 0; i < 4; ++i) {
      const uint64_t id = (uint64_t(100 + i) << 2) | 1;
      westRoads.push_back(id);
      g.edge(west[size_t(i)], west[size_t(i) + 1], id, {}, "Bạch Đằng");
      g.edge(east[size_t(i)], east[size_t(i) + 1], (uint64_t(200 + i) << 2) | 1, {}, "Trần Phú");
    }
    for (int i = 0; i <= 4; ++i)
      g.edge(west[size_t(i)], east[size_t(i)], (uint64_t(300 + i) << 2) | 1, {}, "Hùng Vương");
    g.shelter(1, TestRouteGraph::offset(kO, 400, 800), 100, "A");
    g.shelter(2, TestRouteGraph::offset(kO, 0, 830), 100, "B");
    g.shelter(3, TestRouteGraph::offset(kO, 0, -3000), 100, "C");
    auto loaded = route::RouteGraph::load(g.bytes());
    EXPECT_TRUE(loaded) << loaded.error();
    graph = std::make_shared<const route::RouteGraph>(std::move(loaded).value());
  }
};

feeds::FeedMessage shelterMsg(uint64_t id, bool open, int occupancy, uint64_t seq, int64_t t = kT0) {
  return envelope(feeds::ShelterStatus{id, open, 100, occupancy}, seq, t);
}

feeds::FeedMessage closure(uint64_t id, std::vector<uint64_t> segments, uint64_t seq = 1, bool cancelled = false) {
  feeds::Incident in = sampleIncident(id);
  in.kind = feeds::IncidentKind::RoadClosure;
  in.area.clear();
  in.segmentIds = std::move(segments);
  in.cancelled = cancelled;
  return envelope(in, seq, kT0 + int64_t(seq));
}

TEST(StormHelp, ShelterStateNeedsARecentStatusAndIsNeverOpenWithoutOne) {
  feeds::FeedStore store;
  EXPECT_EQ(shelterState(store, 1, kNow), route::ShelterState::Unknown);
  store.apply(shelterMsg(1, true, 10, 1), kNow);
  store.apply(shelterMsg(2, true, 100, 1), kNow);
  store.apply(shelterMsg(3, false, 0, 1), kNow);
  EXPECT_EQ(shelterState(store, 1, kNow), route::ShelterState::Open);
  EXPECT_EQ(shelterState(store, 2, kNow), route::ShelterState::Full);
  EXPECT_EQ(shelterState(store, 3, kNow), route::ShelterState::Closed);
  // Past the shelter kind's hide age the status no longer counts.
  const int64_t hide = store.config().staleness[size_t(feeds::FeedKind::Shelter)].hideMs;
  EXPECT_EQ(shelterState(store, 1, kT0 + hide + 1), route::ShelterState::Unknown);
}

TEST(StormHelp, OnlyActiveFloodsClosuresAndLandslidesAreAvoided) {
  feeds::FeedStore store;
  store.apply(closure(10, {5, 7}), kNow);
  feeds::Incident jam = sampleIncident(11);
  jam.kind = feeds::IncidentKind::TrafficJam;
  jam.segmentIds = {9};
  store.apply(envelope(jam), kNow);
  feeds::Incident later = sampleIncident(12, feeds::Severity::Severe, kT0 + 3'600'000, kT0 + 7'200'000);
  later.segmentIds = {11};
  store.apply(envelope(later), kNow);
  feeds::Incident area = sampleIncident(13);  // a flood given as an area only
  area.segmentIds.clear();
  store.apply(envelope(area), kNow);
  const route::Avoid a = avoidFrom(store, kNow);
  EXPECT_EQ(a.roadIds, (std::vector<uint64_t>{5, 7}));
  ASSERT_EQ(a.areas.size(), 1u);
  EXPECT_EQ(a.areas[0].size(), 4u);
  // Once the later flood has started, its road is avoided too; after expiry nothing is.
  EXPECT_EQ(avoidFrom(store, kT0 + 3'600'000 + 1).roadIds, (std::vector<uint64_t>{11}));
}

TEST(StormHelp, NearestOpenSheltersWithRoutesThatAvoidClosuresAndFollowTheFeed) {
  Fixture f;
  feeds::FeedStore store;
  for (uint64_t id : {1, 2, 3}) store.apply(shelterMsg(id, true, 10, 1), kNow);
  StormHelp help;
  help.setGraph(f.graph);
  EXPECT_FALSE(help.update(store, kNow)) << "nothing asked yet";
  help.showShelters({kO, OriginSource::Point, {}});
  ASSERT_TRUE(help.update(store, kNow));
  ASSERT_EQ(help.shelters().size(), 3u);
  // B: 800 m up the west street + 30 m; A: 800 m + 400 m; C: 3 km.
  EXPECT_EQ(help.shelters()[0].name, "B");
  EXPECT_NEAR(help.shelters()[0].metres, 830, 2);
  EXPECT_EQ(help.shelters()[1].name, "A");
  EXPECT_NEAR(help.shelters()[1].metres, 1200, 2);
  EXPECT_EQ(help.shelters()[2].name, "C");
  EXPECT_TRUE(help.shelters()[2].straightLine) << "C is beyond the graph";
  ASSERT_NE(help.route(), nullptr);
  EXPECT_FALSE(help.route()->straightLine);
  EXPECT_FALSE(help.update(store, kNow)) << "nothing changed";

  // The west street closed between 200 and 400 m: B is reached only round by the east street
  // (200 + 400 + 600 + 400 + 30 m), so A (1200 m) is now the nearest and the route goes there.
  const uint64_t v = help.version();
  store.apply(closure(50, {f.westRoads[1]}), kNow);
  ASSERT_TRUE(help.update(store, kNow));
  EXPECT_GT(help.version(), v);
  ASSERT_EQ(help.shelters().size(), 3u);
  EXPECT_EQ(help.shelters()[0].name, "A");
  EXPECT_NEAR(help.shelters()[0].metres, 1200, 3);
  EXPECT_EQ(help.shelters()[1].name, "B");
  EXPECT_NEAR(help.shelters()[1].metres, 200 + 400 + 600 + 400 + 30, 3);
  for (uint64_t id : help.route()->roadIds) EXPECT_NE(id, f.westRoads[1]);
  EXPECT_EQ(help.route()->metres, help.shelters()[0].metres);

  // The closure lifted: B by the direct route again.
  store.apply(closure(50, {f.westRoads[1]}, 2, true), kNow);
  ASSERT_TRUE(help.update(store, kNow));
  EXPECT_EQ(help.shelters()[0].name, "B");
  EXPECT_NEAR(help.shelters()[0].metres, 830, 2);

  // B fills up: it leaves the list; the route goes to A, the new first.
  store.apply(shelterMsg(2, true, 100, 2), kNow);
  ASSERT_TRUE(help.update(store, kNow));
  ASSERT_EQ(help.shelters().size(), 2u);
  EXPECT_EQ(help.shelters()[0].name, "A");
  EXPECT_EQ(help.route()->metres, help.shelters()[0].metres);
}

TEST(StormHelp, ChoosingAShelterKeepsItAcrossUpdatesAndUnknownSheltersAreListedApart) {
  Fixture f;
  feeds::FeedStore store;
  store.apply(shelterMsg(1, true, 10, 1), kNow);
  store.apply(shelterMsg(2, true, 10, 1), kNow);  // C has no status: unknown, never a candidate
  StormHelp help;
  help.setGraph(f.graph);
  help.showShelters({kO, OriginSource::Location, {}});
  ASSERT_TRUE(help.update(store, kNow));
  ASSERT_EQ(help.shelters().size(), 2u);
  ASSERT_EQ(help.unknown().size(), 1u);
  EXPECT_EQ(help.unknown()[0].name, "C");
  EXPECT_EQ(help.unknown()[0].state, route::ShelterState::Unknown);
  help.choose(1);
  EXPECT_EQ(help.shelters()[help.chosen()].name, "A");
  store.apply(closure(60, {f.westRoads[3]}), kNow);
  ASSERT_TRUE(help.update(store, kNow));
  EXPECT_EQ(help.shelters()[help.chosen()].name, "A") << "the user's choice stays";
}

TEST(StormHelp, FloodedRoadsNearAPointNearestFirstWithStreetNames) {
  Fixture f;
  feeds::FeedStore store;
  store.apply(closure(70, {f.westRoads[3]}), kNow);  // 600..800 m north, on Bạch Đằng
  feeds::Incident flood = sampleIncident(71);        // an area ~ far east
  flood.area = {{108.30, 16.06}, {108.31, 16.06}, {108.31, 16.07}};
  flood.point = feeds::LngLat{108.305, 16.065};
  store.apply(envelope(flood), kNow);
  const auto rows = floodedRoadsNear(f.graph.get(), store, kO, kNow);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].incidentId, 70u);
  EXPECT_EQ(rows[0].name, "Bạch Đằng");
  EXPECT_NEAR(rows[0].metres, 600, 2);
  EXPECT_EQ(rows[1].incidentId, 71u);
  EXPECT_GT(rows[1].metres, 8000);
  EXPECT_TRUE(rows[1].name.empty());
  // Within 1 km only the closure.
  EXPECT_EQ(floodedRoadsNear(f.graph.get(), store, kO, kNow, 1000).size(), 1u);
  // Standing inside the flood area: distance 0.
  const auto inside = floodedRoadsNear(f.graph.get(), store, {108.309, 16.061}, kNow);
  EXPECT_EQ(inside.front().incidentId, 71u);
  EXPECT_EQ(inside.front().metres, 0);
}

TEST(StormHelp, DrawsTheRouteTheStartTheSheltersAndSaysWhereThereIsNoRoad) {
  Fixture f;
  feeds::FeedStore store;
  store.apply(shelterMsg(3, true, 10, 1), kNow);  // only C, beyond the graph
  StormHelp help;
  help.setGraph(f.graph);
  help.showShelters({kO, OriginSource::Point, {}});
  ASSERT_TRUE(help.update(store, kNow));
  geo::Camera cam;
  cam.setViewport(800, 600, 2);
  cam.setCenter(geo::toWorld(kO));
  cam.setZoom(14);
  live::LiveBatch batch;
  std::vector<live::MapTag> tags;
  help.draw(cam, batch, tags, true);
  EXPECT_GT(batch.vertices.size(), 40u);
  bool straight = false, distance = false;
  for (const auto& t : tags) {
    straight = straight || t.text.find("no road data") != std::string::npos;
    distance = distance || t.text.find("km") != std::string::npos;
  }
  EXPECT_TRUE(straight);
  EXPECT_TRUE(distance);
  help.close();
  batch.clear();
  tags.clear();
  help.draw(cam, batch, tags, true);
  EXPECT_TRUE(batch.vertices.empty());
}

TEST(StormHelp, Words) {
  EXPECT_EQ(formatMetres(834), "830 m");
  EXPECT_EQ(formatMetres(2449), "2.4 km");
  EXPECT_EQ(formatMinutes(30, true), "1 min");
  EXPECT_EQ(formatMinutes(65 * 60, false), "1 giờ 05");
  EXPECT_STREQ(shelterStateName(route::ShelterState::Unknown, true), "status unknown");
}

}  // namespace
}  // namespace citymap::help
