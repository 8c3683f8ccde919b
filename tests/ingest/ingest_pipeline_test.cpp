// Unit tests of the data pipeline's pieces: the layer configuration, kind names, Unicode
// normalisation, field parsing, configured ids, CRS handling (VN-2000 via ogr2ogr at test time),
// road labels (merged streets), the search index and the feature encoder.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "geo/mercator.hpp"
#include "ingest/config.hpp"
#include "ingest/feature_encode.hpp"
#include "ingest/feature_id.hpp"
#include "ingest/kind_names.hpp"
#include "ingest/merge.hpp"
#include "ingest/near_filter.hpp"
#include "ingest/normalize.hpp"
#include "ingest/progress.hpp"
#include "ingest/search_index.hpp"
#include "ingest/source_reader.hpp"
#include "test_support.hpp"
#include "tile/tile_reader.hpp"

namespace citymap::ingest {
namespace {

using ingest_test::findProgram;
using ingest_test::RunResult;
using ingest_test::TempDir;
using ingest_test::writeText;
namespace fs = std::filesystem;

const fs::path kFixtures = CITYMAP_INGEST_FIXTURES;

// ---- kind names -------------------------------------------------------------------------------

TEST(KindNames, MatchKindsHpp) {
  EXPECT_EQ(kindNames(Layer::Roads).size(), size_t(tile::kRoadKindCount));
  EXPECT_EQ(kindFromName(Layer::Roads, "Pedestrian"), uint8_t(tile::RoadKind::Pedestrian));
  EXPECT_EQ(kindFromName(Layer::Water, "Wetland"), uint8_t(tile::WaterKind::Wetland));
  EXPECT_EQ(kindFromName(Layer::Landuse, "Other"), uint8_t(tile::LanduseKind::Other));
  EXPECT_EQ(kindFromName(Layer::Railways, "Other"), uint8_t(tile::RailKind::Other));
  EXPECT_EQ(kindFromName(Layer::Pois, "Worship"), uint8_t(tile::PoiKind::Worship));
  EXPECT_EQ(kindFromName(Layer::Admin, "City2025"), uint8_t(tile::AdminKind::City2025));
  EXPECT_EQ(kindFromName(Layer::Admin, "WardPre2025"), uint8_t(tile::AdminKind::WardPre2025));
  EXPECT_EQ(kindFromName(Layer::Transit, "BusStop"), uint8_t(tile::TransitKind::BusStop));
  EXPECT_EQ(kindFromName(Layer::Ioc, "FloodStation"), uint8_t(tile::IocKind::FloodStation));
  EXPECT_EQ(kindFromName(Layer::Ioc, "LoraGateway"), uint8_t(tile::IocKind::LoraGateway));
  EXPECT_EQ(kindNames(Layer::Ioc).size(), size_t(tile::IocKind::LoraGateway) + 1);
  EXPECT_EQ(kindNames(Layer::Admin).size(), size_t(tile::AdminKind::WardPre2025) + 1);
  EXPECT_FALSE(kindFromName(Layer::Ioc, "floodtower"));
  EXPECT_EQ(kindName(Layer::Transit, 0), "BusRoute");
  EXPECT_EQ(kindName(Layer::Transit, 9), "");
  EXPECT_EQ(layerFromName("ioc"), Layer::Ioc);
  EXPECT_EQ(layerFromName("road_labels"), Layer::RoadLabels);
  EXPECT_EQ(layerFromName("overlay"), Layer::Overlay);
  EXPECT_EQ(kindName(Layer::RoadLabels, uint8_t(tile::RoadKind::Primary)), "Primary");
  EXPECT_EQ(kindNames(Layer::Overlay).size(), 8u);
  EXPECT_FALSE(layerFromName("IOC"));
}

// ---- configuration ----------------------------------------------------------------------------

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    writeText(tmp_ / "a.geojson", R"({"type":"FeatureCollection","features":[]})");
    fs::create_directories(tmp_ / "sub");
    writeText(tmp_ / "sub" / "b.geojson", R"({"type":"FeatureCollection","features":[]})");
  }
  Result<IngestConfig> parse(const std::string& json) { return parseConfig(json, tmp_.path(), "test.json"); }
  // The error of parsing `json`, which must fail.
  std::string error(const std::string& json) {
    auto c = parse(json);
    EXPECT_FALSE(c) << json;
    return c ? std::string() : c.error();
  }
  TempDir tmp_{"config"};
};

TEST_F(ConfigTest, DefaultView) {
  auto c = parse(R"({"center": [108.2145, 16.06, 15], "sources": [{"path": "a.geojson", "classify": "osm"}]})");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->center, (std::array<double, 3>{108.2145, 16.06, 15}));
  EXPECT_FALSE(parse(R"({"sources": [{"path": "a.geojson", "classify": "osm"}]})")->center);
  for (const char* bad : {"[108.2, 16.0]", "[108.2, 91, 15]", "[200, 16, 15]", "[108.2, 16.0, 40]", "\"here\""}) {
    const std::string e =
        error(std::string(R"({"center": )") + bad + R"(, "sources": [{"path": "a.geojson", "classify": "osm"}]})");
    EXPECT_NE(e.find("center"), std::string::npos) << e;
  }
}

TEST_F(ConfigTest, ThePlacesName) {
  // Decomposed input is stored in NFC (the map's title and the tiles agree).
  auto c = parse(R"({"name": "Đa\u0300 Na\u0306\u0303ng", "name_en": "Da Nang",
                     "sources": [{"path": "a.geojson", "classify": "osm"}]})");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->name, "Đà Nẵng");
  EXPECT_EQ(c->nameEn, "Da Nang");
  EXPECT_TRUE(parse(R"({"sources": [{"path": "a.geojson", "classify": "osm"}]})")->name.empty());
  EXPECT_NE(error(R"({"name": 5, "sources": [{"path": "a.geojson", "classify": "osm"}]})").find("name"),
            std::string::npos);
}

TEST_F(ConfigTest, FullSource) {
  auto c = parse(R"({
    "bbox": [107.7, 15.7, 108.6, 16.4], "minzoom": 10, "maxzoom": 15, "merge_roads": false,
    "assume_crs": "EPSG:4326",
    "sources": [
      {"path": "a.geojson", "classify": "osm"},
      // comments are allowed
      {"path": "sub/b.geojson", "gdal_layers": ["b"], "layer": "ioc",
       "kind": {"field": "kind", "map": {"tower": "FloodTower", "gauge": "RainGauge"}, "default": "FloodStation"},
       "fields": {"name": "ten", "name_en": null, "ref": "code", "height": "h", "levels": "floors", "color": "colour"},
       "id": {"fields": ["kind", "ten"], "coordinates": true, "namespace": "stations"},
       "minzoom": 3, "crs": "EPSG:5899", "override_crs": true, "search": false}
    ]})");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->bbox, (std::array<double, 4>{107.7, 15.7, 108.6, 16.4}));
  EXPECT_EQ(c->minZoom, 10);
  EXPECT_EQ(c->maxZoom, 15);
  EXPECT_FALSE(c->mergeRoads);
  EXPECT_EQ(c->assumeCrs, "EPSG:4326");
  ASSERT_EQ(c->sources.size(), 2u);
  const SourceSpec& a = c->sources[0];
  EXPECT_EQ(a.path, (tmp_ / "a.geojson").string());
  EXPECT_EQ(a.label, "a.geojson");
  EXPECT_EQ(a.kind.mode, KindRule::Mode::OsmTags);
  EXPECT_EQ(a.id.mode, IdRule::Mode::Osm);
  EXPECT_EQ(a.id.ns, "a.geojson");
  EXPECT_EQ(a.fields.name.name, "name");
  EXPECT_FALSE(a.fields.name.required);
  EXPECT_FALSE(a.minZoom);
  const SourceSpec& b = c->sources[1];
  EXPECT_EQ(b.layers, std::vector<std::string>{"b"});
  EXPECT_EQ(b.kind.mode, KindRule::Mode::FieldMap);
  EXPECT_EQ(b.kind.layer, Layer::Ioc);
  EXPECT_EQ(b.kind.field, "kind");
  ASSERT_EQ(b.kind.map.size(), 2u);
  EXPECT_EQ(b.kind.map[0], (std::pair<std::string, uint8_t>{"gauge", uint8_t(tile::IocKind::RainGauge)}));
  EXPECT_EQ(b.kind.fallback, uint8_t(tile::IocKind::FloodStation));
  EXPECT_EQ(b.fields.name.name, "ten");
  EXPECT_TRUE(b.fields.name.required);
  EXPECT_TRUE(b.fields.nameEn.empty());
  EXPECT_EQ(b.fields.color.name, "colour");
  EXPECT_EQ(b.id.mode, IdRule::Mode::Fields);
  ASSERT_EQ(b.id.fields.size(), 2u);
  EXPECT_EQ(b.id.fields[1].name, "ten");
  EXPECT_TRUE(b.id.coordinates);
  EXPECT_EQ(b.id.ns, "stations");
  EXPECT_EQ(b.minZoom, 3);
  EXPECT_EQ(b.crs, "EPSG:5899");
  EXPECT_TRUE(b.overrideCrs);
  EXPECT_FALSE(b.search);
}

TEST_F(ConfigTest, ConstantKindAndDefaultIds) {
  auto c = parse(R"({"sources": [
      {"path": "a.geojson", "layer": "admin", "kind": "Ward2025"},
      {"path": "a.geojson", "layer": "pois", "kind": "Tourism", "fields": {"name": null}},
      {"path": "a.geojson", "layer": "admin", "kind": "WardPre2025", "id": {"field": "osm_id", "osm": true}}]})");
  ASSERT_TRUE(c) << c.error();
  const SourceSpec& s = c->sources[0];
  EXPECT_EQ(s.kind.mode, KindRule::Mode::Constant);
  EXPECT_EQ(s.kind.constant, uint8_t(tile::AdminKind::Ward2025));
  // No "id": the name and the geometry.
  EXPECT_EQ(s.id.mode, IdRule::Mode::Fields);
  ASSERT_EQ(s.id.fields.size(), 1u);
  EXPECT_EQ(s.id.fields[0].name, "name");
  EXPECT_FALSE(s.id.fields[0].required);
  EXPECT_TRUE(s.id.coordinates);
  EXPECT_TRUE(c->sources[1].id.fields.empty());
  EXPECT_TRUE(c->sources[1].id.coordinates);
  EXPECT_TRUE(c->sources[2].id.osmValues);
  EXPECT_FALSE(c->bbox);
  EXPECT_TRUE(c->mergeRoads);
}

TEST_F(ConfigTest, BadJsonSaysWhere) {
  const std::string e = error("{\n  \"sources\": [\n    {\"path\": \"a.geojson\",, }\n  ]\n}");
  EXPECT_NE(e.find("test.json: not valid JSON at line 3"), std::string::npos) << e;
  EXPECT_NE(error("").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error("[1, 2]").find("must be a JSON object"), std::string::npos);
}

TEST_F(ConfigTest, MissingFile) {
  const std::string e = error(R"({"sources": [{"path": "nope/missing.geojson", "classify": "osm"}]})");
  EXPECT_NE(e.find("sources[0] (nope/missing.geojson): file not found"), std::string::npos) << e;
  EXPECT_NE(e.find("--data-dir"), std::string::npos) << e;
}

TEST_F(ConfigTest, StructuralErrors) {
  const auto expectError = [&](const std::string& json, std::string_view message) {
    const std::string e = error(json);
    EXPECT_NE(e.find(message), std::string::npos) << "expected '" << message << "' in: " << e;
  };
  expectError(R"({})", "\"sources\" must be a non-empty list");
  expectError(R"({"sources": []})", "\"sources\" must be a non-empty list");
  expectError(R"({"sorces": []})", "unknown key \"sorces\"");
  expectError(R"({"sources": [{"classify": "osm"}]})", "sources[0]: missing \"path\"");
  expectError(R"({"sources": [{"path": "a.geojson"}]})", "needs \"classify\": \"osm\", or \"layer\" and \"kind\"");
  expectError(R"({"sources": [{"path": "a.geojson", "classify": "tags"}]})", "\"classify\" must be \"osm\"");
  expectError(R"({"sources": [{"path": "a.geojson", "classify": "osm", "layer": "pois"}]})", "not both");
  expectError(
      R"({"sources": [{"path": "a.geojson", "layer": "busses", "kind": "BusStop"}]})",
      "unknown layer \"busses\" (one of: water, landuse, roads, railways, buildings, pois, admin, transit, ioc)");
  expectError(R"({"sources": [{"path": "a.geojson", "layer": "road_labels", "kind": "Primary"}]})",
              "layer \"road_labels\" is made from the roads layer (see \"merge_roads\")");
  expectError(R"({"sources": [{"path": "a.geojson", "layer": "overlay", "kind": "Layer0"}]})",
              "layer \"overlay\" is not written by sources");
  expectError(R"({"sources": [{"path": "a.geojson", "layer": "admin", "kind": "Ward"}]})",
              "sources[0] (a.geojson).kind: unknown kind \"Ward\" for layer admin (one of: City2025, Ward2025");
  expectError(R"({"sources": [{"path": "a.geojson", "layer": "ioc", "kind": {"field": "k", "map": {"a": "Tower"}}}]})",
              "unknown kind \"Tower\"");
  expectError(R"({"sources": [{"path": "a.geojson", "layer": "ioc", "kind": {"map": {"a": "FloodTower"}}}]})",
              "missing \"field\"");
  expectError(R"({"sources": [{"path": "a.geojson", "layer": "ioc", "kind": {"field": "k", "map": {}}}]})",
              "\"map\" must be a non-empty object");
  expectError(R"({"sources": [{"path": "a.geojson", "classify": "osm", "fields": {"nmae": "x"}}]})",
              "unknown key \"nmae\"");
  expectError(R"({"sources": [{"path": "a.geojson", "classify": "osm", "fields": {"name": ""}}]})",
              "\"name\" must be a non-empty string");
  expectError(R"({"sources": [{"path": "a.geojson", "classify": "osm", "id": "fid"}]})",
              "must be \"osm\" or an object");
  expectError(R"({"sources": [{"path": "a.geojson", "classify": "osm", "id": {}}]})", "needs \"field\", \"fields\"");
  expectError(R"({"sources": [{"path": "a.geojson", "classify": "osm", "id": {"fields": ["a", "b"], "osm": true}}]})",
              "needs exactly one");
  expectError(R"({"sources": [{"path": "a.geojson", "classify": "osm", "minzoom": 25}]})",
              "\"minzoom\" must be an integer");
  expectError(R"({"sources": [{"path": "a.geojson", "classify": "osm", "crs": "EPSG:999999"}]})",
              "does not understand the CRS");
  expectError(R"({"sources": [{"path": "a.geojson", "classify": "osm", "override_crs": true}]})", "needs \"crs\"");
  expectError(R"({"bbox": [108, 16, 107, 17], "sources": [{"path": "a.geojson", "classify": "osm"}]})", "not a valid");
  expectError(R"({"bbox": [108, 16], "sources": [{"path": "a.geojson", "classify": "osm"}]})", "bbox");
  expectError(R"({"minzoom": 15, "maxzoom": 12, "sources": [{"path": "a.geojson", "classify": "osm"}]})",
              "above \"maxzoom\"");
}

TEST_F(ConfigTest, LoadResolvesAgainstTheConfigFolderOrDataDir) {
  writeText(tmp_ / "sub" / "layers.json", R"({"sources": [{"path": "b.geojson", "classify": "osm"}]})");
  auto c = loadConfig(tmp_ / "sub" / "layers.json", {});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->sources[0].path, (tmp_ / "sub" / "b.geojson").string());
  auto d = loadConfig(tmp_ / "sub" / "layers.json", tmp_.path());  // b.geojson is not in tmp_
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().find("file not found"), std::string::npos);
  EXPECT_FALSE(loadConfig(tmp_ / "none.json", {}));
}

TEST(DaNangConfig, ParsesAndNamesEveryLayer) {
  // The shipped configuration, without the data: only its structure is checked here.
  std::ifstream in(fs::path(CITYMAP_SOURCE_DIR) / "tools/ingest/danang.layers.json");
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ASSERT_FALSE(text.empty());
  const nlohmann::json j = nlohmann::json::parse(text);
  std::map<std::string, int> layers;
  for (const auto& s : j["sources"]) layers[s.value("layer", "osm")]++;
  EXPECT_EQ(layers["admin"], 4);  // not the pre-2025 city outline: nothing draws or reads it
  EXPECT_EQ(layers["transit"], 2);
  EXPECT_EQ(layers["ioc"], 4);
  EXPECT_EQ(layers["pois"], 3);
  EXPECT_EQ(layers["osm"], 4);
  EXPECT_EQ(layers["roads"], 1);  // the one-way segments, where the OSM extract has no street
  EXPECT_EQ(j["bbox"], nlohmann::json({107.7, 15.7, 108.6, 16.4}));
}

// ---- text -----------------------------------------------------------------------------------------

TEST(Normalize, DecomposedBecomesComposed) {
  // Typed with combining marks (NFD): u + U+031B horn, o + U+031B horn + U+0300 grave, ...
  const std::string phuongNfd = "Phu\xCC\x9Bo\xCC\x9B\xCC\x80ng";
  const std::string phuongNfc = "Ph\xC6\xB0\xE1\xBB\x9Dng";  // Phường
  EXPECT_EQ(normalizeText(phuongNfd), phuongNfc);
  EXPECT_EQ(normalizeText("\xC4\x90"
                          "a\xCC\x80 Na\xCC\x86\xCC\x83ng"),
            "\xC4\x90\xC3\xA0 N\xE1\xBA\xB5ng");                       // Đà Nẵng
  EXPECT_EQ(normalizeText(phuongNfc), phuongNfc);                      // already NFC
  EXPECT_EQ(normalizeText("Tr\xC3\xA2\xCC\x80n"), "Tr\xE1\xBA\xA7n");  // â + grave -> ầ
}

TEST(Normalize, SpacesControlCharactersAndInvalidBytes) {
  EXPECT_EQ(normalizeText("  Trần \t Phú\n"), "Trần Phú");
  EXPECT_EQ(normalizeText("A\xC2\xA0"
                          "B"),
            "A B");  // no-break space
  EXPECT_EQ(normalizeText("bad\xFF"
                          "byte"),
            "bad\xEF\xBF\xBD"
            "byte");  // U+FFFD
  EXPECT_EQ(normalizeText("cut \xE1\xBB"), "cut \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(normalizeText(""), "");
}

TEST(Normalize, SearchKeys) {
  EXPECT_EQ(foldForSearch("Đường Trần Phú"), "duong tran phu");
  EXPECT_EQ(foldForSearch("Phu\xCC\x9Bo\xCC\x9B\xCC\x80ng HẢI CHÂU"), "phuong hai chau");
  EXPECT_EQ(foldForSearch("R16: Kim Liên"), "r16: kim lien");
}

TEST(Fields, HeightLevelsColour) {
  EXPECT_EQ(parseHeight("12"), 12.0f);
  EXPECT_EQ(parseHeight("12.5 m"), 12.5f);
  EXPECT_EQ(parseHeight("03 tầng; 12m"), 12.0f);
  EXPECT_EQ(parseHeight("12,5m"), 12.5f);
  EXPECT_FALSE(parseHeight("04 tầng"));
  EXPECT_FALSE(parseHeight("tall"));
  EXPECT_FALSE(parseHeight(""));
  EXPECT_EQ(parseLevels("5"), 5);
  EXPECT_EQ(parseLevels("5;6"), 5);
  EXPECT_FALSE(parseLevels("-1"));
  EXPECT_FALSE(parseLevels("x"));
  EXPECT_EQ(parseColor("#ff1956"), 0xff1956ffu);
  EXPECT_EQ(parseColor("FF1956"), 0xff1956ffu);
  EXPECT_EQ(parseColor("#f19"), 0xff1199ffu);
  EXPECT_EQ(parseColor("#000000"), 0x000000ffu);
  EXPECT_FALSE(parseColor("red"));
  EXPECT_FALSE(parseColor("#12345"));
}

// ---- ids ------------------------------------------------------------------------------------------

TEST(ConfiguredIds, HashedIdsAreJsSafeAndNeverOsm) {
  for (const char* v : {"", "a", "20263", "HAC_48_20263", "Trường THCS Nguyễn Huệ"}) {
    IdHasher h("admin/x.geojson");
    h.add(v);
    EXPECT_LT(h.id(), uint64_t(1) << 53) << v;
    EXPECT_EQ(h.id() & 3, 3u) << v;
  }
  IdHasher a("ns"), b("other"), c("ns");
  a.add("1");
  b.add("1");
  c.add("1");
  EXPECT_NE(a.id(), b.id());
  EXPECT_EQ(a.id(), c.id());
  // The value is documented: FNV-1a over "ns\0" "1", folded to 51 bits.
  const uint64_t h = fnv1a64(std::string("ns") + '\0' + "1");
  EXPECT_EQ(a.id(), ((h & ((uint64_t(1) << 51) - 1)) << 2) | 3);
  EXPECT_EQ(osmReferenceId("relation/7053088")->value, (uint64_t(7053088) << 2) | 2);
  EXPECT_EQ(osmReferenceId("w12")->value, (uint64_t(12) << 2) | 1);
  EXPECT_FALSE(osmReferenceId("place/1"));
  EXPECT_FALSE(osmReferenceId("12"));
}

// A configured source read through the library.
struct Read {
  std::vector<Feature> features;
  std::vector<LayerStats> stats;
  std::string error;
};
Read readWith(const SourceSpec& spec, const ReadOptions& options = {}) {
  Read r;
  auto stats = readSource(spec, 0, options, r.features);
  if (stats)
    r.stats = stats.value();
  else
    r.error = stats.error();
  return r;
}

SourceSpec constantSource(const fs::path& path, Layer layer, uint8_t kind) {
  SourceSpec s;
  s.path = path.string();
  s.label = path.filename().string();
  s.kind.mode = KindRule::Mode::Constant;
  s.kind.layer = layer;
  s.kind.constant = kind;
  s.id.mode = IdRule::Mode::Fields;
  s.id.ns = s.label;
  s.id.fields = {{"id", true}};
  return s;
}

TEST(ConfiguredSources, IdsSurviveRebuildsAndReordering) {
  TempDir tmp("ids");
  const auto write = [&](const char* name, bool reversed) {
    std::string a =
        R"({"type":"Feature","properties":{"id":"s1","name":"A"},"geometry":{"type":"Point","coordinates":[108.2,16.05]}})";
    std::string b =
        R"({"type":"Feature","properties":{"id":"s2","name":"B"},"geometry":{"type":"Point","coordinates":[108.21,16.06]}})";
    if (reversed) std::swap(a, b);
    writeText(tmp / name, R"({"type":"FeatureCollection","features":[)" + a + "," + b + "]}");
  };
  write("one.geojson", false);
  write("two.geojson", true);
  SourceSpec spec = constantSource(tmp / "one.geojson", Layer::Ioc, 0);
  const Read one = readWith(spec);
  spec.path = (tmp / "two.geojson").string();  // same namespace (the configured path), other order
  const Read two = readWith(spec);
  ASSERT_EQ(one.features.size(), 2u);
  ASSERT_EQ(two.features.size(), 2u);
  EXPECT_EQ(one.features[0].id, two.features[1].id);
  EXPECT_EQ(one.features[1].id, two.features[0].id);
  IdHasher h("one.geojson");
  h.add("s1");
  EXPECT_EQ(one.features[0].id, h.id());
  EXPECT_FALSE(one.features[0].osmId);
  // By geometry: the same point gives the same id, another point another one.
  spec.id.fields.clear();
  spec.id.coordinates = true;
  const Read g1 = readWith(spec);
  EXPECT_EQ(g1.features[0].id, readWith(spec).features[0].id);
  EXPECT_NE(g1.features[0].id, g1.features[1].id);
}

TEST(ConfiguredSources, MissingFieldOrLayerIsAnError) {
  TempDir tmp("fields");
  writeText(tmp / "p.geojson",
            R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"1","ten":"X"},)"
            R"("geometry":{"type":"Point","coordinates":[108.2,16.05]}}]})");
  SourceSpec spec = constantSource(tmp / "p.geojson", Layer::Pois, 0);
  spec.fields.name = {"name", true};
  Read r = readWith(spec);
  EXPECT_NE(r.error.find("p.geojson: layer 'p' has no field 'name' (fields: id, ten)"), std::string::npos) << r.error;
  spec.fields.name = {"ten", true};
  spec.layers = {"q"};
  r = readWith(spec);
  EXPECT_NE(r.error.find("no GDAL layer 'q' (layers: p)"), std::string::npos) << r.error;
  spec.layers = {"p"};
  spec.kind.mode = KindRule::Mode::FieldMap;
  spec.kind.field = "kind";
  spec.kind.map = {{"x", 1}};
  r = readWith(spec);
  EXPECT_NE(r.error.find("no field 'kind'"), std::string::npos) << r.error;
  spec.kind.mode = KindRule::Mode::Constant;
  r = readWith(spec);
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.features.size(), 1u);
  EXPECT_EQ(r.features[0].name, "X");
}

TEST(ConfiguredSources, KindMapFieldsAndNfc) {
  TempDir tmp("kinds");
  writeText(tmp / "s.geojson", R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"k":"tower","ten":"Thu\u0301p","en":"Tower","code":"T1","h":"03 tầng; 12m","c":"#00ff00"},
     "geometry":{"type":"Point","coordinates":[108.2,16.05]}},
    {"type":"Feature","properties":{"k":"gauge","ten":"Gauge"},"geometry":{"type":"Point","coordinates":[108.21,16.05]}},
    {"type":"Feature","properties":{"k":"other","ten":"Dropped"},"geometry":{"type":"Point","coordinates":[108.22,16.05]}}]})");
  SourceSpec spec = constantSource(tmp / "s.geojson", Layer::Ioc, 0);
  spec.kind.mode = KindRule::Mode::FieldMap;
  spec.kind.field = "k";
  spec.kind.map = {{"tower", uint8_t(tile::IocKind::FloodTower)}, {"gauge", uint8_t(tile::IocKind::RainGauge)}};
  spec.fields.name = {"ten", true};
  spec.fields.nameEn = {"en", true};
  spec.fields.ref = {"code", true};
  spec.fields.height = {"h", true};
  spec.fields.color = {"c", true};
  spec.id.fields = {{"ten", true}};
  spec.minZoom = 3;
  Read r = readWith(spec);
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.features.size(), 2u);
  EXPECT_EQ(r.stats[0].unclassified, 1u);
  const Feature& t = r.features[0];
  EXPECT_EQ(t.layer, Layer::Ioc);
  EXPECT_EQ(t.kind, uint8_t(tile::IocKind::FloodTower));
  EXPECT_EQ(t.name, "Thúp");  // composed
  EXPECT_EQ(t.nameEn, "Tower");
  EXPECT_EQ(t.ref, "T1");
  EXPECT_EQ(t.height, 12.0f);
  EXPECT_EQ(t.color, 0x00ff00ffu);
  EXPECT_EQ(t.minZoom, 3);
  EXPECT_EQ(r.features[1].kind, uint8_t(tile::IocKind::RainGauge));
  // With a default kind nothing is dropped.
  spec.kind.fallback = uint8_t(tile::IocKind::LoraGateway);
  r = readWith(spec);
  ASSERT_EQ(r.features.size(), 3u);
  EXPECT_EQ(r.features[2].kind, uint8_t(tile::IocKind::LoraGateway));
}

// A secondary road source: the oneway field (OSM semantics, -1 reverses the line) and
// placeholder names that mean "no name".
TEST(ConfiguredSources, OnewayFieldAndPlaceholderNames) {
  TempDir tmp("oneway");
  writeText(tmp / "s.geojson", R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"id":1,"street":"Đường A","ow":"yes"},"geometry":{"type":"LineString","coordinates":[[108.20,16.05],[108.21,16.05]]}},
    {"type":"Feature","properties":{"id":2,"street":"Đường A","ow":"-1"},"geometry":{"type":"LineString","coordinates":[[108.20,16.06],[108.21,16.06]]}},
    {"type":"Feature","properties":{"id":3,"street":"ĐƯỜNG KHÔNG TÊN","ow":"no"},"geometry":{"type":"LineString","coordinates":[[108.20,16.07],[108.21,16.07]]}}]})");
  SourceSpec spec = constantSource(tmp / "s.geojson", Layer::Roads, uint8_t(tile::RoadKind::Tertiary));
  spec.fields.name = {"street", true};
  spec.fields.oneway = {"ow", true};
  spec.placeholderNames = {"Đường không tên"};
  Read r = readWith(spec);
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.features.size(), 3u);
  EXPECT_EQ(r.features[0].flags, tile::kFlagOneway);
  EXPECT_LT(r.features[0].geom.parts[0].front().x, r.features[0].geom.parts[0].back().x);  // as drawn
  EXPECT_EQ(r.features[1].flags, tile::kFlagOneway);
  EXPECT_GT(r.features[1].geom.parts[0].front().x, r.features[1].geom.parts[0].back().x);  // reversed
  EXPECT_EQ(r.features[1].name, "Đường A");
  EXPECT_EQ(r.features[2].flags, 0);
  EXPECT_EQ(r.features[2].name, "");  // a placeholder (compared folded: case and marks aside)
  // A field named in the configuration must exist.
  spec.fields.oneway = {"direction", true};
  EXPECT_NE(readWith(spec).error.find("direction"), std::string::npos);
}

TEST_F(ConfigTest, SkipNearSameNamePlaceholdersAndOneway) {
  auto c = parse(R"({"sources": [{"path": "a.geojson", "classify": "osm"},
    {"path": "sub/b.geojson", "layer": "roads", "kind": "Tertiary", "fields": {"name": "street", "oneway": "oneway"},
     "placeholder_names": ["Đường không tên"],
     "skip_near_same_name": {"layer": "roads", "distance_m": 30, "unnamed_matches_any": true}}]})");
  ASSERT_TRUE(c) << c.error();
  const SourceSpec& b = c->sources[1];
  EXPECT_EQ(b.fields.oneway.name, "oneway");
  EXPECT_TRUE(b.fields.oneway.required);
  EXPECT_EQ(b.placeholderNames, std::vector<std::string>{"Đường không tên"});
  ASSERT_TRUE(b.skipNear);
  EXPECT_EQ(b.skipNear->layer, Layer::Roads);
  EXPECT_EQ(b.skipNear->distanceM, 30);
  EXPECT_TRUE(b.skipNear->unnamedMatchesAny);
  EXPECT_FALSE(c->sources[0].skipNear);
  EXPECT_TRUE(c->sources[0].fields.oneway.empty());
  const auto bad = [&](const std::string& source) { return error(R"({"sources": [)" + source + "]}"); };
  const std::string roads = R"({"path": "a.geojson", "layer": "roads", "kind": "Tertiary", )";
  EXPECT_NE(bad(roads + R"("skip_near_same_name": {"layer": "streets", "distance_m": 30}})")
                .find("unknown layer \"streets\""),
            std::string::npos);
  EXPECT_NE(bad(roads + R"("skip_near_same_name": {"layer": "roads"}})").find("distance_m"), std::string::npos);
  EXPECT_NE(bad(roads + R"("skip_near_same_name": {"layer": "roads", "distance_m": -1}})").find("distance_m"),
            std::string::npos);
  EXPECT_NE(bad(roads + R"("skip_near_same_name": {"layer": "roads", "distance_m": 30, "radius": 1}})").find("radius"),
            std::string::npos);
  EXPECT_NE(bad(roads + R"("skip_near_same_name": {"layer": "water", "distance_m": 30}})").find("writes \"roads\""),
            std::string::npos);
  EXPECT_NE(bad(R"({"path": "a.geojson", "classify": "osm", "fields": {"oneway": "ow"}})").find("oneway"),
            std::string::npos);
}

// ---- skip_near_same_name --------------------------------------------------------------------------

// A line through (lng, lat) points.
Feature lineAt(uint64_t id, std::string name, std::initializer_list<geo::LngLat> pts, Layer layer = Layer::Roads) {
  Feature f;
  f.id = id;
  f.layer = layer;
  f.kind = uint8_t(tile::RoadKind::Tertiary);
  f.name = std::move(name);
  f.geom.type = GeomType::Line;
  Path p;
  for (const geo::LngLat& q : pts) p.push_back(geo::toWorld(q));
  f.geom.parts.push_back(std::move(p));
  f.bbox = boundsOf(f.geom);
  return f;
}

constexpr double kMetreLat = 1 / 111320.0;  // degrees of latitude per metre, about

TEST(SkipNearSameName, DropsLinesAlongAnEarlierStreetOfTheSameName) {
  std::vector<Feature> fs;
  // Earlier source (e.g. an OSM extract): street A along lat 16.06, an unnamed lane, a bent
  // street C, and a water line named like a street (another layer: ignored).
  fs.push_back(lineAt(1, "Đường A", {{108.200, 16.06}, {108.205, 16.06}, {108.210, 16.06}}));
  fs.push_back(lineAt(2, "", {{108.200, 16.07}, {108.210, 16.07}}));
  fs.push_back(lineAt(3, "Đường C", {{108.220, 16.06}, {108.225, 16.06 + 100 * kMetreLat}, {108.230, 16.06}}));
  fs.push_back(lineAt(4, "Đường D", {{108.240, 16.06}, {108.250, 16.06}}, Layer::Water));
  const size_t first = fs.size();
  // The new source.
  fs.push_back(lineAt(
      10, "đường a", {{108.201, 16.06 + 10 * kMetreLat}, {108.203, 16.06 + 10 * kMetreLat}}));  // 10 m off: same street
  fs.push_back(
      lineAt(11, "Đường A", {{108.201, 16.06 + 60 * kMetreLat}, {108.203, 16.06 + 60 * kMetreLat}}));  // 60 m off
  fs.push_back(lineAt(12, "Đường B", {{108.201, 16.06}, {108.203, 16.06}}));  // on A, but another name
  fs.push_back(lineAt(13, "Đường A", {{108.209, 16.06}, {108.230, 16.06}}));  // continues A beyond its end
  fs.push_back(lineAt(14, "Đường C", {{108.220, 16.06}, {108.230, 16.06}}));  // a chord of C: both ends on it
  fs.push_back(lineAt(15, "", {{108.201, 16.07}, {108.209, 16.07}}));         // unnamed on the unnamed lane
  fs.push_back(lineAt(16, "", {{108.201, 16.06}, {108.209, 16.06}}));         // unnamed on named A
  fs.push_back(lineAt(17, "Đường D", {{108.241, 16.06}, {108.249, 16.06}}));  // D is water, not a road
  Feature area = lineAt(18, "Đường A", {{108.201, 16.06}, {108.203, 16.06}, {108.203, 16.061}});
  area.geom.type = GeomType::Polygon;  // not a line: never compared
  area.geom.ringCounts = {1};
  fs.push_back(area);
  for (uint32_t i = 0; i < fs.size(); ++i) fs[i].seq = i;

  std::vector<Feature> copy = fs;
  const NearRule rule{Layer::Roads, 30, false};
  EXPECT_EQ(skipNearSameName(copy, first, rule), 3u);
  std::vector<uint64_t> kept;
  for (size_t i = first; i < copy.size(); ++i) {
    kept.push_back(copy[i].id);
    EXPECT_EQ(copy[i].seq, i);  // renumbered without gaps
  }
  EXPECT_EQ(kept, (std::vector<uint64_t>{11, 12, 13, 16, 17, 18}));
  EXPECT_EQ(copy.size(), first + 6);

  // Unnamed lines may match roads of any name.
  copy = fs;
  EXPECT_EQ(skipNearSameName(copy, first, {Layer::Roads, 30, true}), 4u);
  // A larger distance takes the parallel line too; the earlier source's lines are never removed.
  copy = fs;
  EXPECT_EQ(skipNearSameName(copy, first, {Layer::Roads, 80, false}), 4u);
  for (size_t i = 0; i < first; ++i) EXPECT_EQ(copy[i].id, fs[i].id);
  // Nothing earlier: nothing removed.
  copy = fs;
  EXPECT_EQ(skipNearSameName(copy, 0, rule), 0u);
  EXPECT_EQ(copy.size(), fs.size());
}

// A line crossing the edge of the earlier source's area is kept unless most of it is covered.
TEST(SkipNearSameName, HalfTheLengthDecides) {
  std::vector<Feature> fs;
  fs.push_back(lineAt(1, "Đường A", {{108.200, 16.06}, {108.210, 16.06}}));
  fs.push_back(lineAt(2, "Đường A", {{108.206, 16.06}, {108.218, 16.06}}));  // about 36 % along A: kept
  fs.push_back(lineAt(3, "Đường A", {{108.202, 16.06}, {108.214, 16.06}}));  // about 69 % along A: dropped
  EXPECT_EQ(skipNearSameName(fs, 1, {Layer::Roads, 30, false}), 1u);
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[1].id, 2u);
}

// ---- CRS: VN-2000 --------------------------------------------------------------------------------

// Ground distance in metres between two world points near latitude `lat`.
double metres(geo::WorldPoint a, geo::WorldPoint b, double lat) {
  return std::hypot(a.x - b.x, a.y - b.y) * geo::kWorldSizeMetres * std::cos(lat * 3.14159265358979323846 / 180);
}

// Da Nang's VN-2000 TM-3 zone (central meridian 107°45', k = 0.9999) written out as PROJ
// parameters, with the datum shift of EPSG:4756 (docs/INGEST.md).
const char* const kVn2000DaNangProj =
    "+proj=tmerc +lat_0=0 +lon_0=107.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
    "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs";

class Vn2000 : public ::testing::Test {
 protected:
  void SetUp() override {
    ogr2ogr_ = findProgram("ogr2ogr");
    if (ogr2ogr_.empty()) GTEST_SKIP() << "ogr2ogr (gdal-bin) not found";
    // Points and a road across Da Nang (the Dragon Bridge, Son Tra, Hoa Vang, Hai Van pass).
    writeText(tmp_ / "wgs84.geojson", R"({"type":"FeatureCollection","name":"places","features":[
      {"type":"Feature","properties":{"id":"bridge"},"geometry":{"type":"Point","coordinates":[108.2275,16.0612]}},
      {"type":"Feature","properties":{"id":"sontra"},"geometry":{"type":"Point","coordinates":[108.2772,16.1180]}},
      {"type":"Feature","properties":{"id":"hoavang"},"geometry":{"type":"Point","coordinates":[107.9500,16.0300]}},
      {"type":"Feature","properties":{"id":"haivan"},"geometry":{"type":"Point","coordinates":[108.1300,16.1950]}},
      {"type":"Feature","properties":{"id":"road"},"geometry":{"type":"LineString","coordinates":[[108.20,16.05],[108.22,16.07],[108.25,16.06]]}}]})");
  }

  // ogr2ogr `args`; fails the test if it does not succeed.
  void convert(std::vector<std::string> args) {
    args.insert(args.begin(), ogr2ogr_);
    const RunResult r = ingest_test::runProgram(args);
    ASSERT_EQ(r.exitCode, 0) << r.output;
  }

  // Every feature of `spec` within 0.5 m of the WGS84 original.
  void expectSamePlaces(const SourceSpec& spec, const ReadOptions& options = {}) {
    const Read ref = readWith(constantSource(tmp_ / "wgs84.geojson", Layer::Ioc, 0));
    SourceSpec s = spec;
    s.label = "wgs84.geojson";  // same id namespace as the original
    s.id.ns = s.label;
    const Read got = readWith(s, options);
    ASSERT_TRUE(got.error.empty()) << got.error;
    ASSERT_EQ(got.features.size(), ref.features.size());
    size_t points = 0;
    double worst = 0;
    for (const Feature& a : ref.features) {
      const auto it =
          std::find_if(got.features.begin(), got.features.end(), [&](const Feature& b) { return b.id == a.id; });
      ASSERT_NE(it, got.features.end()) << "feature " << a.id << " missing";
      ASSERT_EQ(it->geom.parts.size(), a.geom.parts.size());
      for (size_t p = 0; p < a.geom.parts.size(); ++p) {
        ASSERT_EQ(it->geom.parts[p].size(), a.geom.parts[p].size());
        for (size_t i = 0; i < a.geom.parts[p].size(); ++i) {
          const double lat = geo::fromWorld(a.geom.parts[p][i]).lat;
          const double d = metres(a.geom.parts[p][i], it->geom.parts[p][i], lat);
          EXPECT_LT(d, 0.5) << s.path << " feature " << a.id;
          worst = std::max(worst, d);
          ++points;
        }
      }
    }
    EXPECT_EQ(points, 7u);
    std::printf("%s: largest offset from the WGS84 original %.6f m\n", fs::path(s.path).filename().c_str(), worst);
  }

  std::string ogr2ogr_;
  TempDir tmp_{"vn2000"};
};

TEST_F(Vn2000, EpsgTm3ZoneOfDaNang) {
  // EPSG:5899 is "VN-2000 / TM-3 107-45", the zone of Da Nang.
  convert({"-f", "GeoJSON", "-t_srs", "EPSG:5899", (tmp_ / "tm3.geojson").string(), (tmp_ / "wgs84.geojson").string()});
  std::ifstream in(tmp_ / "tm3.geojson");
  const nlohmann::json j = nlohmann::json::parse(in);
  const double x = j["features"][0]["geometry"]["coordinates"][0].get<double>();
  EXPECT_GT(x, 100000) << "not reprojected: " << x;  // metres, not degrees
  expectSamePlaces(constantSource(tmp_ / "tm3.geojson", Layer::Ioc, 0));
  // The report names the CRS read from.
  const Read r = readWith(constantSource(tmp_ / "tm3.geojson", Layer::Ioc, 0));
  ASSERT_EQ(r.stats.size(), 1u);
  EXPECT_EQ(r.stats[0].crs, "EPSG:5899 (VN-2000 / TM-3 107-45)");
  EXPECT_TRUE(r.stats[0].hasGeometry);
}

TEST_F(Vn2000, ProjStringInAGeoPackage) {
  convert({"-f", "GPKG", "-t_srs", kVn2000DaNangProj, (tmp_ / "tm3.gpkg").string(), (tmp_ / "wgs84.geojson").string()});
  expectSamePlaces(constantSource(tmp_ / "tm3.gpkg", Layer::Ioc, 0));
}

TEST_F(Vn2000, UtmZone48) {
  convert(
      {"-f", "GeoJSON", "-t_srs", "EPSG:3405", (tmp_ / "utm48.geojson").string(), (tmp_ / "wgs84.geojson").string()});
  expectSamePlaces(constantSource(tmp_ / "utm48.geojson", Layer::Ioc, 0));
}

TEST_F(Vn2000, SourceWithoutCrsNeedsOne) {
  // A CSV with WKT geometry declares no CRS.
  convert({"-f", "CSV", "-t_srs", "EPSG:5899", "-lco", "GEOMETRY=AS_WKT", (tmp_ / "tm3.csv").string(),
           (tmp_ / "wgs84.geojson").string()});
  const SourceSpec spec = constantSource(tmp_ / "tm3.csv", Layer::Ioc, 0);
  const Read r = readWith(spec);
  EXPECT_NE(r.error.find("has no CRS"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("--assume-crs"), std::string::npos) << r.error;
  // Given by the configuration ...
  SourceSpec withCrs = spec;
  withCrs.crs = "EPSG:5899";
  expectSamePlaces(withCrs);
  EXPECT_EQ(readWith(withCrs).stats.at(0).crs, "EPSG:5899 (VN-2000 / TM-3 107-45), assumed");
  // ... or by --assume-crs.
  ReadOptions options;
  options.assumeCrs = kVn2000DaNangProj;
  expectSamePlaces(spec, options);
}

TEST_F(Vn2000, OverrideCrsReplacesADeclaredOne) {
  // A file wrongly labelled WGS84 although its numbers are VN-2000 TM-3 metres.
  convert({"-f", "GeoJSON", "-t_srs", "EPSG:5899", (tmp_ / "tm3.geojson").string(), (tmp_ / "wgs84.geojson").string()});
  convert({"-f", "GPKG", "-a_srs", "EPSG:4326", (tmp_ / "mislabelled.gpkg").string(), (tmp_ / "tm3.geojson").string()});
  SourceSpec spec = constantSource(tmp_ / "mislabelled.gpkg", Layer::Ioc, 0);
  spec.crs = "EPSG:5899";
  spec.overrideCrs = true;
  expectSamePlaces(spec);
}

// ---- road labels (merged streets) ---------------------------------------------------------------------------------

Feature road(uint64_t id, std::string name, std::vector<geo::WorldPoint> pts, uint8_t flags = 0,
             uint8_t kind = uint8_t(tile::RoadKind::Secondary)) {
  static uint32_t seq = 0;
  Feature f;
  f.id = id;
  f.osmId = true;
  f.layer = Layer::Roads;
  f.kind = kind;
  f.flags = flags;
  f.name = std::move(name);
  f.seq = seq++;
  f.geom.type = GeomType::Line;
  f.geom.parts.push_back(std::move(pts));
  f.bbox = boundsOf(f.geom);
  return f;
}

using XY = std::vector<std::pair<double, double>>;
XY xy(const Path& p) {
  XY out;
  for (const geo::WorldPoint& q : p) out.emplace_back(q.x, q.y);
  return out;
}

const Feature* withId(const std::vector<Feature>& fs, uint64_t id, Layer layer = Layer::RoadLabels) {
  for (const Feature& f : fs)
    if (f.id == id && f.layer == layer) return &f;
  return nullptr;
}

size_t countIn(const std::vector<Feature>& fs, Layer layer) {
  return size_t(std::count_if(fs.begin(), fs.end(), [&](const Feature& f) { return f.layer == layer; }));
}

TEST(RoadLabels, ChainsPiecesSharingEndPoints) {
  std::vector<Feature> fs;
  fs.push_back(road(30, "A", {{0, 0}, {1, 0}}));
  fs.push_back(road(20, "A", {{1, 0}, {2, 0}}));
  fs.back().nameEn = "A street";
  fs.push_back(road(40, "A", {{3, 0}, {2, 0}}));      // reversed: still joined (two-way)
  fs.push_back(road(50, "A", {{10, 10}, {11, 10}}));  // not touching: its own street
  fs.push_back(road(60, "B", {{3, 0}, {4, 0}}));      // other name
  fs.push_back(road(70, "A", {{4, 4}, {5, 4}}, tile::kFlagBridge));
  fs.push_back(road(71, "A", {{5, 4}, {6, 4}}));  // other flags: not joined to the bridge
  Feature water = road(80, "A", {{6, 4}, {7, 4}});
  water.layer = Layer::Water;
  fs.push_back(water);
  const std::vector<Feature> before = fs;
  const MergeStats stats = addRoadLabels(fs);
  EXPECT_EQ(stats.pieces, 7u);  // named roads
  EXPECT_EQ(stats.merged, 5u);
  EXPECT_EQ(stats.groups, 1u);
  // The roads (and everything else) are untouched, each piece with its own id; the labels follow.
  ASSERT_EQ(fs.size(), before.size() + 5);
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(fs[i].id, before[i].id);
    EXPECT_EQ(fs[i].layer, before[i].layer);
    EXPECT_EQ(xy(fs[i].geom.parts[0]), xy(before[i].geom.parts[0]));
  }
  EXPECT_EQ(countIn(fs, Layer::Roads), 7u);
  EXPECT_EQ(countIn(fs, Layer::RoadLabels), 5u);
  const Feature* a = withId(fs, 20);  // the lowest id of the group
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(withId(fs, 30), nullptr);
  EXPECT_EQ(withId(fs, 40), nullptr);
  ASSERT_EQ(a->geom.parts.size(), 1u);
  const Path& line = a->geom.parts[0];
  ASSERT_EQ(line.size(), 4u);
  // One line through all pieces (in either direction).
  const bool forward = line.front().x == 0;
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(line[forward ? i : 3 - i].x, double(i));
  EXPECT_EQ(a->name, "A");
  EXPECT_EQ(a->nameEn, "A street");
  EXPECT_EQ(a->kind, uint8_t(tile::RoadKind::Secondary));
  EXPECT_EQ(a->seq, before.front().seq);  // the earliest read position
  EXPECT_EQ(a->bbox.maxx, 3);
  EXPECT_EQ(a->minZoom, kRoadLabelMinZoom);
  // Streets of one piece are labels too, with their flags; the water line is not.
  EXPECT_NE(withId(fs, 50), nullptr);
  EXPECT_NE(withId(fs, 60), nullptr);
  ASSERT_NE(withId(fs, 70), nullptr);
  EXPECT_EQ(withId(fs, 70)->flags, tile::kFlagBridge);
  EXPECT_NE(withId(fs, 71), nullptr);
  EXPECT_EQ(withId(fs, 80), nullptr);
  // Labels in read order.
  for (size_t i = before.size() + 1; i < fs.size(); ++i) EXPECT_LT(fs[i - 1].seq, fs[i].seq);
}

TEST(RoadLabels, MinimumZoom) {
  std::vector<Feature> fs;
  fs.push_back(road(1, "Main", {{0, 0}, {1, 0}}));  // written at every zoom
  fs.push_back(road(2, "Lane", {{0, 1}, {1, 1}}, 0, uint8_t(tile::RoadKind::Service)));
  fs.back().minZoom = 14;  // as minor roads are
  fs.push_back(road(3, "Later", {{0, 2}, {1, 2}}));
  fs.back().minZoom = 16;
  addRoadLabels(fs);
  ASSERT_NE(withId(fs, 1), nullptr);
  EXPECT_EQ(withId(fs, 1)->minZoom, 13);  // never below z13
  EXPECT_EQ(withId(fs, 1, Layer::Roads)->minZoom, 0);
  EXPECT_EQ(withId(fs, 2)->minZoom, 14);  // from the zoom its road class appears
  EXPECT_EQ(withId(fs, 3)->minZoom, 16);
  std::vector<Feature> other;
  other.push_back(road(4, "Main", {{0, 0}, {1, 0}}));
  addRoadLabels(other, 15);
  EXPECT_EQ(withId(other, 4)->minZoom, 15);
}

TEST(RoadLabels, OnewayDirectionAndForks) {
  std::vector<Feature> fs;
  const uint8_t oneway = tile::kFlagOneway;
  fs.push_back(road(1, "O", {{0, 0}, {1, 0}}, oneway));
  fs.push_back(road(2, "O", {{1, 0}, {2, 0}}, oneway));  // head to tail: joined
  fs.push_back(road(3, "O", {{3, 0}, {2, 0}}, oneway));  // against the flow: a separate part
  fs.push_back(road(10, "F", {{0, 5}, {1, 5}}));
  fs.push_back(road(11, "F", {{1, 5}, {2, 5}}));
  fs.push_back(road(12, "F", {{1, 5}, {1, 6}}));  // three ends at (1, 5): no chaining there
  addRoadLabels(fs);
  ASSERT_EQ(countIn(fs, Layer::Roads), 6u);
  ASSERT_EQ(countIn(fs, Layer::RoadLabels), 2u);
  const Feature* o = withId(fs, 1);
  ASSERT_NE(o, nullptr);
  ASSERT_EQ(o->geom.parts.size(), 2u);
  EXPECT_EQ(xy(o->geom.parts[0]), (XY{{0, 0}, {1, 0}, {2, 0}}));
  EXPECT_EQ(xy(o->geom.parts[1]), (XY{{3, 0}, {2, 0}}));
  EXPECT_EQ(o->flags, oneway);
  const Feature* f = withId(fs, 10);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->geom.parts.size(), 3u);
}

TEST(RoadLabels, LoopsAndUnnamedRoads) {
  std::vector<Feature> fs;
  fs.push_back(road(1, "R", {{0, 0}, {1, 0}, {1, 1}}));
  fs.push_back(road(2, "R", {{1, 1}, {0, 1}, {0, 0}}));  // closes a ring
  fs.push_back(road(3, "", {{5, 5}, {6, 6}}));
  fs.push_back(road(4, "", {{6, 6}, {7, 7}}));  // unnamed: no label
  const MergeStats stats = addRoadLabels(fs);
  EXPECT_EQ(stats.pieces, 2u);
  ASSERT_EQ(fs.size(), 5u);
  EXPECT_EQ(countIn(fs, Layer::RoadLabels), 1u);
  const Feature* r = withId(fs, 1);
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->geom.parts.size(), 1u);
  EXPECT_EQ(r->geom.parts[0].size(), 5u);  // (0,0) (1,0) (1,1) (0,1) (0,0)
}

// The search index sees the road pieces, not the labels: the same streets with or without them.
TEST(RoadLabels, SearchIndexUnchanged) {
  std::vector<Feature> fs;
  fs.push_back(road(3, "Lê Duẩn", {{0.80, 0.45}, {0.80001, 0.45}}));
  fs.push_back(road(2, "Lê Duẩn", {{0.80001, 0.45}, {0.80002, 0.45}}));
  const std::string plain = searchJson(buildSearchIndex(fs, {}));
  addRoadLabels(fs);
  const auto entries = buildSearchIndex(fs, {});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].id, 2u);  // the lowest id of the street's pieces
  EXPECT_EQ(searchJson(entries), plain);
}

// ---- search index ---------------------------------------------------------------------------------

geo::WorldPoint at(double lng, double lat) { return geo::toWorld({lng, lat}); }

Feature pointFeature(uint64_t id, Layer layer, uint8_t kind, std::string name, geo::LngLat p) {
  Feature f;
  f.id = id;
  f.layer = layer;
  f.kind = kind;
  f.name = std::move(name);
  f.geom.type = GeomType::Point;
  f.geom.parts.push_back({geo::toWorld(p)});
  f.bbox = boundsOf(f.geom);
  return f;
}

TEST(SearchIndex, EntriesPointsAndOrder) {
  std::vector<Feature> fs;
  // Two pieces of Trần Phú close together (one street) and one far away (another street).
  fs.push_back(
      road(9, "Trần Phú", {at(108.2200, 16.0600), at(108.2200, 16.0650)}, 0, uint8_t(tile::RoadKind::Tertiary)));
  fs.push_back(
      road(5, "Trần Phú", {at(108.2200, 16.0660), at(108.2200, 16.0700)}, 0, uint8_t(tile::RoadKind::Primary)));
  fs.back().nameEn = "Tran Phu Street";
  fs.push_back(road(7, "Trần Phú", {at(108.1000, 16.0000), at(108.1010, 16.0000)}));
  fs.push_back(road(8, "", {at(108.2, 16.0), at(108.3, 16.0)}));  // unnamed: not indexed
  fs.push_back(pointFeature(100, Layer::Pois, uint8_t(tile::PoiKind::Food), "Cà Phê", {108.2210, 16.0610}));
  fs.back().nameEn = "Coffee";
  fs.push_back(pointFeature(101, Layer::Ioc, uint8_t(tile::IocKind::StormShelter), "Nhà Trú Bão", {108.21, 16.05}));
  fs.push_back(pointFeature(102, Layer::Transit, uint8_t(tile::TransitKind::BusStop), "Trạm", {108.21, 16.05}));
  fs.push_back(
      pointFeature(103, Layer::Transit, uint8_t(tile::TransitKind::BusStop), "Trạm", {108.21, 16.05}));  // same stop
  fs.push_back(pointFeature(104, Layer::Pois, 0, "Hidden", {108.21, 16.05}));
  fs.back().source = 1;  // a source with "search": false
  Feature ward;
  ward.id = 200;
  ward.layer = Layer::Admin;
  ward.kind = uint8_t(tile::AdminKind::Ward2025);
  ward.name = "Phường Hải Châu";
  ward.geom.type = GeomType::Polygon;
  ward.geom.parts = {{at(108.20, 16.08), at(108.24, 16.08), at(108.24, 16.04), at(108.20, 16.04)}};
  ward.geom.ringCounts = {1};
  ward.bbox = boundsOf(ward.geom);
  ward.labelPoint = at(108.215, 16.055);
  fs.push_back(ward);
  std::vector<Place> places = {{44, "Hải Châu", "Hai Chau", "suburb", at(108.219, 16.059)}};

  const auto entries = buildSearchIndex(fs, places, {true, false});
  std::vector<std::string> types;
  for (const SearchEntry& e : entries) types.push_back(e.type + ":" + e.name);
  EXPECT_EQ(types, (std::vector<std::string>{"admin:Phường Hải Châu", "place:Hải Châu", "street:Trần Phú",
                                             "street:Trần Phú", "poi:Cà Phê", "bus_stop:Trạm", "ioc:Nhà Trú Bão"}));
  const SearchEntry& street = entries[2];  // the lower id first
  EXPECT_EQ(street.id, 5u);
  EXPECT_EQ(street.kind, "Primary");  // the most important class of its pieces
  EXPECT_EQ(street.nameEn, "Tran Phu Street");
  EXPECT_EQ(street.key, "tran phu");
  EXPECT_NEAR(street.point.lng, 108.2200, 1e-6);  // on the street, near the middle
  EXPECT_GT(street.point.lat, 16.0600);
  EXPECT_LT(street.point.lat, 16.0700);
  EXPECT_GE(street.zoom, 14);
  EXPECT_EQ(entries[3].id, 7u);
  EXPECT_EQ(entries[0].kind, "Ward2025");
  EXPECT_NEAR(entries[0].point.lng, 108.215, 1e-6);  // the label point
  EXPECT_NEAR(entries[0].point.lat, 16.055, 1e-6);
  EXPECT_EQ(entries[1].kind, "suburb");
  EXPECT_EQ(entries[1].zoom, 14);
  EXPECT_EQ(entries[4].layer, "pois");
  EXPECT_EQ(entries[4].kind, "Food");
  EXPECT_EQ(entries[4].zoom, 17);
  EXPECT_EQ(entries[6].kind, "StormShelter");

  const auto j = nlohmann::json::parse(searchJson(entries));
  EXPECT_EQ(j["format"], "citymap-search");
  EXPECT_EQ(j["format_version"], 1);
  ASSERT_EQ(j["entries"].size(), entries.size());
  const auto& e0 = j["entries"][0];
  EXPECT_EQ(e0["name"], "Phường Hải Châu");
  EXPECT_EQ(e0["id"], 200);
  EXPECT_EQ(e0["lng"], 108.215);
  EXPECT_EQ(e0["bbox"], nlohmann::json({108.2, 16.04, 108.24, 16.08}));
  EXPECT_EQ(j["entries"][4]["name_en"], "Coffee");
  EXPECT_FALSE(j["entries"][5].contains("name_en"));
  // Deterministic: the same input in another order gives the same file.
  std::vector<Feature> reversed(fs.rbegin(), fs.rend());
  EXPECT_EQ(searchJson(buildSearchIndex(reversed, places, {true, false})), searchJson(entries));
}

TEST(SearchIndex, ZoomToFit) {
  EXPECT_EQ(zoomToFit({0.5, 0.5, 0.5, 0.5}), 17);
  EXPECT_EQ(zoomToFit({0, 0, 1, 1}), 8);
  const geo::WorldBox ward{at(108.20, 16.08).x, at(108.20, 16.08).y, at(108.24, 16.04).x, at(108.24, 16.04).y};
  EXPECT_EQ(zoomToFit(ward), 13);
}

// ---- feature encoding ------------------------------------------------------------------------------

TEST(FeatureEncode, NewFieldsRoundTrip) {
  Feature f;
  f.id = 123;
  f.layer = Layer::Transit;
  f.kind = uint8_t(tile::TransitKind::BusRoute);
  f.name = "R16: Kim Liên";
  f.nameEn = "R16: Kim Lien";
  f.ref = "R16";
  f.height = 12.5f;
  f.color = 0xff1956ff;
  f.geom.type = GeomType::Line;
  const EncodedFeature e{0, {0, 0, 10, 10}, {2}, {}};
  flatbuffers::FlatBufferBuilder b;
  // Format 2: the second feature's id is written as +7 from the first's, its coordinates as
  // differences; the reader gives back absolute values.
  Feature g = f;
  g.id = 130;
  const EncodedFeature e2{0, {5, 6, 4000, -100, 4100, 4200}, {3}, {}};
  const std::vector<flatbuffers::Offset<fb::Feature>> features = {encodeFeature(b, f, e, 0),
                                                                  encodeFeature(b, g, e2, f.id)};
  EXPECT_EQ(flatbuffers::GetTemporaryPointer(b, features[1])->id(), 7u);
  EXPECT_EQ(flatbuffers::GetTemporaryPointer(b, features[1])->coords()->Get(2), 3995);
  const auto layer = fb::CreateLayer(b, b.CreateString("transit"), b.CreateVector(features));
  fb::FinishTileBuffer(b, fb::CreateTile(b, tile::kFormatVersion, 16, 1, 2, 4096, b.CreateVector(&layer, 1)));
  auto data = tile::decodeTile(std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()));
  ASSERT_TRUE(data) << data.error();
  const fb::Feature* got = data->layer("transit")->features()->Get(0);
  EXPECT_EQ(got->id(), 123u);
  EXPECT_EQ(got->name()->str(), "R16: Kim Liên");
  EXPECT_EQ(got->name_en()->str(), "R16: Kim Lien");
  EXPECT_EQ(got->ref()->str(), "R16");
  EXPECT_EQ(got->height(), 12.5f);
  EXPECT_EQ(got->color(), 0xff1956ffu);
  EXPECT_EQ(got->polygon_ring_counts(), nullptr);
  const fb::Feature* second = data->layer("transit")->features()->Get(1);
  EXPECT_EQ(second->id(), 130u);
  ASSERT_EQ(second->coords()->size(), 6u);
  for (flatbuffers::uoffset_t i = 0; i < 6; ++i) EXPECT_EQ(second->coords()->Get(i), e2.coords[i]) << i;
  // Unknown values are not stored.
  Feature plain;
  plain.geom.type = GeomType::Point;
  flatbuffers::FlatBufferBuilder b2;
  const EncodedFeature pe{0, {1, 1}, {1}, {}};
  b2.Finish(encodeFeature(b2, plain, pe, 0));
  const auto* pf = flatbuffers::GetRoot<fb::Feature>(b2.GetBufferPointer());
  EXPECT_EQ(pf->name_en(), nullptr);
  EXPECT_EQ(pf->ref(), nullptr);
  EXPECT_EQ(pf->height(), 0.0f);
  EXPECT_EQ(pf->color(), 0u);
}

// ---- progress --------------------------------------------------------------------------------------

std::string captured(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  char buf[256];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

TEST(Progress, BarOnATerminalLinesOtherwise) {
  std::FILE* bar = std::tmpfile();
  {
    Progress p(Progress::Mode::Bar, bar);
    p.begin("reading x.osm");
    p.update(0.5);
    p.finish("read x.osm", "12 features");
  }
  const std::string b = captured(bar);
  std::fclose(bar);
  EXPECT_NE(b.find("reading x.osm  [------------------------]   0%"), std::string::npos) << b;
  EXPECT_NE(b.find("\r\033[K"), std::string::npos);
  EXPECT_NE(b.find("citymap-ingest: read x.osm in "), std::string::npos) << b;
  EXPECT_NE(b.find(" s: 12 features\n"), std::string::npos) << b;

  std::FILE* lines = std::tmpfile();
  {
    Progress p(Progress::Mode::Lines, lines);
    p.begin("tiling");
    p.update(0.5);
    p.finish("tiled 3 features");
  }
  const std::string l = captured(lines);
  std::fclose(lines);
  EXPECT_EQ(l.find('\r'), std::string::npos) << l;
  EXPECT_EQ(l.rfind("citymap-ingest: tiled 3 features in ", 0), 0u) << l;

  std::FILE* off = std::tmpfile();
  {
    Progress p(Progress::Mode::Off, off);
    p.begin("x");
    p.finish("y");
  }
  EXPECT_EQ(captured(off), "");
  std::fclose(off);
}

}  // namespace
}  // namespace citymap::ingest
