// Walking routes on the real Da Nang graph, read from the archive's routing section as the
// client reads it: loading (verify + index), one route (A*) and one nearest-shelters query
// (3 nearest of the 413, all open) per start point, with and without a closure. Built
// natively and to wasm.
//   citymap_route_bench ARCHIVE.pmtiles [google-benchmark flags]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "route/shelters.hpp"
#include "tile/pmtiles.hpp"
#include "tile/tileset.hpp"

namespace {

using namespace citymap;
namespace pm = tile::pmtiles;

std::vector<uint8_t> gBytes;  // the routing section
std::unique_ptr<route::RouteGraph> gGraph;

struct Place {
  const char* name;
  geo::LngLat at;
};
constexpr Place kBachDang{"bach_dang", {108.2240, 16.0680}};
constexpr Place kStarts[] = {kBachDang,
                             {"hai_chau_market", {108.2215, 16.0685}},
                             {"nguyen_van_linh", {108.2130, 16.0580}},
                             {"son_tra", {108.2350, 16.0700}}};
constexpr Place kDestinations[] = {{"shelter_nearby", {108.2222633, 16.0670988}},  // Trưng Vương school, 0.7 km walk
                                   {"across_hai_chau", {108.2130, 16.0580}},       // Nguyễn Văn Linh, ~2 km
                                   {"beyond_the_roads", {108.2500, 16.0400}}};     // no roads: straight legs

const route::ShelterStatusFn kAllOpen = [](uint64_t) { return route::ShelterState::Open; };

void BM_LoadGraph(benchmark::State& state) {
  for (auto _ : state) {
    auto g = route::RouteGraph::load(gBytes);
    benchmark::DoNotOptimize(g.ok());
  }
  state.counters["nodes"] = double(gGraph->nodeCount());
  state.counters["edges"] = double(gGraph->edgeCount());
  state.counters["kB"] = double(gBytes.size()) / 1e3;
}

void BM_Route(benchmark::State& state, geo::LngLat from, geo::LngLat to, bool closed) {
  route::Avoid avoid;
  if (closed) {  // a closure on the open route (the middle road of it)
    const route::Route open = route::route(*gGraph, from, to);
    if (!open.roadIds.empty()) avoid.roadIds = {open.roadIds[open.roadIds.size() / 2]};
  }
  route::Router router(*gGraph);
  double metres = 0;
  for (auto _ : state) {
    const route::Route r = router.route(from, to, avoid);
    metres = r.metres;
    benchmark::DoNotOptimize(r.legs.data());
  }
  state.counters["metres"] = metres;
  state.counters["settled"] = double(router.settled());
}

void BM_NearestShelters(benchmark::State& state, geo::LngLat from, bool flooded) {
  route::Avoid avoid;
  if (flooded) {  // a 100 m flood square 150 m east of the start
    const route::LocalFrame f(from);
    avoid.areas = {{f.toLngLat({100, -50}), f.toLngLat({200, -50}), f.toLngLat({200, 50}), f.toLngLat({100, 50})}};
  }
  size_t routed = 0;
  for (auto _ : state) {
    const route::NearestShelters n = route::nearestShelters(*gGraph, from, kAllOpen, 3, avoid);
    routed = n.routed;
    benchmark::DoNotOptimize(n.nearest.data());
  }
  state.counters["routed"] = double(routed);
}

// The routing section of a PMTiles archive, located through its metadata.
std::string readSection(const std::string& path, std::vector<uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot open";
  const std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)), {});
  auto h = pm::parseHeader(std::span(file).first(std::min(file.size(), pm::kInitialFetch)), file.size());
  if (!h) return h.error();
  const auto meta = std::span(file).subspan(h->metadataOffset, h->metadataLength);
  auto tileset = tile::parseTileset(std::string_view(reinterpret_cast<const char*>(meta.data()), meta.size()), false);
  if (!tileset) return tileset.error();
  if (!tileset->routing || tileset->routing->offset + tileset->routing->length > file.size())
    return "no routing section (built with --no-routing, or an older archive)";
  out.assign(file.begin() + std::ptrdiff_t(tileset->routing->offset),
             file.begin() + std::ptrdiff_t(tileset->routing->offset + tileset->routing->length));
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: citymap_route_bench ARCHIVE.pmtiles [benchmark flags]\n");
    return 2;
  }
  const std::string path = argv[1];
  if (const std::string error = readSection(path, gBytes); !error.empty()) {
    std::printf("SKIPPED: %s: %s (build it with the 'danang_tiles' target)\n", path.c_str(), error.c_str());
    return 0;
  }
  auto loaded = route::RouteGraph::load(gBytes);
  if (!loaded) {
    std::printf("ERROR: %s: %s\n", path.c_str(), loaded.error().c_str());
    return 1;
  }
  gGraph = std::make_unique<route::RouteGraph>(std::move(loaded).value());
  std::printf("Walking graph of %s: %zu nodes, %zu edges, %zu shelters, %zu bytes\n", path.c_str(), gGraph->nodeCount(),
              gGraph->edgeCount(), gGraph->shelters().size(), gBytes.size());

  benchmark::RegisterBenchmark("BM_LoadGraph", BM_LoadGraph)->Unit(benchmark::kMillisecond);
  for (const Place& to : kDestinations) {
    benchmark::RegisterBenchmark((std::string("BM_Route/") + kBachDang.name + "/" + to.name).c_str(),
                                 [to](benchmark::State& s) { BM_Route(s, kBachDang.at, to.at, false); })
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("BM_Route/bach_dang/shelter_nearby/closure", [](benchmark::State& s) {
    BM_Route(s, kBachDang.at, kDestinations[0].at, true);
  })->Unit(benchmark::kMicrosecond);
  for (const Place& from : kStarts)
    benchmark::RegisterBenchmark((std::string("BM_NearestShelters/") + from.name).c_str(), [from](benchmark::State& s) {
      BM_NearestShelters(s, from.at, false);
    })->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_NearestShelters/bach_dang/flood", [](benchmark::State& s) {
    BM_NearestShelters(s, kBachDang.at, true);
  })->Unit(benchmark::kMicrosecond);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
