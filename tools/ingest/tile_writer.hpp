#pragma once
// Builds the tile pyramid: one FlatBuffers buffer per tile (core/tile/tile.fbs, identifier
// "CMT1") for every tile in the bounds, empty ones included, written as {z}/{x}/{y}.cmt files
// plus tileset.json, or handed to a sink (the PMTiles archive, see archive_writer.hpp).
// Features inside a tile are ordered by layer, then id, then read order, so the output is
// byte-for-byte deterministic.
#include <flatbuffers/flatbuffers.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "geo/lnglat.hpp"
#include "geo/tile_id.hpp"
#include "ingest/archive_writer.hpp"
#include "ingest/feature.hpp"
#include "ingest/tiler.hpp"

namespace citymap::ingest {

// Serialises one tile into `builder` (cleared first). `sorted` is in output order. The tile
// does not store its z/x/y (tile format 2): its address in the archive or folder says where it is.
void buildTile(flatbuffers::FlatBufferBuilder& builder, uint16_t extent, std::span<const EncodedFeature* const> sorted,
               const std::vector<Feature>& features, std::array<uint64_t, kLayerCount>* layerBytes = nullptr);

struct TilesetInfo {
  uint8_t minZoom = 0, maxZoom = 0;
  double west = 0, south = 0, east = 0, north = 0;  // degrees
  geo::LngLat center;
  uint8_t centerZoom = 0;
  std::vector<std::string> layers;
  uint64_t tiles = 0;
  std::string attribution = "© OpenStreetMap contributors";
  std::string name, nameEn;  // the place the tiles cover (the map's title); empty: not written
  // Folder only: the walking graph's size in routing.cmg (0: none), named in tileset.json as
  // "citymap_routing": {"path": "routing.cmg", "length": N, "format": "CMG1"}. An archive's
  // metadata names its routing section itself (ArchiveBuilder::setSection).
  uint64_t routingBytes = 0;
};

// The walking graph's file in a folder tileset, and its key in the tileset metadata.
inline constexpr const char* kRoutingFile = "routing.cmg";
inline constexpr const char* kRoutingKey = "citymap_routing";
inline constexpr const char* kRoutingFormat = "CMG1";

// The tileset metadata: tileset.json of a folder, or (archive = true) the JSON metadata of a
// PMTiles archive: the same fields without tile_path, plus "tile_format": "citymap-fb-v1".
std::string tilesetJson(const TilesetInfo& info, bool archive = false);
// The archive header's description of the same tileset.
ArchiveInfo archiveInfo(const TilesetInfo& info);

// Where a map over the data should open: the centre of the tile at `zoom` holding the most
// feature centres (road_labels, copies of roads, not counted; ties: the first tile in key
// order). Falls back to the bounds' centre.
geo::LngLat busiestPoint(const std::vector<Feature>& features, const geo::WorldBox& bounds, uint8_t zoom);

struct ZoomStats {
  uint8_t z = 0;
  uint64_t tiles = 0;
  uint64_t nonEmpty = 0;
  uint64_t features = 0;
  uint64_t bytes = 0;
  std::array<uint64_t, kLayerCount> layerBytes{};  // of `bytes`, each layer's (uncompressed)
};

// Receives every built tile, from the worker threads: `job` (0 .. total tile count - 1) is
// unique per tile. Returns false with `error` set to stop the run.
using TileSink =
    std::function<bool(size_t job, const geo::TileID& id, std::span<const uint8_t> bytes, std::string& error)>;

// Builds every tile of `ranges` using `threads` threads and hands each to `sink`.
Result<std::vector<ZoomStats>> buildTiles(const std::vector<Feature>& features, const TileMap& tiles,
                                          const std::vector<TileRange>& ranges, uint16_t extent, unsigned threads,
                                          const TileSink& sink);

// Writes every tile of `ranges` into `dir` (which must exist) using `threads` threads.
// `progress`, if set, gets the fraction done now and then (from the worker threads).
Result<std::vector<ZoomStats>> writeTiles(const std::filesystem::path& dir, const std::vector<Feature>& features,
                                          const TileMap& tiles, const std::vector<TileRange>& ranges, uint16_t extent,
                                          unsigned threads, const std::function<void(double)>& progress = {});

Result<bool> writeTextFile(const std::filesystem::path& file, const std::string& text);

}  // namespace citymap::ingest
