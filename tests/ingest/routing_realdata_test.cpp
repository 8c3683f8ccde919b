// The walking graph of the real Da Nang data (CITYMAP_DATA_DIR, never committed): built by
// citymap-ingest with tools/ingest/danang.layers.json into an archive, read back from the
// archive's routing section, then
//  * the 413 shelters with the tiles' ids;
//  * nearestShelters from several points against a brute-force reference: Dijkstra from the
//    start over the whole graph to every shelter (all open), sorted; the top 3 must match;
//  * a route that avoids a road closed by a test incident (by id, and by an incident area),
//    and comes back when the closure is lifted.
// Exits 77 (skipped) when the data is absent.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "../support/test_route_graph.hpp"
#include "platform/zlib/gzip.hpp"
#include "route/shelters.hpp"
#include "test_support.hpp"
#include "tile/pmtiles.hpp"
#include "tile/tileset.hpp"

namespace citymap::ingest_test {
namespace {

namespace pm = tile::pmtiles;
using route::RouteGraph;

fs::path dataDir() {
  if (const char* env = std::getenv("CITYMAP_DATA_DIR")) return env;
  return CITYMAP_DATA_DIR;
}
const fs::path kConfig = fs::path(CITYMAP_SOURCE_DIR) / "tools/ingest/danang.layers.json";

constexpr geo::LngLat kBachDang{108.2240, 16.0680};  // a hotel on Bạch Đằng, by the Hàn river
const std::pair<const char*, geo::LngLat> kStarts[] = {
    {"Bạch Đằng", kBachDang},
    {"Hải Châu market", {108.2215, 16.0685}},
    {"Trần Phú / Lê Duẩn", {108.2205, 16.0715}},
    {"Nguyễn Văn Linh", {108.2130, 16.0580}},
    {"Sơn Trà (east bank)", {108.2350, 16.0700}},
    {"Thanh Khê (west)", {108.1900, 16.0650}},
};

class DaNangRouting : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = std::make_unique<TempDir>("danang-routing");
    const fs::path archive = tmp_->path() / "danang.pmtiles";
    run_ = runIngest({"--out", archive.string(), "--config", kConfig.string(), "--data-dir", dataDir().string()});
    if (run_.exitCode != 0) return;
    for (const std::string_view line : {std::string_view("routing graph"), std::string_view("archive: ")}) {
      for (size_t at = run_.output.find(line); at != std::string::npos; at = run_.output.find(line, at + 1))
        std::printf("%s\n", run_.output.substr(at, run_.output.find('\n', at) - at).c_str());
    }
    file_ = readBytes(archive);
    auto h = pm::parseHeader(std::span(file_).first(std::min(file_.size(), pm::kInitialFetch)), file_.size());
    if (!h) {
      error_ = h.error();
      return;
    }
    header_ = h.value();
    const auto meta = std::span(file_).subspan(header_.metadataOffset, header_.metadataLength);
    auto tileset = tile::parseTileset(std::string_view(reinterpret_cast<const char*>(meta.data()), meta.size()), false);
    if (!tileset || !tileset->routing) {
      error_ = "no citymap_routing in the metadata";
      return;
    }
    section_ = *tileset->routing;
    if (section_.offset + section_.length > file_.size()) {
      error_ = "the routing section runs past the file";
      return;
    }
    const auto start = std::chrono::steady_clock::now();
    auto g = RouteGraph::load(std::span(file_).subspan(section_.offset, section_.length));
    loadMs_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!g) {
      error_ = g.error();
      return;
    }
    graph_ = std::make_unique<RouteGraph>(std::move(g).value());
  }
  static void TearDownTestSuite() {
    graph_.reset();
    tmp_.reset();
  }
  void SetUp() override {
    ASSERT_EQ(run_.exitCode, 0) << run_.output;
    ASSERT_TRUE(graph_) << error_;
  }
  const RouteGraph& graph() const { return *graph_; }

  // A tile's bytes from the archive (empty if it has none).
  static std::vector<uint8_t> tileBytes(const geo::TileID& id) {
    const uint64_t tid = pm::tileId(id);
    auto dir = pm::parseDirectory(std::span(file_).subspan(header_.rootOffset, header_.rootLength));
    for (int depth = 0; dir && depth < pm::kMaxDirectoryDepth; ++depth) {
      const pm::Entry* e = pm::find(*dir, tid);
      if (!e) return {};
      if (e->runLength > 0) {
        auto r = pm::tileRange(header_, *e);
        if (!r) return {};
        std::vector<uint8_t> stored(file_.begin() + std::ptrdiff_t(r->offset),
                                    file_.begin() + std::ptrdiff_t(r->offset + r->length));
        if (header_.tileCompression != pm::kCompressionGzip) return stored;
        auto inflated = zlib::gunzip(stored);
        return inflated ? std::move(inflated).value() : std::vector<uint8_t>{};
      }
      auto l = pm::leafRange(header_, *e);
      if (!l) return {};
      dir = pm::parseDirectory(std::span(file_).subspan(l->offset, l->length));
    }
    return {};
  }

  static inline std::unique_ptr<TempDir> tmp_;
  static inline RunResult run_;
  static inline std::vector<uint8_t> file_;
  static inline pm::Header header_;
  static inline tile::TilesetSection section_;
  static inline std::unique_ptr<RouteGraph> graph_;
  static inline std::string error_;
  static inline double loadMs_ = 0;
};

// ---- the brute-force reference ------------------------------------------------------------------

struct Reference {
  double metres = 0;
  uint64_t id = 0;
  bool onRoads = false;  // reached along the graph (no straight leg)
};

std::vector<std::pair<uint32_t, double>> sourcesOf(const RouteGraph& g, const route::Snap& s) {
  const auto& e = g.edge(s.edge);
  return {{e.from, s.offsetM}, {e.to, std::max(0.0, double(e.lengthM) - s.offsetM)}};
}

// Where no road path exists: leave the graph at the node minimising road metres +
// kStraightPenalty x the straight line to `goal` (or at the snap point itself); returns
// {cost, metres from the start point}.
std::pair<double, double> bestExit(const RouteGraph& g, const route::Snap& s, const std::vector<double>& dist,
                                   geo::LngLat start, geo::LngLat goal) {
  double cost = route::kStraightPenalty * route::distanceMetres(s.point, goal);
  double metres = route::distanceMetres(start, goal);  // straight across
  for (uint32_t n = 0; n < g.nodeCount(); ++n) {
    if (std::isinf(dist[n])) continue;
    const double c = dist[n] + route::kStraightPenalty * route::distanceMetres(g.node(n), goal);
    if (c < cost) {
      cost = c;
      metres = s.distanceM + dist[n] + route::distanceMetres(g.node(n), goal);
    }
  }
  return {s.distanceM + cost, metres};
}

// Walking metres to every shelter: one Dijkstra from the start over the whole graph, each
// shelter reached through both ends of its nearest edge; where the graph does not connect the
// two, the documented straight-line fallback (route/router.hpp). Sorted by metres, then id.
std::vector<Reference> bruteForce(const RouteGraph& g, geo::LngLat from, const std::vector<uint8_t>& blocked = {}) {
  const auto s = g.snap(from, route::kMaxSnapMetres, blocked);
  std::vector<double> distS;
  if (s) distS = testing::dijkstra(g, sourcesOf(g, *s), blocked);
  std::vector<Reference> out;
  for (const route::Shelter& shelter : g.shelters()) {
    const geo::LngLat to = shelter.position;
    const auto t = g.snap(to, route::kMaxSnapMetres, blocked);
    const double direct = route::distanceMetres(from, to);
    Reference r{direct, shelter.id, false};
    if (s && t && direct <= s->distanceM + t->distanceM) {
      out.push_back(r);
      continue;
    }
    double road = std::numeric_limits<double>::infinity();
    if (s && t) {
      const auto& te = g.edge(t->edge);
      road = std::min(distS[te.from] + t->offsetM, distS[te.to] + std::max(0.0, double(te.lengthM) - t->offsetM));
      if (s->edge == t->edge) road = std::min(road, std::abs(s->offsetM - t->offsetM));
    }
    if (!std::isinf(road)) {
      r = {s->distanceM + road + t->distanceM, shelter.id, true};
    } else if (s || t) {
      std::pair<double, double> viaStart{std::numeric_limits<double>::infinity(), 0}, viaEnd = viaStart;
      if (s) viaStart = bestExit(g, *s, distS, from, to);
      if (t) viaEnd = bestExit(g, *t, testing::dijkstra(g, sourcesOf(g, *t), blocked), to, from);
      r.metres = viaStart.first <= viaEnd.first ? viaStart.second : viaEnd.second;
    }
    out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const Reference& a, const Reference& b) {
    return a.metres != b.metres ? a.metres < b.metres : a.id < b.id;
  });
  return out;
}

const route::ShelterStatusFn kAllOpen = [](uint64_t) { return route::ShelterState::Open; };

std::string describe(const route::Route& r) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.0f m, %.1f min%s", r.metres, r.seconds / 60,
                r.straightLine ? ", with a straight line" : "");
  return buf;
}

// ---- tests ---------------------------------------------------------------------------------

TEST_F(DaNangRouting, GraphSizeAndTheShelters) {
  const uint64_t archiveBytes = file_.size();
  std::printf(
      "Da Nang walking graph: %zu nodes, %zu edges, %zu roads, %zu shelters; %llu bytes (%.1f %% of the "
      "%llu-byte archive), loaded in %.1f ms\n",
      graph().nodeCount(), graph().edgeCount(), graph().roadCount(), graph().shelters().size(),
      (unsigned long long)section_.length, 100.0 * double(section_.length) / double(archiveBytes),
      (unsigned long long)archiveBytes, loadMs_);
  EXPECT_GT(graph().edgeCount(), 3000u);
  EXPECT_LT(section_.length, archiveBytes / 20);
  ASSERT_EQ(graph().shelters().size(), 413u);
  // Every shelter is the ioc layer's StormShelter feature with the same id (z12 holds them all).
  std::map<uint64_t, std::optional<tile::TileData>> tiles;
  size_t withCapacity = 0;
  for (const route::Shelter& s : graph().shelters()) {
    const geo::TileID t = tileOf(s.position, 12);
    auto& data = tiles[t.key()];
    if (!data) {
      auto decoded = tile::decodeTile(tileBytes(t), t);
      ASSERT_TRUE(decoded) << t.path() << ": " << decoded.error();
      data = std::move(decoded).value();
    }
    const fb::Feature* f = findFeature(*data, "ioc", s.id);
    ASSERT_NE(f, nullptr) << s.name << " (" << s.id << ") not in " << t.path();
    EXPECT_EQ(f->kind(), uint8_t(tile::IocKind::StormShelter));
    withCapacity += s.capacity > 0;
  }
  EXPECT_GT(withCapacity, 300u);
  // The Dragon Bridge's carriageway (OSM way 199383481) is walkable; its id is the live feeds'.
  EXPECT_FALSE(graph().roadsWithId(osmId(199383481, 1)).empty());
}

TEST_F(DaNangRouting, NearestSheltersMatchDijkstraToEveryShelter) {
  for (const auto& [name, from] : kStarts) {
    const auto start = std::chrono::steady_clock::now();
    const route::NearestShelters n = route::nearestShelters(graph(), from, kAllOpen, 3);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const std::vector<Reference> reference = bruteForce(graph(), from);
    ASSERT_EQ(n.nearest.size(), 3u) << name;
    size_t onRoads = 0;
    for (const Reference& r : reference) onRoads += r.onRoads;
    std::printf("%s (%.4f, %.4f): %zu of 413 shelters reached along roads; %zu routed in %.2f ms:\n", name, from.lng,
                from.lat, onRoads, n.routed, ms);
    for (size_t i = 0; i < 3; ++i) {
      const route::ShelterChoice& c = n.nearest[i];
      std::printf("  %zu. %s: %s (straight line %.0f m)\n", i + 1, c.shelter->name.c_str(), describe(c.route).c_str(),
                  c.straightMetres);
      EXPECT_EQ(c.shelter->id, reference[i].id) << name << " rank " << i + 1;
      EXPECT_NEAR(c.route.metres, reference[i].metres, 1e-6 * reference[i].metres + 1e-6) << name << " rank " << i + 1;
    }
    EXPECT_LT(n.routed, 413u) << name << ": the straight-line bound should spare most routes";
  }
  // From Bạch Đằng the nearest shelters are reached along the streets.
  const route::NearestShelters n = route::nearestShelters(graph(), kBachDang, kAllOpen, 3);
  EXPECT_FALSE(n.nearest[0].route.straightLine);
}

TEST_F(DaNangRouting, RouteAvoidsAClosedRoadAndReturnsWhenItReopens) {
  const route::NearestShelters nearest = route::nearestShelters(graph(), kBachDang, kAllOpen, 1);
  ASSERT_EQ(nearest.nearest.size(), 1u);
  const geo::LngLat to = nearest.nearest[0].shelter->position;
  const route::Route open = route::route(graph(), kBachDang, to);
  ASSERT_FALSE(open.straightLine);
  ASSERT_GE(open.roadIds.size(), 3u) << describe(open);
  // A test incident closes a road in the middle of the route (as its segment_ids would).
  const uint64_t closedId = open.roadIds[open.roadIds.size() / 2];
  route::Avoid incident;
  incident.roadIds = {closedId};
  const route::Route detour = route::route(graph(), kBachDang, to, incident);
  std::printf("Bạch Đằng -> %s: %s; road %llu closed: %s\n", nearest.nearest[0].shelter->name.c_str(),
              describe(open).c_str(), (unsigned long long)closedId, describe(detour).c_str());
  EXPECT_EQ(std::find(detour.roadIds.begin(), detour.roadIds.end(), closedId), detour.roadIds.end());
  EXPECT_GE(detour.metres, open.metres - 1e-6);
  EXPECT_NE(detour.roadIds, open.roadIds);
  // The detour is the shortest walk without that road: Dijkstra over the graph without it.
  const route::BlockedEdges blocked = route::blockEdges(graph(), incident);
  const auto reference = bruteForce(graph(), kBachDang, blocked.edges);
  const route::NearestShelters closed = route::nearestShelters(graph(), kBachDang, kAllOpen, 3, incident);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(closed.nearest[i].shelter->id, reference[i].id) << "rank " << i + 1;
    EXPECT_NEAR(closed.nearest[i].route.metres, reference[i].metres, 1e-6 * reference[i].metres + 1e-6);
  }
  // Lifted: the original route again.
  const route::Route reopened = route::route(graph(), kBachDang, to);
  EXPECT_EQ(reopened.roadIds, open.roadIds);
  EXPECT_DOUBLE_EQ(reopened.metres, open.metres);

  // A flood area (an incident polygon) over the middle of the road leg.
  const route::Leg* road = nullptr;
  for (const route::Leg& l : open.legs)
    if (l.onRoad()) road = &l;
  ASSERT_NE(road, nullptr);
  const geo::LngLat mid = road->points[road->points.size() / 2];
  const route::LocalFrame frame(mid);
  route::Avoid flood;
  flood.areas = {
      {frame.toLngLat({-25, -25}), frame.toLngLat({25, -25}), frame.toLngLat({25, 25}), frame.toLngLat({-25, 25})}};
  const route::Route wet = route::route(graph(), kBachDang, to, flood);
  std::printf("  with a 50 m flood square at (%.5f, %.5f): %s\n", mid.lng, mid.lat, describe(wet).c_str());
  for (const route::Leg& l : wet.legs) {
    if (!l.onRoad()) continue;
    for (const geo::LngLat& p : l.points) {
      const route::XY xy = frame.toXY(p);
      EXPECT_FALSE(std::abs(xy.x) < 24 && std::abs(xy.y) < 24) << "a route point inside the flood area";
    }
  }
  EXPECT_GE(wet.metres, open.metres - 1e-6);
  EXPECT_DOUBLE_EQ(route::route(graph(), kBachDang, to).metres, open.metres);
}

}  // namespace
}  // namespace citymap::ingest_test

int main(int argc, char** argv) {
  const auto dir = citymap::ingest_test::dataDir();
  for (const char* in :
       {"osm/osm_haichau_center_2026.osm", "traffic/oneway_segments.geojson", "ioc/storm_shelters.geojson"}) {
    if (!std::filesystem::exists(dir / in)) {
      std::printf("SKIPPED: Da Nang data not found at %s\n", dir.c_str());
      return 77;
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
