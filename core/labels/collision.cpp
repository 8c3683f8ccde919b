#include "labels/collision.hpp"

#include <algorithm>
#include <cmath>

namespace citymap::labels {

void CollisionGrid::reset(float width, float height, float cell) {
  cell_ = cell;
  cols_ = std::max(1, int(std::ceil(width / cell)));
  rows_ = std::max(1, int(std::ceil(height / cell)));
  boxes_.clear();
  priorities_.clear();
  const size_t n = size_t(cols_) * size_t(rows_);
  if (cells_.size() != n) cells_.resize(n);
  for (auto& c : cells_) c.clear();  // keeps their capacity from frame to frame
}

CollisionGrid::CellRange CollisionGrid::cellsOf(const Box& b) const {
  return {
      std::clamp(int(std::floor(b.x0 / cell_)), 0, cols_ - 1), std::clamp(int(std::floor(b.y0 / cell_)), 0, rows_ - 1),
      std::clamp(int(std::floor(b.x1 / cell_)), 0, cols_ - 1), std::clamp(int(std::floor(b.y1 / cell_)), 0, rows_ - 1)};
}

bool CollisionGrid::hits(const Box& b, int maxPriority) const {
  const CellRange r = cellsOf(b);
  for (int y = r.y0; y <= r.y1; ++y)
    for (int x = r.x0; x <= r.x1; ++x)
      for (uint32_t i : cells_[size_t(y) * size_t(cols_) + size_t(x)])
        if (priorities_[i] <= maxPriority && boxes_[i].overlaps(b)) return true;
  return false;
}

void CollisionGrid::insert(const Box& b, int priority) {
  const uint32_t index = uint32_t(boxes_.size());
  boxes_.push_back(b);
  priorities_.push_back(priority);
  const CellRange r = cellsOf(b);
  for (int y = r.y0; y <= r.y1; ++y)
    for (int x = r.x0; x <= r.x1; ++x) cells_[size_t(y) * size_t(cols_) + size_t(x)].push_back(index);
}

}  // namespace citymap::labels
