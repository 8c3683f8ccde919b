#pragma once
// CPU meshes produced by the tessellators. Positions are in tile units (0..extent, y down).
#include <cstdint>
#include <vector>

namespace citymap::tess {

struct Vec2 {
  float x = 0;
  float y = 0;
};

// Filled polygons: triangles.
struct FillMesh {
  std::vector<Vec2> vertices;
  std::vector<uint32_t> indices;
  void clear() {
    vertices.clear();
    indices.clear();
  }
};

// Lines extruded on the GPU: each vertex is a point on the centre line plus an extrusion
// vector in tile-space directions whose length is in units of the half line width
// (1 on straight segments, longer at miter joins). The vertex shader computes
// position + extrude * halfWidthInPixels converted to clip space, so widths stay in pixels
// at every zoom.
struct LineVertex {
  float x = 0, y = 0;    // centre line point, tile units
  float ex = 0, ey = 0;  // extrusion, in half-widths
};

struct LineMesh {
  std::vector<LineVertex> vertices;
  std::vector<uint32_t> indices;
  void clear() {
    vertices.clear();
    indices.clear();
  }
};

}  // namespace citymap::tess
