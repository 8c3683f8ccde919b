#pragma once
// The feed simulator's model: hydro-met readings at the real monitoring stations, storm shelter
// status, incidents, buses running the real GTFS timetable along the real route shapes, and
// traffic speeds on the real road segments, for three scenarios:
//   normal   an ordinary day: tide, occasional afternoon showers, morning and evening rush
//   rush     a heavy rush hour (starts 07:00): slower roads, more accidents, late buses
//   typhoon  a typhoon making landfall about 9 h after the start (00:00): rain bands, rising
//            rivers and street flooding, flood / storm / landslide alerts, road closures,
//            shelters opening and filling, bus service suspended at the peak; the storm itself
//            (centre, intensity, past track, forecast with its cone) from the East Sea to Laos
// Everything is a deterministic function of the seed and the simulated time: the model steps
// in fixed simulated increments whatever the wall clock does. Every message is marked
// simulated. See docs/FEEDS.md.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "feeds/feed_types.hpp"
#include "feedsim/city_data.hpp"

namespace citymap::feedsim {

enum class Scenario : uint8_t { Normal, Rush, Typhoon };
std::optional<Scenario> parseScenario(std::string_view name);
std::string_view scenarioName(Scenario s);

struct SimConfig {
  Scenario scenario = Scenario::Normal;
  uint64_t seed = 1;
  int64_t simStartMs = 0;   // simulated time of the start, ms since the epoch (UTC)
  int64_t wallStartMs = 0;  // wall-clock time that corresponds to simStartMs
  double speedup = 1;       // simulated seconds per wall second
  // Begin this far into the scenario (--skip-hours): the first step is at simStartMs + skipMs,
  // stamped wallStartMs. Scheduled things (shelters opening, the storm, incidents) are where the
  // scenario has them by then; accumulated state (water levels) starts from its initial value.
  int64_t skipMs = 0;
  std::string source = "feedsim";
  std::string city = "danang";
  bool sensors = true, shelters = true, incidents = true, buses = true, traffic = true, storm = true;
};

// Local (Da Nang, UTC+7) midnight at or before the given UTC time, and the start of a scenario
// on the local day of `dayMs`: normal keeps the time of day, rush starts 07:00, typhoon 00:00.
int64_t localMidnightMs(int64_t utcMs);
int64_t scenarioStartMs(Scenario s, int64_t dayMs);

// The traffic model's free-flow speed of an OSM highway class, and the congestion level of a
// speed as a fraction of it.
double freeFlowKmh(const std::string& highway);
feeds::Congestion congestionFor(double factor);

struct Outgoing {
  std::string topic;
  std::vector<uint8_t> payload;  // empty: clear the retained message (entity gone)
  std::optional<feeds::FeedMessage> message;
  int64_t simMs = 0;
};

struct SimStats {
  uint64_t messages = 0;
  uint64_t clears = 0;
  uint64_t perKind[feeds::kFeedKindCount] = {};
};

class Simulator {
 public:
  Simulator(const CityData& data, SimConfig config);

  // Runs the model up to simMs (in fixed steps) and appends the messages that fell due, in
  // time order. The first call publishes every entity's initial state.
  void advanceTo(int64_t simMs, std::vector<Outgoing>& out);

  int64_t simTimeMs() const { return now_; }
  int64_t wallTimeOf(int64_t simMs) const;
  const SimConfig& config() const { return config_; }
  const SimStats& stats() const { return stats_; }

  // Model values, for tests and the log.
  double stationValue(size_t station) const { return stations_[station].value; }
  double cityRainMmH() const { return cityRain_; }
  size_t activeIncidents() const { return incidents_.size(); }
  size_t activeBuses() const { return activeVehicles_; }
  size_t openShelters() const;
  // The typhoon scenario's storm as it would be reported at simMs (nullopt: none then). Its
  // times are wall-clock times, like every message's.
  std::optional<feeds::StormReport> storm(int64_t simMs) const;
  static uint64_t stormId();

  static constexpr int64_t kStepMs = 5'000;

 private:
  struct StationState {
    double value = 0;  // in the station's unit
    double smoothRain = 0;
    double history[4] = {};  // the value 0..15 min ago, one per 5 min
    int64_t nextDue = 0;
    double phase = 0, gain = 1, base = 0;
  };
  struct ShelterState {
    bool open = false;
    int32_t occupancy = 0;
    int64_t nextDue = 0;
    double fill = 0, openAtH = 0;
    bool sent = false, lastOpen = false;
    int32_t lastOccupancy = -1;
  };
  struct RoadState {
    int64_t nextDue = 0;
    double freeFlow = 30, sensitivity = 1;
    int64_t accidentUntil = 0;
    bool closed = false;
  };
  struct IncidentState {
    feeds::Incident incident;  // times in simulated ms
    bool dirty = true;         // changed since it was last published
    bool urgent = true;        // changed in a way that goes out at once
    int64_t lastPublishMs = INT64_MIN / 2;
  };
  struct Vehicle {
    uint64_t id = 0;
    std::string label;
    std::string route;
    std::vector<size_t> trips;  // indices into data_.trips, in time order
  };
  struct VehicleState {
    int64_t nextDue = 0;
    bool active = false;
  };

  double hoursSinceStart(int64_t simMs) const { return double(simMs - config_.simStartMs) / 3.6e6; }
  double localHour(int64_t simMs) const;
  double stormProfile(double h) const;  // typhoon rain intensity factor 0..1
  double rainAt(size_t station, int64_t simMs) const;
  double trafficFactor(size_t road, int64_t simMs) const;
  bool busServiceSuspended(int64_t simMs) const;
  int64_t interval(int64_t simMs, double wallFloorS) const;

  void step(int64_t simMs);
  void stepHydrology(int64_t simMs);
  void stepIncidents(int64_t simMs);
  void emit(int64_t simMs, std::vector<Outgoing>& out);
  void emitBuses(int64_t simMs, std::vector<Outgoing>& out);
  void emitStorm(int64_t simMs, std::vector<Outgoing>& out);
  void publish(feeds::FeedPayload payload, int64_t simMs, std::vector<Outgoing>& out);
  void clear(feeds::FeedKind kind, uint64_t id, int64_t simMs, std::vector<Outgoing>& out);
  void openIncident(uint64_t id, feeds::Incident incident);
  void closeIncident(uint64_t id);
  feeds::SensorReading reading(size_t station) const;

  const CityData& data_;
  SimConfig config_;
  int64_t now_;
  bool started_ = false;
  uint64_t sequence_;
  SimStats stats_;
  double cityRain_ = 0, cityRainTotalMm_ = 0;
  bool landslidesRaised_ = false;

  std::vector<StationState> stations_;
  std::vector<ShelterState> shelters_;
  std::vector<RoadState> roads_;
  std::vector<size_t> majorRoads_;              // primary..tertiary, for accidents and jams
  std::vector<std::vector<size_t>> nearRoads_;  // per station
  std::unordered_map<uint64_t, IncidentState> incidents_;
  std::vector<uint64_t> cancelled_;  // incidents whose cancellation goes out next
  std::vector<Vehicle> vehicles_;
  std::vector<VehicleState> vehicleStates_;
  size_t activeVehicles_ = 0;
  int64_t stormNextDue_ = 0;
  bool stormPublished_ = false;
};

}  // namespace citymap::feedsim
