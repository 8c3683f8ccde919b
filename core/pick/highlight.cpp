#include "pick/highlight.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <vector>

#include "tess/line.hpp"
#include "tess/polygon.hpp"

namespace citymap::pick {

namespace {

struct Builder {
  const geo::Camera& cam;
  live::LiveBatch& out;
  double dpr = cam.pixelRatio();

  tess::Vec2 device(geo::WorldPoint w) const {
    const geo::ScreenPoint s = cam.worldToScreen(w);
    return {float(s.x * dpr), float(s.y * dpr)};
  }

  void flat(const tess::Vec2* pts, size_t n, const uint32_t* idx, size_t m, uint32_t color) {
    const uint32_t base = uint32_t(out.vertices.size());
    for (size_t i = 0; i < n; ++i) out.vertices.push_back({pts[i].x, pts[i].y, 0, 0, color, color, 0, 0, 0, 0});
    for (size_t i = 0; i < m; ++i) out.indices.push_back(base + idx[i]);
  }

  void stroke(const std::vector<tess::Vec2>& pts, float widthCss, uint32_t color) {
    tess::LineMesh lm;
    tess::extrudeLine(pts, {tess::LineJoin::Round, tess::LineCap::Round}, lm);
    const float hw = float(widthCss * dpr / 2);
    std::vector<tess::Vec2> v;
    v.reserve(lm.vertices.size());
    for (const auto& lv : lm.vertices) v.push_back({lv.x + lv.ex * hw, lv.y + lv.ey * hw});
    flat(v.data(), v.size(), lm.indices.data(), lm.indices.size(), color);
  }

  void ring(geo::WorldPoint w) {
    const tess::Vec2 c = device(w);
    const float r = float(13 * dpr), ext = (r + 1.5f) / r;
    const uint32_t base = uint32_t(out.vertices.size());
    static constexpr float kCorners[4][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
    const uint32_t fill = live::packColor(kHighlightColor, 0.15f), edge = live::packColor(kHighlightColor, 1);
    for (const auto& k : kCorners)
      out.vertices.push_back({c.x + k[0] * ext * r, c.y + k[1] * ext * r, k[0] * ext, k[1] * ext, fill, edge, r,
                              float(3 * dpr), float(live::Shape::Disc), 0});
    for (uint32_t i : {0u, 1u, 2u, 0u, 2u, 3u}) out.indices.push_back(base + i);
  }
};

}  // namespace

void buildHighlight(const Geometry& g, std::optional<geo::WorldPoint> point, const geo::Camera& camera,
                    live::LiveBatch& out, bool hover) {
  out.clear();
  const float strength = hover ? 0.45f : 1.f;
  Builder b{camera, out};
  // Off-screen geometry far away at high zoom: float device pixels stay exact to ~1e7 px.
  const double limit = 1e7;
  const auto inRange = [&](const tess::Vec2& p) { return std::abs(p.x) < limit && std::abs(p.y) < limit; };
  if (g.type == fb::GeometryType::Polygon) {
    size_t ring = 0;
    for (uint32_t count : g.fillRingCounts) {
      std::vector<std::vector<tess::Vec2>> rings;
      bool ok = true;
      for (uint32_t r = 0; r < count && ring < g.fill.size(); ++r, ++ring) {
        auto& dr = rings.emplace_back();
        for (const auto& w : g.fill[ring]) {
          dr.push_back(b.device(w));
          ok &= inRange(dr.back());
        }
      }
      if (!ok) continue;
      tess::FillMesh fm;
      tess::tessellatePolygon(std::span<const std::vector<tess::Vec2>>(rings), fm);
      b.flat(fm.vertices.data(), fm.vertices.size(), fm.indices.data(), fm.indices.size(),
             live::packColor(kHighlightColor, 0.18f * strength));
    }
  }
  // Lines: every casing first, then every stroke, so pieces meeting at tile edges join cleanly.
  std::vector<std::vector<tess::Vec2>> lines;
  for (const auto& s : g.strokes) {
    if (s.size() == 1) {
      b.ring(s.front());
      continue;
    }
    std::vector<tess::Vec2> pts;
    bool ok = true;
    for (const auto& w : s) {
      pts.push_back(b.device(w));
      ok &= inRange(pts.back());
    }
    if (ok) lines.push_back(std::move(pts));
  }
  const bool line = g.type == fb::GeometryType::Line;
  if (line && !hover)
    for (const auto& pts : lines) b.stroke(pts, 9, live::packColor(0xffffff, 0.9f));
  for (const auto& pts : lines)
    b.stroke(pts, line ? (hover ? 4 : 5) : (hover ? 2 : 3), live::packColor(kHighlightColor, strength));
  if (g.empty() && point && !hover) b.ring(*point);
}

}  // namespace citymap::pick
