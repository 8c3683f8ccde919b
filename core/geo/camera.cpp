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
  setCenter({center_.x - dx / s, center_.y - dy / s});
}

void Camera::zoomAround(ScreenPoint anchor, double zoom) {
  const WorldPoint before = screenToWorld(anchor);
  setZoom(zoom);
  const WorldPoint after = screenToWorld(anchor);
  setCenter({center_.x + before.x - after.x, center_.y + before.y - after.y});
}

WorldPoint Camera::screenToWorld(ScreenPoint p) const {
  const double s = worldSizePx();
  return {center_.x + (p.x - width_ / 2) / s, center_.y + (p.y - height_ / 2) / s};
}

ScreenPoint Camera::worldToScreen(WorldPoint w) const {
  const double s = worldSizePx();
  return {(w.x - center_.x) * s + width_ / 2, (w.y - center_.y) * s + height_ / 2};
}

WorldBox Camera::visibleBounds() const {
  const WorldPoint a = screenToWorld({0, 0});
  const WorldPoint b = screenToWorld({width_, height_});
  return {a.x, a.y, b.x, b.y};
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
