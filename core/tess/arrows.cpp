#include "tess/arrows.hpp"

#include <algorithm>
#include <cmath>

namespace citymap::tess {

std::vector<ArrowPlacement> placeArrows(std::span<const Vec2> line, const ArrowStyle& style) {
  std::vector<ArrowPlacement> out;
  if (line.size() < 2 || !(style.spacing > 0) || !(style.length > 0)) return out;
  // Segment lengths, repeated points skipped.
  struct Seg {
    Vec2 a, b;
    float start, length;
  };
  std::vector<Seg> segs;
  float total = 0;
  for (size_t i = 1; i < line.size(); ++i) {
    const Vec2 a = segs.empty() ? line[0] : segs.back().b, b = line[i];
    const float len = std::hypot(b.x - a.x, b.y - a.y);
    if (!(len > 1e-6f)) continue;
    segs.push_back({a, b, total, len});
    total += len;
  }
  if (segs.empty() || total < 2 * style.length) return out;
  const float minSegment = style.minSegment > 0 ? style.minSegment : 2 * style.length;
  const int n = std::max(1, int(std::lround(total / style.spacing)));
  const float first = std::max(0.f, (total - float(n - 1) * style.spacing) / 2);
  size_t s = 0;
  for (int k = 0; k < n; ++k) {
    const float at = first + float(k) * style.spacing;
    while (s + 1 < segs.size() && segs[s].start + segs[s].length < at) ++s;
    const Seg& seg = segs[s];
    if (seg.length < minSegment) continue;
    // The tip ahead of the target by half the chevron, the chevron kept on its segment.
    const float along = std::clamp(at - seg.start + style.length / 2, style.length, seg.length);
    const Vec2 d{(seg.b.x - seg.a.x) / seg.length, (seg.b.y - seg.a.y) / seg.length};
    const Vec2 tip{seg.a.x + d.x * along, seg.a.y + d.y * along};
    if (tip.x < style.keepMin.x || tip.y < style.keepMin.y || tip.x > style.keepMax.x || tip.y > style.keepMax.y)
      continue;
    out.push_back({tip, d});
  }
  return out;
}

void chevronPoints(const ArrowPlacement& a, const ArrowStyle& style, Vec2 out[3]) {
  const Vec2 back{a.tip.x - a.direction.x * style.length, a.tip.y - a.direction.y * style.length};
  const Vec2 n{-a.direction.y * style.halfWidth, a.direction.x * style.halfWidth};
  out[0] = {back.x + n.x, back.y + n.y};
  out[1] = a.tip;
  out[2] = {back.x - n.x, back.y - n.y};
}

size_t addArrows(std::span<const Vec2> line, const ArrowStyle& style, const LineStyle& stroke, LineMesh& out) {
  const std::vector<ArrowPlacement> arrows = placeArrows(line, style);
  Vec2 pts[3];
  for (const ArrowPlacement& a : arrows) {
    chevronPoints(a, style, pts);
    extrudeLine(std::span<const Vec2>(pts, 3), stroke, out);
  }
  return arrows.size();
}

}  // namespace citymap::tess
