// End-to-end tests of citymap-ingest on hand-written fixtures: runs the tool, then decodes the
// tiles with the client's verified decoder and checks layers, kinds, flags, names, ids and
// positions.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "test_support.hpp"
#include "tile/feature_parts.hpp"

namespace citymap::ingest_test {
namespace {

using tile::kFlagBridge;
using tile::kFlagLink;
using tile::kFlagOneway;
using tile::kFlagTunnel;

const fs::path kFixtures = CITYMAP_INGEST_FIXTURES;
const std::string kGeojson = (kFixtures / "synthetic.geojson").string();
const std::string kOsm = (kFixtures / "synthetic.osm").string();

// Bounds of the fixtures (the residential polygon encloses everything).
constexpr double kWest = 108.2000, kSouth = 16.0500, kEast = 108.2250, kNorth = 16.0700;

geo::WorldBox worldBox(double w, double s, double e, double n) {
  const geo::WorldPoint nw = geo::toWorld({w, n}), se = geo::toWorld({e, s});
  return {nw.x, nw.y, se.x, se.y};
}

uint64_t fnv1a(std::string_view s, uint64_t h = 14695981039346656037ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void expectNear(Pt actual, geo::LngLat expected, const geo::TileID& t, double tolerance = 1.5) {
  const Pt e = tilePos(expected, t);
  EXPECT_LE(distance(actual, e), tolerance)
      << "got (" << actual.x << ", " << actual.y << ") expected (" << e.x << ", " << e.y << ") in tile " << t.path();
}

class SyntheticIngest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = std::make_unique<TempDir>("synthetic");
    out_ = tmp_->path() / "tiles";
    run_ = runIngest({"--out", out_.string(), kOsm, kGeojson});
  }
  static void TearDownTestSuite() {
    cache_.clear();
    tmp_.reset();
  }

  void SetUp() override { ASSERT_EQ(run_.exitCode, 0) << run_.output; }

  // Decoded tiles are cached for the whole suite, so feature pointers into them stay valid.
  static const tile::TileData& tileAt(geo::TileID t) {
    if (const auto it = cache_.find(t.key()); it != cache_.end()) return it->second;
    std::string error;
    auto data = loadTile(out_, t, &error);
    if (!data) {
      ADD_FAILURE() << t.path() << ": " << error;
      data = tile::decodeTile(emptyTile()).value();
    }
    return cache_.emplace(t.key(), std::move(data).value()).first->second;
  }
  static const tile::TileData& tileAt(geo::LngLat p, uint8_t z) { return tileAt(tileOf(p, z)); }

  // A valid tile without layers (stands in for a missing one after a reported failure).
  static std::vector<uint8_t> emptyTile() {
    flatbuffers::FlatBufferBuilder b;
    fb::FinishTileBuffer(b, fb::CreateTile(b));
    return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
  }

  static inline std::map<uint64_t, tile::TileData> cache_;
  static inline std::unique_ptr<TempDir> tmp_;
  static inline fs::path out_;
  static inline RunResult run_;
};

TEST_F(SyntheticIngest, PrintsSummary) {
  EXPECT_NE(run_.output.find("synthetic.geojson:synthetic"), std::string::npos) << run_.output;
  EXPECT_NE(run_.output.find("synthetic.osm:lines"), std::string::npos) << run_.output;
  EXPECT_NE(run_.output.find("wrote 40 tiles"), std::string::npos) << run_.output;
  EXPECT_FALSE(fs::exists(out_.string() + ".tmp"));
}

TEST_F(SyntheticIngest, TilesetJson) {
  std::ifstream in(out_ / "tileset.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["format"], "citymap-tiles");
  EXPECT_EQ(j["format_version"], 2);
  EXPECT_EQ(j["minzoom"], 12);
  EXPECT_EQ(j["maxzoom"], 16);
  ASSERT_EQ(j["bounds"].size(), 4u);
  EXPECT_NEAR(j["bounds"][0].get<double>(), kWest, 1e-6);
  EXPECT_NEAR(j["bounds"][1].get<double>(), kSouth, 1e-6);
  EXPECT_NEAR(j["bounds"][2].get<double>(), kEast, 1e-6);
  EXPECT_NEAR(j["bounds"][3].get<double>(), kNorth, 1e-6);
  ASSERT_EQ(j["center"].size(), 3u);
  EXPECT_GE(j["center"][0].get<double>(), kWest);
  EXPECT_LE(j["center"][0].get<double>(), kEast);
  EXPECT_GE(j["center"][1].get<double>(), kSouth);
  EXPECT_LE(j["center"][1].get<double>(), kNorth);
  EXPECT_EQ(j["center"][2], 14);
  EXPECT_EQ(j["tile_path"], "{z}/{x}/{y}.cmt");
  EXPECT_EQ(j["attribution"], "© OpenStreetMap contributors");
  EXPECT_EQ(j["layers"], nlohmann::json({"water", "landuse", "roads", "railways", "buildings", "pois", "road_labels"}));
  EXPECT_EQ(j["tiles"].get<size_t>(), listTiles(out_).size());
}

TEST_F(SyntheticIngest, EveryTileInBoundsExistsAndDecodes) {
  const geo::WorldBox bounds = worldBox(kWest, kSouth, kEast, kNorth);
  size_t expected = 0;
  for (uint8_t z = 12; z <= 16; ++z) {
    for (const geo::TileID& t : geo::tilesCovering(bounds, z)) {
      ++expected;
      ASSERT_TRUE(fs::exists(tilePath(out_, t))) << t.path();
      const tile::TileData& data = tileAt(t);
      EXPECT_EQ(data.id(), t);
      EXPECT_EQ(data.extent(), 4096);
    }
  }
  EXPECT_EQ(expected, 40u);
  EXPECT_EQ(listTiles(out_).size(), expected);  // and nothing else
}

TEST_F(SyntheticIngest, FeaturesOrderedByLayerThenId) {
  const std::vector<std::string> order = {"water", "landuse", "roads",   "railways", "buildings",
                                          "pois",  "admin",   "transit", "ioc",      "road_labels"};
  for (const fs::path& file : listTiles(out_)) {
    auto data = decodeTileFile(file);
    ASSERT_TRUE(data) << file << ": " << data.error();
    const auto* layers = data->root().layers();
    if (!layers) continue;
    int lastLayer = -1;
    for (const fb::Layer* l : *layers) {
      const int index = int(std::find(order.begin(), order.end(), l->name()->str()) - order.begin());
      ASSERT_LT(index, int(order.size())) << l->name()->str();
      EXPECT_GT(index, lastLayer) << file;
      lastLayer = index;
      ASSERT_TRUE(l->features() && l->features()->size() > 0) << "empty layer written in " << file;
      uint64_t lastId = 0;
      for (const fb::Feature* f : *l->features()) {
        EXPECT_GE(f->id(), lastId) << file;
        lastId = f->id();
      }
    }
  }
}

TEST_F(SyntheticIngest, PrimaryRoadCrossesTiles) {
  for (uint32_t x = 52465; x <= 52468; ++x) {
    const geo::TileID t{16, x, 29805};
    const tile::TileData& data = tileAt(t);
    const fb::Feature* road = findFeature(data, "roads", 101);
    ASSERT_NE(road, nullptr) << t.path();
    EXPECT_EQ(road->type(), fb::GeometryType::Line);
    EXPECT_EQ(road->kind(), uint8_t(tile::RoadKind::Primary));
    EXPECT_EQ(road->flags(), kFlagOneway);
    ASSERT_NE(road->name(), nullptr);
    EXPECT_EQ(road->name()->str(), "Đường Thử Nghiệm");
    const double y = tilePos({108.21, 16.0590}, t).y;
    double minx = 1e9, maxx = -1e9;
    for (size_t p = 0; p < tile::partSizes(*road).size(); ++p)
      for (const Pt& pt : partPoints(*road, p)) {
        EXPECT_NEAR(pt.y, y, 1.0);
        EXPECT_GE(pt.x, -128);
        EXPECT_LE(pt.x, 4096 + 128);
        minx = std::min(minx, pt.x);
        maxx = std::max(maxx, pt.x);
      }
    if (x == 52466 || x == 52467) {  // crosses the whole tile: clipped at the buffer
      EXPECT_EQ(minx, -128);
      EXPECT_EQ(maxx, 4096 + 128);
    }
  }
  // Present at the lowest zoom too.
  EXPECT_NE(findFeature(tileAt({108.21, 16.059}, 12), "roads", 101), nullptr);
  // Not in a tile it does not touch.
  EXPECT_EQ(findFeature(tileAt(geo::TileID{16, 52466, 29803}), "roads", 101), nullptr);
}

TEST_F(SyntheticIngest, BridgeFlagLayerAndName) {
  const geo::TileID t = tileOf({108.2122, 16.0585}, 16);
  const tile::TileData& data = tileAt(t);
  const fb::Feature* bridge = findFeature(data, "roads", 102);
  ASSERT_NE(bridge, nullptr);
  EXPECT_EQ(bridge->kind(), uint8_t(tile::RoadKind::Secondary));
  EXPECT_EQ(bridge->flags(), kFlagBridge);
  EXPECT_EQ(bridge->z_order(), 1);
  EXPECT_EQ(bridge->name()->str(), "Cầu Thử");
  ASSERT_EQ(tile::partSizes(*bridge).size(), 1u);
  const auto pts = partPoints(*bridge, 0);
  ASSERT_EQ(pts.size(), 2u);
  expectNear(pts[0], {108.2120, 16.0570}, t);
  expectNear(pts[1], {108.2125, 16.0600}, t);
}

TEST_F(SyntheticIngest, OnewayMinusOneIsReversedAndLinkTunnelFlagsSet) {
  const geo::TileID t = tileOf({108.2065, 16.0580}, 16);
  const fb::Feature* link = findFeature(tileAt(t), "roads", 103);
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->kind(), uint8_t(tile::RoadKind::Motorway));
  EXPECT_EQ(link->flags(), kFlagLink | kFlagTunnel | kFlagOneway);
  EXPECT_EQ(link->z_order(), -1);
  EXPECT_EQ(link->name(), nullptr);
  const auto pts = partPoints(*link, 0);
  ASSERT_EQ(pts.size(), 2u);
  expectNear(pts.front(), {108.2080, 16.0585}, t);
  expectNear(pts.back(), {108.2050, 16.0575}, t);
}

TEST_F(SyntheticIngest, MinorClassesOnlyAtHighZooms) {
  const geo::LngLat footway{108.2080, 16.0605}, building{108.21015, 16.05765}, cafe{108.2106, 16.0582};
  EXPECT_EQ(findFeature(tileAt(footway, 13), "roads", 104), nullptr);
  EXPECT_NE(findFeature(tileAt(footway, 14), "roads", 104), nullptr);
  EXPECT_EQ(findFeature(tileAt(building, 13), "buildings", osmId(556, 1)), nullptr);
  EXPECT_NE(findFeature(tileAt(building, 14), "buildings", osmId(556, 1)), nullptr);
  EXPECT_EQ(findFeature(tileAt(cafe, 14), "pois", 401), nullptr);
  EXPECT_NE(findFeature(tileAt(cafe, 15), "pois", 401), nullptr);
  const fb::Feature* poi = findFeature(tileAt(cafe, 16), "pois", 401);
  ASSERT_NE(poi, nullptr);
  EXPECT_EQ(poi->type(), fb::GeometryType::Point);
  EXPECT_EQ(poi->kind(), uint8_t(tile::PoiKind::Food));
  EXPECT_EQ(poi->name()->str(), "Cà Phê Thử");
  ASSERT_EQ(poi->coords()->size(), 2u);
  expectNear(partPoints(*poi, 0)[0], cafe, tileOf(cafe, 16), 0.75);
}

TEST_F(SyntheticIngest, NamedAreaWithPoiTagsGetsAPoi) {
  // A tourism=museum polygon: not drawn as an area, but labelled by a POI inside it.
  const geo::TileID t = tileOf({108.2015, 16.0545}, 16);
  const tile::TileData& data = tileAt(t);
  const fb::Feature* museum = findFeature(data, "pois", 601);
  ASSERT_NE(museum, nullptr);
  EXPECT_EQ(museum->type(), fb::GeometryType::Point);
  EXPECT_EQ(museum->kind(), uint8_t(tile::PoiKind::Tourism));
  EXPECT_EQ(museum->name()->str(), "Bảo tàng Thử");
  const Pt p = partPoints(*museum, 0)[0];
  const Pt sw = tilePos({108.2010, 16.0540}, t), ne = tilePos({108.2020, 16.0550}, t);
  EXPECT_GT(p.x, sw.x);
  EXPECT_LT(p.x, ne.x);
  EXPECT_GT(p.y, ne.y);
  EXPECT_LT(p.y, sw.y);
  EXPECT_EQ(findFeature(data, "landuse", 601), nullptr);
  EXPECT_EQ(findFeature(data, "buildings", 601), nullptr);
  EXPECT_EQ(findFeature(tileAt({108.2015, 16.0545}, 14), "pois", 601), nullptr);
}

TEST_F(SyntheticIngest, UnclassifiedFeaturesDropped) {
  for (const fs::path& file : listTiles(out_)) {
    auto data = decodeTileFile(file);
    ASSERT_TRUE(data);
    for (std::string_view layer : {"pois", "roads", "landuse", "water", "railways", "buildings"}) {
      EXPECT_EQ(findFeature(data.value(), layer, 402), nullptr) << "POI without a name in " << file;
      EXPECT_EQ(findFeature(data.value(), layer, 999), nullptr) << "barrier=fence in " << file;
    }
  }
}

TEST_F(SyntheticIngest, PoiWrittenOnlyIntoItsOwnTile) {
  for (uint8_t z = 15; z <= 16; ++z) {
    int copies = 0;
    for (const geo::TileID& t : geo::tilesCovering(worldBox(kWest, kSouth, kEast, kNorth), z))
      copies += findFeature(tileAt(t), "pois", 401) ? 1 : 0;
    EXPECT_EQ(copies, 1) << "z" << int(z);
  }
}

TEST_F(SyntheticIngest, ParkPolygonWithHole) {
  const geo::TileID t = tileOf({108.2070, 16.0640}, 16);
  const fb::Feature* park = findFeature(tileAt(t), "landuse", 201);
  ASSERT_NE(park, nullptr);
  EXPECT_EQ(park->type(), fb::GeometryType::Polygon);
  EXPECT_EQ(park->kind(), uint8_t(tile::LanduseKind::Park));
  EXPECT_EQ(park->name()->str(), "Công viên Thử");
  ASSERT_TRUE(park->polygon_ring_counts() == nullptr || tile::ringCounts(*park).size() == 1);
  ASSERT_EQ(tile::ringCounts(*park).size(), 1u);
  EXPECT_EQ(tile::ringCounts(*park)[0], 2u);
  ASSERT_EQ(tile::partSizes(*park).size(), 2u);
  const auto outer = partPoints(*park, 0), hole = partPoints(*park, 1);
  ASSERT_EQ(outer.size(), 4u);  // open rings: the first point is not repeated
  ASSERT_EQ(hole.size(), 4u);
  EXPECT_GT(doubleArea(outer), 0);
  EXPECT_LT(doubleArea(hole), 0);
  for (const geo::LngLat corner : {geo::LngLat{108.2050, 16.0625}, geo::LngLat{108.2090, 16.0625},
                                   geo::LngLat{108.2090, 16.0660}, geo::LngLat{108.2050, 16.0660}}) {
    const Pt e = tilePos(corner, t);
    EXPECT_TRUE(std::any_of(outer.begin(), outer.end(), [&](Pt p) { return distance(p, e) <= 1.5; }))
        << "outer corner " << corner.lng << "," << corner.lat;
  }
  EXPECT_TRUE(pointInRing(hole, tilePos({108.2067, 16.0642}, t)));
  EXPECT_FALSE(pointInRing(hole, tilePos({108.2055, 16.0630}, t)));
}

TEST_F(SyntheticIngest, WaterPolygonWindingNormalised) {
  // The fixture's ring is clockwise in lon/lat; the tile ring must follow the tile convention.
  const geo::TileID t = tileOf({108.2180, 16.0535}, 16);
  const fb::Feature* lake = findFeature(tileAt(t), "water", 301);
  ASSERT_NE(lake, nullptr);
  EXPECT_EQ(lake->kind(), uint8_t(tile::WaterKind::Water));
  EXPECT_EQ(lake->name()->str(), "Hồ Thử");
  ASSERT_EQ(tile::ringCounts(*lake).size(), 1u);
  EXPECT_EQ(tile::ringCounts(*lake)[0], 1u);
  EXPECT_GT(doubleArea(partPoints(*lake, 0)), 0);
  EXPECT_TRUE(pointInRing(partPoints(*lake, 0), tilePos({108.2180, 16.0535}, t)));
}

TEST_F(SyntheticIngest, RiverRailwayAndRings) {
  const fb::Feature* river = findFeature(tileAt({108.2100, 16.0514}, 16), "water", 302);
  ASSERT_NE(river, nullptr);
  EXPECT_EQ(river->type(), fb::GeometryType::Line);
  EXPECT_EQ(river->kind(), uint8_t(tile::WaterKind::River));
  const fb::Feature* rail = findFeature(tileAt({108.2175, 16.0630}, 16), "railways", 501);
  ASSERT_NE(rail, nullptr);
  EXPECT_EQ(rail->kind(), uint8_t(tile::RailKind::Rail));
  EXPECT_EQ(rail->name()->str(), "Đường sắt Thử");
}

TEST_F(SyntheticIngest, LargePolygonClippedToBufferedTile) {
  const geo::TileID t{16, 52467, 29805};  // fully inside the residential polygon
  const fb::Feature* res = findFeature(tileAt(t), "landuse", 202);
  ASSERT_NE(res, nullptr);
  EXPECT_EQ(res->kind(), uint8_t(tile::LanduseKind::Residential));
  ASSERT_EQ(tile::partSizes(*res).size(), 1u);
  const auto ring = partPoints(*res, 0);
  ASSERT_EQ(ring.size(), 4u);
  for (const Pt& p : ring) {
    EXPECT_TRUE(p.x == -128 || p.x == 4096 + 128) << p.x;
    EXPECT_TRUE(p.y == -128 || p.y == 4096 + 128) << p.y;
  }
  EXPECT_EQ(doubleArea(ring), 2.0 * 4352 * 4352);
}

TEST_F(SyntheticIngest, HashedIdWithoutIdField) {
  // The grass polygon has no id field: its id is FNV-1a of "file\0layer\0FID". GDAL numbers
  // the FIDs (the GeoJSON driver may use other features' ids), so accept any small FID.
  const tile::TileData& data = tileAt({108.2105, 16.0625}, 16);
  const fb::Feature* grass = nullptr;
  for (const fb::Feature* f : *data.layer("landuse")->features())
    if (f->kind() == uint8_t(tile::LanduseKind::Grass)) grass = f;
  ASSERT_NE(grass, nullptr);
  bool matches = false;
  for (int fid = 0; fid < 1000 && !matches; ++fid) {
    std::string key = "synthetic.geojson";
    key.push_back('\0');
    key += "synthetic";
    key.push_back('\0');
    key += std::to_string(fid);
    matches = grass->id() == fnv1a(key);
  }
  EXPECT_TRUE(matches) << grass->id();
}

TEST_F(SyntheticIngest, OsmDriverIdsAndOtherTags) {
  const geo::TileID t = tileOf({108.2190, 16.0645}, 16);
  const tile::TileData& data = tileAt(t);
  const fb::Feature* street = findFeature(data, "roads", osmId(2001, 1));
  ASSERT_NE(street, nullptr);
  EXPECT_EQ(street->kind(), uint8_t(tile::RoadKind::Residential));
  EXPECT_EQ(street->flags(), kFlagBridge | kFlagOneway);  // bridge, oneway and layer come from other_tags
  EXPECT_EQ(street->z_order(), 2);
  EXPECT_EQ(street->name()->str(), "Phố Thử");
  expectNear(partPoints(*street, 0)[0], {108.2185, 16.0640}, t);

  const fb::Feature* restaurant = findFeature(data, "pois", osmId(1010, 0));
  ASSERT_NE(restaurant, nullptr);
  EXPECT_EQ(restaurant->kind(), uint8_t(tile::PoiKind::Food));
  EXPECT_EQ(restaurant->name()->str(), "Quán Thử");

  const geo::TileID gt = tileOf({108.2220, 16.0645}, 16);
  const fb::Feature* grass = findFeature(tileAt(gt), "landuse", osmId(3001, 2));
  ASSERT_NE(grass, nullptr);
  EXPECT_EQ(grass->kind(), uint8_t(tile::LanduseKind::Grass));
  EXPECT_EQ(grass->name()->str(), "Bãi cỏ Thử");
  ASSERT_EQ(tile::ringCounts(*grass).size(), 1u);
  EXPECT_EQ(tile::ringCounts(*grass)[0], 2u);
  EXPECT_LT(doubleArea(partPoints(*grass, 1)), 0);
}

TEST_F(SyntheticIngest, DuplicateOsmObjectKeptFromFirstInput) {
  // Way 555 is in synthetic.osm (first input) and, elsewhere, in synthetic.geojson.
  int copies = 0;
  for (const geo::TileID& t : geo::tilesCovering(worldBox(kWest, kSouth, kEast, kNorth), 16)) {
    if (const fb::Feature* b = findFeature(tileAt(t), "buildings", osmId(555, 1))) {
      ++copies;
      EXPECT_EQ(b->name()->str(), "Nhà OSM");
    }
  }
  EXPECT_EQ(copies, 1);
  const fb::Feature* other = findFeature(tileAt({108.21015, 16.05765}, 16), "buildings", osmId(556, 1));
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->name()->str(), "Nhà Thử");
}

// ---- reprojection ------------------------------------------------------------------------------

TEST(IngestReprojection, ProjectedCrsIsTransformedWithProj) {
  // utm49n.geojson holds the same kind of data in EPSG:32649 (UTM 49N) metres.
  TempDir tmp("utm");
  const RunResult r = runIngest({"--out", (tmp / "t").string(), (kFixtures / "utm49n.geojson").string()});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  const geo::LngLat bank{108.2106, 16.0582};
  const geo::TileID t = tileOf(bank, 16);
  const auto data = loadTile(tmp / "t", t);
  ASSERT_TRUE(data);
  const fb::Feature* poi = findFeature(data.value(), "pois", 701);
  ASSERT_NE(poi, nullptr);
  EXPECT_EQ(poi->kind(), uint8_t(tile::PoiKind::Finance));
  expectNear(partPoints(*poi, 0)[0], bank, t, 0.75);

  // The road crosses a z16 tile edge: check each end in its own tile.
  for (const auto& [end, first] :
       {std::pair{geo::LngLat{108.2150, 16.0600}, true}, std::pair{geo::LngLat{108.2160, 16.0610}, false}}) {
    const geo::TileID rt = tileOf(end, 16);
    const auto roads = loadTile(tmp / "t", rt);
    ASSERT_TRUE(roads);
    const fb::Feature* road = findFeature(roads.value(), "roads", 702);
    ASSERT_NE(road, nullptr) << rt.path();
    EXPECT_EQ(road->kind(), uint8_t(tile::RoadKind::Tertiary));
    const auto pts = partPoints(*road, 0);
    expectNear(first ? pts.front() : pts.back(), end, rt);
  }
  // One z15 tile holds the whole road.
  const geo::TileID z15 = tileOf({108.2155, 16.0605}, 15);
  const auto whole = loadTile(tmp / "t", z15);
  ASSERT_TRUE(whole);
  const fb::Feature* road = findFeature(whole.value(), "roads", 702);
  ASSERT_NE(road, nullptr);
  const auto pts = partPoints(*road, 0);
  ASSERT_EQ(pts.size(), 2u);
  expectNear(pts.front(), {108.2150, 16.0600}, z15, 0.75);
  expectNear(pts.back(), {108.2160, 16.0610}, z15, 0.75);
}

// ---- determinism, --bbox ----------------------------------------------------------------------

std::map<std::string, std::vector<uint8_t>> snapshot(const fs::path& dir) {
  std::map<std::string, std::vector<uint8_t>> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = readBytes(e.path());
  return files;
}

TEST(IngestDeterminism, TwoRunsAreByteIdentical) {
  TempDir tmp("determinism");
  const RunResult a = runIngest({"--out", (tmp / "a").string(), "--threads", "1", kOsm, kGeojson});
  const RunResult b = runIngest({"--out", (tmp / "b").string(), "--threads", "4", kOsm, kGeojson});
  const RunResult c = runIngest({"--out", (tmp / "c").string(), kOsm, kGeojson});
  ASSERT_EQ(a.exitCode, 0) << a.output;
  ASSERT_EQ(b.exitCode, 0) << b.output;
  ASSERT_EQ(c.exitCode, 0) << c.output;
  const auto sa = snapshot(tmp / "a");
  EXPECT_EQ(sa.size(), 43u);  // 40 tiles + tileset.json + search.json + routing.cmg
  EXPECT_TRUE(sa == snapshot(tmp / "b"));
  EXPECT_TRUE(sa == snapshot(tmp / "c"));
}

TEST(IngestDeterminism, RerunReplacesPreviousOutput) {
  TempDir tmp("rerun");
  const std::string out = (tmp / "tiles").string();
  ASSERT_EQ(runIngest({"--out", out, "--maxzoom", "14", kGeojson}).exitCode, 0);
  ASSERT_EQ(runIngest({"--out", out, "--minzoom", "15", "--maxzoom", "15", kGeojson}).exitCode, 0);
  EXPECT_FALSE(fs::exists(tmp / "tiles" / "12"));  // old zooms gone
  EXPECT_TRUE(fs::exists(tmp / "tiles" / "15"));
  EXPECT_FALSE(fs::exists(out + ".tmp"));
  EXPECT_FALSE(fs::exists(out + ".old"));
}

TEST(IngestBbox, LimitsTilesAndBounds) {
  TempDir tmp("bbox");
  const RunResult r = runIngest({"--out", (tmp / "t").string(), "--minzoom", "14", "--maxzoom", "16", "--bbox",
                                 "108.205,16.055,108.215,16.065", kGeojson});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  std::ifstream in(tmp / "t" / "tileset.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["bounds"], nlohmann::json({108.205, 16.055, 108.215, 16.065}));
  size_t expected = 0;
  for (uint8_t z = 14; z <= 16; ++z) {
    for (const geo::TileID& t : geo::tilesCovering(worldBox(108.205, 16.055, 108.215, 16.065), z)) {
      ++expected;
      EXPECT_TRUE(loadTile(tmp / "t", t).has_value()) << t.path();
    }
  }
  EXPECT_EQ(listTiles(tmp / "t").size(), expected);
  EXPECT_EQ(j["tiles"].get<size_t>(), expected);
  // The river (south of the box) was dropped; the park inside was kept.
  EXPECT_NE(r.output.find("outside bbox"), std::string::npos);
  const auto park = loadTile(tmp / "t", tileOf({108.2070, 16.0640}, 16));
  ASSERT_TRUE(park);
  EXPECT_NE(findFeature(*park, "landuse", 201), nullptr);
}

// ---- layer configuration ----------------------------------------------------------------------

void expectFailure(const RunResult& r, std::string_view message, int code = 1) {
  EXPECT_EQ(r.exitCode, code) << r.output;
  EXPECT_NE(r.output.find(message), std::string::npos) << "expected '" << message << "' in:\n" << r.output;
}

const fs::path kConfigDir = kFixtures / "config";
const std::string kConfig = (kConfigDir / "layers.json").string();

// NFC spelling of the ward whose name admin.geojson holds decomposed (NFD).
constexpr std::string_view kWardNfc = "Phường Thử Nghiệm";

std::set<uint64_t> idsIn(const tile::TileData& t, std::string_view layer) {
  std::set<uint64_t> ids;
  if (const fb::Layer* l = t.layer(layer))
    for (const fb::Feature* f : *l->features()) ids.insert(f->id());
  return ids;
}

uint64_t configuredId(std::string_view ns, std::initializer_list<std::string_view> values) {
  uint64_t h = fnv1a(ns);
  for (std::string_view v : values) h = fnv1a(v, fnv1a(std::string_view("\0", 1), h));
  return ((h & ((uint64_t(1) << 51) - 1)) << 2) | 3;
}

class ConfiguredIngest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = std::make_unique<TempDir>("configured");
    out_ = tmp_->path() / "tiles";
    run_ =
        runIngest({"--out", out_.string(), "--config", kConfig, "--report", (tmp_->path() / "report.json").string()});
  }
  static void TearDownTestSuite() { tmp_.reset(); }
  void SetUp() override { ASSERT_EQ(run_.exitCode, 0) << run_.output; }
  static tile::TileData tileAt(geo::LngLat p, uint8_t z) {
    std::string error;
    auto data = loadTile(out_, tileOf(p, z), &error);
    EXPECT_TRUE(data) << error;
    return data ? std::move(data).value() : tile::decodeTile(emptyTile()).value();
  }
  static std::vector<uint8_t> emptyTile() {
    flatbuffers::FlatBufferBuilder b;
    fb::FinishTileBuffer(b, fb::CreateTile(b));
    return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
  }
  static nlohmann::json readJson(const fs::path& file) {
    std::ifstream in(file);
    return nlohmann::json::parse(in);
  }

  static inline std::unique_ptr<TempDir> tmp_;
  static inline fs::path out_;
  static inline RunResult run_;
};

TEST_F(ConfiguredIngest, TilesetUsesTheConfiguredBoxAndZooms) {
  const nlohmann::json j = readJson(out_ / "tileset.json");
  EXPECT_EQ(j["bounds"], nlohmann::json({108.2, 16.05, 108.225, 16.07}));
  EXPECT_EQ(j["minzoom"], 12);
  EXPECT_EQ(j["maxzoom"], 16);
  EXPECT_EQ(j["layers"], nlohmann::json({"roads", "admin", "transit", "ioc", "road_labels"}));
  // Progress lines (stderr is not a terminal here) and the summary.
  EXPECT_NE(run_.output.find("citymap-ingest: read admin.geojson in "), std::string::npos) << run_.output;
  EXPECT_NE(run_.output.find("citymap-ingest: wrote 40 tiles in "), std::string::npos) << run_.output;
  EXPECT_NE(run_.output.find("search.json: "), std::string::npos);
}

TEST_F(ConfiguredIngest, AdminUnitsAtEveryZoomWithComposedNames) {
  for (uint8_t z = 12; z <= 16; ++z) {
    const tile::TileData t = tileAt({108.2050, 16.0600}, z);
    const uint64_t ward = configuredId("admin.geojson", {"20001"});
    const fb::Feature* f = findFeature(t, "admin", ward);
    ASSERT_NE(f, nullptr) << "z" << int(z);
    EXPECT_EQ(f->kind(), uint8_t(tile::AdminKind::Ward2025));
    EXPECT_EQ(f->type(), fb::GeometryType::Polygon);
    ASSERT_NE(f->name(), nullptr);
    EXPECT_EQ(f->name()->string_view(), kWardNfc);  // composed, though the file has it decomposed
    // The city outline with its own id namespace.
    const fb::Feature* city = findFeature(t, "admin", configuredId("danang-city", {"48"}));
    ASSERT_NE(city, nullptr) << "z" << int(z);
    EXPECT_EQ(city->kind(), uint8_t(tile::AdminKind::City2025));
  }
  // The far-away unit was dropped by the bounding box.
  EXPECT_NE(run_.output.find("admin.geojson:admin"), std::string::npos);
  const nlohmann::json report = readJson(tmp_->path() / "report.json");
  const auto& admin = report["sources"][1];
  EXPECT_EQ(admin["source"], "admin.geojson");
  EXPECT_EQ(admin["read"], 3);
  EXPECT_EQ(admin["kept"], 2);
  EXPECT_EQ(admin["outside_bbox"], 1);
}

TEST_F(ConfiguredIngest, IocKindsFromAFieldMap) {
  const std::map<std::string, std::pair<geo::LngLat, tile::IocKind>> stations = {
      {"flood_warning_tower", {{108.2050, 16.0550}, tile::IocKind::FloodTower}},
      {"automatic_rain_gauge", {{108.2150, 16.0600}, tile::IocKind::RainGauge}},
      {"coastal_multi_hazard_warning_station", {{108.2200, 16.0650}, tile::IocKind::CoastalStation}}};
  const std::map<std::string, std::string> names = {{"flood_warning_tower", "Tháp Một"},
                                                    {"automatic_rain_gauge", "Trạm Mưa"},
                                                    {"coastal_multi_hazard_warning_station", "Trạm Biển"}};
  for (const auto& [kind, where] : stations) {
    const tile::TileData t = tileAt(where.first, 16);
    const fb::Feature* f = findFeature(t, "ioc", configuredId("stations.geojson", {kind, names.at(kind)}));
    ASSERT_NE(f, nullptr) << kind;
    EXPECT_EQ(f->kind(), uint8_t(where.second));
    expectNear(partPoints(*f, 0)[0], where.first, tileOf(where.first, 16), 0.75);
    // Written from the lowest zoom on.
    EXPECT_NE(findFeature(tileAt(where.first, 12), "ioc", f->id()), nullptr);
  }
  EXPECT_EQ(idsIn(tileAt({108.2100, 16.0620}, 12), "ioc").size(), 3u);  // "unknown_thing" dropped
  const nlohmann::json report = readJson(tmp_->path() / "report.json");
  EXPECT_EQ(report["sources"][3]["unclassified"], 1);
  EXPECT_EQ(report["layers"]["ioc"]["features"], 3);
  EXPECT_EQ(report["layers"]["ioc"]["per_zoom"]["12"], 3);
}

TEST_F(ConfiguredIngest, TransitRouteAndStops) {
  const geo::LngLat stop{108.2010, 16.0520};
  const tile::TileData z14 = tileAt(stop, 14);
  const fb::Feature* route = findFeature(z14, "transit", configuredId("bus_routes.geojson", {"R99", "turn"}));
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->kind(), uint8_t(tile::TransitKind::BusRoute));
  EXPECT_EQ(route->type(), fb::GeometryType::Line);
  EXPECT_EQ(route->name()->string_view(), "R99: Bến Thử-Chợ Thử");
  const uint64_t stopId = configuredId("bus_stops.geojson", {"S1"});
  EXPECT_EQ(findFeature(z14, "transit", stopId), nullptr);  // stops from z15 (configured)
  const fb::Feature* s = findFeature(tileAt(stop, 15), "transit", stopId);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->kind(), uint8_t(tile::TransitKind::BusStop));
  EXPECT_EQ(s->name()->string_view(), "Trạm Dừng Một");
}

TEST_F(ConfiguredIngest, NameEnRefHeightColourInTiles) {
  const tile::TileData t = tileAt({108.2010, 16.0520}, 14);
  const fb::Feature* route = findFeature(t, "transit", configuredId("bus_routes.geojson", {"R99", "turn"}));
  ASSERT_NE(route, nullptr);
  ASSERT_NE(route->ref(), nullptr);
  EXPECT_EQ(route->ref()->string_view(), "R99");
  EXPECT_EQ(route->color(), 0xff1956ffu);
  const fb::Feature* street = findFeature(tileAt({108.2080, 16.0605}, 16), "roads", osmId(20, 1));
  ASSERT_NE(street, nullptr);
  ASSERT_NE(street->name_en(), nullptr);
  EXPECT_EQ(street->name_en()->string_view(), "Link Street");
}

TEST_F(ConfiguredIngest, RoadsKeepEveryWayLabelsJoinStreets) {
  // "Đường Nối": ways 30, 20 and 40 share end points. The roads layer keeps each way with its own
  // id (live traffic colours them one by one); road_labels has one feature with the lowest id
  // (20) and one line through all three; the piece far away (50) is a street of its own.
  const tile::TileData z14 = tileAt({108.2080, 16.0605}, 14);
  for (uint64_t way : {20, 30, 40}) {
    const fb::Feature* piece = findFeature(z14, "roads", osmId(way, 1));
    ASSERT_NE(piece, nullptr) << way;
    EXPECT_EQ(tile::partSizes(*piece).size(), 1u) << way;
    EXPECT_EQ(partPoints(*piece, 0).size(), 2u) << way;
  }
  const fb::Feature* street = findFeature(z14, "road_labels", osmId(20, 1));
  ASSERT_NE(street, nullptr);
  EXPECT_EQ(findFeature(z14, "road_labels", osmId(30, 1)), nullptr);
  EXPECT_EQ(findFeature(z14, "road_labels", osmId(40, 1)), nullptr);
  EXPECT_EQ(street->name()->string_view(), "Đường Nối");
  EXPECT_EQ(street->kind(), findFeature(z14, "roads", osmId(20, 1))->kind());
  ASSERT_NE(street->name_en(), nullptr);
  EXPECT_EQ(street->name_en()->string_view(), "Link Street");
  ASSERT_EQ(tile::partSizes(*street).size(), 1u);
  const auto pts = partPoints(*street, 0);
  ASSERT_EQ(pts.size(), 4u);
  const geo::TileID t = tileOf({108.2080, 16.0605}, 14);
  const Pt a = tilePos({108.2020, 16.0600}, t), b = tilePos({108.2140, 16.0610}, t);
  EXPECT_TRUE((distance(pts.front(), a) < 1.5 && distance(pts.back(), b) < 1.5) ||
              (distance(pts.front(), b) < 1.5 && distance(pts.back(), a) < 1.5));
  EXPECT_NE(findFeature(tileAt({108.2215, 16.0520}, 14), "road_labels", osmId(50, 1)), nullptr);
  EXPECT_NE(findFeature(tileAt({108.2215, 16.0520}, 14), "roads", osmId(50, 1)), nullptr);
  // One-way pieces pointing at each other: one label, two parts, directions kept; both ways in roads.
  const tile::TileData z16 = tileAt({108.2060, 16.0660}, 16);
  const fb::Feature* oneway = findFeature(z16, "road_labels", osmId(60, 1));
  ASSERT_NE(oneway, nullptr);
  EXPECT_EQ(tile::partSizes(*oneway).size(), 2u);
  EXPECT_EQ(oneway->flags() & kFlagOneway, kFlagOneway);
  EXPECT_NE(findFeature(z16, "roads", osmId(60, 1)), nullptr);
  EXPECT_NE(findFeature(z16, "roads", osmId(61, 1)), nullptr);
  // Labels from z13 on; the roads at every zoom.
  const tile::TileData z12 = tileAt({108.2080, 16.0605}, 12);
  EXPECT_EQ(z12.layer("road_labels"), nullptr);
  EXPECT_NE(findFeature(z12, "roads", osmId(30, 1)), nullptr);
  EXPECT_NE(findFeature(tileAt({108.2080, 16.0605}, 13), "road_labels", osmId(20, 1)), nullptr);
  EXPECT_NE(run_.output.find("road_labels: 9 named road pieces merged into 4 streets (3 joined)"), std::string::npos)
      << run_.output;
  const nlohmann::json report = readJson(tmp_->path() / "report.json");
  EXPECT_EQ(report["layers"]["road_labels"]["features"], 4);
  EXPECT_EQ(report["layers"]["road_labels"]["per_zoom"]["12"], 0);
  EXPECT_EQ(report["layers"]["roads"]["features"], 9);

  // --no-merge: the same roads, no road_labels layer.
  TempDir tmp("nomerge");
  const RunResult r = runIngest({"--quiet", "--no-merge", "--out", (tmp / "t").string(), "--config", kConfig});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  const auto plain = loadTile(tmp / "t", tileOf({108.2080, 16.0605}, 14));
  ASSERT_TRUE(plain);
  for (uint64_t way : {20, 30, 40}) EXPECT_NE(findFeature(*plain, "roads", osmId(way, 1)), nullptr) << way;
  EXPECT_EQ(plain->layer("road_labels"), nullptr);
  EXPECT_EQ(readJson(tmp / "t" / "tileset.json")["layers"], nlohmann::json({"roads", "admin", "transit", "ioc"}));
  EXPECT_EQ(readBytes(tmp / "t" / "search.json"), readBytes(out_ / "search.json"));  // same streets
}

TEST_F(ConfiguredIngest, SearchIndex) {
  const nlohmann::json j = readJson(out_ / "search.json");
  EXPECT_EQ(j["format"], "citymap-search");
  EXPECT_EQ(j["format_version"], 1);
  std::vector<std::string> entries;
  for (const auto& e : j["entries"])
    entries.push_back(e["type"].get<std::string>() + ":" + e["name"].get<std::string>());
  EXPECT_EQ(entries, (std::vector<std::string>{"admin:" + std::string(kWardNfc), "admin:Thành phố Thử", "admin:Xã Thử",
                                               "street:Đường Nối", "street:Đường Nối", "street:Ngã Ba",
                                               "street:Phố Một Chiều", "bus_route:R99: Bến Thử-Chợ Thử", "ioc:Tháp Một",
                                               "ioc:Trạm Biển", "ioc:Trạm Mưa"}));
  const auto& ward = j["entries"][0];
  EXPECT_EQ(ward["key"], "phuong thu nghiem");
  EXPECT_EQ(ward["kind"], "Ward2025");
  EXPECT_EQ(ward["id"], configuredId("admin.geojson", {"20001"}));
  EXPECT_GT(ward["lng"].get<double>(), 108.200);
  EXPECT_LT(ward["lng"].get<double>(), 108.212);
  // The city's far island is outside the tiles: its box and point stay inside them.
  const auto& city = j["entries"][1];
  EXPECT_EQ(city["bbox"], nlohmann::json({108.2, 16.05, 108.225, 16.07}));
  EXPECT_LT(city["lng"].get<double>(), 108.225);
  const auto& street = j["entries"][3];
  EXPECT_EQ(street["name_en"], "Link Street");
  EXPECT_EQ(street["id"], osmId(20, 1));
  EXPECT_EQ(street["kind"], "Secondary");
  EXPECT_NEAR(street["lat"].get<double>(), 16.0605, 0.0006);
  EXPECT_GE(street["zoom"].get<int>(), 14);
  EXPECT_EQ(j["entries"][8]["zoom"], 17);
}

TEST(ConfiguredIngestErrors, BadConfigurations) {
  TempDir tmp("badconfig");
  const auto config = [&](const std::string& name, const std::string& text) {
    writeText(tmp / name, text);
    return (tmp / name).string();
  };
  const auto run = [&](const std::string& cfg) {
    return runIngest({"--out", (tmp / "t").string(), "--config", cfg, "--data-dir", kConfigDir.string()});
  };
  expectFailure(run(config("bad.json", "{\"sources\": [\n  {\"path\": \"admin.geojson\" \"layer\": \"admin\"}]}")),
                "bad.json: not valid JSON at line 2");
  expectFailure(run(config("missing-file.json", R"({"sources": [{"path": "nope.geojson", "classify": "osm"}]})")),
                "sources[0] (nope.geojson): file not found");
  expectFailure(run(config("missing-field.json", R"({"sources": [{"path": "admin.geojson", "layer": "admin",
                    "kind": "Ward2025", "fields": {"name": "ten_phuong"}}]})")),
                "admin.geojson: layer 'admin' has no field 'ten_phuong' (fields: code, name, kind)");
  expectFailure(run(config("missing-kind-field.json", R"({"sources": [{"path": "stations.geojson", "layer": "ioc",
                    "kind": {"field": "loai", "map": {"x": "FloodTower"}}}]})")),
                "no field 'loai'");
  expectFailure(run(config("missing-id-field.json", R"({"sources": [{"path": "admin.geojson", "layer": "admin",
                    "kind": "Ward2025", "id": {"field": "ma"}}]})")),
                "no field 'ma'");
  expectFailure(run(config("missing-layer.json", R"({"sources": [{"path": "admin.geojson", "gdal_layers": ["wards"],
                    "layer": "admin", "kind": "Ward2025"}]})")),
                "no GDAL layer 'wards' (layers: admin)");
  expectFailure(
      run(config("bad-kind.json", R"({"sources": [{"path": "admin.geojson", "layer": "admin", "kind": "Ward"}]})")),
      "unknown kind \"Ward\"");
  expectFailure(runIngest({"--out", (tmp / "t").string(), "--config", (tmp / "absent.json").string()}),
                "cannot read the configuration");
  EXPECT_FALSE(fs::exists(tmp / "t"));
  EXPECT_FALSE(fs::exists(tmp / "t.tmp"));
  expectFailure(runIngest({"--out", (tmp / "t").string(), "--data-dir", "x", kGeojson}), "--data-dir needs --config",
                2);
  expectFailure(runIngest({"--out", (tmp / "t").string(), "--assume-crs", "EPSG:0", kGeojson}), "--assume-crs", 2);
}

TEST(ConfiguredIngestCrs, AssumeCrsForASourceWithoutOne) {
  // A CSV in VN-2000 / TM-3 107-45 metres, made with ogr2ogr now; CSV declares no CRS.
  TempDir tmp("assumecrs");
  writeText(tmp / "poi.geojson",
            R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"7","amenity":"bank",)"
            R"("name":"Ngân Hàng"},"geometry":{"type":"Point","coordinates":[108.2206,16.0678]}}]})");
  const RunResult conv = runProgram({"/usr/bin/ogr2ogr", "-f", "CSV", "-t_srs", "EPSG:5899", "-lco", "GEOMETRY=AS_WKT",
                                     (tmp / "poi.csv").string(), (tmp / "poi.geojson").string()});
  if (conv.exitCode == 127) GTEST_SKIP() << "ogr2ogr not found";
  ASSERT_EQ(conv.exitCode, 0) << conv.output;
  const std::string csv = (tmp / "poi.csv").string();
  expectFailure(runIngest({"--out", (tmp / "a").string(), csv}), "has no CRS");
  const RunResult r = runIngest({"--out", (tmp / "t").string(), "--assume-crs", "EPSG:5899", csv});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  const geo::LngLat where{108.2206, 16.0678};
  const auto t = loadTile(tmp / "t", tileOf(where, 16));
  ASSERT_TRUE(t);
  const fb::Feature* poi = findFeature(*t, "pois", 7);
  ASSERT_NE(poi, nullptr);
  // 0.5 m is about 3.4 tile units at z16 in Da Nang; rounding to integers allows 0.71 more.
  expectNear(partPoints(*poi, 0)[0], where, tileOf(where, 16), 0.75);
}

// ---- errors -------------------------------------------------------------------------------------

TEST(IngestErrors, MissingInput) {
  TempDir tmp("missing");
  const RunResult r = runIngest({"--out", (tmp / "t").string(), (tmp / "nope.geojson").string()});
  expectFailure(r, "input not found");
  EXPECT_FALSE(fs::exists(tmp / "t"));
  EXPECT_FALSE(fs::exists(tmp / "t.tmp"));
}

TEST(IngestErrors, GarbageInput) {
  TempDir tmp("garbage");
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes.push_back(char((i * 7919 + 13) % 251));
  writeText(tmp / "garbage.geojson", bytes);
  expectFailure(runIngest({"--out", (tmp / "t").string(), (tmp / "garbage.geojson").string()}), "cannot open");
  EXPECT_FALSE(fs::exists(tmp / "t.tmp"));
}

TEST(IngestErrors, LayerWithoutCrs) {
  TempDir tmp("nocrs");
  // A CSV with a WKT geometry column has geometry but no CRS.
  writeText(tmp / "roads.csv", "WKT,highway,name\n\"LINESTRING (108.2 16.05,108.21 16.06)\",primary,X\n");
  const RunResult r = runIngest({"--out", (tmp / "t").string(), (tmp / "roads.csv").string()});
  expectFailure(r, "has no CRS");
  EXPECT_NE(r.output.find("roads"), std::string::npos);
}

TEST(IngestErrors, UnwritableOutput) {
  TempDir tmp("unwritable");
  writeText(tmp / "file", "x");
  expectFailure(runIngest({"--out", (tmp / "file" / "tiles").string(), kGeojson}), "cannot create output directory");
  expectFailure(runIngest({"--out", (tmp / "file").string(), kGeojson}), "not a directory");
}

TEST(IngestErrors, RefusesToReplaceForeignDirectory) {
  TempDir tmp("foreign");
  fs::create_directories(tmp / "docs");
  writeText(tmp / "docs" / "important.txt", "keep me");
  expectFailure(runIngest({"--out", (tmp / "docs").string(), kGeojson}), "refusing");
  EXPECT_TRUE(fs::exists(tmp / "docs" / "important.txt"));
}

TEST(IngestErrors, FailedRunKeepsPreviousOutput) {
  TempDir tmp("keep");
  const std::string out = (tmp / "t").string();
  ASSERT_EQ(runIngest({"--out", out, kGeojson}).exitCode, 0);
  const auto before = snapshot(out);
  expectFailure(runIngest({"--out", out, kGeojson, (tmp / "missing.osm").string()}), "input not found");
  EXPECT_TRUE(before == snapshot(out));
  EXPECT_FALSE(fs::exists(out + ".tmp"));
}

TEST(IngestErrors, NothingClassified) {
  TempDir tmp("empty");
  writeText(tmp / "fence.geojson",
            R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"barrier":"fence"},)"
            R"("geometry":{"type":"LineString","coordinates":[[108.2,16.05],[108.21,16.06]]}}]})");
  expectFailure(runIngest({"--out", (tmp / "t").string(), (tmp / "fence.geojson").string()}), "no feature");
  // With --bbox the (empty) pyramid is still written.
  const RunResult r = runIngest({"--out", (tmp / "t").string(), "--minzoom", "15", "--maxzoom", "15", "--bbox",
                                 "108.2,16.05,108.21,16.06", (tmp / "fence.geojson").string()});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  const auto tiles = listTiles(tmp / "t");
  ASSERT_FALSE(tiles.empty());
  for (const fs::path& f : tiles) {
    auto data = decodeTileFile(f);
    ASSERT_TRUE(data) << data.error();
    EXPECT_EQ(data->root().layers(), nullptr);
    EXPECT_LE(data->byteSize(), sizeof(tile::TileData) + 64u);
  }
}

TEST(IngestCli, UsageErrors) {
  expectFailure(runIngest({kGeojson}), "--out DIR is required", 2);
  expectFailure(runIngest({"--out", "/tmp/citymap-never"}), "no INPUT", 2);
  expectFailure(runIngest({"--out", "/tmp/citymap-never", "--minzoom", "16", "--maxzoom", "15", kGeojson}),
                "above --maxzoom", 2);
  expectFailure(runIngest({"--out", "/tmp/citymap-never", "--maxzoom", "99", kGeojson}), "--maxzoom expects", 2);
  expectFailure(runIngest({"--out", "/tmp/citymap-never", "--bbox", "1,2,3", kGeojson}), "--bbox expects", 2);
  expectFailure(runIngest({"--out", "/tmp/citymap-never", "--bbox", "3,2,1,4", kGeojson}), "not a valid", 2);
  expectFailure(runIngest({"--out", "/tmp/citymap-never", "--frobnicate", kGeojson}), "unknown option", 2);
  EXPECT_FALSE(fs::exists("/tmp/citymap-never"));
}

TEST(IngestCli, Help) {
  const RunResult r = runIngest({"--help"});
  EXPECT_EQ(r.exitCode, 0);
  EXPECT_NE(r.output.find("Usage: citymap-ingest --out DIR"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace citymap::ingest_test

namespace citymap::ingest_test {
namespace {

// Issue 13: a broken or cut-off input never becomes an archive. Each case starts from a good
// archive; the run with the broken input must fail (exit 1) naming the file, and leave that
// archive byte for byte as it was.
class BrokenInput : public ::testing::Test {
 protected:
  void SetUp() override {
    out_ = (tmp_ / "map.pmtiles").string();
    const RunResult good = runIngest({"--quiet", "--out", out_, kGeojson});
    ASSERT_EQ(good.exitCode, 0) << good.output;
    before_ = bytesOf(out_);
    ASSERT_GT(before_.size(), 1000u);
  }
  static std::string bytesOf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  static void writeFile(const fs::path& p, std::string_view bytes) {
    std::ofstream(p, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  }
  std::string cut(const std::string& source, double fraction, const std::string& name) const {
    const std::string all = bytesOf(source);
    writeFile(tmp_ / name, all.substr(0, size_t(double(all.size()) * fraction)));
    return (tmp_ / name).string();
  }
  // Converts the GeoJSON fixture with ogr2ogr (gdal-bin) into another format.
  std::string convert(const std::string& driver, const std::string& name) const {
    const std::string path = (tmp_ / name).string();
    const RunResult r = runProgram({"/usr/bin/ogr2ogr", "-f", driver, path, kGeojson});
    EXPECT_EQ(r.exitCode, 0) << r.output;
    return path;
  }
  void expectRefused(const std::string& input, const std::string& what) {
    const RunResult r = runIngest({"--quiet", "--out", out_, input});
    EXPECT_EQ(r.exitCode, 1) << what << ": " << r.output;
    EXPECT_NE(r.output.find(fs::path(input).filename().string()), std::string::npos) << what << ": " << r.output;
    EXPECT_EQ(bytesOf(out_), before_) << what << ": the previous archive was replaced";
  }
  TempDir tmp_{"broken"};
  std::string out_, before_;
};

TEST_F(BrokenInput, TruncatedOsmXmlFailsWithThePositionAndKeepsTheArchive) {
  const std::string input = cut(kOsm, 0.6, "cut.osm");
  const RunResult r = runIngest({"--quiet", "--out", out_, input});
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("GDAL error while reading"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("line"), std::string::npos) << "names where: " << r.output;
  EXPECT_NE(r.output.find("--skip-invalid"), std::string::npos) << r.output;
  EXPECT_EQ(bytesOf(out_), before_);
  // --skip-invalid keeps what can be read, and says how much was skipped.
  const RunResult s = runIngest({"--out", (tmp_ / "partial.pmtiles").string(), "--skip-invalid", input});
  EXPECT_EQ(s.exitCode, 0) << s.output;
  EXPECT_NE(s.output.find("GDAL read errors skipped"), std::string::npos) << s.output;
}

TEST_F(BrokenInput, GeoJsonCutMidFeature) {
  expectRefused(cut(kGeojson, 0.5, "cut.geojson"), "GeoJSON cut mid-feature");
}

TEST_F(BrokenInput, EmptyFile) {
  writeFile(tmp_ / "empty.geojson", "");
  expectRefused((tmp_ / "empty.geojson").string(), "an empty file");
}

TEST_F(BrokenInput, TruncatedGeoPackage) {
  const std::string gpkg = convert("GPKG", "whole.gpkg");
  expectRefused(cut(gpkg, 0.5, "cut.gpkg"), "a GeoPackage cut in half");
}

TEST_F(BrokenInput, ShapefileWithoutItsDbfOrShx) {
  for (const char* missing : {".dbf", ".shx"}) {
    const std::string dir = (tmp_ / (std::string("shp") + missing)).string();
    fs::create_directories(dir);
    const RunResult r = runProgram({"/usr/bin/ogr2ogr", "-f", "ESRI Shapefile", dir + "/roads.shp", kGeojson, "-where",
                                    "OGR_GEOMETRY='LineString'", "-nlt", "LINESTRING"});
    ASSERT_EQ(r.exitCode, 0) << r.output;
    ASSERT_TRUE(fs::exists(dir + "/roads" + missing));
    fs::remove(dir + "/roads" + missing);
    expectRefused(dir + "/roads.shp", std::string("a Shapefile without its ") + missing);
  }
}

// OSM PBF written by osmium (Debian's osmium-tool) from the XML fixture: whole it is read, cut
// off or with a corrupted block it is refused and the previous archive stays.
TEST_F(BrokenInput, OsmPbfCutOffOrWithACorruptedBlock) {
  const std::string pbf = (tmp_ / "whole.osm.pbf").string();
  const RunResult conv = runProgram({"/usr/bin/osmium", "cat", "--overwrite", kOsm, "-o", pbf});
  ASSERT_EQ(conv.exitCode, 0) << "osmium (osmium-tool, tools/bootstrap.sh installs it): " << conv.output;
  const RunResult whole = runIngest({"--quiet", "--out", (tmp_ / "pbf.pmtiles").string(), pbf});
  ASSERT_EQ(whole.exitCode, 0) << "the whole PBF: " << whole.output;
  expectRefused(cut(pbf, 0.5, "cut.osm.pbf"), "a PBF cut in half");
  expectRefused(cut(pbf, 0.9, "cut90.osm.pbf"), "a PBF missing its last tenth");
  // A block whose compressed bytes were overwritten in the middle.
  std::string bytes = bytesOf(pbf);
  ASSERT_GT(bytes.size(), 200u);
  for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 16; ++i) bytes[i] = char(0xa5 ^ i);
  writeFile(tmp_ / "corrupt.osm.pbf", bytes);
  expectRefused((tmp_ / "corrupt.osm.pbf").string(), "a PBF with a corrupted block");
}

}  // namespace
}  // namespace citymap::ingest_test
