#include "feedsim/traffic_load.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <utility>

#include "feeds/feed_reader.hpp"
#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"
#include "feedsim/noise.hpp"

namespace citymap::feedsim {

TrafficLoad::TrafficLoad(const CityData& data, std::string city, std::string source, uint64_t seed,
                         uint64_t firstSequence, uint32_t copies)
    : data_(data),
      city_(std::move(city)),
      source_(std::move(source)),
      seed_(seed),
      firstSequence_(firstSequence),
      copies_(std::clamp<uint32_t>(copies, 1, kMaxCopies)) {}

Outgoing TrafficLoad::make(uint64_t index, int64_t timestampMs) const {
  const size_t n = data_.roads.size();
  const size_t entities = n * copies_;
  const uint64_t entity = index % entities;
  const Road& road = data_.roads[entity % n];
  const uint64_t segmentId = road.id + (entity / n) * kCopyIdStep;
  const uint64_t pass = index / entities;
  // 15..100 % of the free-flow speed, new for every pass over the roads.
  const double factor = 0.15 + 0.85 * unit01(seed_, {0x10ad, segmentId, pass});
  feeds::TrafficUpdate t;
  t.segmentId = segmentId;
  t.freeFlowKmh = float(freeFlowKmh(road.highway));
  t.speedKmh = float(std::round(double(t.freeFlowKmh) * factor * 10) / 10);
  t.congestion = congestionFor(factor);

  feeds::FeedMessage m;
  m.source = source_;
  m.sequence = firstSequence_ + index;
  m.timestampMs = timestampMs;
  m.simulated = true;
  m.payload = t;
  Outgoing o;
  o.topic = feeds::feedTopic(city_, m.kind(), m.entityId());
  o.payload = feeds::encodeFeedMessage(m);
  o.simMs = timestampMs;
  o.message = std::move(m);
  return o;
}

LoadPublisher::LoadPublisher(std::string city, LoadBatching batching) : city_(std::move(city)), batching_(batching) {
  batching_.maxUpdates = std::clamp<size_t>(batching_.maxUpdates, 1, feeds::kMaxFeedBatchUpdates);
}

LoadPublisher::Route LoadPublisher::add(const Outgoing& update, int64_t nowMs, std::vector<LoadPublish>& out) {
  const uint64_t id = update.message ? update.message->entityId() : 0;
  bool retain = batching_.maxUpdates <= 1 || !update.message;
  if (!retain && batching_.retainIntervalMs > 0) {
    // The segment's turn for its retained topic: the first time, then every 0.5..1.5 intervals
    // (spread, so that the segments do not all come due in the same pass).
    auto [it, fresh] = nextRetainMs_.try_emplace(id, nowMs);
    if (fresh || nowMs >= it->second) {
      retain = true;
      const double spread = 0.5 + unit01(0x7e7a1, {id, uint64_t(nowMs)});
      it->second = nowMs + int64_t(double(batching_.retainIntervalMs) * spread);
    }
  }
  if (retain) {
    out.push_back({update.topic, update.payload, true, 1});
    return Route::Retained;
  }
  // Per update: the Update table and its vector's length and padding, about 24 bytes.
  const size_t cost = update.payload.size() + 24;
  if (!pending_.empty() && (pending_.size() >= batching_.maxUpdates || pendingBytes_ + cost > batching_.maxBytes))
    flush(nowMs, true, out);
  if (pending_.empty()) {
    firstMs_ = nowMs;
    pendingBytes_ = 64;
    ++batchesStarted_;
  }
  pending_.push_back(update.payload);
  pendingBytes_ += cost;
  if (pending_.size() >= batching_.maxUpdates) flush(nowMs, true, out);
  return Route::Batched;
}

void LoadPublisher::flush(int64_t nowMs, bool force, std::vector<LoadPublish>& out) {
  if (pending_.empty() || (!force && nowMs - firstMs_ < batching_.intervalMs)) return;
  std::vector<std::span<const uint8_t>> views(pending_.begin(), pending_.end());
  out.push_back(
      {feeds::feedBatchTopic(city_, feeds::FeedKind::Traffic), feeds::encodeFeedBatch(views), false, pending_.size()});
  pending_.clear();
  pendingBytes_ = 0;
}

}  // namespace citymap::feedsim
