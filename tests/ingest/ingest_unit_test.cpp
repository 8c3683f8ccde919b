// Unit tests of the ingest tool's pieces: tag parsing, classification, ids, clipping,
// simplification, tile encoding, command line and tileset.json.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "ingest/classify.hpp"
#include "ingest/cli.hpp"
#include "ingest/clip.hpp"
#include "ingest/feature.hpp"
#include "ingest/feature_id.hpp"
#include "ingest/simplify.hpp"
#include "ingest/tags.hpp"
#include "ingest/tile_writer.hpp"
#include "ingest/tiler.hpp"
#include "tile/tile_reader.hpp"

namespace citymap::ingest {
namespace {

Tags tagsOf(std::initializer_list<std::pair<const char*, const char*>> kv) {
  Tags t;
  for (const auto& [k, v] : kv) t.set(k, v);
  return t;
}

// ---- tags ---------------------------------------------------------------------------------------

TEST(Hstore, ParsesPairsAndEscapes) {
  Tags t;
  EXPECT_TRUE(parseHstore(R"("bridge"=>"yes","name:en"=>"Dragon \"Bridge\"", "path"=>"a\\b","x"=>NULL,"e"=>"")", t));
  EXPECT_EQ(t.get("bridge"), "yes");
  EXPECT_EQ(t.get("name:en"), "Dragon \"Bridge\"");
  EXPECT_EQ(t.get("path"), "a\\b");
  EXPECT_FALSE(t.has("x"));
  EXPECT_FALSE(t.has("e"));
  EXPECT_EQ(t.size(), 3u);
}

TEST(Hstore, ValueContainingSeparators) {
  Tags t;
  EXPECT_TRUE(parseHstore(R"("note"=>"a,b=>c","k"=>"v")", t));
  EXPECT_EQ(t.get("note"), "a,b=>c");
  EXPECT_EQ(t.get("k"), "v");
}

TEST(Hstore, MalformedKeepsEarlierPairs) {
  Tags t;
  EXPECT_FALSE(parseHstore(R"("a"=>"1","b"=>"unterminated)", t));
  EXPECT_EQ(t.get("a"), "1");
  EXPECT_FALSE(t.has("b"));
  Tags u;
  EXPECT_FALSE(parseHstore(R"("a" "1")", u));
  EXPECT_TRUE(parseHstore("", u));
  EXPECT_EQ(u.size(), 0u);
}

TEST(Tags, FirstValueWinsAndEmptyIgnored) {
  Tags t;
  t.set("highway", "");
  t.set("highway", "primary");
  t.set("highway", "secondary");
  EXPECT_EQ(t.get("highway"), "primary");
  EXPECT_EQ(t.get("missing"), "");
}

// ---- classify -----------------------------------------------------------------------------------

struct RoadCase {
  const char* highway;
  tile::RoadKind kind;
  uint8_t flags;
};

TEST(Classify, RoadKinds) {
  const RoadCase cases[] = {
      {"motorway", tile::RoadKind::Motorway, tile::kFlagOneway},
      {"motorway_link", tile::RoadKind::Motorway, tile::kFlagLink | tile::kFlagOneway},
      {"trunk", tile::RoadKind::Trunk, 0},
      {"primary_link", tile::RoadKind::Primary, tile::kFlagLink},
      {"secondary", tile::RoadKind::Secondary, 0},
      {"tertiary", tile::RoadKind::Tertiary, 0},
      {"residential", tile::RoadKind::Residential, 0},
      {"living_street", tile::RoadKind::Residential, 0},
      {"unclassified", tile::RoadKind::Residential, 0},
      {"service", tile::RoadKind::Service, 0},
      {"footway", tile::RoadKind::Footway, 0},
      {"steps", tile::RoadKind::Footway, 0},
      {"path", tile::RoadKind::Path, 0},
      {"track", tile::RoadKind::Track, 0},
      {"pedestrian", tile::RoadKind::Pedestrian, 0},
      {"road", tile::RoadKind::Unknown, 0},
  };
  for (const RoadCase& c : cases) {
    const auto cls = classify(tagsOf({{"highway", c.highway}}), GeomType::Line);
    ASSERT_TRUE(cls) << c.highway;
    EXPECT_EQ(cls->layer, Layer::Roads) << c.highway;
    EXPECT_EQ(cls->kind, uint8_t(c.kind)) << c.highway;
    EXPECT_EQ(cls->flags, c.flags) << c.highway;
  }
  EXPECT_FALSE(classify(tagsOf({{"highway", "proposed"}}), GeomType::Line));
  EXPECT_FALSE(classify(tagsOf({{"highway", "construction"}}), GeomType::Line));
}

TEST(Classify, RoadFlagsAndLayer) {
  auto c = classify(tagsOf({{"highway", "primary"}, {"bridge", "viaduct"}, {"layer", "2"}, {"oneway", "1"}}),
                    GeomType::Line);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->flags, tile::kFlagBridge | tile::kFlagOneway);
  EXPECT_EQ(c->zOrder, 2);
  EXPECT_FALSE(c->reverse);

  c = classify(tagsOf({{"highway", "secondary"}, {"tunnel", "yes"}, {"layer", "-9"}, {"oneway", "-1"}}),
               GeomType::Line);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->flags, tile::kFlagTunnel | tile::kFlagOneway);
  EXPECT_EQ(c->zOrder, -5);  // clamped
  EXPECT_TRUE(c->reverse);

  c = classify(tagsOf({{"highway", "motorway"}, {"oneway", "no"}, {"bridge", "no"}, {"layer", "x"}}), GeomType::Line);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->flags, 0);
  EXPECT_EQ(c->zOrder, 0);

  c = classify(tagsOf({{"highway", "tertiary"}, {"junction", "roundabout"}}), GeomType::Line);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->flags, tile::kFlagOneway);
}

TEST(Classify, RailwaysAndWaterways) {
  auto c = classify(tagsOf({{"railway", "rail"}, {"bridge", "yes"}}), GeomType::Line);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->layer, Layer::Railways);
  EXPECT_EQ(c->kind, uint8_t(tile::RailKind::Rail));
  EXPECT_EQ(c->flags, tile::kFlagBridge);
  c = classify(tagsOf({{"railway", "tram"}}), GeomType::Line);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, uint8_t(tile::RailKind::Tram));
  EXPECT_FALSE(classify(tagsOf({{"railway", "abandoned"}}), GeomType::Line));
  for (const char* w : {"river", "stream", "canal", "drain"}) {
    c = classify(tagsOf({{"waterway", w}}), GeomType::Line);
    ASSERT_TRUE(c) << w;
    EXPECT_EQ(c->layer, Layer::Water);
    EXPECT_EQ(c->kind, uint8_t(tile::WaterKind::River));
  }
  EXPECT_FALSE(classify(tagsOf({{"building", "yes"}}), GeomType::Line));
}

TEST(Classify, WaterAreas) {
  const std::pair<Tags, tile::WaterKind> cases[] = {
      {tagsOf({{"natural", "water"}}), tile::WaterKind::Water},
      {tagsOf({{"natural", "water"}, {"water", "river"}}), tile::WaterKind::River},
      {tagsOf({{"waterway", "riverbank"}}), tile::WaterKind::River},
      {tagsOf({{"landuse", "reservoir"}}), tile::WaterKind::Basin},
      {tagsOf({{"landuse", "basin"}}), tile::WaterKind::Basin},
      {tagsOf({{"natural", "wetland"}}), tile::WaterKind::Wetland},
  };
  for (const auto& [tags, kind] : cases) {
    const auto c = classify(tags, GeomType::Polygon);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->layer, Layer::Water);
    EXPECT_EQ(c->kind, uint8_t(kind));
  }
}

TEST(Classify, LanduseAreas) {
  const std::pair<Tags, tile::LanduseKind> cases[] = {
      {tagsOf({{"leisure", "park"}}), tile::LanduseKind::Park},
      {tagsOf({{"leisure", "garden"}}), tile::LanduseKind::Park},
      {tagsOf({{"leisure", "pitch"}}), tile::LanduseKind::Park},
      {tagsOf({{"landuse", "grass"}}), tile::LanduseKind::Grass},
      {tagsOf({{"landuse", "forest"}}), tile::LanduseKind::Forest},
      {tagsOf({{"natural", "wood"}}), tile::LanduseKind::Forest},
      {tagsOf({{"landuse", "farmland"}}), tile::LanduseKind::Farmland},
      {tagsOf({{"landuse", "paddy"}}), tile::LanduseKind::Farmland},
      {tagsOf({{"landuse", "residential"}}), tile::LanduseKind::Residential},
      {tagsOf({{"landuse", "retail"}}), tile::LanduseKind::Commercial},
      {tagsOf({{"landuse", "commercial"}}), tile::LanduseKind::Commercial},
      {tagsOf({{"landuse", "industrial"}}), tile::LanduseKind::Industrial},
      {tagsOf({{"landuse", "cemetery"}}), tile::LanduseKind::Cemetery},
      {tagsOf({{"natural", "sand"}}), tile::LanduseKind::Sand},
      {tagsOf({{"natural", "beach"}}), tile::LanduseKind::Sand},
      {tagsOf({{"amenity", "school"}}), tile::LanduseKind::Education},
      {tagsOf({{"amenity", "university"}}), tile::LanduseKind::Education},
      {tagsOf({{"amenity", "hospital"}}), tile::LanduseKind::Hospital},
      {tagsOf({{"landuse", "military"}}), tile::LanduseKind::Military},
      {tagsOf({{"landuse", "aquaculture"}}), tile::LanduseKind::Aquaculture},
      {tagsOf({{"landuse", "construction"}}), tile::LanduseKind::Construction},
      {tagsOf({{"landuse", "religious"}}), tile::LanduseKind::Other},
  };
  for (const auto& [tags, kind] : cases) {
    const auto c = classify(tags, GeomType::Polygon);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->layer, Layer::Landuse);
    EXPECT_EQ(c->kind, uint8_t(kind));
  }
  EXPECT_FALSE(classify(tagsOf({{"amenity", "cafe"}}), GeomType::Polygon));
  EXPECT_FALSE(classify(tagsOf({{"boundary", "administrative"}}), GeomType::Polygon));
}

TEST(Classify, BuildingsWinOverLanduseButNotWater) {
  auto c = classify(tagsOf({{"building", "school"}, {"amenity", "school"}}), GeomType::Polygon);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->layer, Layer::Buildings);
  EXPECT_FALSE(classify(tagsOf({{"building", "no"}}), GeomType::Polygon));
  c = classify(tagsOf({{"building", "yes"}, {"layer", "1"}}), GeomType::Polygon);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->zOrder, 1);
}

TEST(Classify, Pois) {
  const std::pair<Tags, tile::PoiKind> cases[] = {
      {tagsOf({{"amenity", "cafe"}, {"name", "A"}}), tile::PoiKind::Food},
      {tagsOf({{"amenity", "restaurant"}, {"name", "A"}}), tile::PoiKind::Food},
      {tagsOf({{"shop", "supermarket"}, {"name", "A"}}), tile::PoiKind::Shop},
      {tagsOf({{"amenity", "hospital"}, {"name", "A"}}), tile::PoiKind::Health},
      {tagsOf({{"amenity", "school"}, {"name", "A"}}), tile::PoiKind::Education},
      {tagsOf({{"tourism", "hotel"}, {"name", "A"}}), tile::PoiKind::Tourism},
      {tagsOf({{"amenity", "bus_station"}, {"name", "A"}}), tile::PoiKind::Transport},
      {tagsOf({{"highway", "bus_stop"}, {"name", "A"}}), tile::PoiKind::Transport},
      {tagsOf({{"amenity", "townhall"}, {"name", "A"}}), tile::PoiKind::Government},
      {tagsOf({{"amenity", "atm"}, {"name", "A"}}), tile::PoiKind::Finance},
      {tagsOf({{"amenity", "bank"}, {"name", "A"}}), tile::PoiKind::Finance},
      {tagsOf({{"amenity", "place_of_worship"}, {"name", "A"}}), tile::PoiKind::Worship},
      {tagsOf({{"amenity", "toilets"}, {"name", "A"}}), tile::PoiKind::Other},
  };
  for (const auto& [tags, kind] : cases) {
    const auto c = classify(tags, GeomType::Point);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->layer, Layer::Pois);
    EXPECT_EQ(c->kind, uint8_t(kind));
  }
  EXPECT_FALSE(classify(tagsOf({{"amenity", "cafe"}}), GeomType::Point));  // no name
  EXPECT_FALSE(classify(tagsOf({{"name", "Just a name"}}), GeomType::Point));
  EXPECT_FALSE(classify(tagsOf({{"highway", "traffic_signals"}, {"name", "X"}}), GeomType::Point));
}

TEST(Classify, MinZooms) {
  EXPECT_EQ(minZoomFor(Layer::Roads, uint8_t(tile::RoadKind::Footway)), 14);
  EXPECT_EQ(minZoomFor(Layer::Roads, uint8_t(tile::RoadKind::Service)), 14);
  EXPECT_EQ(minZoomFor(Layer::Roads, uint8_t(tile::RoadKind::Path)), 14);
  EXPECT_EQ(minZoomFor(Layer::Roads, uint8_t(tile::RoadKind::Track)), 14);
  EXPECT_EQ(minZoomFor(Layer::Roads, uint8_t(tile::RoadKind::Primary)), 0);
  EXPECT_EQ(minZoomFor(Layer::Buildings, 0), 14);
  EXPECT_EQ(minZoomFor(Layer::Pois, 0), 15);
  EXPECT_EQ(minZoomFor(Layer::Landuse, 0), 0);
}

// ---- ids ----------------------------------------------------------------------------------------

TEST(FeatureIds, OsmDriverLayers) {
  EXPECT_EQ(osmDriverId("points", tagsOf({{"osm_id", "42"}}))->value, 42u << 2);
  EXPECT_EQ(osmDriverId("lines", tagsOf({{"osm_id", "42"}}))->value, (42u << 2) | 1);
  EXPECT_EQ(osmDriverId("multipolygons", tagsOf({{"osm_id", "42"}}))->value, (42u << 2) | 2);
  EXPECT_EQ(osmDriverId("multipolygons", tagsOf({{"osm_way_id", "42"}}))->value, (42u << 2) | 1);
  EXPECT_EQ(osmDriverId("multilinestrings", tagsOf({{"osm_id", "7"}}))->value, (7u << 2) | 2);
  EXPECT_TRUE(osmDriverId("lines", tagsOf({{"osm_id", "7"}}))->osm);
  EXPECT_FALSE(osmDriverId("lines", tagsOf({{"osm_id", "-7"}})));
  EXPECT_FALSE(osmDriverId("lines", tagsOf({})));
}

TEST(FeatureIds, OtherSources) {
  EXPECT_EQ(sourceFieldId(tagsOf({{"osm_way_id", "10"}}))->value, (10u << 2) | 1);
  EXPECT_TRUE(sourceFieldId(tagsOf({{"osm_way_id", "10"}}))->osm);
  EXPECT_EQ(sourceFieldId(tagsOf({{"osm_id", "10"}, {"osm_type", "relation"}}))->value, (10u << 2) | 2);
  EXPECT_EQ(sourceFieldId(tagsOf({{"id", "node/5"}}))->value, 5u << 2);
  const auto plain = sourceFieldId(tagsOf({{"id", "1234"}}));
  EXPECT_EQ(plain->value, 1234u);
  EXPECT_FALSE(plain->osm);
  EXPECT_EQ(sourceFieldId(tagsOf({{"id", "abc"}}))->value, fnv1a64("abc"));
  EXPECT_EQ(sourceFieldId(tagsOf({{"osm_id", "99"}}))->value, 99u);
  EXPECT_FALSE(sourceFieldId(tagsOf({{"name", "x"}})));
}

TEST(FeatureIds, HashIsStableFnv1a) {
  EXPECT_EQ(fnv1a64(""), 14695981039346656037ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(hashedId("f.geojson", "f", 3), fnv1a64(std::string("f.geojson") + '\0' + "f" + '\0' + "3"));
  EXPECT_NE(hashedId("f.geojson", "f", 3), hashedId("f.geojson", "f", 4));
}

TEST(FeatureIds, RemoveDuplicatesAcrossSourcesOnly) {
  std::vector<Feature> fs(4);
  fs[0].id = 8;
  fs[0].osmId = true;
  fs[0].source = 0;
  fs[1] = fs[0];
  fs[1].source = 1;  // same OSM object from another input: removed
  fs[2] = fs[0];
  fs[2].layer = Layer::Landuse;  // same id in another layer: kept
  fs[3].id = 8;
  fs[3].source = 1;  // not an OSM id: kept
  const auto removed = removeDuplicates(fs);
  EXPECT_EQ(fs.size(), 3u);
  EXPECT_EQ(removed[size_t(Layer::Water)], 1u);
}

// ---- clip -----------------------------------------------------------------------------------------

const geo::WorldBox kBox{0, 0, 10, 10};

TEST(Clip, LineSplitsIntoParts) {
  // In, out (above), in again.
  const Path line{{-5, 5}, {5, 5}, {5, 15}, {8, 15}, {8, 5}};
  std::vector<Path> parts;
  clipLine(line, kBox, parts);
  ASSERT_EQ(parts.size(), 2u);
  ASSERT_EQ(parts[0].size(), 3u);
  EXPECT_DOUBLE_EQ(parts[0][0].x, 0);
  EXPECT_DOUBLE_EQ(parts[0][1].x, 5);
  EXPECT_DOUBLE_EQ(parts[0][2].y, 10);
  ASSERT_EQ(parts[1].size(), 2u);
  EXPECT_DOUBLE_EQ(parts[1][0].y, 10);
  EXPECT_DOUBLE_EQ(parts[1][1].y, 5);
}

TEST(Clip, LineOutsideOrInside) {
  std::vector<Path> parts;
  clipLine({{-5, -5}, {-1, 20}}, kBox, parts);
  EXPECT_TRUE(parts.empty());
  clipLine({{1, 1}, {2, 2}, {3, 1}}, kBox, parts);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].size(), 3u);
}

TEST(Clip, RingAgainstBox) {
  const Path ring = clipRing({{-5, -5}, {5, -5}, {5, 5}, {-5, 5}}, kBox);
  ASSERT_GE(ring.size(), 4u);
  for (const auto& p : ring) {
    EXPECT_GE(p.x, 0);
    EXPECT_LE(p.x, 5);
    EXPECT_GE(p.y, 0);
    EXPECT_LE(p.y, 5);
  }
  EXPECT_TRUE(clipRing({{20, 20}, {30, 20}, {30, 30}}, kBox).empty());
  // A ring around the box becomes the box.
  EXPECT_EQ(clipRing({{-1, -1}, {11, -1}, {11, 11}, {-1, 11}}, kBox).size(), 4u);
}

TEST(Clip, PolygonHolesAndRingCounts) {
  Geometry g;
  g.type = GeomType::Polygon;
  g.parts = {{{-5, -5}, {15, -5}, {15, 15}, {-5, 15}},  // covers the box
             {{2, 2}, {2, 3}, {3, 3}, {3, 2}},          // hole inside
             {{20, 20}, {20, 21}, {21, 21}, {21, 20}},  // hole outside the box
             {{30, 30}, {31, 30}, {31, 31}}};           // second polygon, outside
  g.ringCounts = {3, 1};
  const Geometry c = clipGeometry(g, kBox);
  ASSERT_EQ(c.ringCounts.size(), 1u);
  EXPECT_EQ(c.ringCounts[0], 2u);
  EXPECT_EQ(c.parts.size(), 2u);
}

// ---- simplify -------------------------------------------------------------------------------------

TEST(Simplify, RemovesNearlyCollinearPoints) {
  const Path line{{0, 0}, {1, 0.1}, {2, -0.1}, {3, 0}, {3, 5}};
  const Path s = simplify(line, 0.5, false);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_DOUBLE_EQ(s[1].x, 3);
  EXPECT_EQ(simplify(line, 0, false).size(), line.size());
}

TEST(Simplify, ClosedRingKeepsShape) {
  const Path ring{{0, 0}, {5, 0.1}, {10, 0}, {10, 10}, {0, 10}};
  const Path s = simplify(ring, 0.5, true);
  EXPECT_EQ(s.size(), 4u);
}

// ---- encode ---------------------------------------------------------------------------------------

geo::WorldPoint worldIn(const geo::TileID& t, double u, double v) {
  const geo::WorldBox b = t.bounds();
  return {b.minx + (b.maxx - b.minx) * u / 4096, b.miny + (b.maxy - b.miny) * v / 4096};
}

TEST(Encode, PolygonOrientationAndSmallRingsDropped) {
  const geo::TileID t{16, 100, 200};
  TilerOptions opt;
  opt.minZoom = opt.maxZoom = 16;
  Geometry g;
  g.type = GeomType::Polygon;
  // Outer counter-clockwise on screen (negative shoelace in y-down), hole clockwise: both flipped.
  g.parts = {{worldIn(t, 100, 100), worldIn(t, 100, 1000), worldIn(t, 1000, 1000), worldIn(t, 1000, 100)},
             {worldIn(t, 200, 200), worldIn(t, 400, 200), worldIn(t, 400, 400), worldIn(t, 200, 400)},
             {worldIn(t, 500, 500), worldIn(t, 501, 500), worldIn(t, 501, 501)}};  // too small
  g.ringCounts = {3};
  EncodedFeature e;
  ASSERT_TRUE(encodeGeometry(g, t, opt, e));
  ASSERT_EQ(e.ringCounts, std::vector<uint32_t>{2});
  ASSERT_EQ(e.partSizes, (std::vector<uint32_t>{4, 4}));
  const auto area = [&](size_t first) {
    double a = 0;
    for (size_t i = 0, j = 3; i < 4; j = i++)
      a += double(e.coords[2 * (first + j)]) * e.coords[2 * (first + i) + 1] -
           double(e.coords[2 * (first + i)]) * e.coords[2 * (first + j) + 1];
    return a;
  };
  EXPECT_GT(area(0), 0);
  EXPECT_LT(area(4), 0);
  EXPECT_EQ(*std::min_element(e.coords.begin(), e.coords.begin() + 8), 100);
  EXPECT_EQ(*std::max_element(e.coords.begin(), e.coords.begin() + 8), 1000);
}

TEST(Encode, TinyPolygonAndDegenerateLineDropped) {
  const geo::TileID t{16, 100, 200};
  TilerOptions opt;
  opt.minZoom = opt.maxZoom = 16;
  Geometry g;
  g.type = GeomType::Polygon;
  g.parts = {{worldIn(t, 10, 10), worldIn(t, 11, 10), worldIn(t, 11, 11)}};
  g.ringCounts = {1};
  EncodedFeature e;
  EXPECT_FALSE(encodeGeometry(g, t, opt, e));
  Geometry l;
  l.type = GeomType::Line;
  l.parts = {{worldIn(t, 10, 10), worldIn(t, 10.2, 10.1)}};
  EXPECT_FALSE(encodeGeometry(l, t, opt, e));
}

TEST(Encode, PointsOnlyInTheirTile) {
  const geo::TileID t{16, 100, 200};
  TilerOptions opt;
  opt.minZoom = opt.maxZoom = 16;
  Geometry g;
  g.type = GeomType::Point;
  g.parts = {{worldIn(t, 2048, 1024)}, {worldIn(t, -10, 5)}, {worldIn(t, 4096, 5)}};
  EncodedFeature e;
  ASSERT_TRUE(encodeGeometry(g, t, opt, e));
  EXPECT_EQ(e.coords, (std::vector<int16_t>{2048, 1024}));
  EXPECT_EQ(e.partSizes, std::vector<uint32_t>{1});
}

TEST(Encode, BuiltTileDecodes) {
  const geo::TileID t{16, 100, 200};
  std::vector<Feature> features(2);
  features[0].layer = Layer::Roads;
  features[0].id = 5;
  features[0].name = std::string("A");  // (not = "A": GCC 12 -O3 false -Wrestrict, PR105329)
  features[0].geom.type = GeomType::Line;
  features[1].layer = Layer::Water;
  features[1].id = 9;
  features[1].geom.type = GeomType::Polygon;
  EncodedFeature road{0, {0, 0, 10, 10}, {2}, {}};
  EncodedFeature water{1, {0, 0, 100, 0, 100, 100}, {3}, {1}};
  const EncodedFeature* sorted[] = {&water, &road};
  flatbuffers::FlatBufferBuilder b;
  buildTile(b, 4096, sorted, features);
  const std::vector<uint8_t> bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  // Format 2 tiles leave their z/x/y out: the reader takes the address it read them from, and
  // cannot place them without one.
  EXPECT_FALSE(tile::decodeTile(bytes));
  auto data = tile::decodeTile(bytes, t);
  ASSERT_TRUE(data) << data.error();
  EXPECT_EQ(data->id(), t);
  ASSERT_NE(data->layer("water"), nullptr);
  ASSERT_NE(data->layer("roads"), nullptr);
  EXPECT_EQ(data->layer("roads")->features()->Get(0)->name()->str(), "A");
  EXPECT_EQ(data->layer("pois"), nullptr);
}

TEST(Tiler, RangesCoverBounds) {
  const geo::WorldBox box{0.25, 0.25, 0.5, 0.5};
  const auto ranges = tileRanges(box, 2, 3);
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0].count(), 1u);  // exactly tile 2/1/1
  EXPECT_EQ(ranges[1].count(), 4u);
}

// ---- cli, tileset.json ------------------------------------------------------------------------------

TEST(Cli, ParsesOptions) {
  auto o = parseCli(
      {"--out", "d", "--minzoom=10", "--maxzoom", "15", "--bbox", "108.1,16,108.3,16.2", "a.osm", "b.geojson"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->out, "d");
  EXPECT_EQ(o->minZoom, 10);
  EXPECT_EQ(o->maxZoom, 15);
  ASSERT_TRUE(o->bbox);
  EXPECT_DOUBLE_EQ((*o->bbox)[3], 16.2);
  EXPECT_EQ(o->inputs, (std::vector<std::string>{"a.osm", "b.geojson"}));
  EXPECT_FALSE(parseCli({"--out", "d", "--minzoom", "x", "a"}));
  EXPECT_FALSE(parseCli({"--out"}));
  EXPECT_TRUE(parseCli({"-h"})->help);
}

TEST(Cli, PipelineOptions) {
  auto o = parseCli({"--out", "d", "--config", "layers.json", "--data-dir=data", "--assume-crs", "EPSG:5899",
                     "--report", "r.json", "--no-merge", "--no-search", "--no-routing"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->config, "layers.json");
  EXPECT_EQ(o->dataDir, "data");
  EXPECT_EQ(o->assumeCrs, "EPSG:5899");
  EXPECT_EQ(o->report, "r.json");
  EXPECT_FALSE(o->mergeRoads);
  EXPECT_FALSE(o->search);
  EXPECT_FALSE(o->routing);
  EXPECT_TRUE(o->inputs.empty());  // inputs are optional with --config
  EXPECT_FALSE(o->minZoomSet);
  auto z = parseCli({"--out", "d", "--minzoom", "13", "a.osm"});
  ASSERT_TRUE(z);
  EXPECT_TRUE(z->minZoomSet);
  EXPECT_FALSE(z->maxZoomSet);
  EXPECT_TRUE(z->mergeRoads);
  EXPECT_TRUE(z->routing);
  EXPECT_FALSE(parseCli({"--out", "d", "--data-dir", "x", "a.osm"}));  // --data-dir needs --config
  EXPECT_FALSE(parseCli({"--out", "d", "--config"}));
  EXPECT_FALSE(parseCli({"--out", "d", "--config", ""}));
}

TEST(TilesetJson, IsValidJson) {
  TilesetInfo info;
  info.minZoom = 12;
  info.maxZoom = 16;
  info.west = 108.1;
  info.south = 16;
  info.east = 108.3;
  info.north = 16.2;
  info.center = {108.2, 16.1};
  info.centerZoom = 14;
  info.layers = {"water", "roads"};
  info.tiles = 7;
  const auto j = nlohmann::json::parse(tilesetJson(info));
  EXPECT_EQ(j["bounds"], nlohmann::json({108.1, 16, 108.3, 16.2}));
  EXPECT_EQ(j["center"], nlohmann::json({108.2, 16.1, 14}));
  EXPECT_EQ(j["layers"], nlohmann::json({"water", "roads"}));
  EXPECT_EQ(j["tiles"], 7);
  EXPECT_EQ(j["attribution"], "© OpenStreetMap contributors");
  EXPECT_FALSE(j.contains("name"));  // written only when known
  info.name = "Đà Nẵng";
  info.nameEn = "Da Nang \"DN\"";
  const auto named = nlohmann::json::parse(tilesetJson(info, /*archive=*/true));
  EXPECT_EQ(named["name"], "Đà Nẵng");
  EXPECT_EQ(named["name_en"], "Da Nang \"DN\"");
}

}  // namespace
}  // namespace citymap::ingest
