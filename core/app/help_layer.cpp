#include "app/help_layer.hpp"

#include <algorithm>
#include <cstdio>

#include "feeds/feed_batch.hpp"
#include "feeds/feed_reader.hpp"
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
    return Error{en ? "Your position is outside the area of this map."
                    : "Vị trí của bạn nằm ngoài khu vực của bản đồ này."};
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

int64_t HelpLayer::oldestMs() const {
  if (!past_.empty() && (history_.empty() || past_.oldestMs() < history_.oldestMs())) return past_.oldestMs();
  return history_.oldestMs();
}

void HelpLayer::replayAt(std::optional<int64_t> tMs) {
  if (!tMs || !hasHistory()) {
    if (replayT_) ++replayVersion_;
    replayT_.reset();
    speed_ = 0;
    return;
  }
  const int64_t newest = history_.empty() ? past_.newestMs() : history_.newestMs();
  const int64_t t = std::clamp(*tMs, oldestMs(), newest);
  if (replayT_ == t) return;
  replayT_ = t;
  // Before the live history: the past rebuilt from the history chunks.
  replayingPast_ = !past_.empty() && (history_.empty() || t < history_.oldestMs());
  if (replayingPast_)
    pastReplayer_->seek(t);
  else
    replayer_->seek(t);
  ++replayVersion_;
}

void HelpLayer::addHistoryPart(int64_t windowStartMs, uint32_t part, std::span<const uint8_t> payload) {
  historyWanted = true;  // they come (a desktop subscribes at once)
  const auto key = std::pair{windowStartMs, part};
  if (const auto it = parts_.find(key); it != parts_.end()) {
    pastBytes_ -= it->second.size();
    parts_.erase(it);
  }
  if (!payload.empty()) {
    if (auto n = feeds::checkFeedBatch(payload); !n) {
      pastError = "history part " + std::to_string(windowStartMs) + "/" + std::to_string(part) + ": " + n.error();
      return;
    }
    if (pastBytes_ + payload.size() > kMaxPastBytes) {
      pastError =
          "history: more than " + std::to_string(kMaxPastBytes >> 20) + " MiB of past parts; the oldest are left out";
      // Make room by dropping the oldest parts (the newest hours matter most).
      while (!parts_.empty() && pastBytes_ + payload.size() > kMaxPastBytes && parts_.begin()->first < key) {
        pastBytes_ -= parts_.begin()->second.size();
        parts_.erase(parts_.begin());
      }
      if (pastBytes_ + payload.size() > kMaxPastBytes) return;
    }
    pastBytes_ += payload.size();
    parts_.emplace(key, std::vector<uint8_t>(payload.begin(), payload.end()));
  }
  pastDirty_ = true;
  pastChangedMs_ = 0;  // tick() stamps it
}

void HelpLayer::rebuildPast() {
  pastDirty_ = false;
  // Every message of every part, in time order (their timestamps), through a store with the
  // live store's rules into a fresh history.
  struct Item {
    int64_t ts;
    std::string_view topic;
    std::span<const uint8_t> payload;
  };
  std::vector<Item> items;
  for (const auto& [key, bytes] : parts_)
    (void)feeds::forEachFramedMessage(bytes, [&](const feeds::FramedMessage& m) {
      auto decoded = feeds::decodeFeedMessage(m.payload);
      if (decoded) items.push_back({decoded->timestampMs, m.topic, m.payload});
    });
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.ts < b.ts; });
  pastMessages_ = items.size();
  pastReplayer_.reset();
  past_.clear();
  feeds::FeedStore scratch(live_.config());
  past_.attach(scratch);
  for (const Item& it : items) (void)scratch.ingest(it.topic, it.payload, it.ts);
  feeds::FeedHistory::detach(scratch);
  pastReplayer_ = std::make_unique<feeds::FeedReplayer>(past_);
  if (replayT_) {  // seek again in the new past
    const int64_t t = *replayT_;
    replayT_.reset();
    replayAt(t);
  }
  ++replayVersion_;
}

void HelpLayer::setSpeed(double speed) {
  speed_ = std::clamp(speed, 0.0, 3600.0);
  lastTickMs_ = 0;
}

bool HelpLayer::tick(double epochMs) {
  // History parts arriving: rebuild the past once they stop coming for 0.5 s.
  if (pastDirty_) {
    if (pastChangedMs_ == 0)
      pastChangedMs_ = epochMs;
    else if (epochMs - pastChangedMs_ >= 500)
      rebuildPast();
  }
  if (!replayT_ || speed_ <= 0) return pastDirty_;
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

const feeds::FeedStore& HelpLayer::shown() const {
  if (!replayT_) return live_;
  return replayingPast_ && pastReplayer_ ? pastReplayer_->store() : replayer_->store();
}

}  // namespace citymap::app
