// Runs citymap-ingest on the real Da Nang data (CITYMAP_DATA_DIR, never committed) and checks
// well-known places. Exits with 77 (ctest SKIP_RETURN_CODE) when the data is not there.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace citymap::ingest_test {
namespace {

fs::path dataDir() {
  if (const char* env = std::getenv("CITYMAP_DATA_DIR")) return env;
  return CITYMAP_DATA_DIR;
}

const char* const kInputs[] = {"osm/osm_haichau_center_2026.osm", "osm/osm_landuse_water.geojson",
                               "roads/haichau_ext_buildings_2026.geojson"};

// Dragon Bridge (Cầu Rồng) over the Hàn river.
constexpr geo::LngLat kDragonBridge{108.2275, 16.0612};

class DaNangIngest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = std::make_unique<TempDir>("danang");
    out_ = tmp_->path() / "tiles";
    std::vector<std::string> args = {"--out", out_.string()};
    for (const char* in : kInputs) args.push_back((dataDir() / in).string());
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

// The brief: well under a minute on 2 cores (typically 5-10 s here, mostly creating ~21,600
// files). Only meaningful for optimised, unsanitised builds.
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
    for (uint32_t rings : *f->polygon_ring_counts()) {
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
  EXPECT_EQ(z14->layer("pois"), nullptr);
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
  // The landuse file reaches 107.77..108.51 E.
  EXPECT_LT(b[0].get<double>(), 107.8);
  EXPECT_GT(b[2].get<double>(), 108.5);
}

// The GeoPackage converted from the .osm (ogr2ogr, OSM driver layers) gives identical tiles:
// same classification, same OSM ids, same geometry.
TEST(DaNangSources, GpkgConversionGivesIdenticalTiles) {
  TempDir tmp("danang-gpkg");
  const RunResult a = runIngest({"--quiet", "--out", (tmp / "osm").string(), (dataDir() / kInputs[0]).string()});
  const RunResult b =
      runIngest({"--quiet", "--out", (tmp / "gpkg").string(), (dataDir() / "osm/osm_haichau_center_2026.gpkg").string()});
  ASSERT_EQ(a.exitCode, 0) << a.output;
  ASSERT_EQ(b.exitCode, 0) << b.output;
  const auto osmTiles = listTiles(tmp / "osm");
  ASSERT_EQ(osmTiles.size(), listTiles(tmp / "gpkg").size());
  for (const fs::path& f : osmTiles) {
    const fs::path other = tmp / "gpkg" / fs::relative(f, tmp / "osm");
    ASSERT_TRUE(readBytes(f) == readBytes(other)) << fs::relative(f, tmp / "osm");
  }
}

}  // namespace
}  // namespace citymap::ingest_test

int main(int argc, char** argv) {
  const auto dir = citymap::ingest_test::dataDir();
  for (const char* in : citymap::ingest_test::kInputs) {
    if (!std::filesystem::exists(dir / in)) {
      std::printf("SKIPPED: Da Nang data not found at %s\n", dir.c_str());
      return 77;
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
