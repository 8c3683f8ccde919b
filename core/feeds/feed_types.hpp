#pragma once
// Plain C++ values of decoded feed messages (schema: feed.fbs, docs/FEEDS.md). Enum values are
// the schema's; feed_reader.cpp static_asserts that they stay in step.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tile/kinds.hpp"

namespace citymap::feeds {

inline constexpr uint16_t kFeedFormatVersion = 1;

// The kinds of entity a feed reports on; the order is the payload variant's.
enum class FeedKind : uint8_t { Traffic = 0, Camera = 1, Sensor = 2, Incident = 3, Bus = 4, Shelter = 5, Storm = 6 };
inline constexpr int kFeedKindCount = 7;

// Topic segment of a kind ("traffic", "camera", "sensor", "incident", "bus", "shelter", "storm").
std::string_view kindName(FeedKind kind);
std::optional<FeedKind> kindFromName(std::string_view name);

struct LngLat {
  double lng = 0;
  double lat = 0;
  friend bool operator==(const LngLat&, const LngLat&) = default;
};

enum class Congestion : uint8_t {
  Unknown = 0,
  Free = 1,
  Light = 2,
  Moderate = 3,
  Heavy = 4,
  Standstill = 5,
  Closed = 6
};
enum class CameraKind : uint8_t { Traffic = 0, Security = 1 };
enum class CameraStatus : uint8_t { Online = 0, Offline = 1, Maintenance = 2 };
enum class Unit : uint8_t { Centimetre = 0, Millimetre = 1, MillimetrePerHour = 2, MetrePerSecond = 3, Metre = 4 };
enum class Trend : uint8_t { Unknown = 0, Falling = 1, Steady = 2, Rising = 3 };
enum class IncidentKind : uint8_t {
  Flood = 0,
  Storm = 1,
  Landslide = 2,
  TrafficJam = 3,
  Accident = 4,
  RoadClosure = 5
};
enum class Severity : uint8_t { Info = 0, Minor = 1, Moderate = 2, Severe = 3, Extreme = 4 };
// Vietnam's storm classes by the Beaufort level of the maximum sustained wind (feed.fbs).
enum class StormCategory : uint8_t {
  Low = 0,                  // below level 6
  TropicalDepression = 1,   // 6-7, áp thấp nhiệt đới
  TropicalStorm = 2,        // 8-9, bão
  SevereTropicalStorm = 3,  // 10-11, bão mạnh
  Typhoon = 4,              // 12-15, bão rất mạnh
  SuperTyphoon = 5,         // 16-17, siêu bão
};

std::string_view unitSymbol(Unit unit);  // "cm", "mm", "mm/h", "m/s", "m"

// Beaufort level ("cấp") of a wind speed in m/s on Vietnam's scale, which extends the Beaufort
// scale to level 17 (>= 56.1 m/s); 0 for calm or invalid values.
int beaufortLevel(double windMs);
// The storm class of a Beaufort level of the maximum sustained wind.
StormCategory stormCategoryFor(int beaufort);

struct TrafficUpdate {
  uint64_t segmentId = 0;
  float speedKmh = 0;
  float freeFlowKmh = 0;
  Congestion congestion = Congestion::Unknown;
  friend bool operator==(const TrafficUpdate&, const TrafficUpdate&) = default;
};

struct CameraUpdate {
  uint64_t cameraId = 0;
  CameraKind kind = CameraKind::Traffic;
  LngLat position;
  CameraStatus status = CameraStatus::Online;
  int64_t lastFrameMs = 0;
  std::string name;
  friend bool operator==(const CameraUpdate&, const CameraUpdate&) = default;
};

struct SensorReading {
  uint64_t stationId = 0;
  tile::IocKind kind = tile::IocKind::FloodStation;  // FloodTower, FloodStation, RainGauge or CoastalStation
  std::optional<LngLat> position;
  float value = 0;
  Unit unit = Unit::Centimetre;
  std::vector<float> thresholds;  // ascending
  Trend trend = Trend::Unknown;
  // Number of thresholds the value has reached (0 = below the first alert level).
  int alertLevel() const;
  friend bool operator==(const SensorReading&, const SensorReading&) = default;
};

struct Incident {
  uint64_t incidentId = 0;
  IncidentKind kind = IncidentKind::Flood;
  Severity severity = Severity::Info;
  std::optional<LngLat> point;
  std::vector<LngLat> area;  // outer ring, empty if none
  std::string titleVi, titleEn, textVi, textEn, adviceVi, adviceEn;
  int64_t startMs = 0;
  int64_t expiryMs = 0;
  bool cancelled = false;
  std::vector<uint64_t> segmentIds;
  friend bool operator==(const Incident&, const Incident&) = default;
};

struct BusReport {
  uint64_t vehicleId = 0;
  std::string label;
  std::string route;
  uint8_t direction = 0;
  std::string tripId;
  LngLat position;
  float bearingDeg = 0;
  float speedKmh = 0;
  std::string nextStopId;
  std::string nextStopName;
  int32_t delayS = 0;
  friend bool operator==(const BusReport&, const BusReport&) = default;
};

struct ShelterStatus {
  uint64_t shelterId = 0;
  bool open = false;
  int32_t capacity = 0;
  int32_t occupancy = 0;
  friend bool operator==(const ShelterStatus&, const ShelterStatus&) = default;
};

// A position of a storm's centre on its track, observed or forecast.
struct StormPoint {
  int64_t timeMs = 0;
  LngLat position;
  float windMs = 0;  // maximum sustained wind, m/s (0 = unknown)
  StormCategory category = StormCategory::Low;
  float radiusKm = 0;  // forecast: the uncertainty cone's radius around the centre
  friend bool operator==(const StormPoint&, const StormPoint&) = default;
};

// A tropical storm's bulletin: the centre at the message's timestamp, intensity, movement,
// the track so far and the forecast with its uncertainty cone.
struct StormReport {
  uint64_t stormId = 0;
  std::string nameVi, nameEn;
  StormCategory category = StormCategory::Low;
  LngLat position;
  float windMs = 0, gustMs = 0;
  uint8_t beaufort = 0, gustBeaufort = 0;  // "cấp", 0..17
  float pressureHpa = 0;                   // 0 = unknown
  float headingDeg = 0;                    // where it moves, [0, 360)
  float speedKmh = 0;
  float strongWindRadiusKm = 0;      // winds of level 6 and above (0 = unknown)
  std::vector<StormPoint> past;      // oldest first
  std::vector<StormPoint> forecast;  // soonest first, after the past
  friend bool operator==(const StormReport&, const StormReport&) = default;
};

// One alternative per FeedKind, in its order (new kinds are appended).
using FeedPayload =
    std::variant<TrafficUpdate, CameraUpdate, SensorReading, Incident, BusReport, ShelterStatus, StormReport>;
static_assert(std::variant_size_v<FeedPayload> == size_t(kFeedKindCount));

struct FeedMessage {
  uint16_t version = kFeedFormatVersion;
  std::string source;
  uint64_t sequence = 0;
  int64_t timestampMs = 0;
  bool simulated = false;
  FeedPayload payload;

  FeedKind kind() const { return static_cast<FeedKind>(payload.index()); }
  uint64_t entityId() const;
  friend bool operator==(const FeedMessage&, const FeedMessage&) = default;
};

}  // namespace citymap::feeds
