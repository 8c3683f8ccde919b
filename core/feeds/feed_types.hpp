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
enum class FeedKind : uint8_t { Traffic = 0, Camera = 1, Sensor = 2, Incident = 3, Bus = 4, Shelter = 5 };
inline constexpr int kFeedKindCount = 6;

// Topic segment of a kind ("traffic", "camera", "sensor", "incident", "bus", "shelter").
std::string_view kindName(FeedKind kind);
std::optional<FeedKind> kindFromName(std::string_view name);

struct LngLat {
  double lng = 0;
  double lat = 0;
  friend bool operator==(const LngLat&, const LngLat&) = default;
};

enum class Congestion : uint8_t { Unknown = 0, Free = 1, Light = 2, Moderate = 3, Heavy = 4, Standstill = 5, Closed = 6 };
enum class CameraKind : uint8_t { Traffic = 0, Security = 1 };
enum class CameraStatus : uint8_t { Online = 0, Offline = 1, Maintenance = 2 };
enum class Unit : uint8_t { Centimetre = 0, Millimetre = 1, MillimetrePerHour = 2, MetrePerSecond = 3, Metre = 4 };
enum class Trend : uint8_t { Unknown = 0, Falling = 1, Steady = 2, Rising = 3 };
enum class IncidentKind : uint8_t { Flood = 0, Storm = 1, Landslide = 2, TrafficJam = 3, Accident = 4, RoadClosure = 5 };
enum class Severity : uint8_t { Info = 0, Minor = 1, Moderate = 2, Severe = 3, Extreme = 4 };

std::string_view unitSymbol(Unit unit);  // "cm", "mm", "mm/h", "m/s", "m"

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

using FeedPayload = std::variant<TrafficUpdate, CameraUpdate, SensorReading, Incident, BusReport, ShelterStatus>;

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
