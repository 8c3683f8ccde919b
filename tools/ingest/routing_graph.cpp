#include "ingest/routing_graph.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>

#include "geo/mercator.hpp"
#include "tile/kinds.hpp"

namespace citymap::ingest {

namespace {

using route::PointE7;
using route::XY;

uint64_t keyOf(PointE7 p) { return (uint64_t(uint32_t(p.lng)) << 32) | uint32_t(p.lat); }

struct Line {
  std::vector<PointE7> pts;
  uint32_t feature = 0;
  bool joinEnds = false;  // not an OSM way: loose ends may be joined
};

bool walkable(const Feature& f) { return !f.noFoot && f.kind != uint8_t(tile::RoadKind::Motorway); }

// Segments of the lines in a hash grid (local metres), for the nearest line to a loose end.
class SegmentIndex {
 public:
  SegmentIndex(const std::vector<Line>& lines, const route::LocalFrame& frame, double cell)
      : lines_(lines), frame_(frame), cell_(cell) {
    for (uint32_t l = 0; l < lines.size(); ++l)
      for (uint32_t s = 0; s + 1 < lines[l].pts.size(); ++s) {
        const XY a = xy(lines[l].pts[s]), b = xy(lines[l].pts[s + 1]);
        const int64_t x0 = cellOf(std::min(a.x, b.x)), x1 = cellOf(std::max(a.x, b.x));
        const int64_t y0 = cellOf(std::min(a.y, b.y)), y1 = cellOf(std::max(a.y, b.y));
        for (int64_t y = y0; y <= y1; ++y)
          for (int64_t x = x0; x <= x1; ++x) cells_[cellKey(x, y)].push_back({l, s});
      }
  }

  struct Hit {
    uint32_t line = 0, segment = 0;
    double t = 0, metres = 0;
    XY point;
  };

  // The nearest point within maxM metres on a line other than `except`.
  std::optional<Hit> nearest(PointE7 p, uint32_t except, double maxM) const {
    const XY q = xy(p);
    std::optional<Hit> best;
    for (int64_t y = cellOf(q.y - maxM); y <= cellOf(q.y + maxM); ++y)
      for (int64_t x = cellOf(q.x - maxM); x <= cellOf(q.x + maxM); ++x) {
        const auto it = cells_.find(cellKey(x, y));
        if (it == cells_.end()) continue;
        for (const auto& [l, s] : it->second) {
          if (l == except) continue;
          const XY a = xy(lines_[l].pts[s]), b = xy(lines_[l].pts[s + 1]);
          const double t = route::nearestOnSegment(a, b, q);
          const XY on = route::lerp(a, b, t);
          const double d = route::planarDistance(on, q);
          if (d > maxM) continue;
          if (!best || d < best->metres ||
              (d == best->metres && (l < best->line || (l == best->line && s < best->segment))))
            best = Hit{l, s, t, d, on};
        }
      }
    return best;
  }

  XY xy(PointE7 p) const { return frame_.toXY(p.lngLat()); }

 private:
  int64_t cellOf(double v) const { return int64_t(std::floor(v / cell_)); }
  static uint64_t cellKey(int64_t x, int64_t y) {
    return (uint64_t(uint32_t(int32_t(x))) << 32) | uint32_t(int32_t(y));
  }

  const std::vector<Line>& lines_;
  const route::LocalFrame& frame_;
  double cell_;
  std::unordered_map<uint64_t, std::vector<std::pair<uint32_t, uint32_t>>> cells_;
};

// Joins the loose ends of non-OSM lines to the nearest other line (see the header).
void joinLooseEnds(std::vector<Line>& lines, double joinMetres, RoutingStats& stats) {
  if (std::none_of(lines.begin(), lines.end(), [](const Line& l) { return l.joinEnds; })) return;
  std::unordered_map<uint64_t, uint32_t> count;
  for (const Line& l : lines)
    for (const PointE7& p : l.pts) ++count[keyOf(p)];
  const route::LocalFrame frame(lines.front().pts.front().lngLat());
  const SegmentIndex index(lines, frame, std::max(joinMetres, 10.0));
  struct Insert {
    uint32_t segment;
    double t;
    PointE7 p;
  };
  std::vector<std::vector<Insert>> inserts(lines.size());
  std::vector<std::optional<PointE7>> extendFront(lines.size()), extendBack(lines.size());
  constexpr double kSameVertexM = 0.5;
  for (uint32_t l = 0; l < lines.size(); ++l) {
    if (!lines[l].joinEnds) continue;
    for (const bool front : {true, false}) {
      const PointE7 end = front ? lines[l].pts.front() : lines[l].pts.back();
      if (count[keyOf(end)] != 1) continue;  // shared with another line (or joined to meanwhile)
      const auto hit = index.nearest(end, l, joinMetres);
      if (!hit) {
        ++stats.loose;
        continue;
      }
      const Line& other = lines[hit->line];
      const PointE7 a = other.pts[hit->segment], b = other.pts[hit->segment + 1];
      PointE7 q;
      if (route::planarDistance(hit->point, index.xy(a)) < kSameVertexM) {
        q = a;
      } else if (route::planarDistance(hit->point, index.xy(b)) < kSameVertexM) {
        q = b;
      } else {
        q = PointE7::of(frame.toLngLat(hit->point));
        inserts[hit->line].push_back({hit->segment, hit->t, q});
        ++count[keyOf(q)];
      }
      if (!(q == end)) (front ? extendFront : extendBack)[l] = q;
      ++count[keyOf(q)];
      ++stats.joined;
    }
  }
  for (uint32_t l = 0; l < lines.size(); ++l) {
    std::vector<PointE7>& pts = lines[l].pts;
    if (!inserts[l].empty()) {
      std::sort(inserts[l].begin(), inserts[l].end(), [](const Insert& x, const Insert& y) {
        return x.segment != y.segment ? x.segment < y.segment : x.t < y.t;
      });
      std::vector<PointE7> out;
      size_t next = 0;
      for (uint32_t i = 0; i < pts.size(); ++i) {
        if (out.empty() || !(out.back() == pts[i])) out.push_back(pts[i]);
        for (; next < inserts[l].size() && inserts[l][next].segment == i; ++next)
          if (!(out.back() == inserts[l][next].p) && (i + 1 == pts.size() || !(pts[i + 1] == inserts[l][next].p)))
            out.push_back(inserts[l][next].p);
      }
      pts = std::move(out);
    }
    if (extendFront[l] && !(pts.front() == *extendFront[l])) pts.insert(pts.begin(), *extendFront[l]);
    if (extendBack[l] && !(pts.back() == *extendBack[l])) pts.push_back(*extendBack[l]);
  }
}

}  // namespace

route::RouteGraphData buildRoutingGraph(const std::vector<Feature>& features, const RoutingOptions& options,
                                        RoutingStats& stats) {
  stats = {};
  route::RouteGraphData data;

  // The walkable road lines, quantised to 1e-7 degrees.
  std::vector<Line> lines;
  for (uint32_t i = 0; i < features.size(); ++i) {
    const Feature& f = features[i];
    if (f.layer != Layer::Roads || f.geom.type != GeomType::Line) continue;
    if (!walkable(f)) {
      ++stats.skipped;
      continue;
    }
    bool any = false;
    for (const Path& part : f.geom.parts) {
      Line line{{}, i, !f.osmId};
      for (const geo::WorldPoint& w : part) {
        const PointE7 p = PointE7::of(geo::fromWorld(w));
        if (line.pts.empty() || !(line.pts.back() == p)) line.pts.push_back(p);
      }
      if (line.pts.size() < 2) continue;
      lines.push_back(std::move(line));
      any = true;
    }
    if (any) ++stats.roads;
  }
  joinLooseEnds(lines, options.joinMetres, stats);

  // Nodes: line ends and vertices used more than once.
  std::unordered_map<uint64_t, uint32_t> count;
  for (const Line& l : lines)
    for (const PointE7& p : l.pts) ++count[keyOf(p)];
  std::unordered_map<uint64_t, uint32_t> nodeOf;
  const auto nodeIndex = [&](PointE7 p) {
    const auto [it, added] = nodeOf.try_emplace(keyOf(p), uint32_t(data.nodes.size()));
    if (added) data.nodes.push_back(p);
    return it->second;
  };
  std::vector<uint32_t> roadOf(features.size(), std::numeric_limits<uint32_t>::max());
  const auto roadIndex = [&](uint32_t feature) {
    if (roadOf[feature] == std::numeric_limits<uint32_t>::max()) {
      const Feature& f = features[feature];
      roadOf[feature] = uint32_t(data.roads.size());
      data.roads.push_back({f.id, f.kind, f.name});
    }
    return roadOf[feature];
  };
  std::vector<geo::LngLat> shape;
  for (const Line& l : lines) {
    uint32_t startNode = nodeIndex(l.pts.front());
    size_t start = 0;
    for (size_t i = 1; i < l.pts.size(); ++i) {
      if (i + 1 < l.pts.size() && count[keyOf(l.pts[i])] < 2) continue;
      const uint32_t endNode = nodeIndex(l.pts[i]);
      route::EdgeData e;
      e.from = startNode;
      e.to = endNode;
      e.road = roadIndex(l.feature);
      e.shape.assign(l.pts.begin() + std::ptrdiff_t(start + 1), l.pts.begin() + std::ptrdiff_t(i));
      shape.clear();
      for (size_t k = start; k <= i; ++k) shape.push_back(l.pts[k].lngLat());
      e.lengthM = float(route::lineMetres(shape));
      data.edges.push_back(std::move(e));
      startNode = endNode;
      start = i;
    }
  }

  for (const Feature& f : features) {
    if (f.layer != Layer::Ioc || f.kind != uint8_t(tile::IocKind::StormShelter) || f.geom.type != GeomType::Point)
      continue;
    for (const Path& part : f.geom.parts)
      if (!part.empty()) data.shelters.push_back({f.id, PointE7::of(geo::fromWorld(part.front())), f.capacity, f.name});
  }
  std::stable_sort(data.shelters.begin(), data.shelters.end(),
                   [](const route::ShelterData& a, const route::ShelterData& b) { return a.id < b.id; });
  stats.nodes = data.nodes.size();
  stats.edges = data.edges.size();
  stats.shelters = data.shelters.size();
  return data;
}

}  // namespace citymap::ingest
