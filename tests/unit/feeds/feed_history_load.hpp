#pragma once
// Synthetic feed loads for the feed history's budget tests and benchmarks (no data files):
//   - TyphoonLoad: the simulator's typhoon scenario at its default rates (docs/FEEDS.md):
//     789 road segments every minute, 45 sensors every 5 minutes, 413 shelters every 10 minutes,
//     51 buses every 15 s (the typhoon suspends them; counted anyway, as on a normal day),
//     incidents raised, updated every 5 minutes and cleared;
//   - TrafficLoad: N traffic updates per second cycling over S segments (feedsim --traffic-rate).
// Messages are shaped like the simulator's (Da Nang coordinates, Vietnamese names).
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "feeds/feed_types.hpp"

namespace citymap::feeds::testing {

// One change as a transport would hand it to the store: a message, or a retained clear.
struct LoadEvent {
  FeedKind kind = FeedKind::Traffic;
  uint64_t id = 0;
  bool clear = false;
  FeedMessage message;
};

inline uint64_t loadHash(uint64_t a, uint64_t b = 0) {
  uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull + (a << 6) + (a >> 2));
  h ^= h >> 31;
  h *= 0xD6E8FEB86659FD93ull;
  return h ^ (h >> 32);
}
inline double loadUnit(uint64_t a, uint64_t b = 0) { return double(loadHash(a, b) >> 11) / double(1ull << 53); }

inline uint64_t loadSegmentId(size_t k) { return (uint64_t(400'000'000 + k * 7) << 2) | 1; }

inline FeedMessage loadEnvelope(FeedPayload payload, uint64_t sequence, int64_t timestampMs) {
  FeedMessage m;
  m.source = "feedsim";
  m.sequence = sequence;
  m.timestampMs = timestampMs;
  m.simulated = true;
  m.payload = std::move(payload);
  return m;
}

inline TrafficUpdate loadTraffic(size_t segment, uint64_t pass) {
  const float freeFlow = float(30 + 10 * (segment % 4));
  const double factor = 0.15 + 0.85 * loadUnit(segment, pass);
  TrafficUpdate t;
  t.segmentId = loadSegmentId(segment);
  t.freeFlowKmh = freeFlow;
  t.speedKmh = float(std::round(double(freeFlow) * factor * 10) / 10);
  t.congestion = factor > 0.8   ? Congestion::Free
                 : factor > 0.6 ? Congestion::Light
                 : factor > 0.4 ? Congestion::Moderate
                 : factor > 0.2 ? Congestion::Heavy
                                : Congestion::Standstill;
  return t;
}

// `rate` traffic updates per second over `segments` segments, from `startMs` on: update i goes
// to segment i % segments at startMs + i / rate, with a timestamp up to 2 s older.
class TrafficLoad {
 public:
  TrafficLoad(size_t segments, double rate, int64_t startMs) : segments_(segments), rate_(rate), startMs_(startMs) {}

  int64_t timeOf(uint64_t i) const { return startMs_ + int64_t(double(i) * 1000.0 / rate_); }
  LoadEvent make(uint64_t i) const {
    const int64_t now = timeOf(i);
    LoadEvent e;
    e.kind = FeedKind::Traffic;
    e.id = loadSegmentId(i % segments_);
    e.message = loadEnvelope(loadTraffic(i % segments_, i / segments_), kFirstSequence + i,
                             now - int64_t(loadHash(i, 77) % 2000));
    return e;
  }
  // The update a segment received with this sequence number.
  LoadEvent bySequence(uint64_t sequence) const { return make(sequence - kFirstSequence); }

  static constexpr uint64_t kFirstSequence = 1'790'000'000'000'000ull;

 private:
  size_t segments_;
  double rate_;
  int64_t startMs_;
};

// The typhoon at the simulator's default rates, in steps of 5 s (the simulator's step).
class TyphoonLoad {
 public:
  static constexpr size_t kSegments = 789, kSensors = 45, kShelters = 413, kBuses = 51;
  static constexpr int64_t kStepMs = 5000;

  explicit TyphoonLoad(int64_t startMs) : startMs_(startMs) {}

  // The changes due in (t - kStepMs, t], t a step after startMs.
  std::vector<LoadEvent> step(int64_t t) {
    std::vector<LoadEvent> out;
    const int64_t k = (t - startMs_) / kStepMs;
    const double hours = double(t - startMs_) / 3.6e6;
    const auto due = [&](uint64_t entity, int64_t everyMs) {
      const int64_t every = everyMs / kStepMs;
      return (k + int64_t(loadHash(entity, 1) % uint64_t(every))) % every == 0;
    };
    for (size_t s = 0; s < kSegments; ++s)
      if (due(s, 60'000)) out.push_back(event(loadEnvelope(loadTraffic(s, uint64_t(k)), 0, t)));
    for (size_t s = 0; s < kSensors; ++s) {
      if (!due(1000 + s, 5 * 60'000)) continue;
      SensorReading r;
      r.stationId = 0x7000'0000'0000ull + s;
      r.kind = tile::IocKind(s % 4);
      r.position = LngLat{108.15 + 0.002 * double(s), 16.0 + 0.001 * double(s)};
      r.value = float(std::round((50 + 40 * hours + 10 * loadUnit(s, uint64_t(k))) * 10) / 10);
      r.unit = Unit::Centimetre;
      r.thresholds = {100, 180, 250};
      r.trend = Trend::Rising;
      out.push_back(event(loadEnvelope(r, 0, t)));
    }
    for (size_t s = 0; s < kShelters; ++s) {
      if (!due(2000 + s, 10 * 60'000)) continue;
      const bool open = hours > 2 || s % 7 == 0;
      const int32_t capacity = 100 + int32_t(s % 9) * 50;
      const auto occupancy = int32_t(open ? std::min(1.0, hours / 6) * capacity * loadUnit(s) : 0);
      out.push_back(event(loadEnvelope(ShelterStatus{0x5000'0000'0000ull + s, open, capacity, occupancy}, 0, t)));
    }
    for (size_t b = 0; b < kBuses; ++b) {
      if (!due(3000 + b, 15'000)) continue;
      BusReport r;
      r.vehicleId = 0x3000'0000'0000ull + b;
      r.label = "R" + std::to_string(b % 6 + 10) + "-" + std::to_string(b / 6 + 1);
      r.route = "R" + std::to_string(b % 6 + 10);
      r.direction = uint8_t(b % 2);
      r.tripId = r.route + "_" + std::to_string(b % 2) + "_" + std::to_string(k / 240);
      const double along = double(k % 240) / 240;
      r.position = {108.18 + 0.05 * along + 0.001 * double(b), 16.03 + 0.02 * along};
      r.bearingDeg = 68;
      r.speedKmh = 22;
      r.nextStopId = std::to_string(41676731701ull + uint64_t(k % 240) / 10);
      r.nextStopName = "101 Nguyễn Văn Cừ, Hải Châu";
      r.delayS = int32_t(k % 300);
      out.push_back(event(loadEnvelope(r, 0, t)));
    }
    // An incident starts every 20 minutes, lasts 2 hours, changes every 5 minutes; every third
    // is cleared early.
    const int64_t incidentEvery = 20 * 60'000 / kStepMs, updateEvery = 5 * 60'000 / kStepMs;
    for (int64_t n = std::max<int64_t>(0, (k - 1440) / incidentEvery); n <= k / incidentEvery; ++n) {
      const int64_t born = n * incidentEvery, age = k - born;
      const uint64_t id = 0x1000'0000'0000ull + uint64_t(n);
      if (age < 0) continue;
      if (n % 3 == 2 && age == 480) {
        LoadEvent e;
        e.kind = FeedKind::Incident;
        e.id = id;
        e.clear = true;
        out.push_back(std::move(e));
        continue;
      }
      if (age % updateEvery != 0 || age >= 1440 || (n % 3 == 2 && age > 480)) continue;
      Incident in;
      in.incidentId = id;
      in.kind = IncidentKind(n % 6);
      in.severity = Severity(std::min<int64_t>(4, age / 240 + 1));
      in.point = LngLat{108.2 + 0.001 * double(n % 50), 16.05};
      for (int p = 0; p < 6; ++p)
        in.area.push_back({108.2 + 0.001 * double(n % 50) + 0.002 * std::cos(p), 16.05 + 0.002 * std::sin(p)});
      in.titleVi = "Ngập sâu trên đường Bạch Đằng";
      in.titleEn = "Deep flooding on Bạch Đằng street";
      in.textVi = "Mực nước " + std::to_string(age) + " cm, vượt báo động 2. Các phương tiện không nên đi qua.";
      in.textEn = "Water " + std::to_string(age) + " cm, above alert level 2. Vehicles should not pass.";
      in.adviceVi = "Tránh khu vực, di chuyển đến nơi trú ẩn gần nhất.";
      in.adviceEn = "Avoid the area and go to the nearest shelter.";
      in.startMs = startMs_ + born * kStepMs;
      in.expiryMs = in.startMs + 2 * 3'600'000;
      in.segmentIds = {loadSegmentId(size_t(n) % kSegments), loadSegmentId(size_t(n + 1) % kSegments)};
      out.push_back(event(loadEnvelope(std::move(in), 0, t)));
    }
    return out;
  }

 private:
  LoadEvent event(FeedMessage m) {
    m.sequence = ++sequence_;
    m.timestampMs -= int64_t(loadHash(sequence_, 5) % 1500);  // transport delay
    LoadEvent e;
    e.kind = m.kind();
    e.id = m.entityId();
    e.message = std::move(m);
    return e;
  }

  int64_t startMs_;
  uint64_t sequence_ = 1'790'000'000'000'000ull;
};

}  // namespace citymap::feeds::testing
