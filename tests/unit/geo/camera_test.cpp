#include "geo/camera.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "geo/mercator.hpp"

namespace citymap::geo {
namespace {

Camera danang(double zoom = 15) {
  Camera c;
  c.setViewport(800, 600, 2);
  c.setZoomRange(0, 22);
  c.jumpTo({108.2145, 16.06}, zoom);
  return c;
}

TEST(Camera, CentreIsMiddleOfScreen) {
  const Camera c = danang();
  const ScreenPoint p = c.worldToScreen(toWorld({108.2145, 16.06}));
  EXPECT_NEAR(p.x, 400, 1e-6);
  EXPECT_NEAR(p.y, 300, 1e-6);
  EXPECT_NEAR(c.worldSizePx(), 512 * 32768.0, 1e-6);
}

TEST(Camera, ScreenWorldRoundTrip) {
  const Camera c = danang(16.3);
  for (double x = 0; x <= 800; x += 97)
    for (double y = 0; y <= 600; y += 83) {
      const ScreenPoint back = c.worldToScreen(c.screenToWorld({x, y}));
      EXPECT_NEAR(back.x, x, 1e-6);
      EXPECT_NEAR(back.y, y, 1e-6);
    }
}

TEST(Camera, ZoomAroundKeepsAnchorFixed) {
  Camera c = danang();
  const ScreenPoint anchor{123, 456};
  const WorldPoint before = c.screenToWorld(anchor);
  c.zoomAround(anchor, 17.25);
  EXPECT_DOUBLE_EQ(c.zoom(), 17.25);
  const ScreenPoint after = c.worldToScreen(before);
  EXPECT_NEAR(after.x, anchor.x, 1e-6);
  EXPECT_NEAR(after.y, anchor.y, 1e-6);
}

TEST(Camera, ZoomIsClamped) {
  Camera c = danang();
  c.setZoomRange(11, 20);
  c.setZoom(25);
  EXPECT_EQ(c.zoom(), 20);
  c.setZoom(3);
  EXPECT_EQ(c.zoom(), 11);
}

TEST(Camera, PanMovesWithThePointer) {
  Camera c = danang();
  const WorldPoint grabbed = c.screenToWorld({200, 200});
  c.panBy(50, -30);
  const ScreenPoint now = c.worldToScreen(grabbed);
  EXPECT_NEAR(now.x, 250, 1e-6);
  EXPECT_NEAR(now.y, 170, 1e-6);
}

TEST(Camera, TileTransformMapsCornersToClip) {
  const Camera c = danang(15.5);
  const TileID t = tileAt(c.center(), 15);
  const TileTransform m = c.tileTransform(t, 4096);
  for (double u : {0.0, 4096.0})
    for (double v : {0.0, 4096.0}) {
      const WorldBox b = t.bounds();
      const ScreenPoint s =
          c.worldToScreen({b.minx + (b.maxx - b.minx) * u / 4096, b.miny + (b.maxy - b.miny) * v / 4096});
      EXPECT_NEAR(u * m.sx + m.ox, s.x / 400 - 1, 1e-5);
      EXPECT_NEAR(v * m.sy + m.oy, 1 - s.y / 300, 1e-5);
    }
}

TEST(Camera, ScissorIsInDevicePixelsBottomUp) {
  Camera c;
  c.setViewport(512, 512, 2);
  c.jumpTo(fromWorld({0.5, 0.5}), 1);  // the world is 1024 CSS px; tile 1/0/0 ends at the centre
  const PixelRect r = c.tileScissor({1, 0, 0});
  EXPECT_EQ(r.w, 1024);
  EXPECT_EQ(r.h, 1024);
  EXPECT_EQ(r.x, -512);
  EXPECT_EQ(r.y, 512);  // top half of a 1024 px tall framebuffer, counted from the bottom
}

TEST(Camera, VisibleBoundsMatchesViewport) {
  const Camera c = danang(14);
  const WorldBox b = c.visibleBounds();
  EXPECT_NEAR((b.maxx - b.minx) * c.worldSizePx(), 800, 1e-6);
  EXPECT_NEAR((b.maxy - b.miny) * c.worldSizePx(), 600, 1e-6);
}

TEST(Camera, BearingPutsItsDirectionAtTheTop) {
  Camera c = danang(16);
  const WorldPoint centre = c.center();
  const double s = c.worldSizePx();
  c.setBearing(90);  // east at the top
  ScreenPoint east = c.worldToScreen({centre.x + 100 / s, centre.y});
  EXPECT_NEAR(east.x, 400, 1e-6);
  EXPECT_NEAR(east.y, 200, 1e-6);
  c.setBearing(-90);  // kept in [0, 360): west at the top
  EXPECT_DOUBLE_EQ(c.bearing(), 270);
  east = c.worldToScreen({centre.x + 100 / s, centre.y});
  EXPECT_NEAR(east.y, 400, 1e-6);
  c.setBearing(720 + 30);
  EXPECT_NEAR(c.bearing(), 30, 1e-9);
  c.setBearing(NAN);
  EXPECT_NEAR(c.bearing(), 30, 1e-9);
  // Round trips at any bearing.
  for (double b : {0.0, 17.0, 90.0, 200.0, 359.5}) {
    c.setBearing(b);
    for (double x = 0; x <= 800; x += 131)
      for (double y = 0; y <= 600; y += 113) {
        const ScreenPoint p = c.worldToScreen(c.screenToWorld({x, y}));
        EXPECT_NEAR(p.x, x, 1e-6);
        EXPECT_NEAR(p.y, y, 1e-6);
      }
  }
}

TEST(Camera, PanFollowsThePointerWhenTurned) {
  Camera c = danang(16);
  c.setBearing(37);
  const ScreenPoint from{300, 200};
  const WorldPoint grabbed = c.screenToWorld(from);
  c.panBy(55, -20);
  const ScreenPoint now = c.worldToScreen(grabbed);
  EXPECT_NEAR(now.x, from.x + 55, 1e-6);
  EXPECT_NEAR(now.y, from.y - 20, 1e-6);
}

TEST(Camera, RotateAroundKeepsTheAnchor) {
  Camera c = danang(15.5);
  const ScreenPoint anchor{650, 120};
  const WorldPoint under = c.screenToWorld(anchor);
  c.rotateAround(anchor, 45);
  EXPECT_NEAR(c.bearing(), 45, 1e-9);
  const ScreenPoint p = c.worldToScreen(under);
  EXPECT_NEAR(p.x, anchor.x, 1e-6);
  EXPECT_NEAR(p.y, anchor.y, 1e-6);
}

TEST(Camera, VisibleBoundsHoldTheTurnedViewport) {
  Camera c = danang(15);
  const WorldBox flat = c.visibleBounds();
  c.setBearing(45);
  const WorldBox turned = c.visibleBounds();
  // The box around a turned 800x600 viewport is (800+600)/sqrt(2) px on each side.
  const double s = c.worldSizePx(), side = 1400 / std::sqrt(2.0);
  EXPECT_NEAR((turned.maxx - turned.minx) * s, side, 1e-6);
  EXPECT_NEAR((turned.maxy - turned.miny) * s, side, 1e-6);
  EXPECT_NEAR((flat.maxx - flat.minx) * s, 800, 1e-6);
  for (const ScreenPoint corner : {ScreenPoint{0, 0}, ScreenPoint{800, 600}, ScreenPoint{0, 600}}) {
    const WorldPoint w = c.screenToWorld(corner);
    EXPECT_GE(w.x, turned.minx - 1e-12);
    EXPECT_LE(w.y, turned.maxy + 1e-12);
  }
}

}  // namespace
}  // namespace citymap::geo

namespace citymap::geo {
namespace {

TEST(Camera, TileTransformTurnsWithTheBearing) {
  Camera c = danang(15.5);
  const TileID t = tileAt(c.center(), 15);
  for (double bearing : {0.0, 30.0, 90.0, 200.0}) {
    c.setBearing(bearing);
    const TileTransform m = c.tileTransform(t, 4096);
    for (double u : {0.0, 1000.0, 4096.0})
      for (double v : {0.0, 3000.0, 4096.0}) {
        const WorldBox b = t.bounds();
        const ScreenPoint s =
            c.worldToScreen({b.minx + (b.maxx - b.minx) * u / 4096, b.miny + (b.maxy - b.miny) * v / 4096});
        EXPECT_NEAR(u * m.sx + v * m.xv + m.ox, s.x / 400 - 1, 1e-5) << bearing;
        EXPECT_NEAR(u * m.yu + v * m.sy + m.oy, 1 - s.y / 300, 1e-5) << bearing;
      }
  }
}

TEST(Camera, ScissorHoldsTheTurnedTile) {
  Camera c = danang(15.5);
  c.setBearing(30);
  const TileID t = tileAt(c.center(), 15);
  const PixelRect r = c.tileScissor(t);
  const WorldBox b = t.bounds();
  for (const WorldPoint w : {WorldPoint{b.minx, b.miny}, WorldPoint{b.maxx, b.miny}, WorldPoint{b.minx, b.maxy},
                             WorldPoint{b.maxx, b.maxy}}) {
    const ScreenPoint s = c.worldToScreen(w);  // device pixels: pixel ratio 2, bottom-up
    EXPECT_GE(s.x * 2, r.x - 0.5);
    EXPECT_LE(s.x * 2, r.x + r.w + 0.5);
    EXPECT_GE(1200 - s.y * 2, r.y - 0.5);
    EXPECT_LE(1200 - s.y * 2, r.y + r.h + 0.5);
  }
}

TEST(Camera, IntersectsViewIsTheTurnedViewportNotItsBox) {
  Camera c = danang(15);
  c.setBearing(45);
  const std::array<WorldPoint, 4> q = c.visibleQuad();
  for (int i = 0; i < 4; ++i) {
    const ScreenPoint s = c.worldToScreen(q[size_t(i)]);
    EXPECT_NEAR(s.x, (i == 1 || i == 2) ? 800 : 0, 1e-6);
    EXPECT_NEAR(s.y, i >= 2 ? 600 : 0, 1e-6);
  }
  const double px = 1 / c.worldSizePx();  // a CSS pixel in world units
  const auto boxAt = [&](ScreenPoint p) {
    const WorldPoint w = c.screenToWorld(p);
    return WorldBox{w.x - 2 * px, w.y - 2 * px, w.x + 2 * px, w.y + 2 * px};
  };
  EXPECT_TRUE(c.intersectsView(boxAt({400, 300})));
  EXPECT_TRUE(c.intersectsView(boxAt({1, 1})));
  EXPECT_TRUE(c.intersectsView(boxAt({799, 599})));
  // In the box around the turned viewport, but off screen.
  const WorldBox outer = c.visibleBounds();
  EXPECT_FALSE(c.intersectsView({outer.minx, outer.miny, outer.minx + 20 * px, outer.miny + 20 * px}));
  EXPECT_FALSE(c.intersectsView(boxAt({-10, 300})));
  EXPECT_FALSE(c.intersectsView(boxAt({400, 610})));
  // Without a bearing, the viewport is its box.
  c.setBearing(0);
  EXPECT_TRUE(c.intersectsView(boxAt({1, 1})));
  EXPECT_FALSE(c.intersectsView(boxAt({-10, 300})));
}

}  // namespace
}  // namespace citymap::geo
