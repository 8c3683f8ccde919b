#include "tess/point.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace citymap::tess {
namespace {

TEST(PointMarker, QuadAroundThePointWithUnitCornerExtrusions) {
  LineMesh mesh;
  mesh.vertices.push_back({});  // something already in the mesh: indices must be offset
  EXPECT_EQ(addPointMarker({100, 200}, mesh), 2u);
  ASSERT_EQ(mesh.vertices.size(), 5u);
  ASSERT_EQ(mesh.indices.size(), 6u);
  float sumX = 0, sumY = 0;
  for (size_t i = 1; i < mesh.vertices.size(); ++i) {
    const LineVertex& v = mesh.vertices[i];
    EXPECT_EQ(v.x, 100);
    EXPECT_EQ(v.y, 200);
    EXPECT_FLOAT_EQ(std::abs(v.ex), 1);
    EXPECT_FLOAT_EQ(std::abs(v.ey), 1);
    sumX += v.ex;
    sumY += v.ey;
  }
  EXPECT_EQ(sumX, 0);  // symmetric: the disc is centred on the point
  EXPECT_EQ(sumY, 0);
  // Two triangles covering the square [-1,1]^2 in extrusion space: total area 4.
  float area = 0;
  for (size_t i = 0; i < 6; i += 3) {
    const auto& a = mesh.vertices[mesh.indices[i]];
    const auto& b = mesh.vertices[mesh.indices[i + 1]];
    const auto& c = mesh.vertices[mesh.indices[i + 2]];
    EXPECT_GE(mesh.indices[i], 1u);
    area += std::abs((b.ex - a.ex) * (c.ey - a.ey) - (c.ex - a.ex) * (b.ey - a.ey)) / 2;
  }
  EXPECT_FLOAT_EQ(area, 4);
}

}  // namespace
}  // namespace citymap::tess
