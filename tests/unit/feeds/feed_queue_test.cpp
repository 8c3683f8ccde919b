#include "feeds/feed_queue.hpp"

#include <gtest/gtest.h>

namespace citymap::feeds {
namespace {

std::vector<uint8_t> bytes(size_t n, uint8_t v) { return std::vector<uint8_t>(n, v); }
std::string topic(int i) { return "t/" + std::to_string(i); }

TEST(FeedQueue, FifoOrder) {
  FeedQueue q(4, 1000, 100);
  for (uint8_t i = 0; i < 3; ++i) EXPECT_EQ(q.push(topic(i), bytes(10, i), i), FeedQueue::Push::Queued);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.bytes(), 30u);
  FeedQueue::Item item;
  for (uint8_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(q.pop(item));
    EXPECT_EQ(item.topic, topic(i));
    EXPECT_EQ(item.payload, bytes(10, i));
    EXPECT_EQ(item.receivedMs, i);
  }
  EXPECT_FALSE(q.pop(item));
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(FeedQueue, DropsOldestWhenFull) {
  FeedQueue q(3, 1000, 100);
  for (uint8_t i = 0; i < 10; ++i) q.push("t", bytes(5, i), i);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.droppedOldest(), 7u);
  FeedQueue::Item item;
  ASSERT_TRUE(q.pop(item));
  EXPECT_EQ(item.payload[0], 7);  // the newest three survive
}

TEST(FeedQueue, BoundedByBytes) {
  FeedQueue q(100, 50, 20);
  for (uint8_t i = 0; i < 10; ++i) q.push("t", bytes(20, i), 0);
  EXPECT_LE(q.bytes(), 50u);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.droppedOldest(), 8u);
  EXPECT_EQ(q.push("t", bytes(21, 0), 0), FeedQueue::Push::TooLarge);
  EXPECT_EQ(q.push(std::string(FeedQueue::kMaxTopicBytes + 1, 'a'), bytes(1, 0), 0), FeedQueue::Push::TooLarge);
  EXPECT_EQ(q.size(), 2u);
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(FeedQueue, WrapsAroundManyTimes) {
  FeedQueue q(7, 10000, 100);
  FeedQueue::Item item;
  uint32_t pushed = 0, popped = 0;
  int64_t last = -1;
  for (int round = 0; round < 1000; ++round) {
    for (int i = 0; i < round % 5; ++i, ++pushed) q.push("t", bytes(1 + pushed % 50, uint8_t(pushed)), pushed);
    for (int i = 0; i < round % 3 && q.pop(item); ++i, ++popped) {
      EXPECT_GT(item.receivedMs, last);  // oldest first, never twice
      last = item.receivedMs;
      EXPECT_EQ(item.payload.size(), size_t(1 + item.receivedMs % 50));
    }
    EXPECT_LE(q.size(), 7u);
  }
  EXPECT_EQ(popped + q.droppedOldest() + q.size(), pushed);
}

}  // namespace
}  // namespace citymap::feeds
