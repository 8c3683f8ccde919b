#include "feedsim/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

#include "feeds/bus_motion.hpp"
#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"
#include "feedsim/feature_ids.hpp"
#include "feedsim/noise.hpp"

namespace citymap::feedsim {

using feeds::FeedKind;
using feeds::Incident;
using feeds::IncidentKind;
using feeds::Severity;

namespace {

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kMinuteMs = 60 * kSecondMs;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int64_t kLocalOffsetMs = 7 * kHourMs;  // Indochina Time, no daylight saving

// Keys for the noise functions.
enum Key : uint64_t {
  kRain = 1,
  kShower,
  kGain,
  kPhase,
  kBase,
  kShelterOpen,
  kShelterFill,
  kShelterClose,
  kRoadSens,
  kRoadNoise,
  kAccident,
  kAccidentRoad,
  kAccidentLen,
  kAccidentSev,
  kTripStart,
  kTripExtra,
  kLandslide,
  kStagger,
  kStormCross,
  kStormAlong
};

// Rush-hour shape over the local hour: morning peak ~07:20, evening peak ~17:30.
double rushness(double localH) { return std::max(bump(localH, 7.35, 0.75), bump(localH, 17.5, 1.0)); }

std::string formatValue(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

// A circle of radius r metres around p, as a 24-point ring.
std::vector<feeds::LngLat> circle(feeds::LngLat p, double r) {
  std::vector<feeds::LngLat> ring;
  const double dLat = r / 110574.0, dLng = r / (111320.0 * std::cos(p.lat * std::numbers::pi / 180));
  for (int i = 0; i < 24; ++i) {
    const double a = 2 * std::numbers::pi * i / 24;
    ring.push_back({p.lng + dLng * std::cos(a), p.lat + dLat * std::sin(a)});
  }
  return ring;
}

Severity severityForLevel(int level) {
  return level >= 3 ? Severity::Extreme : level == 2 ? Severity::Severe : Severity::Moderate;
}

bool isMajor(const std::string& highway) {
  return highway == "primary" || highway == "secondary" || highway == "tertiary" || highway == "trunk";
}

double round1(double v) { return std::round(v * 10) / 10; }

uint64_t textHash(std::string_view s) { return StableId("").add(s).id(); }

// ---- the typhoon scenario's storm ---------------------------------------------------------
// Hours since the scenario's start -> where the centre is and its maximum sustained wind. It
// comes from the Philippine Sea across the East Sea (Biển Đông) at ~20 km/h, peaks at ~45 m/s
// (level 14) 5 h after the start, makes landfall just south of Da Nang at ~9.5 h and weakens
// over Laos.
struct TrackKnot {
  double h, lng, lat, windMs;
};
constexpr TrackKnot kStormTrack[] = {{-96, 126.8, 12.6, 14},   {-72, 123.0, 13.4, 20},  {-48, 118.8, 14.1, 28},
                                     {-24, 114.4, 14.9, 36},   {0, 110.0, 15.7, 42},    {5, 109.05, 15.86, 45},
                                     {9.5, 108.26, 16.02, 41}, {12, 107.85, 16.08, 32}, {24, 105.85, 16.35, 15},
                                     {48, 103.2, 16.9, 8},     {72, 101.0, 17.6, 6},    {96, 99.0, 18.3, 5}};
constexpr double kStormFirstH = 0, kStormLastH = 36;  // reported from the start until it has gone

// Catmull-Rom through the knots (non-uniform times) for the position, linear for the wind.
feeds::LngLat stormPosition(double h) {
  constexpr size_t n = std::size(kStormTrack);
  h = std::clamp(h, kStormTrack[1].h, kStormTrack[n - 2].h);
  size_t i = 1;
  while (i + 2 < n && h > kStormTrack[i + 1].h) ++i;
  const TrackKnot &k0 = kStormTrack[i - 1], &k1 = kStormTrack[i], &k2 = kStormTrack[i + 1], &k3 = kStormTrack[i + 2];
  const double dt = k2.h - k1.h, t = (h - k1.h) / dt;
  const double t2 = t * t, t3 = t2 * t;
  const double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
  const auto axis = [&](double TrackKnot::*v) {
    const double m1 = (k2.*v - k0.*v) / (k2.h - k0.h) * dt, m2 = (k3.*v - k1.*v) / (k3.h - k1.h) * dt;
    return h00 * k1.*v + h10 * m1 + h01 * k2.*v + h11 * m2;
  };
  return {axis(&TrackKnot::lng), axis(&TrackKnot::lat)};
}

double stormWind(double h) {
  constexpr size_t n = std::size(kStormTrack);
  if (h <= kStormTrack[0].h) return kStormTrack[0].windMs;
  for (size_t i = 0; i + 1 < n; ++i)
    if (h <= kStormTrack[i + 1].h) {
      const double t = (h - kStormTrack[i].h) / (kStormTrack[i + 1].h - kStormTrack[i].h);
      return kStormTrack[i].windMs + (kStormTrack[i + 1].windMs - kStormTrack[i].windMs) * t;
    }
  return kStormTrack[n - 1].windMs;
}

// Central pressure from the wind (Atkinson-Holliday: V[kt] = 6.7 (1010 - p)^0.644).
double stormPressure(double windMs) { return 1010 - std::pow(std::max(0.0, windMs * 1.94384 / 6.7), 1 / 0.644); }

feeds::LngLat offsetKm(feeds::LngLat p, double eastKm, double northKm) {
  return {p.lng + eastKm / (111.32 * std::cos(p.lat * std::numbers::pi / 180)), p.lat + northKm / 110.574};
}

}  // namespace

double freeFlowKmh(const std::string& highway) {
  if (highway == "motorway") return 80;
  if (highway == "trunk") return 55;
  if (highway == "primary") return 45;
  if (highway == "secondary") return 40;
  if (highway == "tertiary" || highway.ends_with("_link")) return 35;
  if (highway == "unclassified") return 30;
  if (highway == "living_street") return 15;
  return 25;  // residential
}

feeds::Congestion congestionFor(double factor) {
  if (factor >= 0.85) return feeds::Congestion::Free;
  if (factor >= 0.65) return feeds::Congestion::Light;
  if (factor >= 0.45) return feeds::Congestion::Moderate;
  if (factor >= 0.25) return feeds::Congestion::Heavy;
  return feeds::Congestion::Standstill;
}

std::optional<Scenario> parseScenario(std::string_view name) {
  if (name == "normal") return Scenario::Normal;
  if (name == "rush") return Scenario::Rush;
  if (name == "typhoon") return Scenario::Typhoon;
  return std::nullopt;
}

std::string_view scenarioName(Scenario s) {
  switch (s) {
    case Scenario::Normal:
      return "normal";
    case Scenario::Rush:
      return "rush";
    case Scenario::Typhoon:
      return "typhoon";
  }
  return "?";
}

int64_t localMidnightMs(int64_t utcMs) {
  const int64_t local = utcMs + kLocalOffsetMs;
  const int64_t day = local >= 0 ? local / kDayMs : (local - kDayMs + 1) / kDayMs;
  return day * kDayMs - kLocalOffsetMs;
}

int64_t scenarioStartMs(Scenario s, int64_t dayMs) {
  switch (s) {
    case Scenario::Normal:
      return dayMs;
    case Scenario::Rush:
      return localMidnightMs(dayMs) + 7 * kHourMs;
    case Scenario::Typhoon:
      return localMidnightMs(dayMs);
  }
  return dayMs;
}

Simulator::Simulator(const CityData& data, SimConfig config)
    : data_(data),
      config_(std::move(config)),
      now_(config_.simStartMs + config_.skipMs),
      sequence_(uint64_t(config_.wallStartMs) * 1000) {
  const uint64_t seed = config_.seed;
  stations_.resize(data_.stations.size());
  for (size_t i = 0; i < stations_.size(); ++i) {
    StationState& s = stations_[i];
    s.phase = uniform(0, 2 * std::numbers::pi, seed, {kPhase, i});
    s.gain = uniform(0.8, 1.2, seed, {kGain, i});
    s.base = data_.stations[i].kind == tile::IocKind::FloodStation ? uniform(0, 20, seed, {kBase, i})
                                                                   : uniform(-5, 5, seed, {kBase, i});
  }
  shelters_.resize(data_.shelters.size());
  for (size_t i = 0; i < shelters_.size(); ++i) {
    shelters_[i].openAtH = 2 + 2 * unit01(seed, {kShelterOpen, i});
    shelters_[i].fill = uniform(0.3, 0.95, seed, {kShelterFill, i});
  }
  roads_.resize(data_.roads.size());
  for (size_t i = 0; i < roads_.size(); ++i) {
    const Road& r = data_.roads[i];
    roads_[i].freeFlow = freeFlowKmh(r.highway);
    const double classSens = r.highway == "primary" || r.highway == "trunk" ? 1.0
                             : r.highway == "secondary"                     ? 0.9
                             : r.highway == "tertiary"                      ? 0.8
                                                                            : 0.5;
    roads_[i].sensitivity = classSens * uniform(0.7, 1.3, seed, {kRoadSens, r.id});
    if (isMajor(r.highway)) majorRoads_.push_back(i);
  }
  // Roads within 400 m of each flood station or tower: closed when the water is deep.
  nearRoads_.resize(data_.stations.size());
  for (size_t i = 0; i < data_.stations.size(); ++i) {
    const Station& st = data_.stations[i];
    if (st.kind != tile::IocKind::FloodStation && st.kind != tile::IocKind::FloodTower) continue;
    for (size_t k = 0; k < data_.roads.size(); ++k)
      for (const auto& p : data_.roads[k].line)
        if (feeds::distanceMetres(p, st.position) < 400) {
          nearRoads_[i].push_back(k);
          break;
        }
  }

  // Vehicles: chain each route's trips into vehicle blocks (a bus takes the next trip back from
  // the terminal it arrived at after a 5-minute layover), so the fleet looks like a real one.
  std::map<std::string, std::vector<size_t>> byRoute;
  for (size_t i = 0; i < data_.trips.size(); ++i) byRoute[data_.trips[i].route].push_back(i);
  for (auto& [route, trips] : byRoute) {
    std::vector<size_t> fleet;  // indices into vehicles_ for this route
    for (size_t t : trips) {
      const Trip& trip = data_.trips[t];
      size_t chosen = SIZE_MAX;
      for (size_t v : fleet) {
        const Trip& last = data_.trips[vehicles_[v].trips.back()];
        if (last.direction != trip.direction && last.endS() + 300 <= trip.startS()) {
          chosen = v;
          break;
        }
      }
      if (chosen == SIZE_MAX) {
        chosen = vehicles_.size();
        Vehicle v;
        v.route = route;
        char label[48];
        std::snprintf(label, sizeof label, "%s-%02zu", route.c_str(), fleet.size() + 1);
        v.label = label;
        v.id = StableId("feedsim/bus").add(route).add(std::to_string(fleet.size() + 1)).id();
        vehicles_.push_back(std::move(v));
        fleet.push_back(chosen);
      }
      vehicles_[chosen].trips.push_back(t);
    }
  }
  vehicleStates_.resize(vehicles_.size());
}

int64_t Simulator::wallTimeOf(int64_t simMs) const {
  return config_.wallStartMs +
         int64_t(std::llround(double(simMs - config_.simStartMs - config_.skipMs) / config_.speedup));
}

double Simulator::localHour(int64_t simMs) const { return double(simMs - localMidnightMs(simMs)) / double(kHourMs); }

double Simulator::stormProfile(double h) const {
  if (config_.scenario != Scenario::Typhoon || h < 0) return 0;
  // Outer rain bands first, the eye wall around landfall (~9.5 h), then a long tail.
  return std::min(1.0, 0.9 * bump(h, 9.5, 3.2) + 0.3 * bump(h, 4, 1.2) + 0.15 * bump(h, 15, 3));
}

double Simulator::rainAt(size_t station, int64_t simMs) const {
  const uint64_t seed = config_.seed;
  const double h = hoursSinceStart(simMs);
  const double gain = uniform(0.8, 1.25, seed, {kRain, station});
  if (config_.scenario == Scenario::Typhoon) {
    const double n = smoothNoise(seed, hashAll(kRain, {station}), simMs, 20 * kMinuteMs);
    return std::max(0.0, 60 * stormProfile(h) * gain * (1 + 0.25 * n) + 0.5);
  }
  // Afternoon convective showers, correlated within a district.
  const uint64_t cluster = textHash(data_.stations[station].district);
  const double c = smoothNoise(seed, hashAll(kShower, {cluster}), simMs, 40 * kMinuteMs);
  const double likelihood = 0.3 + bump(localHour(simMs), 15.5, 2.5);
  return std::max(0.0, (c - 0.5) * 40 * likelihood * gain);
}

double Simulator::trafficFactor(size_t road, int64_t simMs) const {
  const RoadState& r = roads_[road];
  if (r.closed) return 0;
  const double lh = localHour(simMs);
  double load =
      0.55 * bump(lh, 7.35, 0.75) + 0.6 * bump(lh, 17.5, 1.0) + 0.25 * bump(lh, 12, 1.5) + 0.12 * bump(lh, 14, 5);
  if (config_.scenario == Scenario::Rush) load *= 1.35;
  double f = 1 - r.sensitivity * load;
  f += 0.08 * smoothNoise(config_.seed, hashAll(kRoadNoise, {data_.roads[road].id}), simMs, 10 * kMinuteMs);
  if (config_.scenario == Scenario::Typhoon) f *= 1 - 0.45 * std::min(1.0, cityRain_ / 50);
  if (r.accidentUntil > simMs) f *= 0.3;
  return std::clamp(f, 0.05, 1.0);
}

bool Simulator::busServiceSuspended(int64_t simMs) const {
  const double h = hoursSinceStart(simMs);
  return config_.scenario == Scenario::Typhoon && h >= 5 && h < 20;
}

int64_t Simulator::interval(int64_t simIntervalMs, double wallFloorS) const {
  const auto floorMs = int64_t(wallFloorS * 1000 * config_.speedup);
  const int64_t v = std::max(simIntervalMs, floorMs);
  return std::max<int64_t>(kStepMs, v / kStepMs * kStepMs);
}

uint64_t Simulator::stormId() { return StableId("feedsim/storm").add("9").id(); }

std::optional<feeds::StormReport> Simulator::storm(int64_t simMs) const {
  const double h = hoursSinceStart(simMs);
  if (config_.scenario != Scenario::Typhoon || h < kStormFirstH || h >= kStormLastH) return std::nullopt;
  const auto point = [&](double at, double windMs, double radiusKm, feeds::LngLat position) {
    feeds::StormPoint p;
    p.timeMs = wallTimeOf(config_.simStartMs + int64_t(std::llround(at * double(kHourMs))));
    p.position = {std::round(position.lng * 1e4) / 1e4, std::round(position.lat * 1e4) / 1e4};
    p.windMs = float(round1(windMs));
    p.category = feeds::stormCategoryFor(feeds::beaufortLevel(p.windMs));
    p.radiusKm = float(std::round(radiusKm));
    return p;
  };
  feeds::StormReport s;
  s.stormId = stormId();
  s.nameVi = "Bão số 9 (MÔ PHỎNG)";
  s.nameEn = "Typhoon No. 9 (SIMULATED)";
  const feeds::StormPoint now = point(h, stormWind(h), 0, stormPosition(h));
  s.position = now.position;
  s.windMs = now.windMs;
  s.gustMs = float(round1(stormWind(h) * 1.35));
  s.beaufort = uint8_t(feeds::beaufortLevel(s.windMs));
  s.gustBeaufort = uint8_t(feeds::beaufortLevel(s.gustMs));
  s.category = feeds::stormCategoryFor(s.beaufort);
  s.pressureHpa = float(std::round(stormPressure(s.windMs)));
  const feeds::LngLat ahead = stormPosition(h + 1);
  s.headingDeg = feeds::bearingDegrees(s.position, ahead);
  if (s.headingDeg >= 360) s.headingDeg = 0;
  s.speedKmh = float(std::round(feeds::distanceMetres(stormPosition(h), ahead) / 1000));
  s.strongWindRadiusKm = float(std::round(std::max(0.0, 6 * (stormWind(h) - 10.8))));
  // The track so far: every 3 h for the last 48 h.
  for (double at = std::floor(h / 3) * 3 - 45; at < h; at += 3)
    if (at > h - 48) s.past.push_back(point(at, stormWind(at), 0, stormPosition(at)));
  // The forecast: every 6 h to a day, then every 12 h to 3 days, as long as it is a storm
  // (>= 8 m/s); off the true track by an error that grows with the lead and drifts slowly with
  // the time of issue, inside a cone of 15 km + 3 km per hour of lead.
  const uint64_t seed = config_.seed;
  const double cross = smoothNoise(seed, kStormCross, simMs, 6 * kHourMs),
               along = smoothNoise(seed, kStormAlong, simMs, 6 * kHourMs);
  for (const double lead : {6.0, 12.0, 18.0, 24.0, 36.0, 48.0, 72.0}) {
    const double at = h + lead, wind = stormWind(at);
    if (wind < 8) break;
    const feeds::LngLat truth = stormPosition(at);
    const double b = double(feeds::bearingDegrees(stormPosition(at - 1), truth)) * std::numbers::pi / 180;
    const double errKm = 35 * lead / 24;
    const double e = errKm * (0.6 * along * std::sin(b) + cross * std::cos(b)),
                 n = errKm * (0.6 * along * std::cos(b) - cross * std::sin(b));
    s.forecast.push_back(point(at, wind, 15 + 3 * lead, offsetKm(truth, e, n)));
  }
  return s;
}

size_t Simulator::openShelters() const {
  return size_t(std::count_if(shelters_.begin(), shelters_.end(), [](const ShelterState& s) { return s.open; }));
}

// ---- the model ---------------------------------------------------------------------------

void Simulator::stepHydrology(int64_t simMs) {
  const double dtH = double(kStepMs) / double(kHourMs);
  const double h = hoursSinceStart(simMs);
  const double tH = double(simMs) / double(kHourMs);  // absolute, so tides do not depend on the start
  double rainSum = 0;
  int gauges = 0;
  for (size_t i = 0; i < stations_.size(); ++i) {
    StationState& s = stations_[i];
    const tile::IocKind kind = data_.stations[i].kind;
    const double rain = rainAt(i, simMs);
    s.smoothRain += (rain - s.smoothRain) * std::min(1.0, dtH / 1.0);
    const double tide = 30 * std::sin(2 * std::numbers::pi * tH / 24.84 + s.phase) +
                        10 * std::sin(2 * std::numbers::pi * tH / 12.42 + 2 * s.phase);
    switch (kind) {
      case tile::IocKind::RainGauge:
        s.value = rain;
        rainSum += rain;
        ++gauges;
        break;
      case tile::IocKind::FloodStation: {
        // A river gauge: tide plus a linear reservoir fed by the rain (time constant 6 h).
        const double baseT = s.base + tide;
        if (!started_) s.value = baseT;
        s.value += (0.75 * s.gain * s.smoothRain - (s.value - baseT) / 6.0) * dtH;
        break;
      }
      case tile::IocKind::FloodTower: {
        // Street flooding: what the drains (about 22 mm/h) cannot take, with a 30-minute lag.
        const double target = std::max(0.0, 1.6 * (s.smoothRain * s.gain - 22));
        if (!started_) s.value = target;
        s.value += (target - s.value) * std::min(1.0, dtH / 0.5);
        break;
      }
      case tile::IocKind::CoastalStation:
        s.value = 1.5 * tide + s.base + 130 * s.gain * stormProfile(h);
        break;
      default:
        break;
    }
    if (!started_) std::fill(std::begin(s.history), std::end(s.history), s.value);
    if (simMs % (5 * kMinuteMs) == 0) {
      std::copy_backward(std::begin(s.history), std::end(s.history) - 1, std::end(s.history));
      s.history[0] = s.value;
    }
  }
  cityRain_ = gauges ? rainSum / gauges : 0;
  cityRainTotalMm_ += cityRain_ * dtH;
}

feeds::SensorReading Simulator::reading(size_t i) const {
  const Station& st = data_.stations[i];
  const StationState& s = stations_[i];
  feeds::SensorReading r;
  r.stationId = st.id;
  r.kind = st.kind;
  r.position = st.position;
  r.value = float(round1(s.value));
  double eps = 2;
  switch (st.kind) {
    case tile::IocKind::FloodStation:
      r.unit = feeds::Unit::Centimetre;
      r.thresholds = {100, 180, 250};
      break;
    case tile::IocKind::FloodTower:
      r.unit = feeds::Unit::Centimetre;
      r.thresholds = {10, 30, 50};
      break;
    case tile::IocKind::RainGauge:
      r.unit = feeds::Unit::MillimetrePerHour;
      r.thresholds = {10, 30, 50};
      eps = 1;
      break;
    default:
      r.unit = feeds::Unit::Centimetre;
      r.thresholds = {80, 120, 160};
      break;
  }
  const double delta = s.value - s.history[3];
  r.trend = delta > eps ? feeds::Trend::Rising : delta < -eps ? feeds::Trend::Falling : feeds::Trend::Steady;
  return r;
}

void Simulator::openIncident(uint64_t id, Incident incident) {
  incident.incidentId = id;
  auto it = incidents_.find(id);
  if (it != incidents_.end()) {
    Incident& cur = it->second.incident;
    // Keep the original start; publish again only when something users see changed.
    incident.startMs = cur.startMs;
    const bool urgent = cur.severity != incident.severity || cur.segmentIds != incident.segmentIds;
    const bool changed = urgent || cur.textEn != incident.textEn || incident.expiryMs - cur.expiryMs >= 15 * kMinuteMs;
    if (!changed) return;
    it->second.incident = std::move(incident);
    it->second.dirty = true;
    it->second.urgent = it->second.urgent || urgent;
    return;
  }
  incidents_[id] = {std::move(incident), true, true};
}

void Simulator::closeIncident(uint64_t id) {
  if (incidents_.erase(id)) cancelled_.push_back(id);
}

void Simulator::stepIncidents(int64_t simMs) {
  const uint64_t seed = config_.seed;
  const double h = hoursSinceStart(simMs);
  const double lh = localHour(simMs);

  // Flood alerts and road closures at the flood stations and towers.
  for (RoadState& r : roads_) r.closed = false;
  for (size_t i = 0; i < stations_.size(); ++i) {
    const Station& st = data_.stations[i];
    if (st.kind != tile::IocKind::FloodStation && st.kind != tile::IocKind::FloodTower) continue;
    const feeds::SensorReading r = reading(i);
    const int level = r.alertLevel();
    const uint64_t floodId = StableId("feedsim/incident").add("flood").add(std::to_string(st.id)).id();
    const uint64_t closureId = StableId("feedsim/incident").add("closure").add(std::to_string(st.id)).id();
    if (level == 0) {
      closeIncident(floodId);
    } else {
      Incident in;
      in.kind = IncidentKind::Flood;
      in.severity = severityForLevel(level);
      in.point = st.position;
      in.area = circle(st.position, st.kind == tile::IocKind::FloodTower ? 300 : 800);
      const std::string v = formatValue(r.value), lv = std::to_string(level);
      in.titleVi = "Ngập lụt: " + st.name;
      in.titleEn = "Flooding: " + st.name;
      if (st.kind == tile::IocKind::FloodTower) {
        in.textVi = "Nước ngập sâu " + v + " cm trên đường (mức cảnh báo " + lv + ").";
        in.textEn = "Water " + v + " cm deep on the street (warning level " + lv + ").";
      } else {
        in.textVi = "Mực nước " + v + " cm, vượt báo động " + lv + ".";
        in.textEn = "Water level " + v + " cm, above alert level " + lv + ".";
      }
      in.adviceVi = "Không đi qua vùng ngập; di chuyển người và tài sản lên chỗ cao.";
      in.adviceEn = "Do not drive or walk through flood water; move people and belongings to higher ground.";
      in.startMs = simMs;
      in.expiryMs = simMs + 6 * kHourMs;
      openIncident(floodId, std::move(in));
    }
    // Deep water closes the roads around it.
    std::vector<uint64_t> closed;
    if (level >= 2)
      for (size_t k : nearRoads_[i]) {
        roads_[k].closed = true;
        closed.push_back(data_.roads[k].id);
      }
    if (closed.empty()) {
      closeIncident(closureId);
    } else {
      Incident in;
      in.kind = IncidentKind::RoadClosure;
      in.severity = Severity::Severe;
      in.point = st.position;
      in.titleVi = "Cấm đường do ngập: " + st.name;
      in.titleEn = "Roads closed by flooding: " + st.name;
      in.textVi = std::to_string(closed.size()) + " đoạn đường bị cấm trong bán kính 400 m.";
      in.textEn = std::to_string(closed.size()) + " road segments closed within 400 m.";
      in.adviceVi = "Đi đường khác.";
      in.adviceEn = "Use another route.";
      in.startMs = simMs;
      in.expiryMs = simMs + 6 * kHourMs;
      in.segmentIds = std::move(closed);
      openIncident(closureId, std::move(in));
    }
  }

  if (config_.scenario == Scenario::Typhoon) {
    const uint64_t stormId = StableId("feedsim/incident").add("storm").id();
    if (h >= 0 && h < 22) {
      Incident in;
      in.kind = IncidentKind::Storm;
      in.point = feeds::LngLat{108.2, 16.05};
      in.area = {{107.9, 15.9}, {108.35, 15.9}, {108.35, 16.25}, {107.9, 16.25}};
      if (h < 6) {
        in.severity = Severity::Severe;
        in.titleVi = "Bão đang tiến vào Đà Nẵng (mô phỏng)";
        in.titleEn = "Typhoon approaching Da Nang (simulated)";
        in.textVi = "Bão dự kiến đổ bộ trong vài giờ tới, gió mạnh và mưa rất to.";
        in.textEn = "Landfall expected within hours, with strong winds and very heavy rain.";
      } else if (h < 14) {
        in.severity = Severity::Extreme;
        in.titleVi = "Bão đổ bộ Đà Nẵng (mô phỏng)";
        in.titleEn = "Typhoon making landfall in Da Nang (simulated)";
        in.textVi = "Gió giật mạnh, mưa rất to, nguy cơ ngập lụt và sạt lở.";
        in.textEn = "Violent gusts, very heavy rain, risk of flooding and landslides.";
      } else {
        in.severity = Severity::Moderate;
        in.titleVi = "Bão suy yếu (mô phỏng)";
        in.titleEn = "Typhoon weakening (simulated)";
        in.textVi = "Mưa còn to, nước rút chậm.";
        in.textEn = "Heavy rain continues; water recedes slowly.";
      }
      in.adviceVi = "Ở trong nhà hoặc đến nhà trú bão gần nhất; tránh ra biển và bờ sông.";
      in.adviceEn = "Stay indoors or go to the nearest storm shelter; keep away from the sea and river banks.";
      in.startMs = config_.simStartMs;
      in.expiryMs = config_.simStartMs + 26 * kHourMs;
      openIncident(stormId, std::move(in));
    } else {
      closeIncident(stormId);
    }
    // Landslides on the slopes once the soil is saturated.
    if (cityRainTotalMm_ >= 150 && h < 22 && !landslidesRaised_) {
      landslidesRaised_ = true;
      for (size_t k = 0; k < std::min<size_t>(4, data_.landslides.size()); ++k) {
        const size_t site = size_t(hashAll(config_.seed, {kLandslide, k}) % data_.landslides.size());
        const LandslideSite& ls = data_.landslides[site];
        const uint64_t id = StableId("feedsim/incident").add("landslide").add(std::to_string(site)).id();
        Incident in;
        in.kind = IncidentKind::Landslide;
        in.severity = Severity::Severe;
        in.point = ls.position;
        in.area = circle(ls.position, 500);
        in.titleVi = "Nguy cơ sạt lở: " + ls.area;
        in.titleEn = "Landslide risk: " + ls.area;
        in.textVi = "Lượng mưa tích lũy " + formatValue(cityRainTotalMm_) + " mm; đất đã bão hòa.";
        in.textEn = "Accumulated rain " + formatValue(cityRainTotalMm_) + " mm; the ground is saturated.";
        in.adviceVi = "Sơ tán khỏi chân và sườn dốc.";
        in.adviceEn = "Evacuate slopes and the foot of hillsides.";
        in.startMs = simMs;
        in.expiryMs = simMs + 12 * kHourMs;
        openIncident(id, std::move(in));
      }
    }
  }

  // Accidents: a chance every 5 minutes, higher in rush hours.
  if (!majorRoads_.empty() && simMs % (5 * kMinuteMs) == 0) {
    const uint64_t bucket = uint64_t(simMs / (5 * kMinuteMs));
    double p = 0.04 + 0.12 * rushness(lh);
    if (config_.scenario == Scenario::Rush) p *= 2;
    if (config_.scenario == Scenario::Typhoon) p = 0.06 + 0.1 * std::min(1.0, cityRain_ / 40);
    if (unit01(seed, {kAccident, bucket}) < p) {
      const size_t k = majorRoads_[hashAll(seed, {kAccidentRoad, bucket}) % majorRoads_.size()];
      const Road& road = data_.roads[k];
      const int64_t duration = int64_t(uniform(20, 60, seed, {kAccidentLen, bucket})) * kMinuteMs;
      roads_[k].accidentUntil = simMs + duration;
      Incident in;
      in.kind = IncidentKind::Accident;
      in.severity = unit01(seed, {kAccidentSev, bucket}) < 0.25 ? Severity::Severe : Severity::Moderate;
      in.point = road.line[road.line.size() / 2];
      const std::string where = road.name.empty() ? std::string("đường không tên") : road.name;
      const std::string whereEn = road.name.empty() ? std::string("an unnamed road") : road.name;
      in.titleVi = "Tai nạn giao thông trên " + where;
      in.titleEn = "Traffic accident on " + whereEn;
      in.textVi = "Một làn bị chặn; xe đi chậm.";
      in.textEn = "One lane blocked; slow traffic.";
      in.adviceVi = "Giảm tốc độ, chú ý lực lượng chức năng.";
      in.adviceEn = "Slow down and follow the officers' directions.";
      in.startMs = simMs;
      in.expiryMs = simMs + duration;
      in.segmentIds = {road.id};
      openIncident(StableId("feedsim/incident").add("accident").add(std::to_string(bucket)).id(), std::move(in));
    }
  }

  // Traffic jams on named major streets, from the modelled speeds.
  if (simMs % kMinuteMs == 0) {
    std::map<std::string, std::pair<double, std::vector<size_t>>> streets;
    for (size_t k : majorRoads_) {
      const Road& r = data_.roads[k];
      if (r.name.empty() || r.highway == "tertiary" || roads_[k].closed) continue;
      auto& s = streets[r.name];
      s.first += trafficFactor(k, simMs);
      s.second.push_back(k);
    }
    for (auto& [name, s] : streets) {
      const double mean = s.first / double(s.second.size());
      const uint64_t id = StableId("feedsim/incident").add("jam").add(name).id();
      if (mean < 0.4) {
        Incident in;
        in.kind = IncidentKind::TrafficJam;
        in.severity = mean < 0.25 ? Severity::Moderate : Severity::Minor;
        const Road& mid = data_.roads[s.second[s.second.size() / 2]];
        in.point = mid.line[mid.line.size() / 2];
        in.titleVi = "Ùn tắc trên đường " + name;
        in.titleEn = "Traffic jam on " + name;
        in.textVi = "Tốc độ trung bình " + formatValue(mean * 100) + "% so với bình thường.";
        in.textEn = "Average speed " + formatValue(mean * 100) + "% of normal.";
        in.adviceVi = "Chọn lộ trình khác nếu có thể.";
        in.adviceEn = "Take another route if you can.";
        in.startMs = simMs;
        in.expiryMs = simMs + kHourMs;
        for (size_t k : s.second) in.segmentIds.push_back(data_.roads[k].id);
        openIncident(id, std::move(in));
      } else if (mean > 0.5) {
        closeIncident(id);
      }
    }
  }
}

void Simulator::step(int64_t simMs) {
  stepHydrology(simMs);
  if (config_.incidents) stepIncidents(simMs);
  const double h = hoursSinceStart(simMs);
  for (size_t i = 0; i < shelters_.size(); ++i) {
    ShelterState& s = shelters_[i];
    if (config_.scenario != Scenario::Typhoon) {
      s.open = false;
      s.occupancy = 0;
      continue;
    }
    const double closeAtH = 24 + 2 * unit01(config_.seed, {kShelterClose, i});
    s.open = h >= s.openAtH && h < closeAtH;
    const double cap = data_.shelters[i].capacity > 0 ? data_.shelters[i].capacity : 100;
    double fill = s.open ? s.fill / (1 + std::exp(-(h - s.openAtH - 3) / 1.0)) : 0;
    if (h > 20) fill *= std::max(0.0, 1 - (h - 20) / 4);
    s.occupancy = int32_t(std::lround(cap * fill));
  }
}

// ---- messages ----------------------------------------------------------------------------

void Simulator::publish(feeds::FeedPayload payload, int64_t simMs, std::vector<Outgoing>& out) {
  feeds::FeedMessage m;
  m.source = config_.source;
  m.sequence = ++sequence_;
  m.timestampMs = wallTimeOf(simMs);
  m.simulated = true;
  m.payload = std::move(payload);
  Outgoing o;
  o.topic = feeds::feedTopic(config_.city, m.kind(), m.entityId());
  o.payload = feeds::encodeFeedMessage(m);
  o.simMs = simMs;
  ++stats_.messages;
  ++stats_.perKind[size_t(m.kind())];
  o.message = std::move(m);
  out.push_back(std::move(o));
}

void Simulator::clear(FeedKind kind, uint64_t id, int64_t simMs, std::vector<Outgoing>& out) {
  Outgoing o;
  o.topic = feeds::feedTopic(config_.city, kind, id);
  o.simMs = simMs;
  ++stats_.clears;
  out.push_back(std::move(o));
}

void Simulator::emitBuses(int64_t simMs, std::vector<Outgoing>& out) {
  const uint64_t seed = config_.seed;
  const int64_t midnight = localMidnightMs(simMs);
  const uint64_t day = uint64_t((midnight + kLocalOffsetMs) / kDayMs);
  const double tS = double(simMs - midnight) / 1000.0;  // seconds after local midnight
  const int64_t busInterval = interval(15 * kSecondMs, 1.0);
  activeVehicles_ = 0;
  for (size_t v = 0; v < vehicles_.size(); ++v) {
    const Vehicle& veh = vehicles_[v];
    VehicleState& vs = vehicleStates_[v];
    // Where is the vehicle: on a trip, in a layover before its next one, or off duty.
    const Trip* trip = nullptr;
    const Trip* next = nullptr;
    double actualStart = 0, actualEnd = 0;
    for (size_t t : veh.trips) {
      const Trip& tr = data_.trips[t];
      const int64_t tripStartMs = midnight + int64_t(tr.startS()) * 1000;
      if (busServiceSuspended(tripStartMs)) continue;
      const uint64_t key = hashAll(day, {textHash(tr.id)});
      const double d0 = uniform(0, 90, seed, {kTripStart, key});
      const double sched = tr.endS() - tr.startS();
      const double startH = double(tr.startS()) / 3600;
      double extra = uniform(-60, 150, seed, {kTripExtra, key}) +
                     360 * rushness(startH + sched / 7200) * (config_.scenario == Scenario::Rush ? 1.8 : 1.0) +
                     500 * stormProfile(hoursSinceStart(tripStartMs));
      extra = std::max(extra, -0.2 * sched);
      const double s0 = tr.startS() + d0, s1 = tr.endS() + d0 + extra;
      if (tS < s0) {
        if (s0 - tS <= 20 * 60) next = &tr;
        break;
      }
      if (tS < s1) {
        trip = &tr;
        actualStart = s0;
        actualEnd = s1;
        break;
      }
    }
    const bool active = trip || next;
    if (!active) {
      if (vs.active) clear(FeedKind::Bus, veh.id, simMs, out);
      vs.active = false;
      continue;
    }
    ++activeVehicles_;
    if (vs.active && vs.nextDue > simMs) continue;
    vs.nextDue =
        simMs + (vs.active ? busInterval : int64_t(double(busInterval) * uniform(0.2, 1.0, seed, {kStagger, veh.id})));
    vs.active = true;

    feeds::BusReport b;
    b.vehicleId = veh.id;
    b.label = veh.label;
    b.route = veh.route;
    if (trip) {
      const double sched = trip->endS() - trip->startS();
      const double q = (tS - actualStart) / (actualEnd - actualStart);
      const double s = trip->startS() + q * sched;  // where the timetable would be now
      size_t i = 0;
      while (i + 2 < trip->stops.size() && trip->stops[i + 1].arrivalS <= s) ++i;
      const StopTime& a = trip->stops[i];
      const StopTime& c = trip->stops[i + 1];
      const double span = std::max(1, c.arrivalS - a.departureS);
      const double f = std::clamp((s - a.departureS) / span, 0.0, 1.0);
      const Polyline& shape = data_.shapes[trip->shape];
      float bearing = 0;
      b.position = shape.at(a.distM + (c.distM - a.distM) * f, &bearing);
      b.bearingDeg = bearing >= 360 ? 0 : bearing;
      b.speedKmh = float(std::clamp((c.distM - a.distM) / span * 3.6 * sched / (actualEnd - actualStart), 0.0, 90.0));
      b.direction = trip->direction;
      b.tripId = trip->id;
      b.nextStopId = data_.stops[c.stop].id;
      b.nextStopName = data_.stops[c.stop].name;
      b.delayS = int32_t(std::lround(tS - s));
    } else {
      // Waiting at the terminal for its next trip.
      const BusStop& first = data_.stops[next->stops.front().stop];
      b.position = data_.shapes[next->shape].at(next->stops.front().distM, &b.bearingDeg);
      if (b.bearingDeg >= 360) b.bearingDeg = 0;
      b.speedKmh = 0;
      b.direction = next->direction;
      b.tripId = next->id;
      b.nextStopId = first.id;
      b.nextStopName = first.name;
      b.delayS = 0;
    }
    publish(std::move(b), simMs, out);
  }
}

void Simulator::emitStorm(int64_t simMs, std::vector<Outgoing>& out) {
  auto s = storm(simMs);
  if (!s) {
    if (stormPublished_) clear(FeedKind::Storm, stormId(), simMs, out);  // gone: clear the retained report
    stormPublished_ = false;
    return;
  }
  if (stormPublished_ && stormNextDue_ > simMs) return;
  stormNextDue_ = simMs + interval(5 * kMinuteMs, 2.0);
  stormPublished_ = true;
  publish(std::move(*s), simMs, out);
}

void Simulator::emit(int64_t simMs, std::vector<Outgoing>& out) {
  const uint64_t seed = config_.seed;
  const auto due = [&](int64_t& nextDue, int64_t every, uint64_t key) {
    if (nextDue > simMs) return false;
    // The first round goes out at once; later rounds are spread over the interval.
    nextDue = simMs + (started_ ? every : int64_t(double(every) * uniform(0.3, 1.3, seed, {kStagger, key})));
    return true;
  };
  if (config_.sensors) {
    const int64_t every = interval(5 * kMinuteMs, 2.0);
    for (size_t i = 0; i < stations_.size(); ++i)
      if (due(stations_[i].nextDue, every, data_.stations[i].id)) publish(reading(i), simMs, out);
  }
  if (config_.shelters) {
    const int64_t every = interval(10 * kMinuteMs, 5.0);
    for (size_t i = 0; i < shelters_.size(); ++i) {
      ShelterState& s = shelters_[i];
      const bool changed = s.sent && (s.open != s.lastOpen);
      if (!due(s.nextDue, every, data_.shelters[i].id) && !changed) continue;
      s.sent = true;
      s.lastOpen = s.open;
      s.lastOccupancy = s.occupancy;
      publish(feeds::ShelterStatus{data_.shelters[i].id, s.open, data_.shelters[i].capacity, s.occupancy}, simMs, out);
    }
  }
  if (config_.traffic) {
    const int64_t every = interval(kMinuteMs, 5.0);
    for (size_t k = 0; k < roads_.size(); ++k) {
      if (!due(roads_[k].nextDue, every, data_.roads[k].id)) continue;
      const double f = trafficFactor(k, simMs);
      feeds::TrafficUpdate t;
      t.segmentId = data_.roads[k].id;
      t.freeFlowKmh = float(roads_[k].freeFlow);
      if (roads_[k].closed) {
        t.speedKmh = 0;
        t.congestion = feeds::Congestion::Closed;
      } else {
        t.speedKmh = float(round1(roads_[k].freeFlow * f));
        t.congestion = congestionFor(f);
      }
      publish(t, simMs, out);
    }
  }
  if (config_.buses) emitBuses(simMs, out);
  if (config_.storm) emitStorm(simMs, out);
  if (config_.incidents) {
    std::sort(cancelled_.begin(), cancelled_.end());
    for (uint64_t id : cancelled_) clear(FeedKind::Incident, id, simMs, out);
    cancelled_.clear();
    std::vector<uint64_t> ids, expired;
    for (const auto& kv : incidents_) ids.push_back(kv.first);
    std::sort(ids.begin(), ids.end());  // a deterministic order
    for (uint64_t id : ids) {
      IncidentState& st = incidents_.at(id);
      if (st.incident.expiryMs <= simMs) {
        expired.push_back(id);
        continue;
      }
      // Severity changes go out at once; text updates (levels, speeds) at most every 5 minutes.
      if (!st.urgent && !(st.dirty && simMs - st.lastPublishMs >= 5 * kMinuteMs)) continue;
      st.dirty = st.urgent = false;
      st.lastPublishMs = simMs;
      Incident in = st.incident;
      in.startMs = wallTimeOf(in.startMs);
      in.expiryMs = wallTimeOf(in.expiryMs);
      if (in.expiryMs <= in.startMs) in.expiryMs = in.startMs + 1;
      publish(std::move(in), simMs, out);
    }
    for (uint64_t id : expired) {
      incidents_.erase(id);
      clear(FeedKind::Incident, id, simMs, out);
    }
  }
}

void Simulator::advanceTo(int64_t simMs, std::vector<Outgoing>& out) {
  while (!started_ || now_ + kStepMs <= simMs) {
    if (started_) now_ += kStepMs;
    step(now_);
    emit(now_, out);
    started_ = true;
  }
}

}  // namespace citymap::feedsim
