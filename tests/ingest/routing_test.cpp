// The walking graph the ingest writes (tools/ingest/routing_graph.hpp): topology of a tiny
// hand-written network (ways crossing at a shared node, roads a pedestrian cannot use left
// out), a street segment's loose end joined onto the nearest edge, shelters with their
// capacity, and the graph stored in the archive (a section after the tiles, named in the
// metadata) and in a folder (routing.cmg), read back with the client's RouteGraph.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "ingest/classify.hpp"
#include "ingest/config.hpp"
#include "ingest/feature_id.hpp"
#include "ingest/routing_graph.hpp"
#include "ingest/source_reader.hpp"
#include "route/router.hpp"
#include "test_support.hpp"
#include "tile/pmtiles.hpp"
#include "tile/tileset.hpp"

namespace citymap::ingest_test {
namespace {

using namespace citymap::ingest;
namespace pm = tile::pmtiles;

uint64_t hashedId(std::string_view ns, std::string_view value) {
  IdHasher h(ns);
  h.add(value);
  return h.id();
}

const fs::path kFixtures = fs::path(CITYMAP_INGEST_FIXTURES) / "routing";

// The configured sources read as the tool reads them.
std::vector<Feature> readFixtures(std::vector<std::string> only = {}) {
  auto config = loadConfig(kFixtures / "layers.json", {});
  EXPECT_TRUE(config) << config.error();
  std::vector<Feature> features;
  if (!config) return features;
  for (size_t i = 0; i < config->sources.size(); ++i) {
    const SourceSpec& spec = config->sources[i];
    if (!only.empty() && std::find(only.begin(), only.end(), fs::path(spec.path).filename().string()) == only.end())
      continue;
    auto stats = readSource(spec, uint16_t(i), {}, features);
    EXPECT_TRUE(stats) << stats.error();
  }
  return features;
}

route::RouteGraph load(const route::RouteGraphData& data) {
  auto g = route::RouteGraph::load(route::encodeRouteGraph(data));
  EXPECT_TRUE(g) << g.error();
  return std::move(g).value();
}

// The node at a position (1e-7 degrees), or -1.
int nodeAt(const route::RouteGraph& g, geo::LngLat p) {
  for (uint32_t n = 0; n < g.nodeCount(); ++n)
    if (std::abs(g.node(n).lng - p.lng) < 1e-8 && std::abs(g.node(n).lat - p.lat) < 1e-8) return int(n);
  return -1;
}

std::vector<uint64_t> roadIdsAt(const route::RouteGraph& g, int node) {
  std::vector<uint64_t> ids;
  for (const auto& l : g.links(uint32_t(node))) ids.push_back(g.roadId(g.edge(l.edge).road));
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(RoutingGraph, WaysCrossingAtASharedNodeAreSplitThere) {
  RoutingStats stats;
  const auto data = buildRoutingGraph(readFixtures({"network.osm"}), {}, stats);
  EXPECT_EQ(stats.roads, 4u);                 // 101, 102, 103, 106
  EXPECT_EQ(stats.skipped, 2u);               // the motorway 104 and the private service road 105
  EXPECT_EQ(stats.nodes, 7u);                 // OSM nodes 1, 2, 3, 4, 5, 6, 9
  EXPECT_EQ(stats.edges, 6u);                 // 101 and 102 split at node 2
  EXPECT_EQ(stats.joined + stats.loose, 0u);  // OSM ends are never joined
  const route::RouteGraph g = load(data);
  // Node 2: both halves of Bạch Đằng and of Trần Phú.
  const int crossing = nodeAt(g, {108.2240, 16.0680});
  ASSERT_GE(crossing, 0);
  EXPECT_EQ(roadIdsAt(g, crossing),
            (std::vector<uint64_t>{osmId(101, 1), osmId(101, 1), osmId(102, 1), osmId(102, 1)}));
  // Node 3: Bạch Đằng's end and the footway.
  EXPECT_EQ(roadIdsAt(g, nodeAt(g, {108.2250, 16.0680})), (std::vector<uint64_t>{osmId(101, 1), osmId(103, 1)}));
  // Node 1: Bạch Đằng and the private road that allows walking; not the construction site.
  EXPECT_EQ(roadIdsAt(g, nodeAt(g, {108.2230, 16.0680})), (std::vector<uint64_t>{osmId(101, 1), osmId(106, 1)}));
  // Node 5 ends Trần Phú; the private service road beyond it is not in the graph.
  EXPECT_EQ(roadIdsAt(g, nodeAt(g, {108.2240, 16.0690})), (std::vector<uint64_t>{osmId(102, 1)}));
  EXPECT_EQ(nodeAt(g, {108.2240, 16.0700}), -1);
  EXPECT_EQ(nodeAt(g, {108.2280, 16.0680}), -1);
  // Each half of Bạch Đằng is 0.001° of longitude at 16.068° N.
  for (uint32_t e = 0; e < g.edgeCount(); ++e) {
    const auto pts = g.edgePoints(e);
    EXPECT_NEAR(g.edge(e).lengthM, route::distanceMetres(pts.front(), pts.back()), 0.01);  // straight pieces
    if (g.roadId(g.edge(e).road) == osmId(101, 1)) {
      EXPECT_NEAR(g.edge(e).lengthM, 106.9, 0.2);
      EXPECT_EQ(g.roadName(g.edge(e).road), "Bạch Đằng");
      EXPECT_EQ(g.roadKind(g.edge(e).road), uint8_t(tile::RoadKind::Residential));
    }
  }
  // Routing across the crossing: from the west end of Bạch Đằng to the north end of Trần Phú.
  const route::Route r = route::route(g, {108.2230, 16.0680}, {108.2240, 16.0690});
  EXPECT_FALSE(r.straightLine);
  EXPECT_EQ(r.roadIds, (std::vector<uint64_t>{osmId(101, 1), osmId(102, 1)}));
  EXPECT_NEAR(r.metres, 106.9 + 111.2, 0.5);
}

TEST(RoutingGraph, SegmentEndsJoinTheNearestEdge) {
  RoutingStats stats;
  const auto data = buildRoutingGraph(readFixtures(), {}, stats);
  EXPECT_EQ(stats.roads, 7u);
  // Segment 1's north end is 8 m from Bạch Đằng: joined. Its south end, both ends of the far
  // segment 2 and segment 3's south end have no line within 20 m. Segment 3's north end is
  // Bạch Đằng's node 3 already.
  EXPECT_EQ(stats.joined, 1u);
  EXPECT_EQ(stats.loose, 4u);
  EXPECT_EQ(stats.nodes, 12u);
  EXPECT_EQ(stats.edges, 10u);
  EXPECT_EQ(stats.shelters, 3u);
  const route::RouteGraph g = load(data);
  // Bạch Đằng is split where segment 1 now meets it.
  const int joint = nodeAt(g, {108.2245, 16.0680});
  ASSERT_GE(joint, 0);
  const uint64_t segment1 = hashedId("segments.geojson", "1");
  EXPECT_EQ(roadIdsAt(g, joint), (std::vector<uint64_t>{osmId(101, 1), osmId(101, 1), segment1}));
  // The segment's edge runs from the joint through its old end (kept as a shape point).
  for (const auto& l : g.links(uint32_t(joint))) {
    if (g.roadId(g.edge(l.edge).road) != segment1) continue;
    const auto pts = g.edgePoints(l.edge);
    ASSERT_EQ(pts.size(), 3u);
    EXPECT_NEAR(pts[1].lat, 16.0679281, 1e-9);
    EXPECT_NEAR(g.edge(l.edge).lengthM, 8.0 + route::distanceMetres({108.2245, 16.0679281}, {108.2245, 16.0670}), 0.01);
    EXPECT_EQ(g.roadName(g.edge(l.edge).road), "Đường Lê Lợi");
  }
  // Segment 3 shares Bạch Đằng's node 3 (same coordinate).
  const uint64_t segment3 = hashedId("segments.geojson", "3");
  EXPECT_EQ(roadIdsAt(g, nodeAt(g, {108.2250, 16.0680})),
            (std::vector<uint64_t>{osmId(101, 1), osmId(103, 1), segment3}));
  // A walk from Trần Phú's south end down segment 1 stays on the graph.
  route::Route r = route::route(g, {108.2240, 16.0670}, {108.2245, 16.0671});
  EXPECT_FALSE(r.straightLine);
  EXPECT_NE(std::find(r.roadIds.begin(), r.roadIds.end(), segment1), r.roadIds.end());
  // The far segment is a component of its own: reaching it needs a straight leg.
  r = route::route(g, {108.2240, 16.0670}, {108.2355, 16.0680});
  EXPECT_TRUE(r.straightLine);
  // The unnamed one has no name; shelters carry capacity and name.
  ASSERT_EQ(g.shelters().size(), 3u);
  std::vector<int32_t> capacities;
  for (const route::Shelter& s : g.shelters()) {
    capacities.push_back(s.capacity);
    EXPECT_EQ(s.id & 3, 3u);  // a configured (hashed) id
    EXPECT_FALSE(s.name.empty());
  }
  std::sort(capacities.begin(), capacities.end());
  EXPECT_EQ(capacities, (std::vector<int32_t>{0, 80, 500}));
}

TEST(RoutingGraph, ClosingTheJoinedStreetBlocksTheJoint) {
  RoutingStats stats;
  const route::RouteGraph g = load(buildRoutingGraph(readFixtures(), {}, stats));
  route::Avoid closed;
  closed.roadIds = {osmId(101, 1)};
  const route::BlockedEdges blocked = route::blockEdges(g, closed);
  EXPECT_EQ(blocked.count, 3u);  // all three pieces of Bạch Đằng
}

TEST(RoutingGraph, LinesThatAreNotWalkableOrTooShort) {
  std::vector<Feature> fs(4);
  const auto line = [](Feature& f, std::vector<geo::LngLat> pts) {
    f.layer = Layer::Roads;
    f.geom.type = GeomType::Line;
    Path p;
    for (const geo::LngLat& q : pts) p.push_back(geo::toWorld(q));
    f.geom.parts.push_back(p);
  };
  line(fs[0], {{108.22, 16.06}, {108.221, 16.06}});
  fs[0].kind = uint8_t(tile::RoadKind::Motorway);
  line(fs[1], {{108.22, 16.06}, {108.22, 16.061}});
  fs[1].noFoot = true;
  line(fs[2], {{108.22, 16.06}, {108.22000001, 16.06}});  // one point at 1e-7 degrees
  fs[2].kind = uint8_t(tile::RoadKind::Residential);
  line(fs[3], {{108.22, 16.06}, {108.221, 16.061}, {108.222, 16.06}, {108.221, 16.059}, {108.22, 16.06}});  // a loop
  fs[3].kind = uint8_t(tile::RoadKind::Footway);
  RoutingStats stats;
  const auto data = buildRoutingGraph(fs, {}, stats);
  EXPECT_EQ(stats.skipped, 2u);
  EXPECT_EQ(stats.roads, 1u);
  ASSERT_EQ(data.edges.size(), 1u);  // the loop, from its node back to it
  EXPECT_EQ(data.edges[0].from, data.edges[0].to);
  EXPECT_EQ(data.edges[0].shape.size(), 3u);
  const route::RouteGraph g = load(data);
  const route::Route r = route::route(g, {108.221, 16.0611}, {108.221, 16.0589});
  EXPECT_FALSE(r.straightLine);
  EXPECT_GT(r.metres, 200);
  // Nothing at all: an empty graph that loads.
  EXPECT_EQ(load(buildRoutingGraph({}, {}, stats)).edgeCount(), 0u);
}

TEST(RoutingFields, CapacityAndFootAccess) {
  EXPECT_EQ(parseCapacity("500"), 500);
  EXPECT_EQ(parseCapacity("500-600"), 500);
  EXPECT_EQ(parseCapacity("100 ~ 150"), 100);
  EXPECT_EQ(parseCapacity("khoảng 80 người"), 80);
  EXPECT_EQ(parseCapacity(""), 0);
  EXPECT_EQ(parseCapacity("nhiều"), 0);
  EXPECT_EQ(parseCapacity("99999999999999"), 0);
  const auto allowed = [](std::initializer_list<std::pair<const char*, const char*>> kv) {
    Tags t;
    for (const auto& [k, v] : kv) t.set(k, v);
    return footAllowed(t);
  };
  EXPECT_TRUE(allowed({{"highway", "footway"}}));
  EXPECT_TRUE(allowed({{"highway", "steps"}}));
  EXPECT_FALSE(allowed({{"access", "private"}}));
  EXPECT_FALSE(allowed({{"access", "no"}}));
  EXPECT_TRUE(allowed({{"access", "no"}, {"foot", "yes"}}));
  EXPECT_TRUE(allowed({{"access", "destination"}}));
  EXPECT_FALSE(allowed({{"foot", "no"}}));
  EXPECT_FALSE(allowed({{"foot", "use_sidepath"}}));
  EXPECT_FALSE(allowed({{"motorroad", "yes"}}));
}

// ---- the tool: the graph in the archive and in the folder --------------------------------------

class RoutingOutput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = std::make_unique<TempDir>("routing");
    const std::vector<std::string> config = {"--config", (kFixtures / "layers.json").string()};
    const auto run = [&](std::vector<std::string> args) {
      args.insert(args.end(), config.begin(), config.end());
      return runIngest(args);
    };
    archiveRun_ = run({"--out", (tmp_->path() / "t.pmtiles").string()});
    folderRun_ = run({"--out", (tmp_->path() / "folder").string()});
    plainRun_ = run({"--out", (tmp_->path() / "plain.pmtiles").string(), "--no-routing"});
  }
  static void TearDownTestSuite() { tmp_.reset(); }
  void SetUp() override {
    ASSERT_EQ(archiveRun_.exitCode, 0) << archiveRun_.output;
    ASSERT_EQ(folderRun_.exitCode, 0) << folderRun_.output;
    ASSERT_EQ(plainRun_.exitCode, 0) << plainRun_.output;
  }
  static inline std::unique_ptr<TempDir> tmp_;
  static inline RunResult archiveRun_, folderRun_, plainRun_;
};

TEST_F(RoutingOutput, ArchiveSectionAfterTheTilesNamedInTheMetadata) {
  const std::vector<uint8_t> file = readBytes(tmp_->path() / "t.pmtiles");
  auto h = pm::parseHeader(std::span(file).first(std::min(file.size(), pm::kInitialFetch)), file.size());
  ASSERT_TRUE(h) << h.error();
  const auto meta = std::span(file).subspan(h->metadataOffset, h->metadataLength);
  // The client's tileset parser finds the section.
  auto tileset = tile::parseTileset(std::string_view(reinterpret_cast<const char*>(meta.data()), meta.size()), false);
  ASSERT_TRUE(tileset) << tileset.error();
  ASSERT_TRUE(tileset->routing);
  EXPECT_EQ(tileset->routing->format, "CMG1");
  EXPECT_EQ(tileset->routing->offset, h->dataOffset + h->dataLength);           // right after the tiles
  EXPECT_EQ(tileset->routing->offset + tileset->routing->length, file.size());  // and ends the file
  // Every header section stays where the spec wants it; the first request holds the metadata.
  EXPECT_LE(h->metadataOffset + h->metadataLength, pm::kInitialFetch);
  EXPECT_EQ(h->leafOffset, h->metadataOffset + h->metadataLength);
  auto g = route::RouteGraph::load(std::span(file).subspan(tileset->routing->offset, tileset->routing->length));
  ASSERT_TRUE(g) << g.error();
  EXPECT_EQ(g->nodeCount(), 12u);
  EXPECT_EQ(g->edgeCount(), 10u);
  EXPECT_EQ(g->shelters().size(), 3u);
  // The summary names the counts and the size.
  EXPECT_NE(archiveRun_.output.find("routing graph: 12 nodes, 10 edges from 7 roads (2 left out"), std::string::npos)
      << archiveRun_.output;
  EXPECT_NE(archiveRun_.output.find("% of the archive)"), std::string::npos) << archiveRun_.output;
  EXPECT_NE(archiveRun_.output.find(", routing graph "), std::string::npos) << archiveRun_.output;
}

TEST_F(RoutingOutput, FolderHasRoutingCmgBesideTilesetJson) {
  const fs::path folder = tmp_->path() / "folder";
  const std::vector<uint8_t> bytes = readBytes(folder / "routing.cmg");
  ASSERT_TRUE(route::RouteGraph::load(bytes));
  const std::vector<uint8_t> file = readBytes(tmp_->path() / "t.pmtiles");
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), file.end() - std::ptrdiff_t(bytes.size())));  // the same graph
  std::ifstream in(folder / "tileset.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto tileset = tile::parseTileset(text);
  ASSERT_TRUE(tileset) << tileset.error();
  ASSERT_TRUE(tileset->routing);
  EXPECT_EQ(tileset->routing->path, "routing.cmg");
  EXPECT_EQ(tileset->routing->length, bytes.size());
}

TEST_F(RoutingOutput, ShelterIdsAreTheTilesIds) {
  const route::RouteGraph g = route::RouteGraph::load(readBytes(tmp_->path() / "folder" / "routing.cmg")).value();
  for (const route::Shelter& s : g.shelters()) {
    const geo::TileID t = tileOf(s.position, 15);
    const auto data = loadTile(tmp_->path() / "folder", t);
    ASSERT_TRUE(data) << t.path();
    const fb::Feature* f = findFeature(*data, "ioc", s.id);
    ASSERT_NE(f, nullptr) << s.name;
    EXPECT_EQ(f->kind(), uint8_t(tile::IocKind::StormShelter));
    EXPECT_EQ(f->name()->str(), s.name);
  }
}

TEST_F(RoutingOutput, NoRoutingWritesNoGraph) {
  const std::vector<uint8_t> file = readBytes(tmp_->path() / "plain.pmtiles");
  auto h = pm::parseHeader(std::span(file).first(std::min(file.size(), pm::kInitialFetch)), file.size());
  ASSERT_TRUE(h) << h.error();
  EXPECT_EQ(h->dataOffset + h->dataLength, file.size());
  const auto meta = std::span(file).subspan(h->metadataOffset, h->metadataLength);
  EXPECT_FALSE(nlohmann::json::parse(meta.begin(), meta.end()).contains("citymap_routing"));
  EXPECT_EQ(plainRun_.output.find("routing graph"), std::string::npos);
}

}  // namespace
}  // namespace citymap::ingest_test
