#include "app/tile_layer.hpp"

#include <cstdio>
#include <utility>

namespace citymap::app {

TileLayer::TileLayer(std::string url, const style::Style& style, size_t cacheBudget, scene::FeatureIndex* slots,
                     Hooks hooks)
    : url_(std::move(url)), style_(&style), cacheBudget_(cacheBudget), slots_(slots), hooks_(std::move(hooks)) {}

void TileLayer::open() {
  if (source_) return;
  source_ = source::openSource(url_, hooks_.fetch, hooks_.cancel);
  source_->open([this](Result<tile::Tileset> tileset) { onTileset(std::move(tileset)); });
}

void TileLayer::onTileset(Result<tile::Tileset> tileset) {
  const bool reload = std::exchange(reloading_, false);
  if (!tileset) {
    if (reload && tileset.errorCode() == ErrorCode::Changed) return this->reload(tileset.error());  // changed again
    error_ = tileset.error();
    if (hooks_.failed) hooks_.failed(error_);
    if (hooks_.changed) hooks_.changed();
    return;
  }
  error_.clear();
  pyramid_ = std::make_unique<scene::TilePyramid>(std::move(tileset).value(), *style_, cacheBudget_, slots_);
  if (hooks_.opened) hooks_.opened(pyramid_->tileset(), reload);
  if (hooks_.changed) hooks_.changed();
}

// The archive changed on the server (a new ETag): its directories and tiles are of another
// version. Everything is fetched again from a new source; the old tiles are drawn until the new
// ones cover the view.
void TileLayer::reload(const std::string& why) {
  if (reloading_) return;
  std::fprintf(stderr, "citymap: %s: opening the new version\n", why.c_str());
  reloading_ = true;
  ++reloads_;
  error_.clear();  // the old version's: the new one is not settled until it opens
  if (pyramid_) {
    const scene::PyramidStats& ps = pyramid_->stats();
    before_.errors += ps.errors;
    before_.retries += ps.retries;
    before_.cancelled += ps.cancelled;
    retired_ = std::move(pyramid_);
  }
  source_.reset();  // cancels its fetches in flight
  open();
}

uint64_t TileLayer::request(const geo::TileID& id) {
  return source_->fetchTile(id, [this, id](Result<std::vector<uint8_t>> bytes) {
    if (!bytes && bytes.errorCode() == ErrorCode::Changed) return reload(bytes.error());
    if (hooks_.tileFetched) hooks_.tileFetched();
    const bool ok = pyramid_->onTileData(id, std::move(bytes), hooks_.nowMs ? hooks_.nowMs() : 0);
    if (!ok) {
      error_ = pyramid_->stats().lastError;
      std::fprintf(stderr, "citymap: %s: %s\n", url_.c_str(), error_.c_str());
    }
    if (hooks_.tileMeshed) hooks_.tileMeshed(ok);
    if (hooks_.changed) hooks_.changed();
  });
}

void TileLayer::update(const geo::Camera& camera, double nowMs) {
  if (pyramid_) {
    pyramid_->update(
        camera, nowMs, [this](const geo::TileID& id) { return request(id); },
        [this](uint64_t id) { source_->cancel(id); });
    if (retired_ && pyramid_->complete()) retired_.reset();  // the new version covers the view
  }
  if (retired_) retired_->update(camera, nowMs, [](const geo::TileID&) { return uint64_t(0); });
}

double TileLayer::nextRetryMs() const {
  return pyramid_ ? pyramid_->nextRetryMs() : std::numeric_limits<double>::infinity();
}

const std::vector<scene::DrawTile>& TileLayer::tiles() const {
  static const std::vector<scene::DrawTile> kNone;
  if (retired_ && (!pyramid_ || !pyramid_->complete())) return retired_->drawList();
  return pyramid_ ? pyramid_->drawList() : kNone;
}

void TileLayer::setStyle(const style::Style& style) {
  style_ = &style;
  if (pyramid_) pyramid_->setStyle(style);
  if (retired_) retired_->setStyle(style);
}

}  // namespace citymap::app
