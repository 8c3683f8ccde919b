// The feed history (core/feeds/feed_history.hpp) at the loads of issue 10, natively and in
// WebAssembly: its memory and covered window after
//   - 6 hours of the typhoon scenario at the simulator's default rates (TyphoonLoad), and
//   - 5,000 traffic updates per second over 30,000 road segments (TrafficLoad) for 90 minutes
//     (the first hour, then steady state),
// both with the default configuration (32 MiB), the cost of recording (mean per change, and
// the worst second of feed time, which includes thinning and dropping), and the time-slider's
// seeks: a jump (rebuild from the records), the oldest point, forward moves at 60x speed (one
// second of feed time per frame) and while dragging (1/100 of the window per frame), and the
// same backwards (rebuilds).
//   citymap_feed_history_bench --benchmark_counters_tabular=true
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"  // GCC bug 105651 (std::string at -O3)
#endif

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include "../unit/feeds/feed_history_load.hpp"
#include "feeds/feed_history.hpp"

namespace {

using namespace citymap::feeds;
using Clock = std::chrono::steady_clock;

constexpr int64_t kStart = 1'790'000'000'000;
constexpr int64_t kMinute = 60'000, kHour = 60 * kMinute;

struct Built {
  FeedHistory history;
  int64_t start = 0, end = 0;
  size_t changes = 0, maxBytes = 0;
  double seconds = 0, worstSecondMs = 0;
  double windowAt1hMin = -1, mibAt1h = -1;  // when feed time reaches one hour (traffic)
};

std::unique_ptr<Built> gTyphoon, gTraffic;

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

void report(benchmark::State& state, const Built& b) {
  const FeedHistory& h = b.history;
  state.counters["MiB"] = double(h.bytes()) / (1 << 20);
  state.counters["max_MiB"] = double(b.maxBytes) / (1 << 20);
  state.counters["budget_MiB"] = double(h.config().budgetBytes) / (1 << 20);
  state.counters["window_min"] = double(h.newestMs() - h.oldestMs()) / kMinute;
  state.counters["exact_min"] = double(h.newestMs() - h.thinnedBeforeMs()) / kMinute;  // traffic exact for the newest
  state.counters["oldest_res_s"] = double(h.trafficResolutionMs(h.oldestMs())) / 1000;
  state.counters["changes"] = double(b.changes);
  state.counters["kept"] = double(h.records());
  state.counters["ns/change"] = b.seconds * 1e9 / double(b.changes);
  state.counters["worst_s_ms"] = b.worstSecondMs;  // recording one second of feed time, worst case
  if (b.windowAt1hMin >= 0) {
    state.counters["window_1h_min"] = b.windowAt1hMin;
    state.counters["MiB_1h"] = b.mibAt1h;
  }
}

void BM_HistoryTyphoon6h(benchmark::State& state) {
  for (auto _ : state) {
    gTyphoon = std::make_unique<Built>();
    Built& b = *gTyphoon;
    testing::TyphoonLoad load(kStart);
    b.start = kStart;
    b.end = kStart + 6 * kHour;
    double total = 0;
    for (int64_t t = kStart; t <= b.end; t += testing::TyphoonLoad::kStepMs) {
      const std::vector<testing::LoadEvent> events = load.step(t);
      const auto t0 = Clock::now();
      for (const testing::LoadEvent& e : events) b.history.record(e.kind, e.id, e.clear ? nullptr : &e.message, t);
      const double ms = msSince(t0);
      total += ms;
      b.worstSecondMs = std::max(b.worstSecondMs, ms);  // a 5 s step
      b.changes += events.size();
      b.maxBytes = std::max(b.maxBytes, b.history.bytes());
    }
    b.seconds = total / 1000;
  }
  report(state, *gTyphoon);
}

void BM_HistoryTraffic5000For1h(benchmark::State& state) {  // range(0): minutes of feed time
  for (auto _ : state) {
    gTraffic = std::make_unique<Built>();
    Built& b = *gTraffic;
    const testing::TrafficLoad load(30'000, 5000, kStart);
    const uint64_t n = 5000ull * 60 * uint64_t(state.range(0));
    b.start = kStart;
    b.end = load.timeOf(n - 1);
    double total = 0;
    std::vector<testing::LoadEvent> second;
    std::vector<int64_t> times;
    for (uint64_t i = 0; i < n; i += 5000) {
      second.clear();
      times.clear();
      for (uint64_t j = i; j < i + 5000 && j < n; ++j) {
        second.push_back(load.make(j));
        times.push_back(load.timeOf(j));
      }
      const auto t0 = Clock::now();
      for (size_t k = 0; k < second.size(); ++k)
        b.history.record(second[k].kind, second[k].id, &second[k].message, times[k]);
      const double ms = msSince(t0);
      total += ms;
      b.worstSecondMs = std::max(b.worstSecondMs, ms);
      b.changes += second.size();
      b.maxBytes = std::max(b.maxBytes, b.history.bytes());
      if (b.windowAt1hMin < 0 && times.back() - kStart >= kHour - 1000) {
        b.windowAt1hMin = double(b.history.newestMs() - b.history.oldestMs()) / kMinute;
        b.mibAt1h = double(b.history.bytes()) / (1 << 20);
      }
    }
    b.seconds = total / 1000;
  }
  report(state, *gTraffic);
}

const Built* built(int which) { return which == 0 ? gTyphoon.get() : gTraffic.get(); }

// A jump of the slider to anywhere in the window: the store is rebuilt from the records.
void BM_HistorySeekJump(benchmark::State& state) {
  const Built* b = built(int(state.range(0)));
  if (!b) return state.SkipWithError("build first");
  const int64_t from = b->history.oldestMs(), span = b->history.newestMs() - from + 1;
  int64_t i = 0;
  size_t entities = 0;
  for (auto _ : state) {
    FeedReplayer replayer(b->history);
    entities = replayer.seek(from + (i++ * 7'919'000) % span).totalCount();
  }
  state.counters["entities"] = double(entities);
}

// The slider at the oldest point.
void BM_HistorySeekOldest(benchmark::State& state) {
  const Built* b = built(int(state.range(0)));
  if (!b) return state.SkipWithError("build first");
  size_t entities = 0;
  for (auto _ : state) {
    FeedReplayer replayer(b->history);
    entities = replayer.seek(b->history.oldestMs()).totalCount();
  }
  state.counters["entities"] = double(entities);
}

// Playing forward: `stepMs` of feed time per seek (1 s: 60x speed at 60 frames/s; window/100:
// dragging). Wrapping around to the start (a rebuild) is not timed.
void BM_HistorySeekForward(benchmark::State& state) {
  const Built* b = built(int(state.range(0)));
  if (!b) return state.SkipWithError("build first");
  const int64_t from = b->history.oldestMs(), to = b->history.newestMs();
  const int64_t step = state.range(1) > 0 ? state.range(1) : (to - from) / 100;
  FeedReplayer replayer(b->history);
  int64_t t = from;
  replayer.seek(t);
  size_t applied = 0, seeks = 0;
  for (auto _ : state) {
    t += step;
    if (t > to) {
      state.PauseTiming();
      t = from;
      replayer.seek(t);
      state.ResumeTiming();
      continue;
    }
    replayer.seek(t);
    applied += replayer.lastSeek().applied;
    ++seeks;
  }
  state.counters["applied/seek"] = seeks ? double(applied) / double(seeks) : 0;
}

// Dragging backwards: every seek rebuilds the store (a store cannot go back), the search for
// each entity's record starting from where the last seek found it.
void BM_HistorySeekBackward(benchmark::State& state) {
  const Built* b = built(int(state.range(0)));
  if (!b) return state.SkipWithError("build first");
  const int64_t from = b->history.oldestMs(), to = b->history.newestMs();
  const int64_t step = state.range(1) > 0 ? state.range(1) : (to - from) / 100;
  FeedReplayer replayer(b->history);
  int64_t t = to;
  replayer.seek(t);
  for (auto _ : state) {
    t -= step;
    if (t < from) {
      state.PauseTiming();
      t = to;
      replayer.seek(t);
      state.ResumeTiming();
      continue;
    }
    replayer.seek(t);
  }
}

}  // namespace

BENCHMARK(BM_HistoryTyphoon6h)->Iterations(1)->Unit(benchmark::kMillisecond);
// 90 minutes: the first hour fits (max_MiB), and past it the window settles where it stays.
BENCHMARK(BM_HistoryTraffic5000For1h)->Arg(90)->Iterations(1)->Unit(benchmark::kMillisecond);
// range(0): 0 = typhoon, 1 = traffic.
BENCHMARK(BM_HistorySeekJump)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HistorySeekOldest)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
// range(1): feed time per seek in ms (0: 1/100 of the window).
BENCHMARK(BM_HistorySeekForward)
    ->Args({0, 1000})
    ->Args({0, 0})
    ->Args({1, 1000})
    ->Args({1, 0})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HistorySeekBackward)
    ->Args({0, 1000})
    ->Args({0, 0})
    ->Args({1, 1000})
    ->Args({1, 0})
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
