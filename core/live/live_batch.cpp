#include "live/live_batch.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "geo/mercator.hpp"
#include "tess/line.hpp"
#include "tess/polygon.hpp"

namespace citymap::live {

uint32_t packColor(uint32_t rgb, float alpha) {
  const float a = std::clamp(alpha, 0.f, 1.f);
  const auto ch = [a](uint32_t v) { return uint32_t(std::lround(float(v & 0xff) * a)); };
  return ch(rgb >> 16) | ch(rgb >> 8) << 8 | ch(rgb) << 16 | uint32_t(std::lround(a * 255)) << 24;
}

uint32_t severityColor(feeds::Severity s) {
  switch (s) {
    case feeds::Severity::Info: return 0x3b82c4;
    case feeds::Severity::Minor: return 0xe0b000;
    case feeds::Severity::Moderate: return 0xf07d1a;
    case feeds::Severity::Severe: return 0xd62718;
    case feeds::Severity::Extreme: return 0x7a0b3a;
  }
  return 0x808080;
}

uint32_t sensorLevelColor(int level) {
  static constexpr uint32_t kLevels[] = {0x2f7fc1, 0xe8b10c, 0xf0711c, 0xd62718};
  return kLevels[std::clamp(level, 0, 3)];
}

uint32_t congestionColor(feeds::Congestion c) {
  switch (c) {
    case feeds::Congestion::Free: return 0x2fa84f;
    case feeds::Congestion::Light: return 0x9acd32;
    case feeds::Congestion::Moderate: return 0xf5a000;
    case feeds::Congestion::Heavy: return 0xe3361f;
    case feeds::Congestion::Standstill: return 0x8e1111;
    case feeds::Congestion::Closed: return 0x3d1010;
    case feeds::Congestion::Unknown: break;
  }
  return 0x9e9e9e;
}

uint32_t routeColor(std::string_view route) {
  static constexpr uint32_t kPalette[] = {0x1565c0, 0x00897b, 0x6a1b9a, 0xc62828, 0xef6c00, 0x2e7d32, 0x0277bd, 0xad1457};
  uint32_t h = 2166136261u;
  for (char c : route) h = (h ^ uint8_t(c)) * 16777619u;
  return kPalette[h % std::size(kPalette)];
}

float gaugeFraction(const feeds::SensorReading& r) {
  const float top = r.thresholds.empty() ? 0.f : r.thresholds.back();
  if (top <= 0) return r.value > 0 ? 0.5f : 0.f;
  return std::clamp(r.value / top, 0.f, 1.f);
}

void addFlat(LiveBatch& out, std::span<const tess::Vec2> points, std::span<const uint32_t> indices, uint32_t color) {
  const uint32_t base = uint32_t(out.vertices.size());
  for (const tess::Vec2& p : points) out.vertices.push_back({p.x, p.y, 0, 0, color, color, 0, 0, 0, 0});
  for (const uint32_t i : indices) out.indices.push_back(base + i);
}

void addStroke(LiveBatch& out, std::span<const tess::Vec2> line, float widthDevice, tess::LineCap cap, uint32_t color) {
  tess::LineMesh lm;
  tess::extrudeLine(line, {tess::LineJoin::Round, cap}, lm);
  const float hw = widthDevice / 2;
  std::vector<tess::Vec2> pts;
  pts.reserve(lm.vertices.size());
  for (const auto& v : lm.vertices) pts.push_back({v.x + v.ex * hw, v.y + v.ey * hw});
  addFlat(out, pts, lm.indices, color);
}

void addMarker(LiveBatch& out, tess::Vec2 c, float r, Shape shape, uint32_t fill, uint32_t stroke, float strokeDevice,
               float gauge, float bearingDeg) {
  const float ext = (r + 1.5f) / r;  // room for the antialiased edge
  const float a = bearingDeg * float(M_PI / 180), ca = std::cos(a), sa = std::sin(a);
  const uint32_t base = uint32_t(out.vertices.size());
  static constexpr float kCorners[4][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
  for (const auto& k : kCorners) {
    const float u = k[0] * ext, v = k[1] * ext;
    // Screen y grows down, so a clockwise bearing rotates (u, v) the screen's way round.
    const float dx = (u * ca - v * sa) * r, dy = (u * sa + v * ca) * r;
    out.vertices.push_back({c.x + dx, c.y + dy, u, v, fill, stroke, r, strokeDevice, float(shape), gauge});
  }
  for (uint32_t i : {0u, 1u, 2u, 0u, 2u, 3u}) out.indices.push_back(base + i);
}

namespace {

constexpr uint32_t kWhite = 0xffffff;

struct Builder {
  const geo::Camera& cam;
  LiveBatch& out;
  double dpr = cam.pixelRatio();
  double margin = 40 * dpr;

  // Device pixels of a point; nullopt when well off screen.
  std::optional<tess::Vec2> project(feeds::LngLat p) const {
    const geo::ScreenPoint s = cam.worldToScreen(geo::toWorld({p.lng, p.lat}));
    const double x = s.x * dpr, y = s.y * dpr;
    if (x < -margin || y < -margin || x > cam.width() * dpr + margin || y > cam.height() * dpr + margin)
      return std::nullopt;
    return tess::Vec2{float(x), float(y)};
  }

  // A marker: `radiusCss` CSS pixels, rotated by `bearingDeg` (0 = up, clockwise).
  void marker(tess::Vec2 c, float radiusCss, Shape shape, uint32_t fill, uint32_t stroke, float strokeCss,
              float gauge = 0, float bearingDeg = 0) {
    addMarker(out, c, float(radiusCss * dpr), shape, fill, stroke, float(strokeCss * dpr), gauge, bearingDeg);
  }

  // A filled polygon with an outline, in screen space.
  void area(const std::vector<feeds::LngLat>& ring, uint32_t fill, uint32_t stroke, float strokeCss) {
    std::vector<std::vector<tess::Vec2>> rings(1);
    double minx = 1e300, miny = 1e300, maxx = -1e300, maxy = -1e300;
    for (const auto& p : ring) {
      const geo::ScreenPoint s = cam.worldToScreen(geo::toWorld({p.lng, p.lat}));
      rings[0].push_back({float(s.x * dpr), float(s.y * dpr)});
      minx = std::min(minx, s.x * dpr), maxx = std::max(maxx, s.x * dpr);
      miny = std::min(miny, s.y * dpr), maxy = std::max(maxy, s.y * dpr);
    }
    if (rings[0].size() < 3 || maxx < 0 || maxy < 0 || minx > cam.width() * dpr || miny > cam.height() * dpr) return;
    // Huge areas at high zoom: float screen coordinates stay fine up to ~1e7 px.
    if (maxx - minx > 1e7 || maxy - miny > 1e7) return;
    tess::FillMesh fm;
    tess::tessellatePolygon(std::span<const std::vector<tess::Vec2>>(rings), fm);
    addFlat(out, fm.vertices, fm.indices, fill);
    auto closed = rings[0];
    closed.push_back(closed.front());
    addStroke(out, closed, float(strokeCss * dpr), tess::LineCap::Butt, stroke);
  }
};

// Marker sizes grow a little with zoom.
float sizeAt(double zoom, float atZ12, float atZ17) {
  const double t = std::clamp((zoom - 12) / 5, 0.0, 1.0);
  return float(atZ12 + (atZ17 - atZ12) * t);
}

}  // namespace

std::optional<feeds::LngLat> entityPosition(const feeds::FeedStore& store, const scene::FeatureIndex& index,
                                            feeds::FeedKind kind, uint64_t id, int64_t nowMs) {
  const auto anchored = [&]() -> std::optional<feeds::LngLat> {
    const auto w = index.anchor(id);
    if (!w) return std::nullopt;
    const geo::LngLat ll = geo::fromWorld(*w);
    return feeds::LngLat{ll.lng, ll.lat};
  };
  switch (kind) {
    case feeds::FeedKind::Camera:
      if (const auto it = store.cameras().find(id); it != store.cameras().end()) return it->second.value.position;
      return std::nullopt;
    case feeds::FeedKind::Sensor:
      if (const auto it = store.sensors().find(id); it != store.sensors().end() && it->second.value.position)
        return it->second.value.position;
      return anchored();
    case feeds::FeedKind::Shelter: return anchored();
    case feeds::FeedKind::Bus:
      if (const auto pose = store.busPose(id, nowMs)) return pose->position;
      return std::nullopt;
    case feeds::FeedKind::Incident:
      if (const auto it = store.incidents().find(id); it != store.incidents().end()) {
        if (it->second.value.point) return it->second.value.point;
        if (!it->second.value.area.empty()) return it->second.value.area.front();
      }
      return std::nullopt;
    case feeds::FeedKind::Traffic: break;
  }
  return std::nullopt;
}

void buildLiveBatch(const feeds::FeedStore& store, const scene::FeatureIndex& index, const geo::Camera& camera,
                    int64_t nowMs, const LiveLayers& layers, LiveBatch& out) {
  out.clear();
  Builder b{camera, out};
  const double z = camera.zoom();
  using feeds::FeedKind;

  // Incident areas first, under every marker.
  const auto alerts = store.alerts(nowMs);
  if (layers.incidents)
    for (auto it = alerts.rbegin(); it != alerts.rend(); ++it) {
      const auto& in = (*it)->value;
      if (in.area.size() < 3) continue;
      const uint32_t c = severityColor(in.severity);
      // A storm covers the whole city: a faint wash, so the map stays readable under it.
      const float fill = in.kind == feeds::IncidentKind::Storm ? 0.06f : 0.16f;
      b.area(in.area, packColor(c, fill), packColor(c, 0.8f), 1.5f);
    }

  // Shelters: open ones at every zoom from 12 (green; red when full), closed ones only close up.
  if (layers.shelters && z >= 12) {
    const float r = sizeAt(z, 4.5f, 7.5f);
    for (const auto& [id, e] : store.shelters()) {
      const auto& s = e.value;
      if (!s.open && z < 15) continue;
      const float fade = store.fade(FeedKind::Shelter, e.meta.timestampMs, nowMs);
      const auto at = entityPosition(store, index, FeedKind::Shelter, id, nowMs);
      if (fade <= 0 || !at) continue;
      const auto p = b.project(*at);
      if (!p) continue;
      const bool full = s.capacity > 0 && s.occupancy >= s.capacity;
      const uint32_t c = !s.open ? 0x8a8a8a : full ? 0xd62718 : 0x1a9850;
      b.marker(*p, s.open ? r : r * 0.8f, Shape::Square, packColor(c, fade * (s.open ? 1 : 0.7f)),
               packColor(kWhite, fade), 1.5f);
    }
  }
  if (layers.cameras && z >= 13) {
    const float r = sizeAt(z, 4.f, 6.5f);
    for (const auto& [id, e] : store.cameras()) {
      (void)id;
      const auto p = b.project(e.value.position);
      const float fade = store.fade(FeedKind::Camera, e.meta.timestampMs, nowMs);
      if (!p || fade <= 0) continue;
      const bool online = e.value.status == feeds::CameraStatus::Online;
      const uint32_t c = !online ? 0x8a8a8a : e.value.kind == feeds::CameraKind::Traffic ? 0x3949ab : 0x7b1fa2;
      b.marker(*p, r, Shape::Square, packColor(c, fade), packColor(kWhite, fade), 1.5f);
    }
  }
  if (layers.sensors) {
    const float r = sizeAt(z, 6.f, 10.f);
    for (const auto& [id, e] : store.sensors()) {
      const auto at = entityPosition(store, index, FeedKind::Sensor, id, nowMs);
      if (!at) continue;
      const auto p = b.project(*at);
      const float fade = store.fade(FeedKind::Sensor, e.meta.timestampMs, nowMs);
      if (!p || fade <= 0) continue;
      const uint32_t c = sensorLevelColor(e.value.alertLevel());
      b.marker(*p, r, Shape::Gauge, packColor(c, fade), packColor(c, fade), 2.f, gaugeFraction(e.value));
    }
  }
  if (layers.buses && z >= 11) {
    const float r = sizeAt(z, 4.5f, 7.f);
    for (const auto& [id, e] : store.buses()) {
      const float fade = store.fade(FeedKind::Bus, e.meta.timestampMs, nowMs);
      const auto pose = store.busPose(id, nowMs);
      if (!pose || fade <= 0) continue;
      const auto p = b.project(pose->position);
      if (!p) continue;
      const uint32_t c = routeColor(e.value.route);
      // A heading arrow ahead of the disc, then the disc. The heading is a compass direction:
      // on a turned map (north no longer up) it turns with the map, so on screen it is the
      // heading less the camera's bearing (a bus heading the bearing's direction points up).
      const float heading = pose->bearingDeg - float(camera.bearing());
      const float a = heading * float(M_PI / 180);
      const float d = float((r + 3.5) * camera.pixelRatio());
      b.marker({p->x + std::sin(a) * d, p->y - std::cos(a) * d}, r * 0.6f, Shape::Triangle, packColor(c, fade),
               packColor(kWhite, fade), 1.f, 0, heading);
      b.marker(*p, r, Shape::Disc, packColor(c, fade), packColor(kWhite, fade), 2.f);
    }
  }
  if (layers.incidents) {
    const float r = sizeAt(z, 9.f, 12.f);
    for (auto it = alerts.rbegin(); it != alerts.rend(); ++it) {  // most severe drawn last, on top
      const auto& in = (*it)->value;
      std::optional<feeds::LngLat> at = in.point;
      if (!at && !in.area.empty()) at = in.area.front();
      if (!at) continue;
      const auto p = b.project(*at);
      if (!p) continue;
      b.marker(*p, r, Shape::Triangle, packColor(severityColor(in.severity), 1), packColor(kWhite, 1), 2.f);
    }
  }
}

std::optional<LivePick> pickLive(const feeds::FeedStore& store, const scene::FeatureIndex& index,
                                 const geo::Camera& camera, int64_t nowMs, const LiveLayers& layers, geo::ScreenPoint p) {
  std::optional<LivePick> best;
  double bestD = 12 * 12;  // CSS pixels, squared
  const auto consider = [&](feeds::FeedKind kind, uint64_t id, feeds::LngLat at) {
    const geo::ScreenPoint s = camera.worldToScreen(geo::toWorld({at.lng, at.lat}));
    const double d = (s.x - p.x) * (s.x - p.x) + (s.y - p.y) * (s.y - p.y);
    if (d <= bestD) {  // later kinds are drawn on top: ties go to them
      bestD = d;
      best = LivePick{kind, id};
    }
  };
  const double z = camera.zoom();
  if (layers.shelters && z >= 12)
    for (const auto& [id, e] : store.shelters())
      if (e.value.open || z >= 15)
        if (const auto at = entityPosition(store, index, feeds::FeedKind::Shelter, id, nowMs))
          consider(feeds::FeedKind::Shelter, id, *at);
  if (layers.cameras && z >= 13)
    for (const auto& [id, e] : store.cameras()) consider(feeds::FeedKind::Camera, id, e.value.position);
  if (layers.sensors)
    for (const auto& [id, e] : store.sensors())
      if (const auto at = entityPosition(store, index, feeds::FeedKind::Sensor, id, nowMs))
        consider(feeds::FeedKind::Sensor, id, *at);
  if (layers.buses && z >= 11)
    for (const auto& [id, e] : store.buses())
      if (const auto pose = store.busPose(id, nowMs)) consider(feeds::FeedKind::Bus, id, pose->position);
  if (layers.incidents)
    for (const auto* a : store.alerts(nowMs)) {
      std::optional<feeds::LngLat> at = a->value.point;
      if (!at && !a->value.area.empty()) at = a->value.area.front();
      if (at) consider(feeds::FeedKind::Incident, a->value.incidentId, *at);
    }
  return best;
}

}  // namespace citymap::live
