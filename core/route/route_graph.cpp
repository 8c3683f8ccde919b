#include "route/route_graph.hpp"

#include <flatbuffers/flatbuffers.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "citymap/route_graph_generated.h"
#include "route/graph_writer.hpp"

namespace citymap::route {

namespace {

constexpr int32_t kMaxLngE7 = 1800000000, kMaxLatE7 = 900000000;
constexpr double kCellMetres = 100;  // preferred grid cell
constexpr size_t kMaxCells = size_t(1) << 20;

bool inRange(int32_t lng, int32_t lat) {
  return lng >= -kMaxLngE7 && lng <= kMaxLngE7 && lat >= -kMaxLatE7 && lat <= kMaxLatE7;
}

std::string n(size_t v) { return std::to_string(v); }

template <typename T>
size_t sizeOf(const flatbuffers::Vector<T>* v) {
  return v ? v->size() : 0;
}

}  // namespace

std::array<double, 3> unitVector(geo::LngLat p) {
  const double lat = p.lat * kDegToRad, lng = p.lng * kDegToRad;
  return {std::cos(lat) * std::cos(lng), std::cos(lat) * std::sin(lng), std::sin(lat)};
}

double chordMetres(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  const double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
  return kEarthMeanRadiusM * std::sqrt(dx * dx + dy * dy + dz * dz);
}

Result<RouteGraph> RouteGraph::load(std::span<const uint8_t> bytes) {
  const auto fail = [](const std::string& what) { return Error{"routing graph: " + what}; };
  if (bytes.size() < 12) return fail("too short (" + n(bytes.size()) + " bytes)");
  if (!fb::SizePrefixedGraphBufferHasIdentifier(bytes.data()))
    return fail("not a citymap routing graph (file identifier is not CMG1)");
  // The size prefix makes any truncation (or trailing bytes) visible.
  const uint32_t size = flatbuffers::ReadScalar<uint32_t>(bytes.data());
  if (size_t(size) + 4 != bytes.size())
    return fail("holds " + n(bytes.size()) + " bytes but says it has " + n(size_t(size) + 4) +
                " (truncated or padded)");
  // FlatBuffers reads scalars in place, so the buffer must start 8-byte aligned (a section of
  // an archive or a fetched range may start anywhere): read a copy.
  std::vector<uint64_t> aligned((bytes.size() + 7) / 8);
  std::memcpy(aligned.data(), bytes.data(), bytes.size());
  const auto* base = reinterpret_cast<const uint8_t*>(aligned.data());
  flatbuffers::Verifier verifier(base, bytes.size());
  if (!fb::VerifySizePrefixedGraphBuffer(verifier))
    return fail("failed FlatBuffers verification (corrupt or truncated)");
  const fb::Graph& g = *fb::GetSizePrefixedGraph(base);
  if (g.format_version() != kRouteGraphVersion) return fail("unsupported format version " + n(g.format_version()));

  RouteGraph r;
  // Nodes.
  const auto* nodeCoords = g.node_coords();
  const size_t nodeValues = sizeOf(nodeCoords);
  if (nodeValues % 2) return fail("node_coords has an odd number of values");
  const size_t nodes = nodeValues / 2;
  r.nodes_.reserve(nodes);
  for (size_t i = 0; i < nodes; ++i) {
    const int32_t lng = nodeCoords->Get(flatbuffers::uoffset_t(2 * i)),
                  lat = nodeCoords->Get(flatbuffers::uoffset_t(2 * i + 1));
    if (!inRange(lng, lat)) return fail("node " + n(i) + ": coordinates out of range");
    r.nodes_.push_back({fromE7(lng), fromE7(lat)});
  }

  // Roads and names.
  const size_t roads = sizeOf(g.road_ids());
  if (sizeOf(g.road_kinds()) != roads || sizeOf(g.road_names()) != roads)
    return fail("road_ids, road_kinds and road_names differ in length (" + n(roads) + ", " + n(sizeOf(g.road_kinds())) +
                ", " + n(sizeOf(g.road_names())) + ")");
  const size_t names = sizeOf(g.names());
  for (size_t i = 0; i < names; ++i) {
    const auto* s = g.names()->Get(flatbuffers::uoffset_t(i));
    r.names_.push_back(s ? s->str() : std::string());
  }
  if (r.names_.empty()) r.names_.emplace_back();
  for (size_t i = 0; i < roads; ++i) {
    const auto id = flatbuffers::uoffset_t(i);
    const uint32_t name = g.road_names()->Get(id);
    if (name >= r.names_.size())
      return fail("road " + n(i) + ": name " + n(name) + " out of range (" + n(names) + " names)");
    // The verifier checks a vector's length field alignment, not its 8-byte elements': a
    // crafted buffer can misalign them (found by fuzz_route_graph), so copy bytes, not words.
    uint64_t roadId = 0;
    std::memcpy(&roadId, g.road_ids()->Data() + size_t(id) * sizeof(uint64_t), sizeof roadId);
    r.roadIds_.push_back(flatbuffers::EndianScalar(roadId));
    r.roadKinds_.push_back(g.road_kinds()->Get(id));
    r.roadNames_.push_back(name);
  }

  // Edges and their shapes.
  const size_t edges = sizeOf(g.edge_length_m());
  if (sizeOf(g.edge_nodes()) != 2 * edges || sizeOf(g.edge_road()) != edges || sizeOf(g.edge_shape_end()) != edges)
    return fail("edge arrays differ in length (edge_nodes " + n(sizeOf(g.edge_nodes())) + ", edge_length_m " +
                n(edges) + ", edge_road " + n(sizeOf(g.edge_road())) + ", edge_shape_end " +
                n(sizeOf(g.edge_shape_end())) + ")");
  const auto* shape = g.shape_coords();
  const size_t shapeValues = sizeOf(shape);
  if (shapeValues % 2) return fail("shape_coords has an odd number of values");
  if (edges > std::numeric_limits<uint32_t>::max() / 2 ||
      shapeValues / 2 + 2 * edges > std::numeric_limits<uint32_t>::max())
    return fail("too many edges or shape points");
  r.edges_.reserve(edges);
  r.points_.reserve(shapeValues / 2 + 2 * edges);
  uint32_t shapeBegin = 0;
  for (size_t i = 0; i < edges; ++i) {
    const auto id = flatbuffers::uoffset_t(i);
    Edge e;
    e.from = g.edge_nodes()->Get(2 * id);
    e.to = g.edge_nodes()->Get(2 * id + 1);
    e.lengthM = g.edge_length_m()->Get(id);
    e.road = g.edge_road()->Get(id);
    const std::string where = "edge " + n(i) + ": ";
    if (e.from >= nodes || e.to >= nodes)
      return fail(where + "node " + n(std::max(e.from, e.to)) + " out of range (" + n(nodes) + " nodes)");
    if (!std::isfinite(e.lengthM) || e.lengthM < 0) return fail(where + "length is not a finite number >= 0");
    if (e.road >= roads) return fail(where + "road " + n(e.road) + " out of range (" + n(roads) + " roads)");
    const uint32_t shapeEnd = g.edge_shape_end()->Get(id);
    if (shapeEnd < shapeBegin || size_t(shapeEnd) * 2 > shapeValues)
      return fail(where + "shape end " + n(shapeEnd) + " out of order or past the " + n(shapeValues / 2) +
                  " shape points");
    e.pointBegin = uint32_t(r.points_.size());
    r.points_.push_back(r.nodes_[e.from]);
    for (uint32_t p = shapeBegin; p < shapeEnd; ++p) {
      const int32_t lng = shape->Get(2 * p), lat = shape->Get(2 * p + 1);
      if (!inRange(lng, lat)) return fail(where + "shape point " + n(p) + ": coordinates out of range");
      r.points_.push_back({fromE7(lng), fromE7(lat)});
    }
    r.points_.push_back(r.nodes_[e.to]);
    e.pointEnd = uint32_t(r.points_.size());
    shapeBegin = shapeEnd;
    r.edges_.push_back(e);
  }
  if (size_t(shapeBegin) * 2 != shapeValues) return fail("shape_coords holds points no edge uses");

  // Shelters.
  if (const auto* shelters = g.shelters()) {
    for (size_t i = 0; i < shelters->size(); ++i) {
      const fb::Shelter* s = shelters->Get(flatbuffers::uoffset_t(i));
      if (!inRange(s->lng(), s->lat())) return fail("shelter " + n(i) + ": coordinates out of range");
      if (s->capacity() < 0) return fail("shelter " + n(i) + ": capacity < 0");
      r.shelters_.push_back(
          {s->id(), {fromE7(s->lng()), fromE7(s->lat())}, s->capacity(), s->name() ? s->name()->str() : ""});
    }
  }

  // Derived: adjacency, road lookup, unit vectors, the local frame and the grid.
  r.linkStart_.assign(nodes + 1, 0);
  for (const Edge& e : r.edges_) {
    ++r.linkStart_[e.from + 1];
    if (e.to != e.from) ++r.linkStart_[e.to + 1];
  }
  std::partial_sum(r.linkStart_.begin(), r.linkStart_.end(), r.linkStart_.begin());
  r.links_.resize(r.linkStart_.back());
  std::vector<uint32_t> fill(r.linkStart_.begin(), r.linkStart_.end() - 1);
  for (uint32_t i = 0; i < r.edges_.size(); ++i) {
    const Edge& e = r.edges_[i];
    r.links_[fill[e.from]++] = {i, e.to};
    if (e.to != e.from) r.links_[fill[e.to]++] = {i, e.from};
  }
  r.roadsById_.resize(roads);
  std::iota(r.roadsById_.begin(), r.roadsById_.end(), 0u);
  std::sort(r.roadsById_.begin(), r.roadsById_.end(), [&](uint32_t a, uint32_t b) {
    return r.roadIds_[a] != r.roadIds_[b] ? r.roadIds_[a] < r.roadIds_[b] : a < b;
  });
  for (const uint32_t road : r.roadsById_) r.sortedRoadIds_.push_back(r.roadIds_[road]);
  r.units_.reserve(nodes);
  for (const geo::LngLat& p : r.nodes_) r.units_.push_back(unitVector(p));
  std::sort(r.shelters_.begin(), r.shelters_.end(), [](const Shelter& a, const Shelter& b) { return a.id < b.id; });

  geo::LngLat lo{180, 90}, hi{-180, -90};
  for (const geo::LngLat& p : r.points_) {
    lo = {std::min(lo.lng, p.lng), std::min(lo.lat, p.lat)};
    hi = {std::max(hi.lng, p.lng), std::max(hi.lat, p.lat)};
  }
  for (const Shelter& s : r.shelters_) {
    lo = {std::min(lo.lng, s.position.lng), std::min(lo.lat, s.position.lat)};
    hi = {std::max(hi.lng, s.position.lng), std::max(hi.lat, s.position.lat)};
  }
  r.frame_ = lo.lng <= hi.lng ? LocalFrame({(lo.lng + hi.lng) / 2, (lo.lat + hi.lat) / 2}) : LocalFrame({0, 0});
  r.pointEdge_.resize(r.points_.size());
  for (uint32_t i = 0; i < r.edges_.size(); ++i)
    std::fill(r.pointEdge_.begin() + r.edges_[i].pointBegin, r.pointEdge_.begin() + r.edges_[i].pointEnd, i);
  r.xy_.reserve(r.points_.size());
  for (const geo::LngLat& p : r.points_) r.xy_.push_back(r.frame_.toXY(p));
  r.buildGrid();
  return r;
}

std::span<const uint32_t> RouteGraph::roadsWithId(uint64_t id) const {
  const auto [lo, hi] = std::equal_range(sortedRoadIds_.begin(), sortedRoadIds_.end(), id);
  return std::span(roadsById_).subspan(size_t(lo - sortedRoadIds_.begin()), size_t(hi - lo));
}

const Shelter* RouteGraph::findShelter(uint64_t id) const {
  const auto it =
      std::lower_bound(shelters_.begin(), shelters_.end(), id, [](const Shelter& s, uint64_t v) { return s.id < v; });
  return it != shelters_.end() && it->id == id ? &*it : nullptr;
}

std::pair<uint32_t, uint32_t> RouteGraph::cellOf(XY p) const {
  const auto clampTo = [](double v, uint32_t n) {
    if (!(v > 0)) return 0u;
    return v >= double(n - 1) ? n - 1 : uint32_t(v);
  };
  return {clampTo((p.x - grid_.origin.x) / grid_.cell, grid_.cols),
          clampTo((p.y - grid_.origin.y) / grid_.cell, grid_.rows)};
}

// Every segment goes into each cell it passes through (column by column: the rows its
// y-range covers within the column), so a cell near a point lists every segment near it.
void RouteGraph::buildGrid() {
  grid_ = {};
  size_t segments = 0;
  XY lo{std::numeric_limits<double>::max(), std::numeric_limits<double>::max()}, hi{-lo.x, -lo.y};
  for (const Edge& e : edges_) {
    segments += e.pointEnd - e.pointBegin - 1;
    for (uint32_t p = e.pointBegin; p < e.pointEnd; ++p) {
      lo = {std::min(lo.x, xy_[p].x), std::min(lo.y, xy_[p].y)};
      hi = {std::max(hi.x, xy_[p].x), std::max(hi.y, xy_[p].y)};
    }
  }
  if (segments == 0) return;
  grid_.origin = lo;
  grid_.max = hi;
  const double w = hi.x - lo.x, h = hi.y - lo.y;
  double cell = kCellMetres;
  while ((w / cell + 1) * (h / cell + 1) > double(kMaxCells)) cell *= 2;

  const auto eachCell = [&](XY a, XY b, auto&& fn) {
    double ax = (a.x - lo.x) / cell, ay = (a.y - lo.y) / cell, bx = (b.x - lo.x) / cell, by = (b.y - lo.y) / cell;
    if (ax > bx) {
      std::swap(ax, bx);
      std::swap(ay, by);
    }
    const auto clampTo = [](double v, uint32_t count) {
      if (!(v > 0)) return 0u;
      return v >= double(count - 1) ? count - 1 : uint32_t(v);
    };
    const uint32_t c0 = clampTo(std::floor(ax), grid_.cols), c1 = clampTo(std::floor(bx), grid_.cols);
    constexpr double eps = 1e-9;
    for (uint32_t c = c0; c <= c1; ++c) {
      double y0 = ay, y1 = by;
      if (bx > ax) {
        const double xl = std::max(ax, double(c)), xr = std::min(bx, double(c) + 1);
        y0 = ay + (by - ay) * (xl - ax) / (bx - ax);
        y1 = ay + (by - ay) * (xr - ax) / (bx - ax);
      }
      const uint32_t r0 = clampTo(std::floor(std::min(y0, y1) - eps), grid_.rows);
      const uint32_t r1 = clampTo(std::floor(std::max(y0, y1) + eps), grid_.rows);
      for (uint32_t r = r0; r <= r1; ++r) fn(size_t(r) * grid_.cols + c);
    }
  };
  // Coarser cells until the entries stay within a budget (a sparse or hostile graph with long
  // segments would otherwise fill many cells per segment).
  const size_t budget = 8 * segments + kMaxCells;
  for (;;) {
    grid_.cell = cell;
    grid_.cols = uint32_t(std::floor(w / cell)) + 1;
    grid_.rows = uint32_t(std::floor(h / cell)) + 1;
    grid_.start.assign(size_t(grid_.cols) * grid_.rows + 1, 0);
    size_t total = 0;
    for (const Edge& e : edges_) {
      for (uint32_t p = e.pointBegin; p + 1 < e.pointEnd && total <= budget; ++p)
        eachCell(xy_[p], xy_[p + 1], [&](size_t c) {
          ++grid_.start[c + 1];
          ++total;
        });
      if (total > budget) break;
    }
    if (total <= budget) break;
    cell *= 2;
  }
  std::partial_sum(grid_.start.begin(), grid_.start.end(), grid_.start.begin());
  grid_.items.resize(grid_.start.back());
  std::vector<uint32_t> fill(grid_.start.begin(), grid_.start.end() - 1);
  for (const Edge& e : edges_)
    for (uint32_t p = e.pointBegin; p + 1 < e.pointEnd; ++p)
      eachCell(xy_[p], xy_[p + 1], [&](size_t c) { grid_.items[fill[c]++] = p; });
}

std::optional<Snap> RouteGraph::snap(geo::LngLat p, double maxM, std::span<const uint8_t> blocked) const {
  if (grid_.cols == 0 || !(maxM >= 0) || !std::isfinite(p.lng) || !std::isfinite(p.lat)) return std::nullopt;
  const XY q = frame_.toXY(p);
  double best = std::numeric_limits<double>::infinity();
  uint32_t bestPoint = 0;
  double bestT = 0;
  // Growing boxes: once the best segment is within the box's half-size, no segment outside
  // the box can be nearer.
  // A box this large holds the whole grid.
  const double cover = std::max({std::abs(q.x - grid_.origin.x), std::abs(q.x - grid_.max.x),
                                 std::abs(q.y - grid_.origin.y), std::abs(q.y - grid_.max.y)});
  for (double radius = std::min(grid_.cell, maxM);; radius = std::min(radius * 2, maxM)) {
    forSegmentsNear({q.x - radius, q.y - radius}, {q.x + radius, q.y + radius}, [&](uint32_t e, uint32_t segment) {
      if (!blocked.empty() && blocked[e]) return;
      const uint32_t i = edges_[e].pointBegin + segment;
      const double t = nearestOnSegment(xy_[i], xy_[i + 1], q);
      const double d = planarDistance(lerp(xy_[i], xy_[i + 1], t), q);
      if (d < best || (d == best && i < bestPoint)) {
        best = d;
        bestPoint = i;
        bestT = t;
      }
    });
    if (best <= radius || radius >= maxM || radius >= cover) break;
  }
  if (!(best <= maxM)) return std::nullopt;
  Snap s;
  s.edge = pointEdge_[bestPoint];
  const Edge& e = edges_[s.edge];
  s.segment = bestPoint - e.pointBegin;
  s.point = lerp(points_[bestPoint], points_[bestPoint + 1], bestT);
  s.distanceM = distanceMetres(p, s.point);
  // Metres along the edge, scaled to its stored length.
  double along = 0, total = 0;
  for (uint32_t i = e.pointBegin; i + 1 < e.pointEnd; ++i) {
    const double d = distanceMetres(points_[i], points_[i + 1]);
    if (i < bestPoint) along += d;
    total += d;
  }
  along += distanceMetres(points_[bestPoint], s.point);
  s.offsetM = total > 0 ? std::clamp(along / total, 0.0, 1.0) * double(e.lengthM) : 0;
  return s;
}

}  // namespace citymap::route
