#include "live/live_batch.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
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
    case feeds::Severity::Info:
      return 0x3b82c4;
    case feeds::Severity::Minor:
      return 0xe0b000;
    case feeds::Severity::Moderate:
      return 0xf07d1a;
    case feeds::Severity::Severe:
      return 0xd62718;
    case feeds::Severity::Extreme:
      return 0x7a0b3a;
  }
  return 0x808080;
}

uint32_t sensorLevelColor(int level) {
  static constexpr uint32_t kLevels[] = {0x2f7fc1, 0xe8b10c, 0xf0711c, 0xd62718};
  return kLevels[std::clamp(level, 0, 3)];
}

uint32_t congestionColor(feeds::Congestion c) {
  switch (c) {
    case feeds::Congestion::Free:
      return 0x2fa84f;
    case feeds::Congestion::Light:
      return 0x9acd32;
    case feeds::Congestion::Moderate:
      return 0xf5a000;
    case feeds::Congestion::Heavy:
      return 0xe3361f;
    case feeds::Congestion::Standstill:
      return 0x8e1111;
    case feeds::Congestion::Closed:
      return 0x3d1010;
    case feeds::Congestion::Unknown:
      break;
  }
  return 0x9e9e9e;
}

uint32_t routeColor(std::string_view route) {
  static constexpr uint32_t kPalette[] = {0x1565c0, 0x00897b, 0x6a1b9a, 0xc62828,
                                          0xef6c00, 0x2e7d32, 0x0277bd, 0xad1457};
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

// ---- tropical storms: colours, tags, times, the cone's outline, a framing view -----------------

uint32_t stormColor(feeds::StormCategory c) {
  switch (c) {
    case feeds::StormCategory::Low:
      return 0x6f7f8f;
    case feeds::StormCategory::TropicalDepression:
      return 0x1f78b4;
    case feeds::StormCategory::TropicalStorm:
      return 0xd99a00;
    case feeds::StormCategory::SevereTropicalStorm:
      return 0xf06a14;
    case feeds::StormCategory::Typhoon:
      return 0xd62718;
    case feeds::StormCategory::SuperTyphoon:
      return 0x7a0b3a;
  }
  return 0x808080;
}

const style::Style& tagStyle() {
  static const style::Style s = [] {
    style::Style st;
    const auto cls = [&](const char* id, float size, uint32_t rgb) {
      style::LabelClass c{};
      c.id = id;
      c.group = style::Group::Labels;
      c.size = size;
      c.color = style::Color::hex(rgb);
      c.halo = style::Color::hex(0xffffff, 0.92f);
      st.labels.push_back(std::move(c));
    };
    cls("tag-name", 14, 0x6e0b26);    // MapTag::Role::Name
    cls("tag-detail", 13, 0x2e1a1a);  // Detail
    cls("tag-time", 13, 0x1f1f1f);    // Time
    return st;
  }();
  return s;
}

void layoutTags(const std::vector<MapTag>& tags, const labels::FontSet& fonts, std::vector<labels::PlacedLabel>& out,
                std::span<const ScreenBox> avoid) {
  out.clear();
  const style::Style& st = tagStyle();
  std::vector<std::array<float, 4>> boxes;
  for (const ScreenBox& a : avoid) boxes.push_back({a.x0, a.y0, a.x1, a.y1});
  for (const MapTag& t : tags) {
    const size_t role = size_t(t.role);
    if (t.text.empty() || role >= st.labels.size() || t.opacity <= 0) continue;
    const style::LabelClass& cls = st.labels[role];
    const labels::Font* font = fonts.forSize(cls.size);
    if (!font) continue;
    const float w = labels::textWidth(*font, t.text, cls.size / font->size());
    float cx = t.x + t.dx;
    if (t.align == MapTag::Align::Left) cx += w / 2;
    if (t.align == MapTag::Align::Right) cx -= w / 2;
    const float cy = t.y + t.dy;
    const std::array<float, 4> box = {cx - w / 2 - 2, cy - cls.size / 2 - 1, cx + w / 2 + 2, cy + cls.size / 2 + 1};
    const bool overlaps = std::any_of(boxes.begin(), boxes.end(), [&](const std::array<float, 4>& o) {
      return box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3];
    });
    if (overlaps) continue;
    boxes.push_back(box);
    labels::PlacedLabel l;
    l.text = t.text;
    l.labelClass = uint16_t(role);
    l.x = cx;
    l.y = cy;
    l.width = w;
    l.opacity = t.opacity;
    out.push_back(l);
  }
}

std::string formatLocalTime(int64_t epochMs) {
  constexpr int64_t kDay = 86'400'000;
  const int64_t local = epochMs + 7 * 3'600'000;
  int64_t days = local / kDay, ms = local % kDay;
  if (ms < 0) ms += kDay, --days;
  // The civil date of a day number (H. Hinnant's days_from_civil, inverted).
  const int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d %02d/%02d", int(ms / 3'600'000), int(ms / 60'000 % 60), int(day),
                int(month));
  return buf;
}

namespace {

struct Circle {
  double x = 0, y = 0, r = 0;  // world units
};
struct Dir {
  double x = 0, y = 0;
};

double cross(Dir a, Dir b) { return a.x * b.y - a.y * b.x; }

// The radius of `km` on the ground at latitude `lat`, in world units (Mercator stretches it by
// 1 / cos(lat)).
double worldRadius(double km, double lat) { return km * 1000 / (geo::kWorldSizeMetres * std::cos(lat * M_PI / 180)); }

std::optional<geo::WorldPoint> segmentIntersection(geo::WorldPoint p1, geo::WorldPoint p2, geo::WorldPoint q1,
                                                   geo::WorldPoint q2) {
  const Dir r{p2.x - p1.x, p2.y - p1.y}, s{q2.x - q1.x, q2.y - q1.y}, pq{q1.x - p1.x, q1.y - p1.y};
  const double den = cross(r, s);
  if (std::abs(den) < 1e-30) return std::nullopt;
  const double t = cross(pq, s) / den, u = cross(pq, r) / den;
  if (t < 0 || t > 1 || u < 0 || u > 1) return std::nullopt;
  return geo::WorldPoint{p1.x + t * r.x, p1.y + t * r.y};
}

}  // namespace

std::vector<geo::WorldPoint> stormConeOutline(const feeds::StormReport& storm) {
  std::vector<geo::WorldPoint> out;
  if (storm.forecast.empty()) return out;
  std::vector<Circle> cs;
  const auto add = [&](feeds::LngLat p, double km) {
    const geo::WorldPoint w = geo::toWorld({p.lng, p.lat});
    cs.push_back({w.x, w.y, std::max(0.0, worldRadius(km, p.lat))});
  };
  add(storm.position, 0);
  for (const feeds::StormPoint& f : storm.forecast) add(f.position, f.radiusKm);
  // A circle inside its neighbour adds nothing (and has no outer tangents with it): drop it.
  for (bool dropped = true; dropped && cs.size() > 1;) {
    dropped = false;
    for (size_t i = 0; i + 1 < cs.size(); ++i) {
      const double d = std::hypot(cs[i + 1].x - cs[i].x, cs[i + 1].y - cs[i].y);
      if (d <= std::abs(cs[i + 1].r - cs[i].r) * (1 + 1e-9) + 1e-15) {
        cs.erase(cs.begin() + std::ptrdiff_t(cs[i].r < cs[i + 1].r ? i : i + 1));
        dropped = true;
        break;
      }
    }
  }
  const auto arc = [&](const Circle& c, double from, double sweep, bool first) {
    const int n = std::max(1, int(std::ceil(std::abs(sweep) / (M_PI / 36))));
    for (int k = first ? 0 : 1; k <= n; ++k) {
      const double a = from + sweep * k / n;
      out.push_back({c.x + c.r * std::cos(a), c.y + c.r * std::sin(a)});
    }
  };
  // Clockwise in coordinates from direction a to direction b: a sweep in (-2 pi, 0].
  const auto clockwise = [](Dir a, Dir b) {
    const double from = std::atan2(a.y, a.x);
    double sweep = std::atan2(b.y, b.x) - from;
    while (sweep > 0) sweep -= 2 * M_PI;
    while (sweep <= -2 * M_PI) sweep += 2 * M_PI;
    return std::pair{from, sweep};
  };
  if (cs.size() == 1) {
    if (cs[0].r > 0) arc(cs[0], 0, -2 * M_PI * (1 - 1.0 / 72), true);
    return out;
  }
  // Per segment, the directions from each circle's centre to its outer tangent points: side 0
  // on the normal (-u.y, u.x), side 1 on the other.
  const size_t n = cs.size() - 1;
  std::vector<std::array<Dir, 2>> w(n);
  for (size_t i = 0; i < n; ++i) {
    const double dx = cs[i + 1].x - cs[i].x, dy = cs[i + 1].y - cs[i].y, d = std::hypot(dx, dy);
    const Dir u{dx / d, dy / d}, nrm{-u.y, u.x};
    const double sa = (cs[i].r - cs[i + 1].r) / d, ca = std::sqrt(std::max(0.0, 1 - sa * sa));
    w[i][0] = {sa * u.x + ca * nrm.x, sa * u.y + ca * nrm.y};
    w[i][1] = {sa * u.x - ca * nrm.x, sa * u.y - ca * nrm.y};
  }
  const auto at = [&](size_t k, Dir d) { return geo::WorldPoint{cs[k].x + cs[k].r * d.x, cs[k].y + cs[k].r * d.y}; };
  // Where the tangents of segments `in` and `out` meet at circle k: round the circle on the
  // outer side of a turn, their crossing on the inner side.
  const auto join = [&](size_t k, size_t side, size_t inSeg, size_t outSeg, bool convex) {
    const Dir a = w[inSeg][side], b = w[outSeg][side];
    if (convex) {
      const auto [from, sweep] = clockwise(a, b);
      arc(cs[k], from, sweep, true);
      return;
    }
    const size_t inFrom = inSeg < outSeg ? k - 1 : k + 1, outTo = inSeg < outSeg ? k + 1 : k - 1;
    if (const auto x = segmentIntersection(at(inFrom, a), at(k, a), at(k, b), at(outTo, b))) {
      out.push_back(*x);
    } else {
      out.push_back(at(k, a));
      out.push_back(at(k, b));
    }
  };
  out.push_back(at(0, w[0][0]));  // side 0, forwards
  for (size_t k = 1; k < n; ++k) join(k, 0, k - 1, k, cross(w[k - 1][0], w[k][0]) < 0);
  {  // round the last circle
    const auto [from, sweep] = clockwise(w[n - 1][0], w[n - 1][1]);
    arc(cs[n], from, sweep, true);
  }
  for (size_t k = n - 1; k >= 1; --k) join(k, 1, k, k - 1, cross(w[k - 1][1], w[k][1]) > 0);  // side 1, backwards
  {  // round the first circle (nothing when it is the centre's, radius 0)
    const auto [from, sweep] = clockwise(w[0][1], w[0][0]);
    if (cs[0].r > 0)
      arc(cs[0], from, sweep, true);
    else
      out.push_back(at(0, w[0][1]));
  }
  // No repeated points, no closing point.
  std::vector<geo::WorldPoint> clean;
  for (const geo::WorldPoint& p : out)
    if (clean.empty() || std::abs(p.x - clean.back().x) + std::abs(p.y - clean.back().y) > 1e-15) clean.push_back(p);
  while (clean.size() > 1 &&
         std::abs(clean.front().x - clean.back().x) + std::abs(clean.front().y - clean.back().y) <= 1e-15)
    clean.pop_back();
  return clean;
}

View stormView(const feeds::StormReport& storm, const geo::Camera& camera) {
  const geo::WorldPoint c = geo::toWorld({storm.position.lng, storm.position.lat});
  const double pad = 48;  // CSS px on every side
  const double w = std::max(1.0, camera.width() - 2 * pad), h = std::max(1.0, camera.height() - 2 * pad);
  const double ca = std::abs(std::cos(camera.bearing() * M_PI / 180)),
               sa = std::abs(std::sin(camera.bearing() * M_PI / 180));
  const double maxZoom = std::min(camera.maxZoom(), 13.0);
  // The zoom at which a world box fits the view (turned with the map), and its centre.
  const auto fit = [&](const geo::WorldBox& b) {
    const double bw = b.maxx - b.minx, bh = b.maxy - b.miny;
    const double sw = bw * ca + bh * sa, sh = bw * sa + bh * ca;  // the box's extent on screen, world units
    const double scale = std::min(sw > 0 ? w / sw : 1e300, sh > 0 ? h / sh : 1e300);  // CSS px per world unit
    return std::min(maxZoom, std::log2(scale / 512));
  };
  const auto view = [&](const geo::WorldBox& b, double zoom) {
    return View{geo::fromWorld({(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2}), zoom};
  };
  // The centre and the whole cone; else the centre and as many forecast positions as fit.
  geo::WorldBox box{c.x, c.y, c.x, c.y};
  const auto grow = [&](geo::WorldBox& b, geo::WorldPoint p, double r) {
    b.minx = std::min(b.minx, p.x - r), b.maxx = std::max(b.maxx, p.x + r);
    b.miny = std::min(b.miny, p.y - r), b.maxy = std::max(b.maxy, p.y + r);
  };
  geo::WorldBox cone = box;
  for (const feeds::StormPoint& f : storm.forecast)
    grow(cone, geo::toWorld({f.position.lng, f.position.lat}), worldRadius(f.radiusKm, f.position.lat));
  if (const double z = fit(cone); z >= camera.minZoom()) return view(cone, z);
  // Only the centre fits: as wide as the map goes, the centre off to one side so that the view
  // shows the way it goes (towards its first forecast position).
  View best{geo::fromWorld(c), camera.minZoom()};
  if (!storm.forecast.empty()) {
    const geo::WorldPoint f = geo::toWorld({storm.forecast[0].position.lng, storm.forecast[0].position.lat});
    const double len = std::hypot(f.x - c.x, f.y - c.y);
    const double reach = 0.3 * std::min(w, h) / (512 * std::pow(2.0, camera.minZoom()));  // world units
    if (len > 0) best.center = geo::fromWorld({c.x + (f.x - c.x) / len * reach, c.y + (f.y - c.y) / len * reach});
  }
  geo::WorldBox track = box;
  for (const feeds::StormPoint& f : storm.forecast) {
    geo::WorldBox next = track;
    grow(next, geo::toWorld({f.position.lng, f.position.lat}), 0);
    const double z = fit(next);
    if (z < camera.minZoom()) break;
    track = next;
    best = view(track, z);
  }
  return best;
}

namespace {

constexpr uint32_t kWhite = 0xffffff;

// ---- storms ------------------------------------------------------------------------------------
// Geometry that reaches far beyond the view (a cone hundreds of km long) is clipped to the view
// plus a margin in double precision before it becomes float device pixels.

struct Rect {
  double x0, y0, x1, y1;
};

// Sutherland-Hodgman against an axis-aligned rectangle.
std::vector<geo::ScreenPoint> clipPolygon(std::vector<geo::ScreenPoint> poly, const Rect& r) {
  const auto clipEdge = [&](auto inside, auto cut) {
    std::vector<geo::ScreenPoint> out;
    for (size_t i = 0; i < poly.size(); ++i) {
      const geo::ScreenPoint a = poly[i], b = poly[(i + 1) % poly.size()];
      const bool ia = inside(a), ib = inside(b);
      if (ia) out.push_back(a);
      if (ia != ib) out.push_back(cut(a, b));
    }
    poly = std::move(out);
  };
  const auto atX = [](geo::ScreenPoint a, geo::ScreenPoint b, double x) {
    return geo::ScreenPoint{x, a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x)};
  };
  const auto atY = [](geo::ScreenPoint a, geo::ScreenPoint b, double y) {
    return geo::ScreenPoint{a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y), y};
  };
  clipEdge([&](geo::ScreenPoint p) { return p.x >= r.x0; }, [&](auto a, auto b) { return atX(a, b, r.x0); });
  clipEdge([&](geo::ScreenPoint p) { return p.x <= r.x1; }, [&](auto a, auto b) { return atX(a, b, r.x1); });
  clipEdge([&](geo::ScreenPoint p) { return p.y >= r.y0; }, [&](auto a, auto b) { return atY(a, b, r.y0); });
  clipEdge([&](geo::ScreenPoint p) { return p.y <= r.y1; }, [&](auto a, auto b) { return atY(a, b, r.y1); });
  return poly;
}

// The parts of a polyline inside the rectangle (Liang-Barsky per segment), as float pieces.
std::vector<std::vector<tess::Vec2>> clipLine(const std::vector<geo::ScreenPoint>& line, const Rect& r) {
  std::vector<std::vector<tess::Vec2>> pieces;
  bool open = false;
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    const geo::ScreenPoint a = line[i], b = line[i + 1];
    const double dx = b.x - a.x, dy = b.y - a.y;
    double t0 = 0, t1 = 1;
    bool visible = true;
    for (const auto& [p, q] : {std::pair{-dx, a.x - r.x0}, std::pair{dx, r.x1 - a.x}, std::pair{-dy, a.y - r.y0},
                               std::pair{dy, r.y1 - a.y}}) {
      if (p == 0) {
        if (q < 0) visible = false;
        continue;
      }
      const double t = q / p;
      if (p < 0)
        t0 = std::max(t0, t);
      else
        t1 = std::min(t1, t);
    }
    if (!visible || t0 > t1) {
      open = false;
      continue;
    }
    const tess::Vec2 from{float(a.x + t0 * dx), float(a.y + t0 * dy)}, to{float(a.x + t1 * dx), float(a.y + t1 * dy)};
    if (!open || t0 > 0) pieces.push_back({from});
    pieces.back().push_back(to);
    open = t1 >= 1;
  }
  return pieces;
}

// A dashed line: `dash` on, `gap` off (device px), the pattern running on across pieces.
void addDashed(LiveBatch& out, const std::vector<std::vector<tess::Vec2>>& pieces, float width, float dash, float gap,
               uint32_t color) {
  float phase = 0;  // distance into the current period
  for (const auto& line : pieces) {
    std::vector<tess::Vec2> on;
    for (size_t i = 0; i + 1 < line.size(); ++i) {
      const tess::Vec2 a = line[i], b = line[i + 1];
      const float len = std::hypot(b.x - a.x, b.y - a.y);
      float t = 0;
      while (t < len) {
        const bool drawing = phase < dash;
        const float step = std::min(len - t, drawing ? dash - phase : dash + gap - phase);
        const auto at = [&](float d) { return tess::Vec2{a.x + (b.x - a.x) * d / len, a.y + (b.y - a.y) * d / len}; };
        if (drawing) {
          if (on.empty()) on.push_back(at(t));
          on.push_back(at(t + step));
        }
        t += step;
        phase += step;
        if (drawing && phase >= dash) {
          addStroke(out, on, width, tess::LineCap::Butt, color);
          on.clear();
        }
        if (phase >= dash + gap) phase = 0;
      }
    }
    if (on.size() > 1) addStroke(out, on, width, tess::LineCap::Butt, color);
  }
}

struct Builder {
  const geo::Camera& cam;
  LiveBatch& out;
  double dpr = cam.pixelRatio();
  double margin = 40 * dpr;

  // Device pixels of a world point, in double (far off screen too).
  geo::ScreenPoint device(geo::WorldPoint w) const {
    const geo::ScreenPoint s = cam.worldToScreen(w);
    return {s.x * dpr, s.y * dpr};
  }
  geo::ScreenPoint device(feeds::LngLat p) const { return device(geo::toWorld({p.lng, p.lat})); }
  // The view plus a margin, device px: what long lines and areas are clipped to.
  Rect clipRect() const {
    const double m = 16 * dpr;
    return {-m, -m, cam.width() * dpr + m, cam.height() * dpr + m};
  }
  void line(const std::vector<geo::ScreenPoint>& pts, float widthCss, uint32_t color, tess::LineCap cap) {
    for (const auto& piece : clipLine(pts, clipRect()))
      if (piece.size() > 1) addStroke(out, piece, float(widthCss * dpr), cap, color);
  }
  // A filled polygon with an outline, from device points far off screen too.
  void bigArea(std::vector<geo::ScreenPoint> ring, uint32_t fill, uint32_t stroke, float strokeCss) {
    ring = clipPolygon(std::move(ring), clipRect());
    if (ring.size() < 3) return;
    std::vector<std::vector<tess::Vec2>> rings(1);
    for (const geo::ScreenPoint& p : ring) rings[0].push_back({float(p.x), float(p.y)});
    tess::FillMesh fm;
    tess::tessellatePolygon(std::span<const std::vector<tess::Vec2>>(rings), fm);
    addFlat(out, fm.vertices, fm.indices, fill);
    auto closed = rings[0];
    closed.push_back(closed.front());
    addStroke(out, closed, float(strokeCss * dpr), tess::LineCap::Butt, stroke);
  }

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

constexpr uint32_t kConeColor = 0xd62718;
constexpr uint32_t kStrongWindColor = 0xe8590c;
constexpr uint32_t kForecastTrackColor = 0x2b2b2b;

size_t utf8Length(std::string_view text) {
  return size_t(std::count_if(text.begin(), text.end(), [](char ch) { return (uint8_t(ch) & 0xc0) != 0x80; }));
}

bool onScreen(const geo::Camera& cam, double x, double y) {
  return x >= 0 && y >= 0 && x <= cam.width() && y <= cam.height();
}

// A storm's cone, strong-wind circle, tracks and forecast points (with their times): under every marker.
void stormUnder(Builder& b, const feeds::StormReport& s, float fade, std::vector<MapTag>* tags) {
  const float dpr = float(b.dpr);
  const std::vector<geo::WorldPoint> cone = stormConeOutline(s);
  if (cone.size() >= 3) {
    std::vector<geo::ScreenPoint> ring;
    ring.reserve(cone.size());
    for (const geo::WorldPoint& w : cone) ring.push_back(b.device(w));
    // Faint: the city under it stays readable when the cone covers the whole view.
    b.bigArea(std::move(ring), packColor(kConeColor, 0.09f * fade), packColor(kConeColor, 0.6f * fade), 1.5f);
  }
  if (s.strongWindRadiusKm > 0) {  // where winds of level 6 and above reach: a dashed circle
    const geo::WorldPoint c = geo::toWorld({s.position.lng, s.position.lat});
    const double r = worldRadius(s.strongWindRadiusKm, s.position.lat);
    std::vector<geo::ScreenPoint> ring;
    for (int k = 0; k <= 120; ++k)
      ring.push_back(b.device(geo::WorldPoint{c.x + r * std::cos(k * M_PI / 60), c.y + r * std::sin(k * M_PI / 60)}));
    addDashed(b.out, clipLine(ring, b.clipRect()), 1.5f * dpr, 10 * dpr, 6 * dpr,
              packColor(kStrongWindColor, 0.8f * fade));
  }
  // The track so far: solid, each stretch in the class the storm had at its end, on a white casing.
  std::vector<geo::ScreenPoint> past;
  for (const feeds::StormPoint& p : s.past) past.push_back(b.device(p.position));
  past.push_back(b.device(s.position));
  if (past.size() > 1) {
    b.line(past, 5.5f, packColor(kWhite, 0.85f * fade), tess::LineCap::Round);
    for (size_t i = 0; i + 1 < past.size(); ++i) {
      const feeds::StormCategory cat = i + 1 < s.past.size() ? s.past[i + 1].category : s.category;
      b.line({past[i], past[i + 1]}, 3.f, packColor(stormColor(cat), fade), tess::LineCap::Round);
    }
  }
  // The forecast track: dashed, on a white casing.
  std::vector<geo::ScreenPoint> ahead{b.device(s.position)};
  for (const feeds::StormPoint& f : s.forecast) ahead.push_back(b.device(f.position));
  if (ahead.size() > 1) {
    b.line(ahead, 4.5f, packColor(kWhite, 0.75f * fade), tess::LineCap::Round);
    addDashed(b.out, clipLine(ahead, b.clipRect()), 2.5f * dpr, 8 * dpr, 5 * dpr,
              packColor(kForecastTrackColor, 0.9f * fade));
  }
  for (const feeds::StormPoint& p : s.past)
    if (const auto at = b.project(p.position))
      b.marker(*at, 3.f, Shape::Disc, packColor(stormColor(p.category), fade), packColor(kWhite, fade), 1.f);
  const float r = 5.5f;
  for (size_t i = 0; i < s.forecast.size(); ++i) {
    const feeds::StormPoint& f = s.forecast[i];
    const auto at = b.project(f.position);
    if (!at) continue;
    b.marker(*at, r, Shape::Disc, packColor(stormColor(f.category), fade), packColor(kWhite, fade), 1.5f);
    const float x = at->x / dpr, y = at->y / dpr;
    if (!tags || !onScreen(b.cam, x, y)) continue;
    // The time beside the point, off the track: on its upper side (its right when it runs
    // north-south), level with the point.
    const geo::ScreenPoint before = ahead[i], after = ahead[std::min(i + 2, ahead.size() - 1)];
    double nx = after.y - before.y, ny = before.x - after.x;
    const double nl = std::hypot(nx, ny);
    nx = nl > 0 ? nx / nl : 0, ny = nl > 0 ? ny / nl : -1;
    if (ny > 0 || (std::abs(ny) < 0.35 && nx < 0)) nx = -nx, ny = -ny;
    MapTag tag{formatLocalTime(f.timeMs), x,   y, float(nx * (r + 5)), float(ny * (r + 5)), MapTag::Align::Centre,
               MapTag::Role::Time,        fade};
    if (std::abs(nx) >= 0.7)
      tag.align = nx > 0 ? MapTag::Align::Left : MapTag::Align::Right;
    else
      tag.dy += ny < 0 ? -7.f : 7.f;  // above or below: half the text's height further
    tags->push_back(std::move(tag));
  }
}

// A storm's centre: its symbol with its name and intensity; when the centre is off screen or
// under a panel, a pointer as near to it as the free view allows (the symbol, an arrow the way
// to it, the name and distance).
void stormTop(Builder& b, const feeds::StormReport& s, int64_t timestampMs, float fade, bool english,
              std::span<const ScreenBox> avoid, std::vector<MapTag>* tags) {
  const float dpr = float(b.dpr);
  const geo::ScreenPoint c = b.cam.worldToScreen(geo::toWorld({s.position.lng, s.position.lat}));
  const double w = b.cam.width(), h = b.cam.height();
  const float r = sizeAt(b.cam.zoom(), 17.f, 22.f);
  const uint32_t fill = packColor(stormColor(s.category), fade), ring = packColor(kWhite, fade);
  const float mirror = s.position.lat < 0 ? 1.f : 0.f;  // southern storms turn the other way
  const std::string& name =
      english ? (s.nameEn.empty() ? s.nameVi : s.nameEn) : (s.nameVi.empty() ? s.nameEn : s.nameVi);
  const auto clear = [&](double x, double y, double radius) {
    const ScreenBox box{float(x - radius), float(y - radius), float(x + radius), float(y + radius)};
    return std::none_of(avoid.begin(), avoid.end(), [&](const ScreenBox& a) { return a.overlaps(box); });
  };
  const bool shown = onScreen(b.cam, c.x, c.y);
  if (shown) b.marker({float(c.x * dpr), float(c.y * dpr)}, r, Shape::Typhoon, fill, ring, 1.5f, mirror);
  if (shown && clear(c.x, c.y, 0)) {
    if (tags) {
      std::string detail;
      char buf[96];
      if (s.beaufort > 0) {
        std::snprintf(buf, sizeof buf, english ? "force %d" : "cấp %d", int(s.beaufort));
        detail = buf;
        if (s.gustBeaufort > s.beaufort) {
          std::snprintf(buf, sizeof buf, english ? ", gusts %d" : ", giật cấp %d", int(s.gustBeaufort));
          detail += buf;
        }
        detail += " · ";
      }
      detail += formatLocalTime(timestampMs);
      // Beside the symbol on the side farthest from the tracks that meet there: right, left,
      // above or below (the track usually crosses the view, and the text would sit on it).
      std::vector<std::pair<double, double>> away;  // unit directions of the tracks from the centre
      const auto track = [&](feeds::LngLat p) {
        const geo::ScreenPoint q = b.cam.worldToScreen(geo::toWorld({p.lng, p.lat}));
        const double l = std::hypot(q.x - c.x, q.y - c.y);
        if (l > 1) away.emplace_back((q.x - c.x) / l, (q.y - c.y) / l);
      };
      if (!s.past.empty()) track(s.past.back().position);
      if (!s.forecast.empty()) track(s.forecast.front().position);
      static constexpr double kSides[4][2] = {{1, 0}, {0, -1}, {-1, 0}, {0, 1}};  // in order of preference
      std::array<std::pair<double, size_t>, 4> order;
      for (size_t k = 0; k < 4; ++k) {
        double nearest = -1;  // the cosine to the closest track (higher: closer)
        for (const auto& [ax, ay] : away) nearest = std::max(nearest, ax * kSides[k][0] + ay * kSides[k][1]);
        order[k] = {std::round(nearest * 10) / 10, k};  // close enough counts as a tie: the preferred side wins
      }
      std::sort(order.begin(), order.end());
      const float x = float(c.x), y = float(c.y), gap = r + 6;
      // The text's box on a side, its width estimated (the fonts are the app's): on screen and
      // clear of the panels, else the next side.
      const float width = float(std::max(utf8Length(name), utf8Length(detail))) * 7.2f;
      const auto place = [&](size_t side, MapTag& first, MapTag& second) {
        first = {name, x, y, 0, 0, MapTag::Align::Centre, MapTag::Role::Name, fade};
        second = {detail, x, y, 0, 0, MapTag::Align::Centre, MapTag::Role::Detail, fade};
        ScreenBox box{x - width / 2, 0, x + width / 2, 0};
        switch (side) {
          case 0:
            first.align = second.align = MapTag::Align::Left, first.dx = second.dx = gap, first.dy = -8, second.dy = 9;
            box = {x + gap, y - 16, x + gap + width, y + 17};
            break;
          case 2:
            first.align = second.align = MapTag::Align::Right, first.dx = second.dx = -gap, first.dy = -8,
            second.dy = 9;
            box = {x - gap - width, y - 16, x - gap, y + 17};
            break;
          case 1:
            first.dy = -gap - 24, second.dy = -gap - 7, box.y0 = y - gap - 32, box.y1 = y - gap;
            break;
          default:
            first.dy = gap + 8, second.dy = gap + 25, box.y0 = y + gap, box.y1 = y + gap + 33;
            break;
        }
        return box.x0 >= 0 && box.y0 >= 0 && box.x1 <= w && box.y1 <= h &&
               std::none_of(avoid.begin(), avoid.end(), [&](const ScreenBox& a) { return a.overlaps(box); });
      };
      MapTag first, second;
      bool placed = false;
      for (const auto& [score, side] : order)
        if ((placed = place(side, first, second))) break;
      if (!placed) place(order[0].second, first, second);
      tags->push_back(std::move(first));
      tags->push_back(std::move(second));
    }
    return;
  }
  // Along the line from the view's centre towards the storm: the nearest free place to it.
  const float pr = r * 0.9f;
  const double m = pr + 16;
  const double dx = c.x - w / 2, dy = c.y - h / 2, len = std::hypot(dx, dy);
  if (!(len > 1)) return;
  const double tx = dx != 0 ? (w / 2 - m) / std::abs(dx) : 1e300, ty = dy != 0 ? (h / 2 - m) / std::abs(dy) : 1e300;
  double t = std::min({tx, ty, 1.0});
  while (t > 0 && !clear(w / 2 + dx * t, h / 2 + dy * t, pr + 12)) t -= 6 / len;
  if (!(t > 0)) return;  // no room for it
  const double px = w / 2 + dx * t, py = h / 2 + dy * t, ux = dx / len, uy = dy / len;
  b.marker({float(px * dpr), float(py * dpr)}, pr, Shape::Typhoon, fill, ring, 1.f, mirror);
  const float bearing = float(std::atan2(ux, -uy) * 180 / M_PI);
  b.marker({float((px + ux * (pr + 8)) * dpr), float((py + uy * (pr + 8)) * dpr)}, 5.f, Shape::Triangle, fill, ring,
           1.f, 0, bearing);
  if (tags) {
    const geo::LngLat here = geo::fromWorld(b.cam.screenToWorld({px, py}));
    char dist[32];
    std::snprintf(dist, sizeof dist, " · %.0f km", feeds::distanceMetres({here.lng, here.lat}, s.position) / 1000);
    MapTag tag{name + dist, float(px), float(py), 0, 0, MapTag::Align::Centre, MapTag::Role::Detail, fade};
    if (std::abs(ux) * h >= std::abs(uy) * w) {  // pointing left or right: the text on the other side
      tag.align = ux > 0 ? MapTag::Align::Right : MapTag::Align::Left;
      tag.dx = ux > 0 ? -(pr + 8) : pr + 8;
    } else {
      tag.dy = uy > 0 ? -(pr + 12) : pr + 12;
    }
    tags->push_back(std::move(tag));
  }
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
    case feeds::FeedKind::Shelter:
      return anchored();
    case feeds::FeedKind::Bus:
      if (const auto pose = store.busPose(id, nowMs)) return pose->position;
      return std::nullopt;
    case feeds::FeedKind::Incident:
      if (const auto it = store.incidents().find(id); it != store.incidents().end()) {
        if (it->second.value.point) return it->second.value.point;
        if (!it->second.value.area.empty()) return it->second.value.area.front();
      }
      return std::nullopt;
    case feeds::FeedKind::Storm:
      if (const auto it = store.storms().find(id); it != store.storms().end()) return it->second.value.position;
      return std::nullopt;
    case feeds::FeedKind::Traffic:
      break;
  }
  return std::nullopt;
}

void buildLiveBatch(const feeds::FeedStore& store, const scene::FeatureIndex& index, const geo::Camera& camera,
                    int64_t nowMs, const LiveLayers& layers, LiveBatch& out, std::vector<MapTag>* tags, bool english,
                    std::span<const ScreenBox> avoid) {
  out.clear();
  if (tags) tags->clear();
  Builder b{camera, out};
  const double z = camera.zoom();
  using feeds::FeedKind;
  std::vector<const feeds::Entity<feeds::StormReport>*> storms;
  if (layers.storms)
    for (const auto& [id, e] : store.storms())
      if (store.fade(FeedKind::Storm, e.meta.timestampMs, nowMs) > 0) storms.push_back(&e);
  std::sort(storms.begin(), storms.end(),
            [](const auto* a, const auto* c) { return a->value.stormId < c->value.stormId; });

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

  // Storms: cone, tracks and forecast points over the areas, under every marker. Their times
  // are tagged after the centres' names (which win where they would overlap).
  std::vector<MapTag> timeTags;
  for (const auto* e : storms)
    stormUnder(b, e->value, store.fade(FeedKind::Storm, e->meta.timestampMs, nowMs), tags ? &timeTags : nullptr);

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
  // The storms' centres on top.
  for (const auto* e : storms)
    stormTop(b, e->value, e->meta.timestampMs, store.fade(FeedKind::Storm, e->meta.timestampMs, nowMs), english, avoid,
             tags);
  if (tags)
    tags->insert(tags->end(), std::make_move_iterator(timeTags.begin()), std::make_move_iterator(timeTags.end()));
}

std::optional<LivePick> pickLive(const feeds::FeedStore& store, const scene::FeatureIndex& index,
                                 const geo::Camera& camera, int64_t nowMs, const LiveLayers& layers,
                                 geo::ScreenPoint p) {
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
  if (layers.storms)
    for (const auto& [id, e] : store.storms())
      if (store.fade(feeds::FeedKind::Storm, e.meta.timestampMs, nowMs) > 0)
        consider(feeds::FeedKind::Storm, id, e.value.position);
  return best;
}

}  // namespace citymap::live
