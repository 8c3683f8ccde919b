// Tropical storms in the live feeds (feed.fbs `Storm`, appended to the Payload union): round
// trips, the semantic checks of the track, what a reader that predates the member does with it,
// the store's table, staleness and removal, the topic, the Beaufort levels and storm classes.
// (Truncations, bit flips and garbage run over sampleStorm() with every other kind in
// feed_reader_test.cpp and feed_store_test.cpp.)
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "citymap/feed_generated.h"
#include "feed_samples.hpp"
#include "feeds/feed_reader.hpp"
#include "feeds/feed_store.hpp"
#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"

namespace citymap::feeds {
namespace {

using namespace testing;
namespace fb = citymap::feed::fb;

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kNow = kT0 + 1000;

// The union's members keep their numbers: a reader of the first six never sees a renumbered
// one, and Storm is the seventh.
static_assert(uint8_t(fb::Payload::Traffic) == 1 && uint8_t(fb::Payload::Shelter) == 6);
static_assert(uint8_t(fb::Payload::Storm) == 7 && uint8_t(FeedKind::Storm) + 1 == 7);

void expectRefused(const FeedMessage& m, const char* expected, DropReason why = DropReason::Malformed) {
  const auto bytes = encodeFeedMessage(m);
  DropReason reason = why == DropReason::Malformed ? DropReason::Unknown : DropReason::Malformed;
  auto d = decodeFeedMessage(bytes, &reason);
  ASSERT_FALSE(d) << "accepted a storm that should fail with: " << expected;
  EXPECT_NE(d.error().find(expected), std::string::npos) << d.error();
  EXPECT_EQ(reason, why) << d.error();
}

StormReport& storm(FeedMessage& m) { return std::get<StormReport>(m.payload); }

TEST(Storm, RoundTrips) {
  const FeedMessage m = envelope(sampleStorm());
  auto d = decodeFeedMessage(encodeFeedMessage(m));
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(*d, m);
  EXPECT_EQ(d->kind(), FeedKind::Storm);
  EXPECT_EQ(d->entityId(), 2609u);
  // Without a track or forecast (a storm just named), and with nothing optional.
  StormReport bare;
  bare.stormId = 5;
  bare.nameVi = "Áp thấp nhiệt đới";
  bare.nameEn = "Tropical depression";
  bare.position = {112, 14};
  const FeedMessage b = envelope(bare);
  d = decodeFeedMessage(encodeFeedMessage(b));
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(*d, b);
}

TEST(Storm, TrackChecks) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  FeedMessage m = envelope(sampleStorm());
  storm(m).stormId = 0;
  expectRefused(m, "storm.storm_id is missing");
  m = envelope(sampleStorm());
  storm(m).nameEn.clear();
  expectRefused(m, "storm.name_en is missing");
  m = envelope(sampleStorm());
  storm(m).nameVi = "B\xc3";
  expectRefused(m, "storm.name_vi is not valid UTF-8");
  m = envelope(sampleStorm());
  storm(m).position = {nan, 16};
  expectRefused(m, "storm.position.lng is not a finite number");
  m = envelope(sampleStorm());
  storm(m).forecast[2].position = {106, 91};
  expectRefused(m, "storm.forecast.position.lat");
  m = envelope(sampleStorm());
  storm(m).past[0].position = {-181, 15};
  expectRefused(m, "storm.past.position.lng");
  // Times increase along the past track, then along the forecast.
  m = envelope(sampleStorm());
  std::swap(storm(m).forecast[1].timeMs, storm(m).forecast[2].timeMs);
  expectRefused(m, "storm.forecast times do not increase");
  m = envelope(sampleStorm());
  storm(m).forecast[1].timeMs = storm(m).forecast[0].timeMs;
  expectRefused(m, "storm.forecast times do not increase");
  m = envelope(sampleStorm());
  storm(m).past[1].timeMs = storm(m).past[0].timeMs - 1;
  expectRefused(m, "storm.past times do not increase");
  m = envelope(sampleStorm());
  storm(m).forecast[0].timeMs = storm(m).past[1].timeMs;  // the forecast starts after the past
  expectRefused(m, "storm.forecast times do not increase");
  m = envelope(sampleStorm());
  storm(m).forecast[3].timeMs = 0;
  expectRefused(m, "storm.forecast.time_ms 0 is not a time");
  // Radii, winds and the rest within their ranges.
  m = envelope(sampleStorm());
  storm(m).forecast[2].radiusKm = -1;
  expectRefused(m, "storm.forecast.radius_km");
  m = envelope(sampleStorm());
  storm(m).forecast[2].radiusKm = std::numeric_limits<float>::infinity();
  expectRefused(m, "storm.forecast.radius_km is not a finite number");
  m = envelope(sampleStorm());
  storm(m).past[0].windMs = -3;
  expectRefused(m, "storm.past.wind_ms");
  m = envelope(sampleStorm());
  storm(m).windMs = 200;
  expectRefused(m, "storm.wind_ms");
  m = envelope(sampleStorm());
  storm(m).gustMs = std::numeric_limits<float>::quiet_NaN();
  expectRefused(m, "storm.gust_ms is not a finite number");
  m = envelope(sampleStorm());
  storm(m).beaufort = 18;
  expectRefused(m, "storm.beaufort 18 is above 17");
  m = envelope(sampleStorm());
  storm(m).gustBeaufort = 40;
  expectRefused(m, "storm.gust_beaufort 40");
  m = envelope(sampleStorm());
  storm(m).pressureHpa = 700;
  expectRefused(m, "storm.pressure_hpa is outside");
  m = envelope(sampleStorm());
  storm(m).headingDeg = 360;
  expectRefused(m, "storm.heading_deg is outside [0, 360)");
  m = envelope(sampleStorm());
  storm(m).speedKmh = -1;
  expectRefused(m, "storm.speed_kmh");
  m = envelope(sampleStorm());
  storm(m).strongWindRadiusKm = 5000;
  expectRefused(m, "storm.strong_wind_radius_km");
  // Bounded counts.
  m = envelope(sampleStorm());
  storm(m).forecast.clear();
  for (int i = 0; i < 33; ++i)
    storm(m).forecast.push_back({kT0 + (i + 1) * kHour, {108, 16}, 10, StormCategory::Low, 50});
  expectRefused(m, "storm.forecast has more than 32 points");
  storm(m).forecast.resize(32);
  EXPECT_TRUE(decodeFeedMessage(encodeFeedMessage(m)));
  m = envelope(sampleStorm());
  storm(m).past.clear();
  for (int i = 0; i < 257; ++i)
    storm(m).past.push_back({kT0 - (300 - i) * kHour, {115, 14}, 20, StormCategory::TropicalStorm, 0});
  expectRefused(m, "storm.past has more than 256 points");
  // Classes this reader does not know are a newer schema's.
  m = envelope(sampleStorm());
  storm(m).category = static_cast<StormCategory>(6);
  expectRefused(m, "unknown storm.category 6", DropReason::Unknown);
  m = envelope(sampleStorm());
  storm(m).forecast[1].category = static_cast<StormCategory>(9);
  expectRefused(m, "unknown storm.forecast.category 9", DropReason::Unknown);
}

// Storms and track points built by hand: what the writer never leaves out.
TEST(Storm, RequiredPositions) {
  const auto message = [](auto makeStorm) {
    flatbuffers::FlatBufferBuilder b;
    const auto payload = makeStorm(b);
    const auto source = b.CreateString("x");
    fb::MessageBuilder mb(b);
    mb.add_source(source);
    mb.add_timestamp_ms(kT0);
    mb.add_payload_type(fb::Payload::Storm);
    mb.add_payload(payload.Union());
    fb::FinishMessageBuffer(b, mb.Finish());
    return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  };
  auto d = decodeFeedMessage(message([](flatbuffers::FlatBufferBuilder& b) {
    return fb::CreateStormDirect(b, 3, "Bão", "Storm");  // no position
  }));
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().find("storm.position is missing"), std::string::npos) << d.error();
  d = decodeFeedMessage(message([](flatbuffers::FlatBufferBuilder& b) {
    const fb::LngLat at(110, 15);
    std::vector<flatbuffers::Offset<fb::StormPoint>> forecast = {fb::CreateStormPoint(b, kT0 + kHour, nullptr, 30)};
    return fb::CreateStormDirect(b, 3, "Bão", "Storm", fb::StormCategory::Typhoon, &at, 40, 50, 13, 15, 960, 280, 20,
                                 150, nullptr, &forecast);
  }));
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().find("storm.forecast.position is missing"), std::string::npos) << d.error();
}

// A reader from before Storm was appended (version 1's first six members) must skip a storm
// without harm. Its generated verifier accepts union members it does not know (FlatBuffers'
// VerifyPayload returns true for them) and its decoder drops them as unknown: the same path this
// reader takes for a member appended after Storm, tried here on a real storm buffer whose union
// type is renumbered past the ones this reader knows.
TEST(Storm, ReadersThatPredateAMemberDropItAsUnknown) {
  const FeedMessage m = envelope(sampleStorm());
  const auto bytes = encodeFeedMessage(m);
  ASSERT_TRUE(decodeFeedMessage(bytes));  // this reader knows storms
  // Find the union's type byte: the Message table's payload_type field.
  const fb::Message* msg = fb::GetMessage(bytes.data());
  const auto* typeField =
      reinterpret_cast<const uint8_t*>(msg) +
      reinterpret_cast<const flatbuffers::Table*>(msg)->GetOptionalFieldOffset(fb::Message::VT_PAYLOAD_TYPE);
  const size_t at = size_t(typeField - bytes.data());
  ASSERT_EQ(bytes[at], uint8_t(fb::Payload::Storm));
  for (const uint8_t newer : {uint8_t(8), uint8_t(9), uint8_t(200), uint8_t(255)}) {
    auto future = bytes;
    future[at] = newer;
    DropReason reason = DropReason::Malformed;
    auto d = decodeFeedMessage(future, &reason);
    ASSERT_FALSE(d) << int(newer);
    EXPECT_EQ(reason, DropReason::Unknown) << d.error();
    EXPECT_NE(d.error().find("unknown payload type " + std::to_string(newer)), std::string::npos) << d.error();
    // The store counts it and keeps its state.
    FeedStore store;
    ASSERT_EQ(
        store.ingest(feedTopic("danang", FeedKind::Shelter, 555), encodeFeedMessage(envelope(sampleShelter())), kNow),
        IngestStatus::Accepted);
    EXPECT_EQ(store.ingest(feedTopic("danang", FeedKind::Storm, 2609), future, kNow), IngestStatus::Unknown);
    EXPECT_EQ(store.counters().droppedUnknown, 1u);
    EXPECT_EQ(store.counters().droppedMalformed, 0u);
    EXPECT_EQ(store.totalCount(), 1u);
  }
  // On a topic kind it does not know (an old client's kind list has no "storm"): unknown too.
  EXPECT_FALSE(parseFeedTopic("citymap/v1/danang/typhoon/2609"));
  FeedStore store;
  EXPECT_EQ(store.ingest("citymap/v1/danang/typhoon/2609", bytes, kNow), IngestStatus::Unknown);
  EXPECT_EQ(store.counters().droppedUnknown, 1u);
}

TEST(Storm, TheStoreKeepsTheNewestBulletinPerStorm) {
  FeedStore store;
  const std::string topic = feedTopic("danang", FeedKind::Storm, 2609);
  EXPECT_EQ(topic, "citymap/v1/danang/storm/2609");
  ASSERT_EQ(store.ingest(topic, encodeFeedMessage(envelope(sampleStorm(), 1, kT0)), kNow), IngestStatus::Accepted);
  FeedMessage later = envelope(sampleStorm(), 2, kT0 + 600'000);
  storm(later).position = {109.4, 15.82};
  ASSERT_EQ(store.ingest(topic, encodeFeedMessage(later), kT0 + 600'000), IngestStatus::Accepted);
  EXPECT_EQ(store.ingest(topic, encodeFeedMessage(envelope(sampleStorm(), 1, kT0)), kNow), IngestStatus::OutOfOrder);
  ASSERT_EQ(store.count(FeedKind::Storm), 1u);
  EXPECT_EQ(store.storms().at(2609).value.position, (LngLat{109.4, 15.82}));
  EXPECT_EQ(store.storms().at(2609).meta.sequence, 2u);
  // A storm on another storm's topic, or on another kind's, is malformed.
  EXPECT_EQ(store.ingest(feedTopic("danang", FeedKind::Storm, 1), encodeFeedMessage(later), kNow),
            IngestStatus::Malformed);
  EXPECT_EQ(store.ingest(feedTopic("danang", FeedKind::Incident, 2609), encodeFeedMessage(later), kNow),
            IngestStatus::Malformed);

  // Bulletins come every few hours: fresh for 3 h, then fading, hidden after 6 h.
  const Staleness st = store.config().staleness[size_t(FeedKind::Storm)];
  EXPECT_EQ(st.freshMs, 3 * kHour);
  EXPECT_EQ(st.hideMs, 6 * kHour);
  const int64_t t = kT0 + 600'000;
  EXPECT_EQ(store.freshness(FeedKind::Storm, t, t + 3 * kHour), Freshness::Fresh);
  EXPECT_EQ(store.freshness(FeedKind::Storm, t, t + 4 * kHour), Freshness::Fading);
  store.prune(t + 6 * kHour);
  EXPECT_EQ(store.count(FeedKind::Storm), 1u);
  store.prune(t + 6 * kHour + 1);
  EXPECT_EQ(store.count(FeedKind::Storm), 0u);
  // An old retained bulletin of a dead publisher is stale on arrival.
  EXPECT_EQ(store.ingest(topic, encodeFeedMessage(envelope(sampleStorm(), 9, kT0)), kT0 + 7 * kHour),
            IngestStatus::Stale);
}

TEST(Storm, ARetainedClearRemovesTheStormAndTellsTheListener) {
  FeedStore store;
  std::vector<std::pair<FeedKind, bool>> changes;
  store.setChangeListener([&](FeedKind kind, uint64_t id, const FeedMessage* m, int64_t) {
    EXPECT_EQ(id, 2609u);
    changes.emplace_back(kind, m != nullptr);
    if (m) {
      EXPECT_EQ(std::get<StormReport>(m->payload).stormId, 2609u);
    }
  });
  const std::string topic = feedTopic("danang", FeedKind::Storm, 2609);
  const auto bytes = encodeFeedMessage(envelope(sampleStorm(), 4));
  ASSERT_EQ(store.ingest(topic, bytes, kNow), IngestStatus::Accepted);
  EXPECT_EQ(store.ingest(topic, {}, kNow + 1), IngestStatus::Removed);
  EXPECT_EQ(store.count(FeedKind::Storm), 0u);
  EXPECT_EQ(store.ingest(topic, bytes, kNow + 2), IngestStatus::Duplicate);  // the replay stays out
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0], std::pair(FeedKind::Storm, true));
  EXPECT_EQ(changes[1], std::pair(FeedKind::Storm, false));
}

TEST(Storm, BeaufortLevelsAndClasses) {
  EXPECT_EQ(beaufortLevel(0), 0);
  EXPECT_EQ(beaufortLevel(10.7), 5);
  EXPECT_EQ(beaufortLevel(10.8), 6);
  EXPECT_EQ(beaufortLevel(17.1), 7);
  EXPECT_EQ(beaufortLevel(17.2), 8);
  EXPECT_EQ(beaufortLevel(32.7), 12);
  EXPECT_EQ(beaufortLevel(41.4), 13);
  EXPECT_EQ(beaufortLevel(41.5), 14);
  EXPECT_EQ(beaufortLevel(56.1), 17);
  EXPECT_EQ(beaufortLevel(90), 17);
  EXPECT_EQ(beaufortLevel(-1), 0);
  EXPECT_EQ(beaufortLevel(std::nan("")), 0);
  EXPECT_EQ(stormCategoryFor(5), StormCategory::Low);
  EXPECT_EQ(stormCategoryFor(7), StormCategory::TropicalDepression);
  EXPECT_EQ(stormCategoryFor(8), StormCategory::TropicalStorm);
  EXPECT_EQ(stormCategoryFor(11), StormCategory::SevereTropicalStorm);
  EXPECT_EQ(stormCategoryFor(12), StormCategory::Typhoon);
  EXPECT_EQ(stormCategoryFor(15), StormCategory::Typhoon);
  EXPECT_EQ(stormCategoryFor(16), StormCategory::SuperTyphoon);
  EXPECT_EQ(kindName(FeedKind::Storm), "storm");
  EXPECT_EQ(kindFromName("storm"), FeedKind::Storm);
}

}  // namespace
}  // namespace citymap::feeds
