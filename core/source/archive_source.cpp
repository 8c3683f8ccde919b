// Reading a PMTiles v3 archive with byte-range requests (docs/ARCHIVE.md).
#include <algorithm>
#include <span>
#include <string_view>

#include "source/sources.hpp"

namespace citymap::source {

namespace pm = tile::pmtiles;

FetchId ArchiveSource::fetchRange(uint64_t offset, uint64_t length, BytesCallback done, bool gzip) {
  return io_.fetch(url_, ByteRange{offset, length, gzip},
                   [this, length, gzip, done = std::move(done)](Result<Bytes> bytes) {
                     if (bytes) {
                       fetched_ += gzip ? length : bytes->size();  // what crossed the network
                       if (!gzip && bytes->size() != length)
                         return done(Error{url_ + ": short read (" + std::to_string(bytes->size()) + " of " +
                                           std::to_string(length) + " bytes)"});
                     }
                     done(std::move(bytes));
                   });
}

void ArchiveSource::open(std::function<void(Result<tile::Tileset>)> done) {
  // The header and, by the writer's layout, the root directory fit in the first 16 KiB. A
  // smaller file answers with fewer bytes, which is fine here.
  io_.fetch(url_, ByteRange{0, pm::kInitialFetch}, [this, done = std::move(done)](Result<Bytes> head) mutable {
    if (!head) return done(Error{"cannot read " + url_ + ": " + head.error(), head.errorCode()});
    fetched_ += head->size();
    auto header = pm::parseHeader(*head);
    if (!header) return done(Error{url_ + ": " + header.error()});
    header_ = header.value();
    if (header_.rootOffset + header_.rootLength > head->size())
      return done(Error{url_ + ": the file ends before its root directory"});
    auto root = pm::parseDirectory(std::span(*head).subspan(size_t(header_.rootOffset), size_t(header_.rootLength)));
    if (!root) return done(Error{url_ + ": root directory: " + root.error()});
    root_ = std::move(root).value();
    // The writer puts the metadata in the first 16 KiB too; otherwise it costs one more request.
    const auto parseMetadata = [this](std::span<const uint8_t> meta) -> Result<tile::Tileset> {
      auto tileset =
          tile::parseTileset(std::string_view(reinterpret_cast<const char*>(meta.data()), meta.size()), false);
      if (!tileset) return Error{url_ + ": metadata: " + tileset.error()};
      return tileset;
    };
    if (header_.metadataOffset + header_.metadataLength <= head->size())
      return done(
          parseMetadata(std::span(*head).subspan(size_t(header_.metadataOffset), size_t(header_.metadataLength))));
    fetchRange(header_.metadataOffset, header_.metadataLength,
               [this, parseMetadata, done = std::move(done)](Result<Bytes> meta) {
                 if (!meta) return done(Error{url_ + ": metadata: " + meta.error(), meta.errorCode()});
                 done(parseMetadata(*meta));
               });
  });
}

void ArchiveSource::withLeaf(uint64_t offset, uint32_t length,
                             std::function<void(Result<const std::vector<pm::Entry>*>)> done) {
  if (const auto it = leaves_.find(offset); it != leaves_.end()) return done(&it->second);
  auto& queue = waiting_[offset];
  queue.push_back(std::move(done));
  if (queue.size() > 1) return;  // already in flight
  fetchRange(offset, length, [this, offset](Result<Bytes> bytes) {
    auto callbacks = std::move(waiting_[offset]);
    waiting_.erase(offset);
    if (!bytes) {
      for (auto& cb : callbacks) cb(Error{"leaf directory: " + bytes.error(), bytes.errorCode()});
      return;
    }
    auto dir = pm::parseDirectory(*bytes);
    if (!dir) {
      for (auto& cb : callbacks) cb(Error{"leaf directory: " + dir.error()});
      return;
    }
    const auto& stored = leaves_.emplace(offset, std::move(dir).value()).first->second;
    for (auto& cb : callbacks) cb(&stored);
  });
}

void ArchiveSource::lookup(const std::vector<pm::Entry>& dir, uint64_t tileId, int depth, RequestId req,
                           BytesCallback done) {
  const auto answer = [this, req, &done](Result<Bytes> r) {
    requests_.erase(req);
    done(std::move(r));
  };
  const pm::Entry* e = pm::find(dir, tileId);
  if (!e) return answer(Bytes{});  // no tile there: nothing to draw
  if (e->runLength > 0) {
    const auto range = pm::tileRange(header_, *e);
    if (!range) return answer(Error{range.error()});
    // A compressed tile is inflated by the platform (the length check is on its side then).
    const FetchId f = fetchRange(
        range->offset, range->length,
        [this, req, done = std::move(done)](Result<Bytes> bytes) {
          requests_.erase(req);
          done(std::move(bytes));
        },
        header_.tileCompression == pm::kCompressionGzip);
    if (const auto it = requests_.find(req); it != requests_.end()) it->second = f;
    return;
  }
  if (depth + 1 >= pm::kMaxDirectoryDepth) return answer(Error{"leaf directories nested too deeply"});
  const auto range = pm::leafRange(header_, *e);
  if (!range) return answer(Error{range.error()});
  // The leaf directory is shared by many tiles and cached: it is not cancelled with the tile.
  withLeaf(range->offset, uint32_t(range->length),
           [this, tileId, depth, req, done = std::move(done)](auto leaf) mutable {
             if (!requests_.contains(req)) return;  // cancelled meanwhile
             if (!leaf) {
               requests_.erase(req);
               return done(Error{leaf.error(), leaf.errorCode()});
             }
             lookup(*leaf.value(), tileId, depth + 1, req, std::move(done));
           });
}

RequestId ArchiveSource::fetchTile(const geo::TileID& id, BytesCallback done) {
  const RequestId req = nextRequest_++;
  requests_.emplace(req, 0);
  lookup(root_, pm::tileId(id), 0, req, std::move(done));
  return requests_.contains(req) ? req : 0;
}

void ArchiveSource::cancel(RequestId id) {
  const auto it = requests_.find(id);
  if (it == requests_.end()) return;
  io_.cancel(it->second);
  requests_.erase(it);
}

}  // namespace citymap::source
