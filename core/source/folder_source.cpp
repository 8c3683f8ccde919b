// A folder of tiles: tileset.json plus one file per tile (tools/ingest's folder output).
#include <string_view>

#include "source/sources.hpp"

namespace citymap::source {

FolderSource::FolderSource(std::string url, Fetch fetch, CancelFetch cancel)
    : base_(std::move(url)), io_(std::move(fetch), std::move(cancel)) {
  if (!base_.empty() && base_.back() != '/') base_ += '/';
}

void FolderSource::open(std::function<void(Result<tile::Tileset>)> done) {
  io_.fetch(base_ + "tileset.json", std::nullopt, [this, done = std::move(done)](Result<Bytes> bytes) {
    if (!bytes) return done(Error{"cannot load tileset.json: " + bytes.error(), bytes.errorCode()});
    fetched_ += bytes->size();
    auto tileset = tile::parseTileset(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
    if (tileset) tilePath_ = tileset->tilePath;
    done(std::move(tileset));
  });
}

RequestId FolderSource::fetchTile(const geo::TileID& id, BytesCallback done) {
  return io_.fetch(tile::tileUrl(base_, tilePath_, id), std::nullopt,
                   [this, done = std::move(done)](Result<Bytes> bytes) {
                     if (bytes) fetched_ += bytes->size();
                     done(std::move(bytes));
                   });
}

std::unique_ptr<TileSource> openSource(const std::string& url, Fetch fetch, CancelFetch cancel) {
  constexpr std::string_view kArchive = ".pmtiles";
  if (url.size() >= kArchive.size() && url.compare(url.size() - kArchive.size(), kArchive.size(), kArchive) == 0)
    return std::make_unique<ArchiveSource>(url, std::move(fetch), std::move(cancel));
  return std::make_unique<FolderSource>(url, std::move(fetch), std::move(cancel));
}

}  // namespace citymap::source
