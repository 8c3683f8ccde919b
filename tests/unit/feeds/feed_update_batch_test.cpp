// Feed batches (feed.fbs "Batch", identifier CMB1; docs/FEEDS.md, "Batches"): many complete
// feed messages in one MQTT payload on citymap/v1/<city>/<kind>/batch. The writer, the verified
// reader, the store's path (the same state as the messages one by one), refusals of malformed
// and newer batches, and the bytes the browser's worker test reads (web_scripts.test.mjs).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "feed_samples.hpp"
#include "feeds/feed_reader.hpp"
#include "feeds/feed_store.hpp"
#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"

namespace citymap::feeds {
namespace {

using namespace testing;

constexpr int64_t kNow = kT0 + 1000;

std::vector<std::vector<uint8_t>> trafficMessages(size_t n, uint64_t firstId = 1001, uint64_t firstSeq = 1) {
  std::vector<std::vector<uint8_t>> out;
  for (size_t i = 0; i < n; ++i) {
    TrafficUpdate t = sampleTraffic(firstId + i);
    t.speedKmh = float(10 + i % 50);
    out.push_back(encodeFeedMessage(envelope(t, firstSeq + i, kT0 + int64_t(i))));
  }
  return out;
}

std::vector<uint8_t> batchOf(const std::vector<std::vector<uint8_t>>& messages, uint16_t version = kFeedFormatVersion) {
  std::vector<std::span<const uint8_t>> views(messages.begin(), messages.end());
  return encodeFeedBatch(views, version);
}

std::string hex(std::span<const uint8_t> b) {
  std::string s;
  char buf[3];
  for (uint8_t c : b) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    s += buf;
  }
  return s;
}

const std::string kTrafficBatch = feedBatchTopic("danang", FeedKind::Traffic);

TEST(FeedUpdateBatch, TopicsNameTheCityAndKind) {
  EXPECT_EQ(kTrafficBatch, "citymap/v1/danang/traffic/batch");
  for (int k = 0; k < kFeedKindCount; ++k) {
    const auto t = parseFeedBatchTopic(feedBatchTopic("hue-2", FeedKind(k)));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->city, "hue-2");
    EXPECT_EQ(t->kind, FeedKind(k));
    EXPECT_FALSE(parseFeedTopic(feedBatchTopic("hue-2", FeedKind(k)))) << "not an entity topic";
  }
  for (const char* bad :
       {"citymap/v1/danang/traffic/batch/", "citymap/v1/danang/traffic/batches", "citymap/v1/danang/batch",
        "citymap/v1/Danang/traffic/batch", "citymap/v1/danang/lorry/batch", "citymap/v2/danang/traffic/batch",
        "citymap/v1//traffic/batch", "citymap/v1/danang/traffic/7", ""})
    EXPECT_FALSE(parseFeedBatchTopic(bad)) << bad;
}

TEST(FeedUpdateBatch, RoundTripKeepsEveryMessageExactlyInOrderAndAligned) {
  const auto messages = trafficMessages(300);
  const auto batch = batchOf(messages);
  ASSERT_TRUE(looksLikeFeedBatch(batch));
  EXPECT_FALSE(looksLikeFeedMessage(batch));
  EXPECT_FALSE(looksLikeFeedBatch(messages[0]));
  std::vector<std::vector<uint8_t>> back;
  auto n = forEachFeedBatchMessage(batch, [&](size_t i, std::span<const uint8_t> bytes) {
    EXPECT_EQ(i, back.size());
    EXPECT_EQ((bytes.data() - batch.data()) % 8, 0) << "message " << i << " is 8-byte aligned in the batch";
    back.emplace_back(bytes.begin(), bytes.end());
  });
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 300u);
  EXPECT_EQ(back, messages);
  // Overhead per update: the Update table, the vector's length and padding.
  size_t payload = 0;
  for (const auto& m : messages) payload += m.size();
  EXPECT_LT(batch.size(), payload + 300 * 24 + 64) << batch.size();
}

TEST(FeedUpdateBatch, TheStoreAppliesABatchAsItsMessagesOneByOne) {
  // Three passes over 50 segments, the last with one segment twice (newest last).
  std::vector<std::vector<uint8_t>> messages;
  for (int pass = 0; pass < 3; ++pass) {
    auto p = trafficMessages(50, 1001, 1 + uint64_t(pass) * 50);
    messages.insert(messages.end(), p.begin(), p.end());
  }
  const auto batch = batchOf(messages);
  FeedStore one, batched;
  for (const auto& m : messages) {
    auto d = decodeFeedMessage(m);
    ASSERT_TRUE(d);
    one.ingest(feedTopic("danang", FeedKind::Traffic, d->entityId()), m, kNow);
  }
  batched.enqueue(kTrafficBatch, batch, kNow);
  EXPECT_EQ(batched.drain(kNow), 1u);
  EXPECT_EQ(batched.traffic(), one.traffic());
  EXPECT_EQ(batched.counters().received, 150u);
  EXPECT_EQ(batched.counters().accepted, 150u);
  EXPECT_EQ(batched.counters().dropped(), 0u);
  EXPECT_EQ(batched.traffic().size(), 50u);
  EXPECT_EQ(batched.traffic().at(1001).meta.sequence, 101u);
  // Again: every update a duplicate now; and directly, without a topic.
  EXPECT_EQ(batched.ingest(kTrafficBatch, batch, kNow), IngestStatus::Accepted);
  EXPECT_EQ(batched.counters().droppedOutOfOrder, 100u);
  EXPECT_EQ(batched.counters().droppedDuplicate, 50u);
  FeedStore noTopic;
  EXPECT_EQ(noTopic.ingest("", batch, kNow), IngestStatus::Accepted);
  EXPECT_EQ(noTopic.traffic(), one.traffic());
  // Retained single messages and batches mix: an older retained copy is out of order.
  EXPECT_EQ(batched.ingest(feedTopic("danang", FeedKind::Traffic, 1001), messages[0], kNow), IngestStatus::OutOfOrder);
}

TEST(FeedUpdateBatch, UpdatesOfAnotherKindOrRefusedOnesAreDroppedOneByOne) {
  std::vector<std::vector<uint8_t>> messages = trafficMessages(3);
  messages.insert(messages.begin() + 1, encodeFeedMessage(envelope(sampleSensor(), 9)));
  std::vector<uint8_t> broken = trafficMessages(1, 5000)[0];
  broken[broken.size() / 2] ^= 0xff;
  broken.resize(broken.size() - 8);  // truncated
  messages.push_back(broken);
  TrafficUpdate slow = sampleTraffic(6000);
  slow.speedKmh = 999;  // out of range
  messages.push_back(encodeFeedMessage(envelope(slow, 20)));
  FeedStore store;
  EXPECT_EQ(store.ingest(kTrafficBatch, batchOf(messages), kNow), IngestStatus::Accepted);
  EXPECT_EQ(store.counters().received, 6u);
  EXPECT_EQ(store.counters().accepted, 3u);
  EXPECT_EQ(store.counters().droppedMalformed, 3u);
  EXPECT_EQ(store.traffic().size(), 3u);
  EXPECT_TRUE(store.sensors().empty()) << "a sensor in a traffic batch is refused";
  EXPECT_NE(store.lastError().find("feed batch of traffic, update 5"), std::string::npos) << store.lastError();
  // On a sensor batch topic, the sensor goes and the traffic is refused.
  FeedStore sensors;
  sensors.ingest(feedBatchTopic("danang", FeedKind::Sensor), batchOf(messages), kNow);
  EXPECT_EQ(sensors.sensors().size(), 1u);
  EXPECT_TRUE(sensors.traffic().empty());
}

TEST(FeedUpdateBatch, MalformedOrNewerBatchesAreRefusedWholeWithAReason) {
  const auto good = batchOf(trafficMessages(4));
  const auto refused = [](std::span<const uint8_t> bytes, DropReason want, const char* what) {
    DropReason r = want == DropReason::Malformed ? DropReason::Unknown : DropReason::Malformed;
    int calls = 0;
    auto n = forEachFeedBatchMessage(
        bytes, [&](size_t, std::span<const uint8_t>) { ++calls; }, &r);
    EXPECT_FALSE(n) << what;
    if (!n) {
      EXPECT_EQ(n.error().rfind("feed batch: ", 0), 0u) << n.error();
    }
    EXPECT_EQ(r, want) << what;
    EXPECT_EQ(calls, 0) << what;
    FeedStore store;
    store.ingest(kTrafficBatch, bytes, kNow);
    EXPECT_EQ(store.totalCount(), 0u) << what;
    EXPECT_EQ(store.counters().received, 1u) << what;
    EXPECT_EQ(want == DropReason::Unknown ? store.counters().droppedUnknown : store.counters().droppedMalformed, 1u)
        << what;
    EXPECT_FALSE(store.lastError().empty());
  };
  refused(batchOf(trafficMessages(2), 2), DropReason::Unknown, "version 2");
  refused(batchOf(trafficMessages(2), 0), DropReason::Malformed, "version 0");
  auto cmb2 = good;
  cmb2[7] = '2';
  refused(cmb2, DropReason::Unknown, "identifier CMB2");
  auto other = good;
  other[4] = 'X';
  refused(other, DropReason::Malformed, "another identifier");
  refused(batchOf({}), DropReason::Malformed, "no updates");
  refused(batchOf({std::vector<uint8_t>{}}), DropReason::Malformed, "an empty message");
  refused(std::vector<uint8_t>(good.begin(), good.begin() + 7), DropReason::Malformed, "7 bytes");
  refused(std::vector<uint8_t>(70 * 1024, 0), DropReason::Malformed, "too large");
  std::vector<std::vector<uint8_t>> many(kMaxFeedBatchUpdates + 1, std::vector<uint8_t>{1});
  refused(batchOf(many), DropReason::Malformed, "too many updates");
  // An empty payload on a batch topic is no retained clear.
  FeedStore store;
  EXPECT_EQ(store.ingest(kTrafficBatch, {}, kNow), IngestStatus::Malformed);
}

TEST(FeedUpdateBatch, EveryTruncationAndBitFlipIsRefusedOrDecodedNeverReadPastTheEnd) {
  const auto good = batchOf(trafficMessages(5));
  for (size_t n = 0; n < good.size(); ++n) {
    // Exactly the truncated bytes in their own allocation: ASan sees any read past them.
    std::vector<uint8_t> cut(good.begin(), good.begin() + long(n));
    FeedStore store;
    store.ingest(kTrafficBatch, cut, kNow);
    EXPECT_EQ(store.totalCount(), 0u) << "cut at " << n;
  }
  std::mt19937 rng(12);
  for (int i = 0; i < 4000; ++i) {
    auto b = good;
    for (int k = 0; k < 1 + i % 4; ++k) b[rng() % b.size()] ^= uint8_t(1u << (rng() % 8));
    FeedStore store;
    store.ingest(kTrafficBatch, b, kNow);
    store.ingest("", b, kNow);
    // What is applied went through the message checks: traffic on known ids only when intact.
    for (const auto& [id, e] : store.traffic()) EXPECT_GE(e.value.speedKmh, 0.f);
  }
  std::vector<uint8_t> garbage(600);
  for (int i = 0; i < 2000; ++i) {
    for (auto& c : garbage) c = uint8_t(rng());
    std::memcpy(garbage.data() + 4, "CMB1", 4);
    FeedStore store;
    store.ingest(kTrafficBatch, garbage, kNow);
    EXPECT_EQ(store.totalCount(), 0u);
  }
}

// The bytes web_scripts.test.mjs splits in the worker (splitFeedBatch): three traffic updates,
// the first segment again last. Change both together.
TEST(FeedUpdateBatch, TheBytesTheWorkerTestReads) {
  std::vector<std::vector<uint8_t>> messages;
  const uint64_t ids[] = {(143803401ull), (1ull << 40) | 5, 143803401ull};
  for (int i = 0; i < 3; ++i) {
    TrafficUpdate t = sampleTraffic(ids[i]);
    t.speedKmh = float(20 + i);
    messages.push_back(encodeFeedMessage(envelope(t, uint64_t(7 + i), kT0 + i, "sim")));
  }
  const auto batch = batchOf(messages);
  const std::string expected =
      "14000000434d42310000000008000800000004000800000004000000030000000401000080000000040000000effffff"
      "04000000680000001c000000434d463100001200200000001c0014000c000b000a000400120000003000000000000101"
      "026c50c4a00100000900000000000000040000000300000073696d000c00180010000c00080007000c00000000000003"
      "000034420000b04109449208000000000000000086ffffff04000000680000001c000000434d46310000120020000000"
      "1c0014000c000b000a000400120000003000000000000101016c50c4a001000008000000000000000400000003000000"
      "73696d000c00180010000c00080007000c00000000000003000034420000a84105000000000100000000000000000600"
      "080004000600000004000000680000001c000000434d463100001200200000001c0014000c000b000a00040012000000"
      "3000000000000101006c50c4a00100000700000000000000040000000300000073696d000c00180010000c0008000700"
      "0c00000000000003000034420000a0410944920800000000";
  EXPECT_EQ(hex(batch), expected);
  FeedStore store;
  store.ingest(kTrafficBatch, batch, kNow);
  EXPECT_EQ(store.traffic().size(), 2u);
  EXPECT_EQ(store.traffic().at(143803401).value.speedKmh, 22.f);
}

}  // namespace
}  // namespace citymap::feeds
