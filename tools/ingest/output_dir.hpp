#pragma once
// Atomic replacement of the output directory: everything is written into "<DIR>.tmp", which
// replaces DIR only once complete, so a reader never sees a half-written tileset.
#include <filesystem>

#include "base/result.hpp"

namespace citymap::ingest {

class OutputDir {
 public:
  // Checks that `target` may be replaced (absent, empty, or a previous tileset containing
  // tileset.json) and creates a fresh staging directory next to it.
  static Result<OutputDir> prepare(const std::filesystem::path& target);

  const std::filesystem::path& staging() const { return staging_; }
  const std::filesystem::path& target() const { return target_; }

  // Moves the staging directory into place (the previous output is removed).
  Result<bool> commit();
  // Removes the staging directory (after a failure).
  void discard();

 private:
  std::filesystem::path target_, staging_;
};

}  // namespace citymap::ingest
