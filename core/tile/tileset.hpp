#pragma once
// Tileset metadata (tileset.json written by tools/ingest): zoom range, bounds, where the tiles
// are and what to credit.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "geo/lnglat.hpp"
#include "geo/tile_id.hpp"

namespace citymap::tile {

// A byte section the ingest adds beside the tiles ("citymap_routing": the walking graph,
// docs/ROUTING.md): in an archive at an absolute byte offset, in a folder as a file.
struct TilesetSection {
  uint64_t offset = 0, length = 0;  // archive: absolute byte range in the file
  std::string path;                 // folder: file name relative to the tileset folder
  std::string format;               // e.g. "CMG1"
};

struct Tileset {
  int minZoom = 0, maxZoom = 0;
  geo::LngLat boundsMin, boundsMax;  // south-west and north-east corners
  geo::LngLat center;
  double centerZoom = 0;
  std::string tilePath;  // e.g. "{z}/{x}/{y}.cmt", relative to the tileset folder
  std::string attribution;
  std::string name, nameEn;  // the place the tileset covers ("Đà Nẵng", "Da Nang"); may be empty
  std::vector<std::string> layers;
  // The walking graph, if the ingest wrote one ("citymap_routing"; an entry that is not an
  // object with a format and either offset + length or a path is ignored).
  std::optional<TilesetSection> routing;

  geo::WorldBox worldBounds() const;
  std::string tileUrl(const std::string& base, const geo::TileID& id) const;
};

// Metadata JSON (tileset.json). A folder's tileset.json must have a tile_path; an archive's
// metadata need not (its tiles are addressed by the archive's directory).
Result<Tileset> parseTileset(std::string_view json, bool requireTilePath = true);

// `pattern` with {z}, {x} and {y} filled in, appended to the folder URL `base`.
std::string tileUrl(const std::string& base, const std::string& pattern, const geo::TileID& id);

}  // namespace citymap::tile
