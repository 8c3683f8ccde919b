#include "feeds/feed_reader.hpp"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "base/compose.hpp"
#include "citymap/feed_generated.h"

namespace citymap::feeds {

namespace fb = citymap::feed::fb;

// The C++ enums mirror the schema's.
static_assert(uint8_t(fb::Congestion::MAX) == uint8_t(Congestion::Closed));
static_assert(uint8_t(fb::CameraKind::MAX) == uint8_t(CameraKind::Security));
static_assert(uint8_t(fb::CameraStatus::MAX) == uint8_t(CameraStatus::Maintenance));
static_assert(uint8_t(fb::Unit::MAX) == uint8_t(Unit::Metre));
static_assert(uint8_t(fb::Trend::MAX) == uint8_t(Trend::Rising));
static_assert(uint8_t(fb::IncidentKind::MAX) == uint8_t(IncidentKind::RoadClosure));
static_assert(uint8_t(fb::Severity::MAX) == uint8_t(Severity::Extreme));
static_assert(uint8_t(fb::StormCategory::MAX) == uint8_t(StormCategory::SuperTyphoon));
static_assert(uint8_t(fb::Payload::MAX) == kFeedKindCount);
// Sensor kinds use the tile's IocKind numbers.
static_assert(uint8_t(fb::SensorKind::FloodTower) == uint8_t(tile::IocKind::FloodTower));
static_assert(uint8_t(fb::SensorKind::FloodStation) == uint8_t(tile::IocKind::FloodStation));
static_assert(uint8_t(fb::SensorKind::RainGauge) == uint8_t(tile::IocKind::RainGauge));
static_assert(uint8_t(fb::SensorKind::CoastalStation) == uint8_t(tile::IocKind::CoastalStation));
static_assert(uint8_t(fb::SensorKind::MAX) == uint8_t(tile::IocKind::CoastalStation));

namespace {

// Limits of the semantic checks.
constexpr size_t kMaxSourceBytes = 128;
constexpr size_t kMaxShortText = 256;  // names, titles, labels, ids
constexpr size_t kMaxLongText = 4096;  // incident text and advice
constexpr size_t kMaxAreaPoints = 10000;
constexpr size_t kMaxSegments = 10000;
constexpr size_t kMaxThresholds = 8;
constexpr int64_t kMaxTimeMs = 32503680000000;  // year 3000
constexpr float kMaxSpeedKmh = 400;
constexpr float kMaxSensorValue = 1e6f;
constexpr int32_t kMaxDelayS = 7 * 86400;
constexpr size_t kMaxStormPast = 256;
constexpr size_t kMaxStormForecast = 32;
constexpr float kMaxWindMs = 150;  // well above any recorded gust
constexpr float kMaxStormRadiusKm = 3000;
constexpr int kMaxBeaufort = 17;

bool validUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == 0) return false;
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // No overlong forms, no surrogates, nothing past U+10FFFF.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// Collects the first failure; every check returns false once one has failed.
class Checker {
 public:
  bool failed() const { return failed_; }
  DropReason reason() const { return reason_; }
  const std::string& message() const { return message_; }

  bool fail(DropReason reason, std::string message) {
    if (!failed_) {
      failed_ = true;
      reason_ = reason;
      message_ = std::move(message);
    }
    return false;
  }
  bool malformed(const std::string& what) { return fail(DropReason::Malformed, what); }

  template <typename E>
  bool knownEnum(E value, E max, const char* field) {
    if (static_cast<uint64_t>(value) <= static_cast<uint64_t>(max)) return true;
    return fail(DropReason::Unknown,
                std::string("unknown ") + field + " " + std::to_string(static_cast<uint64_t>(value)));
  }

  bool id(uint64_t v, const char* field) { return v != 0 || malformed(std::string(field) + " is missing"); }

  bool finite(double v, const char* field) {
    return std::isfinite(v) || malformed(std::string(field) + " is not a finite number");
  }

  bool range(double v, double lo, double hi, const char* field) {
    if (!finite(v, field)) return false;
    if (v < lo || v > hi)
      return malformed(std::string(field) + " " + std::to_string(v) + " is outside [" + std::to_string(lo) + ", " +
                       std::to_string(hi) + "]");
    return true;
  }

  bool time(int64_t ms, const char* field) {
    if (ms <= 0 || ms >= kMaxTimeMs) return malformed(std::string(field) + " " + std::to_string(ms) + " is not a time");
    return true;
  }

  bool position(const fb::LngLat* p, const char* field, bool required, std::optional<LngLat>& out) {
    if (!p) return !required || malformed(std::string(field) + " is missing");
    if (!range(p->lng(), -180, 180, (std::string(field) + ".lng").c_str())) return false;
    if (!range(p->lat(), -90, 90, (std::string(field) + ".lat").c_str())) return false;
    out = LngLat{p->lng(), p->lat()};
    return true;
  }

  bool position(const fb::LngLat* p, const char* field, LngLat& out) {
    std::optional<LngLat> v;
    if (!position(p, field, true, v)) return false;
    out = *v;
    return true;
  }

  bool text(const flatbuffers::String* s, const char* field, size_t maxBytes, bool required, std::string& out) {
    if (!s || s->size() == 0) return !required || malformed(std::string(field) + " is missing");
    if (s->size() > maxBytes)
      return malformed(std::string(field) + " is longer than " + std::to_string(maxBytes) + " bytes");
    const std::string_view v = s->string_view();
    if (!validUtf8(v)) return malformed(std::string(field) + " is not valid UTF-8");
    out.assign(v);
    utf8::composeNfcInPlace(out);  // decomposed Vietnamese (base letter + marks) as the tiles spell it
    return true;
  }

 private:
  bool failed_ = false;
  DropReason reason_ = DropReason::Malformed;
  std::string message_;
};

bool decode(Checker& c, const fb::Traffic& t, TrafficUpdate& out) {
  out.segmentId = t.segment_id();
  out.speedKmh = t.speed_kmh();
  out.freeFlowKmh = t.free_flow_kmh();
  out.congestion = static_cast<Congestion>(t.congestion());
  return c.id(t.segment_id(), "traffic.segment_id") && c.range(t.speed_kmh(), 0, kMaxSpeedKmh, "traffic.speed_kmh") &&
         c.range(t.free_flow_kmh(), 0, kMaxSpeedKmh, "traffic.free_flow_kmh") &&
         c.knownEnum(t.congestion(), fb::Congestion::MAX, "traffic.congestion");
}

bool decode(Checker& c, const fb::Camera& t, CameraUpdate& out) {
  out.cameraId = t.camera_id();
  out.kind = static_cast<CameraKind>(t.kind());
  out.status = static_cast<CameraStatus>(t.status());
  out.lastFrameMs = t.last_frame_ms();
  return c.id(t.camera_id(), "camera.camera_id") && c.knownEnum(t.kind(), fb::CameraKind::MAX, "camera.kind") &&
         c.knownEnum(t.status(), fb::CameraStatus::MAX, "camera.status") &&
         c.position(t.position(), "camera.position", out.position) &&
         (t.last_frame_ms() == 0 || c.time(t.last_frame_ms(), "camera.last_frame_ms")) &&
         c.text(t.name(), "camera.name", kMaxShortText, false, out.name);
}

bool decode(Checker& c, const fb::Sensor& t, SensorReading& out) {
  out.stationId = t.station_id();
  out.kind = static_cast<tile::IocKind>(t.kind());
  out.value = t.value();
  out.unit = static_cast<Unit>(t.unit());
  out.trend = static_cast<Trend>(t.trend());
  if (!c.id(t.station_id(), "sensor.station_id") || !c.knownEnum(t.kind(), fb::SensorKind::MAX, "sensor.kind") ||
      !c.knownEnum(t.unit(), fb::Unit::MAX, "sensor.unit") || !c.knownEnum(t.trend(), fb::Trend::MAX, "sensor.trend") ||
      !c.position(t.position(), "sensor.position", false, out.position) ||
      !c.range(t.value(), -kMaxSensorValue, kMaxSensorValue, "sensor.value"))
    return false;
  if (const auto* th = t.thresholds()) {
    if (th->size() > kMaxThresholds) return c.malformed("sensor.thresholds has more than 8 values");
    out.thresholds.reserve(th->size());
    for (float v : *th) {
      if (!c.range(v, -kMaxSensorValue, kMaxSensorValue, "sensor.thresholds")) return false;
      if (!out.thresholds.empty() && v <= out.thresholds.back())
        return c.malformed("sensor.thresholds are not ascending");
      out.thresholds.push_back(v);
    }
  }
  return true;
}

// The Verifier checks a vector's length field but not that 8-byte elements are 8-byte aligned;
// the buffer itself is (decodeFeedMessage copies it otherwise), so check the elements' address.
template <typename V>
bool aligned8(const V* v) {
  return !v || reinterpret_cast<uintptr_t>(v->Data()) % 8 == 0;
}

bool decode(Checker& c, const fb::Incident& t, Incident& out) {
  out.incidentId = t.incident_id();
  out.kind = static_cast<IncidentKind>(t.kind());
  out.severity = static_cast<Severity>(t.severity());
  out.startMs = t.start_ms();
  out.expiryMs = t.expiry_ms();
  out.cancelled = t.cancelled();
  if (!c.id(t.incident_id(), "incident.incident_id") ||
      !c.knownEnum(t.kind(), fb::IncidentKind::MAX, "incident.kind") ||
      !c.knownEnum(t.severity(), fb::Severity::MAX, "incident.severity") ||
      !c.position(t.point(), "incident.point", false, out.point))
    return false;
  if (!aligned8(t.area()) || !aligned8(t.segment_ids())) return c.malformed("incident has a misaligned vector");
  if (const auto* area = t.area(); area && area->size() > 0) {
    if (area->size() > kMaxAreaPoints) return c.malformed("incident.area has more than 10000 points");
    out.area.reserve(area->size());
    for (const fb::LngLat* p : *area) {
      LngLat v;
      if (!c.position(p, "incident.area", v)) return false;
      out.area.push_back(v);
    }
    const size_t distinct = out.area.size() - (out.area.size() > 1 && out.area.front() == out.area.back() ? 1 : 0);
    if (distinct < 3) return c.malformed("incident.area has fewer than 3 points");
  }
  if (!out.point && out.area.empty()) return c.malformed("incident has neither a point nor an area");
  if (!c.text(t.title_vi(), "incident.title_vi", kMaxShortText, true, out.titleVi) ||
      !c.text(t.title_en(), "incident.title_en", kMaxShortText, true, out.titleEn) ||
      !c.text(t.text_vi(), "incident.text_vi", kMaxLongText, false, out.textVi) ||
      !c.text(t.text_en(), "incident.text_en", kMaxLongText, false, out.textEn) ||
      !c.text(t.advice_vi(), "incident.advice_vi", kMaxLongText, false, out.adviceVi) ||
      !c.text(t.advice_en(), "incident.advice_en", kMaxLongText, false, out.adviceEn) ||
      !c.time(t.start_ms(), "incident.start_ms") || !c.time(t.expiry_ms(), "incident.expiry_ms"))
    return false;
  if (t.expiry_ms() <= t.start_ms()) return c.malformed("incident.expiry_ms is not after start_ms");
  if (const auto* segs = t.segment_ids()) {
    if (segs->size() > kMaxSegments) return c.malformed("incident.segment_ids has more than 10000 ids");
    out.segmentIds.assign(segs->begin(), segs->end());
    for (uint64_t s : out.segmentIds)
      if (s == 0) return c.malformed("incident.segment_ids contains 0");
  }
  return true;
}

bool decode(Checker& c, const fb::Bus& t, BusReport& out) {
  out.vehicleId = t.vehicle_id();
  out.direction = t.direction();
  out.bearingDeg = t.bearing_deg();
  out.speedKmh = t.speed_kmh();
  out.delayS = t.delay_s();
  if (!c.id(t.vehicle_id(), "bus.vehicle_id") || !c.text(t.route(), "bus.route", kMaxShortText, true, out.route) ||
      !c.text(t.label(), "bus.label", kMaxShortText, false, out.label) ||
      !c.text(t.trip_id(), "bus.trip_id", kMaxShortText, false, out.tripId) ||
      !c.text(t.next_stop_id(), "bus.next_stop_id", kMaxShortText, false, out.nextStopId) ||
      !c.text(t.next_stop_name(), "bus.next_stop_name", kMaxShortText, false, out.nextStopName) ||
      !c.position(t.position(), "bus.position", out.position) ||
      !c.range(t.speed_kmh(), 0, kMaxSpeedKmh, "bus.speed_kmh") || !c.finite(t.bearing_deg(), "bus.bearing_deg"))
    return false;
  if (t.direction() > 1) return c.malformed("bus.direction " + std::to_string(t.direction()) + " is not 0 or 1");
  if (t.bearing_deg() < 0 || t.bearing_deg() >= 360) return c.malformed("bus.bearing_deg is outside [0, 360)");
  if (t.delay_s() < -kMaxDelayS || t.delay_s() > kMaxDelayS) return c.malformed("bus.delay_s is more than a week");
  return true;
}

bool decode(Checker& c, const fb::Shelter& t, ShelterStatus& out) {
  out.shelterId = t.shelter_id();
  out.open = t.open();
  out.capacity = t.capacity();
  out.occupancy = t.occupancy();
  if (!c.id(t.shelter_id(), "shelter.shelter_id")) return false;
  if (t.capacity() < 0) return c.malformed("shelter.capacity is negative");
  if (t.occupancy() < 0) return c.malformed("shelter.occupancy is negative");
  return true;
}

// A track point; `after` is the time of the point before it (0: none): times strictly increase.
bool decode(Checker& c, const fb::StormPoint* t, const char* field, int64_t after, StormPoint& out) {
  if (!t) return c.malformed(std::string(field) + " has a missing point");
  out.timeMs = t->time_ms();
  out.windMs = t->wind_ms();
  out.category = static_cast<StormCategory>(t->category());
  out.radiusKm = t->radius_km();
  const std::string f(field);
  if (!c.time(t->time_ms(), (f + ".time_ms").c_str()) ||
      !c.position(t->position(), (f + ".position").c_str(), out.position) ||
      !c.range(t->wind_ms(), 0, kMaxWindMs, (f + ".wind_ms").c_str()) ||
      !c.knownEnum(t->category(), fb::StormCategory::MAX, (f + ".category").c_str()) ||
      !c.range(t->radius_km(), 0, kMaxStormRadiusKm, (f + ".radius_km").c_str()))
    return false;
  if (after != 0 && t->time_ms() <= after) return c.malformed(f + " times do not increase");
  return true;
}

bool decode(Checker& c, const fb::Storm& t, StormReport& out) {
  out.stormId = t.storm_id();
  out.category = static_cast<StormCategory>(t.category());
  out.windMs = t.wind_ms();
  out.gustMs = t.gust_ms();
  out.beaufort = t.beaufort();
  out.gustBeaufort = t.gust_beaufort();
  out.pressureHpa = t.pressure_hpa();
  out.headingDeg = t.heading_deg();
  out.speedKmh = t.speed_kmh();
  out.strongWindRadiusKm = t.strong_wind_radius_km();
  if (!c.id(t.storm_id(), "storm.storm_id") || !c.text(t.name_vi(), "storm.name_vi", kMaxShortText, true, out.nameVi) ||
      !c.text(t.name_en(), "storm.name_en", kMaxShortText, true, out.nameEn) ||
      !c.knownEnum(t.category(), fb::StormCategory::MAX, "storm.category") ||
      !c.position(t.position(), "storm.position", out.position) ||
      !c.range(t.wind_ms(), 0, kMaxWindMs, "storm.wind_ms") || !c.range(t.gust_ms(), 0, kMaxWindMs, "storm.gust_ms") ||
      !c.finite(t.pressure_hpa(), "storm.pressure_hpa") || !c.finite(t.heading_deg(), "storm.heading_deg") ||
      !c.range(t.speed_kmh(), 0, kMaxSpeedKmh, "storm.speed_kmh") ||
      !c.range(t.strong_wind_radius_km(), 0, kMaxStormRadiusKm, "storm.strong_wind_radius_km"))
    return false;
  if (t.beaufort() > kMaxBeaufort)
    return c.malformed("storm.beaufort " + std::to_string(t.beaufort()) + " is above 17");
  if (t.gust_beaufort() > kMaxBeaufort)
    return c.malformed("storm.gust_beaufort " + std::to_string(t.gust_beaufort()) + " is above 17");
  if (t.pressure_hpa() != 0 && (t.pressure_hpa() < 800 || t.pressure_hpa() > 1100))
    return c.malformed("storm.pressure_hpa is outside [800, 1100]");
  if (t.heading_deg() < 0 || t.heading_deg() >= 360) return c.malformed("storm.heading_deg is outside [0, 360)");
  int64_t last = 0;
  if (const auto* past = t.past()) {
    if (past->size() > kMaxStormPast) return c.malformed("storm.past has more than 256 points");
    out.past.resize(past->size());
    for (flatbuffers::uoffset_t i = 0; i < past->size(); ++i) {
      if (!decode(c, past->Get(i), "storm.past", last, out.past[i])) return false;
      last = out.past[i].timeMs;
    }
  }
  if (const auto* forecast = t.forecast()) {
    if (forecast->size() > kMaxStormForecast) return c.malformed("storm.forecast has more than 32 points");
    out.forecast.resize(forecast->size());
    for (flatbuffers::uoffset_t i = 0; i < forecast->size(); ++i) {
      if (!decode(c, forecast->Get(i), "storm.forecast", last, out.forecast[i])) return false;
      last = out.forecast[i].timeMs;
    }
  }
  return true;
}

template <typename Out, typename Table>
bool decodePayload(Checker& c, const Table* table, FeedPayload& payload) {
  if (!table) return c.malformed("payload is missing");
  Out out;
  if (!decode(c, *table, out)) return false;
  payload = std::move(out);
  return true;
}

Result<FeedMessage> decodeAligned(std::span<const uint8_t> bytes, DropReason* reason) {
  const auto refuse = [&](DropReason r, std::string message) -> Result<FeedMessage> {
    if (reason) *reason = r;
    return Error{"feed message: " + std::move(message)};
  };
  if (bytes.size() < 8) return refuse(DropReason::Malformed, "too short (" + std::to_string(bytes.size()) + " bytes)");
  if (bytes.size() > kMaxFeedMessageBytes)
    return refuse(DropReason::Malformed, "too large (" + std::to_string(bytes.size()) + " bytes)");
  if (!fb::MessageBufferHasIdentifier(bytes.data())) {
    if (std::memcmp(bytes.data() + 4, "CMF", 3) == 0)
      return refuse(DropReason::Unknown, "unknown format identifier (newer publisher?)");
    return refuse(DropReason::Malformed, "not a citymap feed message (bad file identifier)");
  }
  flatbuffers::Verifier verifier(bytes.data(), bytes.size(), 16, 4096);
  if (!fb::VerifyMessageBuffer(verifier))
    return refuse(DropReason::Malformed, "failed FlatBuffers verification (corrupt or truncated)");
  const fb::Message& m = *fb::GetMessage(bytes.data());
  if (m.version() != kFeedFormatVersion)
    return refuse(m.version() > kFeedFormatVersion ? DropReason::Unknown : DropReason::Malformed,
                  "unsupported version " + std::to_string(m.version()));

  Checker c;
  FeedMessage out;
  out.version = m.version();
  out.sequence = m.sequence();
  out.timestampMs = m.timestamp_ms();
  out.simulated = m.simulated();
  c.text(m.source(), "source", kMaxSourceBytes, true, out.source) && c.time(m.timestamp_ms(), "timestamp_ms");
  if (!c.failed()) {
    switch (m.payload_type()) {
      case fb::Payload::NONE:
        c.malformed("payload is missing");
        break;
      case fb::Payload::Traffic:
        decodePayload<TrafficUpdate>(c, m.payload_as_Traffic(), out.payload);
        break;
      case fb::Payload::Camera:
        decodePayload<CameraUpdate>(c, m.payload_as_Camera(), out.payload);
        break;
      case fb::Payload::Sensor:
        decodePayload<SensorReading>(c, m.payload_as_Sensor(), out.payload);
        break;
      case fb::Payload::Incident:
        decodePayload<Incident>(c, m.payload_as_Incident(), out.payload);
        break;
      case fb::Payload::Bus:
        decodePayload<BusReport>(c, m.payload_as_Bus(), out.payload);
        break;
      case fb::Payload::Shelter:
        decodePayload<ShelterStatus>(c, m.payload_as_Shelter(), out.payload);
        break;
      case fb::Payload::Storm:
        decodePayload<StormReport>(c, m.payload_as_Storm(), out.payload);
        break;
      default:
        c.fail(DropReason::Unknown, "unknown payload type " + std::to_string(static_cast<int>(m.payload_type())));
        break;
    }
  }
  if (c.failed()) return refuse(c.reason(), c.message());
  return out;
}

constexpr char kBatchIdentifier[] = "CMB1";

Result<size_t> forEachBatchMessageAligned(std::span<const uint8_t> bytes,
                                          const std::function<void(size_t, std::span<const uint8_t>)>& onMessage,
                                          DropReason* reason) {
  const auto refuse = [&](DropReason r, std::string message) -> Result<size_t> {
    if (reason) *reason = r;
    return Error{"feed batch: " + std::move(message)};
  };
  if (bytes.size() < 8) return refuse(DropReason::Malformed, "too short (" + std::to_string(bytes.size()) + " bytes)");
  if (bytes.size() > kMaxFeedMessageBytes)
    return refuse(DropReason::Malformed, "too large (" + std::to_string(bytes.size()) + " bytes)");
  if (!flatbuffers::BufferHasIdentifier(bytes.data(), kBatchIdentifier)) {
    if (std::memcmp(bytes.data() + 4, "CMB", 3) == 0)
      return refuse(DropReason::Unknown, "unknown format identifier (newer publisher?)");
    return refuse(DropReason::Malformed, "not a citymap feed batch (bad file identifier)");
  }
  // Depth: Batch, its vector, an Update, the message bytes. Tables: one per update and the root.
  flatbuffers::Verifier verifier(bytes.data(), bytes.size(), 8, 2 * kMaxFeedBatchUpdates + 2);
  if (!verifier.VerifyBuffer<fb::Batch>(kBatchIdentifier))
    return refuse(DropReason::Malformed, "failed FlatBuffers verification (corrupt or truncated)");
  const fb::Batch& b = *flatbuffers::GetRoot<fb::Batch>(bytes.data());
  if (b.version() != kFeedFormatVersion)
    return refuse(b.version() > kFeedFormatVersion ? DropReason::Unknown : DropReason::Malformed,
                  "unsupported version " + std::to_string(b.version()));
  const auto* updates = b.updates();
  if (!updates || updates->size() == 0) return refuse(DropReason::Malformed, "no updates");
  if (updates->size() > kMaxFeedBatchUpdates)
    return refuse(DropReason::Malformed, "more than " + std::to_string(kMaxFeedBatchUpdates) + " updates");
  for (flatbuffers::uoffset_t i = 0; i < updates->size(); ++i) {
    const fb::Update* u = updates->Get(i);
    if (!u || !u->message() || u->message()->size() == 0)
      return refuse(DropReason::Malformed, "update " + std::to_string(i) + " has no message");
  }
  for (flatbuffers::uoffset_t i = 0; i < updates->size(); ++i) {
    const auto* m = updates->Get(i)->message();
    onMessage(i, std::span<const uint8_t>(m->data(), m->size()));
  }
  return size_t(updates->size());
}

}  // namespace

bool looksLikeFeedBatch(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && flatbuffers::BufferHasIdentifier(bytes.data(), kBatchIdentifier);
}

Result<size_t> forEachFeedBatchMessage(std::span<const uint8_t> bytes,
                                       const std::function<void(size_t, std::span<const uint8_t>)>& onMessage,
                                       DropReason* reason) {
  // As for single messages: the verifier and the reads want an aligned buffer.
  if (reinterpret_cast<uintptr_t>(bytes.data()) % 8 != 0 && bytes.size() <= kMaxFeedMessageBytes) {
    std::vector<uint64_t> aligned((bytes.size() + 7) / 8);
    std::memcpy(aligned.data(), bytes.data(), bytes.size());
    return forEachBatchMessageAligned({reinterpret_cast<const uint8_t*>(aligned.data()), bytes.size()}, onMessage,
                                      reason);
  }
  return forEachBatchMessageAligned(bytes, onMessage, reason);
}

bool looksLikeFeedMessage(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && fb::MessageBufferHasIdentifier(bytes.data());
}

Result<FeedMessage> decodeFeedMessage(std::span<const uint8_t> bytes, DropReason* reason) {
  // FlatBuffers reads scalars in place: give it an 8-byte aligned copy if the caller's buffer
  // is not aligned (transports hand out payloads at any address).
  if (reinterpret_cast<uintptr_t>(bytes.data()) % 8 != 0 && bytes.size() <= kMaxFeedMessageBytes) {
    std::vector<uint64_t> aligned((bytes.size() + 7) / 8);
    std::memcpy(aligned.data(), bytes.data(), bytes.size());
    return decodeAligned({reinterpret_cast<const uint8_t*>(aligned.data()), bytes.size()}, reason);
  }
  return decodeAligned(bytes, reason);
}

}  // namespace citymap::feeds
