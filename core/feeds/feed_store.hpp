#pragma once
// The client's live state: the latest verified message per entity, keyed by (kind, entity id).
//
// - Transports hand raw payloads to enqueue() (a bounded queue: the oldest are dropped and
//   counted when it is full); the frame loop calls drain(now) to decode and apply them.
// - Ordering: from the same source a lower sequence number is out of order and an equal one a
//   duplicate; from another source an older timestamp is out of order. Both are dropped.
// - Staleness by message timestamp against the clock passed in, per kind: fresh, then fading,
//   then hidden (prune() forgets hidden entities and expired incidents). Messages already past
//   the hide threshold when they arrive (old retained messages of a dead publisher) or with an
//   expired incident are dropped as stale: nothing old is shown as if it were live.
// - Malformed, unverifiable and unknown messages are counted and dropped; they never change
//   the state.
// No GL, no I/O, no threads.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "feeds/bus_motion.hpp"
#include "feeds/feed_queue.hpp"
#include "feeds/feed_reader.hpp"
#include "feeds/feed_types.hpp"
#include "feeds/topic.hpp"

namespace citymap::feeds {

enum class Freshness : uint8_t { Fresh, Fading, Hidden };

// Ages of a message (now - timestamp) in ms: up to freshMs it is fresh, then it fades, and
// after hideMs it is hidden. hideMs <= 0: never hidden by age (incidents live until expiry).
struct Staleness {
  int64_t freshMs = 0;
  int64_t hideMs = 0;
};

std::array<Staleness, kFeedKindCount> defaultStaleness();

struct FeedStoreConfig {
  std::array<Staleness, kFeedKindCount> staleness = defaultStaleness();
  size_t queueCapacity = 4096;             // messages
  size_t queueMaxBytes = 4 * 1024 * 1024;  // payload bytes
  int64_t maxFutureMs = 5 * 60'000;        // timestamps further ahead of the clock are dropped
  BusMotionLimits bus;
};

struct FeedCounters {
  uint64_t received = 0;           // messages handed to the store (queued or direct)
  uint64_t accepted = 0;           // applied to the state (including cancellations)
  uint64_t removed = 0;            // entities removed: cleared retained topics, cancelled incidents
  uint64_t droppedMalformed = 0;   // verification or semantic checks failed, topic mismatch, too large
  uint64_t droppedUnknown = 0;     // newer version, payload type or enum value; unknown topic
  uint64_t droppedStale = 0;       // past the hide threshold or expired on arrival, or from the future
  uint64_t droppedOutOfOrder = 0;  // older than the state already held for the entity
  uint64_t droppedDuplicate = 0;   // the same message again
  uint64_t droppedQueueFull = 0;   // dropped from the ingest queue to make room
  uint64_t dropped() const {
    return droppedMalformed + droppedUnknown + droppedStale + droppedOutOfOrder + droppedDuplicate + droppedQueueFull;
  }
};

enum class IngestStatus : uint8_t { Accepted, Removed, Malformed, Unknown, Stale, OutOfOrder, Duplicate };

struct EntityMeta {
  std::string source;
  uint64_t sequence = 0;
  int64_t timestampMs = 0;  // the message's
  int64_t receivedMs = 0;   // the store clock when it was applied
  bool simulated = false;
  friend bool operator==(const EntityMeta&, const EntityMeta&) = default;
};

template <typename T>
struct Entity {
  T value;
  EntityMeta meta;
  friend bool operator==(const Entity&, const Entity&) = default;
};

// A vehicle: its last report and, when plausible, the fix before it (same trip, moving at a
// possible speed) for interpolation.
struct BusTrack : Entity<BusReport> {
  std::optional<BusFix> previous;
  friend bool operator==(const BusTrack&, const BusTrack&) = default;
};

template <typename T>
using EntityMap = std::unordered_map<uint64_t, T>;

class FeedStore {
 public:
  explicit FeedStore(FeedStoreConfig config = {});

  const FeedStoreConfig& config() const { return config_; }

  // --- input ---------------------------------------------------------------------------------
  // Transport callback: copies the message into the bounded queue (cheap, never decodes).
  void enqueue(std::string_view topic, std::span<const uint8_t> payload, int64_t receivedMs);
  // Decodes and applies up to maxMessages queued messages; returns how many were processed.
  size_t drain(int64_t nowMs, size_t maxMessages = SIZE_MAX);
  size_t queued() const { return queue_.size(); }

  // Decodes and applies one message now. `topic` may be empty (no topic check); an empty
  // payload on a feed topic removes that entity (MQTT's way of clearing a retained message).
  // A batch (a "CMB1" payload on citymap/v1/<city>/<kind>/batch, or with an empty topic) is
  // verified whole, then each of its messages is decoded and applied in order as if it had come
  // on its entity's topic (each counted as received and accepted or dropped on its own; every
  // one must be of the topic's kind). A refused batch changes nothing and counts as one
  // malformed or unknown message. For a batch the result is Accepted once it verified.
  IngestStatus ingest(std::string_view topic, std::span<const uint8_t> payload, int64_t nowMs);
  // Applies a decoded (verified) message. If `topic` is given, it must name the same entity.
  IngestStatus apply(const FeedMessage& message, int64_t nowMs, const FeedTopic* topic = nullptr);

  // Called after every change the store applies: an accepted message (`message` set, a
  // cancelled incident included) or an entity removed because its retained topic was cleared
  // (`message` null). The feed history records through it. At most one listener.
  using ChangeListener = std::function<void(FeedKind kind, uint64_t id, const FeedMessage* message, int64_t nowMs)>;
  void setChangeListener(ChangeListener listener) { listener_ = std::move(listener); }

  // Forgets hidden entities, expired incidents and old tombstones.
  void prune(int64_t nowMs);
  // Drops every entity (e.g. when switching cities); counters stay.
  void clear();

  // --- state ---------------------------------------------------------------------------------
  const EntityMap<Entity<TrafficUpdate>>& traffic() const { return std::get<0>(tables_); }
  const EntityMap<Entity<CameraUpdate>>& cameras() const { return std::get<1>(tables_); }
  const EntityMap<Entity<SensorReading>>& sensors() const { return std::get<2>(tables_); }
  const EntityMap<Entity<Incident>>& incidents() const { return std::get<3>(tables_); }
  const EntityMap<BusTrack>& buses() const { return std::get<4>(tables_); }
  const EntityMap<Entity<ShelterStatus>>& shelters() const { return std::get<5>(tables_); }
  const EntityMap<Entity<StormReport>>& storms() const { return std::get<6>(tables_); }
  size_t count(FeedKind kind) const;
  size_t totalCount() const;

  Freshness freshness(FeedKind kind, int64_t timestampMs, int64_t nowMs) const;
  // 1 while fresh, falling linearly to 0 at the hide threshold (what a renderer multiplies its
  // alpha with); 1 for kinds that never hide.
  float fade(FeedKind kind, int64_t timestampMs, int64_t nowMs) const;

  // Incidents that have not expired at nowMs, most severe first, then newest start first.
  std::vector<const Entity<Incident>*> alerts(int64_t nowMs) const;
  // A vehicle's smooth pose at time tMs (render with a delay of about one report interval to
  // interpolate rather than extrapolate). nullopt if unknown.
  std::optional<BusPose> busPose(uint64_t vehicleId, int64_t tMs) const;

  const FeedCounters& counters() const { return counters_; }
  // Timestamp of the newest accepted message (0 = none yet): the UI shows its age.
  int64_t newestTimestampMs() const { return newestTimestampMs_; }
  // True once any accepted message was marked simulated.
  bool sawSimulated() const { return sawSimulated_; }
  // The last reason a message was dropped as malformed or unknown (for logs and the panel).
  const std::string& lastError() const { return lastError_; }

 private:
  struct Tombstone {
    std::string source;
    uint64_t sequence = 0;
    int64_t timestampMs = 0;
    int64_t untilMs = 0;
  };
  using Tables = std::tuple<EntityMap<Entity<TrafficUpdate>>, EntityMap<Entity<CameraUpdate>>,
                            EntityMap<Entity<SensorReading>>, EntityMap<Entity<Incident>>, EntityMap<BusTrack>,
                            EntityMap<Entity<ShelterStatus>>, EntityMap<Entity<StormReport>>>;
  static_assert(std::tuple_size_v<Tables> == size_t(kFeedKindCount), "one table per kind");

  IngestStatus ingestImpl(std::string_view topic, std::span<const uint8_t> payload, int64_t nowMs);
  IngestStatus ingestBatch(const FeedBatchTopic* topic, std::span<const uint8_t> payload, int64_t nowMs);
  IngestStatus applyImpl(const FeedMessage& message, int64_t nowMs, const FeedTopic* topic);
  IngestStatus drop(IngestStatus status, std::string error = {});
  IngestStatus checkOrder(const EntityMeta* current, const Tombstone* tomb, const FeedMessage& m) const;
  void removeEntity(FeedKind kind, uint64_t id, int64_t nowMs);
  int64_t tombstoneUntil(FeedKind kind, const EntityMeta& meta, int64_t expiryMs) const;

  FeedStoreConfig config_;
  FeedQueue queue_;
  FeedQueue::Item scratch_;
  Tables tables_;
  std::array<std::unordered_map<uint64_t, Tombstone>, kFeedKindCount> tombstones_;
  FeedCounters counters_;
  int64_t newestTimestampMs_ = 0;
  bool sawSimulated_ = false;
  std::string lastError_;
  ChangeListener listener_;
};

}  // namespace citymap::feeds
