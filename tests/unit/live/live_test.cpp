// The live layers: feature slots and anchors, traffic colours per slot, markers in device
// pixels, picking.
#include <gtest/gtest.h>

#include <array>
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
  EXPECT_LT(alphaOf(trafficColor({1, 10, 50, feeds::Congestion::Free}, 0.5f)),
            alphaOf(trafficColor({1, 10, 50, feeds::Congestion::Free}, 1)));
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

// ---- storms ------------------------------------------------------------------------------------

// Signed distance from p to the convex hull of two circles (Inigo Quilez's uneven capsule).
double unevenCapsule(double px, double py, const std::array<double, 3>& a, const std::array<double, 3>& b) {
  px -= a[0], py -= a[1];
  const double bx = b[0] - a[0], by = b[1] - a[1], h = bx * bx + by * by;
  if (h <= 0) return std::hypot(px, py) - std::max(a[2], b[2]);
  double qx = std::abs((px * by - py * bx) / h), qy = (px * bx + py * by) / h;
  const double rb = a[2] - b[2];
  if (rb * rb >= h) return std::min(std::hypot(px, py) - a[2], std::hypot(px - bx, py - by) - b[2]);
  const double cx = std::sqrt(h - rb * rb), cy = rb;
  const double k = cx * qy - cy * qx, m = cx * qx + cy * qy, n = qx * qx + qy * qy;
  if (k < 0) return std::sqrt(h * n) - a[2];
  if (k > cx) return std::sqrt(h * (n + 1 - 2 * qy)) - b[2];
  return m - a[2];
}

bool insidePolygon(const std::vector<geo::WorldPoint>& poly, double x, double y) {
  bool in = false;
  for (size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++)
    if ((poly[i].y > y) != (poly[j].y > y) &&
        x < (poly[j].x - poly[i].x) * (y - poly[i].y) / (poly[j].y - poly[i].y) + poly[i].x)
      in = !in;
  return in;
}

// The cone's outline against the union it stands for, on a grid over its bounding box: every
// cell inside one is inside the other, except along the edges (arcs are polygons).
void expectConeIsTheUnionOfTheCircles(const feeds::StormReport& s) {
  const auto cone = stormConeOutline(s);
  ASSERT_GE(cone.size(), 3u);
  std::vector<std::array<double, 3>> circles;
  const auto circle = [&](feeds::LngLat p, double km) {
    const geo::WorldPoint w = geo::toWorld({p.lng, p.lat});
    circles.push_back({w.x, w.y, km * 1000 / (geo::kWorldSizeMetres * std::cos(p.lat * M_PI / 180))});
  };
  circle(s.position, 0);
  for (const auto& f : s.forecast) circle(f.position, f.radiusKm);
  // A circle inside its neighbour is left out: the cone goes from the one before to the one after.
  for (size_t i = 0; i + 1 < circles.size();) {
    const auto &a = circles[i], &b = circles[i + 1];
    if (std::hypot(b[0] - a[0], b[1] - a[1]) > std::abs(b[2] - a[2])) {
      ++i;
      continue;
    }
    circles.erase(circles.begin() + std::ptrdiff_t(a[2] < b[2] ? i : i + 1));
    i = 0;
  }
  double minx = 1e9, miny = 1e9, maxx = -1e9, maxy = -1e9;
  for (const auto& c : circles)
    minx = std::min(minx, c[0] - c[2]), maxx = std::max(maxx, c[0] + c[2]), miny = std::min(miny, c[1] - c[2]),
    maxy = std::max(maxy, c[1] + c[2]);
  for (const auto& p : cone) {  // the outline stays within the union's box
    EXPECT_GE(p.x, minx - 1e-12);
    EXPECT_LE(p.x, maxx + 1e-12);
  }
  const int n = 300;
  int inside = 0, wrong = 0, edge = 0;
  const double cell = std::max(maxx - minx, maxy - miny) / n;
  for (int i = 0; i <= n; ++i)
    for (int j = 0; j <= n; ++j) {
      const double x = minx + (maxx - minx) * i / n, y = miny + (maxy - miny) * j / n;
      double d = 1e9;
      for (size_t k = 0; k + 1 < circles.size(); ++k) d = std::min(d, unevenCapsule(x, y, circles[k], circles[k + 1]));
      if (std::abs(d) < 1.5 * cell) {
        ++edge;  // the arcs' chords are inside: a cell's width of slack
        continue;
      }
      const bool in = insidePolygon(cone, x, y);
      inside += in;
      if (in != (d < 0) && wrong++ < 5) {
        const geo::LngLat ll = geo::fromWorld({x, y});
        ADD_FAILURE() << "at " << ll.lng << ", " << ll.lat << ": "
                      << (in ? "in the cone, not in the union" : "in the union, not in the cone") << " (" << d / cell
                      << " cells)";
      }
    }
  EXPECT_EQ(wrong, 0) << "of " << inside << " cells inside, " << edge << " on the edge";
  EXPECT_GT(inside, 1000);
}

TEST(StormCone, IsTheUnionOfTheForecastCirclesJoinedByTangents) {
  expectConeIsTheUnionOfTheCircles(sampleStorm());
  // A storm that recurves (turning right, then sharply left), with a circle that swallows the
  // one before it (the cone then joins the circles around it).
  feeds::StormReport s = sampleStorm();
  s.position = {115, 12};
  s.forecast = {{kT0 + 1, {114, 13}, 0, {}, 40},
                {kT0 + 2, {113.5, 14.5}, 0, {}, 80},
                {kT0 + 3, {113.6, 14.6}, 0, {}, 200},
                {kT0 + 4, {115, 16.5}, 0, {}, 150},
                {kT0 + 5, {118, 17}, 0, {}, 260}};
  expectConeIsTheUnionOfTheCircles(s);
  // Equal radii: a straight band with round ends.
  s.forecast = {{kT0 + 1, {116, 12}, 0, {}, 50}, {kT0 + 2, {117, 12}, 0, {}, 50}};
  expectConeIsTheUnionOfTheCircles(s);
  s.forecast.clear();
  EXPECT_TRUE(stormConeOutline(s).empty());
}

TEST(StormTime, LocalTimeInVietnam) {
  EXPECT_EQ(formatLocalTime(kT0), "21:13 21/09");  // 2026-09-21 14:13:20 UTC
  EXPECT_EQ(formatLocalTime(kT0 + 6 * 3'600'000), "03:13 22/09");
  EXPECT_EQ(formatLocalTime(1'767'200'400'000), "00:00 01/01");  // 2026-01-01 00:00 +07
  EXPECT_EQ(formatLocalTime(1'772'297'999'000), "23:59 28/02");
}

// Where a point is drawn, by the Mercator formulas (512 px tiles), relative to the camera's centre.
tess::Vec2 expectedDevice(feeds::LngLat p, feeds::LngLat centre, double zoom, double w, double h, double dpr) {
  const double world = 512 * std::pow(2, zoom);
  const auto x = [&](double lng) { return (lng + 180) / 360 * world; };
  const auto y = [&](double lat) {
    const double phi = lat * M_PI / 180;
    return (1 - std::log(std::tan(phi) + 1 / std::cos(phi)) / M_PI) / 2 * world;
  };
  return {float((w / 2 + x(p.lng) - x(centre.lng)) * dpr), float((h / 2 + y(p.lat) - y(centre.lat)) * dpr)};
}

// Centres of the batch's marker quads of a shape.
std::vector<tess::Vec2> markersOf(const LiveBatch& batch, Shape shape) {
  std::vector<tess::Vec2> out;
  for (size_t q = 0; q + 3 < batch.vertices.size(); q += 1) {
    const auto& v = batch.vertices[q];
    if (v.shape != float(shape) || v.u >= 0 || v.v >= 0) continue;  // a quad starts at its (-1, -1) corner
    double x = 0, y = 0;
    for (size_t i = 0; i < 4; ++i) x += batch.vertices[q + i].x / 4, y += batch.vertices[q + i].y / 4;
    out.push_back({float(x), float(y)});
  }
  return out;
}

TEST(LiveBatch, AStormDrawsItsConeTracksPointsAndSymbolWhereTheyAre) {
  // A small storm near Da Nang so that its forecast fits a city view.
  feeds::StormReport s = sampleStorm();
  s.position = {108.30, 16.00};
  s.past = {{kT0 - 3 * 3'600'000, {108.33, 15.985}, 40, feeds::StormCategory::Typhoon, 0}};
  s.forecast = {{kT0 + 3 * 3'600'000, {108.27, 16.015}, 38, feeds::StormCategory::Typhoon, 3},
                {kT0 + 6 * 3'600'000, {108.24, 16.035}, 30, feeds::StormCategory::SevereTropicalStorm, 6}};
  s.strongWindRadiusKm = 0;
  auto store = storeWith({s});
  scene::FeatureIndex index;
  const double zoom = 12;
  const geo::Camera cam = cameraAt(s.position, zoom, 2);
  LiveBatch batch;
  std::vector<MapTag> tags;
  buildLiveBatch(store, index, cam, kNow, {}, batch, &tags, false);
  ASSERT_FALSE(batch.empty());
  // The cone first: faint flat triangles.
  EXPECT_EQ(batch.vertices.front().shape, float(Shape::Flat));
  EXPECT_EQ(batch.vertices.front().fill, packColor(0xd62718, 0.09f));
  // The centre's symbol on top, at the viewport's centre, in its class's colour.
  const auto symbols = markersOf(batch, Shape::Typhoon);
  ASSERT_EQ(symbols.size(), 1u);
  EXPECT_NEAR(symbols[0].x, 800, 0.01);
  EXPECT_NEAR(symbols[0].y, 600, 0.01);
  EXPECT_EQ(batch.vertices[batch.vertices.size() - 4].shape, float(Shape::Typhoon));
  EXPECT_EQ(batch.vertices.back().fill, packColor(stormColor(feeds::StormCategory::Typhoon), 1));
  // Observed and forecast positions as discs where Mercator puts them.
  const auto discs = markersOf(batch, Shape::Disc);
  ASSERT_EQ(discs.size(), 3u);
  const feeds::LngLat at[3] = {s.past[0].position, s.forecast[0].position, s.forecast[1].position};
  for (size_t i = 0; i < 3; ++i) {
    const tess::Vec2 e = expectedDevice(at[i], s.position, zoom, 800, 600, 2);
    EXPECT_NEAR(discs[i].x, e.x, 0.05) << i;
    EXPECT_NEAR(discs[i].y, e.y, 0.05) << i;
  }
  // Name and intensity beside the symbol, then each forecast time (local) beside its point.
  ASSERT_EQ(tags.size(), 4u);
  EXPECT_EQ(tags[0].text, "Bão số 9 (MÔ PHỎNG)");
  EXPECT_EQ(tags[0].role, MapTag::Role::Name);
  // The tracks come in from the east-southeast and leave west-northwest: the text goes above
  // (or below), not on them.
  EXPECT_EQ(tags[0].align, MapTag::Align::Centre);
  EXPECT_LT(tags[0].dy, -17);
  EXPECT_GT(tags[1].dy, tags[0].dy);
  EXPECT_EQ(tags[1].text, "cấp 14, giật cấp 17 · 21:13 21/09");
  EXPECT_EQ(tags[2].text, "00:13 22/09");
  EXPECT_NEAR(tags[2].x, expectedDevice(s.forecast[0].position, s.position, zoom, 800, 600, 1).x, 0.05);
  // Off the track: it runs west-northwest, so the time sits above the point.
  EXPECT_LT(tags[2].dy, -5);
  EXPECT_EQ(tags[2].align, MapTag::Align::Centre);
  EXPECT_EQ(tags[3].text, "03:13 22/09");
  EXPECT_EQ(tags[3].role, MapTag::Role::Time);
  buildLiveBatch(store, index, cam, kNow, {}, batch, &tags, true);
  EXPECT_EQ(tags[0].text, "Typhoon No. 9 (SIMULATED)");
  EXPECT_EQ(tags[1].text, "force 14, gusts 17 · 21:13 21/09");
  // The forecast track is dashed: several pieces between the centre and the last point.
  const auto pick = pickLive(store, index, cam, kNow, {}, {401, 300});
  ASSERT_TRUE(pick);
  EXPECT_EQ(pick->kind, feeds::FeedKind::Storm);
  EXPECT_EQ(pick->id, s.stormId);
  ASSERT_TRUE(entityPosition(store, index, feeds::FeedKind::Storm, s.stormId, kNow));
  // The storm layer hidden: nothing, no text.
  LiveLayers none;
  none.storms = false;
  buildLiveBatch(store, index, cam, kNow, none, batch, &tags);
  EXPECT_TRUE(batch.empty());
  EXPECT_TRUE(tags.empty());
  // Hidden by age (6 h without a bulletin): nothing either.
  buildLiveBatch(store, index, cam, kT0 + 7 * 3'600'000, {}, batch, &tags);
  EXPECT_TRUE(batch.empty());
}

TEST(LiveBatch, AStormOffScreenIsPointedAtFromTheEdge) {
  const feeds::StormReport s = sampleStorm();  // centre at 109.5 E, ~135 km east of Da Nang
  auto store = storeWith({s});
  scene::FeatureIndex index;
  const feeds::LngLat danang{108.22, 16.06};
  const geo::Camera cam = cameraAt(danang, 13, 1);
  LiveBatch batch;
  std::vector<MapTag> tags;
  buildLiveBatch(store, index, cam, kNow, {}, batch, &tags);
  const auto symbols = markersOf(batch, Shape::Typhoon);
  ASSERT_EQ(symbols.size(), 1u);
  // On the right edge (the storm is east, a little south), inside the view.
  EXPECT_GT(symbols[0].x, 700);
  EXPECT_LT(symbols[0].x, 800);
  EXPECT_GT(symbols[0].y, 300);
  EXPECT_LT(symbols[0].y, 600);
  ASSERT_FALSE(tags.empty());
  EXPECT_EQ(tags[0].text.rfind("Bão số 9 (MÔ PHỎNG) · ", 0), 0u) << tags[0].text;
  EXPECT_NE(tags[0].text.find(" km"), std::string::npos);
  EXPECT_EQ(tags[0].align, MapTag::Align::Right);
  // The cone crosses the city: its faint fill covers the view.
  EXPECT_EQ(batch.vertices.front().fill, packColor(0xd62718, 0.09f));
  // A panel over the right side: the pointer comes inwards along the same line, clear of it.
  const ScreenBox panel{470, 10, 800, 590};
  buildLiveBatch(store, index, cam, kNow, {}, batch, &tags, false, std::span(&panel, 1));
  const auto moved = markersOf(batch, Shape::Typhoon);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_LT(moved[0].x, 470 - 11);
  EXPECT_GT(moved[0].x, 400);
  EXPECT_NEAR((moved[0].y - 300) / (moved[0].x - 400), (symbols[0].y - 300) / (symbols[0].x - 400), 0.01);
  // A centre under the panel: drawn there, and pointed at from the free view.
  buildLiveBatch(store, index, cameraAt({109.47, 15.8}, 13, 1), kNow, {}, batch, &tags, false, std::span(&panel, 1));
  const auto both = markersOf(batch, Shape::Typhoon);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_GT(both[0].x, 470);  // the symbol, under the panel
  EXPECT_LT(both[1].x, 470);  // the pointer
  ASSERT_FALSE(tags.empty());
  EXPECT_NE(tags[0].text.find(" km"), std::string::npos);
}

TEST(StormView, FramesTheConeOrAsMuchAsTheZoomRangeShows) {
  const feeds::StormReport s = sampleStorm();
  geo::Camera cam;
  cam.setViewport(1280, 800, 1);
  cam.setZoomRange(3, 20);
  cam.jumpTo({108.2, 16.06}, 13);
  View v = stormView(s, cam);
  EXPECT_LT(v.zoom, 7);
  EXPECT_GT(v.zoom, 4);
  // The view holds the centre and every forecast circle.
  geo::Camera framed = cam;
  framed.jumpTo(v.center, v.zoom);
  const auto visible = [&](feeds::LngLat p) {
    const geo::ScreenPoint q = framed.worldToScreen(geo::toWorld({p.lng, p.lat}));
    return q.x >= 0 && q.y >= 0 && q.x <= 1280 && q.y <= 800;
  };
  EXPECT_TRUE(visible(s.position));
  for (const auto& f : s.forecast) EXPECT_TRUE(visible(f.position));
  // The city map's zoom range (11 and up): the centre and the forecast points that fit.
  cam.setZoomRange(11, 20);
  v = stormView(s, cam);
  EXPECT_EQ(v.zoom, 11);
  framed = cam;
  framed.jumpTo(v.center, v.zoom);
  EXPECT_TRUE(visible(s.position));
  // The centre off to the side it comes from, the way ahead (west-northwest) in view.
  const geo::ScreenPoint at = framed.worldToScreen(geo::toWorld({s.position.lng, s.position.lat}));
  EXPECT_GT(at.x, 640 + 150);
  EXPECT_LT(at.y, 400 + 100);
}

TEST(MapTags, LaidOutBesideTheirAnchorWithoutOverlapping) {
  labels::FontSet fonts;
  for (const float size : {13.f, 14.f}) {
    labels::Font f(size);
    for (uint32_t c = 32; c < 127; ++c) f.add(c, {size * 0.5f, 0, 0, size * 0.5f, size, 0, 0, 0, 0, c != ' '});
    fonts.fonts.push_back(std::move(f));
  }
  std::vector<MapTag> tags = {
      {"Storm", 100, 100, 10, 0, MapTag::Align::Left, MapTag::Role::Name, 1},
      {"12:00 05/12", 100, 100, 12, 1, MapTag::Align::Left, MapTag::Role::Time, 1},  // on the name
      {"18:00 05/12", 100, 200, -10, 0, MapTag::Align::Right, MapTag::Role::Time, 1}};
  std::vector<labels::PlacedLabel> placed;
  layoutTags(tags, fonts, placed);
  ASSERT_EQ(placed.size(), 2u);
  EXPECT_EQ(placed[0].text, "Storm");
  EXPECT_FLOAT_EQ(placed[0].width, 5 * 7.f);
  EXPECT_FLOAT_EQ(placed[0].x, 110 + 17.5f);  // its left end at the anchor + 10
  EXPECT_EQ(placed[0].labelClass, uint16_t(MapTag::Role::Name));
  EXPECT_EQ(placed[1].text, "18:00 05/12");
  EXPECT_FLOAT_EQ(placed[1].x, 90 - 11 * 6.5f / 2);  // its right end at the anchor - 10
  EXPECT_EQ(tagStyle().labels.size(), 3u);
  // Nothing under a panel.
  const ScreenBox panel{0, 150, 300, 250};
  layoutTags(tags, fonts, placed, std::span(&panel, 1));
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].text, "Storm");
}

}  // namespace
}  // namespace citymap::live
