#include "tess/arrows.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace citymap::tess {
namespace {

using Points = std::vector<Vec2>;

ArrowStyle arrowStyle(float spacing, float length = 20, float halfWidth = 14) {
  ArrowStyle s;
  s.spacing = spacing;
  s.length = length;
  s.halfWidth = halfWidth;
  return s;
}

TEST(Arrows, RegularlySpacedAndCentredAlongAStraightLine) {
  const Points line{{0, 100}, {1000, 100}};
  const auto arrows = placeArrows(line, arrowStyle(200));
  ASSERT_EQ(arrows.size(), 5u);  // 1000 / 200
  for (size_t i = 0; i < arrows.size(); ++i) {
    EXPECT_FLOAT_EQ(arrows[i].direction.x, 1);
    EXPECT_FLOAT_EQ(arrows[i].direction.y, 0);
    EXPECT_FLOAT_EQ(arrows[i].tip.y, 100);
    // Chevron centres at 100, 300, ..., 900: tips half a chevron ahead.
    EXPECT_FLOAT_EQ(arrows[i].tip.x, 100 + 200 * float(i) + 10);
    if (i) {
      EXPECT_FLOAT_EQ(arrows[i].tip.x - arrows[i - 1].tip.x, 200);
    }
  }
  // Reversed line: the arrows point the other way (the direction of travel is first -> last).
  const Points back{{1000, 100}, {0, 100}};
  for (const ArrowPlacement& a : placeArrows(back, arrowStyle(200))) EXPECT_FLOAT_EQ(a.direction.x, -1);
}

TEST(Arrows, CountRoundsTheLengthOverTheSpacing) {
  EXPECT_EQ(placeArrows(Points{{0, 0}, {130, 0}}, arrowStyle(200)).size(), 1u);  // short: one in the middle
  EXPECT_EQ(placeArrows(Points{{0, 0}, {290, 0}}, arrowStyle(200)).size(), 1u);
  EXPECT_EQ(placeArrows(Points{{0, 0}, {310, 0}}, arrowStyle(200)).size(), 2u);
  EXPECT_EQ(placeArrows(Points{{0, 0}, {30, 0}}, arrowStyle(200)).size(), 0u);  // under two chevrons long
  EXPECT_EQ(placeArrows(Points{{0, 0}}, arrowStyle(200)).size(), 0u);
  EXPECT_EQ(placeArrows(Points{{5, 5}, {5, 5}}, arrowStyle(200)).size(), 0u);
  const auto one = placeArrows(Points{{0, 0}, {130, 0}}, arrowStyle(200));
  EXPECT_FLOAT_EQ(one[0].tip.x, 65 + 10);
}

TEST(Arrows, FollowTheSegmentsAndSkipShortOnes) {
  // An L: 600 along x, then 600 along y (down). Spacing 300: four arrows at 150, 450, 750, 1050.
  const Points l{{0, 0}, {600, 0}, {600, 600}};
  const auto arrows = placeArrows(l, arrowStyle(300));
  ASSERT_EQ(arrows.size(), 4u);
  EXPECT_FLOAT_EQ(arrows[0].direction.x, 1);
  EXPECT_FLOAT_EQ(arrows[1].direction.x, 1);
  EXPECT_FLOAT_EQ(arrows[2].direction.y, 1);
  EXPECT_FLOAT_EQ(arrows[3].direction.y, 1);
  EXPECT_FLOAT_EQ(arrows[2].tip.x, 600);
  EXPECT_FLOAT_EQ(arrows[2].tip.y, 160);
  // A zigzag of 30-unit segments (a curve in many short pieces): every segment is under
  // 2 * length, so no arrow would fit on a straight stretch.
  Points zigzag;
  for (int i = 0; i <= 40; ++i) zigzag.push_back({float(i) * 21, float(i % 2) * 21});
  EXPECT_TRUE(placeArrows(zigzag, arrowStyle(200)).empty());
  // Near a segment's start the chevron is moved forward to fit on it.
  // (One arrow, centred at 202.5: 2.5 past the corner, so its tip goes to 20 = length.)
  const auto nearStart = placeArrows(Points{{0, 0}, {200, 0}, {200, 205}}, arrowStyle(400, 20, 14));
  ASSERT_EQ(nearStart.size(), 1u);
  EXPECT_FLOAT_EQ(nearStart[0].tip.x, 200);
  EXPECT_FLOAT_EQ(nearStart[0].tip.y, 20);
  EXPECT_FLOAT_EQ(nearStart[0].direction.y, 1);
}

TEST(Arrows, KeepBoxAndChevronShape) {
  ArrowStyle s = arrowStyle(200);
  s.keepMin = {0, 0};
  s.keepMax = {500, 500};
  const auto arrows = placeArrows(Points{{-500, 100}, {1000, 100}}, s);
  // 8 arrows on the 1500 units (tips at x = -440, -240, ..., 960); only two have theirs in the box.
  ASSERT_EQ(arrows.size(), 2u);
  EXPECT_FLOAT_EQ(arrows[0].tip.x, 160);
  EXPECT_FLOAT_EQ(arrows[1].tip.x, 360);
  for (const ArrowPlacement& a : arrows) EXPECT_TRUE(a.tip.x >= 0 && a.tip.x <= 500);

  Vec2 pts[3];
  chevronPoints({{100, 100}, {1, 0}}, s, pts);
  EXPECT_FLOAT_EQ(pts[1].x, 100);  // the tip ahead
  EXPECT_FLOAT_EQ(pts[0].x, 80);   // the arms behind it
  EXPECT_FLOAT_EQ(pts[2].x, 80);
  EXPECT_FLOAT_EQ(std::abs(pts[0].y - pts[2].y), 28);
  EXPECT_FLOAT_EQ(pts[0].y + pts[2].y, 200);  // symmetric about the line

  LineMesh mesh;
  const size_t n = addArrows(Points{{0, 0}, {1000, 0}}, arrowStyle(200), {LineJoin::Round, LineCap::Round}, mesh);
  EXPECT_EQ(n, 5u);
  EXPECT_FALSE(mesh.indices.empty());
  EXPECT_EQ(mesh.indices.size() % 3, 0u);
  // Every vertex's centre point lies on a chevron (within its box around the line).
  for (const LineVertex& v : mesh.vertices) {
    EXPECT_LE(std::abs(v.y), 14.001f);
    EXPECT_GE(v.x, 0);
    EXPECT_LE(v.x, 1000);
  }
}

}  // namespace
}  // namespace citymap::tess
