#pragma once
// The 2D map camera: a centre in world coordinates, a fractional zoom, a bearing and a viewport
// in CSS pixels. At zoom z the world is 512 * 2^z CSS pixels wide (512 px tiles, like MapLibre).
// The bearing is the compass direction at the top of the screen, in degrees clockwise from
// north (MapLibre's convention: 90 puts east at the top); the map turns around the viewport's
// centre.
#include <array>

#include "geo/lnglat.hpp"
#include "geo/tile_id.hpp"

namespace citymap::geo {

inline constexpr double kTileSizePx = 512.0;

struct ScreenPoint {
  double x = 0;  // CSS pixels from the viewport's left edge
  double y = 0;  // CSS pixels from the viewport's top edge
};

// Affine map from a tile's local coordinates (0..extent) to clip space, the bearing's rotation
// included: clip = (u * sx + v * xv + ox, u * yu + v * sy + oy). Without a bearing xv = yu = 0.
struct TileTransform {
  float sx = 0, sy = 0, ox = 0, oy = 0;
  float xv = 0, yu = 0;
};

// A screen rectangle in device pixels, origin bottom-left (GL convention).
struct PixelRect {
  int x = 0, y = 0, w = 0, h = 0;
};

class Camera {
 public:
  void setViewport(double widthCss, double heightCss, double pixelRatio);
  void setZoomRange(double minZoom, double maxZoom);
  void jumpTo(LngLat center, double zoom);
  void setCenter(WorldPoint c);
  void setZoom(double zoom);

  // Moves the map with the pointer: a drag by (dx, dy) CSS pixels.
  void panBy(double dx, double dy);
  // Zooms to `zoom` keeping the world point under `anchor` fixed on screen.
  void zoomAround(ScreenPoint anchor, double zoom);
  // Degrees clockwise from north at the top of the screen, kept in [0, 360).
  void setBearing(double degrees);
  double bearing() const { return bearing_; }
  // cos and sin of the bearing: a world (or tile) direction (dx, dy) is the screen direction
  // (dx * cos + dy * sin, -dx * sin + dy * cos) (both y down).
  double bearingCos() const { return cos_; }
  double bearingSin() const { return sin_; }
  // Adds `deltaDegrees` to the bearing (the map turns counter-clockwise on screen for a positive
  // delta), keeping the world point under `anchor` fixed.
  void rotateAround(ScreenPoint anchor, double deltaDegrees);

  WorldPoint screenToWorld(ScreenPoint p) const;
  ScreenPoint worldToScreen(WorldPoint w) const;
  // The world box holding the whole viewport (with a bearing: the box around its turned corners).
  WorldBox visibleBounds() const;
  // The viewport's corners in the world (top-left, top-right, bottom-right, bottom-left): a
  // rectangle turned by the bearing.
  std::array<WorldPoint, 4> visibleQuad() const;
  // Whether a world box overlaps the (turned) viewport; touching edges do not count.
  bool intersectsView(const WorldBox& box) const;
  TileTransform tileTransform(const TileID& tile, double extent) const;
  // The device-pixel box around the tile on screen (exact without a bearing; with one, the box
  // around the turned tile: clip to the tile itself with a stencil mask).
  PixelRect tileScissor(const TileID& tile) const;

  WorldPoint center() const { return center_; }
  LngLat centerLngLat() const;
  double zoom() const { return zoom_; }
  double minZoom() const { return minZoom_; }
  double maxZoom() const { return maxZoom_; }
  double worldSizePx() const;  // CSS pixels
  double width() const { return width_; }
  double height() const { return height_; }
  double pixelRatio() const { return pixelRatio_; }

 private:
  WorldPoint center_{0.5, 0.5};
  double zoom_ = 0;
  double bearing_ = 0;
  double cos_ = 1, sin_ = 0;  // of the bearing
  double minZoom_ = 0, maxZoom_ = 22;
  double width_ = 1, height_ = 1, pixelRatio_ = 1;
};

}  // namespace citymap::geo
