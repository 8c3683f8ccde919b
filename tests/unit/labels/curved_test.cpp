// Line labels along curved lines: glyph by glyph on the line, turned with it, upright, dropped
// where the line bends too sharply, each glyph a collision box; with a bearing too.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "label_samples.hpp"
#include "labels/label_batch.hpp"
#include "labels/placement.hpp"

namespace citymap::labels {
namespace {

using namespace testing;
constexpr float kPi = std::numbers::pi_v<float>;

const std::vector<PlacedLabel>& settle(Labeler& labeler, std::span<const LabelTile> tiles, const geo::Camera& cam,
                                       const style::Style& style, const FontSet& fonts, double* at = nullptr) {
  double local = 0;
  return testing::settle(labeler, tiles, cam, style, fonts, at ? *at : local);
}

// An arc of a circle (tile units), from angle a0 to a1 (radians, y down) in `steps` pieces.
std::vector<int16_t> arc(float cx, float cy, float r, float a0, float a1, int steps) {
  std::vector<int16_t> out;
  for (int i = 0; i <= steps; ++i) {
    const float a = a0 + (a1 - a0) * float(i) / float(steps);
    out.push_back(int16_t(std::lround(cx + r * std::cos(a))));
    out.push_back(int16_t(std::lround(cy + r * std::sin(a))));
  }
  return out;
}

float wrap(float a) {
  while (a > kPi) a -= 2 * kPi;
  while (a <= -kPi) a += 2 * kPi;
  return a;
}

// The screen position of a tile point through the camera.
geo::ScreenPoint screenOf(const geo::Camera& cam, float u, float v) {
  const geo::WorldBox tb = kTile.bounds();
  return cam.worldToScreen({tb.minx + (tb.maxx - tb.minx) * u / 4096, tb.miny + (tb.maxy - tb.miny) * v / 4096});
}

// An arch (the top of a circle of radius 220 px at z16) with a long name: every glyph on the
// arc, turned along it, evenly spaced by its advance, reading left to right; the same whichever
// way the line is drawn and at any bearing.
TEST(CurvedLabels, GlyphsFollowTheArcUprightAtAnyBearing) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  const float cx = 2048, cy = 3000, r = 1760;        // tile units (8 per px at z16)
  const std::string name = "Đường Nguyễn Văn Linh";  // 21 glyphs, 6 px each: 126 px
  for (bool reversed : {false, true}) {
    const auto coords =
        reversed ? arc(cx, cy, r, -0.1f * kPi, -0.9f * kPi, 80) : arc(cx, cy, r, -0.9f * kPi, -0.1f * kPi, 80);
    TileLabels labels = collect({{"road_labels", {line(2, coords, name)}}}, style);
    const LabelTile tiles[] = {{kTile, &labels}};
    for (int bearing = 0; bearing < 360; bearing += 45) {
      geo::Camera cam = tileCamera();
      cam.setBearing(bearing);
      Labeler labeler;
      const auto& placed = settle(labeler, tiles, cam, style, fonts);
      ASSERT_FALSE(placed.empty()) << bearing;
      const geo::ScreenPoint centre = screenOf(cam, cx, cy);
      for (const PlacedLabel& l : placed) {
        ASSERT_EQ(l.glyphs.size(), 21u);
        EXPECT_GE(l.angle, -kPi / 2);
        EXPECT_LT(l.angle, kPi / 2);
        float turned = 0;
        for (size_t i = 0; i < l.glyphs.size(); ++i) {
          const LineGlyph& g = l.glyphs[i];
          // On the arc (radius 220 px; its chords are within 0.1 px of it).
          const float dx = float(g.x - centre.x), dy = float(g.y - centre.y);
          EXPECT_NEAR(std::hypot(dx, dy), r / 8, 0.5) << bearing << " glyph " << i;
          // Turned along it: perpendicular to the radius, within the arc's 2-degree pieces.
          const float tangent = std::atan2(dy, dx) + kPi / 2;
          float diff = std::fmod(wrap(g.angle - tangent) + 2 * kPi, kPi);
          if (diff > kPi / 2) diff -= kPi;
          EXPECT_NEAR(diff, 0, 0.04) << bearing << " glyph " << i;
          // Upright: within a right angle of the text's direction, which reads left to right.
          EXPECT_LT(std::abs(wrap(g.angle - l.angle)), kPi / 2) << bearing;
          if (i > 0) {
            const LineGlyph& p = l.glyphs[i - 1];
            // Even spacing: one advance (6 px) apart, along the arc.
            EXPECT_NEAR(std::hypot(g.x - p.x, g.y - p.y), 6, 0.05) << bearing;
            // Left to right along the text's direction.
            EXPECT_GT((g.x - p.x) * std::cos(l.angle) + (g.y - p.y) * std::sin(l.angle), 0) << bearing;
            turned += wrap(g.angle - p.angle);
          }
        }
        // The arch bends: 126 px of a 220 px radius turn the text by ~33 degrees.
        EXPECT_NEAR(std::abs(turned), 126.f / 220 * 20 / 21, 0.05) << bearing;
      }
    }
  }
}

// The glyph quads follow the glyphs: each turned with its glyph around its own centre.
TEST(CurvedLabels, BatchPutsEachGlyphAtItsPlaceAndAngle) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  const LineGlyph glyphs[] = {{100, 100, 0}, {106, 101, 0.3f}, {111, 104, 0.6f}};
  PlacedLabel l;
  l.text = "abc";
  l.labelClass = 0;  // 12 px: advance 6, quads 6 x 12
  l.x = 106, l.y = 101;
  l.width = 18;
  l.glyphs = glyphs;
  LabelBatch batch;
  buildLabelBatch({l}, style, fonts, 2, batch);
  ASSERT_EQ(batch.vertices.size(), 12u);
  for (int i = 0; i < 3; ++i) {
    float mx = 0, my = 0;
    for (int k = 0; k < 4; ++k)
      mx += batch.vertices[size_t(4 * i + k)].x / 8, my += batch.vertices[size_t(4 * i + k)].y / 8;
    EXPECT_NEAR(mx, glyphs[i].x, 1e-3) << i;  // the mean of 4 corners, device pixels / 2
    EXPECT_NEAR(my, glyphs[i].y, 1e-3) << i;
    const GlyphVertex& a = batch.vertices[size_t(4 * i)];
    const GlyphVertex& b = batch.vertices[size_t(4 * i + 1)];  // along the glyph's top edge
    EXPECT_NEAR(std::atan2(b.y - a.y, b.x - a.x), glyphs[i].angle, 1e-4) << i;
    EXPECT_FLOAT_EQ(a.u, float('a' + i) / 0x2000);
  }
}

// A street with one sharp corner under any label's place gets no label; with a gentle one it
// does, bent along it.
TEST(CurvedLabels, SharpCornersDropTheLabelGentleOnesBendIt) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  const std::string name = "Đường Quang Trung";  // 17 glyphs: 102 px
  const auto corner = [&](float degrees) {
    // Two legs of 100 px (800 units) meeting at (2048, 2048), the second turned by `degrees`.
    const float a = degrees * kPi / 180;
    return line(
        2,
        {int16_t(2048 - 800), 2048, 2048, 2048, int16_t(2048 + 800 * std::cos(a)), int16_t(2048 + 800 * std::sin(a))},
        name);
  };
  for (float degrees : {60.f, 90.f, 135.f}) {
    TileLabels labels = collect({{"road_labels", {corner(degrees)}}}, style);
    const LabelTile tiles[] = {{kTile, &labels}};
    Labeler labeler;
    EXPECT_TRUE(settle(labeler, tiles, tileCamera(), style, fonts).empty()) << degrees;
  }
  for (float degrees : {-25.f, 25.f}) {
    TileLabels labels = collect({{"road_labels", {corner(degrees)}}}, style);
    const LabelTile tiles[] = {{kTile, &labels}};
    Labeler labeler;
    const auto& placed = settle(labeler, tiles, tileCamera(), style, fonts);
    ASSERT_EQ(placed.size(), 1u) << degrees;
    const auto& g = placed[0].glyphs;
    ASSERT_EQ(g.size(), 17u);
    EXPECT_NEAR(g.front().angle, 0, 1e-3) << degrees;                   // before the corner
    EXPECT_NEAR(g.back().angle, degrees * kPi / 180, 3e-3) << degrees;  // after it (rounded coordinates)
  }
}

// Curved labels on crowded concentric arcs: no glyph of one label overlaps a glyph of another.
TEST(CurvedLabels, CurvedLabelsNeverOverlap) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  std::vector<::citymap::testing::TestFeature> streets;
  for (int i = 0; i < 12; ++i) {
    const float r = 900 + 70 * float(i);  // 9 px apart: closer than the 12 px text
    streets.push_back(line(uint64_t(10 + i), arc(2048, 2048, r, 0, 2 * kPi, 120), "Kiệt số " + std::to_string(i)));
  }
  // And straight streets across them.
  for (int i = 0; i < 4; ++i)
    streets.push_back(line(uint64_t(40 + i), {0, int16_t(600 + 900 * i), 4096, int16_t(1000 + 900 * i)},
                           "Đường " + std::to_string(i)));
  TileLabels labels = collect({{"road_labels", streets}}, style);
  const LabelTile tiles[] = {{kTile, &labels}};
  Labeler labeler;
  const auto& placed = settle(labeler, tiles, tileCamera(), style, fonts);
  ASSERT_GT(placed.size(), 6u);
  std::vector<std::pair<size_t, Quad>> quads;
  int curved = 0;
  for (size_t i = 0; i < placed.size(); ++i) {
    const PlacedLabel& l = placed[i];
    ASSERT_FALSE(l.glyphs.empty());
    bool bent = false;
    for (const LineGlyph& g : l.glyphs) {
      bent |= std::abs(g.angle - l.glyphs[0].angle) > 0.05f;
      quads.emplace_back(i, quadAt(g.x, g.y, g.angle, 6, 12));  // the glyph: its advance by the text size
    }
    curved += bent;
  }
  EXPECT_GT(curved, 3);
  for (size_t a = 0; a < quads.size(); ++a)
    for (size_t b = a + 1; b < quads.size(); ++b)
      if (quads[a].first != quads[b].first) {
        EXPECT_FALSE(intersects(quads[a].second, quads[b].second))
            << placed[quads[a].first].text << " / " << placed[quads[b].first].text;
      }
}

// Labels fading out keep their glyphs where they were.
TEST(CurvedLabels, FadingLabelsKeepTheirGlyphs) {
  const auto style = testStyle();
  const auto fonts = testFonts();
  TileLabels labels =
      collect({{"road_labels", {line(2, arc(2048, 3000, 1760, -0.9f * kPi, -0.1f * kPi, 80), "Hải Phòng")}}}, style);
  const LabelTile tiles[] = {{kTile, &labels}};
  Labeler labeler;
  const geo::Camera cam = tileCamera();
  double now = 0;
  const std::vector<PlacedLabel> before = settle(labeler, tiles, cam, style, fonts, &now);
  ASSERT_FALSE(before.empty());
  const std::vector<LineGlyph> was(before[0].glyphs.begin(), before[0].glyphs.end());
  GroupVisibility hidden = allVisible();
  hidden[size_t(style::Group::Roads)] = false;
  const auto& fading = labeler.place(tiles, cam, style, fonts, hidden, now + 50);
  const PlacedLabel* same = nullptr;
  for (const PlacedLabel& l : fading)
    if (l.key == before[0].key) same = &l;
  ASSERT_NE(same, nullptr);
  ASSERT_EQ(same->glyphs.size(), was.size());
  EXPECT_LT(same->opacity, 1);
  for (size_t i = 0; i < was.size(); ++i) {
    EXPECT_NEAR(same->glyphs[i].x, was[i].x, 1e-3);
    EXPECT_NEAR(same->glyphs[i].y, was[i].y, 1e-3);
    EXPECT_NEAR(same->glyphs[i].angle, was[i].angle, 1e-6);
  }
}

}  // namespace
}  // namespace citymap::labels
