#include "ingest/output_dir.hpp"

namespace citymap::ingest {

namespace fs = std::filesystem;

Result<OutputDir> OutputDir::prepare(const fs::path& target) {
  fs::path t = target.lexically_normal();
  if (t.has_filename() == false) t = t.parent_path();  // "out/" -> "out"
  if (t.empty() || t == "." || t == ".." || t == t.root_path())
    return Error{"refusing to use '" + target.string() + "' as the output directory"};
  std::error_code ec;
  if (fs::exists(t, ec)) {
    if (!fs::is_directory(t, ec)) return Error{"output path exists and is not a directory: " + t.string()};
    if (!fs::is_empty(t, ec) && !fs::exists(t / "tileset.json", ec))
      return Error{"refusing to replace " + t.string() + ": it is not empty and holds no tileset.json"};
  }
  OutputDir out;
  out.target_ = t;
  out.staging_ = fs::path(t.string() + ".tmp");
  if (fs::exists(out.staging_, ec)) {  // left over from an interrupted run
    fs::remove_all(out.staging_, ec);
    if (ec) return Error{"cannot remove old staging directory " + out.staging_.string() + ": " + ec.message()};
  }
  fs::create_directories(out.staging_, ec);
  if (ec) return Error{"cannot create output directory " + out.staging_.string() + ": " + ec.message()};
  return out;
}

Result<bool> OutputDir::commit() {
  std::error_code ec;
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
  fs::remove_all(staging_, ec);
}

}  // namespace citymap::ingest
