// Area label points: rings clipped to the tile and the pole of inaccessibility.
#include "labels/polylabel.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace citymap::labels {
namespace {

TEST(Polylabel, ClipsRingsToTheBox) {
  const Ring square{{-100, -100}, {300, -100}, {300, 300}, {-100, 300}};
  const Ring clipped = clipRing(square, 200);
  ASSERT_EQ(clipped.size(), 4u);
  for (const auto& p : clipped) {
    EXPECT_TRUE(p.x == 0 || p.x == 200) << p.x;
    EXPECT_TRUE(p.y == 0 || p.y == 200) << p.y;
  }
  EXPECT_TRUE(clipRing(Ring{{300, 300}, {400, 300}, {400, 400}}, 200).empty());
}

TEST(Polylabel, FindsTheCentreOfASquareAndStaysInsideConcaveShapes) {
  const Ring square{{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}};
  const Pole p = poleOfInaccessibility(std::span(&square, 1), 1);
  EXPECT_NEAR(p.point.x, 500, 2);
  EXPECT_NEAR(p.point.y, 500, 2);
  EXPECT_NEAR(p.distance, 500, 2);

  // An L whose centroid lies outside it: the pole is inside the thick part.
  const Ring l{{0, 0}, {1000, 0}, {1000, 200}, {200, 200}, {200, 1000}, {0, 1000}};
  const Pole q = poleOfInaccessibility(std::span(&l, 1), 1);
  EXPECT_GT(q.distance, 90);
  EXPECT_TRUE((q.point.x < 200 && q.point.y < 1000) || (q.point.y < 200 && q.point.x < 1000));

  // A hole in the middle pushes the pole out of it.
  const Ring rings[] = {square, Ring{{300, 300}, {700, 300}, {700, 700}, {300, 700}}};
  const Pole h = poleOfInaccessibility(rings, 1);
  EXPECT_FALSE(h.point.x > 300 && h.point.x < 700 && h.point.y > 300 && h.point.y < 700);
  EXPECT_GT(h.distance, 100);
}

TEST(Polylabel, DegenerateInputGivesNoDistance) {
  const Ring line{{0, 0}, {100, 0}, {200, 0}};
  EXPECT_EQ(poleOfInaccessibility(std::span(&line, 1), 1).distance, 0);
  EXPECT_EQ(poleOfInaccessibility({}, 1).distance, 0);
}

}  // namespace
}  // namespace citymap::labels
