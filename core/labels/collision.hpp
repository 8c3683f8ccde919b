#pragma once
// Screen-space collision index for label placement: axis-aligned boxes in CSS pixels bucketed
// in a uniform grid over the viewport, each with a priority (lower is more important). Reset
// every frame.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace citymap::labels {

struct Box {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

class CollisionGrid {
 public:
  void reset(float width, float height, float cell = 48);
  // Overlaps a box whose priority is at most `maxPriority` (default: any box).
  bool hits(const Box& b, int maxPriority = INT32_MAX) const;
  void insert(const Box& b, int priority = 0);
  size_t size() const { return boxes_.size(); }

 private:
  struct CellRange {
    int x0, y0, x1, y1;
  };
  CellRange cellsOf(const Box& b) const;
  float cell_ = 48;
  int cols_ = 0, rows_ = 0;
  std::vector<Box> boxes_;
  std::vector<int> priorities_;
  std::vector<std::vector<uint32_t>> cells_;
};

}  // namespace citymap::labels
