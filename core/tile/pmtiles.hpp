#pragma once
// PMTiles v3 (github.com/protomaps/PMTiles, spec/v3/spec.md): the single-file tile archive the
// client reads, over HTTP range requests in the browser and from disk on the desktop. See
// docs/ARCHIVE.md for how citymap uses it.
//
// Pure functions over bytes: no I/O, no exceptions, every read bounds-checked. Anything from
// outside (a corrupt, truncated or hostile archive) becomes an Error; nothing is trusted.
//
// Reading a tile:
//   1. fetch bytes [0, kInitialFetch) (or the whole file if shorter); parseHeader();
//   2. parseDirectory() on [rootOffset, rootOffset + rootLength) of those bytes (the header
//      guarantees the root lies inside the first kInitialFetch bytes);
//   3. find(dir, tileId(id)): nullptr = the archive has no such tile; runLength > 0 = the tile,
//      at tileRange(); runLength == 0 = a leaf directory at leafRange(): fetch it, parse it,
//      find() again. Give up after kMaxDirectoryDepth directories (a hostile archive can make
//      a leaf point to itself).
// Encoders (used by tools/ingest, and by tests for round trips) are here too, so the format
// lives in one place.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.hpp"
#include "geo/tile_id.hpp"

namespace citymap::tile::pmtiles {

constexpr size_t kHeaderSize = 127;
// The first request: the header and the root directory always lie inside these bytes.
constexpr size_t kInitialFetch = 16384;
// Root plus at most this many levels of leaves are followed (the spec discourages more than one).
constexpr int kMaxDirectoryDepth = 4;
// Highest zoom whose tile ids fit in 64 bits together with all lower zooms.
constexpr uint8_t kMaxTileIdZoom = 31;

enum Compression : uint8_t {
  kCompressionUnknown = 0,
  kCompressionNone = 1,
  kCompressionGzip = 2,
  kCompressionBrotli = 3,
  kCompressionZstd = 4
};
enum TileType : uint8_t {
  kTileTypeUnknown = 0,
  kTileTypeMvt = 1,
  kTileTypePng = 2,
  kTileTypeJpeg = 3,
  kTileTypeWebp = 4,
  kTileTypeAvif = 5
};

struct Header {
  // Byte offsets from the start of the archive; lengths in bytes.
  uint64_t rootOffset = 0, rootLength = 0;
  uint64_t metadataOffset = 0, metadataLength = 0;
  uint64_t leafOffset = 0, leafLength = 0;  // all leaf directories, one after another
  uint64_t dataOffset = 0, dataLength = 0;  // all tile data
  uint64_t addressedTiles = 0;              // tiles before run-length encoding (0 = unknown)
  uint64_t tileEntries = 0;                 // directory entries with runLength > 0 (0 = unknown)
  uint64_t tileContents = 0;                // distinct tile blobs (0 = unknown)
  bool clustered = false;                   // tile data in tile-id order
  uint8_t internalCompression = kCompressionNone, tileCompression = kCompressionNone;
  uint8_t tileType = kTileTypeUnknown;
  uint8_t minZoom = 0, maxZoom = 0, centerZoom = 0;
  // Degrees, stored as integers of 1e-7 degrees.
  double minLng = 0, minLat = 0, maxLng = 0, maxLat = 0, centerLng = 0, centerLat = 0;
};

// Parses and checks the first kHeaderSize bytes of `bytes`. Rejects: not PMTiles, a version
// other than 3, internal compression other than "none", tile compression other than "none" or
// "gzip" (each tile one gzip member, which the platform inflates), a tile type other than
// 0 (citymap tiles are "unknown/other"), a root directory outside the first kInitialFetch
// bytes, sections overlapping the header or overflowing, zooms out of order; and, when
// `fileSize` is known (non-zero), any section reaching past the end of the file.
Result<Header> parseHeader(std::span<const uint8_t> bytes, uint64_t fileSize = 0);
std::array<uint8_t, kHeaderSize> encodeHeader(const Header& header);

// One directory entry: a tile (runLength >= 1: the same bytes for tiles tileId ..
// tileId + runLength - 1) or a leaf directory (runLength == 0) whose entries start at tileId.
// offset is relative to the tile data section (tiles) or the leaf section (leaves).
struct Entry {
  uint64_t tileId = 0;
  uint64_t offset = 0;
  uint32_t length = 0;
  uint32_t runLength = 0;
  auto operator<=>(const Entry&) const = default;
};

// Decodes a directory (internal compression none). The result is non-empty, strictly ordered
// by tileId, runs do not overlap the next entry, lengths are > 0 and no sum overflows.
// Trailing bytes are an error.
Result<std::vector<Entry>> parseDirectory(std::span<const uint8_t> bytes);
// Encodes entries as parseDirectory() expects them (asserts they are valid).
std::vector<uint8_t> encodeDirectory(std::span<const Entry> entries);

// Tile ids: position on the Hilbert curves of zoom 0, 1, 2, ... one after another
// (0/0/0 -> 0, 1/0/0 -> 1, 1/0/1 -> 2, 1/1/1 -> 3, 1/1/0 -> 4, 2/0/0 -> 5, ...).
// tileId() needs z <= kMaxTileIdZoom and x, y < 2^z; otherwise it returns kInvalidTileId.
constexpr uint64_t kInvalidTileId = UINT64_MAX;
uint64_t tileId(const geo::TileID& id);
// Total over all ids; ids past zoom 31 give z == 32, which geo::TileID::valid() rejects.
geo::TileID tileFromId(uint64_t id);

// The entry covering tileId in a directory from parseDirectory(): the tile entry whose run
// contains it, or the leaf directory entry to look in next; nullptr if neither.
const Entry* find(const std::vector<Entry>& dir, uint64_t tileId);

// Absolute byte ranges in the archive, checked against the header's sections.
struct ByteRange {
  uint64_t offset = 0, length = 0;
};
Result<ByteRange> tileRange(const Header& header, const Entry& tileEntry);
Result<ByteRange> leafRange(const Header& header, const Entry& leafEntry);
inline ByteRange rootRange(const Header& h) { return {h.rootOffset, h.rootLength}; }
inline ByteRange metadataRange(const Header& h) { return {h.metadataOffset, h.metadataLength}; }

}  // namespace citymap::tile::pmtiles
