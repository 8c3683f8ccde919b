#pragma once
// Where tile bytes come from: a folder of tile files with tileset.json, or a PMTiles v3 archive
// read with byte-range requests. Sources do I/O only through the injected Fetch function (the
// platform's), so they run unchanged in the browser, on the desktop and in tests.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "geo/tile_id.hpp"
#include "tile/tileset.hpp"

namespace citymap::source {

struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};

using Bytes = std::vector<uint8_t>;
using BytesCallback = std::function<void(Result<Bytes>)>;
// Fetches a URL or path, or a byte range of it; the callback runs later, never inside the call.
using Fetch = std::function<void(const std::string& url, std::optional<ByteRange> range, BytesCallback done)>;

class TileSource {
 public:
  virtual ~TileSource() = default;
  // Reads the tileset's metadata.
  virtual void open(std::function<void(Result<tile::Tileset>)> done) = 0;
  // The tile's bytes; an empty buffer means the tileset has no tile there (nothing to draw).
  virtual void fetchTile(const geo::TileID& id, BytesCallback done) = 0;
  // Bytes fetched so far (for the UI and benchmarks).
  virtual uint64_t bytesFetched() const = 0;
};

// A URL ending in ".pmtiles" opens an archive; anything else is a folder holding tileset.json.
std::unique_ptr<TileSource> openSource(const std::string& url, Fetch fetch);

}  // namespace citymap::source
