// Tile decode and tessellation on real Da Nang tiles (the ones tools/ingest builds from
// ../shared/data/danang), plus tessellator micro-benchmarks. Built natively and to wasm.
//   citymap_bench TILESET [google-benchmark flags]
// TILESET is a tile folder (tileset.json) or a .pmtiles archive, read through the client's own
// tile sources.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "geo/mercator.hpp"
#include "local_files.hpp"
#include "scene/tile_mesh.hpp"
#include "source/tile_source.hpp"
#include "tess/line.hpp"
#include "tess/polygon.hpp"
#include "tile/tile_reader.hpp"

namespace {

using namespace citymap;

std::vector<std::pair<geo::TileID, std::vector<uint8_t>>> gTiles;  // raw bytes of the benchmark's tile set

using bench::drain;
using bench::fetchFile;

// The tiles a 1280x800 view of central Hai Chau needs at z16, plus its z14 and z12 tiles.
size_t loadTiles(const std::string& tileset) {
  auto src = source::openSource(tileset, fetchFile);
  bool opened = false;
  src->open([&](Result<tile::Tileset> t) {
    opened = t.ok();
    if (!t) std::printf("NOTE: %s\n", t.error().c_str());
  });
  drain();
  if (!opened) return 0;
  const geo::WorldPoint c = geo::toWorld({108.2145, 16.0600});
  for (int z : {12, 14, 16}) {
    const double n = std::ldexp(1.0, z), halfW = 1280.0 / 512 / 2 / n, halfH = 800.0 / 512 / 2 / n;
    for (const auto& id : geo::tilesCovering({c.x - halfW, c.y - halfH, c.x + halfW, c.y + halfH}, uint8_t(z)))
      src->fetchTile(id, [id](Result<source::Bytes> bytes) {
        if (bytes && !bytes->empty()) gTiles.emplace_back(id, std::move(bytes).value());
      });
    drain();
  }
  return gTiles.size();
}

void BM_DecodeVerify(benchmark::State& state) {
  size_t bytes = 0;
  for (auto _ : state) {
    for (const auto& [id, t] : gTiles) {
      auto d = tile::decodeTile(t, id);
      benchmark::DoNotOptimize(d);
      bytes += t.size();
    }
  }
  state.SetBytesProcessed(int64_t(bytes));
  state.counters["tiles"] = double(gTiles.size());
}

void BM_DecodeAndTessellate(benchmark::State& state) {
  const auto& style = style::defaultStyle();
  size_t triangles = 0;
  for (auto _ : state) {
    triangles = 0;
    for (const auto& [id, t] : gTiles) {
      auto d = tile::decodeTile(t, id);
      if (!d) {
        state.SkipWithError(("tile " + id.path() + ": " + d.error()).c_str());
        return;
      }
      const auto mesh = scene::buildTileMesh(d.value(), style);
      for (const auto& b : mesh->buckets) triangles += (b.fill.indices.size() + b.line.indices.size()) / 3;
    }
  }
  state.counters["tiles/s"] = benchmark::Counter(double(gTiles.size()), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["triangles"] = double(triangles);
}

void BM_ExtrudeLine(benchmark::State& state) {
  std::vector<tess::Vec2> pts;
  for (int i = 0; i < 1000; ++i) pts.push_back({float(i * 4), float(std::sin(i * 0.1) * 200)});
  tess::LineMesh mesh;
  for (auto _ : state) {
    mesh.clear();
    tess::extrudeLine(pts, {tess::LineJoin::Round, tess::LineCap::Round}, mesh);
    benchmark::DoNotOptimize(mesh.vertices.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * 1000);
}

void BM_TessellatePolygon(benchmark::State& state) {
  std::vector<std::vector<tess::Vec2>> rings(2);
  for (int i = 0; i < 500; ++i) {
    const double a = i * 2 * 3.14159265 / 500, r = 1000 + 150 * std::sin(a * 7);
    rings[0].push_back({float(2048 + r * std::cos(a)), float(2048 + r * std::sin(a))});
  }
  for (int i = 0; i < 40; ++i) {
    const double a = -i * 2 * 3.14159265 / 40;
    rings[1].push_back({float(2048 + 300 * std::cos(a)), float(2048 + 300 * std::sin(a))});
  }
  tess::FillMesh mesh;
  for (auto _ : state) {
    mesh.clear();
    tess::tessellatePolygon(rings, mesh);
    benchmark::DoNotOptimize(mesh.indices.data());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * 540);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: citymap_bench TILESET (folder or .pmtiles) [benchmark flags]\n");
    return 2;
  }
  const std::string dir = argv[1];
  benchmark::RegisterBenchmark("BM_ExtrudeLine", BM_ExtrudeLine);
  benchmark::RegisterBenchmark("BM_TessellatePolygon", BM_TessellatePolygon);
  if (loadTiles(dir) == 0) {
    std::printf(
        "NOTE: no real tiles in %s (build them with tools/run.sh or the 'danang_tiles' target);"
        " only the synthetic benchmarks run\n",
        dir.c_str());
  } else {
    std::printf("Real Da Nang tiles: %zu from %s\n", gTiles.size(), dir.c_str());
    benchmark::RegisterBenchmark("BM_DecodeVerify/hai_chau", BM_DecodeVerify)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("BM_DecodeAndTessellate/hai_chau", BM_DecodeAndTessellate)
        ->Unit(benchmark::kMillisecond);
  }
  argv[1] = argv[0];
  --argc;
  ++argv;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
