#include "feeds/feed_types.hpp"

#include <array>

namespace citymap::feeds {

namespace {
constexpr std::array<std::string_view, kFeedKindCount> kKindNames = {"traffic", "camera", "sensor",
                                                                    "incident", "bus", "shelter"};
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
    case Unit::Centimetre: return "cm";
    case Unit::Millimetre: return "mm";
    case Unit::MillimetrePerHour: return "mm/h";
    case Unit::MetrePerSecond: return "m/s";
    case Unit::Metre: return "m";
  }
  return "";
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
  };
  return std::visit(Visitor{}, payload);
}

}  // namespace citymap::feeds
