#include "app/help_layer.hpp"

#include <algorithm>
#include <cstdio>

#include "route/route_graph.hpp"

namespace citymap::app {

HelpLayer::HelpLayer(feeds::FeedStore& live, Fetch fetch) : live_(live), fetch_(std::move(fetch)) {
  history_.attach(live_);
  replayer_ = std::make_unique<feeds::FeedReplayer>(history_);
}

HelpLayer::~HelpLayer() {
  *alive_ = false;
  feeds::FeedHistory::detach(live_);
}

void HelpLayer::setTileset(const tile::Tileset& tileset, const std::string& tilesetUrl) {
  tileset_ = tileset;
  graphUrl_.clear();
  graphRange_.reset();
  graphError_.clear();
  if (!tileset.routing) {
    graphError_ = "this map has no walking graph (the archive was built with --no-routing or by an older ingest)";
    return;
  }
  const tile::TilesetSection& s = *tileset.routing;
  if (!s.path.empty()) {  // a folder: the file beside tileset.json
    graphUrl_ = tilesetUrl + (tilesetUrl.empty() || tilesetUrl.back() == '/' ? "" : "/") + s.path;
  } else {
    graphUrl_ = tilesetUrl;
    graphRange_ = source::ByteRange{s.offset, s.length};
  }
  if (graphRequested_) {  // help was asked for before the archive opened
    graphRequested_ = false;
    loadGraph();
  }
}

void HelpLayer::loadGraph() {
  if (graphRequested_ || help_.graph()) return;
  graphRequested_ = true;
  if (graphUrl_.empty()) return;  // no archive yet (setTileset loads it) or no graph
  graphLoading_ = true;
  std::weak_ptr<bool> alive = alive_;
  fetch_(graphUrl_, graphRange_, [this, alive](Result<std::vector<uint8_t>> bytes) {
    if (alive.expired()) return;
    graphLoading_ = false;
    if (!bytes) {
      graphError_ = "the walking graph could not be loaded: " + bytes.error();
      std::fprintf(stderr, "citymap: %s\n", graphError_.c_str());
      return;
    }
    auto graph = route::RouteGraph::load(*bytes);
    if (!graph) {
      graphError_ = graph.error();
      std::fprintf(stderr, "citymap: %s\n", graphError_.c_str());
      return;
    }
    help_.setGraph(std::make_shared<const route::RouteGraph>(std::move(graph).value()));
  });
}

Result<bool> HelpLayer::inArea(geo::LngLat p, bool en) const {
  if (!tileset_) return Error{en ? "The map is still loading." : "Bản đồ đang tải."};
  // The map's area with a margin of about 2 km: a hotel just outside the data still gets help.
  constexpr double kMargin = 0.02;
  const geo::LngLat lo = tileset_->boundsMin, hi = tileset_->boundsMax;
  if (p.lng < lo.lng - kMargin || p.lng > hi.lng + kMargin || p.lat < lo.lat - kMargin || p.lat > hi.lat + kMargin)
    return Error{en ? "Your position is outside the area of this map." : "Vị trí của bạn nằm ngoài khu vực của bản đồ này."};
  return true;
}

Result<bool> HelpLayer::showShelters(const help::Origin& from, bool en) {
  if (auto ok = inArea(from.point, en); !ok) return ok;
  pickingStart = false;
  help_.showShelters(from);
  loadGraph();
  return true;
}

Result<bool> HelpLayer::showRoads(const help::Origin& from, bool en) {
  if (auto ok = inArea(from.point, en); !ok) return ok;
  pickingStart = false;
  help_.showRoads(from);
  loadGraph();  // street names for the rows (the list works without it)
  return true;
}

bool HelpLayer::update(int64_t liveNowMs) { return help_.update(shown(), shownNowMs(liveNowMs)); }

void HelpLayer::replayAt(std::optional<int64_t> tMs) {
  if (!tMs || history_.empty()) {
    if (replayT_) ++replayVersion_;
    replayT_.reset();
    speed_ = 0;
    return;
  }
  const int64_t t = std::clamp(*tMs, history_.oldestMs(), history_.newestMs());
  if (replayT_ == t) return;
  replayT_ = t;
  replayer_->seek(t);
  ++replayVersion_;
}

void HelpLayer::setSpeed(double speed) {
  speed_ = std::clamp(speed, 0.0, 3600.0);
  lastTickMs_ = 0;
}

bool HelpLayer::tick(double epochMs) {
  if (!replayT_ || speed_ <= 0) return false;
  if (lastTickMs_ <= 0 || epochMs < lastTickMs_) {
    lastTickMs_ = epochMs;
    return true;
  }
  const double step = (epochMs - lastTickMs_) * speed_;
  lastTickMs_ = epochMs;
  const int64_t next = *replayT_ + int64_t(step);
  if (next >= history_.newestMs()) {
    replayAt(std::nullopt);  // caught up: live again
    return false;
  }
  replayAt(next);
  return true;
}

void HelpLayer::clearHistory() {
  replayAt(std::nullopt);
  history_.clear();
  replayer_ = std::make_unique<feeds::FeedReplayer>(history_);
}

const feeds::FeedStore& HelpLayer::shown() const { return replayT_ ? replayer_->store() : live_; }

}  // namespace citymap::app
