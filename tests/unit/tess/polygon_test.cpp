#include "tess/polygon.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace citymap::tess {
namespace {

using Rings = std::vector<std::vector<Vec2>>;

// Sum of the (unsigned) triangle areas of the mesh.
double meshArea(const FillMesh& m, size_t firstIndex = 0) {
  double a = 0;
  for (size_t i = firstIndex; i + 2 < m.indices.size(); i += 3) {
    const Vec2 p = m.vertices[m.indices[i]], q = m.vertices[m.indices[i + 1]], r = m.vertices[m.indices[i + 2]];
    a += std::abs((double(q.x) - p.x) * (double(r.y) - p.y) - (double(q.y) - p.y) * (double(r.x) - p.x)) / 2;
  }
  return a;
}

void expectValidIndices(const FillMesh& m) {
  ASSERT_EQ(m.indices.size() % 3, 0u);
  for (uint32_t i : m.indices) ASSERT_LT(i, m.vertices.size());
}

std::vector<Vec2> square(float x0, float y0, float size, bool close = false) {
  std::vector<Vec2> r{{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}};
  if (close) r.push_back(r.front());
  return r;
}

TEST(TessellatePolygon, SquareWithHoleAreaExcludesHole) {
  Rings rings{square(0, 0, 10, true), square(3, 3, 2, true)};
  std::reverse(rings[1].begin(), rings[1].end());  // holes usually wind the other way
  FillMesh m;
  const size_t n = tessellatePolygon(rings, m);
  EXPECT_EQ(n, 8u);  // v + 2*holes - 2 for a polygon with 8 vertices and one hole
  EXPECT_EQ(m.indices.size(), 3 * n);
  EXPECT_EQ(m.vertices.size(), 8u);  // closing duplicates dropped
  EXPECT_NEAR(meshArea(m), 100.0 - 4.0, 1e-9);
  expectValidIndices(m);
}

TEST(TessellatePolygon, HoleWindingDoesNotMatter) {
  FillMesh m;
  tessellatePolygon(Rings{square(0, 0, 10), square(3, 3, 2)}, m);
  EXPECT_NEAR(meshArea(m), 96.0, 1e-9);
}

TEST(TessellatePolygon, ConcavePolygon) {
  // An "E"-like comb: concave corners everywhere. Area by the shoelace formula.
  const std::vector<Vec2> ring{{0, 0}, {9, 0}, {9, 2}, {2, 2}, {2, 4},  {7, 4},
                               {7, 6}, {2, 6}, {2, 8}, {9, 8}, {9, 10}, {0, 10}};
  double shoelace = 0;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
    shoelace += double(ring[j].x) * ring[i].y - double(ring[i].x) * ring[j].y;
  FillMesh m;
  EXPECT_EQ(tessellatePolygon(Rings{ring}, m), ring.size() - 2);
  EXPECT_NEAR(meshArea(m), std::abs(shoelace) / 2, 1e-9);
  EXPECT_NEAR(meshArea(m), 9 * 10 - (7 * 2 + 2 * 2 + 7 * 2), 1e-9);
  expectValidIndices(m);
}

TEST(TessellatePolygon, ClosingPointIsDropped) {
  FillMesh m;
  EXPECT_EQ(tessellatePolygon(Rings{square(0, 0, 4, true)}, m), 2u);
  EXPECT_EQ(m.vertices.size(), 4u);
  EXPECT_NEAR(meshArea(m), 16.0, 1e-9);
}

TEST(TessellatePolygon, DegenerateInputAddsNothing) {
  using Ring = std::vector<Vec2>;
  const Rings cases[] = {
      Rings{},                                        // no rings
      Rings{Ring{}},                                  // empty ring
      Rings{Ring{{1, 1}, {2, 2}}},                    // two points
      Rings{Ring{{1, 1}, {2, 2}, {1, 1}}},            // two distinct points, closed
      Rings{Ring{{0, 0}, {1, 1}, {2, 2}, {3, 3}}},    // collinear
      Rings{Ring{{5, 5}, {5, 5}, {5, 5}, {5, 5}}},    // one point repeated
      Rings{Ring{{1, 1}, {2, 2}}, square(0, 0, 10)},  // degenerate outer ring, valid "hole"
  };
  for (const Rings& rings : cases) {
    FillMesh m;
    m.vertices.push_back({7, 7});  // existing content must stay untouched
    EXPECT_EQ(tessellatePolygon(rings, m), 0u);
    EXPECT_EQ(m.vertices.size(), 1u);
    EXPECT_TRUE(m.indices.empty());
  }
}

TEST(TessellatePolygon, DegenerateHolesAreSkipped) {
  FillMesh m;
  using Ring = std::vector<Vec2>;
  const Rings rings{square(0, 0, 10), Ring{{3, 3}, {4, 4}}, Ring{{2, 2}, {3, 3}, {4, 4}, {2, 2}},
                    Ring{{6, 6}, {6, 6}, {6, 6}}};
  EXPECT_EQ(tessellatePolygon(rings, m), 2u);
  EXPECT_EQ(m.vertices.size(), 4u);
  EXPECT_NEAR(meshArea(m), 100.0, 1e-9);
}

TEST(TessellatePolygon, AppendingOffsetsIndices) {
  FillMesh m;
  const size_t first = tessellatePolygon(Rings{square(0, 0, 10), square(2, 2, 3)}, m);
  const size_t vertsBefore = m.vertices.size(), indicesBefore = m.indices.size();
  const size_t second = tessellatePolygon(Rings{square(20, 20, 5, true)}, m);
  EXPECT_EQ(first, 8u);
  EXPECT_EQ(second, 2u);
  EXPECT_EQ(m.vertices.size(), vertsBefore + 4);
  for (size_t i = indicesBefore; i < m.indices.size(); ++i) {
    EXPECT_GE(m.indices[i], vertsBefore);
    EXPECT_GE(m.vertices[m.indices[i]].x, 20.0f);  // points into the second polygon
  }
  EXPECT_NEAR(meshArea(m, indicesBefore), 25.0, 1e-9);
  EXPECT_NEAR(meshArea(m), 100.0 - 9.0 + 25.0, 1e-9);
  expectValidIndices(m);
}

TEST(TessellatePolygon, ManyVerticesCircleWithHoles) {
  // Large enough for earcut's z-order hashing path (> 80 points).
  std::vector<Vec2> outer;
  const int n = 200;
  for (int i = 0; i < n; ++i) {
    const double a = 2 * 3.14159265358979 * i / n;
    outer.push_back({float(100 + 50 * std::cos(a)), float(100 + 50 * std::sin(a))});
  }
  double expected = n * 0.5 * 50.0 * 50.0 * std::sin(2 * 3.14159265358979 / n);  // regular polygon
  Rings rings{outer};
  for (int h = 0; h < 3; ++h) {
    rings.push_back(square(80.0f + 12 * h, 95, 8));
    expected -= 64;
  }
  FillMesh m;
  const size_t tris = tessellatePolygon(rings, m);
  EXPECT_GT(tris, size_t(n));  // earcut may drop points made collinear by hole bridges
  EXPECT_EQ(m.vertices.size(), size_t(n + 12));
  EXPECT_NEAR(meshArea(m), expected, 1e-2);
  expectValidIndices(m);
}

}  // namespace
}  // namespace citymap::tess
