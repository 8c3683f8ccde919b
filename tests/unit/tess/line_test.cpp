#include "tess/line.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace citymap::tess {
namespace {

using Points = std::vector<Vec2>;
constexpr double kPi = std::numbers::pi;

LineStyle style(LineJoin join, LineCap cap, float miterLimit = 2.0f, int roundSegments = 6) {
  return {join, cap, miterLimit, roundSegments};
}

LineMesh extrude(const Points& pts, const LineStyle& s, size_t* triangles = nullptr) {
  LineMesh m;
  const size_t n = extrudeLine(pts, s, m);
  if (triangles) *triangles = n;
  return m;
}

struct P {
  double x, y;
};

// Vertex position once the shader applies a half width h.
P at(const LineMesh& m, uint32_t i, double h) {
  const LineVertex& v = m.vertices[i];
  return {v.x + v.ex * h, v.y + v.ey * h};
}
double extrusionLength(const LineVertex& v) { return std::hypot(v.ex, v.ey); }
double cross(P o, P a, P b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }

// Sum of triangle areas (overlaps counted twice).
double meshArea(const LineMesh& m, double h) {
  double a = 0;
  for (size_t i = 0; i < m.indices.size(); i += 3)
    a += std::abs(cross(at(m, m.indices[i], h), at(m, m.indices[i + 1], h), at(m, m.indices[i + 2], h))) / 2;
  return a;
}

// Triangles placed at half width h, for point-in-mesh queries.
struct Placed {
  std::vector<P> corners;
  Placed(const LineMesh& m, double h) {
    for (uint32_t i : m.indices) corners.push_back(at(m, i, h));
  }
  bool covers(P q) const {
    for (size_t i = 0; i < corners.size(); i += 3) {
      const P a = corners[i], b = corners[i + 1], c = corners[i + 2];
      if ((a.x < q.x && b.x < q.x && c.x < q.x) || (a.x > q.x && b.x > q.x && c.x > q.x)) continue;
      const double d1 = cross(a, b, q), d2 = cross(b, c, q), d3 = cross(c, a, q);
      if ((d1 >= -1e-9 && d2 >= -1e-9 && d3 >= -1e-9) || (d1 <= 1e-9 && d2 <= 1e-9 && d3 <= 1e-9)) return true;
    }
    return false;
  }
};

// Distance from q to the polyline, and whether q lies in the band of some segment (its
// projection falls inside the segment and its lateral distance is < h).
double distance(const Points& pts, P q, double h, bool* inBand) {
  double best = 1e30;
  *inBand = false;
  for (size_t i = 0; i + 1 < pts.size(); ++i) {
    const double dx = pts[i + 1].x - pts[i].x, dy = pts[i + 1].y - pts[i].y, len2 = dx * dx + dy * dy;
    if (len2 == 0) continue;
    const double t = ((q.x - pts[i].x) * dx + (q.y - pts[i].y) * dy) / len2;
    const double tc = std::clamp(t, 0.0, 1.0);
    const double d = std::hypot(q.x - pts[i].x - tc * dx, q.y - pts[i].y - tc * dy);
    best = std::min(best, d);
    if (t > 0 && t < 1 && d < h) *inBand = true;
  }
  return best;
}

// Structural checks every mesh must pass: indices in range, consistent winding (positive
// signed area in tile coordinates) for any half width.
void expectWellFormed(const LineMesh& m, size_t triangles) {
  ASSERT_EQ(m.indices.size(), 3 * triangles);
  for (uint32_t i : m.indices) ASSERT_LT(i, m.vertices.size());
  for (double h : {0.5, 3.0, 40.0})
    for (size_t i = 0; i < m.indices.size(); i += 3)
      ASSERT_GE(cross(at(m, m.indices[i], h), at(m, m.indices[i + 1], h), at(m, m.indices[i + 2], h)), -1e-6 * h * h)
          << "triangle " << i / 3 << " is wound backwards at h=" << h;
  for (const LineVertex& v : m.vertices) ASSERT_TRUE(std::isfinite(v.ex) && std::isfinite(v.ey));
}

TEST(ExtrudeLine, StraightSegmentButtCounts) {
  size_t tris = 0;
  LineMesh m = extrude({{0, 0}, {10, 0}}, style(LineJoin::Miter, LineCap::Butt), &tris);
  EXPECT_EQ(tris, 2u);
  EXPECT_EQ(m.vertices.size(), 4u);
  EXPECT_EQ(m.indices.size(), 6u);
  expectWellFormed(m, tris);

  // Collinear interior points share one vertex pair, whatever the join.
  for (LineJoin j : {LineJoin::Miter, LineJoin::Bevel, LineJoin::Round}) {
    m = extrude({{0, 0}, {4, 0}, {10, 0}, {11, 0}}, style(j, LineCap::Butt), &tris);
    EXPECT_EQ(tris, 6u);
    EXPECT_EQ(m.vertices.size(), 8u);
    expectWellFormed(m, tris);
  }
}

TEST(ExtrudeLine, StraightLineExtrusionsArePerpendicularUnitVectors) {
  const Points pts{{1, 2}, {4, 6}, {7, 10}, {13, 18}};  // direction (3, 4) / 5
  for (LineJoin j : {LineJoin::Miter, LineJoin::Bevel, LineJoin::Round}) {
    size_t tris = 0;
    const LineMesh m = extrude(pts, style(j, LineCap::Butt), &tris);
    ASSERT_EQ(m.vertices.size(), 8u);
    for (const LineVertex& v : m.vertices) {
      EXPECT_NEAR(extrusionLength(v), 1.0, 1e-5);
      EXPECT_NEAR(v.ex * 0.6 + v.ey * 0.8, 0.0, 1e-5);
    }
    expectWellFormed(m, tris);
  }
}

TEST(ExtrudeLine, MiterAtRightAngleHasLengthSqrt2) {
  size_t tris = 0;
  const LineMesh m = extrude({{0, 0}, {10, 0}, {10, 10}}, style(LineJoin::Miter, LineCap::Butt), &tris);
  EXPECT_EQ(tris, 4u);               // two quads, the miter vertex closes the gap
  EXPECT_EQ(m.vertices.size(), 7u);  // 2 + (miter + 2 inner) + 2
  double longest = 0;
  LineVertex miter;
  for (const LineVertex& v : m.vertices)
    if (extrusionLength(v) > longest) longest = extrusionLength(v), miter = v;
  EXPECT_NEAR(longest, std::sqrt(2.0), 1e-5);
  // It sits at the corner and points away from the inside of the turn: to (+x, -y).
  EXPECT_FLOAT_EQ(miter.x, 10);
  EXPECT_FLOAT_EQ(miter.y, 0);
  EXPECT_NEAR(miter.ex, 1.0, 1e-5);
  EXPECT_NEAR(miter.ey, -1.0, 1e-5);
  expectWellFormed(m, tris);
}

TEST(ExtrudeLine, HairpinBeyondMiterLimitBecomesBevel) {
  const Points pts{{0, 0}, {10, 0}, {0, 1}};  // ~174 degree turn: miter length ~19
  size_t tris = 0;
  LineMesh m = extrude(pts, style(LineJoin::Miter, LineCap::Butt, 2.0f), &tris);
  EXPECT_EQ(tris, 5u);  // two quads + bevel triangle
  for (const LineVertex& v : m.vertices) EXPECT_LE(extrusionLength(v), 2.0 + 1e-5);
  expectWellFormed(m, tris);

  // With a huge limit the same turn keeps its long miter.
  m = extrude(pts, style(LineJoin::Miter, LineCap::Butt, 100.0f), &tris);
  EXPECT_EQ(tris, 4u);
  double longest = 0;
  for (const LineVertex& v : m.vertices) longest = std::max(longest, extrusionLength(v));
  const double c = -10 / std::sqrt(101.0);             // cosine of the turn
  EXPECT_NEAR(longest, std::sqrt(2 / (1 + c)), 1e-2);  // 1 / cos(turn / 2), about 20
  expectWellFormed(m, tris);

  // An exact reversal must not produce NaNs either.
  for (LineJoin j : {LineJoin::Miter, LineJoin::Bevel, LineJoin::Round}) {
    m = extrude({{0, 0}, {10, 0}, {0, 0}}, style(j, LineCap::Round), &tris);
    expectWellFormed(m, tris);
  }
}

TEST(ExtrudeLine, RoundCapAddsHalfDiscFan) {
  const int k = 6;
  size_t butt = 0, round = 0;
  const LineMesh mb = extrude({{0, 0}, {10, 0}}, style(LineJoin::Miter, LineCap::Butt), &butt);
  const LineMesh mr = extrude({{0, 0}, {10, 0}}, style(LineJoin::Miter, LineCap::Round, 2, k), &round);
  // Each cap: k-1 arc vertices between the two side vertices, fanned with k-1 triangles.
  EXPECT_EQ(round, butt + 2 * (k - 1));
  EXPECT_EQ(mr.vertices.size(), mb.vertices.size() + 2 * (k - 1));
  for (const LineVertex& v : mr.vertices) EXPECT_NEAR(extrusionLength(v), 1.0, 1e-5);
  // Area: the rectangle plus two half regular 2k-gons of radius h.
  const double h = 2.5;
  EXPECT_NEAR(meshArea(mr, h), 2 * h * 10 + k * std::sin(kPi / k) * h * h, 1e-4);
  // The cap reaches exactly h beyond each end.
  double minX = 1e9, maxX = -1e9;
  for (uint32_t i = 0; i < mr.vertices.size(); ++i)
    minX = std::min(minX, at(mr, i, h).x), maxX = std::max(maxX, at(mr, i, h).x);
  EXPECT_NEAR(minX, -h, 1e-5);
  EXPECT_NEAR(maxX, 10 + h, 1e-5);
  expectWellFormed(mr, round);
}

TEST(ExtrudeLine, AreaOfStraightSegmentMatchesCap) {
  const Points pts{{3, 4}, {3 + 6 * 3, 4 + 6 * 4}};  // length L = 30, diagonal
  const double L = 30;
  for (double h : {0.5, 2.0, 7.0}) {
    EXPECT_NEAR(meshArea(extrude(pts, style(LineJoin::Miter, LineCap::Butt)), h), 2 * h * L, 1e-3);
    EXPECT_NEAR(meshArea(extrude(pts, style(LineJoin::Miter, LineCap::Square)), h), 2 * h * (L + 2 * h), 1e-3);
  }
  // Square caps stretch the quad by one half width along the line (tangent component).
  const LineMesh m = extrude(pts, style(LineJoin::Miter, LineCap::Square));
  for (const LineVertex& v : m.vertices) EXPECT_NEAR(extrusionLength(v), std::sqrt(2.0), 1e-5);
}

TEST(ExtrudeLine, RepeatedPointsAreIgnored) {
  const LineStyle s = style(LineJoin::Round, LineCap::Round);
  const LineMesh clean = extrude({{0, 0}, {5, 0}, {5, 5}, {9, 7}}, s);
  const LineMesh dup = extrude({{0, 0}, {0, 0}, {5, 0}, {5, 0}, {5, 1e-7f}, {5, 5}, {9, 7}, {9, 7}}, s);
  ASSERT_EQ(dup.vertices.size(), clean.vertices.size());
  EXPECT_EQ(dup.indices, clean.indices);
  for (size_t i = 0; i < clean.vertices.size(); ++i) {
    EXPECT_NEAR(dup.vertices[i].x, clean.vertices[i].x, 1e-5);
    EXPECT_NEAR(dup.vertices[i].ex, clean.vertices[i].ex, 1e-5);
    EXPECT_NEAR(dup.vertices[i].ey, clean.vertices[i].ey, 1e-5);
  }
}

TEST(ExtrudeLine, DegenerateInputAddsNothing) {
  for (const Points& pts : {Points{}, Points{{1, 1}}, Points{{1, 1}, {1, 1}, {1, 1 + 1e-7f}}}) {
    LineMesh m;
    m.vertices.push_back({});
    EXPECT_EQ(extrudeLine(pts, style(LineJoin::Round, LineCap::Round), m), 0u);
    EXPECT_EQ(m.vertices.size(), 1u);
    EXPECT_TRUE(m.indices.empty());
  }
}

TEST(ExtrudeLine, AppendingOffsetsIndices) {
  LineMesh m;
  const size_t a = extrudeLine(Points{{0, 0}, {10, 0}, {10, 10}}, style(LineJoin::Round, LineCap::Round), m);
  const size_t verts = m.vertices.size(), indices = m.indices.size();
  const size_t b = extrudeLine(Points{{50, 50}, {60, 50}}, style(LineJoin::Miter, LineCap::Butt), m);
  EXPECT_EQ(b, 2u);
  EXPECT_EQ(m.vertices.size(), verts + 4);
  for (size_t i = indices; i < m.indices.size(); ++i) EXPECT_GE(m.indices[i], verts);
  expectWellFormed(m, a + b);
}

TEST(ExtrudeLine, ClosedRingJoinsInsteadOfCapping) {
  const Points ring{{0, 0}, {20, 0}, {20, 20}, {0, 20}, {0, 0}};
  size_t butt = 0, round = 0;
  const LineMesh m = extrude(ring, style(LineJoin::Miter, LineCap::Butt), &butt);
  extrude(ring, style(LineJoin::Miter, LineCap::Round), &round);
  EXPECT_EQ(butt, 8u);  // four quads, caps ignored
  EXPECT_EQ(round, butt);
  EXPECT_EQ(m.vertices.size(), 12u);  // a miter vertex and two inner vertices per corner
  int miters = 0;
  for (const LineVertex& v : m.vertices) miters += std::abs(extrusionLength(v) - std::sqrt(2.0)) < 1e-5;
  EXPECT_EQ(miters, 4);
  expectWellFormed(m, butt);
  // Coverage is exactly the band between the squares [-h, 20+h] and [h, 20-h].
  const double h = 3;
  const Placed placed(m, h);
  for (double y = -6.1; y < 26; y += 0.37)
    for (double x = -6.1; x < 26; x += 0.37) {
      const double outside = std::max(std::max(-x, x - 20), std::max(-y, y - 20));  // < 0 inside
      if (std::abs(std::abs(outside) - h) < 1e-3) continue;                         // on an edge
      EXPECT_EQ(placed.covers({x, y}), std::abs(outside) < h) << x << "," << y;
    }
}

// Coverage against the true stroke: no cracks (every point in a segment's band, and for round
// joins and caps every point near the line, is covered) and nothing far from the line is.
TEST(ExtrudeLine, CoverageMatchesStroke) {
  const Points pts{{10, 10}, {40, 12}, {60, 40}, {20, 45}, {70, 47}, {72, 60}, {40, 90}, {46, 60}, {90, 90}};
  const double h = 4;
  struct Sample {
    P q;
    double d;
    bool inBand;
  };
  std::vector<Sample> grid;
  for (double y = 0; y < 100; y += 0.45)
    for (double x = 0; x < 100; x += 0.45) {
      Sample smp{{x, y}, 0, false};
      smp.d = distance(pts, smp.q, h - 1e-3, &smp.inBand);
      grid.push_back(smp);
    }
  for (LineJoin j : {LineJoin::Miter, LineJoin::Bevel, LineJoin::Round})
    for (LineCap c : {LineCap::Butt, LineCap::Square, LineCap::Round}) {
      size_t tris = 0;
      const LineStyle s = style(j, c, 3.0f);
      const LineMesh m = extrude(pts, s, &tris);
      expectWellFormed(m, tris);
      const bool round = j == LineJoin::Round && c == LineCap::Round;
      const double chord = std::cos(kPi / (2 * s.roundSegments));  // arc polygon inset
      const double farAway = h * (j == LineJoin::Miter ? s.miterLimit : 1.06) * (c == LineCap::Square ? 1.5 : 1.0);
      const Placed placed(m, h);
      int misses = 0;
      for (const Sample& smp : grid) {
        const bool cov = placed.covers(smp.q);
        if ((smp.inBand || (round && smp.d < h * chord - 1e-3)) && !cov) ++misses;
        if (smp.d > farAway + 1e-3 && cov) ++misses;
      }
      EXPECT_EQ(misses, 0) << "join " << int(j) << " cap " << int(c);
    }
}

TEST(ExtrudeLine, RandomPolylinesAreWellFormed) {
  uint32_t seed = 12345;
  auto rnd = [&] { return (seed = seed * 1664525u + 1013904223u) / 4294967296.0f; };
  for (int iter = 0; iter < 200; ++iter) {
    Points pts(2 + iter % 12);
    for (Vec2& p : pts) p = {std::floor(rnd() * 16) * 8, std::floor(rnd() * 16) * 8};  // repeats, collinear runs
    if (iter % 3 == 0) pts.push_back(pts.front());
    for (LineJoin j : {LineJoin::Miter, LineJoin::Bevel, LineJoin::Round})
      for (LineCap c : {LineCap::Butt, LineCap::Square, LineCap::Round}) {
        size_t tris = 0;
        const LineMesh m = extrude(pts, style(j, c, 1.0f + iter % 4), &tris);
        expectWellFormed(m, tris);
        for (const LineVertex& v : m.vertices) ASSERT_LE(extrusionLength(v), std::max(1.0f + iter % 4, 1.5f) + 1e-4);
      }
  }
}

}  // namespace
}  // namespace citymap::tess
