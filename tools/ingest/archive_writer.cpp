#include "ingest/archive_writer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "ingest/progress.hpp"
#include "platform/zlib/gzip.hpp"

namespace citymap::ingest {

namespace pm = tile::pmtiles;
namespace fs = std::filesystem;

namespace {

struct Layout {
  std::vector<uint8_t> root;
  std::vector<uint8_t> leaves;  // all leaf directories, one after another
  uint64_t rootEntries = 0, rootLeafPointers = 0, leafCount = 0;
};

// Root = entries[0, prefix) directly, then one pointer per leaf of `leafEntries` entries
// covering entries[prefix, end).
Layout layOut(const std::vector<pm::Entry>& entries, size_t prefix, size_t leafEntries) {
  Layout l;
  std::vector<pm::Entry> root(entries.begin(), entries.begin() + std::ptrdiff_t(prefix));
  for (size_t i = prefix; i < entries.size(); i += leafEntries) {
    const size_t end = std::min(entries.size(), i + leafEntries);
    const std::vector<uint8_t> leaf = pm::encodeDirectory(std::span(entries).subspan(i, end - i));
    root.push_back({entries[i].tileId, l.leaves.size(), uint32_t(leaf.size()), 0});
    l.leaves.insert(l.leaves.end(), leaf.begin(), leaf.end());
    ++l.leafCount;
  }
  l.rootEntries = root.size();
  l.rootLeafPointers = l.leafCount;
  l.root = pm::encodeDirectory(root);
  return l;
}

// The layout with the longest direct prefix whose root fits in `budget` bytes, trying larger
// leaves if even an all-pointer root is too big.
std::optional<Layout> plan(const std::vector<pm::Entry>& entries, size_t budget, size_t leafEntries) {
  if (std::vector<uint8_t> all = pm::encodeDirectory(entries); all.size() <= budget) {
    Layout l;
    l.root = std::move(all);
    l.rootEntries = entries.size();
    return l;
  }
  for (size_t leaf = std::max<size_t>(1, leafEntries);; leaf *= 2) {
    const auto fits = [&](size_t prefix) { return layOut(entries, prefix, leaf).root.size() <= budget; };
    if (fits(0)) {
      // fits(lo) holds; the whole list as root (prefix = size) does not.
      size_t lo = 0, hi = entries.size();
      while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        (fits(mid) ? lo : hi) = mid;
      }
      return layOut(entries, lo, leaf);
    }
    if (leaf >= entries.size()) return std::nullopt;
  }
}

bool writeAll(FILE* f, const void* data, size_t size) { return size == 0 || std::fwrite(data, 1, size, f) == size; }

// The metadata with `"key": {"offset": ..., "length": ..., "format": ...}` added as the object's
// last member. The offset is padded with spaces to a fixed width, so the metadata's size (and
// with it the layout) does not depend on the offset's value.
std::optional<std::string> withSection(const std::string& json, const std::string& key, const std::string& format,
                                       uint64_t offset, uint64_t length) {
  const size_t open = json.find('{'), close = json.rfind('}');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  const bool empty = json.find_first_not_of(" \t\r\n", open + 1) == close;
  const std::string digits = std::to_string(offset);
  const std::string number = std::string(20 - digits.size(), ' ') + digits;
  const std::string entry = std::string(empty ? "" : ",") + "\n  \"" + key + "\": {\"offset\": " + number +
                            ", \"length\": " + std::to_string(length) + ", \"format\": \"" + format + "\"}\n";
  const size_t end = json.find_last_not_of(" \t\r\n", close - 1) + 1;
  return json.substr(0, end) + entry + json.substr(close);
}

}  // namespace

void ArchiveBuilder::setSection(std::string key, std::string format, std::vector<uint8_t> bytes) {
  sectionKey_ = std::move(key);
  sectionFormat_ = std::move(format);
  section_ = std::move(bytes);
  finished_ = false;
}

Result<bool> ArchiveBuilder::spillTo(const fs::path& file) {
  if (!tiles_.empty()) return Error{"archive: spillTo() after tiles were added"};
  auto raw = BlobStore::inFile(file);
  if (!raw) return Error{raw.error()};
  auto stored = BlobStore::inFile(fs::path(file.string() + ".data"));
  if (!stored) return Error{stored.error()};
  raw_ = std::move(raw).value();
  stored_ = std::move(stored).value();
  spillFile_ = file;
  return true;
}

void ArchiveBuilder::add(const geo::TileID& id, std::span<const uint8_t> bytes) {
  finished_ = false;
  if (!addError_.empty()) return;
  if (bytes.empty() || bytes.size() > UINT32_MAX) {
    addError_ = "archive: tile " + id.path() + " has " + std::to_string(bytes.size()) + " bytes";
    return;
  }
  // Deduplicate by content (before compression): a hash finds the candidates, the bytes decide.
  const std::string_view view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const uint64_t hash = std::hash<std::string_view>{}(view);
  std::vector<uint8_t> other;
  for (auto [it, end] = byHash_.equal_range(hash); it != end; ++it) {
    const Content& c = contents_[it->second];
    if (c.size != bytes.size()) continue;
    if (auto r = raw_.read(c.offset, c.size, other); !r) {
      addError_ = "archive: " + r.error();
      return;
    }
    if (std::memcmp(other.data(), bytes.data(), bytes.size()) == 0) {
      tiles_.push_back({pm::tileId(id), it->second});
      return;
    }
  }
  auto at = raw_.append(bytes);
  if (!at) {
    addError_ = "archive: " + at.error();
    return;
  }
  const auto index = uint32_t(contents_.size());
  contents_.push_back({*at, uint32_t(bytes.size())});
  byHash_.emplace(hash, index);
  tiles_.push_back({pm::tileId(id), index});
}

Result<bool> ArchiveBuilder::finish(const ArchiveInfo& info, const std::string& plainMetadata,
                                    const ArchiveOptions& options) {
  finished_ = false;
  if (!addError_.empty()) return Error{addError_};
  std::string metadataJson = plainMetadata;
  if (!section_.empty()) {
    auto m = withSection(plainMetadata, sectionKey_, sectionFormat_, 0, section_.size());
    if (!m) return Error{"archive: the metadata is not a JSON object"};
    metadataJson = std::move(*m);
  }
  head_.clear();
  stats_ = {};
  if (tiles_.empty()) return Error{"archive: no tiles to write"};
  std::sort(tiles_.begin(), tiles_.end(), [](const Tile& a, const Tile& b) { return a.id < b.id; });

  // The data section holds the distinct contents in the order of their first tile id
  // (clustered data); run-length entries for consecutive ids with the same content.
  constexpr uint32_t kNone = UINT32_MAX;
  std::vector<uint32_t> rank(contents_.size(), kNone);  // content -> position in the data section
  std::vector<uint32_t> order;                          // position -> content
  order.reserve(contents_.size());
  for (size_t i = 0; i < tiles_.size(); ++i) {
    const Tile& t = tiles_[i];
    const geo::TileID zxy = pm::tileFromId(t.id);
    if (t.id == pm::kInvalidTileId) return Error{"archive: tile id out of range"};
    if (i > 0 && tiles_[i - 1].id == t.id) return Error{"archive: tile " + zxy.path() + " added twice"};
    stats_.inputTileBytes += contents_[t.content].size;
    if (rank[t.content] == kNone) {
      rank[t.content] = uint32_t(order.size());
      order.push_back(t.content);
      stats_.distinctRawBytes += contents_[t.content].size;
    }
  }
  // Compressed (or copied) into stored_, in data-section order.
  if (stored_.size() > 0) {  // finish() again: start the stored contents afresh
    const bool spilled = stored_.spilled();
    const fs::path file = stored_.file();
    stored_ = BlobStore();  // closes (and removes) the old file first
    if (spilled) {
      auto fresh = BlobStore::inFile(file);
      if (!fresh) return Error{fresh.error()};
      stored_ = std::move(fresh).value();
    }
  }
  std::vector<uint64_t> offsets(order.size());
  std::vector<uint32_t> sizes(order.size());
  std::vector<uint8_t> raw;
  for (size_t k = 0; k < order.size(); ++k) {
    const Content& c = contents_[order[k]];
    if (auto r = raw_.read(c.offset, c.size, raw); !r) return Error{"archive: " + r.error()};
    const std::vector<uint8_t> gz = options.gzipTiles ? zlib::gzip(raw) : std::vector<uint8_t>();
    const std::vector<uint8_t>& out = options.gzipTiles ? gz : raw;
    if (out.empty()) return Error{"archive: zlib could not compress a tile"};
    auto at = stored_.append(out);
    if (!at) return Error{"archive: " + at.error()};
    offsets[k] = *at;
    sizes[k] = uint32_t(out.size());
  }
  if (auto f = stored_.flush(); !f) return Error{"archive: " + f.error()};
  const uint64_t dataBytes = stored_.size();
  stats_.gzipTiles = options.gzipTiles;
  std::vector<pm::Entry> entries;
  for (const Tile& t : tiles_) {
    const uint32_t k = rank[t.content];
    if (!entries.empty()) {
      pm::Entry& last = entries.back();
      if (last.offset == offsets[k] && last.tileId + last.runLength == t.id && last.runLength < UINT32_MAX) {
        ++last.runLength;  // same bytes as the previous tile id: extend its run
        continue;
      }
    }
    entries.push_back({t.id, offsets[k], sizes[k], 1});
  }

  // Prefer header + root + metadata within the first request; else header + root only.
  const size_t fixed = pm::kHeaderSize + metadataJson.size();
  std::optional<Layout> layout;
  if (fixed < options.initialFetch) layout = plan(entries, options.initialFetch - fixed, options.leafEntries);
  if (!layout && pm::kHeaderSize < options.initialFetch)
    layout = plan(entries, options.initialFetch - pm::kHeaderSize, options.leafEntries);
  if (!layout)
    return Error{"archive: the root directory does not fit in the first " + std::to_string(options.initialFetch) +
                 " bytes"};

  pm::Header h;
  h.rootOffset = pm::kHeaderSize;
  h.rootLength = layout->root.size();
  h.metadataOffset = h.rootOffset + h.rootLength;
  h.metadataLength = metadataJson.size();
  h.leafOffset = h.metadataOffset + h.metadataLength;
  h.leafLength = layout->leaves.size();
  h.dataOffset = h.leafOffset + h.leafLength;
  h.dataLength = dataBytes;
  h.addressedTiles = tiles_.size();
  h.tileEntries = entries.size();
  h.tileContents = order.size();
  h.clustered = true;
  h.internalCompression = pm::kCompressionNone;
  h.tileCompression = options.gzipTiles ? pm::kCompressionGzip : pm::kCompressionNone;
  h.tileType = pm::kTileTypeUnknown;
  h.minZoom = info.minZoom;
  h.maxZoom = info.maxZoom;
  h.centerZoom = info.centerZoom;
  h.minLng = info.west;
  h.minLat = info.south;
  h.maxLng = info.east;
  h.maxLat = info.north;
  h.centerLng = info.centerLng;
  h.centerLat = info.centerLat;

  if (!section_.empty())  // same size: only the padded offset changes
    metadataJson =
        *withSection(plainMetadata, sectionKey_, sectionFormat_, h.dataOffset + h.dataLength, section_.size());

  const auto header = pm::encodeHeader(h);
  head_.reserve(h.dataOffset);
  head_.insert(head_.end(), header.begin(), header.end());
  head_.insert(head_.end(), layout->root.begin(), layout->root.end());
  head_.insert(head_.end(), metadataJson.begin(), metadataJson.end());
  head_.insert(head_.end(), layout->leaves.begin(), layout->leaves.end());

  stats_.fileBytes = h.dataOffset + h.dataLength + section_.size();
  stats_.sectionOffset = section_.empty() ? 0 : h.dataOffset + h.dataLength;
  stats_.sectionBytes = section_.size();
  stats_.rootBytes = h.rootLength;
  stats_.metadataBytes = h.metadataLength;
  stats_.leafBytes = h.leafLength;
  stats_.dataBytes = h.dataLength;
  stats_.rootEntries = layout->rootEntries;
  stats_.rootLeafPointers = layout->rootLeafPointers;
  stats_.leaves = layout->leafCount;
  stats_.addressedTiles = h.addressedTiles;
  stats_.tileEntries = h.tileEntries;
  stats_.tileContents = h.tileContents;
  finished_ = true;
  return true;
}

Result<bool> ArchiveBuilder::write(const fs::path& file) const {
  if (!finished_) return Error{"archive: write() before finish()"};
  FILE* f = std::fopen(file.c_str(), "wb");
  if (!f) return Error{"cannot create " + file.string() + ": " + std::strerror(errno)};
  bool ok = writeAll(f, head_.data(), head_.size());
  // The tile data, copied from the store in pieces.
  std::vector<uint8_t> piece;
  constexpr uint64_t kPiece = 4 << 20;
  std::string readError;
  for (uint64_t at = 0; ok && at < stored_.size(); at += kPiece) {
    const size_t n = size_t(std::min(kPiece, stored_.size() - at));
    if (auto r = stored_.read(at, n, piece); !r) {
      readError = r.error();
      break;
    }
    ok = writeAll(f, piece.data(), n);
  }
  ok = ok && readError.empty() && writeAll(f, section_.data(), section_.size());
  ok = ok && std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  const int err = errno;
  if (std::fclose(f) != 0 || !ok) {
    if (!readError.empty()) return Error{"cannot write " + file.string() + ": " + readError};
    return Error{"cannot write " + file.string() + ": " + std::strerror(ok ? errno : err)};
  }
  return true;
}

std::vector<uint8_t> ArchiveBuilder::bytes() const {
  std::vector<uint8_t> out;
  if (!finished_) return out;
  out.reserve(stats_.fileBytes);
  out.insert(out.end(), head_.begin(), head_.end());
  std::vector<uint8_t> data;
  if (!stored_.read(0, size_t(stored_.size()), data)) return {};
  out.insert(out.end(), data.begin(), data.end());
  out.insert(out.end(), section_.begin(), section_.end());
  return out;
}

std::string archiveSummary(const ArchiveStats& s) {
  char buf[768];
  std::snprintf(
      buf, sizeof buf,
      "archive: %s (%llu bytes): header 127 B, root directory %s (%llu entries, %llu of them leaf pointers), "
      "metadata %s, %llu leaf directories %s, tile data %s%s%s\n"
      "archive: %llu tiles in %llu entries, %llu distinct contents (%llu deduplicated, %s saved)\n",
      humanBytes(s.fileBytes).c_str(), (unsigned long long)s.fileBytes, humanBytes(s.rootBytes).c_str(),
      (unsigned long long)s.rootEntries, (unsigned long long)s.rootLeafPointers, humanBytes(s.metadataBytes).c_str(),
      (unsigned long long)s.leaves, humanBytes(s.leafBytes).c_str(), humanBytes(s.dataBytes).c_str(),
      s.gzipTiles ? (" (gzip, " + humanBytes(s.distinctRawBytes) + " uncompressed)").c_str() : "",
      s.sectionBytes
          ? (", routing graph " + humanBytes(s.sectionBytes) + " at byte " + std::to_string(s.sectionOffset)).c_str()
          : "",
      (unsigned long long)s.addressedTiles, (unsigned long long)s.tileEntries, (unsigned long long)s.tileContents,
      (unsigned long long)(s.addressedTiles - s.tileContents),
      humanBytes(s.inputTileBytes - s.distinctRawBytes).c_str());
  return buf;
}

}  // namespace citymap::ingest
