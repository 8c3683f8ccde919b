#include "labels/polylabel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <queue>

namespace citymap::labels {

namespace {

using tess::Vec2;

// Clip a closed ring against one half plane (inside(p) true) with the crossing point `cross`.
template <typename Inside, typename Cross>
void clipAgainst(const Ring& in, Ring& out, Inside inside, Cross cross) {
  out.clear();
  if (in.empty()) return;
  Vec2 prev = in.back();
  bool prevIn = inside(prev);
  for (const Vec2& p : in) {
    const bool pIn = inside(p);
    if (pIn != prevIn) out.push_back(cross(prev, p));
    if (pIn) out.push_back(p);
    prev = p;
    prevIn = pIn;
  }
}

// Signed distance from p to the polygon's outline: positive inside (even-odd over all rings).
float signedDistance(Vec2 p, std::span<const Ring> rings) {
  bool inside = false;
  float best = std::numeric_limits<float>::infinity();
  for (const Ring& ring : rings) {
    const size_t n = ring.size();
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
      const Vec2 a = ring[i], b = ring[j];
      if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) inside = !inside;
      // Squared distance to segment ab.
      float x = a.x, y = a.y, dx = b.x - x, dy = b.y - y;
      if (dx != 0 || dy != 0) {
        const float t = ((p.x - x) * dx + (p.y - y) * dy) / (dx * dx + dy * dy);
        if (t > 1) {
          x = b.x, y = b.y;
        } else if (t > 0) {
          x += dx * t, y += dy * t;
        }
      }
      dx = p.x - x, dy = p.y - y;
      best = std::min(best, dx * dx + dy * dy);
    }
  }
  const float d = std::sqrt(best);
  return inside ? d : -d;
}

struct Cell {
  Vec2 c;
  float h;    // half size
  float d;    // distance from the centre to the polygon
  float max;  // the best distance any point in the cell could have
  Cell(Vec2 centre, float half, std::span<const Ring> rings)
      : c(centre), h(half), d(signedDistance(centre, rings)), max(d + half * std::numbers::sqrt2_v<float>) {}
  bool operator<(const Cell& o) const { return max < o.max; }
};

}  // namespace

Ring clipRing(std::span<const Vec2> ring, float size) {
  Ring a(ring.begin(), ring.end()), b;
  if (a.size() > 1 && a.front().x == a.back().x && a.front().y == a.back().y) a.pop_back();
  const auto lerp = [](Vec2 p, Vec2 q, float t) { return Vec2{p.x + (q.x - p.x) * t, p.y + (q.y - p.y) * t}; };
  clipAgainst(
      a, b, [](Vec2 p) { return p.x >= 0; }, [&](Vec2 p, Vec2 q) { return lerp(p, q, (0 - p.x) / (q.x - p.x)); });
  clipAgainst(
      b, a, [&](Vec2 p) { return p.x <= size; },
      [&](Vec2 p, Vec2 q) { return lerp(p, q, (size - p.x) / (q.x - p.x)); });
  clipAgainst(
      a, b, [](Vec2 p) { return p.y >= 0; }, [&](Vec2 p, Vec2 q) { return lerp(p, q, (0 - p.y) / (q.y - p.y)); });
  clipAgainst(
      b, a, [&](Vec2 p) { return p.y <= size; },
      [&](Vec2 p, Vec2 q) { return lerp(p, q, (size - p.y) / (q.y - p.y)); });
  if (a.size() < 3) a.clear();
  return a;
}

Pole poleOfInaccessibility(std::span<const Ring> rings, float precision, int maxProbes) {
  if (rings.empty() || rings.front().size() < 3) return {};
  float minx = std::numeric_limits<float>::infinity(), miny = minx, maxx = -minx, maxy = -minx;
  for (const Vec2& p : rings.front()) {
    minx = std::min(minx, p.x), miny = std::min(miny, p.y);
    maxx = std::max(maxx, p.x), maxy = std::max(maxy, p.y);
  }
  const float w = maxx - minx, hgt = maxy - miny;
  if (!(std::min(w, hgt) > 0)) return {{minx, miny}, 0};
  // Square cells covering the box; not too many for long thin shapes.
  const float cellSize = std::max(std::min(w, hgt), std::max(w, hgt) / 32);
  float h = cellSize / 2;
  std::priority_queue<Cell> queue;
  for (float x = minx; x < maxx; x += cellSize)
    for (float y = miny; y < maxy; y += cellSize) queue.push(Cell({x + h, y + h}, h, rings));

  // The centroid of the outer ring is often a good first guess.
  Vec2 centroid{minx + w / 2, miny + hgt / 2};
  {
    double area = 0, cx = 0, cy = 0;
    const Ring& r = rings.front();
    for (size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
      const double f = double(r[i].x) * r[j].y - double(r[j].x) * r[i].y;
      cx += (r[i].x + r[j].x) * f, cy += (r[i].y + r[j].y) * f, area += f * 3;
    }
    if (area != 0) centroid = {float(cx / area), float(cy / area)};
  }
  Cell best(centroid, 0, rings);
  const Cell boxCentre({minx + w / 2, miny + hgt / 2}, 0, rings);
  if (boxCentre.d > best.d) best = boxCentre;

  int probes = int(queue.size());
  while (!queue.empty()) {
    const Cell cell = queue.top();
    queue.pop();
    if (cell.d > best.d) best = cell;
    if (cell.max - best.d <= precision || probes >= maxProbes) continue;
    h = cell.h / 2;
    for (const Vec2 o : {Vec2{-h, -h}, Vec2{h, -h}, Vec2{-h, h}, Vec2{h, h}})
      queue.push(Cell({cell.c.x + o.x, cell.c.y + o.y}, h, rings));
    probes += 4;
  }
  return {best.c, std::max(0.f, best.d)};
}

}  // namespace citymap::labels
