#pragma once
// Shared pieces of the label tests: a monospaced test font, a small label style, and a camera
// over one z16 tile.
#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "../../support/test_tiles.hpp"
#include "geo/camera.hpp"
#include "labels/candidates.hpp"
#include "labels/placement.hpp"
#include "labels/text.hpp"
#include "style/style.hpp"
#include "tile/kinds.hpp"

namespace citymap::labels::testing {

// Every code point up to U+1EFF: advance size/2, a glyph quad of the advance by the size; the
// atlas coordinates encode the code point (u0 = cp / 0x2000) so tests can tell glyphs apart.
inline FontSet testFonts(std::vector<float> sizes = {10, 12}) {
  FontSet set;
  for (float size : sizes) {
    Font f(size);
    for (uint32_t cp = 0x20; cp < 0x1F00; ++cp) {
      Glyph g;
      g.advance = size / 2;
      g.visible = cp != ' ';
      g.x0 = 0, g.y0 = 0, g.x1 = size / 2, g.y1 = size;
      g.u0 = float(cp) / 0x2000, g.u1 = g.u0 + 1.f / 0x2000, g.v0 = 0, g.v1 = 1;
      f.add(cp, g);
    }
    set.fonts.push_back(std::move(f));
  }
  return set;
}

// Classes: 0 streets (line, priority 1), 1 places (point, priority 2, 6 px from the point),
// 2 districts (area, priority 0), 3 minor places (point, priority 5, labels from z16.5, markers
// at every zoom).
inline style::Style testStyle() {
  using P = style::LabelClass::Placement;
  style::Style s;
  const style::Color black = style::Color::hex(0x000000), white = style::Color::hex(0xffffff);
  s.labels.push_back({"streets", style::Group::Roads, tile::layer::kRoadLabels, P::Line, ~0u, 0, 24, 1, 12, black,
                      white, style::ZoomCurve::constant(0), 200, 64});
  s.labels.push_back({"places", style::Group::Pois, tile::layer::kPois, P::Point, 1u << 1, 0, 24, 2, 12, black, white,
                      style::ZoomCurve::constant(6), 100, 128, 0});
  s.labels.push_back({"districts", style::Group::Admin, tile::layer::kAdmin, P::Area, ~0u, 0, 24, 0, 12, black, white,
                      style::ZoomCurve::constant(0), 0});
  s.labels.push_back({"minor", style::Group::Pois, tile::layer::kPois, P::Point, 1u << 2, 16.5, 24, 5, 10, black, white,
                      style::ZoomCurve::constant(4), 0, 128, 0});
  return s;
}

inline constexpr geo::TileID kTile{16, 52470, 29805};

// A camera showing kTile exactly (512 x 512 CSS px at z16: one tile unit = 1/8 px).
inline geo::Camera tileCamera(geo::TileID t = kTile, double zoom = 16, double width = 512, double height = 512) {
  geo::Camera cam;
  cam.setViewport(width, height, 1);
  cam.setZoomRange(0, 22);
  const geo::WorldBox b = t.bounds();
  cam.setZoom(zoom);
  cam.setCenter({(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2});
  return cam;
}

inline ::citymap::testing::TestFeature point(uint64_t id, uint8_t kind, int16_t x, int16_t y, std::string name) {
  return {id, kind, 0, fb::GeometryType::Point, {x, y}, {1}, {}, std::move(name)};
}

inline ::citymap::testing::TestFeature line(uint64_t id, std::vector<int16_t> coords, std::string name,
                                            uint8_t kind = 2) {
  const uint32_t n = uint32_t(coords.size() / 2);
  return {id, kind, 0, fb::GeometryType::Line, std::move(coords), {n}, {}, std::move(name)};
}

inline TileLabels collect(const std::vector<::citymap::testing::TestLayer>& layers, const style::Style& style,
                          geo::TileID id = kTile) {
  auto tile = tile::decodeTile(::citymap::testing::buildTile(id, layers));
  if (!tile) return {};
  return collectLabels(tile.value(), style);
}

inline GroupVisibility allVisible() {
  GroupVisibility v;
  v.fill(true);
  return v;
}

// Places until the fades are done (as the app does frame after frame).
inline const std::vector<PlacedLabel>& settle(Labeler& labeler, std::span<const LabelTile> tiles,
                                              const geo::Camera& cam, const style::Style& style, const FontSet& fonts,
                                              double& now, GroupVisibility visible = allVisible()) {
  labeler.place(tiles, cam, style, fonts, visible, now);
  for (int i = 0; i < 10 && labeler.fading(); ++i) {
    now += 50;
    labeler.place(tiles, cam, style, fonts, visible, now);
  }
  return labeler.placed();
}

// A box on screen as four corners, and the separating axis test for two of them (touching does
// not count).
struct Quad {
  float x[4], y[4];
};
// A w x h box centred on (x, y), turned by `angle` (radians).
inline Quad quadAt(float x, float y, float angle, float w, float h) {
  const float c = std::cos(angle), s = std::sin(angle), hw = w / 2, hh = h / 2;
  const float lx[4] = {-hw, hw, hw, -hw}, ly[4] = {-hh, -hh, hh, hh};
  Quad q;
  for (int i = 0; i < 4; ++i) q.x[i] = x + lx[i] * c - ly[i] * s, q.y[i] = y + lx[i] * s + ly[i] * c;
  return q;
}
inline bool intersects(const Quad& a, const Quad& b) {
  for (const Quad* q : {&a, &b})
    for (int i = 0; i < 4; ++i) {
      const int j = (i + 1) % 4;
      const float nx = q->y[j] - q->y[i], ny = q->x[i] - q->x[j];
      float amin = 1e30f, amax = -1e30f, bmin = 1e30f, bmax = -1e30f;
      for (int k = 0; k < 4; ++k) {
        const float pa = a.x[k] * nx + a.y[k] * ny, pb = b.x[k] * nx + b.y[k] * ny;
        amin = std::min(amin, pa), amax = std::max(amax, pa), bmin = std::min(bmin, pb), bmax = std::max(bmax, pb);
      }
      const float eps = 1e-3f * std::hypot(nx, ny);
      if (amax <= bmin + eps || bmax <= amin + eps) return false;
    }
  return true;
}

}  // namespace citymap::labels::testing
