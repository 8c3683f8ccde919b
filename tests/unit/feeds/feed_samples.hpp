#pragma once
// Valid sample messages of every kind for the feed tests (Da Nang coordinates).
#include <cstdint>
#include <vector>

#include "feeds/feed_types.hpp"
#include "feeds/feed_writer.hpp"

namespace citymap::feeds::testing {

inline constexpr int64_t kT0 = 1'790'000'000'000;  // 2026-09-21, ms since the epoch

inline FeedMessage envelope(FeedPayload payload, uint64_t sequence = 1, int64_t timestampMs = kT0,
                            const char* source = "test") {
  FeedMessage m;
  m.source = source;
  m.sequence = sequence;
  m.timestampMs = timestampMs;
  m.simulated = true;
  m.payload = std::move(payload);
  return m;
}

inline TrafficUpdate sampleTraffic(uint64_t id = (123456789ull << 2) | 1) {
  return {id, 23.5f, 45.0f, Congestion::Moderate};
}

inline CameraUpdate sampleCamera(uint64_t id = 77) {
  return {id, CameraKind::Security, {108.2208, 16.0611}, CameraStatus::Online, kT0 - 500, "Cầu Rồng"};
}

inline SensorReading sampleSensor(uint64_t id = 4242) {
  SensorReading s;
  s.stationId = id;
  s.kind = tile::IocKind::FloodStation;
  s.position = LngLat{108.2103417, 16.0636221};
  s.value = 152.5f;
  s.unit = Unit::Centimetre;
  s.thresholds = {150, 200, 250};
  s.trend = Trend::Rising;
  return s;
}

inline Incident sampleIncident(uint64_t id = 9001, Severity severity = Severity::Severe, int64_t startMs = kT0,
                               int64_t expiryMs = kT0 + 3'600'000) {
  Incident i;
  i.incidentId = id;
  i.kind = IncidentKind::Flood;
  i.severity = severity;
  i.point = LngLat{108.2103, 16.0636};
  i.area = {{108.20, 16.06}, {108.22, 16.06}, {108.22, 16.07}, {108.20, 16.07}};
  i.titleVi = "Ngập lụt";
  i.titleEn = "Flooding";
  i.textVi = "Mực nước vượt báo động 1";
  i.textEn = "Water above alert level 1";
  i.adviceVi = "Tránh khu vực";
  i.adviceEn = "Avoid the area";
  i.startMs = startMs;
  i.expiryMs = expiryMs;
  i.segmentIds = {5, 9};
  return i;
}

inline BusReport sampleBus(uint64_t id = 31, LngLat position = {108.2200, 16.0600}, const char* trip = "R16_turn_01") {
  BusReport b;
  b.vehicleId = id;
  b.label = "R16-03";
  b.route = "R16";
  b.direction = 0;
  b.tripId = trip;
  b.position = position;
  b.bearingDeg = 90;
  b.speedKmh = 22;
  b.nextStopId = "41676731701";
  b.nextStopName = "101 Nguyễn Văn Cừ";
  b.delayS = 45;
  return b;
}

inline ShelterStatus sampleShelter(uint64_t id = 555) { return {id, true, 600, 120}; }

// A typhoon in the East Sea heading west-northwest for Da Nang; its centre at kT0.
inline StormReport sampleStorm(uint64_t id = 2609) {
  constexpr int64_t h = 3'600'000;
  StormReport s;
  s.stormId = id;
  s.nameVi = "Bão số 9 (MÔ PHỎNG)";
  s.nameEn = "Typhoon No. 9 (SIMULATED)";
  s.category = StormCategory::Typhoon;
  s.position = {109.5, 15.8};
  s.windMs = 42;
  s.gustMs = 56.5f;
  s.beaufort = 14;
  s.gustBeaufort = 17;
  s.pressureHpa = 958;
  s.headingDeg = 290;
  s.speedKmh = 20;
  s.strongWindRadiusKm = 190;
  s.past = {{kT0 - 12 * h, {111.8, 15.3}, 38, StormCategory::Typhoon, 0},
            {kT0 - 6 * h, {110.7, 15.55}, 40, StormCategory::Typhoon, 0}};
  s.forecast = {{kT0 + 6 * h, {108.6, 16.0}, 40, StormCategory::Typhoon, 33},
                {kT0 + 12 * h, {107.7, 16.1}, 30, StormCategory::SevereTropicalStorm, 51},
                {kT0 + 24 * h, {106.0, 16.4}, 16, StormCategory::TropicalDepression, 87},
                {kT0 + 48 * h, {103.3, 16.9}, 9, StormCategory::Low, 159}};
  return s;
}

inline std::vector<FeedMessage> sampleMessages() {
  return {envelope(sampleTraffic()), envelope(sampleCamera()),  envelope(sampleSensor()), envelope(sampleIncident()),
          envelope(sampleBus()),     envelope(sampleShelter()), envelope(sampleStorm())};
}

}  // namespace citymap::feeds::testing
