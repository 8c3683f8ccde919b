#pragma once
// Writes the tile pyramid: one FlatBuffers file per tile (core/tile/tile.fbs, identifier "CMT1")
// at {z}/{x}/{y}.cmt for every tile in the bounds, empty ones included, plus tileset.json.
// Features inside a tile are ordered by layer, then id, then read order, so the output is
// byte-for-byte deterministic.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "base/result.hpp"
#include "geo/lnglat.hpp"
#include "geo/tile_id.hpp"
#include "ingest/feature.hpp"
#include "ingest/tiler.hpp"

namespace citymap::ingest {

// Serialises one tile into `builder` (cleared first). `sorted` is in output order.
void buildTile(flatbuffers::FlatBufferBuilder& builder, const geo::TileID& id, uint16_t extent,
               std::span<const EncodedFeature* const> sorted, const std::vector<Feature>& features);

struct TilesetInfo {
  uint8_t minZoom = 0, maxZoom = 0;
  double west = 0, south = 0, east = 0, north = 0;  // degrees
  geo::LngLat center;
  uint8_t centerZoom = 0;
  std::vector<std::string> layers;
  uint64_t tiles = 0;
};

std::string tilesetJson(const TilesetInfo& info);

// Where a map over the data should open: the centre of the tile at `zoom` holding the most
// feature centres (ties: the first tile in key order). Falls back to the bounds' centre.
geo::LngLat busiestPoint(const std::vector<Feature>& features, const geo::WorldBox& bounds, uint8_t zoom);

struct ZoomStats {
  uint8_t z = 0;
  uint64_t tiles = 0;
  uint64_t nonEmpty = 0;
  uint64_t features = 0;
  uint64_t bytes = 0;
};

// Writes every tile of `ranges` into `dir` (which must exist) using `threads` threads.
Result<std::vector<ZoomStats>> writeTiles(const std::filesystem::path& dir, const std::vector<Feature>& features,
                                          const TileMap& tiles, const std::vector<TileRange>& ranges, uint16_t extent,
                                          unsigned threads);

Result<bool> writeTextFile(const std::filesystem::path& file, const std::string& text);

}  // namespace citymap::ingest
