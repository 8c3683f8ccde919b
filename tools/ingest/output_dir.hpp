#pragma once
// Atomic replacement of the output: a folder tileset or, when the target ends in ".pmtiles", one
// PMTiles archive (archive_writer.hpp). Everything is written to "<TARGET>.tmp" (a directory,
// or the archive file), which replaces TARGET only once complete, so a reader never sees a
// half-written tileset and a failed run leaves the previous output as it was.
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "ingest/archive_writer.hpp"
#include "ingest/tile_writer.hpp"

namespace citymap::ingest {

class OutputDir {
 public:
  // Checks that `target` may be replaced and creates a fresh staging directory (or an empty
  // staging archive) next to it. A folder target must be absent, empty, or a previous tileset
  // containing tileset.json; an archive target absent, empty, or a previous PMTiles file.
  static Result<OutputDir> prepare(const std::filesystem::path& target, bool gzipTiles = true);

  bool isArchive() const { return archive_; }
  const std::filesystem::path& staging() const { return staging_; }
  const std::filesystem::path& target() const { return target_; }

  // Another output file (e.g. "search.json"): inside the folder, or beside the archive as
  // "<name of the archive without .pmtiles>.<name>" (danang.pmtiles -> danang.search.json),
  // staged as "<that>.tmp" and renamed by commit().
  Result<bool> writeFile(const std::string& name, const std::string& text);
  // The walking graph (routing_graph.hpp, encoded): routing.cmg in the folder (pass its size
  // in TilesetInfo::routingBytes to finish() so tileset.json names it), or a section after the
  // archive's tile data, named in the archive's metadata as "citymap_routing".
  Result<bool> writeRouting(std::vector<uint8_t> bytes);
  // Writes the metadata: tileset.json into the staging folder, or the whole archive (the tiles
  // kept by writeTiles(OutputDir&, ...) plus its metadata) into the staging file.
  Result<bool> finish(const TilesetInfo& info);
  // The archive's layout and sizes after finish() (empty for a folder).
  std::string summary() const;
  const ArchiveStats* archiveStats() const { return archive_ && finished_ ? &archiveBuilder_.stats() : nullptr; }

  // Moves the staging directory or file into place (the previous output is replaced).
  Result<bool> commit();
  // Removes the staging directory or file (after a failure).
  void discard();

 private:
  friend Result<std::vector<ZoomStats>> writeTiles(OutputDir& out, const std::vector<Feature>& features,
                                                   const TileMap& tiles, const std::vector<TileRange>& ranges,
                                                   uint16_t extent, unsigned threads,
                                                   const std::function<void(double)>& progress);
  std::filesystem::path target_, staging_;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> sidecars_;  // archive: staged, final
  bool archive_ = false;
  bool finished_ = false;
  ArchiveBuilder archiveBuilder_;
  bool gzipTiles_ = true;
};

// Writes every tile of `ranges`: files under out.staging() for a folder, into memory for an
// archive (written by out.finish()). `progress`, if set, gets the fraction done now and then.
Result<std::vector<ZoomStats>> writeTiles(OutputDir& out, const std::vector<Feature>& features, const TileMap& tiles,
                                          const std::vector<TileRange>& ranges, uint16_t extent, unsigned threads,
                                          const std::function<void(double)>& progress = {});

}  // namespace citymap::ingest
