#include "feeds/feed_batch.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "feed_samples.hpp"
#include "feeds/feed_store.hpp"
#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"

namespace citymap::feeds {
namespace {

using namespace testing;

struct Message {
  std::string topic;
  std::vector<uint8_t> payload;
  friend bool operator==(const Message&, const Message&) = default;
};

std::vector<uint8_t> frame(const std::vector<Message>& messages) {
  std::vector<uint8_t> out;
  for (const auto& m : messages) EXPECT_TRUE(appendFramedMessage(out, m.topic, m.payload));
  return out;
}

// Walks a copy of `batch` in a heap buffer of exactly its size (so that ASan sees any read past
// its end) and collects what was delivered.
Result<size_t> walk(std::span<const uint8_t> batch, std::vector<Message>& seen) {
  const std::vector<uint8_t> exact(batch.begin(), batch.end());
  const std::span<const uint8_t> bytes(exact);
  return forEachFramedMessage(bytes, [&](const FramedMessage& m) {
    // Every view lies inside the batch.
    const auto* lo = reinterpret_cast<const char*>(bytes.data());
    EXPECT_GE(m.topic.data(), lo);
    EXPECT_LE(m.topic.data() + m.topic.size(), lo + bytes.size());
    if (!m.payload.empty()) {
      EXPECT_GE(m.payload.data(), bytes.data());
      EXPECT_LE(m.payload.data() + m.payload.size(), bytes.data() + bytes.size());
    }
    seen.push_back({std::string(m.topic), std::vector<uint8_t>(m.payload.begin(), m.payload.end())});
  });
}

std::vector<Message> samples() {
  std::vector<Message> v;
  v.push_back({"citymap/v1/danang/traffic/493827157", {1, 2, 3}});
  v.push_back({"citymap/v1/danang/bus/42", {}});                                  // a retained clear
  v.push_back({"citymap/v1/đà-nẵng/sensor/7", std::vector<uint8_t>(300, 0xab)});  // UTF-8 topic
  v.push_back({"", {9}});
  v.push_back({std::string(kMaxFramedTopicBytes, 't'), std::vector<uint8_t>(65536, 0x5a)});  // longest topic, 64 KiB
  return v;
}

TEST(FeedBatch, TheFramingIsLittleEndianLengthsBeforeTopicAndPayload) {
  // web/feed_batch.js writes the same bytes (tests/e2e/web_scripts.test.mjs checks them there).
  const std::vector<uint8_t> expected = {3, 0, 'a', '/', 'b', 2, 0, 0, 0, 0xde, 0xad,  //
                                         1, 0, 'c', 0,   0,   0, 0};
  EXPECT_EQ(frame({{"a/b", {0xde, 0xad}}, {"c", {}}}), expected);
  std::vector<Message> seen;
  auto n = walk(expected, seen);
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(seen, (std::vector<Message>{{"a/b", {0xde, 0xad}}, {"c", {}}}));
  // Lengths of more than one byte: least significant byte first.
  std::vector<uint8_t> big;
  ASSERT_TRUE(appendFramedMessage(big, std::string(0x0102, 'x'), std::vector<uint8_t>(0x010203, 7)));
  EXPECT_EQ(big[0], 0x02);
  EXPECT_EQ(big[1], 0x01);
  EXPECT_EQ(big[2 + 0x0102 + 0], 0x03);
  EXPECT_EQ(big[2 + 0x0102 + 1], 0x02);
  EXPECT_EQ(big[2 + 0x0102 + 2], 0x01);
  EXPECT_EQ(big[2 + 0x0102 + 3], 0x00);
  EXPECT_EQ(big.size(), kFrameHeaderBytes + 0x0102 + 0x010203);
}

TEST(FeedBatch, RoundTripInOrder) {
  const auto messages = samples();
  const auto batch = frame(messages);
  std::vector<Message> seen;
  auto n = walk(batch, seen);
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, messages.size());
  EXPECT_EQ(seen, messages);
  auto checked = checkFeedBatch(batch);
  ASSERT_TRUE(checked);
  EXPECT_EQ(*checked, messages.size());
}

TEST(FeedBatch, AnEmptyBatchHasNoMessages) {
  std::vector<Message> seen;
  auto n = walk({}, seen);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0u);
  EXPECT_TRUE(seen.empty());
  auto m = forEachFramedMessage(std::span<const uint8_t>(), [](const FramedMessage&) { FAIL(); });
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, 0u);
}

TEST(FeedBatch, EveryTruncationIsRefusedUnlessItEndsBetweenMessages) {
  const std::vector<Message> messages = {
      {"citymap/v1/danang/traffic/5", {1, 2, 3, 4}}, {"citymap/v1/danang/bus/6", {}}, {"x", {5, 6}}};
  const auto batch = frame(messages);
  std::vector<size_t> boundaries = {0};
  for (const auto& m : messages)
    boundaries.push_back(boundaries.back() + kFrameHeaderBytes + m.topic.size() + m.payload.size());
  ASSERT_EQ(boundaries.back(), batch.size());
  for (size_t n = 0; n <= batch.size(); ++n) {
    std::vector<Message> seen;
    auto r = walk(std::span<const uint8_t>(batch.data(), n), seen);
    const auto at = std::find(boundaries.begin(), boundaries.end(), n);
    if (at == boundaries.end()) {
      ASSERT_FALSE(r) << "prefix of " << n << " bytes";
      EXPECT_NE(r.error().find("message"), std::string::npos) << r.error();
      EXPECT_TRUE(seen.empty()) << "a malformed batch delivers nothing (prefix " << n << ")";
    } else {
      ASSERT_TRUE(r) << r.error();
      const auto count = size_t(at - boundaries.begin());
      EXPECT_EQ(*r, count);
      EXPECT_EQ(seen, std::vector<Message>(messages.begin(), messages.begin() + std::ptrdiff_t(count)));
    }
  }
}

TEST(FeedBatch, TrailingBytesAndLengthsPastTheEndAreRefused) {
  auto batch = frame({{"a", {1}}});
  batch.push_back(0);  // one byte: not even a topic length
  std::vector<Message> seen;
  auto r = walk(batch, seen);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("message 1 at offset 8: truncated topic length"), std::string::npos) << r.error();
  EXPECT_TRUE(seen.empty());

  // Length fields far beyond the buffer (no overflow in the bounds checks).
  const std::vector<std::vector<uint8_t>> bad = {
      {0xff, 0xff, 'a'},                             // topic of 65535 bytes, 1 there
      {1, 0, 'a', 0xff, 0xff, 0xff, 0xff, 1, 2, 3},  // payload of 4 GiB - 1
      {0, 0, 0xff, 0xff, 0xff, 0x7f},                // 2 GiB payload, nothing there
      {0, 0, 0, 0, 0},                               // truncated payload length
      {0, 0, 0, 0, 0, 0, 0},                         // one empty message and a stray byte
  };
  for (const auto& b : bad) {
    seen.clear();
    auto e = walk(b, seen);
    EXPECT_FALSE(e) << "batch of " << b.size() << " bytes";
    EXPECT_TRUE(seen.empty());
  }
}

// Whatever bytes arrive, the walker either refuses them or delivers messages whose frames cover
// the buffer exactly; it never reads past the end (ASan checks that, `walk` copies to the heap).
// Returns whether the bytes were accepted.
bool expectConsistent(std::span<const uint8_t> bytes) {
  std::vector<Message> seen;
  auto r = walk(bytes, seen);
  if (!r) {
    EXPECT_TRUE(seen.empty());
    return false;
  }
  EXPECT_EQ(*r, seen.size());
  size_t covered = 0;
  for (const auto& m : seen) covered += kFrameHeaderBytes + m.topic.size() + m.payload.size();
  EXPECT_EQ(covered, bytes.size());
  EXPECT_EQ(frame(seen), std::vector<uint8_t>(bytes.begin(), bytes.end()));  // re-framing gives the same bytes
  return true;
}

TEST(FeedBatch, GarbageAndBitFlipsNeverReadPastTheEnd) {
  std::mt19937 rng(20260921);
  size_t accepted = 0, refused = 0;
  const auto check = [&](std::span<const uint8_t> b) { ++(expectConsistent(b) ? accepted : refused); };
  // Random bytes of every small size, and some larger ones.
  for (size_t size = 0; size < 64; ++size) {
    for (int round = 0; round < 50; ++round) {
      std::vector<uint8_t> b(size);
      for (auto& x : b) x = uint8_t(rng());
      check(b);
    }
  }
  for (int round = 0; round < 200; ++round) {
    std::vector<uint8_t> b(rng() % 4096);
    for (auto& x : b) x = uint8_t(rng() % 4);  // small bytes make plausible lengths
    check(b);
  }
  // Single and multiple bit flips in a valid batch.
  const auto valid = frame({{"citymap/v1/danang/traffic/9", {1, 2, 3, 4, 5, 6, 7, 8}},
                            {"citymap/v1/danang/shelter/10", {}},
                            {"t", std::vector<uint8_t>(40, 3)}});
  for (size_t bit = 0; bit < valid.size() * 8; ++bit) {
    auto b = valid;
    b[bit / 8] ^= uint8_t(1u << (bit % 8));
    check(b);
  }
  for (int round = 0; round < 500; ++round) {
    auto b = valid;
    for (int k = 0; k < 3; ++k) b[rng() % b.size()] ^= uint8_t(1u << (rng() % 8));
    check(b);
  }
  // Both outcomes were exercised (a flip in a payload byte keeps the framing).
  EXPECT_GT(accepted, 100u);
  EXPECT_GT(refused, 100u);
}

TEST(FeedBatch, TooLongTopicsAreNotFramed) {
  std::vector<uint8_t> out = {42};
  EXPECT_FALSE(appendFramedMessage(out, std::string(kMaxFramedTopicBytes + 1, 'a'), std::vector<uint8_t>{1}));
  EXPECT_EQ(out, std::vector<uint8_t>{42});
}

TEST(FeedBatch, ABatchOfRealMessagesFillsTheStore) {
  constexpr int64_t kNow = kT0 + 1000;
  const std::vector<FeedMessage> messages = {envelope(sampleTraffic()), envelope(sampleSensor()),
                                             envelope(sampleShelter(), 2), envelope(sampleIncident(), 3)};
  std::vector<uint8_t> batch;
  for (const auto& m : messages) {
    ASSERT_TRUE(appendFramedMessage(batch, feedTopic("danang", m.kind(), m.entityId()), encodeFeedMessage(m)));
  }
  // Then clear the shelter again (an empty retained message).
  ASSERT_TRUE(appendFramedMessage(batch, feedTopic("danang", FeedKind::Shelter, messages[2].entityId()), {}));
  FeedStore store;
  auto n = forEachFramedMessage(batch, [&](const FramedMessage& m) { store.enqueue(m.topic, m.payload, kNow); });
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 5u);
  EXPECT_EQ(store.drain(kNow), 5u);
  EXPECT_EQ(store.count(FeedKind::Traffic), 1u);
  EXPECT_EQ(store.count(FeedKind::Sensor), 1u);
  EXPECT_EQ(store.count(FeedKind::Incident), 1u);
  EXPECT_EQ(store.count(FeedKind::Shelter), 0u);
  EXPECT_EQ(store.counters().accepted, 4u);
  EXPECT_EQ(store.counters().removed, 1u);
}

}  // namespace
}  // namespace citymap::feeds
