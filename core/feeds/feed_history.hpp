#pragma once
// The bounded history of the live feed states and their replay at a time T (the time slider).
//
// Recording: every change the live FeedStore applies (its change listener: an accepted
// message, a cancelled incident, an entity removed by a cleared retained topic) is appended to
// that entity's own timeline, stamped with the store clock of the change. Entities are
// independent in the store (its state for an entity depends only on that entity's changes), so
// the state at T is, per entity, its last change at or before T:
//   - traffic (the volume: thousands of updates a second) as fixed 16-byte records (store
//     time, speed, sequence, timestamp and congestion; source, simulated flag, free-flow speed
//     and the high bits in rarely changing per-segment runs);
//   - every other kind (FeedPayload's other alternatives, whatever they are: a new kind needs
//     nothing here) as its FlatBuffers encoding (feed_writer), most as the bytes that differ
//     from the entity's previous encoding (a full one at least every 16), decoded again on
//     replay; kept exactly. A message whose encoding does not decode to it again (apply() does
//     not verify) is kept as it is.
//
// Replay (FeedReplayer::seek, FeedHistory::replayInto): a FeedStore with the live store's
// configuration into which each entity's last change at or before T is applied again with its
// original store time (a bus also its report before, when the live store kept it for
// interpolation), then prune(T). The result equals the live store at T after its prune(T)
// (the app prunes every second): the same tables (values and metadata), alerts(T), busPose and
// fade. Not replayed: counters, lastError, newestTimestampMs() (the newest *shown* message's),
// tombstones (they are not visible). Forward seeks apply only what changed since the last seek;
// backward seeks, and seeks after the history was thinned, rebuild from the per-entity records
// (bounded work: one binary search and at most two applies per entity).
//
// Memory: bytes() counts every record and container (by capacity, plus a malloc overhead per
// allocation) and stays within config.budgetBytes. When it would not, (1) traffic older than
// the newest `exactTrafficMs` is thinned, oldest first, to one state per segment per
// trafficResolutionsMs[0] (the newest state in each aligned bucket wins), then, oldest first,
// to the coarser resolutions; (2) finally the oldest part of the history is dropped (each
// entity keeps its state at the new start). The covered window is [oldestMs(), newestMs()].
//
// What "exact" means: for T in the window the replayed state is exactly the live state at T,
// except traffic where trafficResolutionMs(T) > 0: there each segment shows the newest state it
// had at the end of the previous bucket of that width (or its newest state of T's bucket once T
// is past it): never a state from after T, at most one bucket plus one report interval older
// than the exact one. A segment's state is exact again from each bucket boundary on, and
// everything at or after thinnedBeforeMs() is exact. Sensors, shelters, incidents, buses,
// cameras and any other kind are never thinned.
//
// Buses: the live store keeps a vehicle's previous fix unless the vehicle was pruned (hidden)
// between two reports; attach() reads that from the live store, a bare record() infers it
// (pruned when past its hide age at the next report, as with the app's prune every second).
//
// The store clock must not go backwards: a change stamped earlier than the newest one is
// recorded at the newest time. clear() the history when the live store is cleared (another
// city): FeedStore::clear() does not call the listener.
//
// No GL, no I/O, no threads, no exceptions.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "feeds/feed_store.hpp"
#include "feeds/feed_types.hpp"

namespace citymap::feeds {

struct FeedHistoryConfig {
  // The live store's configuration (staleness, bus limits): replays apply the same rules.
  // attach() copies it from the store.
  FeedStoreConfig store;
  // Measured (docs/FEEDS.md, "History and replay"; tests/bench/feed_history_bench.cpp): 6 h of
  // the typhoon at the simulator's rates (789 roads every minute, 45 sensors, 413 shelters,
  // incidents, 51 buses every 15 s) take 10 MiB, all exact; 5,000 traffic updates/s over
  // 30,000 roads take 31 MiB for the first hour (newest minute exact, older traffic at 30 s and
  // 120 s) and then keep a window of about 75 minutes.
  size_t budgetBytes = size_t(32) << 20;
  // The longest window kept even when it fits the budget (at most 20 days).
  int64_t maxWindowMs = 24 * 3'600'000LL;
  // The newest part of the traffic that is never thinned (unless dropping reaches it).
  int64_t exactTrafficMs = 60'000;
  // Thinning steps for older traffic, ascending, each a multiple of the one before.
  std::vector<int64_t> trafficResolutionsMs = {30'000, 120'000};
};

class FeedReplayer;

class FeedHistory {
 public:
  explicit FeedHistory(FeedHistoryConfig config = {});
  ~FeedHistory();
  FeedHistory(const FeedHistory&) = delete;
  FeedHistory& operator=(const FeedHistory&) = delete;

  const FeedHistoryConfig& config() const;

  // Records every change of `live` from now on (installs its change listener, replacing any
  // other; copies its configuration). The history must outlive the listener: detach() or
  // setChangeListener(nullptr) first.
  void attach(FeedStore& live);
  static void detach(FeedStore& live);

  // One change of the live store, as its change listener reports it. `live`, if given, is the
  // store after the change (for the bus interpolation state).
  void record(FeedKind kind, uint64_t id, const FeedMessage* message, int64_t nowMs, const FeedStore* live = nullptr);

  // Forgets everything (keeps the configuration).
  void clear();

  bool empty() const;
  // The covered window (store clock, ms): replay is exact in it (see above). 0 when empty.
  int64_t oldestMs() const;
  int64_t newestMs() const;
  // Traffic before this time is thinned (== oldestMs() when nothing is).
  int64_t thinnedBeforeMs() const;
  // The bucket width traffic is thinned to around T (0: exact).
  int64_t trafficResolutionMs(int64_t tMs) const;

  size_t bytes() const;
  size_t records() const;   // stored changes
  size_t entities() const;  // entities with a stored change
  // Changes whenever stored records are thinned or dropped (replayers then rebuild).
  uint64_t generation() const;

  // One-shot replay: `out` becomes a store with the state at tMs.
  void replayInto(FeedStore& out, int64_t tMs) const;

  struct Impl;

 private:
  friend class FeedReplayer;
  std::unique_ptr<Impl> impl_;
};

// A store that follows the time slider: seek(T) makes store() the state at T, incrementally
// when T moves forward.
class FeedReplayer {
 public:
  explicit FeedReplayer(const FeedHistory& history);
  ~FeedReplayer();
  FeedReplayer(const FeedReplayer&) = delete;
  FeedReplayer& operator=(const FeedReplayer&) = delete;

  const FeedStore& seek(int64_t tMs);
  const FeedStore& store() const { return store_; }
  int64_t timeMs() const { return timeMs_; }

  struct SeekStats {
    bool rebuilt = false;   // from the records (not incremental)
    size_t applied = 0;     // changes applied to the store
    size_t mismatches = 0;  // changes the replayed store did not take as the live one did (0)
  };
  const SeekStats& lastSeek() const { return stats_; }

 private:
  void rebuild(int64_t tMs);

  const FeedHistory& history_;
  FeedStore store_;
  int64_t timeMs_ = 0;
  bool valid_ = false;
  uint64_t generation_ = 0;
  // Per kind, per entity of the history: 1 + the index of the record applied (0: none).
  std::vector<std::vector<uint32_t>> cursors_;
  SeekStats stats_;
};

}  // namespace citymap::feeds
