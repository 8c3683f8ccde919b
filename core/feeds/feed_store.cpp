#include "feeds/feed_store.hpp"

#include <algorithm>

namespace citymap::feeds {

namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
// Tombstones of kinds that never hide by age are kept this long.
constexpr int64_t kTombstoneMs = 24 * kHour;

template <typename Tables, typename F>
decltype(auto) withTable(Tables& tables, FeedKind kind, F&& f) {
  switch (kind) {
    case FeedKind::Traffic:
      return f(std::get<0>(tables));
    case FeedKind::Camera:
      return f(std::get<1>(tables));
    case FeedKind::Sensor:
      return f(std::get<2>(tables));
    case FeedKind::Incident:
      return f(std::get<3>(tables));
    case FeedKind::Bus:
      return f(std::get<4>(tables));
    case FeedKind::Shelter:
      return f(std::get<5>(tables));
    case FeedKind::Storm:
      break;
  }
  return f(std::get<6>(tables));
}

}  // namespace

std::array<Staleness, kFeedKindCount> defaultStaleness() {
  std::array<Staleness, kFeedKindCount> s{};
  s[size_t(FeedKind::Traffic)] = {2 * kMinute, 10 * kMinute};
  s[size_t(FeedKind::Camera)] = {2 * kMinute, 15 * kMinute};
  s[size_t(FeedKind::Sensor)] = {15 * kMinute, 60 * kMinute};
  s[size_t(FeedKind::Incident)] = {0, 0};  // by expiry, not by age
  s[size_t(FeedKind::Bus)] = {1 * kMinute, 5 * kMinute};
  s[size_t(FeedKind::Shelter)] = {30 * kMinute, 6 * kHour};
  // Storm bulletins come every 3 h (hourly near landfall): one may be late before it fades.
  s[size_t(FeedKind::Storm)] = {3 * kHour, 6 * kHour};
  return s;
}

FeedStore::FeedStore(FeedStoreConfig config)
    : config_(config), queue_(config.queueCapacity, config.queueMaxBytes, kMaxFeedMessageBytes) {}

void FeedStore::enqueue(std::string_view topic, std::span<const uint8_t> payload, int64_t receivedMs) {
  ++counters_.received;
  const uint64_t before = queue_.droppedOldest();
  if (queue_.push(topic, payload, receivedMs) == FeedQueue::Push::TooLarge) {
    ++counters_.droppedMalformed;
    lastError_ = "feed message: too large (" + std::to_string(payload.size()) + " bytes) or topic too long";
    return;
  }
  counters_.droppedQueueFull += queue_.droppedOldest() - before;
}

size_t FeedStore::drain(int64_t nowMs, size_t maxMessages) {
  size_t n = 0;
  while (n < maxMessages && queue_.pop(scratch_)) {
    (void)ingestImpl(scratch_.topic, scratch_.payload, nowMs);
    ++n;
  }
  return n;
}

IngestStatus FeedStore::drop(IngestStatus status, std::string error) {
  switch (status) {
    case IngestStatus::Malformed:
      ++counters_.droppedMalformed;
      break;
    case IngestStatus::Unknown:
      ++counters_.droppedUnknown;
      break;
    case IngestStatus::Stale:
      ++counters_.droppedStale;
      break;
    case IngestStatus::OutOfOrder:
      ++counters_.droppedOutOfOrder;
      break;
    case IngestStatus::Duplicate:
      ++counters_.droppedDuplicate;
      break;
    case IngestStatus::Accepted:
    case IngestStatus::Removed:
      break;
  }
  if (!error.empty()) lastError_ = std::move(error);
  return status;
}

IngestStatus FeedStore::ingest(std::string_view topic, std::span<const uint8_t> payload, int64_t nowMs) {
  ++counters_.received;
  return ingestImpl(topic, payload, nowMs);
}

IngestStatus FeedStore::ingestImpl(std::string_view topic, std::span<const uint8_t> payload, int64_t nowMs) {
  std::optional<FeedTopic> parsed;
  if (!topic.empty()) {
    parsed = parseFeedTopic(topic);
    if (!parsed) {
      if (const auto batch = parseFeedBatchTopic(topic)) return ingestBatch(&*batch, payload, nowMs);
      return drop(IngestStatus::Unknown, "feed message on an unknown topic: " + std::string(topic.substr(0, 128)));
    }
  } else if (looksLikeFeedBatch(payload)) {
    return ingestBatch(nullptr, payload, nowMs);
  }
  if (payload.empty()) {
    if (!parsed) return drop(IngestStatus::Malformed, "feed message: empty payload");
    removeEntity(parsed->kind, parsed->entityId, nowMs);
    if (listener_) listener_(parsed->kind, parsed->entityId, nullptr, nowMs);
    return IngestStatus::Removed;
  }
  DropReason reason = DropReason::Malformed;
  auto decoded = decodeFeedMessage(payload, &reason);
  if (!decoded)
    return drop(reason == DropReason::Unknown ? IngestStatus::Unknown : IngestStatus::Malformed, decoded.error());
  return applyImpl(*decoded, nowMs, parsed ? &*parsed : nullptr);
}

IngestStatus FeedStore::ingestBatch(const FeedBatchTopic* topic, std::span<const uint8_t> payload, int64_t nowMs) {
  if (payload.empty()) return drop(IngestStatus::Malformed, "feed batch: empty payload");
  DropReason reason = DropReason::Malformed;
  const auto where = [&](size_t i) {
    return "feed batch" + (topic ? " of " + std::string(kindName(topic->kind)) : std::string()) + ", update " +
           std::to_string(i) + ": ";
  };
  auto n = forEachFeedBatchMessage(
      payload,
      [&](size_t i, std::span<const uint8_t> bytes) {
        if (i > 0) ++counters_.received;  // the batch itself was counted once
        DropReason r = DropReason::Malformed;
        auto m = decodeFeedMessage(bytes, &r);
        if (!m) {
          (void)drop(r == DropReason::Unknown ? IngestStatus::Unknown : IngestStatus::Malformed, where(i) + m.error());
          return;
        }
        if (topic && m->kind() != topic->kind) {
          (void)drop(IngestStatus::Malformed, where(i) + "a " + std::string(kindName(m->kind())) + " message");
          return;
        }
        (void)applyImpl(*m, nowMs, nullptr);
      },
      &reason);
  if (!n) return drop(reason == DropReason::Unknown ? IngestStatus::Unknown : IngestStatus::Malformed, n.error());
  return IngestStatus::Accepted;
}

IngestStatus FeedStore::checkOrder(const EntityMeta* current, const Tombstone* tomb, const FeedMessage& m) const {
  const auto check = [&](const std::string& source, uint64_t sequence, int64_t timestampMs) {
    if (m.source == source) {
      if (m.sequence == sequence) return IngestStatus::Duplicate;
      if (m.sequence < sequence) return IngestStatus::OutOfOrder;
    } else {
      if (m.timestampMs == timestampMs) return IngestStatus::Duplicate;
      if (m.timestampMs < timestampMs) return IngestStatus::OutOfOrder;
    }
    return IngestStatus::Accepted;
  };
  if (current) return check(current->source, current->sequence, current->timestampMs);
  if (tomb) return check(tomb->source, tomb->sequence, tomb->timestampMs);
  return IngestStatus::Accepted;
}

int64_t FeedStore::tombstoneUntil(FeedKind kind, const EntityMeta& meta, int64_t expiryMs) const {
  if (kind == FeedKind::Incident && expiryMs > 0) return expiryMs;
  const int64_t hide = config_.staleness[size_t(kind)].hideMs;
  return meta.timestampMs + (hide > 0 ? hide : kTombstoneMs);
}

void FeedStore::removeEntity(FeedKind kind, uint64_t id, int64_t nowMs) {
  withTable(tables_, kind, [&](auto& table) {
    auto it = table.find(id);
    if (it == table.end()) return;
    int64_t expiry = 0;
    if constexpr (std::is_same_v<std::decay_t<decltype(it->second.value)>, Incident>)
      expiry = it->second.value.expiryMs;
    const EntityMeta& meta = it->second.meta;
    tombstones_[size_t(kind)][id] = {meta.source, meta.sequence, meta.timestampMs,
                                     std::max(tombstoneUntil(kind, meta, expiry), nowMs)};
    table.erase(it);
    ++counters_.removed;
  });
}

IngestStatus FeedStore::apply(const FeedMessage& m, int64_t nowMs, const FeedTopic* topic) {
  ++counters_.received;
  return applyImpl(m, nowMs, topic);
}

IngestStatus FeedStore::applyImpl(const FeedMessage& m, int64_t nowMs, const FeedTopic* topic) {
  const FeedKind kind = m.kind();
  const uint64_t id = m.entityId();
  if (topic && (topic->kind != kind || topic->entityId != id))
    return drop(IngestStatus::Malformed, "feed message: topic names " + std::string(kindName(topic->kind)) + "/" +
                                             std::to_string(topic->entityId) + " but the payload is " +
                                             std::string(kindName(kind)) + "/" + std::to_string(id));
  if (m.timestampMs > nowMs + config_.maxFutureMs) return drop(IngestStatus::Stale);
  const Staleness& st = config_.staleness[size_t(kind)];
  if (st.hideMs > 0 && nowMs - m.timestampMs > st.hideMs) return drop(IngestStatus::Stale);
  const Incident* incident = std::get_if<Incident>(&m.payload);
  if (incident && incident->expiryMs <= nowMs) return drop(IngestStatus::Stale);

  auto& tombs = tombstones_[size_t(kind)];
  const auto tombIt = tombs.find(id);
  const Tombstone* tomb = tombIt == tombs.end() ? nullptr : &tombIt->second;

  return withTable(tables_, kind, [&](auto& table) -> IngestStatus {
    using Stored = std::decay_t<decltype(table.begin()->second)>;
    using Value = std::decay_t<decltype(Stored::value)>;
    const Value& value = std::get<Value>(m.payload);
    auto it = table.find(id);
    const IngestStatus order = checkOrder(it == table.end() ? nullptr : &it->second.meta, tomb, m);
    if (order != IngestStatus::Accepted) return drop(order);

    ++counters_.accepted;
    newestTimestampMs_ = std::max(newestTimestampMs_, m.timestampMs);
    sawSimulated_ = sawSimulated_ || m.simulated;
    if (tomb) tombs.erase(tombIt);
    if (incident && incident->cancelled) {
      if (it == table.end()) it = table.emplace(id, Stored{}).first;
      it->second.meta = {m.source, m.sequence, m.timestampMs, nowMs, m.simulated};
      it->second.value = value;
      removeEntity(kind, id, nowMs);
      if (listener_) listener_(kind, id, &m, nowMs);
      return IngestStatus::Removed;
    }
    if (it == table.end()) {
      it = table.emplace(id, Stored{}).first;
    } else if constexpr (std::is_same_v<Stored, BusTrack>) {
      // Keep the previous fix for interpolation when this is the same trip moving plausibly.
      const BusFix before{it->second.value.position, it->second.meta.timestampMs};
      const BusFix now{value.position, m.timestampMs};
      if (it->second.value.tripId == value.tripId && plausibleMove(before, now, config_.bus))
        it->second.previous = before;
      else
        it->second.previous.reset();
    }
    Stored& e = it->second;
    e.value = value;
    e.meta.source = m.source;
    e.meta.sequence = m.sequence;
    e.meta.timestampMs = m.timestampMs;
    e.meta.receivedMs = nowMs;
    e.meta.simulated = m.simulated;
    if (listener_) listener_(kind, id, &m, nowMs);
    return IngestStatus::Accepted;
  });
}

void FeedStore::prune(int64_t nowMs) {
  for (int k = 0; k < kFeedKindCount; ++k) {
    const auto kind = static_cast<FeedKind>(k);
    const Staleness& st = config_.staleness[size_t(k)];
    withTable(tables_, kind, [&](auto& table) {
      std::erase_if(table, [&](const auto& kv) {
        if constexpr (std::is_same_v<std::decay_t<decltype(kv.second.value)>, Incident>)
          if (kv.second.value.expiryMs <= nowMs) return true;
        return st.hideMs > 0 && nowMs - kv.second.meta.timestampMs > st.hideMs;
      });
    });
    std::erase_if(tombstones_[size_t(k)], [&](const auto& kv) { return kv.second.untilMs <= nowMs; });
  }
}

void FeedStore::clear() {
  std::apply([](auto&... t) { (t.clear(), ...); }, tables_);
  for (auto& t : tombstones_) t.clear();
  queue_.clear();
  newestTimestampMs_ = 0;
}

size_t FeedStore::count(FeedKind kind) const {
  return withTable(tables_, kind, [](const auto& table) { return table.size(); });
}

size_t FeedStore::totalCount() const {
  return std::apply([](const auto&... t) { return (t.size() + ...); }, tables_);
}

Freshness FeedStore::freshness(FeedKind kind, int64_t timestampMs, int64_t nowMs) const {
  const Staleness& st = config_.staleness[size_t(kind)];
  const int64_t age = nowMs - timestampMs;
  if (st.hideMs > 0 && age > st.hideMs) return Freshness::Hidden;
  if (st.hideMs <= 0 || age <= st.freshMs) return Freshness::Fresh;
  return Freshness::Fading;
}

float FeedStore::fade(FeedKind kind, int64_t timestampMs, int64_t nowMs) const {
  const Staleness& st = config_.staleness[size_t(kind)];
  switch (freshness(kind, timestampMs, nowMs)) {
    case Freshness::Fresh:
      return 1.0f;
    case Freshness::Hidden:
      return 0.0f;
    case Freshness::Fading:
      break;
  }
  const double span = static_cast<double>(std::max<int64_t>(st.hideMs - st.freshMs, 1));
  const double f = 1.0 - static_cast<double>(nowMs - timestampMs - st.freshMs) / span;
  return static_cast<float>(std::clamp(f, 0.0, 1.0));
}

std::vector<const Entity<Incident>*> FeedStore::alerts(int64_t nowMs) const {
  std::vector<const Entity<Incident>*> out;
  for (const auto& [id, e] : incidents())
    if (e.value.expiryMs > nowMs) out.push_back(&e);
  std::sort(out.begin(), out.end(), [](const Entity<Incident>* a, const Entity<Incident>* b) {
    if (a->value.severity != b->value.severity) return a->value.severity > b->value.severity;
    if (a->value.startMs != b->value.startMs) return a->value.startMs > b->value.startMs;
    return a->value.incidentId < b->value.incidentId;
  });
  return out;
}

std::optional<BusPose> FeedStore::busPose(uint64_t vehicleId, int64_t tMs) const {
  const auto it = buses().find(vehicleId);
  if (it == buses().end()) return std::nullopt;
  const BusTrack& b = it->second;
  return interpolateBus(b.previous, BusFix{b.value.position, b.meta.timestampMs}, b.value.bearingDeg, tMs, config_.bus);
}

}  // namespace citymap::feeds
