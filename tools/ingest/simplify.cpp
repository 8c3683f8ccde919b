#include "ingest/simplify.hpp"

#include <cmath>
#include <utility>
#include <vector>

namespace citymap::ingest {

namespace {

// Squared distance from p to the segment a-b.
double segmentDistanceSq(geo::WorldPoint p, geo::WorldPoint a, geo::WorldPoint b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = t < 0 ? 0 : (t > 1 ? 1 : t);
  const double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
  return ex * ex + ey * ey;
}

}  // namespace

Path simplify(const Path& points, double tolerance, bool closed) {
  const size_t n = points.size() + (closed ? 1 : 0);
  if (tolerance <= 0 || n < 3) return points;
  const auto at = [&](size_t i) -> geo::WorldPoint { return points[i == points.size() ? 0 : i]; };
  const double tol2 = tolerance * tolerance;
  std::vector<bool> keep(n, false);
  keep[0] = keep[n - 1] = true;
  std::vector<std::pair<size_t, size_t>> stack{{0, n - 1}};
  while (!stack.empty()) {
    const auto [first, last] = stack.back();
    stack.pop_back();
    double maxDist = -1;
    size_t index = first;
    for (size_t i = first + 1; i < last; ++i) {
      const double d = segmentDistanceSq(at(i), at(first), at(last));
      if (d > maxDist) {
        maxDist = d;
        index = i;
      }
    }
    if (index != first && maxDist > tol2) {
      keep[index] = true;
      stack.emplace_back(first, index);
      stack.emplace_back(index, last);
    }
  }
  Path out;
  for (size_t i = 0; i < points.size(); ++i)
    if (keep[i]) out.push_back(points[i]);
  return out;
}

}  // namespace citymap::ingest
