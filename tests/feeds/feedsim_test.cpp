// The feed simulator's model on the real Da Nang data (native): data loading, stable ids,
// determinism, valid simulated messages, the scenarios, and the client's feed store reaching
// the expected state from the simulator's output.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "feeds/feed_batch.hpp"
#include "feeds/feed_reader.hpp"
#include "feeds/feed_store.hpp"
#include "feeds/topic.hpp"
#include "feedsim/city_data.hpp"
#include "feedsim/feature_ids.hpp"
#include "feedsim/history_chunks.hpp"
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

#define REQUIRE_DATA()               \
  const CityData* data = cityData(); \
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
    // Only the typhoon has a storm (every 5 simulated minutes: 36 in 3 h, and the first).
    EXPECT_EQ(kinds[feeds::FeedKind::Storm], s == Scenario::Typhoon ? 37 : 0) << scenarioName(s);
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

// The typhoon's storm: a simulated bulletin approaching Da Nang from the East Sea, with a past
// track, a forecast out to two days in a growing cone, rising then weakening after landfall, and
// its retained topic cleared once it has gone.
TEST(FeedSim, TyphoonPublishesASimulatedStormWithItsTrackAndCone) {
  REQUIRE_DATA();
  SimConfig c = config(Scenario::Typhoon);
  c.sensors = c.shelters = c.incidents = c.buses = c.traffic = false;  // the storm only
  c.speedup = 120;  // as tools/scenario.sh runs it: times are wall-clock times
  Simulator sim(*data, c);
  feeds::FeedStore store;
  const feeds::LngLat danang{108.22, 16.06};
  std::vector<Outgoing> out;
  struct Seen {
    double hours, distanceKm, windMs;
    feeds::StormReport storm;
  };
  std::vector<Seen> seen;
  size_t clears = 0;
  for (int64_t t = 0; t <= 40 * kHour; t += 5 * 60'000) {
    out.clear();
    sim.advanceTo(c.simStartMs + t, out);
    for (const Outgoing& o : out) {
      const auto topic = feeds::parseFeedTopic(o.topic);
      ASSERT_TRUE(topic);
      ASSERT_EQ(topic->kind, feeds::FeedKind::Storm);
      EXPECT_EQ(topic->entityId, Simulator::stormId());
      const int64_t wall = sim.wallTimeOf(o.simMs);
      ASSERT_EQ(store.ingest(o.topic, o.payload, wall),
                o.payload.empty() ? feeds::IngestStatus::Removed : feeds::IngestStatus::Accepted)
          << store.lastError();
      if (o.payload.empty()) {
        ++clears;
        continue;
      }
      auto m = feeds::decodeFeedMessage(o.payload);
      ASSERT_TRUE(m) << m.error();
      EXPECT_TRUE(m->simulated);
      EXPECT_EQ(m->timestampMs, wall);
      const auto& s = std::get<feeds::StormReport>(m->payload);
      EXPECT_NE(s.nameVi.find("MÔ PHỎNG"), std::string::npos) << s.nameVi;
      EXPECT_NE(s.nameEn.find("SIMULATED"), std::string::npos) << s.nameEn;
      // The track so far (3-hourly, up to 48 h) before the centre's time, the forecast after it,
      // every 6 to 12 h, its cone growing.
      EXPECT_GE(s.past.size(), 15u);
      for (size_t i = 1; i < s.past.size(); ++i) EXPECT_EQ(s.past[i].timeMs - s.past[i - 1].timeMs, 3 * kHour / 120);
      ASSERT_FALSE(s.past.empty());
      EXPECT_LT(s.past.back().timeMs, m->timestampMs);
      EXPECT_GT(m->timestampMs - s.past.front().timeMs, 42 * kHour / 120);
      ASSERT_GE(s.forecast.size(), 2u) << double(t) / kHour;
      EXPECT_GT(s.forecast.front().timeMs, m->timestampMs);
      for (size_t i = 1; i < s.forecast.size(); ++i) {
        const int64_t step = s.forecast[i].timeMs - s.forecast[i - 1].timeMs;
        EXPECT_TRUE(step == 6 * kHour / 120 || step == 12 * kHour / 120 || step == 24 * kHour / 120) << step;
        EXPECT_GT(s.forecast[i].radiusKm, s.forecast[i - 1].radiusKm);
      }
      EXPECT_EQ(s.beaufort, feeds::beaufortLevel(s.windMs));
      EXPECT_EQ(s.category, feeds::stormCategoryFor(s.beaufort));
      EXPECT_GE(s.gustBeaufort, s.beaufort);
      seen.push_back({double(o.simMs - c.simStartMs) / kHour, feeds::distanceMetres(s.position, danang) / 1000,
                      double(s.windMs), s});
    }
  }
  ASSERT_GT(seen.size(), 400u);
  const Seen& first = seen.front();
  // At the start: a typhoon over the East Sea, ~200 km east-southeast, heading west-northwest,
  // forecast two days ahead, its cone over Da Nang.
  EXPECT_EQ(first.storm.category, feeds::StormCategory::Typhoon);
  EXPECT_GT(first.storm.position.lng, 109.5);
  EXPECT_GT(first.distanceKm, 150);
  EXPECT_GT(first.storm.headingDeg, 270);
  EXPECT_LT(first.storm.headingDeg, 300);
  EXPECT_GT(first.storm.speedKmh, 10);
  EXPECT_GE(first.storm.forecast.back().timeMs - first.storm.forecast.front().timeMs, 42 * kHour / 120);
  EXPECT_GE(first.storm.forecast.back().radiusKm, 150);
  EXPECT_GT(first.storm.strongWindRadiusKm, 100);
  // Closest near landfall (~9.5 h), at its strongest before it; weaker over land after.
  const auto closest = std::min_element(seen.begin(), seen.end(),
                                        [](const Seen& a, const Seen& b) { return a.distanceKm < b.distanceKm; });
  EXPECT_LT(closest->distanceKm, 15);
  EXPECT_GT(closest->hours, 8.5);
  EXPECT_LT(closest->hours, 10.5);
  const auto strongest =
      std::max_element(seen.begin(), seen.end(), [](const Seen& a, const Seen& b) { return a.windMs < b.windMs; });
  EXPECT_GE(strongest->storm.beaufort, 14);
  EXPECT_LT(strongest->hours, closest->hours);
  for (const Seen& s : seen)
    if (s.hours >= 15) {
      EXPECT_LT(s.windMs, 28) << s.hours;
    }
  // Each bulletin's 6 h and 12 h forecasts hold where the storm then was: inside their circles.
  size_t checked = 0;
  for (const Seen& s : seen) {
    for (const auto& f : s.storm.forecast) {
      const double at = double(f.timeMs - c.wallStartMs) * c.speedup / kHour;  // the simulated hour it is for
      const auto later =
          std::find_if(seen.begin(), seen.end(), [&](const Seen& x) { return std::abs(x.hours - at) < 1e-4; });
      if (later == seen.end() || at - s.hours > 12.5) continue;
      EXPECT_LT(feeds::distanceMetres(f.position, later->storm.position) / 1000, f.radiusKm)
          << s.hours << " h +" << at - s.hours;
      ++checked;
    }
  }
  EXPECT_GT(checked, 200u);
  // Gone after 36 h: the retained topic is cleared.
  EXPECT_EQ(clears, 1u);
  EXPECT_EQ(store.count(feeds::FeedKind::Storm), 0u);
  EXPECT_LT(seen.back().hours, 36);
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

// History chunks (docs/FEEDS.md, "History topics"): per window the newest message per topic,
// in time order, framed, split below the broker's packet limit; old windows cleared.
TEST(FeedSim, HistoryChunksKeepTheNewestPerEntityInTimeOrderUnderThePacketLimit) {
  using citymap::feedsim::HistoryChunker;
  HistoryChunker h("danang", 15 * 60'000, 3'600'000);
  const int64_t t0 = 1'800'000'000'000 - 1'800'000'000'000 % (15 * 60'000);  // a window start
  const auto payload = [](uint8_t fill, size_t n) { return std::vector<uint8_t>(n, fill); };
  // Window 1: 3,000 topics of 100 bytes (too many for one part), one topic updated twice.
  for (int i = 0; i < 3000; ++i) h.add("citymap/v1/danang/traffic/" + std::to_string(i + 1), payload(1, 100), t0 + i);
  h.add("citymap/v1/danang/traffic/1", payload(2, 100), t0 + 5000);
  h.add("citymap/v1/danang/traffic/2", {}, t0 + 5001);  // clears are not history
  // Window 2 (open at take time).
  h.add("citymap/v1/danang/sensor/7", payload(3, 50), t0 + 15 * 60'000 + 10);
  auto out = h.take(t0 + 15 * 60'000 + 20, /*includeOpen=*/false);
  ASSERT_GE(out.size(), 6u);
  size_t messages = 0;
  int64_t last = -1;
  std::map<std::string, uint8_t> seen;
  for (size_t i = 0; i < out.size(); ++i) {
    const auto part = citymap::feeds::parseHistoryTopic(out[i].topic);
    ASSERT_TRUE(part) << out[i].topic;
    EXPECT_EQ(part->windowStartMs, t0);
    EXPECT_EQ(part->part, i);
    EXPECT_LE(out[i].payload.size(), HistoryChunker::kMaxPartBytes);
    ASSERT_TRUE(citymap::feeds::forEachFramedMessage(out[i].payload, [&](const citymap::feeds::FramedMessage& m) {
      ++messages;
      EXPECT_FALSE(seen.count(std::string(m.topic))) << "one message per topic";
      seen[std::string(m.topic)] = m.payload[0];
      const int id = std::stoi(std::string(m.topic.substr(m.topic.rfind('/') + 1)));
      const int64_t ts = id == 1 ? t0 + 5000 : t0 + id - 1;
      EXPECT_GT(ts, last) << "time order";
      last = ts;
    }));
  }
  EXPECT_EQ(messages, 3000u);
  EXPECT_EQ(seen["citymap/v1/danang/traffic/1"], 2) << "the newest of the window";
  // The open window comes when asked for; a closed one is never sent twice.
  EXPECT_TRUE(h.take(t0 + 15 * 60'000 + 30, false).empty());
  const auto open = h.take(t0 + 15 * 60'000 + 30, true);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].topic, citymap::feeds::historyTopic("danang", t0 + 15 * 60'000) + "/0");
  // An hour later both windows are cleared (empty retained payloads), every part of them.
  const auto cleared = h.take(t0 + 30 * 60'000 + 3'600'000, false);
  EXPECT_EQ(cleared.size(), out.size() + 1);
  for (const auto& c : cleared) EXPECT_TRUE(c.payload.empty()) << c.topic;
  EXPECT_TRUE(h.published().empty());
}

TEST(FeedSim, HistoryTopicsParse) {
  using citymap::feeds::parseHistoryTopic;
  EXPECT_EQ(parseHistoryTopic("citymap/v1/danang-history/1800000000000/3")->part, 3u);
  EXPECT_EQ(parseHistoryTopic("citymap/v1/da-nang-history/42/0")->windowStartMs, 42);
  for (const char* bad :
       {"citymap/v1/danang/traffic/1", "citymap/v1/danang-history/42", "citymap/v1/danang-history//0",
        "citymap/v1/Danang-history/42/0", "citymap/v1/danang-history/4x/0", "citymap/v2/danang-history/1/0"})
    EXPECT_FALSE(parseHistoryTopic(bad)) << bad;
}
