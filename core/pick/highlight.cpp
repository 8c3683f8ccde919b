#include "pick/highlight.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <vector>

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

  void stroke(const std::vector<tess::Vec2>& pts, float widthCss, uint32_t color) {
    live::addStroke(out, pts, float(widthCss * dpr), tess::LineCap::Round, color);
  }

  void ring(geo::WorldPoint w) {
    live::addMarker(out, device(w), float(13 * dpr), live::Shape::Disc, live::packColor(kHighlightColor, 0.15f),
                    live::packColor(kHighlightColor, 1), float(3 * dpr));
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
      live::addFlat(out, fm.vertices, fm.indices, live::packColor(kHighlightColor, 0.18f * strength));
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
