// Glyph quads of placed labels, the halo atlas and the collision grid.
#include "labels/label_batch.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "label_samples.hpp"
#include "labels/collision.hpp"
#include "labels/halo_atlas.hpp"

namespace citymap::labels {
namespace {

using namespace testing;

TEST(LabelBatch, OneQuadPerVisibleGlyphCentredOnTheLabel) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  PlacedLabel l;
  l.text = "Hội An";  // 6 code points, one space
  l.labelClass = 1;   // 12 px: advance 6
  l.x = 100.25f;
  l.y = 50;
  l.width = 36;
  LabelBatch batch;
  buildLabelBatch({l}, style, fonts, 2, batch);
  ASSERT_EQ(batch.vertices.size(), 5u * 4);
  ASSERT_EQ(batch.indices.size(), 5u * 6);
  // Device pixels; snapped to whole pixels; the text's left edge at x - width / 2.
  float minX = 1e9f, maxX = -1e9f, minY = 1e9f, maxY = -1e9f;
  for (const GlyphVertex& v : batch.vertices) {
    minX = std::min(minX, v.x), maxX = std::max(maxX, v.x), minY = std::min(minY, v.y), maxY = std::max(maxY, v.y);
    EXPECT_EQ(v.x, std::round(v.x));
    EXPECT_EQ(v.color, packPremultiplied(style.labels[1].color, 1));
    EXPECT_EQ(v.halo, 0xffffffffu);
  }
  EXPECT_NEAR(minX, (100.25f - 18) * 2, 1);
  EXPECT_NEAR(maxX, (100.25f + 18) * 2, 1);
  EXPECT_NEAR(minY, (50 - 6) * 2, 1);
  EXPECT_NEAR(maxY, (50 + 6) * 2, 1);
  // The second glyph is 'ộ' (U+1ED9): its atlas coordinates say so.
  EXPECT_FLOAT_EQ(batch.vertices[4].u, float(0x1ED9) / 0x2000);
}

TEST(LabelBatch, RotatedLabelsTurnAroundTheirCentreAndFade) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  PlacedLabel l;
  l.text = "ab";
  l.labelClass = 0;  // 12 px
  l.x = 200;
  l.y = 200;
  l.width = 12;
  l.angle = -std::numbers::pi_v<float> / 2;  // reads bottom to top
  l.opacity = 0.5f;
  LabelBatch batch;
  buildLabelBatch({l}, style, fonts, 1, batch);
  ASSERT_EQ(batch.vertices.size(), 8u);
  // The first glyph's top-left corner (-6, -6 from the centre) turns to (-6, +6).
  EXPECT_NEAR(batch.vertices[0].x, 194, 1e-3);
  EXPECT_NEAR(batch.vertices[0].y, 206, 1e-3);
  // The second glyph sits above the first.
  EXPECT_LT(batch.vertices[4].y, batch.vertices[0].y);
  EXPECT_EQ(batch.vertices[0].color >> 24, 128u);  // half alpha, premultiplied
  EXPECT_EQ(batch.vertices[0].halo, 0x80808080u);
}

TEST(LabelBatch, PremultipliesColours) {
  EXPECT_EQ(packPremultiplied(style::Color::hex(0xff8000), 1), 0xff0080ffu);
  EXPECT_EQ(packPremultiplied(style::Color::hex(0xffffff, 0.5f), 1), 0x80808080u);
  EXPECT_EQ(packPremultiplied(style::Color::hex(0xffffff), 0), 0u);
}

TEST(HaloAtlas, DilatesCoverageIntoTheHaloChannel) {
  // One covered texel in the middle of a 9 x 9 atlas.
  std::vector<uint8_t> alpha(81, 0);
  alpha[4 * 9 + 4] = 255;
  const auto rg = makeHaloAtlas(alpha.data(), 9, 9, 2);
  ASSERT_EQ(rg.size(), 162u);
  const auto at = [&](int x, int y, int c) { return rg[size_t(2 * (y * 9 + x) + c)]; };
  EXPECT_EQ(at(4, 4, 0), 255);  // coverage kept
  EXPECT_EQ(at(4, 3, 0), 0);
  EXPECT_EQ(at(4, 4, 1), 255);
  EXPECT_EQ(at(5, 4, 1), 255);  // within the radius: full halo
  EXPECT_EQ(at(6, 4, 1), 128);  // on the rim: half (antialiased)
  EXPECT_EQ(at(7, 4, 1), 0);
  EXPECT_EQ(at(0, 0, 1), 0);
  // Only the given sources spread.
  const TexelRect elsewhere{0, 0, 2, 2};
  const auto none = makeHaloAtlas(alpha.data(), 9, 9, 2, std::span(&elsewhere, 1));
  EXPECT_EQ(none[2 * (4 * 9 + 5) + 1], 0);
  EXPECT_EQ(none[2 * (4 * 9 + 4) + 1], 255);
}

TEST(CollisionGrid, FindsOverlapsAcrossCells) {
  CollisionGrid grid;
  grid.reset(200, 100, 32);
  EXPECT_FALSE(grid.hits({0, 0, 200, 100}));
  grid.insert({30, 30, 90, 40});
  EXPECT_TRUE(grid.hits({85, 35, 95, 45}));
  EXPECT_FALSE(grid.hits({90, 30, 100, 40}));    // touching is fine
  EXPECT_TRUE(grid.hits({-50, -50, 500, 500}));  // clamped to the grid
  grid.reset(200, 100, 32);
  EXPECT_FALSE(grid.hits({85, 35, 95, 45}));
  EXPECT_EQ(grid.size(), 0u);
  // Priorities: a box only counts for queries at least as unimportant as it.
  grid.insert({0, 0, 10, 10}, 5);
  EXPECT_TRUE(grid.hits({5, 5, 8, 8}));
  EXPECT_TRUE(grid.hits({5, 5, 8, 8}, 5));
  EXPECT_FALSE(grid.hits({5, 5, 8, 8}, 4));
}

}  // namespace
}  // namespace citymap::labels
