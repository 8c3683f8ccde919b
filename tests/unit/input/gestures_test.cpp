// The one input model: drags, flings, pinches, twists, taps, double taps, two-finger taps,
// mouse rotation and the keyboard, checked against the camera's Web Mercator math.
#include "input/gestures.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "geo/mercator.hpp"

namespace citymap::input {
namespace {

geo::Camera camera(double zoom = 15) {
  geo::Camera c;
  c.setViewport(360, 740, 3);
  c.setZoomRange(11, 20);
  c.jumpTo({108.2145, 16.06}, zoom);
  return c;
}

// Runs the model until it stops moving by itself (or `until`), one update per 16 ms.
double settle(GestureModel& g, geo::Camera& c, double t, double until = 1e9) {
  g.update(c, t);
  while (g.moving() && t < until) {
    t += 16;
    g.update(c, t);
  }
  return t;
}

TEST(Gestures, OneFingerDragMovesTheMapWithTheFinger) {
  geo::Camera c = camera();
  GestureModel g;
  const geo::WorldPoint grabbed = c.screenToWorld({100, 300});
  g.pointerDown(1, 100, 300, 0, Device::Touch);
  for (int i = 1; i <= 10; ++i) {
    g.pointerMove(1, 100 + 8 * i, 300 - 5 * i, 400 + i * 40.0);  // slow: no fling
    g.update(c, 400 + i * 40.0);
  }
  g.pointerUp(1, 180, 250, 1000);  // held still a moment before lifting: no glide
  settle(g, c, 1000);
  const geo::ScreenPoint now = c.worldToScreen(grabbed);
  EXPECT_NEAR(now.x, 180, 1e-6);
  EXPECT_NEAR(now.y, 250, 1e-6);
  EXPECT_FALSE(g.takeTap());
  EXPECT_FALSE(g.moving());
}

TEST(Gestures, AFlingGlidesOnAndStops) {
  geo::Camera c = camera();
  GestureModel g;
  g.pointerDown(1, 50, 300, 0, Device::Touch);
  for (int i = 1; i <= 6; ++i) g.pointerMove(1, 50 + 30 * i, 300, i * 10.0);  // 3000 px/s
  g.update(c, 60);
  const geo::WorldPoint centreAtRelease = c.center();
  g.pointerUp(1, 230, 300, 60);
  EXPECT_TRUE(g.moving());
  const double end = settle(g, c, 60);
  const double glided = (centreAtRelease.x - c.center().x) * c.worldSizePx();
  // Capped at 2500 px/s, decaying with 325 ms: v0 * tau = 812 px in all; it stops below 10 px/s.
  EXPECT_GT(glided, 700);
  EXPECT_LT(glided, 813);
  EXPECT_NEAR(c.center().y, centreAtRelease.y, 1e-12);  // along the fling
  EXPECT_GT(end, 60 + 1000);
  EXPECT_LT(end, 60 + 2500);
  // A drag that stopped before the release does not glide.
  g.pointerDown(1, 50, 300, 5000, Device::Touch);
  for (int i = 1; i <= 6; ++i) g.pointerMove(1, 50 + 30 * i, 300, 5000 + i * 10.0);
  g.pointerUp(1, 230, 300, 5300);
  EXPECT_FALSE(g.moving());
}

TEST(Gestures, PinchZoomsAroundTheMidpoint) {
  geo::Camera c = camera(15);
  GestureModel g;
  const geo::ScreenPoint mid{200, 400};
  const geo::WorldPoint under = c.screenToWorld(mid);
  g.pointerDown(1, 150, 400, 0, Device::Touch);
  g.pointerDown(2, 250, 400, 5, Device::Touch);
  for (int i = 1; i <= 10; ++i) {  // spread from 100 px to 400 px apart: two zoom levels
    g.pointerMove(1, 150 - 15 * i, 400, 10.0 * i);
    g.pointerMove(2, 250 + 15 * i, 400, 10.0 * i + 1);
    g.update(c, 10.0 * i + 2);
  }
  EXPECT_NEAR(c.zoom(), 17, 1e-9);
  EXPECT_DOUBLE_EQ(c.bearing(), 0);  // no twist: no rotation
  const geo::ScreenPoint p = c.worldToScreen(under);
  EXPECT_NEAR(p.x, mid.x, 1e-6);
  EXPECT_NEAR(p.y, mid.y, 1e-6);
  g.pointerUp(2, 400, 400, 200);
  g.pointerUp(1, 0, 400, 210);
  settle(g, c, 210);
  EXPECT_FALSE(g.takeTap());
  EXPECT_NEAR(c.zoom(), 17, 1e-9);  // a pinch leaves no glide and no tap behind
}

TEST(Gestures, TwistRotatesPastAThresholdAroundTheMidpoint) {
  geo::Camera c = camera(16);
  GestureModel g;
  const geo::ScreenPoint mid{180, 370};
  const geo::WorldPoint under = c.screenToWorld(mid);
  const auto fingers = [&](double deg, double t) {
    const double a = deg * M_PI / 180, r = 80;
    g.pointerMove(1, mid.x - r * std::cos(a), mid.y - r * std::sin(a), t);
    g.pointerMove(2, mid.x + r * std::cos(a), mid.y + r * std::sin(a), t);
    g.update(c, t);
  };
  g.pointerDown(1, mid.x - 80, mid.y, 0, Device::Touch);
  g.pointerDown(2, mid.x + 80, mid.y, 0, Device::Touch);
  fingers(8, 10);  // under the threshold: nothing turns
  EXPECT_DOUBLE_EQ(c.bearing(), 0);
  fingers(30, 20);  // past it: the map turns with the fingers (clockwise on screen)
  EXPECT_NEAR(c.bearing(), 360 - 30, 1e-6);
  fingers(45, 30);
  EXPECT_NEAR(c.bearing(), 360 - 45, 1e-6);
  EXPECT_NEAR(c.zoom(), 16, 1e-9);
  const geo::ScreenPoint p = c.worldToScreen(under);
  EXPECT_NEAR(p.x, mid.x, 1e-6);
  EXPECT_NEAR(p.y, mid.y, 1e-6);
}

TEST(Gestures, TapDoubleTapAndTwoFingerTap) {
  geo::Camera c = camera(15);
  GestureModel g;
  g.pointerDown(1, 120, 200, 0, Device::Touch);
  g.pointerUp(1, 122, 201, 80);
  auto tap = g.takeTap();
  ASSERT_TRUE(tap);
  EXPECT_EQ(tap->x, 122);
  EXPECT_FALSE(g.takeTap());
  settle(g, c, 80);
  EXPECT_DOUBLE_EQ(c.zoom(), 15);
  // A second tap soon after at the same place: zoom in by one around it, animated.
  const geo::WorldPoint under = c.screenToWorld({122, 201});
  g.pointerDown(1, 124, 203, 200, Device::Touch);
  g.pointerUp(1, 124, 203, 260);
  g.update(c, 260);
  EXPECT_TRUE(g.moving());
  EXPECT_TRUE(g.takeTap());  // the second tap is a tap too (it selects)
  settle(g, c, 260);
  EXPECT_NEAR(c.zoom(), 16, 1e-9);
  const geo::ScreenPoint p = c.worldToScreen(under);
  EXPECT_NEAR(p.x, 122, 2.5);  // anchored at the second tap, 2-3 px away
  // Two fingers down and up together without moving: zoom out by one.
  g.pointerDown(1, 100, 300, 2000, Device::Touch);
  g.pointerDown(2, 200, 300, 2010, Device::Touch);
  g.pointerUp(1, 100, 300, 2100);
  g.pointerUp(2, 200, 300, 2110);
  settle(g, c, 2110);
  EXPECT_NEAR(c.zoom(), 15, 1e-9);
  EXPECT_FALSE(g.takeTap());
  // A long press is not a tap.
  g.pointerDown(1, 100, 300, 5000, Device::Touch);
  g.pointerUp(1, 100, 300, 5000 + GestureModel::kTapMaxMs + 50);
  EXPECT_FALSE(g.takeTap());
}

TEST(Gestures, MouseRightDragAndCtrlDragRotate) {
  geo::Camera c = camera(16);
  GestureModel g;
  const geo::WorldPoint centre = c.center();
  g.pointerDown(0, 100, 100, 0, Device::Mouse, Button::Secondary);
  g.pointerMove(0, 160, 100, 50);
  g.pointerUp(0, 160, 100, 100);
  g.update(c, 100);
  EXPECT_NEAR(c.bearing(), 360 - 60 * GestureModel::kMouseRotateDegPerPx, 1e-9);
  EXPECT_NEAR(c.center().x, centre.x, 1e-12);  // around the viewport's centre
  EXPECT_FALSE(g.takeTap());
  g.pointerDown(0, 100, 100, 1000, Device::Mouse, Button::Primary, /*ctrl=*/true);
  g.pointerMove(0, 40, 100, 1050);
  g.pointerUp(0, 40, 100, 1100);
  g.update(c, 1100);
  EXPECT_NEAR(c.bearing(), 0, 1e-9);
}

TEST(Gestures, KeyboardPansZoomsAndRotates) {
  geo::Camera c = camera(15);
  GestureModel g;
  const geo::WorldPoint start = c.center();
  g.key(Key::Right, 0);
  g.update(c, 0);
  EXPECT_NEAR((c.center().x - start.x) * c.worldSizePx(), GestureModel::kKeyPanPx, 1e-6);
  g.key(Key::Left, 10);
  g.key(Key::Down, 10);
  g.update(c, 10);
  EXPECT_NEAR((c.center().y - start.y) * c.worldSizePx(), GestureModel::kKeyPanPx, 1e-6);
  g.key(Key::ZoomIn, 20);
  settle(g, c, 20);
  EXPECT_NEAR(c.zoom(), 16, 1e-9);
  g.key(Key::ZoomOut, 1000);
  g.key(Key::ZoomOut, 1010);  // a second press during the animation goes one further
  settle(g, c, 1010);
  EXPECT_NEAR(c.zoom(), 14, 1e-9);
  g.key(Key::RotateRight, 2000);
  g.key(Key::RotateRight, 2001);
  g.update(c, 2001);
  EXPECT_NEAR(c.bearing(), 30, 1e-9);
  g.key(Key::ResetNorth, 2100);
  settle(g, c, 2100);
  EXPECT_NEAR(c.bearing(), 0, 1e-9);
  // The zoom stays in the camera's range.
  for (int i = 0; i < 20; ++i) g.key(Key::ZoomOut, 3000 + i);
  settle(g, c, 3020);
  EXPECT_NEAR(c.zoom(), 11, 1e-9);
}

TEST(Gestures, ANewTouchStopsAGlide) {
  geo::Camera c = camera();
  GestureModel g;
  g.pointerDown(1, 50, 300, 0, Device::Touch);
  for (int i = 1; i <= 6; ++i) g.pointerMove(1, 50 + 20 * i, 300, i * 10.0);
  g.pointerUp(1, 170, 300, 60);
  g.update(c, 100);
  EXPECT_TRUE(g.moving());
  g.pointerDown(1, 100, 100, 120, Device::Touch);
  EXPECT_FALSE(g.moving());
  g.pointerCancel(1);
  EXPECT_FALSE(g.active());
  EXPECT_FALSE(g.takeTap());
}

}  // namespace
}  // namespace citymap::input
