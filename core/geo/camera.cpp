#include "geo/camera.hpp"

#include <algorithm>
#include <cmath>

#include "geo/mercator.hpp"

namespace citymap::geo {

void Camera::setViewport(double widthCss, double heightCss, double pixelRatio) {
  width_ = std::max(1.0, widthCss);
  height_ = std::max(1.0, heightCss);
  pixelRatio_ = pixelRatio > 0 ? pixelRatio : 1.0;
}

void Camera::setZoomRange(double minZoom, double maxZoom) {
  minZoom_ = minZoom;
  maxZoom_ = std::max(minZoom, maxZoom);
  setZoom(zoom_);
}

void Camera::jumpTo(LngLat center, double zoom) {
  setZoom(zoom);
  setCenter(toWorld(center));
}

void Camera::setCenter(WorldPoint c) { center_ = {c.x - std::floor(c.x), std::clamp(c.y, 0.0, 1.0)}; }

void Camera::setZoom(double zoom) { zoom_ = std::clamp(zoom, minZoom_, maxZoom_); }

double Camera::worldSizePx() const { return kTileSizePx * std::exp2(zoom_); }

LngLat Camera::centerLngLat() const { return fromWorld(center_); }

void Camera::panBy(double dx, double dy) {
  const double s = worldSizePx();
  // The screen's offset turned back into world directions.
  const double wx = dx * cos_ - dy * sin_, wy = dx * sin_ + dy * cos_;
  setCenter({center_.x - wx / s, center_.y - wy / s});
}

void Camera::setBearing(double degrees) {
  if (!std::isfinite(degrees)) return;
  degrees = std::fmod(degrees, 360.0);
  if (degrees < 0) degrees += 360;
  if (degrees >= 360) degrees = 0;
  bearing_ = degrees;
  const double a = degrees * M_PI / 180;
  cos_ = std::cos(a);
  sin_ = std::sin(a);
  if (degrees == 0 || degrees == 180) sin_ = 0;  // exact for the common cases
  if (degrees == 90 || degrees == 270) cos_ = 0;
}

void Camera::rotateAround(ScreenPoint anchor, double deltaDegrees) {
  const WorldPoint before = screenToWorld(anchor);
  setBearing(bearing_ + deltaDegrees);
  const WorldPoint after = screenToWorld(anchor);
  setCenter({center_.x + before.x - after.x, center_.y + before.y - after.y});
}

void Camera::zoomAround(ScreenPoint anchor, double zoom) {
  const WorldPoint before = screenToWorld(anchor);
  setZoom(zoom);
  const WorldPoint after = screenToWorld(anchor);
  setCenter({center_.x + before.x - after.x, center_.y + before.y - after.y});
}

// Screen offsets from the viewport's centre are world offsets (in CSS px) turned by the bearing:
// screen = R(-bearing) * world, world = R(bearing) * screen, with R turning clockwise on a
// y-down screen.
WorldPoint Camera::screenToWorld(ScreenPoint p) const {
  const double s = worldSizePx();
  const double dx = p.x - width_ / 2, dy = p.y - height_ / 2;
  return {center_.x + (dx * cos_ - dy * sin_) / s, center_.y + (dx * sin_ + dy * cos_) / s};
}

ScreenPoint Camera::worldToScreen(WorldPoint w) const {
  const double s = worldSizePx();
  const double dx = (w.x - center_.x) * s, dy = (w.y - center_.y) * s;
  return {dx * cos_ + dy * sin_ + width_ / 2, -dx * sin_ + dy * cos_ + height_ / 2};
}

WorldBox Camera::visibleBounds() const {
  WorldBox box{INFINITY, INFINITY, -INFINITY, -INFINITY};
  for (const ScreenPoint corner :
       {ScreenPoint{0, 0}, ScreenPoint{width_, 0}, ScreenPoint{0, height_}, ScreenPoint{width_, height_}}) {
    const WorldPoint w = screenToWorld(corner);
    box = {std::min(box.minx, w.x), std::min(box.miny, w.y), std::max(box.maxx, w.x), std::max(box.maxy, w.y)};
  }
  return box;
}

std::array<WorldPoint, 4> Camera::visibleQuad() const {
  return {screenToWorld({0, 0}), screenToWorld({width_, 0}), screenToWorld({width_, height_}),
          screenToWorld({0, height_})};
}

bool Camera::intersectsView(const WorldBox& box) const {
  // Separating axes of a box and a rectangle: the world's x and y, and the viewport's two edge
  // directions (screen x and y turned into the world: (cos, sin) and (-sin, cos)).
  const WorldBox view = visibleBounds();
  if (box.maxx <= view.minx || box.minx >= view.maxx || box.maxy <= view.miny || box.miny >= view.maxy) return false;
  const std::array<WorldPoint, 4> quad = visibleQuad();
  const WorldPoint corners[4] = {
      {box.minx, box.miny}, {box.maxx, box.miny}, {box.maxx, box.maxy}, {box.minx, box.maxy}};
  for (const WorldPoint axis : {WorldPoint{cos_, sin_}, WorldPoint{-sin_, cos_}}) {
    double qmin = INFINITY, qmax = -INFINITY, bmin = INFINITY, bmax = -INFINITY;
    for (const WorldPoint& q : quad) {
      const double d = q.x * axis.x + q.y * axis.y;
      qmin = std::min(qmin, d), qmax = std::max(qmax, d);
    }
    for (const WorldPoint& c : corners) {
      const double d = c.x * axis.x + c.y * axis.y;
      bmin = std::min(bmin, d), bmax = std::max(bmax, d);
    }
    if (bmax <= qmin || bmin >= qmax) return false;
  }
  return true;
}

TileTransform Camera::tileTransform(const TileID& tile, double extent) const {
  // Computed in double relative to the camera centre, so float precision is only needed for
  // on-screen distances. Screen offset = R * world offset (see worldToScreen), then to clip.
  const WorldBox b = tile.bounds();
  const double s = worldSizePx();
  const double unit = (b.maxx - b.minx) / extent * s;  // CSS px per tile unit
  const double kx = 2.0 / width_, ky = -2.0 / height_;
  const double dx = (b.minx - center_.x) * s, dy = (b.miny - center_.y) * s;
  TileTransform m;
  m.sx = float(unit * cos_ * kx);
  m.xv = float(unit * sin_ * kx);
  m.ox = float((dx * cos_ + dy * sin_) * kx);
  m.yu = float(-unit * sin_ * ky);
  m.sy = float(unit * cos_ * ky);
  m.oy = float((-dx * sin_ + dy * cos_) * ky);
  return m;
}

PixelRect Camera::tileScissor(const TileID& tile) const {
  const WorldBox b = tile.bounds();
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  for (const WorldPoint w : {WorldPoint{b.minx, b.miny}, WorldPoint{b.maxx, b.miny}, WorldPoint{b.minx, b.maxy},
                             WorldPoint{b.maxx, b.maxy}}) {
    const ScreenPoint p = worldToScreen(w);
    x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
  }
  const double r = pixelRatio_;
  const int ix0 = int(std::lround(x0 * r)), ix1 = int(std::lround(x1 * r));
  const int yTop = int(std::lround(y0 * r)), yBottom = int(std::lround(y1 * r));
  const int fbHeight = int(std::lround(height_ * r));
  return {ix0, fbHeight - yBottom, ix1 - ix0, yBottom - yTop};
}

}  // namespace citymap::geo
