#pragma once
// The ingest tool's in-memory feature: classified, with its geometry in normalised Web Mercator
// world coordinates (geo::WorldPoint, 0..1, y down).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/lnglat.hpp"
#include "tile/kinds.hpp"

namespace citymap::ingest {

// Output layers, in the order they are written into every tile. The first kSourceLayerCount
// are fed by sources; RoadLabels is made from the roads (merge.hpp) and Overlay only by the
// desktop's overlay conversion (overlay.hpp).
enum class Layer : uint8_t {
  Water,
  Landuse,
  Roads,
  Railways,
  Buildings,
  Pois,
  Admin,
  Transit,
  Ioc,
  RoadLabels,
  Overlay
};
inline constexpr size_t kLayerCount = 11;
inline constexpr size_t kSourceLayerCount = 9;
inline constexpr std::array<std::string_view, kLayerCount> kLayerNames = {
    tile::layer::kWater,     tile::layer::kLanduse,    tile::layer::kRoads,  tile::layer::kRailways,
    tile::layer::kBuildings, tile::layer::kPois,       tile::layer::kAdmin,  tile::layer::kTransit,
    tile::layer::kIoc,       tile::layer::kRoadLabels, tile::layer::kOverlay};
inline std::string_view layerName(Layer l) { return kLayerNames[static_cast<size_t>(l)]; }
// The layer called `name`, or nullopt.
std::optional<Layer> layerFromName(std::string_view name);

// Same values as fb::GeometryType.
enum class GeomType : uint8_t { Point = 0, Line = 1, Polygon = 2 };

using Path = std::vector<geo::WorldPoint>;

struct Geometry {
  GeomType type = GeomType::Point;
  // Points: one part per point. Lines: one part per line string. Polygons: one part per ring,
  // without a repeated closing point.
  std::vector<Path> parts;
  // Polygons only: rings per polygon; the first ring of each polygon is the outer one.
  std::vector<uint32_t> ringCounts;

  bool empty() const { return parts.empty(); }
};

// Bounding box of all points ({} for an empty geometry).
geo::WorldBox boundsOf(const Geometry& g);

struct Feature {
  uint64_t id = 0;
  bool osmId = false;  // id encodes an OSM object ((id << 2) | type): duplicates can be detected
  Layer layer = Layer::Water;
  uint8_t kind = 0;
  uint8_t flags = 0;
  int8_t zOrder = 0;
  uint8_t minZoom = 0;  // not written into tiles below this zoom
  uint16_t source = 0;  // index of the input it came from
  uint32_t seq = 0;     // read order over all inputs (deterministic tie-breaker)
  std::string name;     // Unicode NFC
  std::string nameEn;   // Unicode NFC
  std::string ref;
  float height = 0;      // metres, 0 = unknown
  uint32_t color = 0;    // 0xRRGGBBAA, 0 = none
  int32_t capacity = 0;  // people (shelters), 0 = unknown; not written into tiles
  bool noFoot = false;   // roads: pedestrians may not use it (classify.hpp footAllowed); not in tiles
  Geometry geom;
  geo::WorldBox bbox;
  // Named polygons: a point inside (GEOS point-on-surface) for labels and the search index.
  std::optional<geo::WorldPoint> labelPoint;
};

// A named OSM place (place=city/suburb/quarter/village/...) point: not drawn, but searchable.
struct Place {
  uint64_t id = 0;
  std::string name, nameEn, type;
  geo::WorldPoint point;
};

// Order of features inside a tile: layer, then id, then read order.
inline bool featureLess(const Feature& a, const Feature& b) {
  if (a.layer != b.layer) return a.layer < b.layer;
  if (a.id != b.id) return a.id < b.id;
  return a.seq < b.seq;
}

// Removes a feature when an earlier input already delivered the same OSM object in the same
// layer (e.g. a building both in an .osm extract and in a GeoJSON cut from it). Returns the
// number removed per layer.
std::array<uint64_t, kLayerCount> removeDuplicates(std::vector<Feature>& features);

}  // namespace citymap::ingest
