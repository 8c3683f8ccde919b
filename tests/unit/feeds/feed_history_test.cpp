// The feed history (core/feeds/feed_history.hpp): replay at T equals the live store at T, and
// the history stays within its memory budget under the loads of issue 10 (scaled down here;
// the full-scale figures come from tests/bench/feed_history_bench.cpp).
#include "feeds/feed_history.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "feed_history_load.hpp"
#include "feed_samples.hpp"
#include "feeds/feed_store.hpp"
#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"

namespace citymap::feeds {
namespace {

using testing::envelope;
using testing::kT0;
using testing::loadHash;

constexpr int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute;

// The first id whose entity differs between two tables ("" if equal).
template <typename Map>
std::string firstDifference(const Map& a, const Map& b) {
  if (a == b) return "";
  for (const auto& [id, e] : a) {
    const auto it = b.find(id);
    if (it == b.end()) return "id " + std::to_string(id) + " only live";
    if (!(it->second == e)) return "id " + std::to_string(id) + " differs";
  }
  for (const auto& [id, e] : b)
    if (!a.count(id)) return "id " + std::to_string(id) + " only replayed";
  return "?";
}

// Everything the map shows of a store at time t: tables (values and metadata), alerts(t), bus
// poses, fades.
// (Traffic only by count when `traffic` is false: thinned.)
void expectSameState(const FeedStore& live, const FeedStore& replay, int64_t t, bool traffic = true) {
  SCOPED_TRACE("t = T0 + " + std::to_string((t - kT0) / 1000.0) + " s");
  for (int k = 0; k < kFeedKindCount; ++k)
    EXPECT_EQ(live.count(FeedKind(k)), replay.count(FeedKind(k))) << "kind " << k;
  if (traffic) {
    EXPECT_EQ(firstDifference(live.traffic(), replay.traffic()), "");
  }
  EXPECT_EQ(firstDifference(live.cameras(), replay.cameras()), "");
  EXPECT_EQ(firstDifference(live.sensors(), replay.sensors()), "");
  EXPECT_EQ(firstDifference(live.incidents(), replay.incidents()), "");
  EXPECT_EQ(firstDifference(live.buses(), replay.buses()), "");
  EXPECT_EQ(firstDifference(live.shelters(), replay.shelters()), "");
  EXPECT_EQ(firstDifference(live.storms(), replay.storms()), "");
  const auto a = live.alerts(t), b = replay.alerts(t);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(*a[i], *b[i]) << "alert " << i;
  for (const auto& [id, bus] : live.buses())
    for (const int64_t at : {t, t - 15 * kSecond, t - 3 * kSecond}) {
      const auto p = live.busPose(id, at), q = replay.busPose(id, at);
      ASSERT_TRUE(p && q);
      EXPECT_EQ(p->position, q->position) << "bus " << id;
      EXPECT_EQ(p->bearingDeg, q->bearingDeg) << "bus " << id;
      EXPECT_EQ(p->extrapolated, q->extrapolated) << "bus " << id;
    }
  for (const auto& [id, e] : traffic ? live.traffic() : EntityMap<Entity<TrafficUpdate>>{})
    EXPECT_EQ(live.fade(FeedKind::Traffic, e.meta.timestampMs, t),
              replay.fade(FeedKind::Traffic, e.meta.timestampMs, t));
  for (const auto& [id, e] : live.sensors())
    EXPECT_EQ(live.fade(FeedKind::Sensor, e.meta.timestampMs, t), replay.fade(FeedKind::Sensor, e.meta.timestampMs, t));
}

FeedStore snapshot(const FeedStore& live) {
  FeedStore s = live;
  s.setChangeListener(nullptr);
  return s;
}

// ---- the scripted live session ------------------------------------------------------------

BusReport busAt(uint64_t id, double along, const std::string& trip) {
  BusReport b = testing::sampleBus(id, {108.20 + 0.0004 * along, 16.05 + 0.0001 * double(id % 3)}, "");
  b.tripId = trip;
  b.label = "R1" + std::to_string(id) + "-01";
  return b;
}

// Drives a live store through two and a half hours of every kind of change, with the app's
// prune every second, and calls `atSecond(t)` after each second.
class Script {
 public:
  explicit Script(FeedStore& live) : live_(live) {}

  template <typename F>
  void run(F&& atSecond) {
    for (int64_t s = 0; s <= 150 * 60; ++s) {
      const int64_t t = kT0 + s * kSecond;
      second(s, t);
      live_.prune(t);
      atSecond(t);
    }
  }

  size_t sent = 0;

 private:
  // Alternates between the transport path (topic + bytes) and applying a decoded message.
  void send(const FeedMessage& m, int64_t now) {
    ++sent;
    if (sent % 2) {
      const auto bytes = encodeFeedMessage(m);
      live_.ingest(feedTopic("danang", m.kind(), m.entityId()), bytes, now);
    } else {
      live_.apply(m, now);
    }
  }
  void clearEntity(FeedKind kind, uint64_t id, int64_t now) { live_.ingest(feedTopic("danang", kind, id), {}, now); }

  FeedMessage msg(FeedPayload p, int64_t ts, const char* source = "feedsim") {
    return envelope(std::move(p), ++sequence_, ts, source);
  }

  void second(int64_t s, int64_t t) {
    const int64_t minute = s / 60;
    const int64_t lag = int64_t(loadHash(uint64_t(s)) % 2500);
    // Traffic: 40 segments, about one report every 7 s each.
    for (uint64_t seg = 0; seg < 40; ++seg) {
      if (loadHash(seg, uint64_t(s)) % 7 != 0) continue;
      if (seg == 5 && minute >= 30 && minute < 40) continue;  // cleared at 30 min (below), back at 40
      if (seg == 6 && minute >= 20 && minute < 50) continue;  // silent: hidden and pruned, back at 50
      const uint64_t id = (uint64_t(1000 + seg) << 2) | 1;
      TrafficUpdate u{id, float(5 + (seg * 7 + uint64_t(s)) % 50) + 0.25f, seg == 9 && minute > 60 ? 70.0f : 50.0f,
                      Congestion((seg + uint64_t(s)) % 7)};
      int64_t ts = t - lag;
      if (seg == 7 && minute % 10 == 3) ts = t - 9 * kMinute;   // old but not hidden: fading
      if (seg == 7 && minute % 10 == 4) ts = t - 11 * kMinute;  // hidden on arrival: dropped
      if (seg == 8 && minute % 10 == 5) ts = t + 4 * kMinute;   // ahead, within the limit
      if (seg == 8 && minute % 10 == 6) ts = t + 6 * kMinute;   // too far ahead: dropped
      const char* source = seg >= 30 && (s / 90) % 2 ? "ioc-traffic" : "feedsim";
      FeedMessage m = msg(u, ts, source);
      if (seg == 11 && minute >= 70) m.sequence += uint64_t(1) << 40;  // a restarted publisher, much higher
      send(m, t);
      if (loadHash(seg, uint64_t(s) + 7) % 40 == 0) send(m, t);  // duplicate: dropped
      if (loadHash(seg, uint64_t(s) + 9) % 50 == 0) {            // older sequence: dropped
        FeedMessage old = m;
        old.sequence -= 3;
        send(old, t);
      }
      if (seg == 12 && s % 97 == 0) {  // out-of-range congestion (apply does not verify)
        FeedMessage odd = msg(TrafficUpdate{id, 12, 50, Congestion(20)}, t);
        live_.apply(odd, t);
      }
    }
    if (s == 30 * 60) clearEntity(FeedKind::Traffic, (uint64_t(1005) << 2) | 1, t);
    if (s == 31 * 60) clearEntity(FeedKind::Traffic, (uint64_t(99999) << 2) | 1, t);  // never seen

    // Sensors: 6 stations every 5 minutes, rising through the thresholds; station 5 stops at 40.
    for (uint64_t st = 0; st < 6; ++st) {
      if ((s + int64_t(st) * 37) % 300 != 0 || (st == 5 && minute >= 40)) continue;
      SensorReading r = testing::sampleSensor(4000 + st);
      r.value = float(60 + 2 * minute + int64_t(st));
      r.thresholds = {100, 180, 250};
      send(msg(r, t - lag), t);
    }
    // Shelters: 5, every 10 minutes, filling; shelter 4 closes at 90 minutes.
    for (uint64_t sh = 0; sh < 5; ++sh) {
      if ((s + int64_t(sh) * 53) % 600 != 0) continue;
      const bool open = !(sh == 4 && minute >= 90);
      send(msg(ShelterStatus{5000 + sh, open, 300, int32_t(std::min<int64_t>(300, minute * 3))}, t - lag), t);
    }
    // Cameras: 2, every 2 minutes; camera 1 stops at 30 minutes.
    for (uint64_t c = 0; c < 2; ++c)
      if ((s + int64_t(c) * 11) % 120 == 0 && !(c == 1 && minute >= 30)) {
        CameraUpdate cam = testing::sampleCamera(70 + c);
        cam.lastFrameMs = t - 500;
        cam.status = minute % 3 == 0 ? CameraStatus::Offline : CameraStatus::Online;
        send(msg(cam, t - lag), t);
      }
    // Storm bulletins every 20 minutes, moving west; its topic cleared at 130 minutes, and a
    // second storm from 100 minutes.
    if (s % 1200 == 7 && minute < 130) {
      StormReport storm = testing::sampleStorm();
      storm.position.lng -= 0.01 * double(minute);
      storm.windMs = float(30 + minute / 10);
      send(msg(storm, t - lag), t);
    }
    if (s == 130 * 60) clearEntity(FeedKind::Storm, testing::sampleStorm().stormId, t);
    if (s >= 100 * 60 && s % 900 == 0) send(msg(testing::sampleStorm(2610), t - lag), t);
    incidents(s, t);
    buses(s, t);
  }

  void incidents(int64_t s, int64_t t) {
    const auto incident = [&](uint64_t id, Severity sev, int64_t startS, int64_t expiryS) {
      return testing::sampleIncident(id, sev, kT0 + startS * kSecond, kT0 + expiryS * kSecond);
    };
    // 1: starts at 10 min, worsens at 20 and 30, cancelled at 60; a late copy at 65 is dropped.
    if (s == 600) send(msg(incident(1, Severity::Minor, 600, 7200), t), t);
    if (s == 1200) send(msg(incident(1, Severity::Moderate, 600, 7200), t), t);
    if (s == 1800) {
      late1_ = msg(incident(1, Severity::Severe, 600, 7200), t);
      send(late1_, t);
    }
    if (s == 3600) {
      Incident in = incident(1, Severity::Severe, 600, 7200);
      in.cancelled = true;
      send(msg(in, t), t);
    }
    if (s == 3900) send(late1_, t);
    // 2: 15 to 45 min, expires.
    if (s == 900) send(msg(incident(2, Severity::Severe, 900, 2700), t), t);
    // 3: from 25 min, its topic cleared at 70; a late copy at 75 is dropped (tombstone).
    if (s == 1500) {
      late3_ = msg(incident(3, Severity::Moderate, 1500, 9000), t);
      send(late3_, t);
    }
    if (s == 4200) clearEntity(FeedKind::Incident, 3, t);
    if (s == 4500) send(late3_, t);
    // 4: extreme, from 80 min past the end.
    if (s == 4800) send(msg(incident(4, Severity::Extreme, 4800, 20000), t), t);
    // 5: another source, at 100 and 110 min.
    if (s == 6000 || s == 6600) send(msg(incident(5, Severity::Info, 6000, 9500), t - 1000, "ioc-alerts"), t);
  }

  void buses(int64_t s, int64_t t) {
    for (uint64_t b = 0; b < 3; ++b) {
      if ((s + int64_t(b) * 4) % 15 != 0) continue;
      const int64_t minute = s / 60;
      std::string trip = "T" + std::to_string(b);
      double along = double(s) / 15;
      if (b == 0 && minute >= 30) trip = "T0b";                  // a new trip: no interpolation across
      if (b == 0 && minute >= 60 && minute < 68) continue;       // silent: hidden and pruned, then back
      if (b == 1 && minute == 20 && s % 60 < 15) along += 2000;  // a jump: not interpolated
      if (b == 2 && minute >= 40 && minute < 50) {
        if (minute == 40 && s % 60 < 15) clearEntity(FeedKind::Bus, 31 + b, t);  // off duty
        continue;
      }
      BusReport r = busAt(31 + b, along, trip);
      if (b == 1 && s % 600 == 4) r.bearingDeg = 360.5f;  // invalid (apply does not verify): kept in full
      FeedMessage m = msg(r, t - 200);
      if (r.bearingDeg > 360)
        live_.apply(m, t);
      else
        send(m, t);
      if (b == 1 && s % 120 == 4) send(m, t);  // duplicate
    }
  }

  FeedStore& live_;
  uint64_t sequence_ = 100;
  FeedMessage late1_, late3_;
};

struct Capture {
  int64_t t;
  FeedStore state;
};

TEST(FeedHistory, ReplayEqualsTheLiveStoreAtEveryTime) {
  FeedStore live;
  FeedHistory attached;   // reads the bus interpolation state from the live store
  FeedHistory bare;       // infers it (record without the store)
  attached.attach(live);  // copies the store's configuration (bare has the same, the default)
  size_t changes = 0;
  live.setChangeListener([&](FeedKind kind, uint64_t id, const FeedMessage* m, int64_t now) {
    ++changes;
    attached.record(kind, id, m, now, &live);
    bare.record(kind, id, m, now);
  });

  std::vector<Capture> captures;
  Script script(live);
  script.run([&](int64_t t) {
    const int64_t s = (t - kT0) / 1000;
    if (s % 23 == 0 || s % 600 == 0 || s % 600 == 1 || s == 3600 || s == 4200 || s == 2700)
      captures.push_back({t, snapshot(live)});
  });
  ASSERT_GT(captures.size(), 300u);
  // The script did what it says: drops of every kind, removals, all kinds present at times.
  const FeedCounters& c = live.counters();
  EXPECT_GT(c.droppedDuplicate, 20u);
  EXPECT_GT(c.droppedOutOfOrder, 20u);
  EXPECT_GT(c.droppedStale, 10u);
  EXPECT_GE(c.removed, 4u);
  EXPECT_EQ(attached.oldestMs(), kT0);
  EXPECT_EQ(attached.newestMs(), kT0 + 150 * kMinute);
  EXPECT_EQ(attached.thinnedBeforeMs(), attached.oldestMs());
  EXPECT_EQ(changes, c.accepted + 5 /* retained clears */);
  EXPECT_EQ(attached.records(), changes);
  EXPECT_EQ(bare.records(), changes);
  bool sawEvery = false;
  for (const Capture& cap : captures)
    sawEvery = sawEvery || (!cap.state.traffic().empty() && !cap.state.cameras().empty() &&
                            !cap.state.sensors().empty() && !cap.state.incidents().empty() &&
                            !cap.state.buses().empty() && !cap.state.shelters().empty() && !cap.state.storms().empty());
  EXPECT_TRUE(sawEvery);

  for (FeedHistory* h : {&attached, &bare}) {
    SCOPED_TRACE(h == &attached ? "attached" : "bare record");
    // One-shot replays.
    for (const Capture& cap : captures) {
      FeedStore replay;
      h->replayInto(replay, cap.t);
      expectSameState(cap.state, replay, cap.t);
      if (HasFailure()) return;
    }
    // The slider moving forward: incremental, never rebuilt after the first seek.
    FeedReplayer forward(*h);
    for (const Capture& cap : captures) {
      const FeedStore& replay = forward.seek(cap.t);
      expectSameState(cap.state, replay, cap.t);
      EXPECT_EQ(forward.lastSeek().mismatches, 0u);
      if (&cap != &captures.front()) {
        EXPECT_FALSE(forward.lastSeek().rebuilt);
      }
      if (HasFailure()) return;
    }
    // Dragged around at random.
    FeedReplayer random(*h);
    std::mt19937 rng(7);
    for (int i = 0; i < 200; ++i) {
      const Capture& cap = captures[rng() % captures.size()];
      expectSameState(cap.state, random.seek(cap.t), cap.t);
      EXPECT_EQ(random.lastSeek().mismatches, 0u);
      if (HasFailure()) return;
    }
  }
}

TEST(FeedHistory, TrafficRecordsKeepEveryField) {
  // Values the compact traffic records must carry exactly: sources, simulated flags, free-flow
  // changes, sequence jumps, timestamps far from the clock, removals, odd enum values.
  FeedStoreConfig config;
  config.staleness[size_t(FeedKind::Traffic)] = {0, 0};  // never hidden: any old timestamp is taken
  config.maxFutureMs = 400 * kHour;
  FeedStore live(config);
  FeedHistory history;
  history.attach(live);
  const uint64_t id = (uint64_t(77) << 2) | 1;
  std::vector<Capture> captures;
  int64_t now = kT0;
  uint64_t seq = 5;
  const auto send = [&](FeedMessage m) {
    now += 1000;
    live.apply(m, now);
    captures.push_back({now, snapshot(live)});
  };
  send(envelope(TrafficUpdate{id, 10.5f, 50, Congestion::Free}, seq, now - 300));
  send(envelope(TrafficUpdate{id, 11.5f, 50, Congestion::Heavy}, seq += 1, now - 300, "other"));
  FeedMessage notSimulated = envelope(TrafficUpdate{id, 12, 50, Congestion::Light}, seq += 1, now, "other");
  notSimulated.simulated = false;
  send(notSimulated);
  send(envelope(TrafficUpdate{id, 13, 60, Congestion::Closed}, seq += 1, now, "other"));
  send(envelope(TrafficUpdate{id, 14, 60, Congestion(200)}, seq += 1, now, "other"));
  send(envelope(TrafficUpdate{id, 15, 60, Congestion::Free}, seq += (uint64_t(1) << 33), now, "other"));
  send(envelope(TrafficUpdate{id, 16, 60, Congestion::Free}, seq += 1, now - 100 * kHour, "other"));  // way back
  send(envelope(TrafficUpdate{id, 17, 60, Congestion::Free}, seq += 1, now + 300 * kHour, "other"));  // way ahead
  send(envelope(TrafficUpdate{id, 18, 60, Congestion::Free}, seq += 1, now + 300 * kHour + 5, "other"));
  now += 1000;
  live.ingest(feedTopic("danang", FeedKind::Traffic, id), {}, now);
  captures.push_back({now, snapshot(live)});
  send(envelope(TrafficUpdate{id, 19, 60, Congestion::Free}, seq += 1, now + 300 * kHour + 10, "other"));
  ASSERT_EQ(live.counters().accepted, 10u);
  EXPECT_EQ(history.records(), 11u);
  FeedReplayer forward(history);
  for (const Capture& cap : captures) {
    FeedStore replay;
    history.replayInto(replay, cap.t);
    expectSameState(cap.state, replay, cap.t);
    expectSameState(cap.state, forward.seek(cap.t), cap.t);
    EXPECT_EQ(forward.lastSeek().mismatches, 0u);
  }
  // Before the first change: nothing.
  FeedStore before;
  history.replayInto(before, kT0);
  EXPECT_EQ(before.totalCount(), 0u);
}

TEST(FeedHistory, ClearAndGeneration) {
  FeedStore live;
  FeedHistory history;
  history.attach(live);
  EXPECT_TRUE(history.empty());
  live.apply(envelope(testing::sampleSensor(), 1, kT0), kT0);
  EXPECT_FALSE(history.empty());
  EXPECT_EQ(history.entities(), 1u);
  FeedReplayer replayer(history);
  EXPECT_EQ(replayer.seek(kT0).count(FeedKind::Sensor), 1u);
  const uint64_t generation = history.generation();
  history.clear();
  EXPECT_NE(history.generation(), generation);
  EXPECT_TRUE(history.empty());
  EXPECT_EQ(history.records(), 0u);
  EXPECT_EQ(replayer.seek(kT0 + 1).count(FeedKind::Sensor), 0u);
  EXPECT_TRUE(replayer.lastSeek().rebuilt);
  FeedHistory::detach(live);
  live.apply(envelope(testing::sampleSensor(), 2, kT0 + 5), kT0 + 5);
  EXPECT_TRUE(history.empty());
}

// ---- the budget ---------------------------------------------------------------------------

TEST(FeedHistory, TyphoonSixHoursExactlyWithinTheDefaultBudget) {
  FeedStore live;
  FeedHistory history;
  history.attach(live);
  testing::TyphoonLoad load(kT0);
  std::vector<Capture> captures;
  size_t maxBytes = 0;
  const int64_t end = kT0 + 6 * kHour;
  for (int64_t t = kT0; t <= end; t += testing::TyphoonLoad::kStepMs) {
    for (const testing::LoadEvent& e : load.step(t)) {
      if (e.clear)
        live.ingest(feedTopic("danang", e.kind, e.id), {}, t);
      else
        live.apply(e.message, t);
    }
    live.prune(t);
    maxBytes = std::max(maxBytes, history.bytes());
    if (t == kT0 + 5000 || t == kT0 + 3 * kHour || t == end || (t - kT0) % (47 * kMinute) == 0)
      captures.push_back({t, snapshot(live)});
  }
  std::printf("typhoon 6 h: %zu changes, %zu entities, %.2f MiB (max %.2f MiB) of a %.0f MiB budget\n",
              history.records(), history.entities(), double(history.bytes()) / (1 << 20), double(maxBytes) / (1 << 20),
              double(history.config().budgetBytes) / (1 << 20));
  EXPECT_LE(maxBytes, history.config().budgetBytes);
  EXPECT_GT(history.records(), 300'000u);
  // The whole 6 hours, nothing thinned.
  EXPECT_EQ(history.oldestMs(), kT0);
  EXPECT_EQ(history.newestMs(), end);
  EXPECT_EQ(history.thinnedBeforeMs(), kT0);
  EXPECT_EQ(history.trafficResolutionMs(kT0 + kHour), 0);
  FeedReplayer replayer(history);
  for (const Capture& cap : captures) expectSameState(cap.state, replayer.seek(cap.t), cap.t);
  expectSameState(captures.front().state, replayer.seek(captures.front().t), captures.front().t);
  EXPECT_TRUE(replayer.lastSeek().rebuilt);
}

// A replayed traffic state in a thinned part: one the segment really had, received at most one
// bucket plus a report interval before T, never after T.
void expectThinnedTraffic(const FeedStore& replay, const testing::TrafficLoad& load, int64_t t, int64_t resolution,
                          int64_t periodMs) {
  for (const auto& [id, e] : replay.traffic()) {
    const testing::LoadEvent sent = load.bySequence(e.meta.sequence);
    ASSERT_EQ(sent.id, id);
    ASSERT_EQ(sent.message.payload, FeedPayload(e.value));
    ASSERT_EQ(sent.message.timestampMs, e.meta.timestampMs);
    ASSERT_EQ(load.timeOf(e.meta.sequence - testing::TrafficLoad::kFirstSequence), e.meta.receivedMs);
    ASSERT_LE(e.meta.receivedMs, t);
    ASSERT_GT(e.meta.receivedMs, t - resolution - periodMs - 1);
  }
}

// Scaled down from 5,000 updates/s over 30,000 segments for an hour (the benchmark runs that):
// 500/s over 3,000 segments for 20 minutes (600,000 updates), same report interval (6 s).
TEST(FeedHistory, TrafficLoadIsThinnedWithinItsBudget) {
  constexpr size_t kSegments = 3000;
  constexpr double kRate = 500;
  constexpr int64_t kPeriodMs = 6000, kDurationMs = 20 * kMinute;
  FeedHistoryConfig config;
  config.budgetBytes = size_t(2) << 20;
  FeedStore live;
  FeedHistory history(config);
  history.attach(live);
  const testing::TrafficLoad load(kSegments, kRate, kT0);
  std::vector<Capture> captures;
  size_t maxBytes = 0;
  const auto n = uint64_t(double(kDurationMs) / 1000 * kRate);
  int64_t lastPrune = kT0;
  for (uint64_t i = 0; i < n; ++i) {
    const int64_t t = load.timeOf(i);
    live.apply(load.make(i).message, t);
    maxBytes = std::max(maxBytes, history.bytes());
    if (t - lastPrune >= 1000) {  // the app's prune every second
      live.prune(t);
      lastPrune = t;
      if ((t - kT0) % (20 * kSecond) == 0) captures.push_back({t, snapshot(live)});
    }
  }
  const int64_t end = load.timeOf(n - 1);
  std::printf(
      "traffic %zu segments at %.0f/s for %lld min: %.2f MiB (max %.2f MiB) of %.2f MiB; window %.1f min, "
      "thinned before -%.1f min, resolution at the start %lld s\n",
      kSegments, kRate, (long long)(kDurationMs / kMinute), double(history.bytes()) / (1 << 20),
      double(maxBytes) / (1 << 20), double(config.budgetBytes) / (1 << 20),
      double(history.newestMs() - history.oldestMs()) / kMinute, double(end - history.thinnedBeforeMs()) / kMinute,
      (long long)(history.trafficResolutionMs(history.oldestMs()) / 1000));
  EXPECT_LE(maxBytes, config.budgetBytes);
  // The whole window, the newest minute exact, older traffic thinned.
  EXPECT_EQ(history.oldestMs(), kT0);
  EXPECT_EQ(history.newestMs(), end);
  EXPECT_GE(history.thinnedBeforeMs(), history.oldestMs());
  EXPECT_LE(history.thinnedBeforeMs(), end - config.exactTrafficMs);
  EXPECT_GT(history.trafficResolutionMs(history.oldestMs()), 0);

  FeedReplayer forward(history), random(history);
  size_t exact = 0, thinned = 0;
  for (const Capture& cap : captures) {
    FeedStore replay;
    history.replayInto(replay, cap.t);
    EXPECT_EQ(replay.traffic(), forward.seek(cap.t).traffic());
    EXPECT_EQ(forward.lastSeek().mismatches, 0u);
    const int64_t resolution = history.trafficResolutionMs(cap.t);
    if (resolution == 0) {
      ++exact;
      expectSameState(cap.state, replay, cap.t);
    } else {
      ++thinned;
      EXPECT_EQ(replay.traffic().size(), cap.state.traffic().size());
      expectThinnedTraffic(replay, load, cap.t, resolution, kPeriodMs);
    }
  }
  EXPECT_GT(exact, 1u);
  EXPECT_GT(thinned, 20u);
  // Seeking at the oldest point: every segment, none from the future.
  const FeedStore& oldest = random.seek(history.oldestMs() + 1000);
  EXPECT_EQ(oldest.traffic().size(), 501u);  // updates 0..500 by then
  expectThinnedTraffic(oldest, load, history.oldestMs() + 1000, history.trafficResolutionMs(history.oldestMs()),
                       kPeriodMs);
  EXPECT_EQ(random.seek(end).traffic(), live.traffic());
}

// A budget too small for the whole load: the oldest part goes; the window starts later and
// every kind is still exact there (sensors) or within its resolution (traffic).
TEST(FeedHistory, DropsTheOldestPartWhenThinningIsNotEnough) {
  constexpr size_t kSegments = 2000;
  constexpr double kRate = 400;
  const testing::TrafficLoad load(kSegments, kRate, kT0);
  FeedHistoryConfig config;
  config.budgetBytes = size_t(1) << 20;  // the whole load thinned needs ~1.3 MiB (native), ~1.2 (wasm)
  FeedStore live;
  FeedHistory history(config);
  history.attach(live);
  std::vector<Capture> captures;
  size_t maxBytes = 0;
  const auto n = uint64_t(20 * 60 * kRate);
  int64_t lastPrune = kT0;
  uint64_t sensorSeq = 1;
  for (uint64_t i = 0; i < n; ++i) {
    const int64_t t = load.timeOf(i);
    live.apply(load.make(i).message, t);
    maxBytes = std::max(maxBytes, history.bytes());
    if (t - lastPrune >= 1000) {
      live.prune(t);
      lastPrune = t;
      if ((t - kT0) % (15 * kSecond) == 0) {  // 10 sensors every 15 s
        for (uint64_t s = 0; s < 10; ++s) {
          SensorReading r = testing::sampleSensor(900 + s);
          r.value = float((t - kT0) / 1000 + int64_t(s));
          live.apply(envelope(r, sensorSeq++, t - 100), t);
        }
        captures.push_back({t, snapshot(live)});
      }
    }
  }
  std::printf("drop: %.2f MiB (max %.2f MiB) of %.2f MiB, window %.1f min of 20\n", double(history.bytes()) / (1 << 20),
              double(maxBytes) / (1 << 20), double(config.budgetBytes) / (1 << 20),
              double(history.newestMs() - history.oldestMs()) / kMinute);
  EXPECT_LE(maxBytes, config.budgetBytes);
  EXPECT_GT(history.oldestMs(), kT0 + kMinute);
  EXPECT_LT(history.oldestMs(), history.newestMs() - 150 * kSecond);
  FeedReplayer replayer(history);
  size_t checked = 0;
  for (const Capture& cap : captures) {
    if (cap.t < history.oldestMs()) continue;
    const FeedStore& replay = replayer.seek(cap.t);
    EXPECT_EQ(firstDifference(cap.state.sensors(), replay.sensors()), "");
    EXPECT_EQ(replay.traffic().size(), cap.state.traffic().size());
    const int64_t resolution = history.trafficResolutionMs(cap.t);
    if (resolution == 0) {
      EXPECT_EQ(firstDifference(cap.state.traffic(), replay.traffic()), "");
    } else {
      expectThinnedTraffic(replay, load, cap.t, resolution, 5000);
    }
    ++checked;
  }
  EXPECT_GT(checked, 5u);
  // At the window's start exactly.
  const FeedStore& first = replayer.seek(history.oldestMs());
  EXPECT_EQ(first.sensors().size(), 10u);
  EXPECT_EQ(first.traffic().size(), kSegments);
}

// The typhoon with a budget for less than its 3 hours: sensors, shelters, incidents, buses
// (with their interpolation) and alerts stay exact from the window's new start on.
TEST(FeedHistory, DroppingKeepsEveryEntityExactFromTheNewStart) {
  FeedHistoryConfig config;
  config.budgetBytes = size_t(3) << 20;
  FeedStore live;
  FeedHistory history(config);
  history.attach(live);
  testing::TyphoonLoad load(kT0);
  std::vector<Capture> captures;
  size_t maxBytes = 0;
  const int64_t end = kT0 + 3 * kHour;
  for (int64_t t = kT0; t <= end; t += testing::TyphoonLoad::kStepMs) {
    for (const testing::LoadEvent& e : load.step(t)) {
      if (e.clear)
        live.ingest(feedTopic("danang", e.kind, e.id), {}, t);
      else
        live.apply(e.message, t);
    }
    live.prune(t);
    maxBytes = std::max(maxBytes, history.bytes());
    if ((t - kT0) % (7 * kMinute) == 0) captures.push_back({t, snapshot(live)});
  }
  std::printf("typhoon 3 h in %.1f MiB: window %.1f min, traffic thinned to %lld s before -%.1f min\n",
              double(config.budgetBytes) / (1 << 20), double(history.newestMs() - history.oldestMs()) / kMinute,
              (long long)(history.trafficResolutionMs(history.oldestMs()) / 1000),
              double(end - history.thinnedBeforeMs()) / kMinute);
  EXPECT_LE(maxBytes, config.budgetBytes);
  EXPECT_GT(history.oldestMs(), kT0 + 10 * kMinute);
  EXPECT_GT(history.trafficResolutionMs(history.oldestMs()), 0);
  FeedReplayer replayer(history);
  size_t checked = 0;
  for (const Capture& cap : captures) {
    if (cap.t < history.oldestMs()) continue;
    const FeedStore& replay = replayer.seek(cap.t);
    const int64_t resolution = history.trafficResolutionMs(cap.t);
    expectSameState(cap.state, replay, cap.t, resolution == 0);
    for (const auto& [id, e] : replay.traffic()) {
      EXPECT_LE(e.meta.receivedMs, cap.t);
      EXPECT_GT(e.meta.receivedMs, cap.t - resolution - 65 * kSecond);
    }
    ++checked;
  }
  EXPECT_GT(checked, 3u);
  const FeedStore& first = replayer.seek(history.oldestMs());
  EXPECT_EQ(first.buses().size(), testing::TyphoonLoad::kBuses);
  EXPECT_EQ(first.shelters().size(), testing::TyphoonLoad::kShelters);
  size_t interpolated = 0;
  for (const auto& [id, bus] : first.buses()) interpolated += bus.previous.has_value();
  EXPECT_GT(interpolated, testing::TyphoonLoad::kBuses / 2);
}

}  // namespace
}  // namespace citymap::feeds
