#include "scene/tile_pyramid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

namespace citymap::scene {

TilePyramid::TilePyramid(tile::Tileset tileset, const style::Style& style, size_t cacheBudgetBytes, FeatureIndex* slots)
    : tileset_(std::move(tileset)), style_(&style), slots_(slots), budget_(cacheBudgetBytes) {}

int TilePyramid::tileZoomFor(double cameraZoom) const {
  return std::clamp(int(std::floor(cameraZoom)), tileset_.minZoom, tileset_.maxZoom);
}

const TilePyramid::Entry* TilePyramid::loaded(const geo::TileID& id) const {
  const auto it = entries_.find(id);
  return it != entries_.end() && it->second.state == Entry::State::Loaded ? &it->second : nullptr;
}

void TilePyramid::touch(const geo::TileID& id) {
  if (auto it = entries_.find(id); it != entries_.end()) it->second.lastUsed = frame_;
}

double TilePyramid::retryDelayMs(const geo::TileID& id, int attempt) {
  const double base = std::min(kMaxRetryDelayMs, 1000.0 * std::pow(2.0, std::clamp(attempt, 1, 16) - 1));
  // A fixed jitter per tile in [0.8, 1.2) (a hash of its address).
  uint64_t h = (uint64_t(id.z) << 58) ^ (uint64_t(id.x) << 29) ^ uint64_t(id.y);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return base * (0.8 + 0.4 * double(h % 1000) / 1000.0);
}

void TilePyramid::update(const geo::Camera& camera, double nowMs, const RequestFn& request, const CancelFn& cancel) {
  ++frame_;
  drawList_.clear();
  const int z = tileZoomFor(camera.zoom());
  const geo::WorldBox view = camera.visibleBounds();
  const geo::WorldBox data = tileset_.worldBounds();
  const geo::WorldBox box{std::max(view.minx, data.minx), std::max(view.miny, data.miny),
                          std::min(view.maxx, data.maxx), std::min(view.maxy, data.maxy)};
  std::vector<geo::TileID> ideal = geo::tilesCovering(box, uint8_t(z));
  // Turned, the box around the viewport holds up to twice its area: only the tiles the turned
  // viewport itself overlaps.
  if (camera.bearing() != 0)
    std::erase_if(ideal, [&camera](const geo::TileID& t) { return !camera.intersectsView(t.bounds()); });
  // Nearest the centre first: the middle of the screen fills in first.
  const geo::WorldPoint c = camera.center();
  const auto dist = [&c](const geo::TileID& t) {
    const geo::WorldBox b = t.bounds();
    const double dx = (b.minx + b.maxx) / 2 - c.x, dy = (b.miny + b.maxy) / 2 - c.y;
    return dx * dx + dy * dy;
  };
  std::sort(ideal.begin(), ideal.end(), [&](const auto& a, const auto& b) { return dist(a) < dist(b); });

  // Requests the view no longer needs are cancelled (a tile one zoom up of a needed one is kept:
  // it stands in while zooming in); failed tiles out of view are forgotten (asked afresh later).
  std::unordered_set<geo::TileID> wanted(ideal.begin(), ideal.end());
  if (z > 0)
    for (const geo::TileID& t : ideal) wanted.insert(t.ancestor(uint8_t(z - 1)));
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& e = it->second;
    if (e.state == Entry::State::Loaded || wanted.contains(it->first)) {
      ++it;
      continue;
    }
    if (e.state == Entry::State::Pending) {
      if (cancel && e.request) cancel(e.request);
      --stats_.pending;
      ++stats_.cancelled;
    }
    it = entries_.erase(it);
  }

  stats_.idealTiles = int(ideal.size());
  stats_.failed = 0;
  nextRetryMs_ = std::numeric_limits<double>::infinity();
  complete_ = true;
  std::vector<DrawTile> fallbacks;
  const auto ask = [&](const geo::TileID& t) {
    Entry& e = entries_[t];
    e.state = Entry::State::Pending;
    e.lastUsed = frame_;
    e.request = 0;
    ++stats_.pending;
    const uint64_t rid = request(t);  // may answer at once (no tile there)
    if (const auto it = entries_.find(t); it != entries_.end() && it->second.state == Entry::State::Pending)
      it->second.request = rid;
  };
  for (const geo::TileID& t : ideal) {
    const auto it = entries_.find(t);
    if (it == entries_.end() && stats_.pending < kMaxPending) {
      ask(t);
    } else if (it != entries_.end() && it->second.state == Entry::State::Failed && nowMs >= it->second.retryAtMs &&
               stats_.pending < kMaxPending) {
      ++stats_.retries;
      ask(t);
    }
    if (const Entry* e = loaded(t)) {
      touch(t);
      drawList_.push_back({t, e->mesh, e->data});
      continue;
    }
    if (const auto f = entries_.find(t); f != entries_.end() && f->second.state == Entry::State::Failed) {
      // Answered (the view is as complete as it can be now); a parent stands in until the retry.
      touch(t);
      ++stats_.failed;
      nextRetryMs_ = std::min(nextRetryMs_, f->second.retryAtMs);
    } else {
      complete_ = false;
    }
    // Meanwhile: the nearest loaded ancestor, clipped to this tile, else loaded children.
    bool covered = false;
    for (int pz = z - 1; pz >= tileset_.minZoom && !covered; --pz) {
      const geo::TileID p = t.ancestor(uint8_t(pz));
      if (const Entry* e = loaded(p)) {
        touch(p);
        fallbacks.push_back({t, e->mesh, e->data});
        covered = true;
      }
    }
    if (!covered && z < tileset_.maxZoom) {
      for (uint32_t dy = 0; dy < 2; ++dy)
        for (uint32_t dx = 0; dx < 2; ++dx) {
          const geo::TileID ch{uint8_t(z + 1), t.x * 2 + dx, t.y * 2 + dy};
          if (const Entry* e = loaded(ch)) {
            touch(ch);
            fallbacks.push_back({ch, e->mesh, e->data});
          }
        }
    }
  }
  drawList_.insert(drawList_.begin(), fallbacks.begin(), fallbacks.end());
  evict();
}

bool TilePyramid::onTileData(const geo::TileID& id, Result<std::vector<uint8_t>> bytes, double nowMs) {
  const auto found = entries_.find(id);
  if (found == entries_.end() || found->second.state != Entry::State::Pending) return true;  // not asked for
  auto& e = found->second;
  if (stats_.pending > 0) --stats_.pending;
  e.lastUsed = frame_;
  e.request = 0;
  const auto fail = [&](const std::string& why) {
    e.state = Entry::State::Failed;
    ++e.failures;
    e.retryAtMs = nowMs + retryDelayMs(id, e.failures);
    ++stats_.errors;
    stats_.lastError = "tile " + id.path() + ": " + why;
    return false;
  };
  if (!bytes) return fail(bytes.error());
  if (bytes->empty()) {  // the source has no tile here: loaded, nothing to draw
    auto empty = std::make_shared<TileMesh>();
    empty->id = id;
    empty->labels.id = id;
    empty->buckets.resize(style_->buckets.size());
    e.mesh = std::move(empty);
    e.state = Entry::State::Loaded;
    e.failures = 0;
    stats_.cacheBytes += e.bytes();
    ++stats_.loaded;
    return true;
  }
  auto decoded = tile::decodeTile(std::move(bytes).value(), id);
  if (!decoded) return fail(decoded.error());
  e.mesh = buildTileMesh(decoded.value(), *style_, slots_);
  e.data = std::make_shared<const tile::TileData>(std::move(decoded).value());
  e.state = Entry::State::Loaded;
  e.failures = 0;
  stats_.cacheBytes += e.bytes();
  ++stats_.loaded;
  return true;
}

void TilePyramid::setStyle(const style::Style& style) {
  const bool remesh = !style::sameBuckets(*style_, style);
  style_ = &style;
  if (!remesh) return;
  for (auto& [id, e] : entries_) {
    if (e.state != Entry::State::Loaded || !e.mesh) continue;
    stats_.cacheBytes -= std::min(stats_.cacheBytes, e.bytes());
    if (e.data) {
      e.mesh = buildTileMesh(*e.data, style, slots_);
    } else {
      auto empty = std::make_shared<TileMesh>(*e.mesh);
      empty->buckets.assign(style.buckets.size(), {});
      e.mesh = std::move(empty);
    }
    stats_.cacheBytes += e.bytes();
  }
  drawList_.clear();  // rebuilt by the next update() from the new meshes
}

void TilePyramid::evict() {
  if (stats_.cacheBytes <= budget_) return;
  std::vector<std::pair<uint64_t, geo::TileID>> order;
  for (const auto& [id, e] : entries_)
    if (e.state == Entry::State::Loaded && e.lastUsed < frame_) order.push_back({e.lastUsed, id});
  std::sort(order.begin(), order.end());
  for (const auto& [used, id] : order) {
    if (stats_.cacheBytes <= budget_) break;
    stats_.cacheBytes -= entries_[id].bytes();
    --stats_.loaded;
    entries_.erase(id);
  }
}

}  // namespace citymap::scene
