#include "feeds/feed_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "feed_samples.hpp"
#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"

namespace citymap::feeds {
namespace {

using namespace testing;

constexpr int64_t kNow = kT0 + 1000;

std::string topicOf(const FeedMessage& m) { return feedTopic("danang", m.kind(), m.entityId()); }

IngestStatus ingestMessage(FeedStore& store, const FeedMessage& m, int64_t now = kNow) {
  return store.ingest(topicOf(m), encodeFeedMessage(m), now);
}

TEST(FeedStore, KeepsTheLatestStatePerEntity) {
  FeedStore store;
  for (const FeedMessage& m : sampleMessages()) EXPECT_EQ(ingestMessage(store, m), IngestStatus::Accepted);
  for (int k = 0; k < kFeedKindCount; ++k) EXPECT_EQ(store.count(FeedKind(k)), 1u) << k;
  EXPECT_EQ(store.totalCount(), size_t(kFeedKindCount));
  EXPECT_EQ(store.counters().accepted, uint64_t(kFeedKindCount));
  EXPECT_EQ(store.counters().received, uint64_t(kFeedKindCount));
  EXPECT_TRUE(store.sawSimulated());
  EXPECT_EQ(store.newestTimestampMs(), kT0);

  FeedMessage later = envelope(sampleSensor(), 2, kT0 + 500);
  std::get<SensorReading>(later.payload).value = 180;
  EXPECT_EQ(ingestMessage(store, later), IngestStatus::Accepted);
  const auto& e = store.sensors().at(4242);
  EXPECT_FLOAT_EQ(e.value.value, 180);
  EXPECT_EQ(e.meta.sequence, 2u);
  EXPECT_EQ(e.meta.timestampMs, kT0 + 500);
  EXPECT_EQ(e.meta.receivedMs, kNow);
  EXPECT_EQ(e.meta.source, "test");
  EXPECT_EQ(store.count(FeedKind::Sensor), 1u);
  EXPECT_EQ(store.newestTimestampMs(), kT0 + 500);
}

TEST(FeedStore, DropsDuplicatesAndOutOfOrderMessages) {
  FeedStore store;
  FeedMessage m5 = envelope(sampleShelter(), 5, kT0);
  std::get<ShelterStatus>(m5.payload).occupancy = 50;
  EXPECT_EQ(ingestMessage(store, m5), IngestStatus::Accepted);
  EXPECT_EQ(ingestMessage(store, m5), IngestStatus::Duplicate);
  FeedMessage m4 = envelope(sampleShelter(), 4, kT0 + 100);  // lower sequence, even if newer time
  std::get<ShelterStatus>(m4.payload).occupancy = 40;
  EXPECT_EQ(ingestMessage(store, m4), IngestStatus::OutOfOrder);
  EXPECT_EQ(store.shelters().at(555).value.occupancy, 50);
  // Another source: ordered by timestamp.
  FeedMessage other = envelope(sampleShelter(), 1, kT0 - 10, "manual");
  EXPECT_EQ(ingestMessage(store, other), IngestStatus::OutOfOrder);
  other.timestampMs = kT0;
  EXPECT_EQ(ingestMessage(store, other), IngestStatus::Duplicate);
  other.timestampMs = kT0 + 10;
  std::get<ShelterStatus>(other.payload).occupancy = 70;
  EXPECT_EQ(ingestMessage(store, other), IngestStatus::Accepted);
  EXPECT_EQ(store.shelters().at(555).value.occupancy, 70);
  EXPECT_EQ(store.shelters().at(555).meta.source, "manual");
  // Sequences are per entity: another shelter with a low sequence is fine.
  EXPECT_EQ(ingestMessage(store, envelope(sampleShelter(556), 1)), IngestStatus::Accepted);
  const FeedCounters& c = store.counters();
  EXPECT_EQ(c.accepted, 3u);
  EXPECT_EQ(c.droppedDuplicate, 2u);
  EXPECT_EQ(c.droppedOutOfOrder, 2u);
  EXPECT_EQ(c.dropped(), 4u);
  EXPECT_EQ(c.received, 7u);
}

TEST(FeedStore, StalenessPerKind) {
  FeedStore store;
  const Staleness bus = store.config().staleness[size_t(FeedKind::Bus)];
  EXPECT_EQ(store.freshness(FeedKind::Bus, kT0, kT0), Freshness::Fresh);
  EXPECT_EQ(store.freshness(FeedKind::Bus, kT0, kT0 + bus.freshMs), Freshness::Fresh);
  EXPECT_EQ(store.freshness(FeedKind::Bus, kT0, kT0 + bus.freshMs + 1), Freshness::Fading);
  EXPECT_EQ(store.freshness(FeedKind::Bus, kT0, kT0 + bus.hideMs), Freshness::Fading);
  EXPECT_EQ(store.freshness(FeedKind::Bus, kT0, kT0 + bus.hideMs + 1), Freshness::Hidden);
  EXPECT_FLOAT_EQ(store.fade(FeedKind::Bus, kT0, kT0 + bus.freshMs), 1.f);
  EXPECT_NEAR(store.fade(FeedKind::Bus, kT0, kT0 + (bus.freshMs + bus.hideMs) / 2), 0.5f, 1e-3);
  EXPECT_FLOAT_EQ(store.fade(FeedKind::Bus, kT0, kT0 + bus.hideMs + 1), 0.f);
  EXPECT_EQ(store.freshness(FeedKind::Bus, kT0, kT0 - 5000), Freshness::Fresh);  // a clock slightly behind
  // Incidents never fade by age.
  EXPECT_EQ(store.freshness(FeedKind::Incident, kT0, kT0 + 100 * 3'600'000ll), Freshness::Fresh);
  // Thresholds are configurable.
  FeedStoreConfig config;
  config.staleness[size_t(FeedKind::Sensor)] = {1000, 2000};
  FeedStore custom(config);
  EXPECT_EQ(custom.freshness(FeedKind::Sensor, kT0, kT0 + 1500), Freshness::Fading);
}

TEST(FeedStore, DropsMessagesThatAreAlreadyStaleOrFromTheFuture) {
  FeedStore store;
  const int64_t hide = store.config().staleness[size_t(FeedKind::Traffic)].hideMs;
  EXPECT_EQ(ingestMessage(store, envelope(sampleTraffic(), 1, kNow - hide - 1)), IngestStatus::Stale);
  EXPECT_EQ(ingestMessage(store, envelope(sampleTraffic(), 1, kNow + store.config().maxFutureMs + 1)),
            IngestStatus::Stale);
  EXPECT_EQ(ingestMessage(store, envelope(sampleIncident(1, Severity::Minor, kT0 - 7200'000, kNow))),
            IngestStatus::Stale);
  EXPECT_EQ(store.totalCount(), 0u);
  EXPECT_EQ(store.counters().droppedStale, 3u);
  EXPECT_EQ(ingestMessage(store, envelope(sampleTraffic(), 1, kNow - hide + 1)), IngestStatus::Accepted);
}

TEST(FeedStore, PruneForgetsHiddenEntitiesAndExpiredIncidents) {
  FeedStore store;
  ASSERT_EQ(ingestMessage(store, envelope(sampleBus())), IngestStatus::Accepted);
  ASSERT_EQ(ingestMessage(store, envelope(sampleShelter())), IngestStatus::Accepted);
  ASSERT_EQ(ingestMessage(store, envelope(sampleIncident(1, Severity::Minor, kT0, kT0 + 60'000))),
            IngestStatus::Accepted);
  ASSERT_EQ(ingestMessage(store, envelope(sampleIncident(2, Severity::Minor, kT0, kT0 + 3'600'000))),
            IngestStatus::Accepted);
  store.prune(kT0 + 59'000);
  EXPECT_EQ(store.totalCount(), 4u);
  store.prune(kT0 + 60'000);
  EXPECT_EQ(store.count(FeedKind::Incident), 1u);
  const int64_t busHide = store.config().staleness[size_t(FeedKind::Bus)].hideMs;
  store.prune(kT0 + busHide + 1);
  EXPECT_EQ(store.count(FeedKind::Bus), 0u);
  EXPECT_EQ(store.count(FeedKind::Shelter), 1u);
  EXPECT_EQ(store.count(FeedKind::Incident), 1u);
}

TEST(FeedStore, AlertsBySeverityThenTimeWithoutExpiredOnes) {
  FeedStore store;
  ASSERT_EQ(ingestMessage(store, envelope(sampleIncident(1, Severity::Moderate, kT0 - 1000))), IngestStatus::Accepted);
  ASSERT_EQ(ingestMessage(store, envelope(sampleIncident(2, Severity::Extreme, kT0 - 5000))), IngestStatus::Accepted);
  ASSERT_EQ(ingestMessage(store, envelope(sampleIncident(3, Severity::Moderate, kT0 - 500))), IngestStatus::Accepted);
  ASSERT_EQ(ingestMessage(store, envelope(sampleIncident(4, Severity::Info, kT0, kT0 + 5000))), IngestStatus::Accepted);
  ASSERT_EQ(ingestMessage(store, envelope(sampleIncident(5, Severity::Moderate, kT0 - 500))), IngestStatus::Accepted);
  auto alerts = store.alerts(kNow);
  ASSERT_EQ(alerts.size(), 5u);
  std::vector<uint64_t> ids;
  for (const auto* a : alerts) ids.push_back(a->value.incidentId);
  EXPECT_EQ(ids, (std::vector<uint64_t>{2, 3, 5, 1, 4}));
  alerts = store.alerts(kT0 + 5000);  // incident 4 expires
  EXPECT_EQ(alerts.size(), 4u);
  for (const auto* a : alerts) EXPECT_NE(a->value.incidentId, 4u);
}

TEST(FeedStore, CancellingAnIncidentRemovesItForGood) {
  FeedStore store;
  ASSERT_EQ(ingestMessage(store, envelope(sampleIncident(7), 1)), IngestStatus::Accepted);
  FeedMessage cancel = envelope(sampleIncident(7), 2, kT0 + 10);
  std::get<Incident>(cancel.payload).cancelled = true;
  EXPECT_EQ(ingestMessage(store, cancel), IngestStatus::Removed);
  EXPECT_EQ(store.count(FeedKind::Incident), 0u);
  EXPECT_TRUE(store.alerts(kNow).empty());
  // The original arriving late (e.g. from another broker) does not bring it back.
  EXPECT_EQ(ingestMessage(store, envelope(sampleIncident(7), 1)), IngestStatus::OutOfOrder);
  EXPECT_EQ(store.count(FeedKind::Incident), 0u);
  // A newer update from the source does.
  EXPECT_EQ(ingestMessage(store, envelope(sampleIncident(7), 3, kT0 + 20)), IngestStatus::Accepted);
  EXPECT_EQ(store.count(FeedKind::Incident), 1u);
  EXPECT_EQ(store.counters().removed, 1u);
}

TEST(FeedStore, EmptyRetainedPayloadRemovesTheEntity) {
  FeedStore store;
  const FeedMessage m = envelope(sampleBus(), 10);
  ASSERT_EQ(ingestMessage(store, m), IngestStatus::Accepted);
  EXPECT_EQ(store.ingest(topicOf(m), {}, kNow), IngestStatus::Removed);
  EXPECT_EQ(store.count(FeedKind::Bus), 0u);
  EXPECT_EQ(ingestMessage(store, m), IngestStatus::Duplicate);  // replays stay out
  EXPECT_EQ(store.ingest("", {}, kNow), IngestStatus::Malformed);
  EXPECT_EQ(store.counters().removed, 1u);
}

TEST(FeedStore, TheChangeListenerSeesEveryAppliedChangeAndNothingDropped) {
  FeedStore store;
  struct Change {
    FeedKind kind;
    uint64_t id;
    bool hasMessage;
    int64_t now;
  };
  std::vector<Change> changes;
  store.setChangeListener([&](FeedKind kind, uint64_t id, const FeedMessage* m, int64_t now) {
    changes.push_back({kind, id, m != nullptr, now});
  });
  const FeedMessage bus = envelope(sampleBus(), 10);
  ASSERT_EQ(ingestMessage(store, bus), IngestStatus::Accepted);
  EXPECT_EQ(ingestMessage(store, bus), IngestStatus::Duplicate);  // not a change
  EXPECT_EQ(store.ingest(topicOf(bus), {}, kNow + 5), IngestStatus::Removed);
  ASSERT_EQ(ingestMessage(store, envelope(sampleIncident(7), 1)), IngestStatus::Accepted);
  FeedMessage cancel = envelope(sampleIncident(7), 2, kT0 + 10);
  std::get<Incident>(cancel.payload).cancelled = true;
  EXPECT_EQ(ingestMessage(store, cancel), IngestStatus::Removed);
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].kind, FeedKind::Bus);
  EXPECT_TRUE(changes[0].hasMessage);
  EXPECT_EQ(changes[1].kind, FeedKind::Bus);
  EXPECT_EQ(changes[1].id, bus.entityId());
  EXPECT_FALSE(changes[1].hasMessage);
  EXPECT_EQ(changes[1].now, kNow + 5);
  EXPECT_EQ(changes[2].kind, FeedKind::Incident);
  EXPECT_EQ(changes[3].kind, FeedKind::Incident);
  EXPECT_EQ(changes[3].id, 7u);
  EXPECT_TRUE(changes[3].hasMessage);
}

TEST(FeedStore, TopicMustNameThePayloadsEntity) {
  FeedStore store;
  const FeedMessage m = envelope(sampleShelter(555));
  EXPECT_EQ(store.ingest(feedTopic("danang", FeedKind::Shelter, 556), encodeFeedMessage(m), kNow),
            IngestStatus::Malformed);
  EXPECT_EQ(store.ingest(feedTopic("danang", FeedKind::Sensor, 555), encodeFeedMessage(m), kNow),
            IngestStatus::Malformed);
  EXPECT_NE(store.lastError().find("topic names sensor/555 but the payload is shelter/555"), std::string::npos)
      << store.lastError();
  EXPECT_EQ(store.ingest("citymap/v9/danang/shelter/555", encodeFeedMessage(m), kNow), IngestStatus::Unknown);
  EXPECT_EQ(store.ingest("", encodeFeedMessage(m), kNow), IngestStatus::Accepted);  // no topic: no check
  EXPECT_EQ(store.counters().droppedMalformed, 2u);
  EXPECT_EQ(store.counters().droppedUnknown, 1u);
}

TEST(FeedStore, BusPositionsAreInterpolatedAlongTheLastTwoReports) {
  FeedStore store;
  EXPECT_FALSE(store.busPose(31, kNow));
  ASSERT_EQ(ingestMessage(store, envelope(sampleBus(31, {108.2200, 16.0600}), 1, kT0)), IngestStatus::Accepted);
  auto p = store.busPose(31, kT0 + 5000);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->position, (LngLat{108.2200, 16.0600}));
  EXPECT_FLOAT_EQ(p->bearingDeg, 90.f);  // the reported one
  ASSERT_EQ(ingestMessage(store, envelope(sampleBus(31, {108.2200, 16.0610}), 2, kT0 + 10'000), kT0 + 10'000),
            IngestStatus::Accepted);
  p = store.busPose(31, kT0 + 2500);
  ASSERT_TRUE(p);
  EXPECT_NEAR(p->position.lat, 16.06025, 1e-9);
  EXPECT_NEAR(p->bearingDeg, 0.f, 0.01);  // moving north
  // A new trip (or an impossible jump) starts a fresh track.
  ASSERT_EQ(ingestMessage(store, envelope(sampleBus(31, {108.2300, 16.0700}, "R16_return_01"), 3, kT0 + 20'000),
                          kT0 + 20'000),
            IngestStatus::Accepted);
  EXPECT_FALSE(store.buses().at(31).previous);
  EXPECT_EQ(store.busPose(31, kT0 + 15'000)->position, (LngLat{108.2300, 16.0700}));
  ASSERT_EQ(ingestMessage(store, envelope(sampleBus(31, {108.3300, 16.0700}, "R16_return_01"), 4, kT0 + 21'000),
                          kT0 + 21'000),
            IngestStatus::Accepted);
  EXPECT_FALSE(store.buses().at(31).previous);
}

TEST(FeedStore, BoundedQueueDropsTheOldestAndCountsThem) {
  FeedStoreConfig config;
  config.queueCapacity = 100;
  FeedStore store(config);
  for (uint64_t i = 1; i <= 250; ++i) {
    const FeedMessage m = envelope(sampleTraffic(i), i);
    store.enqueue(topicOf(m), encodeFeedMessage(m), kNow);
  }
  EXPECT_EQ(store.queued(), 100u);
  EXPECT_EQ(store.counters().droppedQueueFull, 150u);
  EXPECT_EQ(store.drain(kNow, 30), 30u);
  EXPECT_EQ(store.queued(), 70u);
  EXPECT_EQ(store.drain(kNow), 70u);
  EXPECT_EQ(store.count(FeedKind::Traffic), 100u);
  EXPECT_TRUE(store.traffic().count(250));  // the newest survived
  EXPECT_FALSE(store.traffic().count(150));
  EXPECT_EQ(store.counters().received, 250u);
  EXPECT_EQ(store.counters().accepted + store.counters().dropped(), 250u);
  // Too large to queue at all.
  std::vector<uint8_t> huge(kMaxFeedMessageBytes + 1, 0);
  store.enqueue("citymap/v1/danang/traffic/1", huge, kNow);
  EXPECT_EQ(store.counters().droppedMalformed, 1u);
  EXPECT_EQ(store.queued(), 0u);
}

// A copy of everything the store holds, to check that bad input changes nothing.
struct Snapshot {
  EntityMap<Entity<TrafficUpdate>> traffic;
  EntityMap<Entity<CameraUpdate>> cameras;
  EntityMap<Entity<SensorReading>> sensors;
  EntityMap<Entity<Incident>> incidents;
  EntityMap<BusTrack> buses;
  EntityMap<Entity<ShelterStatus>> shelters;
  EntityMap<Entity<StormReport>> storms;
  int64_t newest;
  explicit Snapshot(const FeedStore& s)
      : traffic(s.traffic()),
        cameras(s.cameras()),
        sensors(s.sensors()),
        incidents(s.incidents()),
        buses(s.buses()),
        shelters(s.shelters()),
        storms(s.storms()),
        newest(s.newestTimestampMs()) {}
  bool operator==(const Snapshot&) const = default;
};

TEST(FeedStore, MalformedTruncatedAndBitFlippedPayloadsAreCountedAndChangeNothing) {
  FeedStore store;
  std::vector<std::pair<std::string, std::vector<uint8_t>>> valid;
  for (const FeedMessage& m : sampleMessages()) {
    valid.emplace_back(topicOf(m), encodeFeedMessage(m));
    ASSERT_EQ(store.ingest(valid.back().first, valid.back().second, kNow), IngestStatus::Accepted);
  }
  const Snapshot before(store);
  const FeedCounters c0 = store.counters();

  // Every truncation of every valid message, through the queue.
  uint64_t truncated = 0;
  for (const auto& [topic, bytes] : valid)
    for (size_t n = 1; n < bytes.size(); ++n, ++truncated)
      store.enqueue(topic, std::span<const uint8_t>(bytes.data(), n), kNow), store.drain(kNow);
  // Cutting off only the builder's trailing padding leaves the same message: a duplicate.
  EXPECT_EQ(
      store.counters().droppedMalformed - c0.droppedMalformed + store.counters().droppedDuplicate - c0.droppedDuplicate,
      truncated);
  EXPECT_GT(store.counters().droppedMalformed - c0.droppedMalformed, truncated - 8 * valid.size());
  EXPECT_TRUE(Snapshot(store) == before);

  // Random bit flips: refused ones are counted and change nothing; the ones that still verify
  // are valid messages and go through the ordering rules like any other (same sequence as
  // the stored one, or none at all on another entity's topic: never a partial update).
  std::mt19937 rng(7);
  uint64_t refused = 0;
  for (int round = 0; round < 20000; ++round) {
    const auto& [topic, bytes] = valid[rng() % valid.size()];
    auto copy = bytes;
    const int flips = 1 + int(rng() % 3);
    for (int f = 0; f < flips; ++f) copy[rng() % copy.size()] ^= uint8_t(1u << (rng() % 8));
    const Snapshot pre(store);
    const auto status = store.ingest(topic, copy, kNow);
    if (status == IngestStatus::Malformed || status == IngestStatus::Unknown) {
      ++refused;
      ASSERT_TRUE(Snapshot(store) == pre) << "refused message changed the state (round " << round << ")";
    }
  }
  EXPECT_GT(refused, 10000u);
  const FeedCounters& c = store.counters();
  EXPECT_EQ(c.received, c.accepted + c.dropped());  // no empty payloads so far
  // Random garbage on random topics.
  for (int round = 0; round < 5000; ++round) {
    std::vector<uint8_t> junk(rng() % 200);
    for (auto& b : junk) b = uint8_t(rng());
    const Snapshot pre(store);
    const auto status = store.ingest(valid[rng() % valid.size()].first, junk, kNow);
    if (!junk.empty()) {
      EXPECT_TRUE(status == IngestStatus::Malformed || status == IngestStatus::Unknown);
      ASSERT_TRUE(Snapshot(store) == pre);
    }
  }
}

TEST(FeedStore, ClearKeepsCounters) {
  FeedStore store;
  for (const FeedMessage& m : sampleMessages()) ASSERT_EQ(ingestMessage(store, m), IngestStatus::Accepted);
  store.clear();
  EXPECT_EQ(store.totalCount(), 0u);
  EXPECT_EQ(store.counters().accepted, uint64_t(kFeedKindCount));
  EXPECT_EQ(store.newestTimestampMs(), 0);
}

// Not a benchmark with a threshold: prints the ingest rate (decode + verify + apply) for the
// record and checks that it is not absurdly low.
TEST(FeedStore, IngestRate) {
  FeedStore store;
  std::vector<std::pair<std::string, std::vector<uint8_t>>> msgs;
  for (uint64_t i = 0; i < 20000; ++i) {
    FeedMessage m;
    switch (i % 4) {
      case 0:
        m = envelope(sampleTraffic(1 + i % 1500), i + 1, kT0);
        break;
      case 1:
        m = envelope(sampleSensor(1 + i % 45), i + 1, kT0);
        break;
      case 2:
        m = envelope(sampleBus(1 + i % 60, {108.22 + double(i % 100) * 1e-5, 16.06}), i + 1, kT0 + int64_t(i));
        break;
      default:
        m = envelope(sampleShelter(1 + i % 413), i + 1, kT0);
        break;
    }
    msgs.emplace_back(topicOf(m), encodeFeedMessage(m));
  }
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < msgs.size(); ++i) {
    store.enqueue(msgs[i].first, msgs[i].second, kNow);
    if (i % 1000 == 999) store.drain(kNow);
  }
  store.drain(kNow);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rate = double(msgs.size()) / s;
  std::cout << "[ feeds ] ingest rate: " << uint64_t(rate) << " messages/s (" << msgs.size() << " in " << s * 1000
            << " ms)\n";
  RecordProperty("messages_per_second", std::to_string(uint64_t(rate)));
  EXPECT_EQ(store.counters().accepted, msgs.size());
  EXPECT_GT(rate, 1000);
}

}  // namespace
}  // namespace citymap::feeds
