#pragma once
// Packs tiles into one PMTiles v3 archive (docs/ARCHIVE.md), laid out as
//   header (127 B) | root directory | metadata JSON | leaf directories | tile data
// with internal and tile compression "none" and tile type 0 (citymap FlatBuffers tiles).
//  * Tile data is clustered: unique tile contents in tile-id order. Tiles with identical bytes
//    are stored once; consecutive tile ids with identical bytes share one run-length entry.
//  * The root directory holds tile entries directly for the lowest tile ids (the low zooms) as
//    far as the first kInitialFetch bytes allow, and leaf directory pointers for the rest; the
//    metadata is kept inside those bytes too when it fits, so one 16 KiB request gets the
//    header, the root and the metadata.
//  * An extra section (the walking graph, docs/ROUTING.md) may follow the tile data. The
//    header does not know it (its sections stay exactly as the spec lays them out; readers
//    ignore bytes after the tile data); the metadata names it with its absolute byte range:
//    "citymap_routing": {"offset": N, "length": L, "format": "CMG1"}.
//  * The output depends only on the tiles and the metadata (byte-identical for the same input,
//    in whatever order the tiles were added, and whether or not the builder spills).
//  * Memory: add() keeps each distinct tile content once (duplicates are found by hash and
//    compared byte for byte when added). With spillTo() the contents wait in a file, and so
//    do the compressed ones finish() makes, so memory is about 40 bytes per tile plus the
//    directories (a few bytes per entry), whatever the size of the tiles.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "geo/tile_id.hpp"
#include "ingest/blob_store.hpp"
#include "tile/pmtiles.hpp"

namespace citymap::ingest {

struct ArchiveOptions {
  // Byte budget for header + root directory (+ metadata if it fits).
  size_t initialFetch = tile::pmtiles::kInitialFetch;
  // Entries per leaf directory (about 5 bytes each).
  size_t leafEntries = 1024;
  // Each distinct tile stored as one gzip member (PMTiles tile_compression 2): the Da Nang
  // archive's tiles take 41 % fewer bytes; browsers inflate with DecompressionStream, the
  // desktop with zlib.
  bool gzipTiles = true;
};

struct ArchiveStats {
  uint64_t fileBytes = 0;
  uint64_t rootBytes = 0, metadataBytes = 0, leafBytes = 0, dataBytes = 0;
  uint64_t rootEntries = 0;  // of which rootLeafPointers point to leaves
  uint64_t rootLeafPointers = 0;
  uint64_t leaves = 0;
  uint64_t addressedTiles = 0;    // tiles the archive answers for
  uint64_t tileEntries = 0;       // directory entries for tiles (after run-length encoding)
  uint64_t tileContents = 0;      // distinct tile blobs stored
  uint64_t inputTileBytes = 0;    // sum of all tiles' sizes before deduplication
  uint64_t distinctRawBytes = 0;  // the distinct tiles before compression (dataBytes after)
  bool gzipTiles = false;
  uint64_t sectionOffset = 0, sectionBytes = 0;  // the extra section after the tile data (0 bytes: none)
};

// The archive's fixed header fields that describe the tileset.
struct ArchiveInfo {
  uint8_t minZoom = 0, maxZoom = 0, centerZoom = 0;
  double west = 0, south = 0, east = 0, north = 0;  // degrees
  double centerLng = 0, centerLat = 0;
};

class ArchiveBuilder {
 public:
  // Keeps the tile contents in `file` (and `file` + ".data" for the compressed ones) instead of
  // memory. Call before the first add(). The files are removed when the builder is destroyed.
  Result<bool> spillTo(const std::filesystem::path& file);
  bool spilled() const { return raw_.spilled(); }

  // Adds one tile (any order; every id at most once). Tiles must not be empty. Not thread-safe
  // (callers on several threads hold a lock). A failure (an empty tile, a spill file that
  // cannot be written) is kept and returned by finish().
  void add(const geo::TileID& id, std::span<const uint8_t> bytes);
  size_t size() const { return tiles_.size(); }
  size_t distinctContents() const { return contents_.size(); }

  // An extra section written after the tile data and named in the metadata JSON (an object) as
  // "key": {"offset": <absolute byte offset>, "length": <bytes>, "format": "format"}. At most
  // one; a second call replaces the first.
  void setSection(std::string key, std::string format, std::vector<uint8_t> bytes);

  // Lays out the archive. Fails on duplicate or invalid tile ids, empty tiles, or no tiles.
  Result<bool> finish(const ArchiveInfo& info, const std::string& metadataJson, const ArchiveOptions& options = {});
  const ArchiveStats& stats() const { return stats_; }

  // After finish(): writes the archive to `file` (created or truncated) / returns it whole.
  Result<bool> write(const std::filesystem::path& file) const;
  std::vector<uint8_t> bytes() const;

 private:
  struct Tile {
    uint64_t id = 0;
    uint32_t content = 0;  // index into contents_
  };
  struct Content {
    uint64_t offset = 0;  // in raw_
    uint32_t size = 0;
  };
  std::vector<Tile> tiles_;
  std::vector<Content> contents_;                       // distinct contents, in the order first added
  std::unordered_multimap<uint64_t, uint32_t> byHash_;  // content hash -> index into contents_
  BlobStore raw_;                                       // the distinct contents as added
  BlobStore stored_;                                    // as stored (compressed when asked), in data-section order
  std::filesystem::path spillFile_;
  std::string addError_;
  std::vector<uint8_t> head_;  // header, root, metadata, leaves
  std::string sectionKey_, sectionFormat_;
  std::vector<uint8_t> section_;  // after the tile data
  ArchiveStats stats_;
  bool finished_ = false;
};

// Human-readable summary lines of the archive's layout (for the tool's output).
std::string archiveSummary(const ArchiveStats& stats);

}  // namespace citymap::ingest
