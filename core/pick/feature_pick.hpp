#pragma once
// "What is this?": finds the map feature under a screen point in the tiles being drawn (what the
// user sees: only features some visible layer or label class of the style draws at this zoom),
// the wards a point lies in, and a feature's geometry across the drawn tiles (for the
// highlight). Reads the verified tiles the scene keeps beside its meshes. No GL, no I/O.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/camera.hpp"
#include "scene/tile_pyramid.hpp"
#include "style/style.hpp"

namespace citymap::pick {

using style::GroupVisibility;

// A feature of the tiles, as the card shows it.
struct Feature {
  std::string layer;  // tile layer (tile::layer::k*)
  uint64_t id = 0;
  uint8_t kind = 0, flags = 0;
  fb::GeometryType type = fb::GeometryType::Point;
  std::string name, nameEn, ref;
  float height = 0;    // metres; 0 = unknown
  uint32_t color = 0;  // 0xRRGGBBAA; 0 = none
  geo::LngLat at;      // where it was picked (a point feature: the point itself)
};

// The administrative units a point lies in (empty: unknown at the loaded tiles).
struct Wards {
  std::string ward2025;     // commune-level unit of the 2025 structure
  std::string wardPre2025;  // ward / commune before 2025
  std::string districtPre2025;
};

// The topmost feature drawn at `p` (CSS px): points (markers) within a few pixels first, then
// lines within a few pixels of their stroke, then buildings, land use and water, and last the
// ward the point is in (`wardFallback`). Hidden groups and features the style does not draw at
// this zoom are skipped. nullopt over empty map.
std::optional<Feature> pickFeature(const std::vector<scene::DrawTile>& tiles, const geo::Camera& camera,
                                   const style::Style& style, const GroupVisibility& visible, geo::ScreenPoint p,
                                   bool wardFallback = true);

// The wards at a world point, from the admin layer of the drawn tiles.
Wards wardsAt(const std::vector<scene::DrawTile>& tiles, geo::WorldPoint p);

// A feature found by layer and id in the drawn tiles (the first tile holding it), e.g. after a
// search or a shared link; `at` is its point, a line's middle vertex or a polygon's first vertex.
std::optional<Feature> findFeature(const std::vector<scene::DrawTile>& tiles, std::string_view layer, uint64_t id);

// The named streets (layer road_labels) called `name` in the drawn tiles: their ids.
std::vector<uint64_t> findStreet(const std::vector<scene::DrawTile>& tiles, std::string_view name);

// A feature's geometry in world coordinates, gathered over the drawn tiles. Polygon rings are
// clipped to each tile proper (no doubles in the tiles' buffers); `outline` holds the rings'
// edges that are not clip edges, so the outline of an area spanning tiles shows no seams.
struct Geometry {
  fb::GeometryType type = fb::GeometryType::Point;
  std::vector<std::vector<geo::WorldPoint>> fill;     // polygons: clipped rings (each polygon's outer ring first)
  std::vector<uint32_t> fillRingCounts;               // rings per polygon in `fill`
  std::vector<std::vector<geo::WorldPoint>> strokes;  // lines, outline pieces, or one point each
  bool empty() const { return fill.empty() && strokes.empty(); }
};
Geometry featureGeometry(const std::vector<scene::DrawTile>& tiles, std::string_view layer,
                         const std::vector<uint64_t>& ids);

}  // namespace citymap::pick
