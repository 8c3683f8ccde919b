// The live layers: feature slots and anchors, traffic colours per slot, markers in device
// pixels, picking.
#include <gtest/gtest.h>

#include <cmath>

#include "../feeds/feed_samples.hpp"
#include "geo/mercator.hpp"
#include "live/live_batch.hpp"
#include "live/traffic_state.hpp"
#include "scene/feature_index.hpp"

namespace citymap::live {
namespace {

using namespace feeds::testing;
constexpr int64_t kNow = kT0 + 1000;

feeds::FeedStore storeWith(std::initializer_list<feeds::FeedPayload> payloads) {
  feeds::FeedStore store;
  uint64_t seq = 1;
  for (const auto& p : payloads) EXPECT_EQ(store.apply(envelope(p, seq++), kNow), feeds::IngestStatus::Accepted);
  return store;
}

geo::Camera cameraAt(feeds::LngLat c, double zoom, double dpr = 2) {
  geo::Camera cam;
  cam.setViewport(800, 600, dpr);
  cam.jumpTo({c.lng, c.lat}, zoom);
  return cam;
}

uint8_t alphaOf(uint32_t rgba) { return uint8_t(rgba >> 24); }

TEST(FeatureIndex, HandsOutStableDenseSlotsAndKeepsAnchors) {
  scene::FeatureIndex index;
  EXPECT_EQ(index.slotFor(0), 0u);
  const uint32_t a = index.slotFor(1001), b = index.slotFor(2002);
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 2u);
  EXPECT_EQ(index.slotFor(1001), a);
  ASSERT_EQ(index.ids().size(), 3u);
  EXPECT_EQ(index.ids()[b], 2002u);
  EXPECT_FALSE(index.anchor(7));
  index.setAnchor(7, {0.25, 0.75});
  ASSERT_TRUE(index.anchor(7));
  EXPECT_DOUBLE_EQ(index.anchor(7)->x, 0.25);
}

TEST(LiveColors, PackPremultipliedAndMapCongestion) {
  EXPECT_EQ(packColor(0xff0000, 1), 0xff0000ffu);
  EXPECT_EQ(packColor(0xff8000, 0.5f), 0x80004080u);  // r 128, g 64, b 0, a 128 (bytes r,g,b,a)
  feeds::TrafficUpdate t{1, 10, 50, feeds::Congestion::Heavy};
  EXPECT_EQ(trafficColor(t, 1), packColor(congestionColor(feeds::Congestion::Heavy), 0.9f));
  // Unknown level: judged by speed against free flow.
  t.congestion = feeds::Congestion::Unknown;
  t.speedKmh = 48;
  EXPECT_EQ(trafficColor(t, 1), packColor(congestionColor(feeds::Congestion::Free), 0.9f));
  t.speedKmh = 3;
  EXPECT_EQ(trafficColor(t, 1), packColor(congestionColor(feeds::Congestion::Standstill), 0.9f));
  t.freeFlowKmh = 0;
  EXPECT_EQ(trafficColor(t, 1), 0u);  // nothing to go by
  EXPECT_LT(alphaOf(trafficColor({1, 10, 50, feeds::Congestion::Free}, 0.5f)), alphaOf(trafficColor({1, 10, 50, feeds::Congestion::Free}, 1)));
}

TEST(TrafficState, ColoursReportedRoadsAndClosuresOnly) {
  scene::FeatureIndex index;
  const uint64_t reported = (111ull << 2) | 1, silent = (222ull << 2) | 1, closed = 5;
  const uint32_t sr = index.slotFor(reported), ss = index.slotFor(silent), sc = index.slotFor(closed);
  auto store = storeWith({feeds::TrafficUpdate{reported, 12, 50, feeds::Congestion::Heavy}, sampleIncident()});
  std::vector<uint32_t> rgba;
  buildTrafficState(store, index, kNow, rgba);
  ASSERT_EQ(rgba.size(), index.size());
  EXPECT_EQ(rgba[0], 0u);
  EXPECT_EQ(rgba[sr], trafficColor({reported, 12, 50, feeds::Congestion::Heavy}, 1));
  EXPECT_EQ(rgba[ss], 0u);
  // sampleIncident() is a flood closing segments 5 and 9.
  EXPECT_EQ(rgba[sc], packColor(congestionColor(feeds::Congestion::Closed), 0.95f));

  // Reports fade with age and disappear when hidden (traffic: fresh 2 min, hidden at 10 min).
  buildTrafficState(store, index, kT0 + 6 * 60'000, rgba);
  EXPECT_GT(alphaOf(rgba[sr]), 0);
  EXPECT_LT(alphaOf(rgba[sr]), alphaOf(trafficColor({reported, 12, 50, feeds::Congestion::Heavy}, 1)));
  buildTrafficState(store, index, kT0 + 11 * 60'000, rgba);
  EXPECT_EQ(rgba[sr], 0u);
}

TEST(LiveBatch, PutsMarkersAtTheirScreenPositionInDevicePixels) {
  const feeds::SensorReading sensor = sampleSensor();
  auto store = storeWith({sensor});
  scene::FeatureIndex index;
  const geo::Camera cam = cameraAt(*sensor.position, 15, 2);
  LiveBatch batch;
  buildLiveBatch(store, index, cam, kNow, {}, batch);
  ASSERT_EQ(batch.vertices.size(), 4u);
  ASSERT_EQ(batch.indices.size(), 6u);
  double cx = 0, cy = 0;
  for (const auto& v : batch.vertices) {
    cx += v.x / 4;
    cy += v.y / 4;
    EXPECT_EQ(v.shape, float(Shape::Gauge));
  }
  EXPECT_NEAR(cx, 800, 1e-3);  // the viewport's centre: 400 x 300 CSS px at dpr 2
  EXPECT_NEAR(cy, 600, 1e-3);
  // 152.5 cm against thresholds 150/200/250: level 1, gauge at 0.61.
  EXPECT_NEAR(batch.vertices[0].gauge, 152.5 / 250, 1e-6);
  EXPECT_EQ(batch.vertices[0].fill, packColor(sensorLevelColor(1), 1));

  // Hidden layer: nothing.
  LiveLayers none;
  none.sensors = false;
  buildLiveBatch(store, index, cam, kNow, none, batch);
  EXPECT_TRUE(batch.empty());
  // Far off screen: nothing.
  buildLiveBatch(store, index, cameraAt({108.0, 15.8}, 15), kNow, {}, batch);
  EXPECT_TRUE(batch.empty());
}

TEST(LiveBatch, ShelterStatusIsDrawnAtTheMapFeatureItNames) {
  auto store = storeWith({sampleShelter(555)});
  scene::FeatureIndex index;
  LiveBatch batch;
  const feeds::LngLat at{108.2150, 16.0610};
  const geo::Camera cam = cameraAt(at, 15, 1);
  buildLiveBatch(store, index, cam, kNow, {}, batch);
  EXPECT_TRUE(batch.empty()) << "no position known yet";
  const geo::WorldPoint w = geo::toWorld({at.lng, at.lat});
  index.setAnchor(555, w);
  buildLiveBatch(store, index, cam, kNow, {}, batch);
  ASSERT_EQ(batch.vertices.size(), 4u);
  EXPECT_EQ(batch.vertices[0].shape, float(Shape::Square));
  EXPECT_EQ(batch.vertices[0].fill, packColor(0x1a9850, 1));  // open, not full
  const auto pick = pickLive(store, index, cam, kNow, {}, {402, 299});
  ASSERT_TRUE(pick);
  EXPECT_EQ(pick->kind, feeds::FeedKind::Shelter);
  EXPECT_EQ(pick->id, 555u);
  EXPECT_FALSE(pickLive(store, index, cam, kNow, {}, {450, 300}));
}

TEST(LiveBatch, IncidentsDrawTheirAreaUnderTheirMarker) {
  const feeds::Incident in = sampleIncident();
  auto store = storeWith({in});
  scene::FeatureIndex index;
  LiveBatch batch;
  buildLiveBatch(store, index, cameraAt(*in.point, 14, 1), kNow, {}, batch);
  ASSERT_GT(batch.vertices.size(), 4u);
  // Area triangles (flat) come first; the last quad is the warning triangle.
  EXPECT_EQ(batch.vertices.front().shape, float(Shape::Flat));
  EXPECT_EQ(batch.vertices.back().shape, float(Shape::Triangle));
  EXPECT_EQ(batch.vertices.back().fill, packColor(severityColor(feeds::Severity::Severe), 1));
  // Expired: gone.
  buildLiveBatch(store, index, cameraAt(*in.point, 14, 1), in.expiryMs + 1, {}, batch);
  EXPECT_TRUE(batch.empty());
}

TEST(LiveBatch, BusesMoveBetweenReportsAndPointTheWayTheyGo) {
  feeds::FeedStore store;
  const feeds::LngLat a{108.2200, 16.0600}, b{108.2210, 16.0600};  // ~107 m east
  ASSERT_EQ(store.apply(envelope(sampleBus(31, a), 1, kT0), kT0), feeds::IngestStatus::Accepted);
  ASSERT_EQ(store.apply(envelope(sampleBus(31, b), 2, kT0 + 20'000), kT0 + 20'000), feeds::IngestStatus::Accepted);
  scene::FeatureIndex index;
  const geo::Camera cam = cameraAt(b, 16, 1);
  LiveBatch batch;
  buildLiveBatch(store, index, cam, kT0 + 20'000, {}, batch);
  ASSERT_EQ(batch.vertices.size(), 8u);  // arrow + disc
  const auto centre = [&](size_t q) {
    double x = 0, y = 0;
    for (size_t i = 0; i < 4; ++i) x += batch.vertices[q * 4 + i].x / 4, y += batch.vertices[q * 4 + i].y / 4;
    return std::pair{x, y};
  };
  const auto [dx, dy] = centre(1);
  EXPECT_NEAR(dx, 400, 0.5);
  EXPECT_NEAR(dy, 300, 0.5);
  const auto [ax, ay] = centre(0);
  EXPECT_GT(ax, dx + 5);  // heading east: the arrow is to the right
  EXPECT_NEAR(ay, dy, 0.5);
}

}  // namespace
}  // namespace citymap::live
