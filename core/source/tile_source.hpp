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
  // The range holds one gzip member (an archive's compressed tile): the platform answers with
  // the inflated bytes (the browser's DecompressionStream, zlib on the desktop).
  bool gzip = false;
};

using Bytes = std::vector<uint8_t>;
using BytesCallback = std::function<void(Result<Bytes>)>;
// Fetches a URL or path, or a byte range of it; the callback runs later, never inside the call.
// Returns an id for CancelFetch (0: cannot be cancelled). Ranged reads of one URL are pinned to
// the version the read from offset 0 saw (app::Platform::fetch): a later one that meets another
// version fails with ErrorCode::Changed.
using FetchId = uint64_t;
using Fetch = std::function<FetchId(const std::string& url, std::optional<ByteRange> range, BytesCallback done)>;
// Cancels a fetch in flight: its callback is never called. Unknown or finished ids are ignored.
using CancelFetch = std::function<void(FetchId)>;

// A tile request, for cancel(); 0 when the answer came at once.
using RequestId = uint64_t;

class TileSource {
 public:
  // Destroying a source cancels its fetches in flight (their callbacks are never called).
  virtual ~TileSource() = default;
  // Reads the tileset's metadata.
  virtual void open(std::function<void(Result<tile::Tileset>)> done) = 0;
  // The tile's bytes; an empty buffer means the tileset has no tile there (nothing to draw).
  // ErrorCode::Changed: the archive changed on the server since open(): open a new source.
  virtual RequestId fetchTile(const geo::TileID& id, BytesCallback done) = 0;
  // The view no longer needs the tile: its fetch is aborted and `done` is never called.
  virtual void cancel(RequestId id) = 0;
  // Bytes fetched so far (for the UI and benchmarks).
  virtual uint64_t bytesFetched() const = 0;
};

// A URL ending in ".pmtiles" opens an archive; anything else is a folder holding tileset.json.
// `cancel` (optional) aborts the platform's fetches.
std::unique_ptr<TileSource> openSource(const std::string& url, Fetch fetch, CancelFetch cancel = {});

}  // namespace citymap::source
