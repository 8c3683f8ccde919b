#pragma once
// Tileset metadata (tileset.json written by tools/ingest): zoom range, bounds, where the tiles
// are and what to credit.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "geo/lnglat.hpp"
#include "geo/tile_id.hpp"

namespace citymap::tile {

struct Tileset {
  int minZoom = 0, maxZoom = 0;
  geo::LngLat boundsMin, boundsMax;  // south-west and north-east corners
  geo::LngLat center;
  double centerZoom = 0;
  std::string tilePath;  // e.g. "{z}/{x}/{y}.cmt", relative to the tileset folder
  std::string attribution;
  std::string name, nameEn;  // the place the tileset covers ("Đà Nẵng", "Da Nang"); may be empty
  std::vector<std::string> layers;

  geo::WorldBox worldBounds() const;
  std::string tileUrl(const std::string& base, const geo::TileID& id) const;
};

// Metadata JSON (tileset.json). A folder's tileset.json must have a tile_path; an archive's
// metadata need not (its tiles are addressed by the archive's directory).
Result<Tileset> parseTileset(std::string_view json, bool requireTilePath = true);

// `pattern` with {z}, {x} and {y} filled in, appended to the folder URL `base`.
std::string tileUrl(const std::string& base, const std::string& pattern, const geo::TileID& id);

}  // namespace citymap::tile
