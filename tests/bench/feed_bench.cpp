// Live feeds: how many messages per second the core ingests (topic check, FlatBuffers
// verification, decoding, ordering, state update), natively and in WebAssembly, and what the
// per-redraw work costs (traffic colour table, live markers). Synthetic messages shaped like
// the simulator's (Da Nang coordinates); no data files needed.
// GCC 12 at -O3 warns falsely on std::string assignments here (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "feeds/feed_store.hpp"
#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"
#include "geo/mercator.hpp"
#include "live/live_batch.hpp"
#include "live/traffic_state.hpp"

namespace {

using namespace citymap;

constexpr int64_t kNow = 1'790'000'000'000;

struct Encoded {
  std::string topic;
  std::vector<uint8_t> payload;
};

feeds::FeedMessage envelope(feeds::FeedPayload p, uint64_t seq) {
  feeds::FeedMessage m;
  m.source = "bench";
  m.sequence = seq;
  m.timestampMs = kNow;
  m.simulated = true;
  m.payload = std::move(p);
  return m;
}

// `rounds` passes over `segments` road segments, each pass with higher sequence numbers (the
// store accepts every message, as with a live stream).
std::vector<Encoded> trafficStream(int segments, int rounds) {
  std::vector<Encoded> out;
  uint64_t seq = 0;
  for (int r = 0; r < rounds; ++r)
    for (int s = 0; s < segments; ++s) {
      const uint64_t id = (uint64_t(100000 + s) << 2) | 1;
      const auto m =
          envelope(feeds::TrafficUpdate{id, float(10 + (s + r) % 40), 50, feeds::Congestion::Unknown}, ++seq);
      out.push_back({feeds::feedTopic("danang", m.kind(), m.entityId()), feeds::encodeFeedMessage(m)});
    }
  return out;
}

void BM_FeedIngestTraffic(benchmark::State& state) {
  const auto stream = trafficStream(789, 8);
  for (auto _ : state) {
    feeds::FeedStore store;
    for (const auto& e : stream) store.enqueue(e.topic, e.payload, kNow);
    store.drain(kNow);
    benchmark::DoNotOptimize(store.counters().accepted);
  }
  state.counters["msg/s"] = benchmark::Counter(double(stream.size()), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_FeedIngestMixed(benchmark::State& state) {
  std::vector<Encoded> stream;
  uint64_t seq = 0;
  for (int i = 0; i < 500; ++i) {
    feeds::SensorReading r;
    r.stationId = 1000 + uint64_t(i % 45);
    r.position = feeds::LngLat{108.2 + i % 45 * 0.001, 16.06};
    r.value = float(100 + i);
    r.thresholds = {150, 200, 250};
    feeds::BusReport b;
    b.vehicleId = 1 + uint64_t(i % 30);
    b.route = "R16";
    b.tripId = "t";
    b.position = {108.22 + i * 1e-5, 16.06};
    for (feeds::FeedPayload p : {feeds::FeedPayload(r), feeds::FeedPayload(b),
                                 feeds::FeedPayload(feeds::ShelterStatus{2000 + uint64_t(i % 413), true, 600, i})}) {
      const auto m = envelope(std::move(p), ++seq);
      stream.push_back({feeds::feedTopic("danang", m.kind(), m.entityId()), feeds::encodeFeedMessage(m)});
    }
  }
  for (auto _ : state) {
    feeds::FeedStore store;
    for (const auto& e : stream) store.enqueue(e.topic, e.payload, kNow);
    store.drain(kNow);
    benchmark::DoNotOptimize(store.counters().accepted);
  }
  state.counters["msg/s"] = benchmark::Counter(double(stream.size()), benchmark::Counter::kIsIterationInvariantRate);
}

// The traffic colour table for 30,000 known road slots with 789 live reports (one redraw).
void BM_TrafficState(benchmark::State& state) {
  feeds::FeedStore store;
  for (const auto& e : trafficStream(789, 1)) store.ingest(e.topic, e.payload, kNow);
  scene::FeatureIndex index;
  for (int s = 0; s < 30000; ++s) index.slotFor((uint64_t(100000 + s) << 2) | 1);
  std::vector<uint32_t> rgba;
  for (auto _ : state) {
    live::buildTrafficState(store, index, kNow, rgba);
    benchmark::DoNotOptimize(rgba.data());
  }
  state.counters["slots"] = double(index.size());
}

// Markers for 45 sensors, 413 shelters and 30 buses in a 1280x800 view at dpr 2 (one redraw).
void BM_LiveBatch(benchmark::State& state) {
  feeds::FeedStore store;
  scene::FeatureIndex index;
  uint64_t seq = 0;
  for (int i = 0; i < 45; ++i) {
    feeds::SensorReading r;
    r.stationId = 1000 + uint64_t(i);
    r.position = feeds::LngLat{108.20 + i * 0.0005, 16.055 + i * 0.0002};
    r.value = float(120 + i * 3);
    r.thresholds = {150, 200, 250};
    store.apply(envelope(r, ++seq), kNow);
  }
  for (int i = 0; i < 413; ++i) {
    const uint64_t id = 2000 + uint64_t(i);
    index.setAnchor(id, geo::toWorld({108.20 + (i % 40) * 0.0006, 16.05 + (i / 40) * 0.0015}));
    store.apply(envelope(feeds::ShelterStatus{id, i % 3 != 0, 500, i}, ++seq), kNow);
  }
  for (int i = 0; i < 30; ++i) {
    feeds::BusReport b;
    b.vehicleId = 1 + uint64_t(i);
    static const char* const kRoutes[] = {"R12", "R16", "R17", "R18", "R19", "R20"};
    b.route = kRoutes[i % 6];
    b.tripId = "t";
    b.position = {108.205 + i * 0.0008, 16.058};
    store.apply(envelope(b, ++seq), kNow);
  }
  geo::Camera cam;
  cam.setViewport(1280, 800, 2);
  cam.jumpTo({108.215, 16.06}, 15);
  live::LiveBatch batch;
  for (auto _ : state) {
    live::buildLiveBatch(store, index, cam, kNow, {}, batch);
    benchmark::DoNotOptimize(batch.vertices.data());
  }
  state.counters["vertices"] = double(batch.vertices.size());
}

}  // namespace

BENCHMARK(BM_FeedIngestTraffic)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FeedIngestMixed)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TrafficState)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_LiveBatch)->Unit(benchmark::kMicrosecond);
