// The desktop's overlay conversion (tools/ingest/overlay.hpp): small files generated here (and
// with ogr2ogr in other formats and CRSs) become a PMTiles archive; the tiles are read back the
// way the client reads them (core/tile pmtiles + decodeTile) and checked for feature counts,
// kinds, names and where the coordinates land. Bad input gives an error naming the problem.
#include "ingest/overlay.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "ingest/feature_id.hpp"
#include "ingest/source_reader.hpp"
#include "platform/zlib/gzip.hpp"
#include "test_support.hpp"
#include "tile/pmtiles.hpp"
#include "tile/tileset.hpp"

namespace citymap::ingest {
namespace {

namespace fs = std::filesystem;
namespace pm = tile::pmtiles;
using ingest_test::findProgram;
using ingest_test::Pt;
using ingest_test::RunResult;
using ingest_test::TempDir;
using ingest_test::writeText;
using Bytes = std::vector<uint8_t>;

// Every tile of an archive, by walking the root and leaf directories as the client does.
std::map<geo::TileID, tile::TileData> readArchive(const Bytes& archive) {
  std::map<geo::TileID, tile::TileData> out;
  const auto slice = [&](pm::ByteRange r) {
    EXPECT_LE(r.offset + r.length, archive.size());
    return std::span<const uint8_t>(archive).subspan(size_t(r.offset), size_t(r.length));
  };
  auto header = pm::parseHeader(std::span<const uint8_t>(archive).first(std::min(archive.size(), pm::kInitialFetch)),
                                archive.size());
  EXPECT_TRUE(header) << header.error();
  if (!header) return out;
  std::vector<std::vector<pm::Entry>> pending;
  auto root = pm::parseDirectory(slice(pm::rootRange(*header)));
  EXPECT_TRUE(root) << root.error();
  if (!root) return out;
  pending.push_back(std::move(root).value());
  while (!pending.empty()) {
    const std::vector<pm::Entry> dir = std::move(pending.back());
    pending.pop_back();
    for (const pm::Entry& e : dir) {
      if (e.runLength == 0) {
        auto leafRange = pm::leafRange(*header, e);
        EXPECT_TRUE(leafRange);
        auto leaf = pm::parseDirectory(slice(*leafRange));
        EXPECT_TRUE(leaf) << leaf.error();
        if (leaf) pending.push_back(std::move(leaf).value());
        continue;
      }
      auto range = pm::tileRange(*header, e);
      EXPECT_TRUE(range);
      const auto stored = slice(*range);
      auto inflated = header->tileCompression == pm::kCompressionGzip
                          ? zlib::gunzip(stored)
                          : Result<Bytes>(Bytes(stored.begin(), stored.end()));
      EXPECT_TRUE(inflated) << inflated.error();
      if (!inflated) continue;
      const Bytes& bytes = *inflated;
      for (uint32_t i = 0; i < e.runLength; ++i) {
        const geo::TileID id = pm::tileFromId(e.tileId + i);
        auto data = tile::decodeTile(Bytes(bytes.begin(), bytes.end()), id);
        EXPECT_TRUE(data) << id.path() << ": " << data.error();
        if (!data) continue;
        EXPECT_EQ(data->id(), id);
        out.emplace(id, std::move(data).value());
      }
    }
  }
  return out;
}

nlohmann::json metadataOf(const Bytes& archive) {
  auto header = pm::parseHeader(std::span<const uint8_t>(archive).first(pm::kHeaderSize), archive.size());
  if (!header) return {};
  const auto r = pm::metadataRange(*header);
  return nlohmann::json::parse(archive.begin() + long(r.offset), archive.begin() + long(r.offset + r.length));
}

// Features of the overlay layer in one tile.
std::vector<const fb::Feature*> overlayFeatures(const tile::TileData& t) {
  std::vector<const fb::Feature*> out;
  if (const fb::Layer* l = t.layer(tile::layer::kOverlay))
    for (const fb::Feature* f : *l->features()) out.push_back(f);
  return out;
}

// Distinct feature ids per zoom over all tiles.
std::map<int, std::set<uint64_t>> idsPerZoom(const std::map<geo::TileID, tile::TileData>& tiles) {
  std::map<int, std::set<uint64_t>> out;
  for (const auto& [id, t] : tiles)
    for (const fb::Feature* f : overlayFeatures(t)) out[id.z].insert(f->id());
  return out;
}

// The feature named `name` in the z16 tile holding `where`, or nullptr.
const fb::Feature* namedAt(const std::map<geo::TileID, tile::TileData>& tiles, geo::LngLat where, std::string_view name,
                           uint8_t z = 16) {
  const auto it = tiles.find(ingest_test::tileOf(where, z));
  if (it == tiles.end()) return nullptr;
  for (const fb::Feature* f : overlayFeatures(it->second))
    if (f->name() && f->name()->string_view() == name) return f;
  return nullptr;
}

// A point feature at `where` lands within `tolerance` tile units of it (one unit at z16 is
// about 0.15 m in Da Nang).
void expectAt(const fb::Feature& f, geo::LngLat where, uint8_t z, double tolerance) {
  const Pt expected = ingest_test::tilePos(where, ingest_test::tileOf(where, z));
  const Pt got = ingest_test::partPoints(f, 0).front();
  EXPECT_LT(ingest_test::distance(got, expected), tolerance)
      << "(" << got.x << ", " << got.y << ") vs (" << expected.x << ", " << expected.y << ")";
}

constexpr geo::LngLat kBridge{108.2275, 16.0612}, kSonTra{108.2772, 16.1180}, kMarket{108.2205, 16.0680};

class OverlayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Three geometry types, names in a "name" field, in WGS 84 (GeoJSON's default).
    writeText(tmp_ / "wgs84.geojson", R"({"type":"FeatureCollection","name":"places","features":[
      {"type":"Feature","properties":{"name":"Cầu Rồng","n":1},"geometry":{"type":"Point","coordinates":[108.2275,16.0612]}},
      {"type":"Feature","properties":{"name":"Sơn Trà","n":2},"geometry":{"type":"Point","coordinates":[108.2772,16.1180]}},
      {"type":"Feature","properties":{"name":"Đường","n":3},"geometry":{"type":"LineString","coordinates":[[108.20,16.05],[108.22,16.07],[108.25,16.06]]}},
      {"type":"Feature","properties":{"name":"Khu","n":4},"geometry":{"type":"Polygon","coordinates":[[[108.21,16.06],[108.23,16.06],[108.23,16.075],[108.21,16.075],[108.21,16.06]]]}},
      {"type":"Feature","properties":{"name":"Trống","n":5},"geometry":null}]})");
  }

  // ogr2ogr `args`; skips the test when ogr2ogr is missing, fails it when the conversion does.
  bool convert(std::vector<std::string> args) {
    static const std::string ogr2ogr = findProgram("ogr2ogr");
    if (ogr2ogr.empty()) return false;
    args.insert(args.begin(), ogr2ogr);
    const RunResult r = ingest_test::runProgram(args);
    EXPECT_EQ(r.exitCode, 0) << r.output;
    return r.exitCode == 0;
  }

  Overlay build(const fs::path& file, const OverlayOptions& options = {}) {
    auto o = buildOverlay(file.string(), options);
    EXPECT_TRUE(o) << o.error();
    return o ? std::move(o).value() : Overlay{};
  }
  std::string error(const fs::path& file, const OverlayOptions& options = {}) {
    auto o = buildOverlay(file.string(), options);
    EXPECT_FALSE(o) << file;
    return o ? std::string() : o.error();
  }

  TempDir tmp_{"overlay"};
};

TEST_F(OverlayTest, GeoJsonInWgs84) {
  const Overlay o = build(tmp_ / "wgs84.geojson");
  EXPECT_EQ(o.features, 4u);
  EXPECT_EQ(o.dropped, 1u);  // the feature without geometry
  ASSERT_EQ(o.layers.size(), 1u);
  EXPECT_EQ(o.layers[0].name, "places");
  EXPECT_EQ(o.layers[0].read, 5u);
  EXPECT_NE(o.layers[0].crs.find("EPSG:4326"), std::string::npos) << o.layers[0].crs;
  EXPECT_NEAR(o.west, 108.20, 1e-6);
  EXPECT_NEAR(o.east, 108.2772, 1e-6);
  EXPECT_NEAR(o.south, 16.05, 1e-6);
  EXPECT_NEAR(o.north, 16.1180, 1e-6);
  EXPECT_EQ(o.minZoom, 0);
  EXPECT_EQ(o.maxZoom, 16);

  const auto tiles = readArchive(o.archive);
  EXPECT_EQ(tiles.size(), o.tiles);
  // The points and the line at every zoom 0..16; the 2 km square once it is a few tile units
  // wide (at z2 it is 1.8 x 1.4 units, which simplification and the minimum area drop).
  // Tiles hold the "overlay" layer only.
  const auto ids = idsPerZoom(tiles);
  for (int z = 0; z <= 16; ++z) {
    ASSERT_TRUE(ids.count(z)) << "z" << z;
    EXPECT_GE(ids.at(z).size(), 3u) << "z" << z;
    if (z >= 6) {
      EXPECT_EQ(ids.at(z).size(), 4u) << "z" << z;
    }
  }
  EXPECT_EQ(ids.at(2).size(), 3u);
  for (const auto& [id, t] : tiles) {
    ASSERT_NE(t.root().layers(), nullptr);
    EXPECT_EQ(t.root().layers()->size(), 1u);
    EXPECT_NE(t.layer("overlay"), nullptr);
  }
  const fb::Feature* bridge = namedAt(tiles, kBridge, "Cầu Rồng");
  ASSERT_NE(bridge, nullptr);
  EXPECT_EQ(bridge->type(), fb::GeometryType::Point);
  EXPECT_EQ(bridge->kind(), 0);
  EXPECT_EQ(bridge->id(), hashedId("wgs84.geojson", "places", 0));  // no id field: file, layer and FID
  expectAt(*bridge, kBridge, 16, 1.0);
  const fb::Feature* sontra = namedAt(tiles, kSonTra, "Sơn Trà", 12);
  ASSERT_NE(sontra, nullptr);
  expectAt(*sontra, kSonTra, 12, 1.0);
  const fb::Feature* area = namedAt(tiles, kMarket, "Khu");
  ASSERT_NE(area, nullptr);
  EXPECT_EQ(area->type(), fb::GeometryType::Polygon);
  const fb::Feature* line = namedAt(tiles, {108.21, 16.06}, "Đường");
  ASSERT_NE(line, nullptr);
  EXPECT_EQ(line->type(), fb::GeometryType::Line);

  const nlohmann::json meta = metadataOf(o.archive);
  EXPECT_EQ(meta["layers"], nlohmann::json({"overlay"}));
  EXPECT_EQ(meta["minzoom"], 0);
  EXPECT_EQ(meta["maxzoom"], 16);
  EXPECT_EQ(meta["attribution"], "");                                       // the user's own data
  EXPECT_TRUE(tile::parseTileset(meta.dump(), /*requireTilePath=*/false));  // as the client reads it

  const std::string summary = overlaySummary(o);
  EXPECT_NE(summary.find("overlay wgs84.geojson: 4 features in 1 layer (places 4)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("EPSG:4326"), std::string::npos) << summary;
  EXPECT_NE(summary.find("bbox 108.2,16.05,108.2772,16.118"), std::string::npos) << summary;
  // Deterministic.
  EXPECT_EQ(build(tmp_ / "wgs84.geojson").archive, o.archive);
}

// Two layers of a GeoPackage in UTM 49N (EPSG:32649): kinds 0 and 1, every point where the
// WGS 84 original is.
TEST_F(OverlayTest, GeoPackageInUtmWithTwoLayers) {
  if (!convert({"-f", "GPKG", "-t_srs", "EPSG:32649", "-nln", "first", (tmp_ / "two.gpkg").string(),
                (tmp_ / "wgs84.geojson").string()}))
    GTEST_SKIP() << "ogr2ogr (gdal-bin) not found";
  ASSERT_TRUE(convert({"-f", "GPKG", "-update", "-t_srs", "EPSG:32649", "-nln", "second", "-where", "n <= 2",
                       (tmp_ / "two.gpkg").string(), (tmp_ / "wgs84.geojson").string()}));
  const Overlay o = build(tmp_ / "two.gpkg");
  ASSERT_EQ(o.layers.size(), 2u);
  EXPECT_EQ(o.layers[0].name, "first");
  EXPECT_EQ(o.layers[1].name, "second");
  EXPECT_EQ(o.layers[1].kind, 1);
  EXPECT_EQ(o.layers[0].features, 4u);
  EXPECT_EQ(o.layers[1].features, 2u);
  EXPECT_EQ(o.features, 6u);
  EXPECT_NE(o.layers[0].crs.find("EPSG:32649"), std::string::npos) << o.layers[0].crs;
  EXPECT_NE(overlaySummary(o).find("EPSG:32649"), std::string::npos);
  const auto tiles = readArchive(o.archive);
  const auto ids = idsPerZoom(tiles);
  EXPECT_EQ(ids.at(16).size(), 6u);
  EXPECT_EQ(ids.at(0).size(), 5u);  // the small square is too small at z0
  std::set<uint8_t> kinds;
  const auto z16 = tiles.find(ingest_test::tileOf(kBridge, 16));
  ASSERT_NE(z16, tiles.end());
  for (const fb::Feature* f : overlayFeatures(z16->second))
    if (f->name() && f->name()->string_view() == "Cầu Rồng") {
      kinds.insert(f->kind());
      expectAt(*f, kBridge, 16, 1.0);  // UTM -> Web Mercator within 0.15 m
    }
  EXPECT_EQ(kinds, (std::set<uint8_t>{0, 1}));
}

// A Shapefile in VN-2000 / TM-3 107-45 (EPSG:5899, Da Nang's zone), names in a "TEN" field.
TEST_F(OverlayTest, ShapefileInVn2000) {
  writeText(tmp_ / "ten.geojson", R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"TEN":"Cầu Rồng","CODE":"A"},"geometry":{"type":"Point","coordinates":[108.2275,16.0612]}},
    {"type":"Feature","properties":{"TEN":"Sơn Trà","CODE":"B"},"geometry":{"type":"Point","coordinates":[108.2772,16.1180]}}]})");
  if (!convert({"-f", "ESRI Shapefile", "-t_srs", "EPSG:5899", "-lco", "ENCODING=UTF-8", (tmp_ / "vn2000.shp").string(),
                (tmp_ / "ten.geojson").string()}))
    GTEST_SKIP() << "ogr2ogr (gdal-bin) not found";
  const Overlay o = build(tmp_ / "vn2000.shp");
  EXPECT_EQ(o.features, 2u);
  ASSERT_EQ(o.layers.size(), 1u);
  EXPECT_NE(o.layers[0].crs.find("VN-2000"), std::string::npos) << o.layers[0].crs;
  const auto tiles = readArchive(o.archive);
  const fb::Feature* bridge = namedAt(tiles, kBridge, "Cầu Rồng");
  ASSERT_NE(bridge, nullptr) << "the name comes from TEN";
  expectAt(*bridge, kBridge, 16, 1.0);  // ogr2ogr and the overlay use the same datum shift (EPSG:6960)
  const fb::Feature* sontra = namedAt(tiles, kSonTra, "Sơn Trà");
  ASSERT_NE(sontra, nullptr);
  expectAt(*sontra, kSonTra, 16, 1.0);
}

TEST_F(OverlayTest, NoCrsNeedsOverlaySrs) {
  // A CSV with WKT geometry has no CRS.
  // The Dragon Bridge and Son Tra in UTM 49N (gdaltransform -s_srs EPSG:4326 -t_srs EPSG:32649).
  writeText(tmp_ / "utm.csv",
            "WKT,name\n\"POINT (203357.6107 1777691.7769)\",a\n"
            "\"LINESTRING (203357.6107 1777691.7769,208761.5768 1783910.1253)\",b\n");
  const std::string e = error(tmp_ / "utm.csv");
  EXPECT_NE(e.find("utm.csv"), std::string::npos) << e;
  EXPECT_NE(e.find("has no CRS"), std::string::npos) << e;
  EXPECT_NE(e.find("--overlay-srs"), std::string::npos) << e;
  OverlayOptions options;
  options.assumeCrs = "EPSG:32649";
  const Overlay o = build(tmp_ / "utm.csv", options);
  EXPECT_EQ(o.features, 2u);
  EXPECT_NE(o.layers[0].crs.find("EPSG:32649"), std::string::npos) << o.layers[0].crs;
  EXPECT_NE(o.layers[0].crs.find("assumed"), std::string::npos) << o.layers[0].crs;
  EXPECT_NEAR(o.west, kBridge.lng, 1e-6);
  EXPECT_NEAR(o.south, kBridge.lat, 1e-6);
  EXPECT_NEAR(o.east, kSonTra.lng, 1e-6);
  EXPECT_NEAR(o.north, kSonTra.lat, 1e-6);
  const auto tiles = readArchive(o.archive);
  const fb::Feature* a = namedAt(tiles, kBridge, "a");
  ASSERT_NE(a, nullptr);
  expectAt(*a, kBridge, 16, 1.0);
  options.assumeCrs = "EPSG:999999";
  EXPECT_NE(error(tmp_ / "utm.csv", options).find("does not understand the CRS"), std::string::npos);
}

TEST_F(OverlayTest, BrokenFilesGiveClearErrors) {
  std::string e = error(tmp_ / "missing.geojson");
  EXPECT_NE(e.find("not found"), std::string::npos) << e;
  writeText(tmp_ / "truncated.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feature","prop)");
  e = error(tmp_ / "truncated.geojson");
  EXPECT_NE(e.find("cannot open"), std::string::npos) << e;
  EXPECT_NE(e.find("truncated.geojson"), std::string::npos) << e;
  writeText(tmp_ / "noise.gpkg", "this is not a GeoPackage at all");
  e = error(tmp_ / "noise.gpkg");
  EXPECT_NE(e.find("noise.gpkg"), std::string::npos) << e;
  writeText(tmp_ / "empty.geojson", R"({"type":"FeatureCollection","features":[]})");
  e = error(tmp_ / "empty.geojson");
  EXPECT_NE(e.find("no feature with a geometry"), std::string::npos) << e;
}

// A file covering the world does not cut 4^16 tiles: the top zoom comes down.
TEST_F(OverlayTest, LargeExtentsLowerTheTopZoom) {
  writeText(tmp_ / "world.geojson", R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"name":"world"},"geometry":{"type":"Polygon","coordinates":[[[-170,-80],[170,-80],[170,80],[-170,80],[-170,-80]]]}},
    {"type":"Feature","properties":{"name":"here"},"geometry":{"type":"Point","coordinates":[108.2275,16.0612]}}]})");
  const Overlay o = build(tmp_ / "world.geojson");
  EXPECT_LT(o.maxZoom, 16);
  EXPECT_GE(o.maxZoom, 6);
  EXPECT_EQ(o.features, 2u);
  const auto ids = idsPerZoom(readArchive(o.archive));
  EXPECT_EQ(ids.at(o.maxZoom).size(), 2u);
  EXPECT_FALSE(ids.count(o.maxZoom + 1));
}

// One point: the archive's box is not empty (the client wants west < east, south < north).
TEST_F(OverlayTest, SinglePoint) {
  writeText(tmp_ / "one.geojson", R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"name":"Hội An"},"geometry":{"type":"Point","coordinates":[108.338,15.8801]}}]})");
  const Overlay o = build(tmp_ / "one.geojson");
  EXPECT_EQ(o.features, 1u);
  EXPECT_EQ(o.west, o.east);
  const nlohmann::json meta = metadataOf(o.archive);
  auto tileset = tile::parseTileset(meta.dump(), /*requireTilePath=*/false);
  ASSERT_TRUE(tileset) << tileset.error() << "\n" << meta.dump();
  const auto& b = meta["bounds"];
  EXPECT_LT(b[0].get<double>(), 108.338);
  EXPECT_GT(b[2].get<double>(), 108.338);
  EXPECT_LT(b[1].get<double>(), 15.8801);
  EXPECT_GT(b[3].get<double>(), 15.8801);
  const auto ids = idsPerZoom(readArchive(o.archive));
  EXPECT_EQ(ids.size(), 17u);  // z0..z16
}

TEST(OverlayMaxZoom, BoundedByTheBudget) {
  Feature f;
  f.bbox = {0.5, 0.5, 0.5 + std::ldexp(1.0, -10), 0.5 + std::ldexp(1.0, -10)};  // one z10 tile
  const std::vector<Feature> fs{f};
  EXPECT_EQ(overlayMaxZoom(fs, 16, 65 * 65), 16);  // 64 x 64 tiles at z16, plus the edge
  EXPECT_EQ(overlayMaxZoom(fs, 16, 65 * 65 - 1), 15);
  EXPECT_EQ(overlayMaxZoom(fs, 16, 100), 13);  // 9 x 9 at z13, 17 x 17 at z14
  EXPECT_EQ(overlayMaxZoom(fs, 16, 0), 0);
}

TEST(NameField, Guessing) {
  EXPECT_EQ(nameFieldOf({"id", "name", "TEN"}, "name"), "name");
  EXPECT_EQ(nameFieldOf({"id", "TEN", "title"}, "name"), "TEN");
  EXPECT_EQ(nameFieldOf({"id", "Title"}, "name"), "Title");
  EXPECT_EQ(nameFieldOf({"id", "road_name_vi"}, "name"), "road_name_vi");
  EXPECT_EQ(nameFieldOf({"id", "code"}, "name"), "");
}

}  // namespace
}  // namespace citymap::ingest
