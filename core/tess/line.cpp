#include "tess/line.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

// Layout. Every segment is a quad from its start pair (left, right) to its end pair; left is
// the +normal side, normal = direction rotated by +90 degrees. Quads use the segment's own
// normal on the inner side of a turn (no inner miter vertex, which would shoot past short
// segments for wide lines). The outer gap of a join is closed either by a shared miter vertex
// (the quads become trapezoids meeting at the miter point) or by a fan from the inner vertex
// of the incoming segment over the outer arc (bevel = one triangle). All triangles have a
// positive signed area in tile coordinates (x right, y down).

namespace citymap::tess {
namespace {

constexpr float kEpsSq = 1e-12f;             // points closer than 1e-6 are repeats
constexpr float kShareMiterSq = 1.0025f;     // turns under ~5.7 deg: one vertex pair, mitered
constexpr float kFlatJoinMiterSq = 1.1025f;  // 1.05^2: flatter bevel/round joins use a miter

float dot(Vec2 a, Vec2 b) { return a.x * b.x + a.y * b.y; }
float cross(Vec2 a, Vec2 b) { return a.x * b.y - a.y * b.x; }
Vec2 perp(Vec2 d) { return {-d.y, d.x}; }
Vec2 scale(Vec2 v, float s) { return {v.x * s, v.y * s}; }
float distSq(Vec2 a, Vec2 b) { return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y); }
Vec2 direction(Vec2 a, Vec2 b) {
  const Vec2 d{b.x - a.x, b.y - a.y};
  return scale(d, 1.0f / std::sqrt(dot(d, d)));
}

template <class T>
void reserveMore(std::vector<T>& v, size_t extra) {  // keeps geometric growth when appending
  if (v.size() + extra > v.capacity()) v.reserve(std::max(v.size() + extra, 2 * v.capacity()));
}

class Builder {
 public:
  struct Pair {
    uint32_t l, r;
  };
  struct Join {
    Pair in, out;
  };  // where the incoming segment ends / the outgoing one starts

  Builder(const LineStyle& style, LineMesh& out)
      : style_(style), out_(out), segments_(std::max(1, style.roundSegments)) {}

  uint32_t vertex(Vec2 p, Vec2 e) {
    out_.vertices.push_back({p.x, p.y, e.x, e.y});
    return static_cast<uint32_t>(out_.vertices.size() - 1);
  }
  void triangle(uint32_t a, uint32_t b, uint32_t c) { out_.indices.insert(out_.indices.end(), {a, b, c}); }
  void quad(Pair s, Pair e) {
    triangle(s.r, e.r, e.l);
    triangle(s.r, e.l, s.l);
  }

  // Arc around p: from vertex `first` (extrusion r) turned `k` times by `step` radians, the last
  // vertex getting extrusion `last` exactly. Triangles (apex, r_j, r_j+1), skipped where the apex
  // is r_j itself. Returns the last vertex.
  uint32_t fan(uint32_t apex, Vec2 p, uint32_t first, Vec2 r, float step, int k, Vec2 last) {
    const float c = k > 1 ? std::cos(step) : 1.0f, s = k > 1 ? std::sin(step) : 0.0f;
    uint32_t prev = first;
    for (int j = 1; j <= k; ++j) {
      r = {r.x * c - r.y * s, r.x * s + r.y * c};
      const uint32_t cur = vertex(p, j == k ? last : r);
      if (prev != apex) step > 0 ? triangle(apex, prev, cur) : triangle(apex, cur, prev);
      prev = cur;
    }
    return prev;
  }

  // Cap at p for a line leaving (start) or arriving (!start) in direction d.
  Pair cap(Vec2 p, Vec2 d, bool start) {
    const Vec2 n = perp(d);
    if (style_.cap == LineCap::Round) {
      // Half disc: arc from one side around the tip to the other, fanned from its first vertex
      // (the chord passes through p, so this equals a fan from p with one triangle less).
      const Vec2 r0 = start ? n : scale(n, -1);
      const uint32_t a = vertex(p, r0);
      const uint32_t b = fan(a, p, a, r0, std::numbers::pi_v<float> / segments_, segments_, scale(r0, -1));
      return start ? Pair{a, b} : Pair{b, a};
    }
    // Square: move both vertices half a width past the end (tangent component of the extrusion).
    const float t = style_.cap == LineCap::Square ? (start ? -1.0f : 1.0f) : 0.0f;
    return {vertex(p, {n.x + t * d.x, n.y + t * d.y}), vertex(p, {-n.x + t * d.x, -n.y + t * d.y})};
  }

  Join join(Vec2 p, Vec2 da, Vec2 db) {
    const Vec2 na = perp(da), nb = perp(db);
    const float c = dot(da, db), sn = cross(da, db);  // cos and sin of the turn angle
    // Miter vector m = (na + nb) / (1 + c) bisects the normals; |m|^2 = 2 / (1 + c) = 1/cos^2(turn/2).
    const float miterSq = c > -1.0f + 1e-6f ? 2.0f / (1.0f + c) : INFINITY;
    auto miter = [&](float side) { return scale({na.x + nb.x, na.y + nb.y}, side / (1.0f + c)); };
    if (miterSq < kShareMiterSq) {  // nearly straight: one mitered pair shared by both segments
      const Pair v{vertex(p, miter(1)), vertex(p, miter(-1))};
      return {v, v};
    }
    LineJoin type = style_.join;
    if (type == LineJoin::Miter && miterSq > style_.miterLimit * style_.miterLimit) type = LineJoin::Bevel;
    if (type != LineJoin::Miter && miterSq < kFlatJoinMiterSq) type = LineJoin::Miter;

    const float s = sn > 0 ? -1.0f : 1.0f;  // outer side: right (-n) on a left turn, else left
    const uint32_t innerA = vertex(p, scale(na, -s)), innerB = vertex(p, scale(nb, -s));
    uint32_t outerA, outerB;
    if (type == LineJoin::Miter) {
      // The miter point lies on both outer edges: the two quads become trapezoids meeting there.
      outerA = outerB = vertex(p, miter(s));
    } else {
      // Arc from the outer normal of a to that of b (signed turn angle), fanned from innerA: all
      // arc points and innerA lie on the unit circle, so the fan is convex; it covers the outer
      // wedge plus a sliver inside segment b's quad.
      // (A bevel is the k = 1 fan; it only needs the sign of the turn.)
      float turn = -s;
      int k = 1;
      if (type == LineJoin::Round) {
        turn *= std::atan2(std::abs(sn), c);
        k = std::max(1, static_cast<int>(std::ceil(-s * turn / std::numbers::pi_v<float> * segments_ - 1e-3f)));
      }
      outerA = vertex(p, scale(na, s));
      outerB = fan(innerA, p, outerA, scale(na, s), turn / k, k, scale(nb, s));
    }
    if (s > 0) return {{outerA, innerA}, {outerB, innerB}};
    return {{innerA, outerA}, {innerB, outerB}};
  }

 private:
  const LineStyle& style_;
  LineMesh& out_;
  int segments_;
};

}  // namespace

size_t extrudeLine(std::span<const Vec2> points, const LineStyle& style, LineMesh& out) {
  // Distinct points, in a scratch buffer reused across calls.
  thread_local std::vector<Vec2> pts;
  pts.clear();
  for (const Vec2& p : points)
    if (pts.empty() || distSq(p, pts.back()) >= kEpsSq) pts.push_back(p);
  size_t n = pts.size();
  if (n < 2) return 0;
  // A ring (first == last, at least 3 distinct points) is joined at its first point, not capped.
  const bool closed = n >= 4 && distSq(pts.front(), pts.back()) < kEpsSq;
  if (closed) --n;

  const size_t firstIndex = out.indices.size();
  const size_t fanExtra = style.join == LineJoin::Round ? 2 : 0;
  reserveMore(out.vertices, n * (3 + fanExtra) + 2 * static_cast<size_t>(std::max(1, style.roundSegments)));
  reserveMore(out.indices, n * (6 + 3 * fanExtra) + 6 * static_cast<size_t>(std::max(1, style.roundSegments)));

  Builder b(style, out);
  auto dir = [&](size_t i) { return direction(pts[i], pts[(i + 1) % n]); };
  Vec2 d = dir(0);
  Builder::Pair start, ringEnd{0, 0};
  if (closed) {
    const Builder::Join j = b.join(pts[0], dir(n - 1), d);
    ringEnd = j.in;
    start = j.out;
  } else {
    start = b.cap(pts[0], d, true);
  }
  for (size_t i = 1; i < (closed ? n : n - 1); ++i) {
    const Vec2 next = dir(i);
    const Builder::Join j = b.join(pts[i], d, next);
    b.quad(start, j.in);
    start = j.out;
    d = next;
  }
  b.quad(start, closed ? ringEnd : b.cap(pts[n - 1], d, false));
  return (out.indices.size() - firstIndex) / 3;
}

}  // namespace citymap::tess
