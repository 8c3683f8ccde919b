#pragma once
// The simulator's load mode (--traffic-rate N, for benchmarks): traffic updates for the real
// road segments in turn, one segment after the other and round again, each pass with new
// speeds, at a fixed rate. Every message is marked simulated, like all of the simulator's.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "feedsim/city_data.hpp"
#include "feedsim/simulator.hpp"

namespace citymap::feedsim {

class TrafficLoad {
 public:
  // firstSequence: the sequence number of message 0 (then one more per message). copies: how
  // many times the city's segments are counted (--traffic-copies, for the client's scaling with
  // the number of live entities): copy k > 0 of a segment is the same road under the id
  // road id + k * kCopyIdStep, which no map feature has, so it is stored and counted but not
  // drawn.
  TrafficLoad(const CityData& data, std::string city, std::string source, uint64_t seed, uint64_t firstSequence,
              uint32_t copies = 1);
  static constexpr uint64_t kCopyIdStep = uint64_t(1) << 46;  // ids stay below 2^53 (exact in JavaScript)
  static constexpr uint32_t kMaxCopies = 127;

  // The index-th message since the start, stamped timestampMs; a pure function of the seed,
  // the index and the time. The data must have roads.
  Outgoing make(uint64_t index, int64_t timestampMs) const;
  size_t segments() const { return data_.roads.size() * copies_; }

 private:
  const CityData& data_;
  std::string city_, source_;
  uint64_t seed_, firstSequence_;
  uint32_t copies_;
};

// How the load mode publishes (docs/FEEDS.md, "Batches"). By default the updates go in batches
// (feed.fbs "Batch") on the non-retained citymap/v1/<city>/traffic/batch, and every segment's
// state now and then as a single retained message on its own topic, for catch-up: an update
// whose segment's turn it is goes there instead of into a batch, so every update is published
// exactly once and each source's sequence numbers still increase per segment. maxUpdates 1 is
// the old mode: every update its own retained message.
struct LoadBatching {
  size_t maxUpdates = 250;  // per batch (1..kMaxFeedBatchUpdates); 1: no batches
  // Bytes per batch: Mosquitto 2.0 (with libwebsockets 3/4) writes a larger WebSocket message in
  // ~4 KiB pieces, one per turn of its event loop, so a browser got 32 KB batches at ~70 KB/s
  // in all (docs/FEEDS.md, "Batches"); under 4 KiB a batch goes in one write.
  size_t maxBytes = 3'900;
  int64_t intervalMs = 50;            // a batch goes when its first update is this old
  int64_t retainIntervalMs = 30'000;  // a segment's state goes retained about this often (0.5..1.5x); 0: never
};

// One MQTT message to publish.
struct LoadPublish {
  std::string topic;
  std::vector<uint8_t> payload;
  bool retain = false;
  size_t updates = 1;
};

class LoadPublisher {
 public:
  LoadPublisher(std::string city, LoadBatching batching);

  enum class Route : uint8_t { Retained, Batched };
  // Takes one update (TrafficLoad::make's): published at once on its retained entity topic, or
  // added to the open batch (which goes to `out` first when the update would not fit). nowMs is
  // the publishing time (it decides retain turns and when the batch is due).
  Route add(const Outgoing& update, int64_t nowMs, std::vector<LoadPublish>& out);
  // Appends the open batch to `out` if it is due at nowMs, or whatever its age if `force`.
  void flush(int64_t nowMs, bool force, std::vector<LoadPublish>& out);
  // Batches started so far (the open one included): the index of an update's batch is this
  // minus one right after add() returned Batched.
  uint64_t batchesStarted() const { return batchesStarted_; }
  const LoadBatching& batching() const { return batching_; }

 private:
  std::string city_;
  LoadBatching batching_;
  std::vector<std::vector<uint8_t>> pending_;
  size_t pendingBytes_ = 0;
  int64_t firstMs_ = 0;
  uint64_t batchesStarted_ = 0;
  std::unordered_map<uint64_t, int64_t> nextRetainMs_;  // per segment
};

}  // namespace citymap::feedsim
