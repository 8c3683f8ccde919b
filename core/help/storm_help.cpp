#include "help/storm_help.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <unordered_map>

#include "geo/mercator.hpp"
#include "route/geodesy.hpp"

namespace citymap::help {

namespace {

using feeds::IncidentKind;

bool closesRoads(IncidentKind k) {
  return k == IncidentKind::Flood || k == IncidentKind::RoadClosure || k == IncidentKind::Landslide;
}

bool active(const feeds::Incident& in, int64_t nowMs) {
  return !in.cancelled && in.startMs <= nowMs && in.expiryMs > nowMs;
}

geo::LngLat toGeo(feeds::LngLat p) { return {p.lng, p.lat}; }

// FNV-1a over 64-bit words.
struct Hash {
  uint64_t h = 1469598103934665603ull;
  void add(uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
  }
};

bool insideRing(const std::vector<route::XY>& ring, route::XY p) {
  bool in = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
    if ((ring[i].y > p.y) != (ring[j].y > p.y) &&
        p.x < (ring[j].x - ring[i].x) * (p.y - ring[i].y) / (ring[j].y - ring[i].y) + ring[i].x)
      in = !in;
  return in;
}

// The nearest point of a polyline (local metres) to p: distance and the point.
std::pair<double, route::XY> nearestOnLine(const std::vector<route::XY>& line, route::XY p, bool closed) {
  double best = 1e300;
  route::XY at = line.empty() ? p : line.front();
  const size_t n = line.size();
  for (size_t i = 0; i + 1 < n + (closed ? 1 : 0); ++i) {
    const route::XY a = line[i], b = line[(i + 1) % n];
    const route::XY q = route::lerp(a, b, route::nearestOnSegment(a, b, p));
    const double d = route::planarDistance(q, p);
    if (d < best) best = d, at = q;
  }
  if (n == 1) best = route::planarDistance(line[0], p);
  return {best, at};
}

}  // namespace

route::ShelterState shelterState(const feeds::FeedStore& feeds, uint64_t shelterId, int64_t nowMs) {
  const auto it = feeds.shelters().find(shelterId);
  if (it == feeds.shelters().end()) return route::ShelterState::Unknown;
  if (feeds.freshness(feeds::FeedKind::Shelter, it->second.meta.timestampMs, nowMs) == feeds::Freshness::Hidden)
    return route::ShelterState::Unknown;
  const feeds::ShelterStatus& s = it->second.value;
  if (!s.open) return route::ShelterState::Closed;
  if (s.capacity > 0 && s.occupancy >= s.capacity) return route::ShelterState::Full;
  return route::ShelterState::Open;
}

route::Avoid avoidFrom(const feeds::FeedStore& feeds, int64_t nowMs) {
  route::Avoid avoid;
  for (const auto& [id, e] : feeds.incidents()) {
    const feeds::Incident& in = e.value;
    if (!closesRoads(in.kind) || !active(in, nowMs)) continue;
    avoid.roadIds.insert(avoid.roadIds.end(), in.segmentIds.begin(), in.segmentIds.end());
    if (in.area.size() >= 3 && in.kind != IncidentKind::Landslide) {
      std::vector<geo::LngLat> ring;
      for (const auto& p : in.area) ring.push_back(toGeo(p));
      avoid.areas.push_back(std::move(ring));
    }
  }
  std::sort(avoid.roadIds.begin(), avoid.roadIds.end());
  avoid.roadIds.erase(std::unique(avoid.roadIds.begin(), avoid.roadIds.end()), avoid.roadIds.end());
  return avoid;
}

std::vector<RoadRow> floodedRoadsNear(const route::RouteGraph* graph, const feeds::FeedStore& feeds, geo::LngLat from,
                                      int64_t nowMs, double maxMetres, size_t limit) {
  const route::LocalFrame frame(from);
  const route::XY origin{0, 0};
  std::vector<RoadRow> rows;
  // Rows by (incident, street name); the roads of the graph each incident names.
  std::map<std::pair<uint64_t, std::string>, size_t> rowOf;
  std::unordered_map<uint32_t, std::vector<const feeds::Incident*>> byRoad;
  for (const auto& [id, e] : feeds.incidents()) {
    const feeds::Incident& in = e.value;
    if (!closesRoads(in.kind) || !active(in, nowMs)) continue;
    bool onGraph = false;
    if (graph)
      for (const uint64_t seg : in.segmentIds)
        for (const uint32_t road : graph->roadsWithId(seg)) {
          byRoad[road].push_back(&in);
          onGraph = true;
        }
    if (onGraph) continue;
    // Not on the graph: the area, or the point.
    RoadRow row{in.incidentId, in.kind, in.severity, {}, in.titleVi, in.titleEn, 1e300, {}};
    if (in.area.size() >= 3) {
      std::vector<route::XY> ring;
      for (const auto& p : in.area) ring.push_back(frame.toXY(toGeo(p)));
      if (insideRing(ring, origin)) {
        row.metres = 0;
        row.at = in.point ? toGeo(*in.point) : from;
      } else {
        const auto [d, at] = nearestOnLine(ring, origin, true);
        row.metres = d;
        row.at = frame.toLngLat(at);
      }
    } else if (in.point) {
      row.metres = route::distanceMetres(from, toGeo(*in.point));
      row.at = toGeo(*in.point);
    } else {
      continue;
    }
    rows.push_back(std::move(row));
  }
  if (graph && !byRoad.empty()) {
    std::vector<route::XY> line;
    for (uint32_t e = 0; e < graph->edgeCount(); ++e) {
      const auto it = byRoad.find(graph->edge(e).road);
      if (it == byRoad.end()) continue;
      line.clear();
      for (const geo::LngLat& p : graph->edgePoints(e)) line.push_back(frame.toXY(p));
      const auto [d, at] = nearestOnLine(line, origin, false);
      const std::string name(graph->roadName(graph->edge(e).road));
      for (const feeds::Incident* in : it->second) {
        const auto key = std::make_pair(in->incidentId, name);
        auto r = rowOf.find(key);
        if (r == rowOf.end()) {
          r = rowOf.emplace(key, rows.size()).first;
          rows.push_back({in->incidentId, in->kind, in->severity, name, in->titleVi, in->titleEn, 1e300, {}});
        }
        if (d < rows[r->second].metres) {
          rows[r->second].metres = d;
          rows[r->second].at = frame.toLngLat(at);
        }
      }
    }
  }
  std::erase_if(rows, [&](const RoadRow& r) { return !(r.metres <= maxMetres); });
  std::stable_sort(rows.begin(), rows.end(), [](const RoadRow& a, const RoadRow& b) {
    if (a.metres != b.metres) return a.metres < b.metres;
    return a.incidentId < b.incidentId;
  });
  if (rows.size() > limit) rows.resize(limit);
  return rows;
}

void StormHelp::setGraph(std::shared_ptr<const route::RouteGraph> graph) {
  graph_ = std::move(graph);
  dirty_ = true;
}

void StormHelp::showShelters(const Origin& from) {
  mode_ = Mode::Shelters;
  origin_ = from;
  chosen_ = 0;
  chosenId_ = 0;
  dirty_ = true;
}

void StormHelp::showRoads(const Origin& from) {
  mode_ = Mode::Roads;
  origin_ = from;
  dirty_ = true;
}

void StormHelp::close() {
  if (mode_ == Mode::None) return;
  mode_ = Mode::None;
  shelters_.clear();
  unknown_.clear();
  routes_.clear();
  roads_.clear();
  ++version_;
}

void StormHelp::choose(size_t i) {
  if (i >= shelters_.size() || i == chosen_) return;
  chosen_ = i;
  chosenId_ = shelters_[i].id;
  ++version_;
}

uint64_t StormHelp::signature(const feeds::FeedStore& feeds, int64_t nowMs) const {
  Hash h;
  for (const auto& [id, e] : feeds.incidents())
    if (closesRoads(e.value.kind) && active(e.value, nowMs)) {
      h.add(id);
      h.add(e.meta.sequence);
      h.add(uint64_t(e.meta.timestampMs));
    }
  h.add(0xfeed);
  if (mode_ == Mode::Shelters && graph_)
    for (const route::Shelter& s : graph_->shelters()) h.add(uint64_t(shelterState(feeds, s.id, nowMs)));
  return h.h;
}

bool StormHelp::update(const feeds::FeedStore& feeds, int64_t nowMs) {
  if (mode_ == Mode::None || (!graph_ && mode_ == Mode::Shelters)) return false;
  const uint64_t sig = signature(feeds, nowMs);
  if (!dirty_ && sig == signature_) return false;
  signature_ = sig;
  dirty_ = false;
  compute(feeds, nowMs);
  ++version_;
  return true;
}

void StormHelp::compute(const feeds::FeedStore& feeds, int64_t nowMs) {
  const auto t0 = std::chrono::steady_clock::now();
  if (mode_ == Mode::Roads) {
    roads_ = floodedRoadsNear(graph_.get(), feeds, origin_.point, nowMs);
  } else {
    const route::Avoid avoid = avoidFrom(feeds, nowMs);
    route::NearestShelters r = route::nearestShelters(
        *graph_, origin_.point, [&](uint64_t id) { return shelterState(feeds, id, nowMs); }, 3, avoid);
    const auto row = [&](route::ShelterChoice& c, route::ShelterState state) {
      ShelterRow out;
      out.id = c.shelter->id;
      out.name = c.shelter->name;
      out.state = state;
      out.position = c.shelter->position;
      out.capacity = c.shelter->capacity;
      if (const auto it = feeds.shelters().find(out.id); it != feeds.shelters().end()) {
        out.occupancy = it->second.value.occupancy;
        if (it->second.value.capacity > 0) out.capacity = it->second.value.capacity;
      }
      out.metres = c.route.metres;
      out.seconds = c.route.seconds;
      out.straightMetres = c.straightMetres;
      out.straightLine = c.route.straightLine;
      return out;
    };
    shelters_.clear();
    unknown_.clear();
    routes_.clear();
    for (route::ShelterChoice& c : r.nearest) {
      shelters_.push_back(row(c, route::ShelterState::Open));
      routes_.push_back(std::move(c.route));
    }
    for (route::ShelterChoice& c : r.unknown) unknown_.push_back(row(c, route::ShelterState::Unknown));
    openCount_ = r.open;
    // A shelter the user chose keeps the route while it stays in the list; otherwise (or once
    // it fills up) the route goes to the nearest.
    chosen_ = 0;
    bool kept = false;
    for (size_t i = 0; i < shelters_.size() && chosenId_ != 0; ++i)
      if (shelters_[i].id == chosenId_) chosen_ = i, kept = true;
    if (!kept) chosenId_ = 0;
  }
  lastComputeMs_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void StormHelp::draw(const geo::Camera& cam, live::LiveBatch& out, std::vector<live::MapTag>& tags,
                     bool english) const {
  if (mode_ == Mode::None) return;
  const double dpr = cam.pixelRatio();
  const auto css = [&](geo::LngLat p) {
    const geo::ScreenPoint s = cam.worldToScreen(geo::toWorld(p));
    return s;
  };
  const auto dev = [&](geo::LngLat p) {
    const geo::ScreenPoint s = css(p);
    return tess::Vec2{float(s.x * dpr), float(s.y * dpr)};
  };
  const float w = float(dpr);
  constexpr uint32_t kBlue = 0x1a66d2, kWhite = 0xffffff;
  if (mode_ == Mode::Shelters) {
    if (const route::Route* r = route()) {
      // Casing under every leg, then the legs: roads solid, straight parts dashed.
      for (int pass = 0; pass < 2; ++pass)
        for (const route::Leg& leg : r->legs) {
          std::vector<tess::Vec2> line;
          for (const geo::LngLat& p : leg.points) line.push_back(dev(p));
          if (line.size() < 2) continue;
          const bool dashed = leg.kind == route::LegKind::Straight;
          const float width = (pass == 0 ? 9.f : 5.f) * w;
          const uint32_t color = live::packColor(pass == 0 ? kWhite : kBlue, pass == 0 ? 0.95f : 1.f);
          if (!dashed) {
            live::addStroke(out, line, width, tess::LineCap::Round, color);
            continue;
          }
          // Dashes of 10 px every 18 px along the line (screen space).
          const float on = 10 * w, period = 18 * w;
          float phase = 0;
          for (size_t i = 0; i + 1 < line.size(); ++i) {
            const tess::Vec2 a = line[i], b = line[i + 1];
            const float len = std::hypot(b.x - a.x, b.y - a.y);
            for (float s = -phase; s < len; s += period) {
              const float s0 = std::max(0.f, s), s1 = std::min(len, s + on);
              if (s1 <= s0) continue;
              const tess::Vec2 p0{a.x + (b.x - a.x) * s0 / len, a.y + (b.y - a.y) * s0 / len};
              const tess::Vec2 p1{a.x + (b.x - a.x) * s1 / len, a.y + (b.y - a.y) * s1 / len};
              const tess::Vec2 seg[2] = {p0, p1};
              live::addStroke(out, seg, width, tess::LineCap::Butt, color);
            }
            phase = std::fmod(phase + len, period);
          }
        }
      // Where the graph does not reach: say so at the middle of the longest straight leg.
      const route::Leg* longest = nullptr;
      for (const route::Leg& leg : r->legs)
        if (leg.kind == route::LegKind::Straight && (!longest || leg.metres > longest->metres)) longest = &leg;
      if (longest && longest->points.size() >= 2) {
        const geo::ScreenPoint a = css(longest->points.front()), b = css(longest->points.back());
        tags.push_back({english ? "straight line: no road data" : "đường thẳng: không có dữ liệu đường",
                        float((a.x + b.x) / 2), float((a.y + b.y) / 2), 0, -14, live::MapTag::Align::Centre,
                        live::MapTag::Role::Detail, 1});
      }
    }
    // The other candidates, then the chosen one, numbered by rank.
    for (size_t pass = 0; pass < 2; ++pass)
      for (size_t i = 0; i < shelters_.size(); ++i) {
        const bool chosen = i == chosen_;
        if (chosen != (pass == 1)) continue;
        const tess::Vec2 c = dev(shelters_[i].position);
        live::addMarker(out, c, (chosen ? 13.f : 9.f) * w, live::Shape::Square, live::packColor(0x2e7d32, 1),
                        live::packColor(kWhite, 1), 2.5f * w);
        const geo::ScreenPoint s = css(shelters_[i].position);
        char text[96];
        std::snprintf(text, sizeof text, "%zu · %s · %s", i + 1, formatMetres(shelters_[i].metres).c_str(),
                      formatMinutes(shelters_[i].seconds, english).c_str());
        tags.push_back({text, float(s.x), float(s.y), chosen ? 18.f : 14.f, 0, live::MapTag::Align::Left,
                        chosen ? live::MapTag::Role::Name : live::MapTag::Role::Detail, 1});
      }
  }
  // The start.
  const tess::Vec2 start = dev(origin_.point);
  live::addMarker(out, start, 11 * w, live::Shape::Disc, live::packColor(kWhite, 1), live::packColor(kWhite, 1), 0);
  live::addMarker(out, start, 7.5f * w, live::Shape::Disc, live::packColor(kBlue, 1), live::packColor(kBlue, 1), 0);
}

const char* shelterStateName(route::ShelterState s, bool en) {
  switch (s) {
    case route::ShelterState::Open:
      return en ? "open" : "đang mở";
    case route::ShelterState::Full:
      return en ? "full" : "đã đầy";
    case route::ShelterState::Closed:
      return en ? "closed" : "đóng cửa";
    case route::ShelterState::Unknown:
      break;
  }
  return en ? "status unknown" : "chưa rõ tình trạng";
}

std::string formatMetres(double m) {
  char b[32];
  if (m < 1000)
    std::snprintf(b, sizeof b, "%d m", int(std::lround(m / 10) * 10));
  else
    std::snprintf(b, sizeof b, "%.1f km", m / 1000);
  return b;
}

std::string formatMinutes(double seconds, bool en) {
  const int minutes = std::max(1, int(std::lround(seconds / 60)));
  char b[32];
  if (minutes < 60)
    std::snprintf(b, sizeof b, en ? "%d min" : "%d phút", minutes);
  else
    std::snprintf(b, sizeof b, en ? "%d h %02d" : "%d giờ %02d", minutes / 60, minutes % 60);
  return b;
}

}  // namespace citymap::help
