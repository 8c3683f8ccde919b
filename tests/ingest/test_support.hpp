#pragma once
// Helpers shared by the ingest tests: running citymap-ingest, temporary directories, loading
// and searching decoded tiles, expected tile-space positions.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/mercator.hpp"
#include "geo/tile_id.hpp"
#include "tile/feature_parts.hpp"
#include "tile/kinds.hpp"
#include "tile/tile_reader.hpp"

namespace citymap::ingest_test {

namespace fs = std::filesystem;

// The first executable called `name` on the PATH; empty if none.
inline std::string findProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  const std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  for (;;) {
    const size_t colon = dirs.find(':', start);
    const std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    if (colon == std::string::npos) return {};
    start = colon + 1;
  }
}

inline std::string ingestExe() {
  if (const char* env = std::getenv("CITYMAP_INGEST_EXE")) return env;
  return CITYMAP_INGEST_EXE;
}

struct RunResult {
  int exitCode = -1;
  std::string output;  // stdout and stderr, interleaved
};

// Runs a program (no shell) and collects its output. With maxFileBytes, the files it writes
// are limited to that size (writes beyond fail with EFBIG instead of killing it).
inline RunResult runProgram(const std::vector<std::string>& args, rlim_t maxFileBytes = RLIM_INFINITY) {
  RunResult result;
  int fds[2];
  if (pipe(fds) != 0) return result;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    if (maxFileBytes != RLIM_INFINITY) {
      std::signal(SIGXFSZ, SIG_IGN);  // kept across exec
      const rlimit limit{maxFileBytes, maxFileBytes};
      setrlimit(RLIMIT_FSIZE, &limit);
    }
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) result.output.append(buf, size_t(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

inline RunResult runIngest(std::vector<std::string> args) {
  args.insert(args.begin(), ingestExe());
  return runProgram(args);
}

class TempDir {
 public:
  explicit TempDir(std::string_view tag) {
    static int counter = 0;
    path_ = fs::temp_directory_path() / ("citymap-ingest-test-" + std::to_string(getpid()) + "-" +
                                         std::to_string(counter++) + "-" + std::string(tag));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(std::string_view name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline std::vector<uint8_t> readBytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeText(const fs::path& file, std::string_view text) { std::ofstream(file, std::ios::binary) << text; }

inline fs::path tilePath(const fs::path& dir, const geo::TileID& t) {
  return dir / std::to_string(t.z) / std::to_string(t.x) / (std::to_string(t.y) + ".cmt");
}

// The tile a folder tileset's file holds, from its path (.../z/x/y.cmt): format-2 tiles do not
// store their z/x/y, so they are decoded with this address.
inline geo::TileID tileIdOfFile(const fs::path& file) {
  const fs::path y = file.filename(), x = file.parent_path().filename(),
                 z = file.parent_path().parent_path().filename();
  return {uint8_t(std::stoi(z.string())), uint32_t(std::stoul(x.string())), uint32_t(std::stoul(y.stem().string()))};
}

// Decodes a folder tileset's tile file at its address.
inline Result<tile::TileData> decodeTileFile(const fs::path& file) {
  return tile::decodeTile(readBytes(file), tileIdOfFile(file));
}

inline std::optional<tile::TileData> loadTile(const fs::path& dir, const geo::TileID& t, std::string* error = nullptr) {
  auto decoded = tile::decodeTile(readBytes(tilePath(dir, t)), t);
  if (!decoded) {
    if (error) *error = decoded.error();
    return std::nullopt;
  }
  return std::move(decoded).value();
}

inline const fb::Feature* findFeature(const tile::TileData& t, std::string_view layer, uint64_t id) {
  const fb::Layer* l = t.layer(layer);
  if (!l || !l->features()) return nullptr;
  for (const fb::Feature* f : *l->features())
    if (f->id() == id) return f;
  return nullptr;
}

// Every feature of the layer whose name matches.
inline std::vector<const fb::Feature*> findByName(const tile::TileData& t, std::string_view layer,
                                                  std::string_view name) {
  std::vector<const fb::Feature*> out;
  const fb::Layer* l = t.layer(layer);
  if (!l || !l->features()) return out;
  for (const fb::Feature* f : *l->features())
    if (f->name() && f->name()->string_view() == name) out.push_back(f);
  return out;
}

struct Pt {
  double x = 0, y = 0;
};

// Tile-space position (extent units, y down) of a lon/lat in tile t.
inline Pt tilePos(geo::LngLat p, const geo::TileID& t, double extent = tile::kDefaultExtent) {
  const geo::WorldPoint w = geo::toWorld(p);
  const geo::WorldBox b = t.bounds();
  const double scale = extent / (b.maxx - b.minx);
  return {(w.x - b.minx) * scale, (w.y - b.miny) * scale};
}

inline geo::TileID tileOf(geo::LngLat p, uint8_t z) { return geo::tileAt(geo::toWorld(p), z); }

// Points of part `part` of a feature.
inline std::vector<Pt> partPoints(const fb::Feature& f, size_t part) {
  std::vector<Pt> out;
  size_t start = 0;
  for (size_t i = 0; i < part; ++i) start += tile::partSizes(f)[uint32_t(i)];
  const size_t n = tile::partSizes(f)[uint32_t(part)];
  for (size_t i = start; i < start + n; ++i)
    out.push_back({double(f.coords()->Get(flatbuffers::uoffset_t(2 * i))),
                   double(f.coords()->Get(flatbuffers::uoffset_t(2 * i + 1)))});
  return out;
}

// Twice the shoelace area in tile coordinates (positive: clockwise on screen).
inline double doubleArea(const std::vector<Pt>& ring) {
  double a = 0;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) a += ring[j].x * ring[i].y - ring[i].x * ring[j].y;
  return a;
}

inline bool pointInRing(const std::vector<Pt>& ring, Pt p) {
  bool inside = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
    if ((ring[i].y > p.y) != (ring[j].y > p.y) &&
        p.x < (ring[j].x - ring[i].x) * (p.y - ring[i].y) / (ring[j].y - ring[i].y) + ring[i].x)
      inside = !inside;
  return inside;
}

inline double distance(Pt a, Pt b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Every {z}/{x}/{y}.cmt below dir.
inline std::vector<fs::path> listTiles(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".cmt") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

inline constexpr uint64_t osmId(uint64_t id, int type) { return (id << 2) | uint64_t(type); }

}  // namespace citymap::ingest_test
