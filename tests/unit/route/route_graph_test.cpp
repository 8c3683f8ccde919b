// RouteGraph::load: the graph read back, adjacency, road and shelter lookup, snapping, and every
// kind of broken input rejected with a message that names what is wrong (never a crash).
#include "route/route_graph.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "../../support/test_route_graph.hpp"
#include "citymap/route_graph_generated.h"
#include "tile/tileset.hpp"

namespace citymap::route {
namespace {

using testing::TestRouteGraph;

constexpr geo::LngLat kOrigin{108.2240, 16.0680};

// A plus sign: centre node 0, arms 100 m east, north, west, south; the east arm bends.
TestRouteGraph plus() {
  TestRouteGraph t;
  const uint32_t c = t.nodeAt(kOrigin, 0, 0);
  const uint32_t e = t.nodeAt(kOrigin, 100, 0), n = t.nodeAt(kOrigin, 0, 100);
  const uint32_t w = t.nodeAt(kOrigin, -100, 0), s = t.nodeAt(kOrigin, 0, -100);
  t.edge(c, e, 101, {TestRouteGraph::offset(kOrigin, 50, 10)}, "Bạch Đằng");
  t.edge(c, n, 102, {}, "Trần Phú");
  t.edge(w, c, 101, {}, "Bạch Đằng");  // the same road id: one road
  t.edge(c, s, 103);
  t.shelter(9003, TestRouteGraph::offset(kOrigin, 30, 30), 500, "School");
  t.shelter(9001, TestRouteGraph::offset(kOrigin, -30, 30), 0, "Hall");
  return t;
}

TEST(RouteGraph, LoadsNodesEdgesRoadsAndShelters) {
  auto g = RouteGraph::load(plus().bytes());
  ASSERT_TRUE(g) << g.error();
  EXPECT_EQ(g->nodeCount(), 5u);
  EXPECT_EQ(g->edgeCount(), 4u);
  EXPECT_EQ(g->roadCount(), 3u);
  EXPECT_NEAR(g->node(0).lng, kOrigin.lng, 1e-7);
  EXPECT_NEAR(g->node(0).lat, kOrigin.lat, 1e-7);
  // The bent edge: its nodes and its shape point, lengths in metres.
  ASSERT_EQ(g->edgePoints(0).size(), 3u);
  EXPECT_NEAR(g->edge(0).lengthM, 2 * std::hypot(50, 10), 0.3);
  EXPECT_NEAR(g->edge(1).lengthM, 100, 0.2);
  // Adjacency: the centre has four edges, each arm one.
  EXPECT_EQ(g->links(0).size(), 4u);
  for (uint32_t n = 1; n < 5; ++n) {
    ASSERT_EQ(g->links(n).size(), 1u);
    EXPECT_EQ(g->links(n)[0].node, 0u);
  }
  EXPECT_EQ(g->roadName(g->edge(0).road), "Bạch Đằng");
  EXPECT_EQ(g->roadName(g->edge(3).road), "");
  EXPECT_EQ(g->roadsWithId(101).size(), 1u);
  EXPECT_EQ(g->roadsWithId(104).size(), 0u);
  // Shelters, sorted by id.
  ASSERT_EQ(g->shelters().size(), 2u);
  EXPECT_EQ(g->shelters()[0].id, 9001u);
  EXPECT_EQ(g->shelters()[0].name, "Hall");
  ASSERT_NE(g->findShelter(9003), nullptr);
  EXPECT_EQ(g->findShelter(9003)->capacity, 500);
  EXPECT_EQ(g->findShelter(9002), nullptr);
}

TEST(RouteGraph, SnapsToTheNearestUsableEdge) {
  auto g = RouteGraph::load(plus().bytes());
  ASSERT_TRUE(g) << g.error();
  // 20 m north of the middle of the west arm.
  auto s = g->snap(TestRouteGraph::offset(kOrigin, -40, 20), 250);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->edge, 2u);
  EXPECT_NEAR(s->distanceM, 20, 0.1);
  EXPECT_NEAR(s->offsetM, 60, 0.2);  // from the west end
  // ... but 15 m from the north arm, which is nearer.
  s = g->snap(TestRouteGraph::offset(kOrigin, -15, 60), 250);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->edge, 1u);
  EXPECT_NEAR(s->distanceM, 15, 0.1);
  EXPECT_NEAR(s->offsetM, 60, 0.2);
  // Blocked: the next nearest edge.
  std::vector<uint8_t> blocked = {0, 1, 0, 0};
  s = g->snap(TestRouteGraph::offset(kOrigin, -15, 60), 250, blocked);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->edge, 2u);
  // Too far: nothing; far outside the graph too.
  EXPECT_FALSE(g->snap(TestRouteGraph::offset(kOrigin, 400, 400), 250));
  EXPECT_FALSE(g->snap({0, 0}, 250));
  EXPECT_FALSE(g->snap({std::nan(""), 16}, 250));
  blocked = {1, 1, 1, 1};
  EXPECT_FALSE(g->snap(kOrigin, 250, blocked));
}

TEST(RouteGraph, EmptyGraphLoadsAndSnapsNowhere) {
  TestRouteGraph t;
  t.shelter(1, kOrigin);
  auto g = RouteGraph::load(t.bytes());
  ASSERT_TRUE(g) << g.error();
  EXPECT_EQ(g->edgeCount(), 0u);
  EXPECT_FALSE(g->snap(kOrigin, 250));
}

void expectRejected(const TestRouteGraph& t, const std::string& message) {
  auto g = RouteGraph::load(t.bytes());
  ASSERT_FALSE(g) << "expected: " << message;
  EXPECT_NE(g.error().find(message), std::string::npos) << g.error();
  EXPECT_EQ(g.error().rfind("routing graph: ", 0), 0u) << g.error();
}

TEST(RouteGraph, RejectsBrokenInvariantsByName) {
  {
    TestRouteGraph t = plus();
    t.data.edges[2].to = 9;
    expectRejected(t, "edge 2: node 9 out of range (5 nodes)");
  }
  {
    TestRouteGraph t = plus();
    t.data.edges[1].road = 7;
    expectRejected(t, "edge 1: road 7 out of range (3 roads)");
  }
  {
    TestRouteGraph t = plus();
    t.data.edges[3].lengthM = -1;
    expectRejected(t, "edge 3: length is not a finite number >= 0");
  }
  {
    TestRouteGraph t = plus();
    t.data.edges[3].lengthM = std::numeric_limits<float>::quiet_NaN();
    expectRejected(t, "edge 3: length");
  }
  {
    TestRouteGraph t = plus();
    t.data.nodes[4].lat = 900000001;
    expectRejected(t, "node 4: coordinates out of range");
  }
  {
    TestRouteGraph t = plus();
    t.data.edges[0].shape[0].lng = -1800000001;
    expectRejected(t, "edge 0: shape point 0: coordinates out of range");
  }
  {
    TestRouteGraph t = plus();
    t.data.shelters[1].capacity = -5;
    expectRejected(t, "shelter 1: capacity < 0");
  }
  {
    TestRouteGraph t = plus();
    t.data.formatVersion = 2;
    expectRejected(t, "unsupported format version 2");
  }
}

TEST(RouteGraph, RejectsArraysThatDoNotAddUp) {
  // Written by hand: arrays of different lengths, shape ends out of order.
  const auto build = [](auto&& edit) {
    flatbuffers::FlatBufferBuilder b;
    std::vector<int32_t> nodes = {1082240000, 160680000, 1082250000, 160680000};
    std::vector<uint32_t> edgeNodes = {0, 1}, edgeRoad = {0}, shapeEnd = {1}, roadNames = {0};
    std::vector<float> lengths = {107};
    std::vector<int32_t> shape = {1082245000, 160681000};
    std::vector<uint64_t> roadIds = {5};
    std::vector<uint8_t> kinds = {5};
    edit(nodes, edgeNodes, lengths, edgeRoad, shapeEnd, shape, roadIds, kinds, roadNames);
    const auto g = fb::CreateGraph(b, 1, b.CreateVector(nodes), b.CreateVector(edgeNodes), b.CreateVector(lengths),
                                   b.CreateVector(edgeRoad), b.CreateVector(shapeEnd), b.CreateVector(shape),
                                   b.CreateVector(roadIds), b.CreateVector(kinds), b.CreateVector(roadNames),
                                   b.CreateVectorOfStrings(std::vector<std::string>{""}));
    fb::FinishSizePrefixedGraphBuffer(b, g);
    return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  };
  const auto error = [](const std::vector<uint8_t>& bytes) {
    auto g = RouteGraph::load(bytes);
    return g ? std::string("loaded") : g.error();
  };
  EXPECT_EQ(error(build([](auto&...) {})), "loaded");
  EXPECT_NE(error(build([](auto& nodes, auto&...) { nodes.pop_back(); })).find("node_coords has an odd number"),
            std::string::npos);
  EXPECT_NE(
      error(build([](auto&, auto&, auto& lengths, auto&...) { lengths.push_back(3); })).find("edge arrays differ"),
      std::string::npos);
  EXPECT_NE(error(build([](auto&, auto&, auto&, auto&, auto& shapeEnd, auto&...) {
              shapeEnd[0] = 2;
            })).find("edge 0: shape end 2 out of order or past the 1 shape points"),
            std::string::npos);
  EXPECT_NE(error(build([](auto&, auto&, auto&, auto&, auto& shapeEnd, auto&...) {
              shapeEnd[0] = 0;
            })).find("shape_coords holds points no edge uses"),
            std::string::npos);
  EXPECT_NE(error(build([](auto&, auto&, auto&, auto&, auto&, auto&, auto&, auto& kinds, auto&) {
              kinds.clear();
            })).find("road_ids, road_kinds and road_names differ"),
            std::string::npos);
  EXPECT_NE(error(build([](auto&, auto&, auto&, auto&, auto&, auto&, auto&, auto&, auto& names) {
              names[0] = 3;
            })).find("road 0: name 3 out of range"),
            std::string::npos);
}

TEST(RouteGraph, TruncatedOrFlippedBytesNeverCrash) {
  const std::vector<uint8_t> good = plus().bytes();
  ASSERT_TRUE(RouteGraph::load(good));
  for (size_t n = 0; n < good.size(); ++n) {
    auto g = RouteGraph::load(std::span(good).first(n));
    ASSERT_FALSE(g) << "loaded a graph truncated to " << n << " of " << good.size() << " bytes";
    EXPECT_EQ(g.error().rfind("routing graph: ", 0), 0u) << g.error();
  }
  // Every byte flipped three ways: loads or not, and what loads is usable.
  size_t loaded = 0;
  for (size_t i = 0; i < good.size(); ++i)
    for (const uint8_t mask : {0x01, 0x80, 0xff}) {
      std::vector<uint8_t> bad = good;
      bad[i] ^= mask;
      auto g = RouteGraph::load(bad);
      if (!g) {
        EXPECT_FALSE(g.error().empty());
        continue;
      }
      ++loaded;
      for (uint32_t e = 0; e < g->edgeCount(); ++e) EXPECT_GE(g->edgePoints(e).size(), 2u);
      (void)g->snap(kOrigin, 250);
    }
  EXPECT_GT(loaded, 0u);  // flips in coordinates and ids still make a valid graph
  EXPECT_FALSE(RouteGraph::load(std::vector<uint8_t>(good.size(), 0)));
  std::vector<uint8_t> padded = good;
  padded.push_back(0);
  EXPECT_NE(RouteGraph::load(padded).error().find("holds " + std::to_string(good.size() + 1) +
                                                  " bytes but says it has " + std::to_string(good.size())),
            std::string::npos)
      << RouteGraph::load(padded).error();
  std::vector<uint8_t> other = good;
  other[8 + 2] = 'T';  // CMG1 -> CMT1
  EXPECT_NE(RouteGraph::load(other).error().find("CMG1"), std::string::npos);
}

// Regression (fuzz_route_graph, UBSan "misaligned load" in load): a graph section starts
// wherever the archive put it, so load must not read 8-byte values in place from an address
// that is only 4- or 1-aligned. Under the sanitizer build this fails loudly without the fix.
TEST(RouteGraph, LoadsFromAnyAddressAlignment) {
  const std::vector<uint8_t> good = plus().bytes();
  std::vector<uint64_t> storage(good.size() / 8 + 2);
  for (const size_t shift : {1, 3, 4, 5}) {
    uint8_t* at = reinterpret_cast<uint8_t*>(storage.data()) + shift;
    std::memcpy(at, good.data(), good.size());
    auto g = RouteGraph::load({at, good.size()});
    ASSERT_TRUE(g) << "at +" << shift << ": " << g.error();
    EXPECT_EQ(g->roadCount(), 3u);
    EXPECT_EQ(g->shelters().size(), 2u);
    EXPECT_EQ(g->shelters()[0].id, 9001u);
  }
}

TEST(RouteGraph, TilesetNamesTheRoutingSection) {
  const std::string head = R"({"format":"citymap-tiles","format_version":1,"minzoom":12,"maxzoom":16,
    "bounds":[108.18,16.02,108.25,16.08],"tile_format":"citymap-fb-v1",)";
  auto t = tile::parseTileset(
      head + R"("citymap_routing": {"offset": 14029874            , "length": 5120, "format": "CMG1"}})", false);
  ASSERT_TRUE(t) << t.error();
  ASSERT_TRUE(t->routing);
  EXPECT_EQ(t->routing->offset, 14029874u);
  EXPECT_EQ(t->routing->length, 5120u);
  EXPECT_EQ(t->routing->format, "CMG1");
  t = tile::parseTileset(
      head +
      R"("tile_path":"{z}/{x}/{y}.cmt","citymap_routing": {"path": "routing.cmg", "length": 10, "format": "CMG1"}})");
  ASSERT_TRUE(t) << t.error();
  ASSERT_TRUE(t->routing);
  EXPECT_EQ(t->routing->path, "routing.cmg");
  // Broken entries are ignored, the tileset still loads.
  for (const char* bad :
       {R"("citymap_routing": 3})", R"("citymap_routing": {"offset": -1, "length": 5, "format": "CMG1"}})",
        R"("citymap_routing": {"offset": 1, "length": 0, "format": "CMG1"}})",
        R"("citymap_routing": {"offset": 1.5, "length": 5, "format": "CMG1"}})",
        R"("citymap_routing": {"offset": 1, "length": 5}})",
        R"("citymap_routing": {"path": "../x", "format": "CMG1"}})"}) {
    t = tile::parseTileset(head + bad, false);
    ASSERT_TRUE(t) << bad << ": " << t.error();
    EXPECT_FALSE(t->routing) << bad;
  }
}

}  // namespace
}  // namespace citymap::route
