// Text from outside is composed (NFC) where it enters: live feed messages with decomposed
// Vietnamese arrive as the tiles spell the same names.
#include <gtest/gtest.h>

#include "../feeds/feed_samples.hpp"
#include "base/compose.hpp"
#include "feeds/feed_reader.hpp"
#include "feeds/feed_writer.hpp"

namespace citymap {
namespace {

TEST(TextAtTheDoor, FeedTextsArriveComposed) {
  // "Ngập sâu đường Bạch Đằng" with every letter decomposed (base + combining marks).
  const std::string nfd =
      "Nga\xCC\xA3\xCC\x82p sa\xCC\x82u \xC4\x91u\xCC\x9Bo\xCC\x9B\xCC\x80ng Ba\xCC\xA3"
      "ch \xC4\x90"
      "a\xCC\x86\xCC\x80ng";
  const std::string nfc = "Ngập sâu đường Bạch Đằng";
  ASSERT_NE(nfd, nfc);
  feeds::Incident incident = feeds::testing::sampleIncident();
  incident.titleVi = nfd;
  incident.textVi = "Tra\xCC\x80n " + nfd;
  feeds::StormReport storm = feeds::testing::sampleStorm();
  storm.nameVi =
      "Ba\xCC\xA3"
      "ch Đa\xCC\x86\xCC\x80ng";
  auto a = feeds::decodeFeedMessage(feeds::encodeFeedMessage(feeds::testing::envelope(incident)));
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(std::get<feeds::Incident>(a->payload).titleVi, nfc);
  EXPECT_EQ(std::get<feeds::Incident>(a->payload).textVi, "Tràn " + nfc);
  EXPECT_EQ(std::get<feeds::Incident>(a->payload).titleEn, incident.titleEn);  // composed text stays as it was
  auto b = feeds::decodeFeedMessage(feeds::encodeFeedMessage(feeds::testing::envelope(storm)));
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(std::get<feeds::StormReport>(b->payload).nameVi, "Bạch Đằng");
}

}  // namespace
}  // namespace citymap
