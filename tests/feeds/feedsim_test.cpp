// The feed simulator's model on the real Da Nang data (native): data loading, stable ids,
// determinism, valid simulated messages, the scenarios, and the client's feed store reaching
// the expected state from the simulator's output.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "feeds/feed_reader.hpp"
#include "feeds/feed_store.hpp"
#include "feeds/topic.hpp"
#include "feedsim/city_data.hpp"
#include "feedsim/feature_ids.hpp"
#include "feedsim/simulator.hpp"
#include "ingest/feature_id.hpp"

namespace citymap::feedsim {
namespace {

constexpr int64_t kHour = 3'600'000;

const CityData* cityData() {
  static const Result<CityData> data = [] {
    if (!std::filesystem::exists(std::string(CITYMAP_DATA_DIR) + "/ioc/disaster_monitoring_stations.geojson"))
      return Result<CityData>(Error{"no data"});
    return loadCityData(CITYMAP_DATA_DIR);
  }();
  return data ? &*data : nullptr;
}

#define REQUIRE_DATA()                                                               \
  const CityData* data = cityData();                                                 \
  if (!data) GTEST_SKIP() << "Da Nang data not found under " << CITYMAP_DATA_DIR;

// 2026-10-15 in Da Nang.
int64_t day() { return localMidnightMs(1'792'040'000'000); }

SimConfig config(Scenario s, uint64_t seed = 1) {
  SimConfig c;
  c.scenario = s;
  c.seed = seed;
  c.simStartMs = scenarioStartMs(s, day() + 8 * kHour);
  c.wallStartMs = c.simStartMs;
  return c;
}

std::vector<Outgoing> run(const CityData& data, const SimConfig& c, int64_t durationMs) {
  Simulator sim(data, c);
  std::vector<Outgoing> out;
  sim.advanceTo(c.simStartMs + durationMs, out);
  return out;
}

TEST(FeedSim, StableIdsMatchTheIngestTool) {
  for (const char* ns : {"ioc/storm_shelters.geojson", "feedsim/bus", ""}) {
    ingest::IdHasher h(ns);
    h.add("Trường THCS Nguyễn Huệ");
    h.add("134 Quang Trung");
    const int64_t v[2] = {std::llround(108.2161354 * 1e7), std::llround(16.0741385 * 1e7)};
    h.addBytes(v, sizeof v);
    EXPECT_EQ(StableId(ns).add("Trường THCS Nguyễn Huệ").add("134 Quang Trung").addPoint(108.2161354, 16.0741385).id(),
              h.id());
  }
  EXPECT_EQ(osmWayId(35950850), ingest::osmFeatureId(35950850, ingest::OsmType::Way));
}

TEST(FeedSim, LoadsTheRealData) {
  REQUIRE_DATA();
  std::map<tile::IocKind, int> kinds;
  for (const Station& s : data->stations) ++kinds[s.kind];
  EXPECT_EQ(data->stations.size(), 45u);
  EXPECT_EQ(kinds[tile::IocKind::FloodTower], 4);
  EXPECT_EQ(kinds[tile::IocKind::FloodStation], 5);
  EXPECT_EQ(kinds[tile::IocKind::RainGauge], 15);
  EXPECT_EQ(kinds[tile::IocKind::CoastalStation], 21);
  EXPECT_EQ(data->shelters.size(), 413u);
  std::set<uint64_t> ids;
  for (const Station& s : data->stations) ids.insert(s.id);
  for (const Shelter& s : data->shelters) ids.insert(s.id);
  EXPECT_EQ(ids.size(), 45u + 413u) << "station and shelter ids must be unique";
  EXPECT_EQ(data->routes.size(), 6u);
  EXPECT_GT(data->trips.size(), 300u);
  EXPECT_GT(data->roads.size(), 500u);
  EXPECT_GT(data->landslides.size(), 10u);
  for (const Trip& t : data->trips) {
    ASSERT_GE(t.stops.size(), 2u) << t.id;
    for (size_t i = 1; i < t.stops.size(); ++i) EXPECT_GE(t.stops[i].distM, t.stops[i - 1].distM) << t.id;
  }
  for (const Road& r : data->roads) EXPECT_EQ(r.id & 3, 1u);
  EXPECT_EQ(parseCapacity("500-600"), 500);
  EXPECT_EQ(parseCapacity("50 người"), 50);
  EXPECT_EQ(parseCapacity(""), 0);
}

TEST(FeedSim, DeterministicForASeed) {
  REQUIRE_DATA();
  const auto a = run(*data, config(Scenario::Typhoon, 7), 2 * kHour);
  const auto b = run(*data, config(Scenario::Typhoon, 7), 2 * kHour);
  const auto c = run(*data, config(Scenario::Typhoon, 8), 2 * kHour);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].topic, b[i].topic) << i;
    ASSERT_EQ(a[i].payload, b[i].payload) << i;
  }
  bool differs = a.size() != c.size();
  for (size_t i = 0; !differs && i < a.size(); ++i) differs = a[i].payload != c[i].payload;
  EXPECT_TRUE(differs) << "another seed gave the same feeds";
  // Stepping in small or large increments gives the same messages.
  Simulator sim(*data, config(Scenario::Typhoon, 7));
  std::vector<Outgoing> stepped;
  for (int64_t t = 0; t <= 2 * kHour; t += 7'919) sim.advanceTo(config(Scenario::Typhoon).simStartMs + t, stepped);
  sim.advanceTo(config(Scenario::Typhoon).simStartMs + 2 * kHour, stepped);
  ASSERT_EQ(stepped.size(), a.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(stepped[i].payload, a[i].payload) << i;
}

TEST(FeedSim, EveryMessageVerifiesAndIsSimulated) {
  REQUIRE_DATA();
  for (Scenario s : {Scenario::Normal, Scenario::Rush, Scenario::Typhoon}) {
    const SimConfig c = config(s);
    std::map<feeds::FeedKind, int> kinds;
    for (const Outgoing& o : run(*data, c, 3 * kHour)) {
      const auto topic = feeds::parseFeedTopic(o.topic);
      ASSERT_TRUE(topic) << o.topic;
      EXPECT_EQ(topic->city, "danang");
      if (o.payload.empty()) continue;
      auto m = feeds::decodeFeedMessage(o.payload);
      ASSERT_TRUE(m) << o.topic << ": " << m.error();
      EXPECT_TRUE(m->simulated);
      EXPECT_EQ(m->source, "feedsim");
      EXPECT_EQ(m->kind(), topic->kind);
      EXPECT_EQ(m->entityId(), topic->entityId);
      EXPECT_EQ(m->timestampMs, o.simMs);  // wall clock pinned to the simulated one here
      ++kinds[m->kind()];
    }
    EXPECT_GT(kinds[feeds::FeedKind::Sensor], 45) << scenarioName(s);
    EXPECT_GE(kinds[feeds::FeedKind::Shelter], 413) << scenarioName(s);
    EXPECT_GT(kinds[feeds::FeedKind::Traffic], 500) << scenarioName(s);
    if (s != Scenario::Typhoon) {
      EXPECT_GT(kinds[feeds::FeedKind::Bus], 100) << scenarioName(s);  // 08:00 / 07:00
    }
    EXPECT_GT(kinds[feeds::FeedKind::Incident], 0) << scenarioName(s);
  }
}

TEST(FeedSim, TyphoonRaisesWaterOpensSheltersAndAlerts) {
  REQUIRE_DATA();
  const SimConfig c = config(Scenario::Typhoon);
  Simulator sim(*data, c);
  feeds::FeedStore store;
  std::vector<Outgoing> out;
  double peakRiver = 0;
  for (int64_t t = 0; t <= 12 * kHour; t += 10 * 60'000) {
    out.clear();
    sim.advanceTo(c.simStartMs + t, out);
    for (const Outgoing& o : out) store.ingest(o.topic, o.payload, o.simMs);
    for (size_t i = 0; i < data->stations.size(); ++i)
      if (data->stations[i].kind == tile::IocKind::FloodStation) peakRiver = std::max(peakRiver, sim.stationValue(i));
  }
  const int64_t now = c.simStartMs + 12 * kHour;
  EXPECT_GT(peakRiver, 180) << "rivers should pass alert level 2";
  EXPECT_GT(sim.openShelters(), 400u);
  size_t open = 0, people = 0;
  for (const auto& [id, s] : store.shelters()) open += s.value.open, people += size_t(s.value.occupancy);
  EXPECT_GT(open, 400u);
  EXPECT_GT(people, 10000u);
  const auto alerts = store.alerts(now);
  std::set<feeds::IncidentKind> kinds;
  for (const auto* a : alerts) kinds.insert(a->value.kind);
  EXPECT_TRUE(kinds.count(feeds::IncidentKind::Storm));
  EXPECT_TRUE(kinds.count(feeds::IncidentKind::Flood));
  EXPECT_TRUE(kinds.count(feeds::IncidentKind::Landslide));
  ASSERT_FALSE(alerts.empty());
  EXPECT_EQ(alerts.front()->value.severity, feeds::Severity::Extreme);  // the storm at landfall
  EXPECT_EQ(sim.activeBuses(), 0u) << "bus service is suspended at the peak";
  EXPECT_EQ(store.counters().dropped(), 0u) << store.lastError();
}

TEST(FeedSim, NormalDayReachesTheExpectedStoreState) {
  REQUIRE_DATA();
  SimConfig c = config(Scenario::Normal);
  Simulator sim(*data, c);
  feeds::FeedStore store;
  std::vector<Outgoing> out;
  for (int64_t t = 0; t <= 30 * 60'000; t += 5'000) {
    out.clear();
    sim.advanceTo(c.simStartMs + t, out);
    for (const Outgoing& o : out) store.ingest(o.topic, o.payload, c.simStartMs + t);
    store.drain(c.simStartMs + t);
  }
  const int64_t now = c.simStartMs + 30 * 60'000;
  EXPECT_EQ(store.sensors().size(), 45u);
  EXPECT_EQ(store.shelters().size(), 413u);
  EXPECT_EQ(store.traffic().size(), data->roads.size());
  EXPECT_GT(store.buses().size(), 20u);
  EXPECT_TRUE(store.sawSimulated());
  for (const auto& [id, s] : store.shelters()) EXPECT_FALSE(s.value.open);
  for (const auto& [id, s] : store.sensors())
    if (s.value.kind == tile::IocKind::FloodStation) {
      EXPECT_LT(s.value.value, 100) << "no flood on a normal day";
    }
  // Buses move smoothly: interpolated poses between reports stay near their route.
  size_t interpolated = 0;
  for (const auto& [id, b] : store.buses()) {
    if (!b.previous) continue;
    ++interpolated;
    const auto pose = store.busPose(id, b.meta.timestampMs - 5'000);
    ASSERT_TRUE(pose);
    EXPECT_LT(feeds::distanceMetres(pose->position, b.value.position), 500);
  }
  EXPECT_GT(interpolated, 10u);
  for (const auto& [id, e] : store.traffic())
    EXPECT_NE(store.freshness(feeds::FeedKind::Traffic, e.meta.timestampMs, now), feeds::Freshness::Hidden);
  EXPECT_EQ(store.counters().dropped(), 0u) << store.lastError();
}

TEST(FeedSim, SpeedupSpacesMessagesInWallTime) {
  REQUIRE_DATA();
  SimConfig c = config(Scenario::Normal);
  c.speedup = 60;
  c.sensors = c.shelters = c.incidents = c.buses = false;  // traffic only
  const auto out = run(*data, c, 3 * kHour);
  std::map<std::string, std::vector<int64_t>> times;
  for (const Outgoing& o : out) times[o.topic].push_back(o.message->timestampMs);
  for (const auto& [topic, ts] : times)
    for (size_t i = 2; i < ts.size(); ++i) EXPECT_GE(ts[i] - ts[i - 1], 5'000) << topic;  // the wall floor
}

}  // namespace
}  // namespace citymap::feedsim
