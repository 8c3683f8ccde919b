#include "ingest/near_filter.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <unordered_map>

#include "geo/mercator.hpp"
#include "ingest/normalize.hpp"

namespace citymap::ingest {

namespace {

constexpr double kEarthCircumferenceM = 2 * std::numbers::pi * 6378137.0;

// Metres per world unit (0..1 Web Mercator) on the ground at world y.
double metresPerUnit(double worldY) {
  const double lat = geo::fromWorld({0.5, worldY}).lat * std::numbers::pi / 180;
  return kEarthCircumferenceM * std::cos(lat);
}

struct Segment {
  geo::WorldPoint a, b;
  uint32_t name;  // index into the folded names
};

double distanceSq(const geo::WorldPoint& p, const Segment& s) {
  const double dx = s.b.x - s.a.x, dy = s.b.y - s.a.y;
  const double len = dx * dx + dy * dy;
  double t = len > 0 ? ((p.x - s.a.x) * dx + (p.y - s.a.y) * dy) / len : 0;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = s.a.x + t * dx - p.x, ey = s.a.y + t * dy - p.y;
  return ex * ex + ey * ey;
}

// A uniform grid of the earlier lines' segments.
class SegmentGrid {
 public:
  explicit SegmentGrid(double cell) : cell_(cell) {}
  void add(const Segment& s) {
    const uint32_t index = uint32_t(segments_.size());
    segments_.push_back(s);
    const int64_t x0 = cellOf(std::min(s.a.x, s.b.x)), x1 = cellOf(std::max(s.a.x, s.b.x));
    const int64_t y0 = cellOf(std::min(s.a.y, s.b.y)), y1 = cellOf(std::max(s.a.y, s.b.y));
    // A very long segment (a straight road across the city) is put into its bounding cells.
    for (int64_t y = y0; y <= y1; ++y)
      for (int64_t x = x0; x <= x1; ++x) cells_[key(x, y)].push_back(index);
  }
  // Whether a segment whose name passes `accept` lies within `radius` (world units) of p.
  template <class Accept>
  bool near(const geo::WorldPoint& p, double radius, Accept accept) const {
    const double r2 = radius * radius;
    for (int64_t y = cellOf(p.y - radius); y <= cellOf(p.y + radius); ++y)
      for (int64_t x = cellOf(p.x - radius); x <= cellOf(p.x + radius); ++x) {
        const auto it = cells_.find(key(x, y));
        if (it == cells_.end()) continue;
        for (const uint32_t i : it->second)
          if (accept(segments_[i].name) && distanceSq(p, segments_[i]) <= r2) return true;
      }
    return false;
  }

 private:
  int64_t cellOf(double v) const { return int64_t(std::floor(v / cell_)); }
  static uint64_t key(int64_t x, int64_t y) { return (uint64_t(uint32_t(x)) << 32) | uint32_t(y); }
  double cell_;
  std::vector<Segment> segments_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> cells_;
};

}  // namespace

uint64_t skipNearSameName(std::vector<Feature>& features, size_t first, const NearRule& rule) {
  first = std::min(first, features.size());
  const auto isLine = [&](const Feature& f) { return f.layer == rule.layer && f.geom.type == GeomType::Line; };
  // The candidates' scale: world units per metre at the first candidate's latitude (a grid
  // cell a little over the distance there; queries convert the distance at their own latitude).
  double cell = 0;
  for (size_t i = first; i < features.size() && cell == 0; ++i)
    if (isLine(features[i]) && !features[i].geom.empty()) cell = rule.distanceM / metresPerUnit(features[i].bbox.miny);
  if (cell == 0) return 0;

  std::vector<std::string> names;  // folded; index 0 = unnamed
  std::unordered_map<std::string, uint32_t> nameIndex{{std::string(), 0u}};
  names.emplace_back();
  const auto intern = [&](const std::string& name) {
    const auto [it, added] = nameIndex.try_emplace(foldForSearch(name), uint32_t(names.size()));
    if (added) names.push_back(it->first);
    return it->second;
  };
  SegmentGrid grid(cell * 2);
  bool any = false;
  for (size_t i = 0; i < first; ++i) {
    const Feature& f = features[i];
    if (!isLine(f)) continue;
    const uint32_t name = intern(f.name);
    for (const Path& p : f.geom.parts)
      for (size_t k = 1; k < p.size(); ++k) grid.add({p[k - 1], p[k], name});
    any = true;
  }
  if (!any) return 0;

  const auto alongSameName = [&](const Feature& f) {
    const auto it = nameIndex.find(foldForSearch(f.name));
    const bool anyName = f.name.empty() && rule.unnamedMatchesAny;
    if (it == nameIndex.end() && !anyName) return false;  // no earlier line has this name
    const uint32_t want = it == nameIndex.end() ? 0 : it->second;
    const auto accept = [&](uint32_t name) { return anyName || name == want; };
    size_t samples = 0, close = 0;
    bool lastClose = false;
    const auto sample = [&](const geo::WorldPoint& p) {
      ++samples;
      lastClose = grid.near(p, rule.distanceM / metresPerUnit(p.y), accept);
      if (lastClose) ++close;
    };
    bool firstClose = false;
    for (const Path& p : f.geom.parts) {
      if (p.empty()) continue;
      sample(p.front());
      if (samples == 1) firstClose = lastClose;
      for (size_t k = 1; k < p.size(); ++k) {
        const geo::WorldPoint a = p[k - 1], b = p[k];
        const double metres = std::hypot(b.x - a.x, b.y - a.y) * metresPerUnit((a.y + b.y) / 2);
        const int steps = std::max(1, int(std::ceil(metres / kSampleStepM)));
        for (int s = 1; s <= steps; ++s) {
          const double t = double(s) / steps;
          sample({a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t});
        }
      }
    }
    // Both ends on the street: a straight chord of a curved street (a 2-point segment) may
    // leave it by more than the distance in the middle.
    return samples > 0 && (2 * close >= samples || (samples > 1 && firstClose && lastClose));
  };

  uint64_t removed = 0;
  size_t out = first;
  for (size_t i = first; i < features.size(); ++i) {
    if (isLine(features[i]) && alongSameName(features[i])) {
      ++removed;
      continue;
    }
    if (out != i) features[out] = std::move(features[i]);
    features[out].seq = uint32_t(out);
    ++out;
  }
  features.resize(out);
  return removed;
}

}  // namespace citymap::ingest
