#include "feeds/feed_reader.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "citymap/feed_generated.h"
#include "feed_samples.hpp"
#include "feeds/feed_writer.hpp"

namespace citymap::feeds {
namespace {

using namespace testing;
namespace fb = citymap::feed::fb;

// Encodes m, decodes it and expects the given failure.
void expectRefused(const FeedMessage& m, const char* expected, DropReason why = DropReason::Malformed) {
  const auto bytes = encodeFeedMessage(m);
  DropReason reason = DropReason::Unknown;
  auto d = decodeFeedMessage(bytes, &reason);
  ASSERT_FALSE(d) << "accepted a message that should fail with: " << expected;
  EXPECT_NE(d.error().find(expected), std::string::npos) << d.error();
  EXPECT_EQ(reason, why) << d.error();
}

TEST(FeedReader, RoundTripsEveryKind) {
  for (const FeedMessage& m : sampleMessages()) {
    const auto bytes = encodeFeedMessage(m);
    EXPECT_TRUE(looksLikeFeedMessage(bytes));
    auto d = decodeFeedMessage(bytes);
    ASSERT_TRUE(d) << kindName(m.kind()) << ": " << d.error();
    EXPECT_EQ(*d, m) << kindName(m.kind());
    EXPECT_EQ(d->kind(), m.kind());
    EXPECT_EQ(d->entityId(), m.entityId());
  }
}

TEST(FeedReader, DecodesFromUnalignedMemory) {
  const auto bytes = encodeFeedMessage(envelope(sampleIncident()));
  std::vector<uint8_t> shifted(bytes.size() + 3);
  std::copy(bytes.begin(), bytes.end(), shifted.begin() + 3);
  auto d = decodeFeedMessage(std::span<const uint8_t>(shifted).subspan(3));
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(std::get<Incident>(d->payload), sampleIncident());
}

TEST(FeedReader, RejectsEveryTruncationThatCutsIntoTheMessage) {
  for (const FeedMessage& m : sampleMessages()) {
    const auto bytes = encodeFeedMessage(m);
    for (size_t n = 0; n < bytes.size(); ++n) {
      DropReason reason = DropReason::Unknown;
      auto d = decodeFeedMessage(std::span<const uint8_t>(bytes.data(), n), &reason);
      if (d) {
        // Only the builder's trailing alignment padding may go: the message is then intact.
        EXPECT_GT(n + 8, bytes.size()) << kindName(m.kind()) << " accepted when truncated to " << n;
        EXPECT_EQ(*d, m);
      } else {
        EXPECT_EQ(reason, DropReason::Malformed);
      }
    }
  }
}

TEST(FeedReader, RandomBitFlipsNeverCrashAndOnlyYieldValidMessages) {
  std::mt19937 rng(1234);
  int refused = 0, accepted = 0;
  for (const FeedMessage& m : sampleMessages()) {
    const auto bytes = encodeFeedMessage(m);
    for (int round = 0; round < 3000; ++round) {
      auto copy = bytes;
      const int flips = 1 + int(rng() % 4);
      for (int f = 0; f < flips; ++f) copy[rng() % copy.size()] ^= uint8_t(1u << (rng() % 8));
      auto d = decodeFeedMessage(copy);
      if (!d) {
        ++refused;
        continue;
      }
      ++accepted;
      // Whatever got through passed every check: it re-encodes into an accepted message.
      auto again = decodeFeedMessage(encodeFeedMessage(*d));
      ASSERT_TRUE(again) << again.error();
      EXPECT_EQ(*again, *d);
    }
  }
  EXPECT_GT(refused, 1000);
  EXPECT_GT(accepted, 0);  // flips in values (speeds, names) are valid messages too
}

TEST(FeedReader, RejectsGarbageAndForeignBuffers) {
  std::mt19937 rng(99);
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> junk(rng() % 300);
    for (auto& b : junk) b = uint8_t(rng());
    if (junk.size() >= 8 && i % 2 == 0) std::copy_n("CMF1", 4, junk.begin() + 4);  // past the identifier check
    EXPECT_FALSE(decodeFeedMessage(junk));
  }
  const std::string json = R"({"kind":"sensor","value":1.5})";
  DropReason reason = DropReason::Unknown;
  auto d = decodeFeedMessage({reinterpret_cast<const uint8_t*>(json.data()), json.size()}, &reason);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().find("identifier"), std::string::npos);
  EXPECT_EQ(reason, DropReason::Malformed);
  std::vector<uint8_t> huge(kMaxFeedMessageBytes + 1);
  d = decodeFeedMessage(huge);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().find("too large"), std::string::npos);
}

TEST(FeedReader, NewerFormatsAreUnknownNotMalformed) {
  // A newer file identifier.
  auto bytes = encodeFeedMessage(envelope(sampleShelter()));
  bytes[7] = '2';
  DropReason reason = DropReason::Malformed;
  ASSERT_FALSE(decodeFeedMessage(bytes, &reason));
  EXPECT_EQ(reason, DropReason::Unknown);
  // A newer version.
  FeedMessage v2 = envelope(sampleShelter());
  v2.version = 2;
  expectRefused(v2, "version 2", DropReason::Unknown);
  FeedMessage v0 = envelope(sampleShelter());
  v0.version = 0;
  expectRefused(v0, "version 0", DropReason::Malformed);

  // A payload type this reader does not know (appended to the union by a newer schema).
  flatbuffers::FlatBufferBuilder b;
  const auto shelter = fb::CreateShelter(b, 5, true, 10, 1);
  const auto source = b.CreateString("future");
  fb::MessageBuilder mb(b);
  mb.add_source(source);
  mb.add_sequence(1);
  mb.add_timestamp_ms(kT0);
  mb.add_payload_type(static_cast<fb::Payload>(42));
  mb.add_payload(shelter.Union());
  fb::FinishMessageBuffer(b, mb.Finish());
  auto d = decodeFeedMessage({b.GetBufferPointer(), b.GetSize()}, &reason);
  ASSERT_FALSE(d);
  EXPECT_EQ(reason, DropReason::Unknown);
  EXPECT_NE(d.error().find("unknown payload type 42"), std::string::npos) << d.error();
}

TEST(FeedReader, UnknownEnumValuesAreUnknown) {
  FeedMessage m = envelope(sampleTraffic());
  std::get<TrafficUpdate>(m.payload).congestion = static_cast<Congestion>(7);
  expectRefused(m, "unknown traffic.congestion 7", DropReason::Unknown);
  m = envelope(sampleSensor());
  std::get<SensorReading>(m.payload).kind = tile::IocKind::StormShelter;  // an IocKind, but not a sensor
  expectRefused(m, "unknown sensor.kind 4", DropReason::Unknown);
  m = envelope(sampleSensor());
  std::get<SensorReading>(m.payload).unit = static_cast<Unit>(9);
  expectRefused(m, "unknown sensor.unit", DropReason::Unknown);
  m = envelope(sampleIncident());
  std::get<Incident>(m.payload).severity = static_cast<Severity>(5);
  expectRefused(m, "unknown incident.severity 5", DropReason::Unknown);
  m = envelope(sampleIncident());
  std::get<Incident>(m.payload).kind = static_cast<IncidentKind>(6);
  expectRefused(m, "unknown incident.kind", DropReason::Unknown);
  m = envelope(sampleCamera());
  std::get<CameraUpdate>(m.payload).status = static_cast<CameraStatus>(3);
  expectRefused(m, "unknown camera.status", DropReason::Unknown);
}

TEST(FeedReader, EnvelopeChecks) {
  FeedMessage m = envelope(sampleShelter());
  m.source = "";
  expectRefused(m, "source is missing");
  m = envelope(sampleShelter());
  m.source = std::string(200, 'x');
  expectRefused(m, "source is longer");
  m = envelope(sampleShelter());
  m.source = "bad\xff";
  expectRefused(m, "not valid UTF-8");
  m = envelope(sampleShelter());
  m.timestampMs = 0;
  expectRefused(m, "timestamp_ms 0 is not a time");
  m.timestampMs = -5;
  expectRefused(m, "timestamp_ms -5");
  // A message without payload.
  flatbuffers::FlatBufferBuilder b;
  const auto source = b.CreateString("x");
  fb::MessageBuilder mb(b);
  mb.add_source(source);
  mb.add_timestamp_ms(kT0);
  fb::FinishMessageBuffer(b, mb.Finish());
  auto d = decodeFeedMessage({b.GetBufferPointer(), b.GetSize()});
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().find("payload is missing"), std::string::npos);
}

TEST(FeedReader, CoordinatesMustBeFiniteAndInRange) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  FeedMessage m = envelope(sampleCamera());
  std::get<CameraUpdate>(m.payload).position = {nan, 16};
  expectRefused(m, "camera.position.lng is not a finite number");
  std::get<CameraUpdate>(m.payload).position = {108, inf};
  expectRefused(m, "camera.position.lat is not a finite number");
  std::get<CameraUpdate>(m.payload).position = {181, 16};
  expectRefused(m, "camera.position.lng 181");
  std::get<CameraUpdate>(m.payload).position = {108, -90.5};
  expectRefused(m, "camera.position.lat");
  m = envelope(sampleBus());
  std::get<BusReport>(m.payload).position = {108, 91};
  expectRefused(m, "bus.position.lat");
  m = envelope(sampleIncident());
  std::get<Incident>(m.payload).area[2] = {nan, nan};
  expectRefused(m, "incident.area.lng is not a finite number");
  m = envelope(sampleIncident());
  std::get<Incident>(m.payload).point = LngLat{-200, 0};
  expectRefused(m, "incident.point.lng");
  m = envelope(sampleSensor());
  std::get<SensorReading>(m.payload).position = LngLat{0, 100};
  expectRefused(m, "sensor.position.lat");
}

TEST(FeedReader, PayloadChecks) {
  FeedMessage m = envelope(sampleShelter());
  std::get<ShelterStatus>(m.payload).capacity = -1;
  expectRefused(m, "shelter.capacity is negative");
  m = envelope(sampleShelter());
  std::get<ShelterStatus>(m.payload).occupancy = -3;
  expectRefused(m, "shelter.occupancy is negative");
  m = envelope(sampleShelter());
  std::get<ShelterStatus>(m.payload).shelterId = 0;
  expectRefused(m, "shelter.shelter_id is missing");

  m = envelope(sampleIncident());
  std::get<Incident>(m.payload).expiryMs = kT0;
  expectRefused(m, "expiry_ms is not after start_ms");
  m = envelope(sampleIncident());
  std::get<Incident>(m.payload).titleEn.clear();
  expectRefused(m, "incident.title_en is missing");
  m = envelope(sampleIncident());
  std::get<Incident>(m.payload).textVi = std::string(5000, 'a');
  expectRefused(m, "incident.text_vi is longer");
  m = envelope(sampleIncident());
  std::get<Incident>(m.payload).titleVi = "Ng\xc3";  // cut inside a character
  expectRefused(m, "incident.title_vi is not valid UTF-8");
  m = envelope(sampleIncident());
  std::get<Incident>(m.payload).point.reset();
  std::get<Incident>(m.payload).area.clear();
  expectRefused(m, "neither a point nor an area");
  m = envelope(sampleIncident());
  std::get<Incident>(m.payload).area = {{108.2, 16.0}, {108.3, 16.0}, {108.2, 16.0}};
  expectRefused(m, "fewer than 3 points");
  m = envelope(sampleIncident());
  std::get<Incident>(m.payload).segmentIds = {4, 0};
  expectRefused(m, "segment_ids contains 0");

  m = envelope(sampleSensor());
  std::get<SensorReading>(m.payload).thresholds = {200, 150};
  expectRefused(m, "not ascending");
  m = envelope(sampleSensor());
  std::get<SensorReading>(m.payload).value = std::numeric_limits<float>::quiet_NaN();
  expectRefused(m, "sensor.value is not a finite number");
  m = envelope(sampleSensor());
  std::get<SensorReading>(m.payload).thresholds = std::vector<float>(9, 0.f);
  expectRefused(m, "more than 8");

  m = envelope(sampleTraffic());
  std::get<TrafficUpdate>(m.payload).speedKmh = -1;
  expectRefused(m, "traffic.speed_kmh");
  m = envelope(sampleTraffic());
  std::get<TrafficUpdate>(m.payload).segmentId = 0;
  expectRefused(m, "traffic.segment_id is missing");

  m = envelope(sampleBus());
  std::get<BusReport>(m.payload).route.clear();
  expectRefused(m, "bus.route is missing");
  m = envelope(sampleBus());
  std::get<BusReport>(m.payload).direction = 2;
  expectRefused(m, "bus.direction 2");
  m = envelope(sampleBus());
  std::get<BusReport>(m.payload).bearingDeg = 360;
  expectRefused(m, "bus.bearing_deg");
  m = envelope(sampleBus());
  std::get<BusReport>(m.payload).delayS = 8 * 86400;
  expectRefused(m, "bus.delay_s");

  // Cameras need a position: build one without.
  flatbuffers::FlatBufferBuilder b;
  fb::CameraBuilder cb(b);
  cb.add_camera_id(3);
  const auto cam = cb.Finish();
  const auto source = b.CreateString("x");
  fb::MessageBuilder mb(b);
  mb.add_source(source);
  mb.add_timestamp_ms(kT0);
  mb.add_payload_type(fb::Payload::Camera);
  mb.add_payload(cam.Union());
  fb::FinishMessageBuffer(b, mb.Finish());
  auto d = decodeFeedMessage({b.GetBufferPointer(), b.GetSize()});
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().find("camera.position is missing"), std::string::npos) << d.error();
}

TEST(FeedReader, SensorAlertLevel) {
  SensorReading s = sampleSensor();
  s.value = 100;
  EXPECT_EQ(s.alertLevel(), 0);
  s.value = 150;
  EXPECT_EQ(s.alertLevel(), 1);
  s.value = 260;
  EXPECT_EQ(s.alertLevel(), 3);
  s.thresholds.clear();
  EXPECT_EQ(s.alertLevel(), 0);
}

TEST(FeedReader, KindNames) {
  for (int k = 0; k < kFeedKindCount; ++k) {
    const auto kind = static_cast<FeedKind>(k);
    EXPECT_EQ(kindFromName(kindName(kind)), kind);
  }
  EXPECT_FALSE(kindFromName("weather"));
  EXPECT_EQ(unitSymbol(Unit::MillimetrePerHour), "mm/h");
}

}  // namespace
}  // namespace citymap::feeds
