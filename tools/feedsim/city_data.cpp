#include "feedsim/city_data.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "feeds/bus_motion.hpp"
#include "feedsim/feature_ids.hpp"

namespace citymap::feedsim {

namespace {

struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using Dataset = std::unique_ptr<GDALDataset, DatasetCloser>;

Result<Dataset> openVector(const std::string& path, const char* driver = nullptr) {
  const char* drivers[] = {driver, nullptr};
  Dataset ds(static_cast<GDALDataset*>(
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, driver ? drivers : nullptr, nullptr, nullptr)));
  if (!ds) return Error{"cannot open " + path + ": " + CPLGetLastErrorMsg()};
  if (ds->GetLayerCount() < 1) return Error{path + " has no layers"};
  return ds;
}

std::string field(const OGRFeature& f, const char* name) {
  const int i = f.GetFieldIndex(name);
  if (i < 0 || !f.IsFieldSetAndNotNull(i)) return {};
  return f.GetFieldAsString(i);
}

bool pointOf(const OGRFeature& f, LngLat& out) {
  const OGRGeometry* g = f.GetGeometryRef();
  if (!g || wkbFlatten(g->getGeometryType()) != wkbPoint || g->IsEmpty()) return false;
  out = {g->toPoint()->getX(), g->toPoint()->getY()};
  return true;
}

int32_t parseTime(const std::string& hms) {  // "06:01:00", hours may pass 24
  int h = 0, m = 0, s = 0;
  if (std::sscanf(hms.c_str(), "%d:%d:%d", &h, &m, &s) != 3) return -1;
  return h * 3600 + m * 60 + s;
}

std::optional<tile::IocKind> stationKind(const std::string& kind) {
  if (kind == "flood_warning_tower") return tile::IocKind::FloodTower;
  if (kind == "automatic_flood_warning_station") return tile::IocKind::FloodStation;
  if (kind == "automatic_rain_gauge") return tile::IocKind::RainGauge;
  if (kind == "coastal_multi_hazard_warning_station") return tile::IocKind::CoastalStation;
  return std::nullopt;
}

// The old city's extent: landslide sites of the former Quang Nam mountains are far away.
bool inCityArea(LngLat p) { return p.lng >= 107.8 && p.lng <= 108.35 && p.lat >= 15.9 && p.lat <= 16.25; }

}  // namespace

LngLat Polyline::at(double d, float* bearingDeg) const {
  if (points.empty()) return {};
  if (points.size() == 1) return points.front();
  d = std::clamp(d, 0.0, length());
  size_t i = size_t(std::upper_bound(cumM.begin(), cumM.end(), d) - cumM.begin());
  i = std::clamp<size_t>(i, 1, points.size() - 1);
  const LngLat a = points[i - 1], b = points[i];
  const double seg = cumM[i] - cumM[i - 1];
  const double f = seg > 0 ? (d - cumM[i - 1]) / seg : 0;
  if (bearingDeg) *bearingDeg = feeds::bearingDegrees(a, b);
  return {a.lng + (b.lng - a.lng) * f, a.lat + (b.lat - a.lat) * f};
}

double Polyline::project(LngLat p, double fromM) const {
  double best = fromM, bestDist = 1e300;
  const double cosLat = std::cos(p.lat * 3.14159265358979 / 180);
  for (size_t i = 1; i < points.size(); ++i) {
    if (cumM[i] < fromM) continue;
    const LngLat a = points[i - 1], b = points[i];
    const double ax = a.lng * cosLat, ay = a.lat, bx = b.lng * cosLat, by = b.lat, px = p.lng * cosLat, py = p.lat;
    const double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    const LngLat q{a.lng + (b.lng - a.lng) * t, a.lat + (b.lat - a.lat) * t};
    const double dist = feeds::distanceMetres(p, q);
    const double along = cumM[i - 1] + (cumM[i] - cumM[i - 1]) * t;
    if (dist < bestDist - 1e-6 && along >= fromM) {
      bestDist = dist;
      best = along;
    }
  }
  return best;
}

int32_t parseCapacity(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && !(text[i] >= '0' && text[i] <= '9')) ++i;
  int32_t v = 0;
  const auto [p, ec] = std::from_chars(text.data() + i, text.data() + text.size(), v);
  (void)p;
  return ec == std::errc() && v > 0 ? v : 0;
}

namespace {

Result<int> loadPoints(const std::string& path, const std::function<void(const OGRFeature&, LngLat)>& each) {
  auto ds = openVector(path);
  if (!ds) return Error{ds.error()};
  OGRLayer* layer = (*ds)->GetLayer(0);
  int n = 0;
  for (const auto& f : *layer) {
    LngLat p;
    if (!pointOf(*f, p)) continue;
    each(*f, p);
    ++n;
  }
  return n;
}

Result<int> loadRoads(const std::string& path, CityData& out) {
  auto ds = openVector(path, "OSM");
  if (!ds) return Error{ds.error()};
  OGRLayer* lines = (*ds)->GetLayerByName("lines");
  if (!lines) return Error{path + " has no 'lines' layer"};
  // Roads that carry motor traffic; footways, paths, steps and the like get no speeds.
  static const char* kMotor[] = {"motorway",     "trunk",          "primary",       "secondary",     "tertiary",
                                 "unclassified", "residential",    "living_street", "motorway_link", "trunk_link",
                                 "primary_link", "secondary_link", "tertiary_link"};
  for (const auto& f : *lines) {
    const std::string highway = field(*f, "highway");
    if (std::find(std::begin(kMotor), std::end(kMotor), highway) == std::end(kMotor)) continue;
    const std::string osmId = field(*f, "osm_id");
    uint64_t wayId = 0;
    if (std::from_chars(osmId.data(), osmId.data() + osmId.size(), wayId).ec != std::errc() || wayId == 0) continue;
    const OGRGeometry* g = f->GetGeometryRef();
    if (!g || wkbFlatten(g->getGeometryType()) != wkbLineString) continue;
    const OGRLineString& ls = *g->toLineString();
    if (ls.getNumPoints() < 2) continue;
    Road r;
    r.id = osmWayId(wayId);
    r.highway = highway;
    r.name = field(*f, "name");
    for (int i = 0; i < ls.getNumPoints(); ++i) {
      const LngLat p{ls.getX(i), ls.getY(i)};
      if (!r.line.empty()) r.lengthM += feeds::distanceMetres(r.line.back(), p);
      r.line.push_back(p);
    }
    out.roads.push_back(std::move(r));
  }
  std::sort(out.roads.begin(), out.roads.end(), [](const Road& a, const Road& b) { return a.id < b.id; });
  return int(out.roads.size());
}

// One GTFS member file of the zip as rows of named string fields.
Result<std::vector<std::map<std::string, std::string>>> readGtfs(const std::string& zip, const char* member,
                                                                 std::initializer_list<const char*> fields) {
  const std::string path = "/vsizip/" + zip + "/" + member;
  auto ds = openVector("CSV:" + path, "CSV");  // the prefix: GTFS files end in .txt
  if (!ds) return Error{ds.error()};
  OGRLayer* layer = (*ds)->GetLayer(0);
  for (const char* name : fields)
    if (layer->GetLayerDefn()->GetFieldIndex(name) < 0) return Error{path + " has no column " + name};
  std::vector<std::map<std::string, std::string>> rows;
  for (const auto& f : *layer) {
    auto& row = rows.emplace_back();
    for (const char* name : fields) row[name] = field(*f, name);
  }
  return rows;
}

Result<int> loadBuses(const std::string& zip, CityData& out) {
  auto routes = readGtfs(zip, "routes.txt", {"route_id", "route_short_name", "route_long_name"});
  if (!routes) return Error{routes.error()};
  for (auto& r : *routes) out.routes.push_back({r["route_id"], r["route_short_name"], r["route_long_name"]});
  std::unordered_map<std::string, std::string> shortName;
  for (const BusRoute& r : out.routes) shortName[r.id] = r.shortName.empty() ? r.id : r.shortName;

  auto stops = readGtfs(zip, "stops.txt", {"stop_id", "stop_name", "stop_lat", "stop_lon"});
  if (!stops) return Error{stops.error()};
  std::unordered_map<std::string, uint32_t> stopIndex;
  for (auto& s : *stops) {
    stopIndex[s["stop_id"]] = uint32_t(out.stops.size());
    out.stops.push_back(
        {s["stop_id"], s["stop_name"], {std::atof(s["stop_lon"].c_str()), std::atof(s["stop_lat"].c_str())}});
  }

  auto shapes = readGtfs(zip, "shapes.txt", {"shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"});
  if (!shapes) return Error{shapes.error()};
  std::map<std::string, std::vector<std::pair<int, LngLat>>> shapePoints;
  for (auto& s : *shapes)
    shapePoints[s["shape_id"]].push_back(
        {std::atoi(s["shape_pt_sequence"].c_str()),
         {std::atof(s["shape_pt_lon"].c_str()), std::atof(s["shape_pt_lat"].c_str())}});
  std::unordered_map<std::string, uint32_t> shapeIndex;
  for (auto& [id, pts] : shapePoints) {
    std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    Polyline line;
    for (const auto& [seq, p] : pts) {
      line.cumM.push_back(line.points.empty() ? 0.0 : line.cumM.back() + feeds::distanceMetres(line.points.back(), p));
      line.points.push_back(p);
    }
    shapeIndex[id] = uint32_t(out.shapes.size());
    out.shapes.push_back(std::move(line));
  }

  auto trips = readGtfs(zip, "trips.txt", {"route_id", "trip_id", "trip_headsign", "direction_id", "shape_id"});
  if (!trips) return Error{trips.error()};
  std::unordered_map<std::string, size_t> tripIndex;
  for (auto& t : *trips) {
    const auto shape = shapeIndex.find(t["shape_id"]);
    if (shape == shapeIndex.end()) return Error{zip + ": trip " + t["trip_id"] + " has an unknown shape"};
    Trip trip;
    trip.id = t["trip_id"];
    trip.route = shortName[t["route_id"]];
    trip.direction = t["direction_id"] == "1" ? 1 : 0;
    trip.headsign = t["trip_headsign"];
    trip.shape = shape->second;
    tripIndex[trip.id] = out.trips.size();
    out.trips.push_back(std::move(trip));
  }

  auto times =
      readGtfs(zip, "stop_times.txt", {"trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"});
  if (!times) return Error{times.error()};
  std::vector<std::vector<std::pair<int, StopTime>>> perTrip(out.trips.size());
  for (auto& st : *times) {
    const auto trip = tripIndex.find(st["trip_id"]);
    const auto stop = stopIndex.find(st["stop_id"]);
    if (trip == tripIndex.end() || stop == stopIndex.end())
      return Error{zip + ": stop_times.txt names an unknown trip or stop"};
    StopTime t;
    t.stop = stop->second;
    t.arrivalS = parseTime(st["arrival_time"]);
    t.departureS = parseTime(st["departure_time"]);
    if (t.arrivalS < 0 || t.departureS < 0) return Error{zip + ": bad time in stop_times.txt"};
    perTrip[trip->second].push_back({std::atoi(st["stop_sequence"].c_str()), t});
  }
  for (size_t i = 0; i < out.trips.size(); ++i) {
    auto& list = perTrip[i];
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    Trip& trip = out.trips[i];
    const Polyline& shape = out.shapes[trip.shape];
    double along = 0;
    for (auto& [seq, st] : list) {
      along = shape.project(out.stops[st.stop].position, along);
      st.distM = along;
      trip.stops.push_back(st);
    }
  }
  std::erase_if(out.trips, [](const Trip& t) { return t.stops.size() < 2 || t.endS() <= t.startS(); });
  std::sort(out.trips.begin(), out.trips.end(), [](const Trip& a, const Trip& b) {
    return std::tie(a.route, a.stops.front().departureS, a.direction, a.id) <
           std::tie(b.route, b.stops.front().departureS, b.direction, b.id);
  });
  return int(out.trips.size());
}

}  // namespace

Result<CityData> loadCityData(const std::string& dataDir, const LoadOptions& options) {
  GDALAllRegister();
  CPLSetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", "0");
  CityData out;
  const std::string stationsPath = dataDir + "/ioc/disaster_monitoring_stations.geojson";
  auto stations = loadPoints(stationsPath, [&](const OGRFeature& f, LngLat p) {
    const std::string kind = field(f, "kind");
    const auto k = stationKind(kind);
    if (!k) return;
    const std::string name = field(f, "name");
    // Same id as the tiles: namespace = the configured path, fields kind and name.
    const uint64_t id = StableId("ioc/disaster_monitoring_stations.geojson").add(kind).add(name).id();
    out.stations.push_back({id, *k, name, field(f, "district"), p});
  });
  if (!stations) return Error{stations.error()};

  auto shelters = loadPoints(dataDir + "/ioc/storm_shelters.geojson", [&](const OGRFeature& f, LngLat p) {
    const std::string name = field(f, "name");
    // Two rows share name and address, so the position is part of the id.
    const uint64_t id =
        StableId("ioc/storm_shelters.geojson").add(name).add(field(f, "address")).addPoint(p.lng, p.lat).id();
    out.shelters.push_back({id, name, field(f, "district"), p, parseCapacity(field(f, "capacity"))});
  });
  if (!shelters) return Error{shelters.error()};

  auto slides = loadPoints(dataDir + "/ioc/landslide_sites.geojson", [&](const OGRFeature& f, LngLat p) {
    if (inCityArea(p)) out.landslides.push_back({p, field(f, "area")});
  });
  if (!slides) return Error{slides.error()};

  if (options.roads) {
    auto roads = loadRoads(dataDir + "/osm/osm_haichau_center_2026.osm", out);
    if (!roads) return Error{roads.error()};
  }
  if (options.buses) {
    auto buses = loadBuses(dataDir + "/transit/bus_gtfs_derived.zip", out);
    if (!buses) return Error{buses.error()};
  }
  return out;
}

}  // namespace citymap::feedsim
