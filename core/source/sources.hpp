#pragma once
// The two TileSource implementations (see tile_source.hpp).
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "source/fetch_tracker.hpp"
#include "source/tile_source.hpp"
#include "tile/pmtiles.hpp"

namespace citymap::source {

class FolderSource final : public TileSource {
 public:
  FolderSource(std::string url, Fetch fetch, CancelFetch cancel = {});
  void open(std::function<void(Result<tile::Tileset>)> done) override;
  RequestId fetchTile(const geo::TileID& id, BytesCallback done) override;
  void cancel(RequestId id) override { io_.cancel(id); }
  uint64_t bytesFetched() const override { return fetched_; }

 private:
  std::string base_;
  FetchTracker io_;
  std::string tilePath_;
  uint64_t fetched_ = 0;
};

// PMTiles v3 (docs/ARCHIVE.md): one request for the header and root directory, one per leaf
// directory (cached), one per tile.
class ArchiveSource final : public TileSource {
 public:
  ArchiveSource(std::string url, Fetch fetch, CancelFetch cancel = {})
      : url_(std::move(url)), io_(std::move(fetch), std::move(cancel)) {}
  void open(std::function<void(Result<tile::Tileset>)> done) override;
  RequestId fetchTile(const geo::TileID& id, BytesCallback done) override;
  void cancel(RequestId id) override;
  uint64_t bytesFetched() const override { return fetched_; }

 private:
  FetchId fetchRange(uint64_t offset, uint64_t length, BytesCallback done, bool gzip = false);
  // Resolves `tileId` in `dir` (descending into leaf directories) and fetches the tile for
  // request `req` (unless it was cancelled meanwhile).
  void lookup(const std::vector<tile::pmtiles::Entry>& dir, uint64_t tileId, int depth, RequestId req,
              BytesCallback done);
  void withLeaf(uint64_t offset, uint32_t length,
                std::function<void(Result<const std::vector<tile::pmtiles::Entry>*>)> done);

  std::string url_;
  FetchTracker io_;
  // Tile requests not yet answered: their tile fetch (0 while the leaf directory loads).
  std::unordered_map<RequestId, FetchId> requests_;
  RequestId nextRequest_ = 1;
  tile::pmtiles::Header header_{};
  std::vector<tile::pmtiles::Entry> root_;
  // Leaf directories by absolute offset; callbacks waiting while one is in flight.
  std::map<uint64_t, std::vector<tile::pmtiles::Entry>> leaves_;
  std::map<uint64_t, std::vector<std::function<void(Result<const std::vector<tile::pmtiles::Entry>*>)>>> waiting_;
  uint64_t fetched_ = 0;
};

}  // namespace citymap::source
