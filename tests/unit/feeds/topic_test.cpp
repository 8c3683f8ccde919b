#include "feeds/topic.hpp"

#include <gtest/gtest.h>

namespace citymap::feeds {
namespace {

TEST(FeedTopic, BuildsAndParses) {
  const std::string t = feedTopic("danang", FeedKind::Sensor, 1234567890123ull);
  EXPECT_EQ(t, "citymap/v1/danang/sensor/1234567890123");
  auto p = parseFeedTopic(t);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->city, "danang");
  EXPECT_EQ(p->kind, FeedKind::Sensor);
  EXPECT_EQ(p->entityId, 1234567890123ull);
  EXPECT_EQ(feedSubscription("danang"), "citymap/v1/danang/#");
  for (int k = 0; k < kFeedKindCount; ++k) {
    auto q = parseFeedTopic(feedTopic("hue", FeedKind(k), 18446744073709551615ull));
    ASSERT_TRUE(q) << k;
    EXPECT_EQ(q->kind, FeedKind(k));
    EXPECT_EQ(q->entityId, 18446744073709551615ull);
  }
}

TEST(FeedTopic, RejectsEverythingElse) {
  for (const char* bad : {"",
                          "citymap",
                          "citymap/v1",
                          "citymap/v1/",
                          "citymap/v1/danang",
                          "citymap/v1/danang/sensor",
                          "citymap/v1/danang/sensor/",
                          "citymap/v2/danang/sensor/1",
                          "citymap/v1/DaNang/sensor/1",
                          "citymap/v1/danang/weather/1",
                          "citymap/v1/danang/sensor/0",
                          "citymap/v1/danang/sensor/01",
                          "citymap/v1/danang/sensor/-1",
                          "citymap/v1/danang/sensor/1/x",
                          "citymap/v1/danang/sensor/1x",
                          "citymap/v1/danang/sensor/18446744073709551616",
                          "citymap/v1//sensor/1",
                          "citymap/v1x/danang/sensor/1",
                          "/citymap/v1/danang/sensor/1",
                          "citymap/v1/danang/sensor/+",
                          "citymap/v1/danang/#"})
    EXPECT_FALSE(parseFeedTopic(bad)) << bad;
  EXPECT_TRUE(validCitySlug("da-nang-2"));
  EXPECT_FALSE(validCitySlug(std::string(33, 'a')));
}

}  // namespace
}  // namespace citymap::feeds
