// Runs citymap-ingest with tools/ingest/danang.layers.json on the real Da Nang data
// (CITYMAP_DATA_DIR, never committed) and checks every layer, well-known places and the search
// index. Exits with 77 (ctest SKIP_RETURN_CODE) when the data is not there.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "test_support.hpp"
#include "tile/feature_parts.hpp"

namespace citymap::ingest_test {
namespace {

fs::path dataDir() {
  if (const char* env = std::getenv("CITYMAP_DATA_DIR")) return env;
  return CITYMAP_DATA_DIR;
}

const char* const kOsm = "osm/osm_haichau_center_2026.osm";
const fs::path kConfig = fs::path(CITYMAP_SOURCE_DIR) / "tools/ingest/danang.layers.json";

// A configured source's id from its namespace and values (docs/INGEST.md).
uint64_t configuredId(std::string_view ns, std::initializer_list<std::string_view> values) {
  const auto fnv = [](std::string_view s, uint64_t h) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    return h;
  };
  uint64_t h = fnv(ns, 14695981039346656037ull);
  for (std::string_view v : values) h = fnv(v, fnv(std::string_view("\0", 1), h));
  return ((h & ((uint64_t(1) << 51) - 1)) << 2) | 3;
}

nlohmann::json readJson(const fs::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

// Dragon Bridge (Cầu Rồng) over the Hàn river.
constexpr geo::LngLat kDragonBridge{108.2275, 16.0612};

class DaNangIngest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = std::make_unique<TempDir>("danang");
    out_ = tmp_->path() / "tiles";
    const std::vector<std::string> args = {
        "--out",      out_.string(),      "--config", kConfig.string(),
        "--data-dir", dataDir().string(), "--report", (tmp_->path() / "report.json").string()};
    const auto start = std::chrono::steady_clock::now();
    run_ = runIngest(args);
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s(ingest took %.1f s)\n", run_.output.c_str(), seconds_);
  }
  static void TearDownTestSuite() { tmp_.reset(); }
  void SetUp() override { ASSERT_EQ(run_.exitCode, 0) << run_.output; }

  static inline std::unique_ptr<TempDir> tmp_;
  static inline fs::path out_;
  static inline RunResult run_;
  static inline double seconds_ = 0;
};

// Well under a minute on 2 cores (typically 10 s here, mostly creating ~29,600 files). Only
// meaningful for optimised, unsanitised builds.
TEST_F(DaNangIngest, FinishesInUnderAMinute) {
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(seconds_, 60.0);
#else
  GTEST_SKIP() << "timing not checked in debug or sanitizer builds (" << seconds_ << " s)";
#endif
}

TEST_F(DaNangIngest, DragonBridgeIsABridgeNamedCauRong) {
  const geo::TileID t = tileOf(kDragonBridge, 16);
  std::string error;
  const auto data = loadTile(out_, t, &error);
  ASSERT_TRUE(data) << error;
  const auto bridges = findByName(*data, "roads", "Cầu Rồng");
  ASSERT_FALSE(bridges.empty()) << "no road named Cầu Rồng in " << t.path();
  bool anyBridge = false;
  for (const fb::Feature* f : bridges) {
    EXPECT_EQ(f->type(), fb::GeometryType::Line);
    EXPECT_EQ(f->kind(), uint8_t(tile::RoadKind::Primary));
    EXPECT_EQ(f->id() & 3, 1u) << "an OSM way";
    if (f->flags() & tile::kFlagBridge) {
      anyBridge = true;
      EXPECT_EQ(f->z_order(), 1);
    }
  }
  EXPECT_TRUE(anyBridge);
  // OSM way 199383481 is one of the bridge's carriageways.
  EXPECT_NE(findFeature(*data, "roads", osmId(199383481, 1)), nullptr);
}

TEST_F(DaNangIngest, HanRiverWaterUnderTheBridge) {
  const geo::TileID t = tileOf(kDragonBridge, 16);
  const auto data = loadTile(out_, t);
  ASSERT_TRUE(data);
  const fb::Layer* water = data->layer("water");
  ASSERT_NE(water, nullptr);
  const Pt bridge = tilePos(kDragonBridge, t);
  bool covered = false;
  for (const fb::Feature* f : *water->features()) {
    if (f->type() != fb::GeometryType::Polygon) continue;
    size_t part = 0;
    for (uint32_t rings : tile::ringCounts(*f)) {
      bool inside = pointInRing(partPoints(*f, part), bridge);
      for (uint32_t h = 1; h < rings; ++h) inside = inside && !pointInRing(partPoints(*f, part + h), bridge);
      covered = covered || inside;
      part += rings;
    }
  }
  EXPECT_TRUE(covered) << "no water polygon under the Dragon Bridge";
  // The river is visible at the lowest zoom too.
  const auto z12 = loadTile(out_, tileOf(kDragonBridge, 12));
  ASSERT_TRUE(z12);
  EXPECT_NE(z12->layer("water"), nullptr);
}

TEST_F(DaNangIngest, BuildingsAndPoisInHaiChau) {
  const auto data = loadTile(out_, tileOf({108.2200, 16.0600}, 16));
  ASSERT_TRUE(data);
  ASSERT_NE(data->layer("buildings"), nullptr);
  EXPECT_GT(data->layer("buildings")->features()->size(), 10u);
  ASSERT_NE(data->layer("pois"), nullptr);
  const auto z14 = loadTile(out_, tileOf({108.2200, 16.0600}, 14));
  ASSERT_TRUE(z14);
  // Below z15 only the tourist places (configured from z13) are written.
  if (const fb::Layer* pois = z14->layer("pois")) {
    for (const fb::Feature* f : *pois->features()) EXPECT_EQ(f->kind(), uint8_t(tile::PoiKind::Tourism));
  }
}

TEST_F(DaNangIngest, EveryTileExistsAndDecodes) {
  std::ifstream in(out_ / "tileset.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  const auto b = j["bounds"];
  const geo::WorldPoint nw = geo::toWorld({b[0].get<double>(), b[3].get<double>()});
  const geo::WorldPoint se = geo::toWorld({b[2].get<double>(), b[1].get<double>()});
  size_t expected = 0;
  for (int z = j["minzoom"].get<int>(); z <= j["maxzoom"].get<int>(); ++z)
    for (const geo::TileID& t : geo::tilesCovering({nw.x, nw.y, se.x, se.y}, uint8_t(z))) {
      ++expected;
      std::string error;
      const auto data = loadTile(out_, t, &error);
      ASSERT_TRUE(data) << t.path() << ": " << error;
      ASSERT_EQ(data->id(), t);
    }
  EXPECT_EQ(expected, j["tiles"].get<size_t>());
  EXPECT_EQ(listTiles(out_).size(), expected);
  // The configured box, not the admin layers' (Hoàng Sa reaches 112.7 E).
  EXPECT_EQ(b, nlohmann::json({107.7, 15.7, 108.6, 16.4}));
  EXPECT_EQ(j["layers"], nlohmann::json({"water", "landuse", "roads", "buildings", "pois", "admin", "transit", "ioc",
                                         "road_labels"}));
}

// The roads layer keeps every way with its own id (live traffic names ways); road_labels holds
// the streets joined from the named ones, from z13 on.
TEST_F(DaNangIngest, RoadsKeepEveryWayLabelsJoinStreets) {
  std::set<uint64_t> roads, labels;
  for (const fs::path& file : listTiles(out_ / "16")) {
    auto data = decodeTileFile(file);
    ASSERT_TRUE(data) << file;
    if (const fb::Layer* l = data->layer("roads"))
      for (const fb::Feature* f : *l->features()) roads.insert(f->id());
    if (const fb::Layer* l = data->layer("road_labels"))
      for (const fb::Feature* f : *l->features()) {
        labels.insert(f->id());
        ASSERT_NE(f->name(), nullptr);
        EXPECT_FALSE(f->name()->string_view().empty());
      }
  }
  const nlohmann::json report = readJson(tmp_->path() / "report.json");
  EXPECT_EQ(roads.size(), report["layers"]["roads"]["features"].get<size_t>());
  EXPECT_EQ(labels.size(), report["layers"]["road_labels"]["features"].get<size_t>());
  EXPECT_EQ(labels.size(), report["merge"]["features"].get<size_t>());
  EXPECT_LT(labels.size(), report["merge"]["pieces"].get<size_t>());
  for (const uint64_t id : labels) EXPECT_TRUE(roads.count(id)) << "label " << id << " is not a road's id";
  // Both carriageways of the Dragon Bridge (OSM ways 199383481 and 694830396) are roads.
  EXPECT_TRUE(roads.count(osmId(199383481, 1)));
  EXPECT_TRUE(roads.count(osmId(694830396, 1)));
  for (const char* z : {"13", "14", "15", "16"})
    EXPECT_GT(report["layers"]["road_labels"]["per_zoom"][z].get<uint64_t>(), 0u) << z;
  EXPECT_EQ(report["layers"]["road_labels"]["per_zoom"]["12"], 0);
}

// Every configured source and layer was read in full (the counts of the data's README) and
// kept as far as it lies inside the box.
TEST_F(DaNangIngest, EverySourceReadWithTheReadmeCounts) {
  const nlohmann::json report = readJson(tmp_->path() / "report.json");
  struct Expect {
    uint64_t read, minKept;
  };
  const std::map<std::string, Expect> expected = {
      {"osm/osm_haichau_center_2026.osm:points", {1691, 400}},
      {"osm/osm_haichau_center_2026.osm:lines", {1538, 1500}},
      {"osm/osm_haichau_center_2026.osm:multipolygons", {421, 400}},
      {"osm/osm_landuse_water.geojson:osm_landuse_water", {3046, 3046}},
      {"roads/haichau_ext_buildings_2026.geojson:haichau_ext_buildings_2026", {1804, 1804}},
      {"admin/admin_2025_wards_communes.geojson:admin_2025_wards_communes", {94, 45}},  // the rest: Quảng Nam, Hoàng Sa
      {"admin/admin_2025_city_boundary.geojson:admin_2025_city_boundary", {1, 1}},
      {"admin/admin_pre2025_districts.geojson:admin_pre2025_districts", {8, 7}},  // Hoàng Sa is outside
      {"admin/admin_pre2025_wards_osm.geojson:admin_pre2025_wards_osm", {56, 56}},
      {"transit/bus_routes.geojson:bus_routes", {12, 12}},
      {"transit/bus_stops.geojson:bus_stops", {392, 392}},
      {"ioc/disaster_monitoring_stations.geojson:disaster_monitoring_stations", {45, 45}},
      {"ioc/storm_shelters.geojson:storm_shelters", {413, 413}},
      {"ioc/landslide_sites.geojson:landslide_sites", {1304, 32}},  // most are in the mountains of former Quảng Nam
      {"ioc/lorawan_gateways.geojson:lorawan_gateways", {13, 13}},
      {"osm/osm_pois_2018.geojson:osm_pois_2018", {1239, 1200}},
      {"traffic/oneway_segments.geojson:oneway_segments", {1730, 1400}},  // minus those the OSM extract has
      {"tourism/tourist_places.geojson:tourist_places", {55, 55}},
      {"poi/government_offices.geojson:government_offices", {370, 150}},  // the box cuts off Quảng Nam
      {"poi/post_offices.geojson:post_offices", {315, 120}},
  };
  std::set<std::string> seen;
  for (const auto& s : report["sources"]) {
    const std::string key = s["source"].get<std::string>() + ":" + s["layer"].get<std::string>();
    seen.insert(key);
    EXPECT_EQ(s["duplicate_ids"], 0) << key << ": ids must be unique";
    EXPECT_EQ(s["reprojection_failed"], 0) << key;
    const auto it = expected.find(key);
    if (it == expected.end()) continue;
    EXPECT_EQ(s["read"].get<uint64_t>(), it->second.read) << key;
    EXPECT_GE(s["kept"].get<uint64_t>(), it->second.minKept) << key;
  }
  for (const auto& [key, e] : expected) EXPECT_TRUE(seen.count(key)) << key << " not read";
  // Nothing draws or looks up the pre-2025 city outline: it is not tiled (0.7 MB saved).
  EXPECT_FALSE(seen.count("admin/admin_pre2025_city_boundary.geojson:admin_pre2025_city_boundary"));
  const auto& layers = report["layers"];
  for (const char* layer : {"water", "landuse", "roads", "buildings", "pois", "admin", "transit", "ioc"})
    for (const char* z : {"15", "16"})
      EXPECT_GT(layers[layer]["per_zoom"][z].get<uint64_t>(), 0u) << layer << " z" << z;
  // Bytes per layer per zoom add up to each zoom's tile bytes (less the tiles' own header).
  for (const auto& zs : report["zooms"]) {
    const std::string z = std::to_string(zs["z"].get<int>());
    uint64_t sum = 0;
    for (const auto& [name, layer] : layers.items()) sum += layer["bytes_per_zoom"][z].get<uint64_t>();
    EXPECT_GT(sum, zs["bytes"].get<uint64_t>() * 8 / 10) << "z" << z;
    EXPECT_LE(sum, zs["bytes"].get<uint64_t>()) << "z" << z;
  }
  EXPECT_EQ(layers["admin"]["features"].get<uint64_t>(), 114u);
  EXPECT_EQ(layers["transit"]["features"].get<uint64_t>(), 404u);
  EXPECT_GE(layers["ioc"]["features"].get<uint64_t>(), 540u);
  EXPECT_GT(report["merge"]["joined"].get<uint64_t>(), 50u);
  EXPECT_GT(report["search_entries"].get<uint64_t>(), 3000u);
}

// Every class of the new layers is in the tiles, at z12 already.
TEST_F(DaNangIngest, AdminTransitIocKindsAtLowZoom) {
  std::map<std::string, std::set<uint8_t>> kinds;
  std::map<std::string, std::set<uint64_t>> ids;
  for (const fs::path& file : listTiles(out_ / "12")) {
    auto data = decodeTileFile(file);
    ASSERT_TRUE(data) << file;
    for (const char* layer : {"admin", "transit", "ioc"})
      if (const fb::Layer* l = data->layer(layer))
        for (const fb::Feature* f : *l->features()) {
          kinds[layer].insert(f->kind());
          ids[layer].insert(f->id());
        }
  }
  EXPECT_EQ(kinds["admin"], (std::set<uint8_t>{0, 1, 3, 4}));  // CityPre2025 (2) is not tiled
  EXPECT_EQ(kinds["transit"], (std::set<uint8_t>{uint8_t(tile::TransitKind::BusRoute)}));  // stops from z14
  EXPECT_EQ(kinds["ioc"], (std::set<uint8_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ids["admin"].size(), 114u);
  EXPECT_EQ(ids["transit"].size(), 12u);
  EXPECT_EQ(ids["ioc"].size(), 547u);
  // Stable ids: a 2025 ward by its official code, a pre-2025 ward by its OSM relation.
  EXPECT_TRUE(ids["admin"].count(configuredId("admin/admin_2025_wards_communes.geojson", {"20242"})));  // Hải Châu
  EXPECT_TRUE(ids["admin"].count(osmId(13969679, 2)));  // Phường Phước Ninh
}

// Streets far from the centre come from the citywide one-way segments: drawn (roads, tertiary,
// one-way), labelled (road_labels, joined into longer lines) and searchable. Where the OSM
// extract has the street, the segments are left out.
TEST_F(DaNangIngest, CitywideStreetsFromTheOnewaySegments) {
  const nlohmann::json report = readJson(tmp_->path() / "report.json");
  for (const auto& s : report["sources"])
    if (s["source"] == "traffic/oneway_segments.geojson") {
      EXPECT_GT(s["near_same_name"].get<uint64_t>(), 150u);  // central Hải Châu: the OSM streets
      EXPECT_LT(s["near_same_name"].get<uint64_t>(), 300u);
      EXPECT_EQ(s["no_geometry"], 11);  // zero-length segments
    }
  const nlohmann::json search = readJson(out_ / "search.json");
  struct Street {
    const char* name;
    geo::LngLat at;  // a point on it (Thanh Khê, Sơn Trà)
  };
  for (const Street& street :
       {Street{"Đường Điện Biên Phủ", {108.194112, 16.065732}}, Street{"Đường Ngô Quyền", {108.235232, 16.080054}}}) {
    SCOPED_TRACE(street.name);
    const auto roads = findByName(loadTile(out_, tileOf(street.at, 16)).value(), "roads", street.name);
    ASSERT_FALSE(roads.empty());
    for (const fb::Feature* f : roads) {
      EXPECT_EQ(f->kind(), uint8_t(tile::RoadKind::Tertiary));
      EXPECT_EQ(f->flags(), tile::kFlagOneway);
      EXPECT_EQ(f->id() & 3, 3u);  // a configured (hashed) id, not an OSM way
    }
    EXPECT_FALSE(findByName(loadTile(out_, tileOf(street.at, 13)).value(), "road_labels", street.name).empty());
    // Consecutive segments are joined: around the point (5 x 5 tiles at z16), the street has
    // fewer label features than road pieces.
    std::set<uint64_t> pieces, labels;
    const geo::TileID centre = tileOf(street.at, 16);
    for (int dy = -2; dy <= 2; ++dy)
      for (int dx = -2; dx <= 2; ++dx) {
        const auto t = loadTile(out_, {16, uint32_t(int(centre.x) + dx), uint32_t(int(centre.y) + dy)});
        if (!t) continue;
        for (const fb::Feature* f : findByName(*t, "roads", street.name)) pieces.insert(f->id());
        for (const fb::Feature* f : findByName(*t, "road_labels", street.name)) labels.insert(f->id());
      }
    EXPECT_FALSE(labels.empty());
    EXPECT_LT(labels.size(), pieces.size());
    bool found = false;
    for (const auto& e : search["entries"])
      if (e["type"] == "street" && e["name"] == street.name &&
          std::abs(e["lng"].get<double>() - street.at.lng) < 0.01 &&
          std::abs(e["lat"].get<double>() - street.at.lat) < 0.01)
        found = true;
    EXPECT_TRUE(found) << "not in search.json";
  }
  // Unnamed segments ("Đường không tên") are drawn but neither labelled nor searched.
  for (const auto& e : search["entries"]) EXPECT_NE(e["name"], "Đường không tên");
}

// search.json: streets, POIs, places, admin units with names in NFC and points to fly to.
TEST_F(DaNangIngest, SearchIndex) {
  const nlohmann::json j = readJson(out_ / "search.json");
  const auto& entries = j["entries"];
  std::map<std::string, int> types;
  std::map<std::pair<std::string, std::string>, nlohmann::json> byName;
  for (const auto& e : entries) {
    types[e["type"].get<std::string>()]++;
    byName.emplace(std::pair{e["type"].get<std::string>(), e["name"].get<std::string>()}, e);
    const std::string name = e["name"].get<std::string>();
    // NFC: no combining diacritics (U+0300..U+036F, UTF-8 CC 80..CD AF) left over.
    for (size_t i = 0; i + 1 < name.size(); ++i) {
      const auto b0 = uint8_t(name[i]), b1 = uint8_t(name[i + 1]);
      ASSERT_FALSE((b0 == 0xCC && b1 >= 0x80) || (b0 == 0xCD && b1 <= 0xAF)) << name;
    }
    const double lng = e["lng"].get<double>(), lat = e["lat"].get<double>();
    EXPECT_TRUE(lng >= 107.7 && lng <= 108.6 && lat >= 15.7 && lat <= 16.4) << e.dump();
  }
  EXPECT_GT(types["street"], 200);
  EXPECT_GT(types["poi"], 1500);
  EXPECT_EQ(types["admin"], 114);
  EXPECT_GE(types["place"], 3);
  EXPECT_GE(types["bus_route"], 6);
  EXPECT_GT(types["bus_stop"], 300);
  EXPECT_GT(types["ioc"], 400);
  const auto street = byName.find({"street", "Cầu Rồng"});
  ASSERT_NE(street, byName.end());
  EXPECT_EQ(street->second["name_en"], "Dragon Bridge");
  EXPECT_NEAR(street->second["lng"].get<double>(), kDragonBridge.lng, 0.003);
  EXPECT_NEAR(street->second["lat"].get<double>(), kDragonBridge.lat, 0.002);
  const auto ward = byName.find({"admin", "Phường Hải Châu"});
  ASSERT_NE(ward, byName.end());
  EXPECT_EQ(ward->second["kind"], "Ward2025");
  EXPECT_EQ(ward->second["key"], "phuong hai chau");
  EXPECT_NEAR(ward->second["lng"].get<double>(), 108.22, 0.02);
  EXPECT_NEAR(ward->second["lat"].get<double>(), 16.07, 0.02);
  EXPECT_TRUE(byName.count({"bus_route", "R16: Kim Liên-Đại học Việt Hàn"}));
  EXPECT_TRUE(byName.count({"place", "Hải Châu"}));
  EXPECT_TRUE(byName.count({"poi", "Bãi tắm biển Mỹ Khê"}));
  // Deterministic order: type, then key.
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i]["type"] == entries[i - 1]["type"]) {
      EXPECT_LE(entries[i - 1]["key"].get<std::string>(), entries[i]["key"].get<std::string>()) << i;
    }
  }
}

// The GeoPackage converted from the .osm (ogr2ogr, OSM driver layers) gives identical tiles:
// same classification, same OSM ids, same geometry.
// The command-line mode (OSM-tag classification of every INPUT) on the .osm and its GeoPackage.
TEST(DaNangSources, GpkgConversionGivesIdenticalTiles) {
  TempDir tmp("danang-gpkg");
  const RunResult a = runIngest({"--quiet", "--out", (tmp / "osm").string(), (dataDir() / kOsm).string()});
  const RunResult b = runIngest(
      {"--quiet", "--out", (tmp / "gpkg").string(), (dataDir() / "osm/osm_haichau_center_2026.gpkg").string()});
  ASSERT_EQ(a.exitCode, 0) << a.output;
  ASSERT_EQ(b.exitCode, 0) << b.output;
  const auto osmTiles = listTiles(tmp / "osm");
  ASSERT_EQ(osmTiles.size(), listTiles(tmp / "gpkg").size());
  for (const fs::path& f : osmTiles) {
    const fs::path other = tmp / "gpkg" / fs::relative(f, tmp / "osm");
    ASSERT_TRUE(readBytes(f) == readBytes(other)) << fs::relative(f, tmp / "osm");
  }
}

// The OSM extract of central Hải Châu as PBF (converted by osmium at test time, never
// committed), cut off like an interrupted download (the case: the first half of the
// file): refused with the position, the earlier archive intact; --skip-invalid keeps what
// precedes the cut and says so.
TEST(DaNangSources, CutOffPbfIsRefusedAndTheArchiveKept) {
  TempDir tmp("pbf");
  const std::string pbf = (tmp.path() / "haichau.osm.pbf").string();
  const RunResult conv = runProgram({"/usr/bin/osmium", "cat", "--overwrite", (dataDir() / kOsm).string(), "-o", pbf});
  ASSERT_EQ(conv.exitCode, 0) << "osmium (osmium-tool): " << conv.output;
  const std::string out = (tmp.path() / "map.pmtiles").string();
  const RunResult good = runIngest({"--quiet", "--out", out, pbf});
  ASSERT_EQ(good.exitCode, 0) << good.output;
  std::ifstream in(out, std::ios::binary);
  const std::string before{std::istreambuf_iterator<char>(in), {}};
  std::ifstream whole(pbf, std::ios::binary);
  const std::string all{std::istreambuf_iterator<char>(whole), {}};
  const fs::path cut = tmp.path() / "cut.osm.pbf";
  std::ofstream(cut, std::ios::binary).write(all.data(), std::streamsize(all.size() / 2));
  const RunResult r = runIngest({"--quiet", "--out", out, cut.string()});
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("cut.osm.pbf"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("byte"), std::string::npos) << "names the position: " << r.output;
  std::ifstream after(out, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(after), {}), before) << "the earlier archive was replaced";
  const RunResult partial =
      runIngest({"--out", (tmp.path() / "partial.pmtiles").string(), "--skip-invalid", cut.string()});
  EXPECT_EQ(partial.exitCode, 0) << partial.output;
  EXPECT_NE(partial.output.find("skipped"), std::string::npos) << partial.output;
}

}  // namespace
}  // namespace citymap::ingest_test

int main(int argc, char** argv) {
  const auto dir = citymap::ingest_test::dataDir();
  for (const char* in : {"osm/osm_haichau_center_2026.osm", "osm/osm_haichau_center_2026.gpkg",
                         "admin/admin_2025_wards_communes.geojson", "ioc/storm_shelters.geojson"}) {
    if (!std::filesystem::exists(dir / in)) {
      std::printf("SKIPPED: Da Nang data not found at %s\n", dir.c_str());
      return 77;
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
