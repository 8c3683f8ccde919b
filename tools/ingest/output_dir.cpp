#include "ingest/output_dir.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace citymap::ingest {

namespace fs = std::filesystem;

namespace {

bool startsWithPmtilesMagic(const fs::path& file) {
  char magic[7] = {};
  FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) return false;
  const bool ok = std::fread(magic, 1, sizeof magic, f) == sizeof magic && std::memcmp(magic, "PMTiles", 7) == 0;
  std::fclose(f);
  return ok;
}

Result<bool> prepareArchive(const fs::path& t, const fs::path& staging) {
  std::error_code ec;
  if (fs::exists(t, ec)) {
    if (fs::is_directory(t, ec)) return Error{"output path exists and is a directory, not an archive: " + t.string()};
    if (!fs::is_regular_file(t, ec)) return Error{"output path exists and is not a regular file: " + t.string()};
    if (fs::file_size(t, ec) != 0 && !startsWithPmtilesMagic(t))
      return Error{"refusing to replace " + t.string() + ": it is not a PMTiles archive"};
  }
  if (fs::exists(staging, ec)) {  // left over from an interrupted run
    if (fs::is_directory(staging, ec))
      return Error{"refusing to replace the directory " + staging.string() + " with a staging archive"};
    fs::remove(staging, ec);
    if (ec) return Error{"cannot remove old staging archive " + staging.string() + ": " + ec.message()};
  }
  if (t.has_parent_path()) {
    fs::create_directories(t.parent_path(), ec);
    if (ec) return Error{"cannot create output directory " + t.parent_path().string() + ": " + ec.message()};
  }
  // Created now (empty) so that an unwritable destination fails before the inputs are read.
  FILE* f = std::fopen(staging.c_str(), "wb");
  if (!f) return Error{"cannot create " + staging.string() + ": " + std::strerror(errno)};
  std::fclose(f);
  return true;
}

}  // namespace

Result<OutputDir> OutputDir::prepare(const fs::path& target, bool gzipTiles) {
  fs::path t = target.lexically_normal();
  if (t.has_filename() == false) t = t.parent_path();  // "out/" -> "out"
  if (t.empty() || t == "." || t == ".." || t == t.root_path())
    return Error{"refusing to use '" + target.string() + "' as the output directory"};
  OutputDir out;
  out.target_ = t;
  out.staging_ = fs::path(t.string() + ".tmp");
  out.gzipTiles_ = gzipTiles;
  if (t.extension() == ".pmtiles") {
    if (auto p = prepareArchive(t, out.staging_); !p) return Error{p.error()};
    // The tiles wait in "<TARGET>.tmp.spill" (and ".spill.data"), removed when done: memory
    // stays proportional to the tile count, not the tile bytes.
    if (auto s = out.archiveBuilder_.spillTo(fs::path(out.staging_.string() + ".spill")); !s) return Error{s.error()};
    out.archive_ = true;
    return out;
  }
  std::error_code ec;
  if (fs::exists(t, ec)) {
    if (!fs::is_directory(t, ec)) return Error{"output path exists and is not a directory: " + t.string()};
    if (!fs::is_empty(t, ec) && !fs::exists(t / "tileset.json", ec))
      return Error{"refusing to replace " + t.string() + ": it is not empty and holds no tileset.json"};
  }
  if (fs::exists(out.staging_, ec)) {  // left over from an interrupted run
    fs::remove_all(out.staging_, ec);
    if (ec) return Error{"cannot remove old staging directory " + out.staging_.string() + ": " + ec.message()};
  }
  fs::create_directories(out.staging_, ec);
  if (ec) return Error{"cannot create output directory " + out.staging_.string() + ": " + ec.message()};
  return out;
}

Result<bool> OutputDir::writeFile(const std::string& name, const std::string& text) {
  if (!archive_) return writeTextFile(staging_ / name, text);
  const fs::path dest = target_.parent_path() / (target_.stem().string() + "." + name);
  const fs::path staged = fs::path(dest.string() + ".tmp");
  sidecars_.emplace_back(staged, dest);
  return writeTextFile(staged, text);
}

Result<bool> OutputDir::writeRouting(std::vector<uint8_t> bytes) {
  if (archive_) {
    archiveBuilder_.setSection(kRoutingKey, kRoutingFormat, std::move(bytes));
    return true;
  }
  return writeTextFile(staging_ / kRoutingFile, std::string(bytes.begin(), bytes.end()));
}

Result<bool> OutputDir::finish(const TilesetInfo& info) {
  if (!archive_) return writeTextFile(staging_ / "tileset.json", tilesetJson(info));
  ArchiveOptions options;
  options.gzipTiles = gzipTiles_;
  if (auto f = archiveBuilder_.finish(archiveInfo(info), tilesetJson(info, /*archive=*/true), options); !f) return f;
  if (auto w = archiveBuilder_.write(staging_); !w) return w;
  finished_ = true;
  return true;
}

std::string OutputDir::summary() const {
  const ArchiveStats* s = archiveStats();
  return s ? archiveSummary(*s) : std::string();
}

Result<bool> OutputDir::commit() {
  std::error_code ec;
  if (archive_) {
    // Side files first, so that whoever sees the new archive sees its side files too.
    for (const auto& [staged, dest] : sidecars_) {
      fs::rename(staged, dest, ec);
      if (ec) return Error{"cannot rename " + staged.string() + " to " + dest.string() + ": " + ec.message()};
    }
    fs::rename(staging_, target_, ec);  // replaces a previous archive atomically
    if (ec) return Error{"cannot rename " + staging_.string() + " to " + target_.string() + ": " + ec.message()};
    return true;
  }
  const fs::path old = fs::path(target_.string() + ".old");
  if (fs::exists(target_, ec)) {
    fs::remove_all(old, ec);
    fs::rename(target_, old, ec);
    if (ec) return Error{"cannot move the previous output " + target_.string() + " aside: " + ec.message()};
  }
  fs::rename(staging_, target_, ec);
  if (ec) return Error{"cannot rename " + staging_.string() + " to " + target_.string() + ": " + ec.message()};
  fs::remove_all(old, ec);
  return true;
}

void OutputDir::discard() {
  std::error_code ec;
  if (archive_) {
    fs::remove(staging_, ec);
    for (const auto& [staged, dest] : sidecars_) fs::remove(staged, ec);
  } else {
    fs::remove_all(staging_, ec);
  }
}

Result<std::vector<ZoomStats>> writeTiles(OutputDir& out, const std::vector<Feature>& features, const TileMap& tiles,
                                          const std::vector<TileRange>& ranges, uint16_t extent, unsigned threads,
                                          const std::function<void(double)>& progress) {
  if (!out.archive_) return writeTiles(out.staging_, features, tiles, ranges, extent, threads, progress);
  size_t total = 0;
  for (const TileRange& r : ranges) total += size_t(r.count());
  std::atomic<size_t> done{0};
  const auto tick = [&] {
    if (progress && (done.fetch_add(1, std::memory_order_relaxed) & 255) == 255)
      progress(double(done.load(std::memory_order_relaxed)) / double(total));
  };
  // Handed to the archive builder as they are built (under a lock: the builder keeps each
  // distinct content once, in its spill file, so memory does not grow with the tile bytes).
  // Tiles without features are left out: a tile the archive does not hold is an empty tile to
  // the client (source::TileSource), and skipping them keeps the directories small (on Da Nang
  // 16,550 of 21,590 tiles are empty).
  std::mutex mutex;
  auto stats = buildTiles(features, tiles, ranges, extent, threads,
                          [&](size_t, const geo::TileID& id, std::span<const uint8_t> bytes, std::string&) {
                            const auto it = tiles.find(id.key());
                            if (it != tiles.end() && !it->second.empty()) {
                              std::lock_guard lock(mutex);
                              out.archiveBuilder_.add(id, bytes);
                            }
                            tick();
                            return true;
                          });
  if (!stats) return stats;
  return stats;
}

}  // namespace citymap::ingest
