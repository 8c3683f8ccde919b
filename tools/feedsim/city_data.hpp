#pragma once
// The real Da Nang data the simulator is tied to, read at run time from the data folder
// (../shared/data/danang, see its README; never copied into the repository):
//   ioc/disaster_monitoring_stations.geojson   the 45 monitoring stations
//   ioc/storm_shelters.geojson                 the 413 storm shelters
//   ioc/landslide_sites.geojson                landslide sites (those in the city area)
//   osm/osm_haichau_center_2026.osm            road segments (ways with highway=*)
//   transit/bus_gtfs_derived.zip               the 6 bus routes: timetable, stops, shapes
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "feeds/feed_types.hpp"
#include "tile/kinds.hpp"

namespace citymap::feedsim {

using feeds::LngLat;

struct Station {
  uint64_t id = 0;  // the tile feature id
  tile::IocKind kind = tile::IocKind::FloodStation;
  std::string name;
  std::string district;
  LngLat position;
};

struct Shelter {
  uint64_t id = 0;
  std::string name;
  std::string district;
  LngLat position;
  int32_t capacity = 0;  // people; 0 = unknown
};

struct Road {
  uint64_t id = 0;  // OSM way id << 2 | 1
  std::string highway;
  std::string name;
  std::vector<LngLat> line;
  double lengthM = 0;
};

struct LandslideSite {
  LngLat position;
  std::string area;
};

// A polyline with cumulative distances, for positions along bus routes.
struct Polyline {
  std::vector<LngLat> points;
  std::vector<double> cumM;  // distance from the start to each point
  double length() const { return cumM.empty() ? 0 : cumM.back(); }
  // Point and bearing at distance d from the start (clamped to the line).
  LngLat at(double d, float* bearingDeg = nullptr) const;
  // Distance along the line of the point closest to p, searching from fromM onwards.
  double project(LngLat p, double fromM) const;
};

struct BusStop {
  std::string id;
  std::string name;
  LngLat position;
};

struct StopTime {
  uint32_t stop = 0;     // index into CityData::stops
  int32_t arrivalS = 0;  // seconds after local midnight
  int32_t departureS = 0;
  double distM = 0;  // along the trip's shape
};

struct Trip {
  std::string id;
  std::string route;  // short name, e.g. "R16"
  uint8_t direction = 0;
  std::string headsign;
  uint32_t shape = 0;  // index into CityData::shapes
  std::vector<StopTime> stops;
  int32_t startS() const { return stops.front().departureS; }
  int32_t endS() const { return stops.back().arrivalS; }
};

struct BusRoute {
  std::string id;
  std::string shortName;
  std::string longName;
};

struct CityData {
  std::vector<Station> stations;
  std::vector<Shelter> shelters;
  std::vector<LandslideSite> landslides;
  std::vector<Road> roads;
  std::vector<BusRoute> routes;
  std::vector<BusStop> stops;
  std::vector<Polyline> shapes;
  std::vector<Trip> trips;  // sorted by route, then start time
};

struct LoadOptions {
  bool roads = true;
  bool buses = true;
};

// Reads everything from dataDir; an Error names the file that is missing or unreadable.
Result<CityData> loadCityData(const std::string& dataDir, const LoadOptions& options = {});

// Parses the shelters' free-text capacity ("500", "500-600", "100 ~ 150", "50 người"): the
// first number, 0 if none.
int32_t parseCapacity(std::string_view text);

}  // namespace citymap::feedsim
