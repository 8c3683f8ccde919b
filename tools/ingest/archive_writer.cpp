#include "ingest/archive_writer.hpp"
#include "ingest/progress.hpp"
#include "platform/zlib/gzip.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>
#include <unordered_map>

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

void ArchiveBuilder::add(const geo::TileID& id, std::vector<uint8_t> bytes) {
  tiles_.push_back({pm::tileId(id), std::move(bytes)});
  finished_ = false;
}

Result<bool> ArchiveBuilder::finish(const ArchiveInfo& info, const std::string& plainMetadata,
                                    const ArchiveOptions& options) {
  finished_ = false;
  std::string metadataJson = plainMetadata;
  if (!section_.empty()) {
    auto m = withSection(plainMetadata, sectionKey_, sectionFormat_, 0, section_.size());
    if (!m) return Error{"archive: the metadata is not a JSON object"};
    metadataJson = std::move(*m);
  }
  head_.clear();
  contents_.clear();
  stats_ = {};
  if (tiles_.empty()) return Error{"archive: no tiles to write"};
  std::sort(tiles_.begin(), tiles_.end(), [](const Tile& a, const Tile& b) { return a.id < b.id; });

  // Deduplicate by content (before compression) and run-length encode, in tile-id order
  // (clustered data).
  std::unordered_map<std::string_view, size_t> contentOf;  // raw bytes -> index into contents_
  std::vector<size_t> tileContent(tiles_.size());
  for (size_t i = 0; i < tiles_.size(); ++i) {
    const Tile& t = tiles_[i];
    const geo::TileID zxy = pm::tileFromId(t.id);
    if (t.id == pm::kInvalidTileId) return Error{"archive: tile id out of range"};
    if (i > 0 && tiles_[i - 1].id == t.id) return Error{"archive: tile " + zxy.path() + " added twice"};
    if (t.bytes.empty() || t.bytes.size() > UINT32_MAX)
      return Error{"archive: tile " + zxy.path() + " has " + std::to_string(t.bytes.size()) + " bytes"};
    stats_.inputTileBytes += t.bytes.size();
    const std::string_view key(reinterpret_cast<const char*>(t.bytes.data()), t.bytes.size());
    const auto [it, inserted] = contentOf.try_emplace(key, contents_.size());
    if (inserted) {
      contents_.push_back(i);
      stats_.distinctRawBytes += t.bytes.size();
    }
    tileContent[i] = it->second;
  }
  stored_.clear();
  stored_.reserve(contents_.size());
  std::vector<uint64_t> offsets;
  offsets.reserve(contents_.size());
  uint64_t dataBytes = 0;
  for (const size_t i : contents_) {
    stored_.push_back(options.gzipTiles ? zlib::gzip(tiles_[i].bytes) : tiles_[i].bytes);
    if (stored_.back().empty()) return Error{"archive: zlib could not compress a tile"};
    offsets.push_back(dataBytes);
    dataBytes += stored_.back().size();
  }
  stats_.gzipTiles = options.gzipTiles;
  std::vector<pm::Entry> entries;
  for (size_t i = 0; i < tiles_.size(); ++i) {
    const size_t c = tileContent[i];
    if (!entries.empty()) {
      pm::Entry& last = entries.back();
      if (last.offset == offsets[c] && last.tileId + last.runLength == tiles_[i].id && last.runLength < UINT32_MAX) {
        ++last.runLength;  // same bytes as the previous tile id: extend its run
        continue;
      }
    }
    entries.push_back({tiles_[i].id, offsets[c], uint32_t(stored_[c].size()), 1});
  }

  // Prefer header + root + metadata within the first request; else header + root only.
  const size_t fixed = pm::kHeaderSize + metadataJson.size();
  std::optional<Layout> layout;
  if (fixed < options.initialFetch) layout = plan(entries, options.initialFetch - fixed, options.leafEntries);
  if (!layout && pm::kHeaderSize < options.initialFetch)
    layout = plan(entries, options.initialFetch - pm::kHeaderSize, options.leafEntries);
  if (!layout) return Error{"archive: the root directory does not fit in the first " +
                            std::to_string(options.initialFetch) + " bytes"};

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
  h.tileContents = contents_.size();
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
    metadataJson = *withSection(plainMetadata, sectionKey_, sectionFormat_, h.dataOffset + h.dataLength, section_.size());

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
  for (size_t i = 0; ok && i < stored_.size(); ++i) ok = writeAll(f, stored_[i].data(), stored_[i].size());
  ok = ok && writeAll(f, section_.data(), section_.size());
  ok = ok && std::fflush(f) == 0 && fsync(fileno(f)) == 0;
  const int err = errno;
  if (std::fclose(f) != 0 || !ok) return Error{"cannot write " + file.string() + ": " + std::strerror(ok ? errno : err)};
  return true;
}

std::vector<uint8_t> ArchiveBuilder::bytes() const {
  std::vector<uint8_t> out;
  if (!finished_) return out;
  out.reserve(stats_.fileBytes);
  out.insert(out.end(), head_.begin(), head_.end());
  for (const auto& b : stored_) out.insert(out.end(), b.begin(), b.end());
  out.insert(out.end(), section_.begin(), section_.end());
  return out;
}

std::string archiveSummary(const ArchiveStats& s) {
  char buf[768];
  std::snprintf(buf, sizeof buf,
                "archive: %s (%llu bytes): header 127 B, root directory %s (%llu entries, %llu of them leaf pointers), "
                "metadata %s, %llu leaf directories %s, tile data %s%s%s\n"
                "archive: %llu tiles in %llu entries, %llu distinct contents (%llu deduplicated, %s saved)\n",
                humanBytes(s.fileBytes).c_str(), (unsigned long long)s.fileBytes, humanBytes(s.rootBytes).c_str(),
                (unsigned long long)s.rootEntries, (unsigned long long)s.rootLeafPointers, humanBytes(s.metadataBytes).c_str(),
                (unsigned long long)s.leaves, humanBytes(s.leafBytes).c_str(), humanBytes(s.dataBytes).c_str(),
                s.gzipTiles ? (" (gzip, " + humanBytes(s.distinctRawBytes) + " uncompressed)").c_str() : "",
                s.sectionBytes ? (", routing graph " + humanBytes(s.sectionBytes) + " at byte " + std::to_string(s.sectionOffset)).c_str() : "",
                (unsigned long long)s.addressedTiles, (unsigned long long)s.tileEntries,
                (unsigned long long)s.tileContents, (unsigned long long)(s.addressedTiles - s.tileContents),
                humanBytes(s.inputTileBytes - s.distinctRawBytes).c_str());
  return buf;
}

}  // namespace citymap::ingest
