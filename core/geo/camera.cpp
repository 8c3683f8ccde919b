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

void Camera::setCenter(WorldPoint c) {
  center_ = {c.x - std::floor(c.x), std::clamp(c.y, 0.0, 1.0)};
}

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
  for (const ScreenPoint corner : {ScreenPoint{0, 0}, ScreenPoint{width_, 0}, ScreenPoint{0, height_}, ScreenPoint{width_, height_}}) {
    const WorldPoint w = screenToWorld(corner);
    box = {std::min(box.minx, w.x), std::min(box.miny, w.y), std::max(box.maxx, w.x), std::max(box.maxy, w.y)};
  }
  return box;
}

TileTransform Camera::tileTransform(const TileID& tile, double extent) const {
  // Computed in double relative to the camera centre, so float precision is only needed for
  // on-screen distances.
  const WorldBox b = tile.bounds();
  const double s = worldSizePx();
  const double unit = (b.maxx - b.minx) / extent * s;  // CSS px per tile unit
  const double kx = 2.0 / width_, ky = -2.0 / height_;
  return {float(unit * kx), float(unit * ky), float((b.minx - center_.x) * s * kx),
          float((b.miny - center_.y) * s * ky)};
}

PixelRect Camera::tileScissor(const TileID& tile) const {
  const WorldBox b = tile.bounds();
  const ScreenPoint a = worldToScreen({b.minx, b.miny});
  const ScreenPoint c = worldToScreen({b.maxx, b.maxy});
  const double r = pixelRatio_;
  const int x0 = int(std::lround(a.x * r)), x1 = int(std::lround(c.x * r));
  const int yTop = int(std::lround(a.y * r)), yBottom = int(std::lround(c.y * r));
  const int fbHeight = int(std::lround(height_ * r));
  return {x0, fbHeight - yBottom, x1 - x0, yBottom - yTop};
}

}  // namespace citymap::geo
