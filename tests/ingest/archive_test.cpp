// citymap-ingest --out X.pmtiles: the PMTiles archive read back with the client's reader
// (core/tile/pmtiles + decodeTile) and compared with the folder output byte for byte;
// determinism; atomic replacement; the archive builder's layout (dedup, runs, leaves).
// With --realdata: the real Da Nang data (CITYMAP_DATA_DIR) into both outputs, sizes reported;
// exits 77 (skipped) when the data is absent.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "ingest/archive_writer.hpp"
#include "ingest/blob_store.hpp"
#include "platform/zlib/gzip.hpp"
#include "test_support.hpp"
#include "tile/pmtiles.hpp"

namespace citymap::ingest_test {
namespace {

namespace pm = tile::pmtiles;
using ingest::ArchiveBuilder;
using ingest::ArchiveInfo;
using ingest::ArchiveOptions;
using ingest::ArchiveStats;
using Bytes = std::vector<uint8_t>;

const fs::path kFixtures = CITYMAP_INGEST_FIXTURES;
const std::string kGeojson = (kFixtures / "synthetic.geojson").string();
const std::string kOsm = (kFixtures / "synthetic.osm").string();

fs::path dataDir() {
  if (const char* env = std::getenv("CITYMAP_DATA_DIR")) return env;
  return CITYMAP_DATA_DIR;
}
const char* const kRealInputs[] = {"osm/osm_haichau_center_2026.osm", "osm/osm_landuse_water.geojson",
                                   "roads/haichau_ext_buildings_2026.geojson"};

// An archive in memory, read the way the client reads one: the first 16 KiB (header, root),
// then leaves and tiles by range.
class ArchiveReader {
 public:
  static Result<ArchiveReader> open(Bytes bytes) {
    ArchiveReader r;
    r.bytes_ = std::move(bytes);
    const size_t head = std::min(r.bytes_.size(), pm::kInitialFetch);
    auto h = pm::parseHeader(std::span(r.bytes_).first(head), r.bytes_.size());
    if (!h) return Error{h.error()};
    r.header_ = h.value();
    auto root = pm::parseDirectory(r.slice(pm::rootRange(r.header_)));
    if (!root) return Error{"root: " + root.error()};
    r.root_ = std::move(root).value();
    return r;
  }
  const pm::Header& header() const { return header_; }
  const std::vector<pm::Entry>& root() const { return root_; }
  std::string metadata() const {
    const auto m = slice(pm::metadataRange(header_));
    return {m.begin(), m.end()};
  }
  // The tile's bytes; empty if the archive has no such tile.
  Result<Bytes> tile(const geo::TileID& id) const {
    const uint64_t tid = pm::tileId(id);
    const std::vector<pm::Entry>* dir = &root_;
    for (int depth = 0; depth < pm::kMaxDirectoryDepth; ++depth) {
      const pm::Entry* e = pm::find(*dir, tid);
      if (!e) return Bytes{};
      if (e->runLength > 0) {
        auto r = pm::tileRange(header_, *e);
        if (!r) return Error{r.error()};
        const auto s = slice(r.value());
        if (header_.tileCompression == pm::kCompressionGzip) return zlib::gunzip(s);
        return Bytes(s.begin(), s.end());
      }
      auto l = pm::leafRange(header_, *e);
      if (!l) return Error{l.error()};
      auto cached = leaves_.find(l->offset);
      if (cached == leaves_.end()) {
        auto leaf = pm::parseDirectory(slice(l.value()));
        if (!leaf) return Error{"leaf: " + leaf.error()};
        cached = leaves_.emplace(l->offset, std::move(leaf).value()).first;
      }
      dir = &cached->second;
    }
    return Error{"leaf directories nested too deeply"};
  }
  // Every tile entry of all directories (leaves expanded), in tile-id order.
  std::vector<pm::Entry> allTileEntries(std::vector<pm::Entry>* leafPointers = nullptr) const {
    std::vector<pm::Entry> out;
    expand(root_, out, leafPointers, 0);
    return out;
  }

 private:
  std::span<const uint8_t> slice(const pm::ByteRange& r) const {
    return std::span(bytes_).subspan(size_t(r.offset), size_t(r.length));
  }
  void expand(const std::vector<pm::Entry>& dir, std::vector<pm::Entry>& out, std::vector<pm::Entry>* leaves,
              int depth) const {
    for (const pm::Entry& e : dir) {
      if (e.runLength > 0) {
        out.push_back(e);
        continue;
      }
      if (leaves) leaves->push_back(e);
      auto l = pm::leafRange(header_, e);
      ASSERT_TRUE(l) << l.error();
      auto leaf = pm::parseDirectory(slice(l.value()));
      ASSERT_TRUE(leaf) << leaf.error();
      ASSERT_LT(depth, 1) << "the writer makes one level of leaves";
      EXPECT_EQ(leaf->front().tileId, e.tileId);
      expand(leaf.value(), out, leaves, depth + 1);
    }
  }
  Bytes bytes_;
  pm::Header header_;
  std::vector<pm::Entry> root_;
  mutable std::map<uint64_t, std::vector<pm::Entry>> leaves_;  // by offset
};

ArchiveReader openArchive(const fs::path& file) {
  auto r = ArchiveReader::open(readBytes(file));
  if (!r) {
    ADD_FAILURE() << file << ": " << r.error();
    return ArchiveReader();  // no tiles
  }
  return std::move(r).value();
}

geo::TileID tileOfPath(const fs::path& dir, const fs::path& file) {
  const fs::path rel = fs::relative(file, dir);
  auto it = rel.begin();
  const int z = std::stoi((it++)->string());
  const uint32_t x = uint32_t(std::stoul((it++)->string()));
  const uint32_t y = uint32_t(std::stoul(it->stem().string()));
  return {uint8_t(z), x, y};
}

// Every folder tile with features is in the archive with the same bytes and decodes; tiles
// without features are left out of the archive (the client reads "no tile" as empty); the
// archive holds nothing else. Returns the number of tiles in the archive.
size_t expectSameTiles(const fs::path& folder, const ArchiveReader& archive) {
  const auto files = listTiles(folder);
  size_t stored = 0;
  for (const fs::path& f : files) {
    const geo::TileID id = tileOfPath(folder, f);
    auto bytes = archive.tile(id);
    EXPECT_TRUE(bytes) << id.path() << ": " << bytes.error();
    if (!bytes) continue;
    const Bytes expected = readBytes(f);
    if (bytes->empty()) {  // left out: the folder's tile must have no features
      auto folderTile = tile::decodeTile(expected, id);
      EXPECT_TRUE(folderTile) << id.path();
      if (!folderTile) continue;
      size_t features = 0;
      if (const auto* layers = folderTile->root().layers())
        for (const auto* l : *layers) features += l->features() ? l->features()->size() : 0;
      EXPECT_EQ(features, 0u) << id.path() << " has features but is missing from the archive";
      continue;
    }
    ++stored;
    EXPECT_TRUE(bytes.value() == expected)
        << id.path() << ": " << bytes->size() << " bytes, folder " << expected.size();
    auto decoded = tile::decodeTile(std::move(bytes).value(), id);
    EXPECT_TRUE(decoded) << id.path() << ": " << decoded.error();
    if (decoded) {
      EXPECT_EQ(decoded->id(), id);
    }
  }
  uint64_t addressed = 0;
  for (const pm::Entry& e : archive.allTileEntries()) addressed += e.runLength;
  EXPECT_EQ(addressed, stored);
  EXPECT_EQ(archive.header().addressedTiles, stored);
  return stored;
}

nlohmann::json readJson(const fs::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

// ---- the synthetic fixture ------------------------------------------------------------------

class SyntheticArchive : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = std::make_unique<TempDir>("archive");
    folderRun_ = runIngest({"--out", (tmp_->path() / "tiles").string(), kOsm, kGeojson});
    archiveRun_ = runIngest({"--out", (tmp_->path() / "tiles.pmtiles").string(), kOsm, kGeojson});
  }
  static void TearDownTestSuite() { tmp_.reset(); }
  void SetUp() override {
    ASSERT_EQ(folderRun_.exitCode, 0) << folderRun_.output;
    ASSERT_EQ(archiveRun_.exitCode, 0) << archiveRun_.output;
  }
  static fs::path folder() { return tmp_->path() / "tiles"; }
  static fs::path archive() { return tmp_->path() / "tiles.pmtiles"; }

  static inline std::unique_ptr<TempDir> tmp_;
  static inline RunResult folderRun_, archiveRun_;
};

TEST_F(SyntheticArchive, OneFileNoLeftovers) {
  EXPECT_TRUE(fs::is_regular_file(archive()));
  EXPECT_FALSE(fs::exists(archive().string() + ".tmp"));
  EXPECT_NE(archiveRun_.output.find("wrote 40 tiles"), std::string::npos) << archiveRun_.output;
  EXPECT_NE(archiveRun_.output.find("archive: "), std::string::npos) << archiveRun_.output;
  EXPECT_NE(archiveRun_.output.find("root directory"), std::string::npos) << archiveRun_.output;
  EXPECT_EQ(folderRun_.output.find("archive: "), std::string::npos) << folderRun_.output;
  // The search index goes beside the archive: tiles.pmtiles -> tiles.search.json.
  const fs::path search = tmp_->path() / "tiles.search.json";
  EXPECT_TRUE(fs::exists(search));
  EXPECT_TRUE(readBytes(search) == readBytes(folder() / "search.json"));
  EXPECT_FALSE(fs::exists(search.string() + ".tmp"));
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp_->path())) ++files;
  EXPECT_EQ(files, 3u);  // tiles/, tiles.pmtiles, tiles.search.json
}

TEST_F(SyntheticArchive, HeaderDescribesTheTileset) {
  const ArchiveReader a = openArchive(archive());
  const pm::Header& h = a.header();
  const nlohmann::json j = readJson(folder() / "tileset.json");
  EXPECT_TRUE(h.clustered);
  EXPECT_EQ(h.internalCompression, pm::kCompressionNone);
  EXPECT_EQ(h.tileCompression, pm::kCompressionGzip);  // the default; --tile-compression none below
  EXPECT_EQ(h.tileType, pm::kTileTypeUnknown);
  EXPECT_EQ(h.minZoom, j["minzoom"].get<int>());
  EXPECT_EQ(h.maxZoom, j["maxzoom"].get<int>());
  EXPECT_NEAR(h.minLng, j["bounds"][0].get<double>(), 1e-9);
  EXPECT_NEAR(h.minLat, j["bounds"][1].get<double>(), 1e-9);
  EXPECT_NEAR(h.maxLng, j["bounds"][2].get<double>(), 1e-9);
  EXPECT_NEAR(h.maxLat, j["bounds"][3].get<double>(), 1e-9);
  EXPECT_NEAR(h.centerLng, j["center"][0].get<double>(), 1e-7);
  EXPECT_NEAR(h.centerLat, j["center"][1].get<double>(), 1e-7);
  EXPECT_EQ(h.centerZoom, j["center"][2].get<int>());
  EXPECT_EQ(h.addressedTiles, 40u);
  EXPECT_EQ(h.tileEntries, a.allTileEntries().size());
  // Format-2 tiles do not carry their z/x/y, so identical ones (here 3) are stored once.
  EXPECT_EQ(h.tileContents, 37u);
  // Layout: header, root, metadata, leaves, data; one 16 KiB request holds header, root and
  // metadata; the walking graph follows the data and ends the file (docs/ROUTING.md).
  EXPECT_EQ(h.rootOffset, pm::kHeaderSize);
  EXPECT_EQ(h.metadataOffset, h.rootOffset + h.rootLength);
  EXPECT_EQ(h.leafOffset, h.metadataOffset + h.metadataLength);
  EXPECT_EQ(h.dataOffset, h.leafOffset + h.leafLength);
  EXPECT_LE(h.metadataOffset + h.metadataLength, pm::kInitialFetch);
  const nlohmann::json routing = nlohmann::json::parse(a.metadata())["citymap_routing"];
  EXPECT_EQ(routing["offset"].get<uint64_t>(), h.dataOffset + h.dataLength);
  EXPECT_EQ(h.dataOffset + h.dataLength + routing["length"].get<uint64_t>(), fs::file_size(archive()));
  EXPECT_EQ(h.leafLength, 0u);  // 40 tiles fit in the root
}

TEST_F(SyntheticArchive, MetadataIsTilesetJsonWithoutTilePath) {
  const ArchiveReader a = openArchive(archive());
  const nlohmann::json meta = nlohmann::json::parse(a.metadata());
  nlohmann::json expected = readJson(folder() / "tileset.json");
  expected.erase("tile_path");
  expected["tile_format"] = "citymap-fb-v1";
  // The walking graph: a file beside a folder's tileset.json, a byte range in the archive.
  EXPECT_EQ(expected["citymap_routing"]["path"], "routing.cmg");
  EXPECT_EQ(meta["citymap_routing"]["length"], expected["citymap_routing"]["length"]);
  EXPECT_EQ(meta["citymap_routing"]["format"], "CMG1");
  EXPECT_FALSE(meta["citymap_routing"].contains("path"));
  expected.erase("citymap_routing");
  nlohmann::json withoutRouting = meta;
  withoutRouting.erase("citymap_routing");
  EXPECT_EQ(withoutRouting, expected);
  EXPECT_EQ(meta["format"], "citymap-tiles");
  EXPECT_EQ(meta["format_version"], 2);
}

TEST_F(SyntheticArchive, EveryTileEqualsTheFolderTile) {
  const ArchiveReader a = openArchive(archive());
  EXPECT_EQ(expectSameTiles(folder(), a), 40u);
  // Tile data is clustered: tiles in tile-id order, back to back from offset 0; a tile equal to
  // one written before points at those bytes.
  uint64_t next = 0;
  std::set<uint64_t> written;
  for (const pm::Entry& e : a.allTileEntries()) {
    if (e.offset == next) {
      written.insert(e.offset);
      next = e.offset + e.length;
    } else {
      EXPECT_TRUE(written.count(e.offset)) << "tile " << e.tileId << " at " << e.offset;
    }
  }
  EXPECT_EQ(next, a.header().dataLength);
  // Outside the bounds or the zoom range there is no tile.
  for (const geo::TileID& t :
       {geo::TileID{12, 0, 0}, geo::TileID{11, 1627, 945}, geo::TileID{17, 104940, 59610}, geo::TileID{0, 0, 0}}) {
    auto bytes = a.tile(t);
    ASSERT_TRUE(bytes) << bytes.error();
    EXPECT_TRUE(bytes->empty()) << t.path();
  }
}

TEST(ArchiveDeterminism, TwoRunsAreByteIdentical) {
  TempDir tmp("archive-determinism");
  const RunResult a = runIngest({"--out", (tmp / "a.pmtiles").string(), "--threads", "1", kOsm, kGeojson});
  const RunResult b = runIngest({"--out", (tmp / "b.pmtiles").string(), "--threads", "4", kOsm, kGeojson});
  ASSERT_EQ(a.exitCode, 0) << a.output;
  ASSERT_EQ(b.exitCode, 0) << b.output;
  const Bytes first = readBytes(tmp / "a.pmtiles");
  EXPECT_GT(first.size(), pm::kHeaderSize);
  EXPECT_TRUE(first == readBytes(tmp / "b.pmtiles"));
}

// Gzip (the default) and --tile-compression none hold the same tiles; gzip in fewer bytes.
TEST(ArchiveCompression, GzipAndNoneHoldTheSameTiles) {
  TempDir tmp("archive-compression");
  const RunResult g = runIngest({"--quiet", "--out", (tmp / "g.pmtiles").string(), kOsm, kGeojson});
  const RunResult n =
      runIngest({"--quiet", "--out", (tmp / "n.pmtiles").string(), "--tile-compression", "none", kOsm, kGeojson});
  ASSERT_EQ(g.exitCode, 0) << g.output;
  ASSERT_EQ(n.exitCode, 0) << n.output;
  EXPECT_NE(runIngest({"--out", (tmp / "x.pmtiles").string(), "--tile-compression", "brotli", kOsm}).exitCode, 0);
  const ArchiveReader gz = openArchive(tmp / "g.pmtiles"), raw = openArchive(tmp / "n.pmtiles");
  EXPECT_EQ(gz.header().tileCompression, pm::kCompressionGzip);
  EXPECT_EQ(raw.header().tileCompression, pm::kCompressionNone);
  EXPECT_EQ(gz.header().addressedTiles, raw.header().addressedTiles);
  EXPECT_EQ(gz.header().tileContents, raw.header().tileContents);
  int compared = 0;
  for (const pm::Entry& e : gz.allTileEntries()) {
    const geo::TileID t = pm::tileFromId(e.tileId);
    auto a = gz.tile(t), b = raw.tile(t);
    ASSERT_TRUE(a && b) << t.path();
    EXPECT_FALSE(a->empty());
    EXPECT_TRUE(a.value() == b.value()) << t.path();
    ++compared;
  }
  EXPECT_GT(compared, 10);
}

// ---- atomicity ------------------------------------------------------------------------------

void expectFailure(const RunResult& r, std::string_view message) {
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find(message), std::string::npos) << "expected '" << message << "' in:\n" << r.output;
}

// Runs the tool with files limited to `maxFileBytes` (writes beyond fail with EFBIG).
RunResult runIngestWithFileSizeLimit(std::vector<std::string> args, rlim_t maxFileBytes) {
  args.insert(args.begin(), ingestExe());
  return runProgram(args, maxFileBytes);
}

TEST(ArchiveAtomicity, UnwritableDestinationLeavesNothing) {
  TempDir tmp("archive-unwritable");
  writeText(tmp / "file", "x");
  expectFailure(runIngest({"--out", (tmp / "file" / "t.pmtiles").string(), kGeojson}), "cannot create");
  EXPECT_FALSE(fs::exists(tmp / "file" / "t.pmtiles"));
  EXPECT_EQ(readBytes(tmp / "file"), Bytes{'x'});
  // A directory where the archive should go, and a staging path taken by a directory.
  fs::create_directories(tmp / "d.pmtiles");
  expectFailure(runIngest({"--out", (tmp / "d.pmtiles").string(), kGeojson}), "is a directory");
  EXPECT_TRUE(fs::is_empty(tmp / "d.pmtiles"));
  fs::create_directories(tmp / "s.pmtiles.tmp" / "keep");
  expectFailure(runIngest({"--out", (tmp / "s.pmtiles").string(), kGeojson}), "refusing");
  EXPECT_TRUE(fs::exists(tmp / "s.pmtiles.tmp" / "keep"));
  EXPECT_FALSE(fs::exists(tmp / "s.pmtiles"));
}

TEST(ArchiveAtomicity, RefusesToReplaceAForeignFile) {
  TempDir tmp("archive-foreign");
  writeText(tmp / "notes.pmtiles", "keep me");
  expectFailure(runIngest({"--out", (tmp / "notes.pmtiles").string(), kGeojson}), "not a PMTiles archive");
  EXPECT_EQ(readBytes(tmp / "notes.pmtiles"), (Bytes{'k', 'e', 'e', 'p', ' ', 'm', 'e'}));
  EXPECT_FALSE(fs::exists(tmp / "notes.pmtiles.tmp"));
}

TEST(ArchiveAtomicity, FailedRunsKeepThePreviousArchive) {
  TempDir tmp("archive-keep");
  const std::string out = (tmp / "t.pmtiles").string();
  ASSERT_EQ(runIngest({"--out", out, kOsm, kGeojson}).exitCode, 0);
  const Bytes before = readBytes(out);
  // A missing input.
  expectFailure(runIngest({"--out", out, kGeojson, (tmp / "missing.osm").string()}), "input not found");
  EXPECT_TRUE(readBytes(out) == before);
  EXPECT_FALSE(fs::exists(out + ".tmp"));
  // The disk "fills up" while the archive is written: the staging file is removed and the
  // previous archive stays.
  const RunResult full = runIngestWithFileSizeLimit({"--out", out, kOsm, kGeojson}, 4096);
  expectFailure(full, "cannot write");
  EXPECT_TRUE(readBytes(out) == before);
  EXPECT_FALSE(fs::exists(out + ".tmp"));
  EXPECT_TRUE(fs::exists(tmp / "t.search.json"));
  EXPECT_FALSE(fs::exists(tmp / "t.search.json.tmp"));
  // A stale staging file from an interrupted run is replaced; a successful run replaces the
  // archive.
  writeText(out + ".tmp", "half an archive");
  ASSERT_EQ(runIngest({"--out", out, "--minzoom", "15", "--maxzoom", "15", kGeojson}).exitCode, 0);
  EXPECT_FALSE(fs::exists(out + ".tmp"));
  const ArchiveReader a = openArchive(out);
  EXPECT_EQ(a.header().minZoom, 15);
  EXPECT_EQ(a.header().maxZoom, 15);
}

// ---- the builder's layout -------------------------------------------------------------------

ArchiveInfo someInfo() {
  ArchiveInfo info;
  info.minZoom = 0;
  info.maxZoom = 16;
  info.west = 108.1;
  info.south = 16;
  info.east = 108.3;
  info.north = 16.2;
  info.centerLng = 108.2;
  info.centerLat = 16.1;
  info.centerZoom = 14;
  return info;
}

Bytes blob(uint8_t seed, size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = uint8_t(seed * 31 + i);
  return b;
}

TEST(ArchiveBuilderLayout, DeduplicatesAndRunLengthEncodes) {
  ArchiveBuilder b;
  // z2 in tile-id order: 5 (0,0), 6 (0,1), 7 (1,1), 8 (1,0), 9 (2,0), ...
  const Bytes sea = blob(1, 40), land = blob(2, 300);
  const std::map<uint64_t, Bytes> tiles = {{5, sea}, {6, sea}, {7, sea}, {8, land}, {9, sea}, {10, sea}, {12, sea}};
  for (const auto& [id, bytes] : tiles) b.add(pm::tileFromId(id), bytes);  // any order is fine
  ArchiveOptions uncompressed;
  uncompressed.gzipTiles = false;  // offsets in plain bytes
  ASSERT_TRUE(b.finish(someInfo(), "{}", uncompressed));
  const ArchiveStats& s = b.stats();
  EXPECT_EQ(s.addressedTiles, 7u);
  EXPECT_EQ(s.tileContents, 2u);  // sea stored once
  EXPECT_EQ(s.tileEntries, 4u);   // 5-7 sea, 8 land, 9-10 sea, 12 sea
  EXPECT_EQ(s.dataBytes, 340u);
  EXPECT_EQ(s.inputTileBytes, 6 * 40u + 300u);
  auto a = ArchiveReader::open(b.bytes());
  ASSERT_TRUE(a) << a.error();
  const std::vector<pm::Entry> expected = {{5, 0, 40, 3}, {8, 40, 300, 1}, {9, 0, 40, 2}, {12, 0, 40, 1}};
  EXPECT_EQ(a->root(), expected);
  for (uint64_t id = 0; id < 30; ++id) {
    auto t = a->tile(pm::tileFromId(id));
    ASSERT_TRUE(t) << t.error();
    const auto it = tiles.find(id);
    EXPECT_EQ(t.value(), it == tiles.end() ? Bytes{} : it->second) << id;
  }
  EXPECT_EQ(a->metadata(), "{}");
}

TEST(ArchiveBuilderLayout, LowZoomsInTheRootLeavesForTheRest) {
  // 4 + 16 + ... + 4^6 tiles, all different: too many for a small root.
  ArchiveBuilder b;
  std::map<uint64_t, Bytes> tiles;
  for (uint64_t id = 1; id < 5461; ++id) tiles[id] = blob(uint8_t(id), 20 + id % 50);
  for (auto& [id, bytes] : tiles) {
    bytes[0] = uint8_t(id);
    bytes[1] = uint8_t(id >> 8);
    b.add(pm::tileFromId(id), bytes);
  }
  ArchiveOptions options;
  options.initialFetch = 2048;
  options.leafEntries = 256;
  const std::string meta = R"({"format":"citymap-tiles"})";
  ASSERT_TRUE(b.finish(someInfo(), meta, options));
  const Bytes bytes = b.bytes();
  auto a = ArchiveReader::open(bytes);
  ASSERT_TRUE(a) << a.error();
  const pm::Header& h = a->header();
  EXPECT_LE(h.metadataOffset + h.metadataLength, 2048u);    // header, root and metadata in the budget
  EXPECT_GT(h.rootLength, 2048u - 127 - meta.size() - 16);  // and the root uses most of it
  std::vector<pm::Entry> leaves;
  const auto entries = a->allTileEntries(&leaves);
  EXPECT_EQ(entries.size(), tiles.size());
  EXPECT_EQ(b.stats().leaves, leaves.size());
  EXPECT_GT(leaves.size(), 10u);
  // The root starts with tile entries (the low zooms), then only leaf pointers.
  const auto& root = a->root();
  ASSERT_GT(root.front().runLength, 0u);
  const auto firstLeaf = std::find_if(root.begin(), root.end(), [](const pm::Entry& e) { return e.runLength == 0; });
  EXPECT_GT(firstLeaf - root.begin(), 100);
  EXPECT_TRUE(std::all_of(firstLeaf, root.end(), [](const pm::Entry& e) { return e.runLength == 0; }));
  EXPECT_EQ(size_t(root.end() - firstLeaf), leaves.size());
  for (const auto& [id, content] : tiles) {
    auto t = a->tile(pm::tileFromId(id));
    ASSERT_TRUE(t) << t.error();
    ASSERT_EQ(t.value(), content) << id;
  }
  EXPECT_EQ(h.leafLength, b.stats().leafBytes);
  // Deterministic, whatever the order tiles were added in.
  ArchiveBuilder reversed;
  for (auto it = tiles.rbegin(); it != tiles.rend(); ++it) reversed.add(pm::tileFromId(it->first), it->second);
  ASSERT_TRUE(reversed.finish(someInfo(), meta, options));
  EXPECT_TRUE(reversed.bytes() == bytes);
}

TEST(ArchiveBuilderLayout, HugeMetadataMovesOutOfTheFirstRequest) {
  ArchiveBuilder b;
  for (uint64_t id = 0; id < 2000; ++id) b.add(pm::tileFromId(id), blob(uint8_t(id), 30 + id % 7));
  const std::string meta = "{\"pad\":\"" + std::string(20000, 'x') + "\"}";
  ASSERT_TRUE(b.finish(someInfo(), meta));
  auto a = ArchiveReader::open(b.bytes());
  ASSERT_TRUE(a) << a.error();
  EXPECT_LE(a->header().rootOffset + a->header().rootLength, pm::kInitialFetch);
  EXPECT_EQ(a->metadata(), meta);
  EXPECT_EQ(a->allTileEntries().size(), 2000u);
}

TEST(ArchiveBuilderLayout, RejectsBadInput) {
  ArchiveBuilder none;
  EXPECT_FALSE(none.finish(someInfo(), "{}"));
  ArchiveBuilder twice;
  twice.add({1, 0, 0}, blob(1, 10));
  twice.add({1, 0, 0}, blob(2, 10));
  const auto t = twice.finish(someInfo(), "{}");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().find("1/0/0 added twice"), std::string::npos) << t.error();
  ArchiveBuilder empty;
  empty.add({1, 0, 0}, {});
  EXPECT_FALSE(empty.finish(someInfo(), "{}"));
  ArchiveBuilder outside;
  outside.add({3, 8, 0}, blob(1, 10));
  EXPECT_FALSE(outside.finish(someInfo(), "{}"));
  EXPECT_TRUE(outside.bytes().empty());
  EXPECT_FALSE(outside.write("/nonexistent/never.pmtiles"));
}

// ---- spilling (bounded memory) -------------------------------------------------------------

fs::path spillDir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("citymap_spill_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(BlobStore, RoundTripAcrossTheWriteBuffer) {
  const fs::path dir = spillDir("roundtrip");
  auto store = ingest::BlobStore::inFile(dir / "blobs");
  ASSERT_TRUE(store) << store.error();
  ingest::BlobStore memory;
  std::vector<std::pair<uint64_t, Bytes>> written;
  // ~3 MiB in blobs of up to 64 KiB: some end up in the file, the last ones still in the buffer.
  for (uint32_t i = 0; i < 100; ++i) {
    const Bytes b = blob(uint8_t(i), 1 + (i * 7919) % 65536);
    auto at = store->append(b);
    auto atMemory = memory.append(b);
    ASSERT_TRUE(at && atMemory);
    EXPECT_EQ(*at, *atMemory);
    written.emplace_back(*at, b);
  }
  EXPECT_TRUE(store->spilled());
  EXPECT_FALSE(memory.spilled());
  EXPECT_GT(fs::file_size(dir / "blobs"), 1u << 20);  // not all in memory
  Bytes back;
  for (auto it = written.rbegin(); it != written.rend(); ++it) {  // any order
    ASSERT_TRUE(store->read(it->first, it->second.size(), back));
    ASSERT_EQ(back, it->second);
    ASSERT_TRUE(memory.read(it->first, it->second.size(), back));
    ASSERT_EQ(back, it->second);
  }
  const auto beyond = store->read(store->size() - 1, 2, back);
  ASSERT_FALSE(beyond);
  EXPECT_NE(beyond.error().find("beyond its end"), std::string::npos) << beyond.error();
  { ingest::BlobStore moved = std::move(store).value(); }  // destroyed: its file is removed
  EXPECT_FALSE(fs::exists(dir / "blobs"));
  fs::remove_all(dir);
}

// Tiles with many duplicates, added in a scrambled order.
std::vector<std::pair<uint64_t, Bytes>> someTiles() {
  std::vector<std::pair<uint64_t, Bytes>> tiles;
  for (uint64_t id = 1; id < 5461; ++id) {
    Bytes b = blob(uint8_t(id % 13), 20 + (id % 13) * 40);
    if (id % 3 == 0) {  // a third distinct, the rest 13 shared contents
      b[0] = uint8_t(id);
      b[1] = uint8_t(id >> 8);
      b[2] = 0xee;
    }
    tiles.emplace_back(id, b);
  }
  for (size_t i = 0; i < tiles.size(); ++i) std::swap(tiles[i], tiles[(i * 2654435761u) % tiles.size()]);
  return tiles;
}

TEST(ArchiveBuilderSpill, ByteIdenticalToTheInMemoryBuild) {
  const fs::path dir = spillDir("identical");
  const auto tiles = someTiles();
  ArchiveBuilder memory, spilled;
  ASSERT_TRUE(spilled.spillTo(dir / "a.spill"));
  EXPECT_TRUE(spilled.spilled());
  for (const auto& [id, bytes] : tiles) {
    memory.add(pm::tileFromId(id), bytes);
    spilled.add(pm::tileFromId(id), bytes);
  }
  EXPECT_TRUE(fs::exists(dir / "a.spill"));
  EXPECT_EQ(spilled.distinctContents(), memory.distinctContents());
  EXPECT_EQ(memory.distinctContents(), 13u + 5460u / 3);
  ArchiveOptions options;
  options.initialFetch = 4096;
  options.leafEntries = 256;
  ASSERT_TRUE(memory.finish(someInfo(), "{}", options));
  ASSERT_TRUE(spilled.finish(someInfo(), "{}", options));
  const Bytes bytes = memory.bytes();
  EXPECT_TRUE(spilled.bytes() == bytes);
  ASSERT_TRUE(spilled.write(dir / "a.pmtiles"));
  auto a = ArchiveReader::open(readBytes(dir / "a.pmtiles"));
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->header().tileContents, 13u + 5460u / 3);
  for (const auto& [id, content] : tiles) {
    auto t = a->tile(pm::tileFromId(id));
    ASSERT_TRUE(t) << t.error();
    ASSERT_EQ(t.value(), content) << id;
  }
  // A second finish() gives the same archive again.
  ASSERT_TRUE(spilled.finish(someInfo(), "{}", options));
  EXPECT_TRUE(spilled.bytes() == bytes);
  fs::remove_all(dir);
}

TEST(ArchiveBuilderSpill, TruncatedSpillFileIsAClearError) {
  const fs::path dir = spillDir("truncated");
  ArchiveBuilder b;
  ASSERT_TRUE(b.spillTo(dir / "t.spill"));
  // > 1 MiB of distinct tiles, so that most of them are in the file.
  for (uint64_t id = 1; id < 400; ++id) {
    Bytes bytes = blob(uint8_t(id), 4000);
    bytes[0] = uint8_t(id);
    bytes[1] = uint8_t(id >> 8);
    b.add(pm::tileFromId(id), bytes);
  }
  ASSERT_GT(fs::file_size(dir / "t.spill"), 1000000u);
  fs::resize_file(dir / "t.spill", 1000);  // someone else's doing
  const auto f = b.finish(someInfo(), "{}");
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().find("truncated"), std::string::npos) << f.error();
  EXPECT_NE(f.error().find("t.spill"), std::string::npos) << f.error();
  fs::remove_all(dir);
}

TEST(ArchiveBuilderSpill, UnwritableSpillFileFailsEarly) {
  ArchiveBuilder b;
  const auto s = b.spillTo("/nonexistent/dir/x.spill");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("spill file"), std::string::npos) << s.error();
  b.add({1, 0, 0}, blob(1, 10));
  EXPECT_FALSE(b.spillTo(fs::temp_directory_path() / "never.spill"));  // after add(): refused
}

// ---- the real Da Nang data (--realdata) ------------------------------------------------------

std::string mb(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f MB", bytes / 1048576.0);
  return buf;
}

TEST(ArchiveRealData, DaNangArchiveEqualsTheFolder) {
  TempDir tmp("archive-danang");
  std::vector<std::string> inputs;
  for (const char* in : kRealInputs) inputs.push_back((dataDir() / in).string());
  std::vector<std::string> folderArgs = {"--quiet", "--out", (tmp / "tiles").string()};
  std::vector<std::string> archiveArgs = {"--out", (tmp / "danang.pmtiles").string()};
  folderArgs.insert(folderArgs.end(), inputs.begin(), inputs.end());
  archiveArgs.insert(archiveArgs.end(), inputs.begin(), inputs.end());
  const auto start = std::chrono::steady_clock::now();
  const RunResult archiveRun = runIngest(archiveArgs);
  const double archiveSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const RunResult folderRun = runIngest(folderArgs);
  const double folderSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() - archiveSeconds;
  ASSERT_EQ(archiveRun.exitCode, 0) << archiveRun.output;
  ASSERT_EQ(folderRun.exitCode, 0) << folderRun.output;
  std::printf("%s", archiveRun.output.c_str());

  const ArchiveReader a = openArchive(tmp / "danang.pmtiles");
  const size_t tiles = expectSameTiles(tmp / "tiles", a);
  const pm::Header& h = a.header();
  EXPECT_LE(h.rootOffset + h.rootLength, pm::kInitialFetch);
  EXPECT_LE(h.metadataOffset + h.metadataLength, pm::kInitialFetch);
  std::vector<pm::Entry> leafPointers;
  const auto entries = a.allTileEntries(&leafPointers);
  EXPECT_GT(leafPointers.size(), 0u);

  // Folder: the tiles' bytes, plus what the file system spends on them (blocks, directories).
  uint64_t folderBytes = 0, folderDisk = 0, emptyTiles = 0, emptyBytes = 0;
  ArchiveBuilder withoutEmpty;
  for (const fs::path& f : listTiles(tmp / "tiles")) {
    Bytes bytes = readBytes(f);
    folderBytes += bytes.size();
    folderDisk += (bytes.size() + 4095) / 4096 * 4096;
    auto decoded = decodeTileFile(f);
    ASSERT_TRUE(decoded);
    if (!decoded->root().layers() || decoded->root().layers()->size() == 0) {
      ++emptyTiles;
      emptyBytes += bytes.size();
    } else {
      withoutEmpty.add(tileOfPath(tmp / "tiles", f), std::move(bytes));
    }
  }
  const uint64_t archiveBytes = fs::file_size(tmp / "danang.pmtiles");
  std::printf(
      "\nDa Nang, %zu tiles: archive %s (%llu bytes) in %.1f s; folder %s of tiles (%llu bytes, ~%s on disk "
      "in 4 KiB blocks) + tileset.json in %.1f s\n",
      tiles, mb(archiveBytes).c_str(), (unsigned long long)archiveBytes, archiveSeconds, mb(folderBytes).c_str(),
      (unsigned long long)folderBytes, mb(folderDisk).c_str(), folderSeconds);
  std::printf(
      "  header 127 B + root %llu B (%zu entries, %zu leaf pointers) + metadata %llu B = %llu B in the first "
      "request; %zu leaves, %llu B (%llu..%llu B each); %llu tile entries, %llu distinct contents\n",
      (unsigned long long)h.rootLength, a.root().size(), leafPointers.size(), (unsigned long long)h.metadataLength,
      (unsigned long long)(h.metadataOffset + h.metadataLength), leafPointers.size(), (unsigned long long)h.leafLength,
      (unsigned long long)std::min_element(leafPointers.begin(), leafPointers.end(),
                                           [](auto& x, auto& y) { return x.length < y.length; })
          ->length,
      (unsigned long long)std::max_element(leafPointers.begin(), leafPointers.end(),
                                           [](auto& x, auto& y) { return x.length < y.length; })
          ->length,
      (unsigned long long)h.tileEntries, (unsigned long long)h.tileContents);
  // What leaving the empty tiles out would give (each carries its own z/x/y, so content
  // deduplication cannot merge them).
  ASSERT_TRUE(withoutEmpty.finish({}, a.metadata()));
  const ArchiveStats& w = withoutEmpty.stats();
  std::printf("  %llu empty tiles (%s); without them: archive %s, root %llu B, %llu leaves %llu B\n",
              (unsigned long long)emptyTiles, mb(emptyBytes).c_str(), mb(w.fileBytes).c_str(),
              (unsigned long long)w.rootBytes, (unsigned long long)w.leaves, (unsigned long long)w.leafBytes);
  EXPECT_EQ(entries.size(), h.tileEntries);
  // Directories cost well under 5 % (the walking graph after the tiles aside).
  const uint64_t routingBytes = nlohmann::json::parse(a.metadata())["citymap_routing"]["length"].get<uint64_t>();
  std::printf("  walking graph %llu B (%.1f %% of the archive)\n", (unsigned long long)routingBytes,
              100.0 * double(routingBytes) / double(archiveBytes));
  EXPECT_LT(archiveBytes - routingBytes, folderBytes + folderBytes / 20);
}

}  // namespace
}  // namespace citymap::ingest_test

int main(int argc, char** argv) {
  // --realdata: only the real-data test, skipped (77) without the data; otherwise everything else.
  bool realData = false;
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--realdata") == 0) realData = true;
  if (realData) {
    const auto dir = citymap::ingest_test::dataDir();
    for (const char* in : citymap::ingest_test::kRealInputs)
      if (!std::filesystem::exists(dir / in)) {
        std::printf("SKIPPED: Da Nang data not found at %s\n", dir.c_str());
        return 77;
      }
  }
  ::testing::GTEST_FLAG(filter) = realData ? "ArchiveRealData.*" : "-ArchiveRealData.*";
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
