#include "pick/feature_pick.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "geo/mercator.hpp"
#include "tile/feature_parts.hpp"
#include "tile/kinds.hpp"

namespace citymap::pick {

namespace {

struct Pt {
  double x, y;
};

// The mapping between world coordinates and one tile's units.
struct TileFrame {
  geo::TileID id;
  double n, extent;
  explicit TileFrame(const tile::TileData& t) : id(t.id()), n(std::exp2(double(t.id().z))), extent(t.extent()) {}
  Pt toTile(geo::WorldPoint w) const { return {(w.x * n - id.x) * extent, (w.y * n - id.y) * extent}; }
  geo::WorldPoint toWorld(Pt p) const { return {(id.x + p.x / extent) / n, (id.y + p.y / extent) / n}; }
};

Pt coordAt(const fb::Feature& f, uint32_t i) {
  return {double(f.coords()->Get(2 * i)), double(f.coords()->Get(2 * i + 1))};
}

// Calls fn(first, count) for each part (line or ring) of a feature.
template <typename Fn>
void forEachPart(const fb::Feature& f, Fn&& fn) {
  if (!f.coords()) return;
  uint32_t first = 0;
  for (uint32_t size : tile::partSizes(f)) {
    fn(first, size);
    first += size;
  }
}

double segmentDistance(Pt p, Pt a, Pt b) {
  const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  const double t = len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0;
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

// Even-odd rule over every ring of each polygon of the feature; returns the polygon's bounding
// box area (tile units squared) when inside, else a negative number.
double insidePolygon(const fb::Feature& f, Pt p) {
  const tile::Counts parts = tile::partSizes(f), rings = tile::ringCounts(f);
  if (rings.empty() || parts.empty() || !f.coords()) return -1;
  uint32_t part = 0, offset = 0;
  for (uint32_t ringCount : rings) {
    bool in = false;
    double minx = 1e300, miny = 1e300, maxx = -1e300, maxy = -1e300;
    for (uint32_t r = 0; r < ringCount && part < parts.size(); ++r, ++part) {
      const uint32_t n = parts[part];
      for (uint32_t i = 0, j = n - 1; i < n; j = i++) {
        const Pt a = coordAt(f, offset + i), b = coordAt(f, offset + j);
        if (r == 0)
          minx = std::min(minx, a.x), maxx = std::max(maxx, a.x), miny = std::min(miny, a.y),
          maxy = std::max(maxy, a.y);
        if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) in = !in;
      }
      offset += n;
    }
    if (in) return (maxx - minx) * (maxy - miny);
  }
  return -1;
}

bool labelClassTakes(const style::LabelClass& c, const fb::Feature& f) {
  using P = style::LabelClass::Placement;
  const fb::GeometryType want = c.placement == P::Point  ? fb::GeometryType::Point
                                : c.placement == P::Line ? fb::GeometryType::Line
                                                         : fb::GeometryType::Polygon;
  return f.type() == want && f.kind() < 32 && (c.kindMask & (1u << f.kind())) != 0;
}

// Whether the style draws the feature (a layer or a label class) at this zoom with these groups.
bool drawn(const style::Style& style, const GroupVisibility& visible, double zoom, int tileZoom, std::string_view layer,
           const fb::Feature& f) {
  for (const style::Layer& l : style.layers) {
    if (!visible[size_t(l.group)] || zoom < l.minZoom || zoom >= l.maxZoom || l.featureState) continue;
    const style::Bucket& b = style.buckets[size_t(l.bucket)];
    if (b.sourceLayer == layer && tileZoom >= b.minTileZoom && b.matches(f)) return true;
  }
  if (!visible[size_t(style::Group::Labels)]) return false;
  for (const style::LabelClass& c : style.labels)
    if (visible[size_t(c.group)] && zoom >= c.minZoom && zoom < c.maxZoom && c.sourceLayer == layer &&
        labelClassTakes(c, f) && ((f.name() && f.name()->size()) || (f.ref() && f.ref()->size())))
      return true;
  return false;
}

std::string str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

Feature describe(const fb::Feature& f, std::string_view layer, geo::LngLat at) {
  Feature out;
  out.layer = std::string(layer);
  out.id = f.id();
  out.kind = f.kind();
  out.flags = f.flags();
  out.type = f.type();
  out.name = str(f.name());
  out.nameEn = str(f.name_en());
  out.ref = str(f.ref());
  out.height = std::isfinite(f.height()) ? f.height() : 0;
  out.color = f.color();
  out.at = at;
  return out;
}

// The layers, in the order their features win a pick within the same geometry type.
constexpr std::string_view kPickLayers[] = {tile::layer::kIoc,   tile::layer::kTransit,  tile::layer::kPois,
                                            tile::layer::kRoads, tile::layer::kRailways, tile::layer::kBuildings,
                                            tile::layer::kWater, tile::layer::kLanduse,  tile::layer::kOverlay};

// Draw tiles with data whose target holds the world point.
template <typename Fn>
void forTilesAt(const std::vector<scene::DrawTile>& tiles, geo::WorldPoint w, Fn&& fn) {
  for (auto it = tiles.rbegin(); it != tiles.rend(); ++it) {  // the ideal tiles come last
    if (!it->data) continue;
    const geo::WorldBox b = it->target.bounds();
    if (w.x < b.minx || w.x > b.maxx || w.y < b.miny || w.y > b.maxy) continue;
    fn(*it->data);
  }
}

}  // namespace

std::optional<Feature> pickFeature(const std::vector<scene::DrawTile>& tiles, const geo::Camera& camera,
                                   const style::Style& style, const GroupVisibility& visible, geo::ScreenPoint p,
                                   bool wardFallback) {
  const geo::WorldPoint w = camera.screenToWorld(p);
  const double zoom = camera.zoom();
  // The best candidate: lower class wins (0 points, 1 lines, 2 buildings, 3 other areas), then
  // the smaller score (distance in px, or the area's size).
  int bestClass = 4;
  double bestScore = std::numeric_limits<double>::infinity();
  std::optional<Feature> best;
  const auto offer = [&](int cls, double score, const fb::Feature& f, std::string_view layer, geo::LngLat at) {
    if (cls < bestClass || (cls == bestClass && score < bestScore)) {
      bestClass = cls;
      bestScore = score;
      best = describe(f, layer, at);
    }
  };
  forTilesAt(tiles, w, [&](const tile::TileData& data) {
    const TileFrame frame(data);
    const Pt q = frame.toTile(w);
    const double pxPerUnit = camera.worldSizePx() / (frame.n * frame.extent);
    for (const std::string_view layerName : kPickLayers) {
      const fb::Layer* layer = data.layer(layerName);
      if (!layer || !layer->features()) continue;
      for (const fb::Feature* f : *layer->features()) {
        if (!f->coords() || f->coords()->size() == 0) continue;
        if (f->type() == fb::GeometryType::Point) {
          if (bestClass < 0) continue;
          double d = std::numeric_limits<double>::infinity();
          Pt at{};
          forEachPart(*f, [&](uint32_t first, uint32_t n) {
            for (uint32_t i = first; i < first + n; ++i) {
              const Pt c = coordAt(*f, i);
              const double di = std::hypot(c.x - q.x, c.y - q.y) * pxPerUnit;
              if (di < d) d = di, at = c;
            }
          });
          if (d > 12 || !drawn(style, visible, zoom, data.id().z, layerName, *f)) continue;
          offer(0, d, *f, layerName, geo::fromWorld(frame.toWorld(at)));
        } else if (f->type() == fb::GeometryType::Line) {
          if (bestClass < 1) continue;
          double d = std::numeric_limits<double>::infinity();
          forEachPart(*f, [&](uint32_t first, uint32_t n) {
            for (uint32_t i = first; i + 1 < first + n; ++i)
              d = std::min(d, segmentDistance(q, coordAt(*f, i), coordAt(*f, i + 1)));
          });
          d *= pxPerUnit;
          if (d > 7 || !drawn(style, visible, zoom, data.id().z, layerName, *f)) continue;
          offer(1, d, *f, layerName, geo::fromWorld(w));
        } else {
          const int cls = layerName == tile::layer::kBuildings ? 2 : 3;
          if (bestClass < cls) continue;
          const double area = insidePolygon(*f, q);
          if (area < 0 || !drawn(style, visible, zoom, data.id().z, layerName, *f)) continue;
          offer(cls, area, *f, layerName, geo::fromWorld(w));
        }
      }
    }
  });
  if (best || !wardFallback) return best;
  // Nothing drawn here: the ward (2025), else the older ward, when the admin units are shown.
  if (!visible[size_t(style::Group::Admin)]) return std::nullopt;
  for (const tile::AdminKind kind : {tile::AdminKind::Ward2025, tile::AdminKind::WardPre2025}) {
    forTilesAt(tiles, w, [&](const tile::TileData& data) {
      if (best) return;
      const fb::Layer* layer = data.layer(tile::layer::kAdmin);
      if (!layer || !layer->features()) return;
      const Pt q = TileFrame(data).toTile(w);
      for (const fb::Feature* f : *layer->features())
        if (f->kind() == uint8_t(kind) && f->type() == fb::GeometryType::Polygon && insidePolygon(*f, q) >= 0) {
          best = describe(*f, tile::layer::kAdmin, geo::fromWorld(w));
          return;
        }
    });
    if (best) break;
  }
  return best;
}

Wards wardsAt(const std::vector<scene::DrawTile>& tiles, geo::WorldPoint w) {
  Wards out;
  forTilesAt(tiles, w, [&](const tile::TileData& data) {
    const fb::Layer* layer = data.layer(tile::layer::kAdmin);
    if (!layer || !layer->features()) return;
    const Pt q = TileFrame(data).toTile(w);
    for (const fb::Feature* f : *layer->features()) {
      if (f->type() != fb::GeometryType::Polygon || !f->name()) continue;
      std::string* slot = nullptr;
      switch (tile::AdminKind(f->kind())) {
        case tile::AdminKind::Ward2025:
          slot = &out.ward2025;
          break;
        case tile::AdminKind::WardPre2025:
          slot = &out.wardPre2025;
          break;
        case tile::AdminKind::DistrictPre2025:
          slot = &out.districtPre2025;
          break;
        default:
          break;
      }
      if (slot && slot->empty() && insidePolygon(*f, q) >= 0) *slot = f->name()->str();
    }
  });
  return out;
}

std::optional<Feature> findFeature(const std::vector<scene::DrawTile>& tiles, std::string_view layerName, uint64_t id) {
  for (auto it = tiles.rbegin(); it != tiles.rend(); ++it) {
    if (!it->data) continue;
    const fb::Layer* layer = it->data->layer(layerName);
    if (!layer || !layer->features()) continue;
    for (const fb::Feature* f : *layer->features()) {
      if (f->id() != id || !f->coords() || f->coords()->size() < 2) continue;
      const uint32_t n = f->coords()->size() / 2;
      const uint32_t i = f->type() == fb::GeometryType::Line ? n / 2 : 0;
      return describe(*f, layerName, geo::fromWorld(TileFrame(*it->data).toWorld(coordAt(*f, i))));
    }
  }
  return std::nullopt;
}

std::vector<uint64_t> findStreet(const std::vector<scene::DrawTile>& tiles, std::string_view name) {
  std::vector<uint64_t> ids;
  for (const scene::DrawTile& t : tiles) {
    if (!t.data) continue;
    const fb::Layer* layer = t.data->layer(tile::layer::kRoadLabels);
    if (!layer || !layer->features()) continue;
    for (const fb::Feature* f : *layer->features())
      if (f->name() && f->name()->string_view() == name && std::find(ids.begin(), ids.end(), f->id()) == ids.end())
        ids.push_back(f->id());
  }
  return ids;
}

namespace {

// Sutherland-Hodgman against the rectangle [lo, hi] on both axes.
std::vector<Pt> clipToBox(std::vector<Pt> ring, Pt lo, Pt hi) {
  const auto clipEdge = [&ring](auto inside, auto cross) {
    std::vector<Pt> out;
    for (size_t i = 0; i < ring.size(); ++i) {
      const Pt a = ring[i], b = ring[(i + 1) % ring.size()];
      const bool ia = inside(a), ib = inside(b);
      if (ia) out.push_back(a);
      if (ia != ib) out.push_back(cross(a, b));
    }
    ring = std::move(out);
  };
  const auto atX = [](Pt a, Pt b, double x) { return Pt{x, a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x)}; };
  const auto atY = [](Pt a, Pt b, double y) { return Pt{a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y), y}; };
  clipEdge([&](Pt p) { return p.x >= lo.x; }, [&](Pt a, Pt b) { return atX(a, b, lo.x); });
  clipEdge([&](Pt p) { return p.x <= hi.x; }, [&](Pt a, Pt b) { return atX(a, b, hi.x); });
  clipEdge([&](Pt p) { return p.y >= lo.y; }, [&](Pt a, Pt b) { return atY(a, b, lo.y); });
  clipEdge([&](Pt p) { return p.y <= hi.y; }, [&](Pt a, Pt b) { return atY(a, b, hi.y); });
  return ring;
}

// The parts of segment a-b inside the box (Liang-Barsky); false when none is.
bool clipSegment(Pt& a, Pt& b, Pt lo, Pt hi) {
  double t0 = 0, t1 = 1;
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double p[4] = {-dx, dx, -dy, dy}, q[4] = {a.x - lo.x, hi.x - a.x, a.y - lo.y, hi.y - a.y};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
      continue;
    }
    const double t = q[i] / p[i];
    if (p[i] < 0)
      t0 = std::max(t0, t);
    else
      t1 = std::min(t1, t);
    if (t0 > t1) return false;
  }
  const Pt a0 = a;
  a = {a0.x + t0 * dx, a0.y + t0 * dy};
  b = {a0.x + t1 * dx, a0.y + t1 * dy};
  return true;
}

}  // namespace

Geometry featureGeometry(const std::vector<scene::DrawTile>& tiles, std::string_view layerName,
                         const std::vector<uint64_t>& ids) {
  Geometry g;
  for (const scene::DrawTile& t : tiles) {
    if (!t.data) continue;
    const fb::Layer* layer = t.data->layer(layerName);
    if (!layer || !layer->features()) continue;
    const TileFrame frame(*t.data);
    // The part of the data tile this draw tile covers (a parent stands in for one child only).
    const geo::WorldBox tb = t.target.bounds();
    const Pt lo = frame.toTile({tb.minx, tb.miny}), hi = frame.toTile({tb.maxx, tb.maxy});
    const auto outside = [&](Pt a, Pt b) {  // an edge along or beyond the tile's edge: a clip edge
      return (a.x <= lo.x && b.x <= lo.x) || (a.x >= hi.x && b.x >= hi.x) || (a.y <= lo.y && b.y <= lo.y) ||
             (a.y >= hi.y && b.y >= hi.y);
    };
    for (const fb::Feature* f : *layer->features()) {
      if (std::find(ids.begin(), ids.end(), f->id()) == ids.end() || !f->coords() || f->coords()->size() == 0) continue;
      g.type = f->type();
      if (f->type() == fb::GeometryType::Polygon) {
        const tile::Counts parts = tile::partSizes(*f);
        uint32_t part = 0, offset = 0;
        for (uint32_t ringCount : tile::ringCounts(*f)) {
          uint32_t kept = 0;
          bool outerGone = false;  // the outer ring is outside this tile: its holes are too
          for (uint32_t r = 0; r < ringCount && part < parts.size(); ++r, ++part) {
            const uint32_t n = parts[part];
            std::vector<Pt> ring;
            for (uint32_t i = 0; i < n; ++i) ring.push_back(coordAt(*f, offset + i));
            offset += n;
            if (outerGone || n < 3) continue;
            // Outline: runs of edges that are not clip edges.
            std::vector<geo::WorldPoint> run;
            for (uint32_t i = 0; i < n; ++i) {
              const Pt a = ring[i], b = ring[(i + 1) % n];
              if (outside(a, b)) {
                if (run.size() > 1) g.strokes.push_back(std::move(run));
                run.clear();
                continue;
              }
              if (run.empty()) run.push_back(frame.toWorld(a));
              run.push_back(frame.toWorld(b));
            }
            if (run.size() > 1) g.strokes.push_back(std::move(run));
            const std::vector<Pt> clipped = clipToBox(std::move(ring), lo, hi);
            if (clipped.size() < 3) {
              outerGone = r == 0;
              continue;
            }
            std::vector<geo::WorldPoint> wr;
            for (const Pt& p : clipped) wr.push_back(frame.toWorld(p));
            g.fill.push_back(std::move(wr));
            ++kept;
          }
          if (kept) g.fillRingCounts.push_back(kept);
        }
      } else if (f->type() == fb::GeometryType::Line) {
        // Clipped to the tile proper, so overlapping buffers and a parent standing in for
        // several children never draw the same stretch twice.
        forEachPart(*f, [&](uint32_t first, uint32_t n) {
          std::vector<geo::WorldPoint> run;
          for (uint32_t i = first; i + 1 < first + n; ++i) {
            Pt a = coordAt(*f, i), b = coordAt(*f, i + 1);
            const Pt end = b;
            if (!clipSegment(a, b, lo, hi)) {
              if (run.size() > 1) g.strokes.push_back(std::move(run));
              run.clear();
              continue;
            }
            if (run.empty()) run.push_back(frame.toWorld(a));
            run.push_back(frame.toWorld(b));
            if (b.x != end.x || b.y != end.y) {  // left the box: the run ends here
              if (run.size() > 1) g.strokes.push_back(std::move(run));
              run.clear();
            }
          }
          if (run.size() > 1) g.strokes.push_back(std::move(run));
        });
      } else {
        forEachPart(*f, [&](uint32_t first, uint32_t n) {
          for (uint32_t i = first; i < first + n; ++i) {
            const Pt c = coordAt(*f, i);
            if (c.x < lo.x || c.x > hi.x || c.y < lo.y || c.y > hi.y) continue;  // another tile draws it
            g.strokes.push_back({frame.toWorld(c)});
          }
        });
      }
    }
  }
  return g;
}

}  // namespace citymap::pick
