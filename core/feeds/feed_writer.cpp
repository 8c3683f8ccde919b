#include "feeds/feed_writer.hpp"

#include "citymap/feed_generated.h"

namespace citymap::feeds {

namespace fb = citymap::feed::fb;

namespace {

using Builder = flatbuffers::FlatBufferBuilder;

flatbuffers::Offset<flatbuffers::String> optionalString(Builder& b, const std::string& s) {
  return s.empty() ? 0 : b.CreateString(s);
}

fb::LngLat toFb(const LngLat& p) { return fb::LngLat(p.lng, p.lat); }

flatbuffers::Offset<void> encode(Builder& b, const TrafficUpdate& v) {
  fb::TrafficBuilder t(b);
  t.add_segment_id(v.segmentId);
  t.add_speed_kmh(v.speedKmh);
  t.add_free_flow_kmh(v.freeFlowKmh);
  t.add_congestion(static_cast<fb::Congestion>(v.congestion));
  return t.Finish().Union();
}

flatbuffers::Offset<void> encode(Builder& b, const CameraUpdate& v) {
  const auto name = optionalString(b, v.name);
  const fb::LngLat pos = toFb(v.position);
  fb::CameraBuilder t(b);
  t.add_camera_id(v.cameraId);
  t.add_kind(static_cast<fb::CameraKind>(v.kind));
  t.add_position(&pos);
  t.add_status(static_cast<fb::CameraStatus>(v.status));
  t.add_last_frame_ms(v.lastFrameMs);
  t.add_name(name);
  return t.Finish().Union();
}

flatbuffers::Offset<void> encode(Builder& b, const SensorReading& v) {
  const auto thresholds = v.thresholds.empty() ? 0 : b.CreateVector(v.thresholds);
  fb::LngLat pos;
  if (v.position) pos = toFb(*v.position);
  fb::SensorBuilder t(b);
  t.add_station_id(v.stationId);
  t.add_kind(static_cast<fb::SensorKind>(v.kind));
  if (v.position) t.add_position(&pos);
  t.add_value(v.value);
  t.add_unit(static_cast<fb::Unit>(v.unit));
  t.add_thresholds(thresholds);
  t.add_trend(static_cast<fb::Trend>(v.trend));
  return t.Finish().Union();
}

flatbuffers::Offset<void> encode(Builder& b, const Incident& v) {
  std::vector<fb::LngLat> ring;
  ring.reserve(v.area.size());
  for (const LngLat& p : v.area) ring.push_back(toFb(p));
  const auto area = ring.empty() ? 0 : b.CreateVectorOfStructs(ring);
  const auto titleVi = optionalString(b, v.titleVi);
  const auto titleEn = optionalString(b, v.titleEn);
  const auto textVi = optionalString(b, v.textVi);
  const auto textEn = optionalString(b, v.textEn);
  const auto adviceVi = optionalString(b, v.adviceVi);
  const auto adviceEn = optionalString(b, v.adviceEn);
  const auto segments = v.segmentIds.empty() ? 0 : b.CreateVector(v.segmentIds);
  fb::LngLat point;
  if (v.point) point = toFb(*v.point);
  fb::IncidentBuilder t(b);
  t.add_incident_id(v.incidentId);
  t.add_kind(static_cast<fb::IncidentKind>(v.kind));
  t.add_severity(static_cast<fb::Severity>(v.severity));
  if (v.point) t.add_point(&point);
  t.add_area(area);
  t.add_title_vi(titleVi);
  t.add_title_en(titleEn);
  t.add_text_vi(textVi);
  t.add_text_en(textEn);
  t.add_advice_vi(adviceVi);
  t.add_advice_en(adviceEn);
  t.add_start_ms(v.startMs);
  t.add_expiry_ms(v.expiryMs);
  t.add_cancelled(v.cancelled);
  t.add_segment_ids(segments);
  return t.Finish().Union();
}

flatbuffers::Offset<void> encode(Builder& b, const BusReport& v) {
  const auto label = optionalString(b, v.label);
  const auto route = optionalString(b, v.route);
  const auto trip = optionalString(b, v.tripId);
  const auto stopId = optionalString(b, v.nextStopId);
  const auto stopName = optionalString(b, v.nextStopName);
  const fb::LngLat pos = toFb(v.position);
  fb::BusBuilder t(b);
  t.add_vehicle_id(v.vehicleId);
  t.add_label(label);
  t.add_route(route);
  t.add_direction(v.direction);
  t.add_trip_id(trip);
  t.add_position(&pos);
  t.add_bearing_deg(v.bearingDeg);
  t.add_speed_kmh(v.speedKmh);
  t.add_next_stop_id(stopId);
  t.add_next_stop_name(stopName);
  t.add_delay_s(v.delayS);
  return t.Finish().Union();
}

flatbuffers::Offset<void> encode(Builder& b, const ShelterStatus& v) {
  fb::ShelterBuilder t(b);
  t.add_shelter_id(v.shelterId);
  t.add_open(v.open);
  t.add_capacity(v.capacity);
  t.add_occupancy(v.occupancy);
  return t.Finish().Union();
}

flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::StormPoint>>> stormPoints(
    Builder& b, const std::vector<StormPoint>& points) {
  if (points.empty()) return 0;
  std::vector<flatbuffers::Offset<fb::StormPoint>> offsets;
  offsets.reserve(points.size());
  for (const StormPoint& p : points) {
    const fb::LngLat pos = toFb(p.position);
    fb::StormPointBuilder t(b);
    t.add_time_ms(p.timeMs);
    t.add_position(&pos);
    t.add_wind_ms(p.windMs);
    t.add_category(static_cast<fb::StormCategory>(p.category));
    t.add_radius_km(p.radiusKm);
    offsets.push_back(t.Finish());
  }
  return b.CreateVector(offsets);
}

flatbuffers::Offset<void> encode(Builder& b, const StormReport& v) {
  const auto nameVi = optionalString(b, v.nameVi);
  const auto nameEn = optionalString(b, v.nameEn);
  const auto past = stormPoints(b, v.past);
  const auto forecast = stormPoints(b, v.forecast);
  const fb::LngLat pos = toFb(v.position);
  fb::StormBuilder t(b);
  t.add_storm_id(v.stormId);
  t.add_name_vi(nameVi);
  t.add_name_en(nameEn);
  t.add_category(static_cast<fb::StormCategory>(v.category));
  t.add_position(&pos);
  t.add_wind_ms(v.windMs);
  t.add_gust_ms(v.gustMs);
  t.add_beaufort(v.beaufort);
  t.add_gust_beaufort(v.gustBeaufort);
  t.add_pressure_hpa(v.pressureHpa);
  t.add_heading_deg(v.headingDeg);
  t.add_speed_kmh(v.speedKmh);
  t.add_strong_wind_radius_km(v.strongWindRadiusKm);
  t.add_past(past);
  t.add_forecast(forecast);
  return t.Finish().Union();
}

}  // namespace

std::vector<uint8_t> encodeFeedMessage(const FeedMessage& message) {
  Builder b(256);
  const auto payload = std::visit([&](const auto& v) { return encode(b, v); }, message.payload);
  const auto source = optionalString(b, message.source);
  fb::MessageBuilder m(b);
  m.add_version(message.version);
  m.add_source(source);
  m.add_sequence(message.sequence);
  m.add_timestamp_ms(message.timestampMs);
  m.add_simulated(message.simulated);
  m.add_payload_type(static_cast<fb::Payload>(message.payload.index() + 1));
  m.add_payload(payload);
  fb::FinishMessageBuffer(b, m.Finish());
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

std::vector<uint8_t> encodeFeedBatch(std::span<const std::span<const uint8_t>> messages, uint16_t version) {
  size_t bytes = 64;
  for (const auto& m : messages) bytes += m.size() + 24;
  Builder b(bytes);
  std::vector<flatbuffers::Offset<fb::Update>> updates;
  updates.reserve(messages.size());
  for (const auto& m : messages) {
    // Each message starts 8-byte aligned, as it was in its own buffer: readers use it in place.
    b.ForceVectorAlignment(m.size(), 1, 8);
    const auto data = b.CreateVector(m.data(), m.size());
    updates.push_back(fb::CreateUpdate(b, data));
  }
  const auto vec = b.CreateVector(updates);
  fb::BatchBuilder batch(b);
  batch.add_version(version);
  batch.add_updates(vec);
  b.Finish(batch.Finish(), "CMB1");
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

}  // namespace citymap::feeds
