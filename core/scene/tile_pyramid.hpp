#pragma once
// Which tiles the view needs, which are loaded, and what to draw meanwhile. Owns the tile
// cache (decoded and tessellated tiles, LRU by bytes). Requests go out through a callback;
// bytes come back through onTileData(), so the pyramid never does I/O itself.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "geo/camera.hpp"
#include "labels/placement.hpp"
#include "scene/tile_mesh.hpp"
#include "tile/tileset.hpp"

namespace citymap::scene {

// One tile to draw: `mesh` (possibly of an ancestor tile) drawn clipped to `target`. `data` is
// the verified tile the mesh was built from (null for an empty tile), for picking features.
struct DrawTile {
  geo::TileID target;
  std::shared_ptr<const TileMesh> mesh;
  std::shared_ptr<const tile::TileData> data;
};

// The label candidates of a draw list, for labels::Labeler::place (pointers into the meshes).
inline void labelTiles(const std::vector<DrawTile>& tiles, std::vector<labels::LabelTile>& out) {
  out.clear();
  for (const DrawTile& t : tiles)
    if (t.mesh) out.push_back({t.target, &t.mesh->labels});
}

struct PyramidStats {
  int idealTiles = 0;
  int loaded = 0;      // in cache
  int pending = 0;     // requested, not yet answered
  int failed = 0;      // decode or fetch errors since start
  size_t cacheBytes = 0;
  std::string lastError;
};

class TilePyramid {
 public:
  using RequestFn = std::function<void(const geo::TileID&)>;

  // `slots` (optional, outlives the pyramid) numbers the features of feature-state buckets.
  TilePyramid(tile::Tileset tileset, const style::Style& style, size_t cacheBudgetBytes = 96u << 20,
              FeatureIndex* slots = nullptr);

  // Picks the tile zoom for the camera, requests the missing tiles the (possibly turned)
  // viewport overlaps (nearest the centre first, at most maxPending in flight) and rebuilds the
  // draw list.
  void update(const geo::Camera& camera, const RequestFn& request);
  // Answer to a request: tile bytes (empty: no tile there), or an error. Returns false if the
  // tile was rejected.
  bool onTileData(const geo::TileID& id, Result<std::vector<uint8_t>> bytes);

  const std::vector<DrawTile>& drawList() const { return drawList_; }
  // True when every tile the view needs has been answered (loaded or failed).
  bool complete() const { return complete_; }
  const PyramidStats& stats() const { return stats_; }
  const tile::Tileset& tileset() const { return tileset_; }
  int tileZoomFor(double cameraZoom) const;

  static constexpr int kMaxPending = 12;

 private:
  struct Entry {
    enum class State : uint8_t { Pending, Loaded, Failed } state = State::Pending;
    std::shared_ptr<const TileMesh> mesh;
    std::shared_ptr<const tile::TileData> data;  // kept for picking (counted in the cache)
    uint64_t lastUsed = 0;
    size_t bytes() const { return (mesh ? mesh->byteSize() : 0) + (data ? data->byteSize() : 0); }
  };
  const Entry* loaded(const geo::TileID& id) const;
  void touch(const geo::TileID& id);
  void evict();

  tile::Tileset tileset_;
  const style::Style& style_;
  FeatureIndex* slots_;
  size_t budget_;
  std::unordered_map<geo::TileID, Entry> entries_;
  std::vector<DrawTile> drawList_;
  PyramidStats stats_;
  uint64_t frame_ = 0;
  bool complete_ = false;
};

}  // namespace citymap::scene
