// Writes the fuzzers' seed corpora (tests/fuzz, docs/FUZZING.md) into OUT/<target>/: small
// valid inputs built here (sample feed messages of every kind, synthetic tiles and graphs, a
// minimal tileset.json) and, when the Da Nang archive and search index exist, pieces of them
// (tiles, the archive's header and root directory, its metadata, its walking graph, the first
// entries of the search index). Seeds live in the build folder only: nothing derived from the
// Da Nang data is committed.
//   usage: fuzz_seeds OUT [ARCHIVE.pmtiles [SEARCH.json]]
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../support/test_route_graph.hpp"
#include "../support/test_tiles.hpp"
#include "../unit/feeds/feed_samples.hpp"
#include "feeds/feed_batch.hpp"
#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"
#include "platform/zlib/gzip.hpp"
#include "tile/pmtiles.hpp"
#include "tile/tileset.hpp"

namespace fs = std::filesystem;
using namespace citymap;

namespace {

fs::path gOut;
int gWritten = 0;

void put(const std::string& target, const std::string& name, const void* data, size_t size) {
  const fs::path dir = gOut / target;
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary).write(static_cast<const char*>(data), std::streamsize(size));
  ++gWritten;
}
void put(const std::string& target, const std::string& name, const std::vector<uint8_t>& b) {
  put(target, name, b.data(), b.size());
}
void put(const std::string& target, const std::string& name, const std::string& s) {
  put(target, name, s.data(), s.size());
}

std::vector<uint8_t> readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void syntheticSeeds() {
  // Feed messages of every kind, alone and framed in one batch.
  std::vector<uint8_t> batch;
  int i = 0;
  for (const feeds::FeedMessage& m : feeds::testing::sampleMessages()) {
    const std::vector<uint8_t> bytes = feeds::encodeFeedMessage(m);
    put("feed", "sample" + std::to_string(i++), bytes);
    feeds::appendFramedMessage(batch, feeds::feedTopic("danang", m.kind(), m.entityId()), bytes);
  }
  put("feed_batch", "samples", batch);
  // Publishers' batches (feed.fbs "Batch", CMB1): every kind in one, and traffic framed as the
  // worker passes on a batch it cannot split.
  std::vector<std::vector<uint8_t>> encoded;
  for (const feeds::FeedMessage& m : feeds::testing::sampleMessages()) encoded.push_back(feeds::encodeFeedMessage(m));
  const std::vector<std::span<const uint8_t>> views(encoded.begin(), encoded.end());
  const std::vector<uint8_t> updates = feeds::encodeFeedBatch(views);
  put("feed", "batch", updates);
  std::vector<uint8_t> framed;
  feeds::appendFramedMessage(framed, feeds::feedBatchTopic("danang", feeds::FeedKind::Traffic), updates);
  put("feed_batch", "update_batch", framed);
  // A tile with a line, a polygon and a point.
  testing::TestFeature line{1, 0, 0, fb::GeometryType::Line, {0, 0, 2048, 2048, 4096, 0}, {0, 3}, {}, "Đường A"};
  testing::TestFeature area{2,   0,   0,      fb::GeometryType::Polygon, {100, 100, 900, 100, 900, 900, 100, 900},
                            {0}, {0}, "Khu B"};
  testing::TestFeature point{3, 0, 0, fb::GeometryType::Point, {2000, 2000}, {0}, {}, "Điểm C"};
  put("tile", "synthetic",
      testing::buildTile({14, 13064, 7571}, {{"roads", {line}}, {"landuse", {area}}, {"pois", {point}}}));
  // A walking graph: a square of streets with a diagonal and two shelters.
  testing::TestRouteGraph g;
  const geo::LngLat o{108.2200, 16.0600};
  const uint32_t a = g.nodeAt(o, 0, 0), b = g.nodeAt(o, 200, 0), c = g.nodeAt(o, 200, 200), d = g.nodeAt(o, 0, 200);
  g.edge(a, b, 0, {}, "Bạch Đằng");
  g.edge(b, c, 0, {testing::TestRouteGraph::offset(o, 210, 100)});
  g.edge(c, d);
  g.edge(d, a);
  g.edge(a, c);
  g.shelter(1001, testing::TestRouteGraph::offset(o, 220, 220), 50, "Nhà trú bão 1");
  g.shelter(1002, testing::TestRouteGraph::offset(o, -30, 10), 0);
  put("route_graph", "synthetic", g.bytes());
  put("tileset", "folder",
      std::string(
          R"({"format":"citymap","minzoom":12,"maxzoom":16,"bounds":[108.1,15.9,108.3,16.2],)"
          R"("center":[108.2,16.06,14],"tile_path":"{z}/{x}/{y}.cmt","attribution":"© OpenStreetMap contributors",)"
          R"("name":"Đà Nẵng","name_en":"Da Nang","layers":["roads","water"]})"));
  put("search_index", "tiny",
      std::string(
          R"({"format":"citymap-search","format_version":1,"entries":[)"
          R"({"type":"street","name":"Đường Bạch Đằng","key":"duong bach dang","layer":"road_labels","kind":"Primary","id":5,"lng":108.224,"lat":16.068,"zoom":16}]})"));
}

void archiveSeeds(const fs::path& archive) {
  namespace pm = tile::pmtiles;
  const std::vector<uint8_t> file = readFile(archive);
  auto header = pm::parseHeader(std::span(file).first(std::min(file.size(), pm::kHeaderSize)), file.size());
  if (!header) {
    std::fprintf(stderr, "fuzz_seeds: %s: %s\n", archive.c_str(), header.error().c_str());
    return;
  }
  const auto slice = [&](uint64_t off, uint64_t len) {
    return std::vector<uint8_t>(file.begin() + long(std::min<uint64_t>(off, file.size())),
                                file.begin() + long(std::min<uint64_t>(off + len, file.size())));
  };
  // Header + root directory, as the client's first request reads them.
  std::vector<uint8_t> head = slice(0, pm::kHeaderSize);
  const std::vector<uint8_t> root = slice(header->rootOffset, header->rootLength);
  head.insert(head.end(), root.begin(), root.end());
  put("pmtiles", "archive-head", head);
  const std::vector<uint8_t> meta = slice(header->metadataOffset, header->metadataLength);
  put("tileset", "archive-metadata", meta);
  // Tiles: up to 24 from the root directory (and its first leaf), spread over sizes.
  auto dir = pm::parseDirectory(root);
  if (!dir) return;
  std::vector<pm::Entry> entries = *dir;
  for (const pm::Entry& e : *dir)
    if (e.runLength == 0)
      if (auto range = pm::leafRange(*header, e); range) {
        std::vector<uint8_t> leafHead = slice(0, pm::kHeaderSize);
        const std::vector<uint8_t> leaf = slice(range->offset, range->length);
        leafHead.insert(leafHead.end(), leaf.begin(), leaf.end());
        put("pmtiles", "archive-leaf", leafHead);
        if (auto l = pm::parseDirectory(leaf); l) entries.insert(entries.end(), l->begin(), l->end());
        break;
      }
  int tiles = 0;
  const size_t step = std::max<size_t>(1, entries.size() / 24);
  for (size_t k = 0; k < entries.size() && tiles < 24; k += step)
    if (entries[k].runLength > 0)
      if (auto range = pm::tileRange(*header, entries[k]); range && range->length < 256 * 1024) {
        auto stored = slice(range->offset, range->length);
        if (header->tileCompression == pm::kCompressionGzip) {  // the decoder sees inflated tiles
          auto inflated = zlib::gunzip(stored);
          if (!inflated) continue;
          stored.assign(inflated->begin(), inflated->end());
        }
        put("tile", "danang-" + std::to_string(tiles++), stored);
      }
  // The walking graph section, if the metadata names one.
  auto ts = tile::parseTileset(std::string(meta.begin(), meta.end()), false);
  if (ts && ts->routing && ts->routing->length > 0 && ts->routing->length < 64u * 1024 * 1024)
    put("route_graph", "danang", slice(ts->routing->offset, ts->routing->length));
}

void searchSeeds(const fs::path& search) {
  std::ifstream in(search);
  nlohmann::json index = nlohmann::json::parse(in, nullptr, false);
  if (index.is_discarded() || !index.contains("entries") || !index["entries"].is_array()) return;
  auto& entries = index["entries"];
  if (entries.size() > 40) entries.erase(entries.begin() + 40, entries.end());
  put("search_index", "danang-40", index.dump());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: fuzz_seeds OUT [ARCHIVE.pmtiles [SEARCH.json]]\n");
    return 2;
  }
  gOut = argv[1];
  syntheticSeeds();
  put("style", "citymap", readFile(CITYMAP_STYLE_FILE));  // assets/styles/citymap.json
  put("style", "small",
      std::string(R"({"version": 8, "layers": [{"id": "r", "type": "line", "source-layer": "roads",)"
                  R"( "filter": ["all", ["in", ["get", "kind"], ["literal", ["primary"]]], ["!", ["get", "bridge"]]],)"
                  R"( "paint": {"line-width": ["interpolate", ["exponential", 1.5], ["zoom"], 12, 1, 18, 20]}}],)"
                  R"( "citymap:themes": {"night": {"layers": {"r": {"paint": {"line-color": "#123"}}}}}})"));
  if (argc > 2 && fs::exists(argv[2]))
    archiveSeeds(argv[2]);
  else if (argc > 2)
    std::printf("fuzz_seeds: no archive at %s: synthetic seeds only (the Da Nang data is absent)\n", argv[2]);
  if (argc > 3 && fs::exists(argv[3])) searchSeeds(argv[3]);
  std::printf("fuzz_seeds: %d seeds in %s\n", gWritten, gOut.c_str());
  return 0;
}
