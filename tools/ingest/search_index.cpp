#include "ingest/search_index.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <tuple>

#include "geo/mercator.hpp"
#include "ingest/clip.hpp"
#include "ingest/kind_names.hpp"
#include "ingest/normalize.hpp"

namespace citymap::ingest {

namespace {

// Street pieces of one name closer than this (about 300 m in Da Nang) are one street.
constexpr double kStreetGap = 300.0 / 38.5e6;

constexpr const char* kTypeOrder[] = {"admin",    "place",     "street",   "poi", "area",
                                      "building", "bus_route", "bus_stop", "ioc"};

int typeRank(const std::string& type) {
  for (size_t i = 0; i < std::size(kTypeOrder); ++i)
    if (type == kTypeOrder[i]) return int(i);
  return int(std::size(kTypeOrder));
}

geo::WorldPoint centre(const geo::WorldBox& b) { return {(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2}; }

geo::WorldBox unite(const geo::WorldBox& a, const geo::WorldBox& b) {
  return {std::min(a.minx, b.minx), std::min(a.miny, b.miny), std::max(a.maxx, b.maxx), std::max(a.maxy, b.maxy)};
}

// The point of the lines nearest to `target`.
geo::WorldPoint nearestOnLines(const std::vector<const Feature*>& lines, geo::WorldPoint target) {
  geo::WorldPoint best = lines.front()->geom.parts.front().front();
  double bestD = INFINITY;
  for (const Feature* f : lines)
    for (const Path& p : f->geom.parts)
      for (size_t i = 0; i < p.size(); ++i) {
        geo::WorldPoint q = p[i];
        if (i + 1 < p.size()) {
          const double dx = p[i + 1].x - p[i].x, dy = p[i + 1].y - p[i].y, len2 = dx * dx + dy * dy;
          const double t =
              len2 > 0 ? std::clamp(((target.x - p[i].x) * dx + (target.y - p[i].y) * dy) / len2, 0.0, 1.0) : 0;
          q = {p[i].x + t * dx, p[i].y + t * dy};
        }
        const double d = std::hypot(q.x - target.x, q.y - target.y);
        if (d < bestD) {
          bestD = d;
          best = q;
        }
      }
  return best;
}

const char* typeOf(const Feature& f) {
  switch (f.layer) {
    case Layer::Pois:
      return "poi";
    case Layer::Admin:
      return "admin";
    case Layer::Water:
    case Layer::Landuse:
      return f.geom.type == GeomType::Polygon ? "area" : nullptr;
    case Layer::Buildings:
      return "building";
    case Layer::Transit:
      return static_cast<tile::TransitKind>(f.kind) == tile::TransitKind::BusRoute ? "bus_route" : "bus_stop";
    case Layer::Ioc:
      return "ioc";
    default:
      return nullptr;  // roads are streets (below); railways are not searched
  }
}

double round6(double v) { return std::round(v * 1e6) / 1e6; }

}  // namespace

int zoomToFit(const geo::WorldBox& box) {
  const double extent = std::max(box.maxx - box.minx, box.maxy - box.miny);
  if (!(extent > 0)) return 17;
  return std::clamp(int(std::floor(std::log2(800.0 / (512.0 * extent)))), 8, 17);
}

std::vector<SearchEntry> buildSearchIndex(const std::vector<Feature>& features, const std::vector<Place>& places,
                                          const std::vector<bool>& searchable,
                                          const std::optional<geo::WorldBox>& bounds) {
  const auto indexed = [&](const Feature& f) { return f.source >= searchable.size() || searchable[f.source]; };
  std::vector<SearchEntry> out;
  const auto entryFor = [&](const Feature& f, const char* type) {
    SearchEntry e;
    e.type = type;
    e.name = f.name;
    e.nameEn = f.nameEn;
    e.layer = std::string(layerName(f.layer));
    e.kind = std::string(kindName(f.layer, f.kind));
    e.id = f.id;
    return e;
  };

  // Streets: named roads grouped by name, then by proximity.
  std::map<std::string, std::vector<const Feature*>> byName;
  for (const Feature& f : features)
    if (f.layer == Layer::Roads && !f.name.empty() && indexed(f)) byName[f.name].push_back(&f);
  for (auto& [name, pieces] : byName) {
    std::sort(pieces.begin(), pieces.end(),
              [](const Feature* a, const Feature* b) { return std::tie(a->id, a->seq) < std::tie(b->id, b->seq); });
    std::vector<uint32_t> parent(pieces.size());
    std::iota(parent.begin(), parent.end(), 0u);
    const auto find = [&](uint32_t i) {
      while (parent[i] != i) i = parent[i] = parent[parent[i]];
      return i;
    };
    for (uint32_t i = 0; i < pieces.size(); ++i)
      for (uint32_t j = i + 1; j < pieces.size(); ++j)
        if (boxOverlaps(expand(pieces[i]->bbox, kStreetGap), pieces[j]->bbox)) {
          const uint32_t a = find(i), b = find(j);
          if (a != b) parent[std::max(a, b)] = std::min(a, b);
        }
    std::map<uint32_t, std::vector<const Feature*>> clusters;
    for (uint32_t i = 0; i < pieces.size(); ++i) clusters[find(i)].push_back(pieces[i]);
    for (auto& [root, lines] : clusters) {
      const Feature& first = *lines.front();  // lowest id
      SearchEntry e = entryFor(first, "street");
      geo::WorldBox box = first.bbox;
      uint8_t kind = first.kind;
      for (const Feature* f : lines) {
        box = unite(box, f->bbox);
        kind = std::min(kind, f->kind);  // the most important class
        if (e.nameEn.empty()) e.nameEn = f->nameEn;
      }
      e.kind = std::string(kindName(Layer::Roads, kind));
      e.point = geo::fromWorld(nearestOnLines(lines, centre(box)));
      e.zoom = std::max(zoomToFit(box), 14);
      e.bbox = box;
      out.push_back(std::move(e));
    }
  }

  // Everything else with a name, one entry per feature.
  for (const Feature& f : features) {
    if (f.name.empty() || !indexed(f) || f.geom.empty()) continue;
    const char* type = typeOf(f);
    if (!type) continue;
    SearchEntry e = entryFor(f, type);
    switch (f.geom.type) {
      case GeomType::Point:
        e.point = geo::fromWorld(f.geom.parts.front().front());
        e.zoom = 17;
        break;
      case GeomType::Line:
        e.point = geo::fromWorld(nearestOnLines({&f}, centre(f.bbox)));
        e.zoom = zoomToFit(f.bbox);
        e.bbox = f.bbox;
        break;
      case GeomType::Polygon:
        e.point = geo::fromWorld(f.labelPoint.value_or(centre(f.bbox)));
        e.zoom = std::min(zoomToFit(f.bbox), 17);
        e.bbox = f.bbox;
        break;
    }
    out.push_back(std::move(e));
  }

  for (const Place& p : places) {
    SearchEntry e;
    e.type = "place";
    e.name = p.name;
    e.nameEn = p.nameEn;
    e.layer = "";
    e.kind = p.type;
    e.id = p.id;
    e.point = geo::fromWorld(p.point);
    e.zoom = p.type == "city" ? 12 : p.type == "town" || p.type == "suburb" ? 14 : p.type == "quarter" ? 15 : 16;
    out.push_back(std::move(e));
  }

  for (SearchEntry& e : out) {
    if (bounds && e.bbox) {
      geo::WorldBox& b = *e.bbox;
      b = {std::max(b.minx, bounds->minx), std::max(b.miny, bounds->miny), std::min(b.maxx, bounds->maxx),
           std::min(b.maxy, bounds->maxy)};
      if (b.minx > b.maxx || b.miny > b.maxy) b = *bounds;  // cannot happen for kept features
      e.zoom = std::max(e.zoom, zoomToFit(b));
    }
    e.key = foldForSearch(e.name);
    e.point = {round6(e.point.lng), round6(e.point.lat)};
  }
  std::sort(out.begin(), out.end(), [](const SearchEntry& a, const SearchEntry& b) {
    const int ra = typeRank(a.type), rb = typeRank(b.type);
    return std::tie(ra, a.key, a.name, a.id, a.point.lng, a.point.lat) <
           std::tie(rb, b.key, b.name, b.id, b.point.lng, b.point.lat);
  });
  // The same stop served by several routes (or an asset listed twice): one entry.
  out.erase(std::unique(out.begin(), out.end(),
                        [](const SearchEntry& a, const SearchEntry& b) {
                          return a.type == b.type && a.name == b.name && a.kind == b.kind &&
                                 std::abs(a.point.lng - b.point.lng) < 2e-4 &&
                                 std::abs(a.point.lat - b.point.lat) < 2e-4;
                        }),
            out.end());
  return out;
}

std::string searchJson(const std::vector<SearchEntry>& entries) {
  const auto str = [](const std::string& v) {
    return nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  // Fixed-point with trailing zeros removed (nlohmann's shortest form is not always the shortest).
  const auto num = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    std::string t(buf);
    while (t.back() == '0') t.pop_back();
    if (t.back() == '.') t.pop_back();
    return t == "-0" ? std::string("0") : t;
  };
  std::string s = "{\n  \"format\": \"citymap-search\",\n  \"format_version\": 1,\n  \"entries\": [\n";
  for (size_t i = 0; i < entries.size(); ++i) {
    const SearchEntry& e = entries[i];
    std::string line = "{\"type\":" + str(e.type) + ",\"name\":" + str(e.name);
    if (!e.nameEn.empty()) line += ",\"name_en\":" + str(e.nameEn);
    line += ",\"key\":" + str(e.key);
    if (!e.layer.empty()) line += ",\"layer\":" + str(e.layer);
    if (!e.kind.empty()) line += ",\"kind\":" + str(e.kind);
    line += ",\"id\":" + std::to_string(e.id) + ",\"lng\":" + num(e.point.lng) + ",\"lat\":" + num(e.point.lat) +
            ",\"zoom\":" + std::to_string(e.zoom);
    if (e.bbox) {
      const geo::LngLat nw = geo::fromWorld({e.bbox->minx, e.bbox->miny}),
                        se = geo::fromWorld({e.bbox->maxx, e.bbox->maxy});
      line += ",\"bbox\":[" + num(nw.lng) + "," + num(se.lat) + "," + num(se.lng) + "," + num(nw.lat) + "]";
    }
    s += "    " + line + (i + 1 < entries.size() ? "},\n" : "}\n");
  }
  s += "  ]\n}\n";
  return s;
}

}  // namespace citymap::ingest
