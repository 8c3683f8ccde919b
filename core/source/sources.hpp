#pragma once
// The two TileSource implementations (see tile_source.hpp).
#include <map>
#include <string>
#include <vector>

#include "source/tile_source.hpp"
#include "tile/pmtiles.hpp"

namespace citymap::source {

class FolderSource final : public TileSource {
 public:
  FolderSource(std::string url, Fetch fetch);
  void open(std::function<void(Result<tile::Tileset>)> done) override;
  void fetchTile(const geo::TileID& id, BytesCallback done) override;
  uint64_t bytesFetched() const override { return fetched_; }

 private:
  std::string base_;
  Fetch fetch_;
  std::string tilePath_;
  uint64_t fetched_ = 0;
};

// PMTiles v3 (docs/ARCHIVE.md): one request for the header and root directory, one per leaf
// directory (cached), one per tile.
class ArchiveSource final : public TileSource {
 public:
  ArchiveSource(std::string url, Fetch fetch) : url_(std::move(url)), fetch_(std::move(fetch)) {}
  void open(std::function<void(Result<tile::Tileset>)> done) override;
  void fetchTile(const geo::TileID& id, BytesCallback done) override;
  uint64_t bytesFetched() const override { return fetched_; }

 private:
  void fetchRange(uint64_t offset, uint64_t length, BytesCallback done);
  // Resolves `tileId` in `dir` (descending into leaf directories) and fetches the tile.
  void lookup(const std::vector<tile::pmtiles::Entry>& dir, uint64_t tileId, int depth, BytesCallback done);
  void withLeaf(uint64_t offset, uint32_t length, std::function<void(Result<const std::vector<tile::pmtiles::Entry>*>)> done);

  std::string url_;
  Fetch fetch_;
  tile::pmtiles::Header header_{};
  std::vector<tile::pmtiles::Entry> root_;
  // Leaf directories by absolute offset; callbacks waiting while one is in flight.
  std::map<uint64_t, std::vector<tile::pmtiles::Entry>> leaves_;
  std::map<uint64_t, std::vector<std::function<void(Result<const std::vector<tile::pmtiles::Entry>*>)>>> waiting_;
  uint64_t fetched_ = 0;
};

}  // namespace citymap::source
