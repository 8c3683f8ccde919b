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
      const ScreenPoint s = c.worldToScreen({b.minx + (b.maxx - b.minx) * u / 4096, b.miny + (b.maxy - b.miny) * v / 4096});
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

}  // namespace
}  // namespace citymap::geo
