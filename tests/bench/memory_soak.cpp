// Memory over a long session: a 5-minute pan-and-zoom walk over the whole city (simulated time,
// 30 frames/s, 1024x768) through the client's own tile source, pyramid and feature index, with
// answers arriving a few frames after each request (so requests get cancelled as in the
// browser). Samples the heap (malloc's bytes in use: mallinfo) and the tile cache every 10 s of
// the walk and checks that
//   - the tile cache never exceeds its budget (--budget-mb, default the app's, 40),
//   - the heap never exceeds --heap-budget-mb (default: the cache budget + 64 MiB),
//   - the heap does not grow between the 2nd and the 5th minute (at most --growth-mb, default 2)
//     outside the tile cache, nor at all once the cache is full.
// Built natively and to wasm (where the heap is the wasm heap). Prints the samples as JSON.
//   citymap_memory_soak ARCHIVE [--minutes 5] [--budget-mb 40] [--heap-budget-mb N] [--growth-mb 2]
// Exits 77 (skipped) when ARCHIVE does not exist (the Da Nang data is not here).
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "geo/camera.hpp"
#include "local_files.hpp"
#include "scene/feature_index.hpp"
#include "scene/tile_pyramid.hpp"
#include "source/tile_source.hpp"
#include "style/style.hpp"

namespace {

using namespace citymap;

size_t heapInUse() {
#if defined(__EMSCRIPTEN__)
  return size_t(mallinfo().uordblks);
#else
  return mallinfo2().uordblks;
#endif
}

// Answers fetches from the file `delayFrames` frames later; cancelled ones are dropped.
struct DelayedFiles {
  struct Pending {
    source::FetchId id;
    int dueFrame;
    source::BytesCallback done;
    Result<source::Bytes> result;
  };
  std::deque<Pending> queue;
  source::FetchId nextId = 1;
  int frame = 0, delayFrames = 3;
  uint64_t cancelled = 0;

  source::FetchId fetch(const std::string& path, std::optional<source::ByteRange> range, source::BytesCallback done) {
    Result<source::Bytes> result = Error{path + ": cannot open"};
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
      source::Bytes bytes(range ? size_t(range->length) : 0);
      if (range) {
        std::fseek(f, long(range->offset), SEEK_SET);
        bytes.resize(std::fread(bytes.data(), 1, bytes.size(), f));
      }
      std::fclose(f);
      result = bench::inflateIfAsked(range, std::move(bytes));
    }
    queue.push_back({nextId, frame + delayFrames, std::move(done), std::move(result)});
    return nextId++;
  }
  void cancel(source::FetchId id) {
    cancelled += std::erase_if(queue, [id](const Pending& p) { return p.id == id; });
  }
  void deliver() {
    // Answers due now; callbacks may queue more (for a later frame).
    for (size_t n = queue.size(); n > 0 && !queue.empty() && queue.front().dueFrame <= frame; --n) {
      auto p = std::move(queue.front());
      queue.pop_front();
      p.done(std::move(p.result));
    }
  }
};

struct Sample {
  double minute;
  size_t heap, cache;
  int loaded;
  size_t slots;
};

double arg(int argc, char** argv, const char* name, double fallback) {
  for (int i = 2; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atof(argv[i + 1]);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(
        stderr,
        "usage: citymap_memory_soak ARCHIVE [--minutes 5] [--budget-mb 40] [--heap-budget-mb N] [--growth-mb 2]\n");
    return 2;
  }
  const std::string archive = argv[1];
  if (std::FILE* f = std::fopen(archive.c_str(), "rb")) {
    std::fclose(f);
  } else {
    std::printf("SKIPPED: %s not found (needs ../shared/data/danang)\n", archive.c_str());
    return 77;
  }
  const double minutes = arg(argc, argv, "--minutes", 5);
  const size_t budget =
      size_t(arg(argc, argv, "--budget-mb", scene::TilePyramid::kDefaultCacheBudget / 1048576.0) * 1048576);
  const size_t heapBudget = size_t(arg(argc, argv, "--heap-budget-mb", double(budget) / 1048576 + 64) * 1048576);
  const size_t growthAllowed = size_t(arg(argc, argv, "--growth-mb", 2) * 1048576);

  DelayedFiles files;
  auto src = source::openSource(
      archive,
      [&](const std::string& u, std::optional<source::ByteRange> r, source::BytesCallback d) {
        return files.fetch(u, r, std::move(d));
      },
      [&](source::FetchId id) { files.cancel(id); });
  std::optional<tile::Tileset> tileset;
  src->open([&](Result<tile::Tileset> t) {
    if (t)
      tileset = std::move(t).value();
    else
      std::fprintf(stderr, "cannot open %s: %s\n", archive.c_str(), t.error().c_str());
  });
  for (int i = 0; i < 10 && !tileset; ++i, ++files.frame) files.deliver();
  if (!tileset) return 1;

  const size_t heapBefore = heapInUse();
  scene::FeatureIndex slots;
  scene::TilePyramid pyramid(*tileset, style::defaultStyle(), budget, &slots);
  geo::Camera camera;
  camera.setViewport(1024, 768, 1);
  camera.setZoomRange(tileset->minZoom - 1, 20);

  // Waypoints over the whole city (its bounds), zoom 12..17.5, one every 4 s; a fixed sequence.
  uint64_t rng = 0x9e3779b97f4a7c15ULL;
  const auto next = [&rng] {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return double(rng >> 11) / double(1ULL << 53);
  };
  const auto waypoint = [&] {
    return std::pair{geo::LngLat{tileset->boundsMin.lng + next() * (tileset->boundsMax.lng - tileset->boundsMin.lng),
                                 tileset->boundsMin.lat + next() * (tileset->boundsMax.lat - tileset->boundsMin.lat)},
                     12.0 + next() * 5.5};
  };
  constexpr int kFps = 30, kLegFrames = 4 * kFps;
  const int frames = int(minutes * 60 * kFps);
  auto from = waypoint(), to = waypoint();
  std::vector<Sample> samples;
  size_t maxCache = 0, maxHeap = 0;
  uint64_t requests = 0;
  for (int f = 0; f <= frames; ++f) {
    if (f > 0 && f % kLegFrames == 0) from = std::exchange(to, waypoint());
    const double t = double(f % kLegFrames) / kLegFrames, s = t * t * (3 - 2 * t);  // eased
    camera.jumpTo(
        {from.first.lng + (to.first.lng - from.first.lng) * s, from.first.lat + (to.first.lat - from.first.lat) * s},
        from.second + (to.second - from.second) * s);
    files.frame = f;
    files.deliver();
    pyramid.update(
        camera, f * 1000.0 / kFps,
        [&](const geo::TileID& id) {
          ++requests;
          return src->fetchTile(id, [&pyramid, id, f](Result<source::Bytes> bytes) {
            pyramid.onTileData(id, std::move(bytes), f * 1000.0 / kFps);
          });
        },
        [&](uint64_t r) { src->cancel(r); });
    maxCache = std::max(maxCache, pyramid.stats().cacheBytes);
    if (f % (10 * kFps) == 0) {
      const size_t heap = heapInUse() - std::min(heapInUse(), heapBefore);
      maxHeap = std::max(maxHeap, heap);
      samples.push_back(
          {f / double(60 * kFps), heap, pyramid.stats().cacheBytes, pyramid.stats().loaded, slots.size()});
    }
  }

  const auto at = [&](double minute) {
    const auto it = std::min_element(samples.begin(), samples.end(), [&](const Sample& a, const Sample& b) {
      return std::abs(a.minute - minute) < std::abs(b.minute - minute);
    });
    return *it;
  };
  const Sample m2 = at(std::min(2.0, minutes)), end = samples.back();
  std::printf(
      "{\"archive\":\"%s\",\"minutes\":%.1f,\"frames\":%d,\"requests\":%llu,\"cancelled\":%llu,\"errors\":%llu,"
      "\"budgetMiB\":%.1f,\"heapBudgetMiB\":%.1f,\"maxCacheMiB\":%.2f,\"maxHeapMiB\":%.2f,"
      "\"heapAt2MiB\":%.2f,\"heapAtEndMiB\":%.2f,\"featureSlots\":%zu,\"samples\":[",
      archive.c_str(), minutes, frames, (unsigned long long)requests, (unsigned long long)pyramid.stats().cancelled,
      (unsigned long long)pyramid.stats().errors, budget / 1048576.0, heapBudget / 1048576.0, maxCache / 1048576.0,
      maxHeap / 1048576.0, m2.heap / 1048576.0, end.heap / 1048576.0, slots.size());
  for (size_t i = 0; i < samples.size(); ++i)
    std::printf("%s{\"minute\":%.2f,\"heapMiB\":%.2f,\"cacheMiB\":%.2f,\"tiles\":%d,\"slots\":%zu}", i ? "," : "",
                samples[i].minute, samples[i].heap / 1048576.0, samples[i].cache / 1048576.0, samples[i].loaded,
                samples[i].slots);
  std::printf("]}\n");

  int failures = 0;
  const auto check = [&](bool ok, const std::string& what) {
    if (!ok) {
      std::fprintf(stderr, "FAIL: %s\n", what.c_str());
      ++failures;
    }
  };
  check(maxCache <= budget, "the tile cache exceeded its budget");
  check(maxHeap <= heapBudget, "the heap exceeded its budget");
  if (minutes >= 3) {
    // Outside the cache (which may still be filling at minute 2), nothing grows; once the cache
    // is full, the whole heap stays flat.
    const double outside2 = double(m2.heap) - double(m2.cache), outsideEnd = double(end.heap) - double(end.cache);
    check(outsideEnd <= outside2 + double(growthAllowed),
          "the heap outside the tile cache grew between minute 2 and the end by " +
              std::to_string((outsideEnd - outside2) / 1048576.0) + " MiB");
    const auto full =
        std::find_if(samples.begin(), samples.end(), [&](const Sample& x) { return x.cache + (1u << 20) >= budget; });
    if (full != samples.end())
      check(end.heap <= full->heap + growthAllowed,
            "the heap grew after the cache filled (minute " + std::to_string(full->minute) + ") by " +
                std::to_string((double(end.heap) - double(full->heap)) / 1048576.0) + " MiB");
  }
  check(pyramid.stats().errors == 0, "tiles failed: " + pyramid.stats().lastError);
  check(requests > 1000, "the walk asked for too few tiles to mean anything");
  std::fprintf(
      stderr,
      "%s: cache max %.1f of %.1f MiB, heap max %.1f of %.1f MiB, heap at 2 min %.1f MiB, at the end %.1f MiB\n",
      failures ? "FAIL" : "ok", maxCache / 1048576.0, budget / 1048576.0, maxHeap / 1048576.0, heapBudget / 1048576.0,
      m2.heap / 1048576.0, end.heap / 1048576.0);
  return failures ? 1 : 0;
}
