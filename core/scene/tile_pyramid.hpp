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
  int loaded = 0;          // in cache
  int pending = 0;         // requested, not yet answered
  int failed = 0;          // failed, waiting for a retry (a parent or children stand in)
  uint64_t errors = 0;     // failed answers (fetch or decode) since the start
  uint64_t retries = 0;    // requests made again after a failure
  uint64_t cancelled = 0;  // requests cancelled because the view no longer needs them
  size_t cacheBytes = 0;
  std::string lastError;
};

class TilePyramid {
 public:
  // Starts a request and returns its id for CancelFn (0: answered already, or not cancellable).
  using RequestFn = std::function<uint64_t(const geo::TileID&)>;
  using CancelFn = std::function<void(uint64_t)>;

  // `slots` (optional, outlives the pyramid) numbers the features of feature-state buckets.
  // The base map's cache budget: decoded tiles and their meshes, counted by heap capacity (the
  // heap stays within it plus a little, tests/bench/memory_soak.cpp). A view needs 1-3 MiB; this
  // keeps about 1,700 Da Nang tiles, a phone's whole session.
  static constexpr size_t kDefaultCacheBudget = size_t(40) << 20;

  TilePyramid(tile::Tileset tileset, const style::Style& style, size_t cacheBudgetBytes = kDefaultCacheBudget,
              FeatureIndex* slots = nullptr);

  // Picks the tile zoom for the camera, requests the missing tiles the (possibly turned)
  // viewport overlaps (nearest the centre first, at most maxPending in flight), cancels requests
  // the view no longer needs, retries failed tiles whose backoff has run out (nowMs: the
  // platform's monotonic clock) and rebuilds the draw list.
  void update(const geo::Camera& camera, double nowMs, const RequestFn& request, const CancelFn& cancel = {});
  // Answer to a request: tile bytes (empty: no tile there), or an error (retried after a
  // backoff while the view needs the tile). Returns false if the tile was rejected. An answer
  // for a tile that is not being requested (cancelled, or from before a reload) is ignored.
  bool onTileData(const geo::TileID& id, Result<std::vector<uint8_t>> bytes, double nowMs = 0);
  // When the next failed tile in view is due for a retry (monotonic ms; +inf: none).
  double nextRetryMs() const { return nextRetryMs_; }
  // The backoff before retry number `attempt` (1, 2, ...) of `id`: 1 s doubling to 30 s, with
  // up to ±20% jitter (fixed per tile) so that many failed tiles do not retry in one burst.
  static double retryDelayMs(const geo::TileID& id, int attempt);

  const std::vector<DrawTile>& drawList() const { return drawList_; }
  // True when every tile the view needs has been answered (loaded or failed).
  bool complete() const { return complete_; }
  const PyramidStats& stats() const { return stats_; }
  const tile::Tileset& tileset() const { return tileset_; }
  // A new style (it must outlive the pyramid, or the next setStyle). Loaded tiles are meshed
  // again from their kept data when its buckets differ from the old style's (a theme that
  // changes paint only keeps the meshes); the draw list follows at the next update().
  void setStyle(const style::Style& style);
  int tileZoomFor(double cameraZoom) const;

  static constexpr int kMaxPending = 12;
  static constexpr double kMaxRetryDelayMs = 30000;

 private:
  struct Entry {
    enum class State : uint8_t { Pending, Loaded, Failed } state = State::Pending;
    std::shared_ptr<const TileMesh> mesh;
    std::shared_ptr<const tile::TileData> data;  // kept for picking (counted in the cache)
    uint64_t lastUsed = 0;
    uint64_t request = 0;  // Pending: the request's id, for cancelling it
    int failures = 0;      // failed answers in a row
    double retryAtMs = 0;  // Failed: when to ask again
    size_t bytes() const { return (mesh ? mesh->byteSize() : 0) + (data ? data->byteSize() : 0); }
  };
  const Entry* loaded(const geo::TileID& id) const;
  void touch(const geo::TileID& id);
  void evict();

  tile::Tileset tileset_;
  const style::Style* style_;
  FeatureIndex* slots_;
  size_t budget_;
  std::unordered_map<geo::TileID, Entry> entries_;
  std::vector<DrawTile> drawList_;
  PyramidStats stats_;
  uint64_t frame_ = 0;
  bool complete_ = false;
  double nextRetryMs_ = 0;
};

}  // namespace citymap::scene
