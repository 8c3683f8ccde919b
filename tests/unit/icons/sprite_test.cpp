#include "icons/sprite.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace citymap::icons {
namespace {

// A 4x2 sprite with two 2x2 cells: "a" fully covered, "b" with one covered texel.
const std::vector<uint8_t> kCoverage = {255, 255, 0, 0,  //
                                        255, 255, 0, 200};
const char* kIndex = R"({"width": 4, "height": 2, "pixelRatio": 2,
  "icons": {"a": {"x": 0, "y": 0, "width": 2, "height": 2}, "b": {"x": 2, "y": 0, "width": 2, "height": 2}}})";

TEST(Sprite, ParsesCellsAndCoverage) {
  auto s = parseSprite(kIndex, kCoverage);
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->width, 4);
  EXPECT_EQ(s->height, 2);
  EXPECT_FLOAT_EQ(s->pixelRatio, 2.f);
  ASSERT_NE(s->find("b"), nullptr);
  EXPECT_EQ(s->find("b")->x, 2);
  EXPECT_EQ(s->find("missing"), nullptr);
  EXPECT_EQ(s->coverage, kCoverage);
}

TEST(Sprite, RejectsCutOffCoverage) {
  const std::vector<uint8_t> cut(kCoverage.begin(), kCoverage.end() - 1);
  auto s = parseSprite(kIndex, cut);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("7 coverage bytes"), std::string::npos) << s.error();
}

TEST(Sprite, RejectsBadIndexes) {
  const char* bad[] = {
      "not json",
      "[1, 2]",
      R"({"width": 4, "height": 2, "icons": {}})",                     // no pixelRatio
      R"({"width": 4.5, "height": 2, "pixelRatio": 1, "icons": {}})",  // fractional size
      R"({"width": 4, "height": 2, "pixelRatio": 1})",                 // no icons
      R"({"width": 4, "height": 2, "pixelRatio": 1, "icons": {"a": {"x": 3, "y": 0, "width": 2, "height": 2}}})",
      R"({"width": 4, "height": 2, "pixelRatio": 1, "icons": {"a": {"x": 0, "y": 0, "width": 2}}})",
      R"({"width": 4, "height": 2, "pixelRatio": 1, "icons": {"": {"x": 0, "y": 0, "width": 1, "height": 1}}})",
      R"({"width": 4, "height": 2, "pixelRatio": -1, "icons": {}})",
  };
  for (const char* index : bad) {
    auto s = parseSprite(index, kCoverage);
    EXPECT_FALSE(s.ok()) << index;
    if (!s.ok()) {
      EXPECT_EQ(s.error().rfind("icon sprite: ", 0), 0u) << s.error();
    }
  }
}

TEST(Sprite, IconCellCarriesCoverageAndDisc) {
  // A 4x4 cell whose centre texels are covered; a disc of radius 2 covers the centre fully
  // and leaves the corners (1.5*sqrt(2) = 2.12 from the centre) partly covered.
  std::vector<uint8_t> cov(16, 0);
  cov[5] = cov[6] = cov[9] = cov[10] = 255;
  auto s = parseSprite(R"({"width": 4, "height": 4, "pixelRatio": 1,
    "icons": {"c": {"x": 0, "y": 0, "width": 4, "height": 4}}})",
                       cov);
  ASSERT_TRUE(s.ok()) << s.error();
  const auto rg = makeIconCell(*s, *s->find("c"), 2.f);
  ASSERT_EQ(rg.size(), 32u);
  for (size_t i = 0; i < 16; ++i) EXPECT_EQ(rg[i * 2], cov[i]) << i;
  EXPECT_EQ(rg[5 * 2 + 1], 255);  // centre: inside the disc
  EXPECT_LT(rg[0 * 2 + 1], 255);  // corner: on the edge
  EXPECT_GT(rg[0 * 2 + 1], 0);
  EXPECT_GT(rg[1 * 2 + 1], rg[0 * 2 + 1]);  // edge middle (1.58 from the centre): more than the corner
  EXPECT_LT(rg[1 * 2 + 1], 255);
  const auto small = makeIconCell(*s, *s->find("c"), 0.5f);
  EXPECT_EQ(small[0 * 2 + 1], 0);  // a small disc leaves the corners empty
}

}  // namespace
}  // namespace citymap::icons
