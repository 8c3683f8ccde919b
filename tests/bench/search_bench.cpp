// Place search on the real Da Nang search index: loading it (parse, validate, fold every name)
// and one query per keystroke for typical prefixes, from the city centre. Built natively and to
// wasm; prints the top hits of the example queries first.
//   citymap_search_bench INDEX.search.json [google-benchmark flags]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "search/search_index.hpp"

namespace {

using namespace citymap;

constexpr geo::LngLat kCentre{108.2208, 16.0680};  // central Hải Châu

std::string gText;
std::optional<search::SearchIndex> gIndex;

void BM_LoadIndex(benchmark::State& state) {
  for (auto _ : state) {
    auto index = search::SearchIndex::load(gText);
    benchmark::DoNotOptimize(index.ok());
  }
  state.counters["entries"] = double(gIndex->size());
  state.counters["MB"] = double(gText.size()) / 1e6;
}

void BM_Search(benchmark::State& state, const std::string& query) {
  size_t hits = 0;
  for (auto _ : state) {
    const auto result = gIndex->search(query, kCentre);
    hits = result.size();
    benchmark::DoNotOptimize(result.data());
  }
  state.counters["hits"] = double(hits);
}

void printTop(const std::string& query) {
  std::printf("  %-16s", ("\"" + query + "\"").c_str());
  const auto hits = gIndex->search(query, kCentre, 3);
  for (const search::SearchHit& h : hits) std::printf(" | %s", gIndex->entries()[h.entry].name.c_str());
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: citymap_search_bench INDEX.search.json [benchmark flags]\n");
    return 2;
  }
  const std::string path = argv[1];
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::printf("SKIPPED: no search index at %s (build it with the 'danang_tiles' target)\n", path.c_str());
    return 0;
  }
  gText.assign(std::istreambuf_iterator<char>(in), {});
  auto loaded = search::SearchIndex::load(gText);
  if (!loaded) {
    std::printf("ERROR: %s: %s\n", path.c_str(), loaded.error().c_str());
    return 1;
  }
  gIndex = std::move(loaded).value();
  std::printf("Search index %s: %zu entries; top hits from central Hai Chau:\n", path.c_str(), gIndex->size());
  for (const char* q : {"cau rong", "dragon bridge", "dragn bridge", "bach dang", "hai chau", "ngyuen"}) printTop(q);

  benchmark::RegisterBenchmark("BM_LoadIndex", BM_LoadIndex)->Unit(benchmark::kMillisecond);
  for (const char* q : {"c", "ca", "cau", "cau r", "cau rong", "dragon", "bach dang", "hai chau", "ngyuen"}) {
    const std::string query = q;
    benchmark::RegisterBenchmark(("BM_Search/\"" + query + "\"").c_str(), [query](benchmark::State& s) {
      BM_Search(s, query);
    })->Unit(benchmark::kMicrosecond);
  }
  std::vector<char*> args{argv[0]};
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  int n = int(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
