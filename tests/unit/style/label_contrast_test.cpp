// Map labels must be readable on everything the map draws under them: the text colour against
// its halo (composited over the background, every area fill and every opaque line colour of
// the default style) reaches WCAG's 4.5:1 for normal text.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "style/style.hpp"

namespace citymap::style {
namespace {

double linear(float c) { return c <= 0.03928f ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }
double luminance(const Color& c) { return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b); }
double contrast(const Color& a, const Color& b) {
  const double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}
Color over(const Color& top, const Color& under) {
  const float a = top.a;
  return {top.r * a + under.r * (1 - a), top.g * a + under.g * (1 - a), top.b * a + under.b * (1 - a), 1};
}

TEST(LabelContrast, EveryLabelReachesFourAndAHalfToOneOverEveryOpaqueColourOfTheMap) {
  const Style& s = defaultStyle();
  std::vector<std::pair<std::string, Color>> under{{"background", s.background.at(16)}};
  for (const Layer& l : s.layers)
    if (!l.featureState && l.color.at(16).a >= 1 && l.opacity.at(16) >= 1) under.emplace_back(l.id, l.color.at(16));
  ASSERT_GT(under.size(), 10u);
  ASSERT_FALSE(s.labels.empty());
  for (const LabelClass& c : s.labels) {
    ASSERT_GT(c.halo.a, 0) << c.id << " has no halo";
    for (const auto& [id, colour] : under)
      EXPECT_GE(contrast(c.color, over(c.halo, colour)), 4.5) << c.id << " over " << id;
  }
}

TEST(LabelContrast, TheCheckSeesALowContrastPair) {
  // The measure itself: white on white fails, black on white is 21:1, #777 on white ~4.48:1.
  EXPECT_NEAR(contrast(Color::hex(0), Color::hex(0xffffff)), 21.0, 1e-6);
  EXPECT_LT(contrast(Color::hex(0x777777), Color::hex(0xffffff)), 4.5);
  EXPECT_NEAR(contrast(Color::hex(0x777777), Color::hex(0xffffff)), 4.48, 0.01);
}

}  // namespace
}  // namespace citymap::style
