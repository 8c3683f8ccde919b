#pragma once
// One tiled layer of the map: a tile source (a PMTiles archive or a folder) and the pyramid of
// its tiles. The base map and each overlay are one each. It opens the source, asks for the
// tiles the view needs, and when the archive changed on the server (a new ETag) opens the new
// version and keeps drawing the old tiles until the new ones cover the view (never mixed).
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "geo/camera.hpp"
#include "scene/feature_index.hpp"
#include "scene/tile_pyramid.hpp"
#include "source/tile_source.hpp"
#include "style/style.hpp"

namespace citymap::app {

class TileLayer {
 public:
  struct Hooks {
    source::Fetch fetch;
    source::CancelFetch cancel;
    // The tileset opened (`reload`: a new version of an open archive); the pyramid exists.
    std::function<void(const tile::Tileset&, bool reload)> opened;
    // The source could not open (not for a version that changed again while reopening).
    std::function<void(const std::string& error)> failed;
    // A tile's bytes arrived, before they are meshed; then after (`ok`: accepted).
    std::function<void()> tileFetched;
    std::function<void(bool ok)> tileMeshed;
    std::function<void()> changed;  // something arrived: draw again
    std::function<double()> nowMs;  // the platform's monotonic clock (retry backoffs)
  };
  // `style` must outlive the layer or the next setStyle; `slots` (optional) gives features the
  // feature-state slots (live traffic colours).
  TileLayer(std::string url, const style::Style& style, size_t cacheBudget, scene::FeatureIndex* slots, Hooks hooks);

  const std::string& url() const { return url_; }
  // Opens the source (once; again after the archive changed).
  void open();
  bool opened() const { return source_ != nullptr; }
  // Requests and cancels for the view, retries failed tiles that are due.
  void update(const geo::Camera& camera, double nowMs);
  // When the next failed tile in view is due (monotonic ms; +inf: none).
  double nextRetryMs() const;
  // The tiles to draw: the old version's while a reload has not covered the view yet.
  const std::vector<scene::DrawTile>& tiles() const;
  // Null until the tileset has opened.
  const scene::TilePyramid* pyramid() const { return pyramid_.get(); }
  // The view's tiles are all answered (or the source failed to open).
  bool settled() const { return pyramid_ ? pyramid_->complete() : !error_.empty(); }
  void setStyle(const style::Style& style);
  // The last error: the source's, or a rejected tile's.
  const std::string& error() const { return error_; }
  uint64_t reloads() const { return reloads_; }
  // Counters over every version opened (a new pyramid starts at zero).
  uint64_t errors() const { return before_.errors + (pyramid_ ? pyramid_->stats().errors : 0); }
  uint64_t retries() const { return before_.retries + (pyramid_ ? pyramid_->stats().retries : 0); }
  uint64_t cancelled() const { return before_.cancelled + (pyramid_ ? pyramid_->stats().cancelled : 0); }

 private:
  void onTileset(Result<tile::Tileset> tileset);
  void reload(const std::string& why);
  uint64_t request(const geo::TileID& id);

  std::string url_;
  const style::Style* style_;
  size_t cacheBudget_;
  scene::FeatureIndex* slots_;
  Hooks hooks_;
  std::unique_ptr<source::TileSource> source_;
  std::unique_ptr<scene::TilePyramid> pyramid_;
  std::unique_ptr<scene::TilePyramid> retired_;  // the old version during a reload
  bool reloading_ = false;
  uint64_t reloads_ = 0;
  struct {
    uint64_t errors = 0, retries = 0, cancelled = 0;
  } before_;
  std::string error_;
};

}  // namespace citymap::app
