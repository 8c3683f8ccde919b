#include "feeds/feed_types.hpp"

#include <array>

namespace citymap::feeds {

namespace {
constexpr std::array<std::string_view, kFeedKindCount> kKindNames = {"traffic", "camera",  "sensor", "incident",
                                                                     "bus",     "shelter", "storm"};
}  // namespace

std::string_view kindName(FeedKind kind) {
  const auto i = static_cast<size_t>(kind);
  return i < kKindNames.size() ? kKindNames[i] : std::string_view("unknown");
}

std::optional<FeedKind> kindFromName(std::string_view name) {
  for (size_t i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == name) return static_cast<FeedKind>(i);
  return std::nullopt;
}

std::string_view unitSymbol(Unit unit) {
  switch (unit) {
    case Unit::Centimetre:
      return "cm";
    case Unit::Millimetre:
      return "mm";
    case Unit::MillimetrePerHour:
      return "mm/h";
    case Unit::MetrePerSecond:
      return "m/s";
    case Unit::Metre:
      return "m";
  }
  return "";
}

int beaufortLevel(double windMs) {
  // Lower bounds of levels 1..17 in m/s (Vietnam's scale; levels 13..17 extend Beaufort's 12).
  static constexpr double kFrom[] = {0.3,  1.6,  3.4,  5.5,  8.0,  10.8, 13.9, 17.2, 20.8,
                                     24.5, 28.5, 32.7, 37.0, 41.5, 46.2, 51.0, 56.1};
  int level = 0;
  if (!(windMs >= 0)) return 0;  // NaN too
  for (double from : kFrom)
    if (windMs >= from) ++level;
  return level;
}

StormCategory stormCategoryFor(int beaufort) {
  if (beaufort >= 16) return StormCategory::SuperTyphoon;
  if (beaufort >= 12) return StormCategory::Typhoon;
  if (beaufort >= 10) return StormCategory::SevereTropicalStorm;
  if (beaufort >= 8) return StormCategory::TropicalStorm;
  if (beaufort >= 6) return StormCategory::TropicalDepression;
  return StormCategory::Low;
}

int SensorReading::alertLevel() const {
  int level = 0;
  for (float t : thresholds)
    if (value >= t) ++level;
  return level;
}

uint64_t FeedMessage::entityId() const {
  struct Visitor {
    uint64_t operator()(const TrafficUpdate& v) const { return v.segmentId; }
    uint64_t operator()(const CameraUpdate& v) const { return v.cameraId; }
    uint64_t operator()(const SensorReading& v) const { return v.stationId; }
    uint64_t operator()(const Incident& v) const { return v.incidentId; }
    uint64_t operator()(const BusReport& v) const { return v.vehicleId; }
    uint64_t operator()(const ShelterStatus& v) const { return v.shelterId; }
    uint64_t operator()(const StormReport& v) const { return v.stormId; }
  };
  return std::visit(Visitor{}, payload);
}

}  // namespace citymap::feeds
