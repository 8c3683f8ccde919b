#pragma once
// Help in a storm (issue 10): the nearest open shelters with a walking route that avoids
// flooded and closed roads, and the flooded and closed roads near a point. It reads the feed
// state shown on the map (the live store, or the replayed one while the time slider is in the
// past) and the archive's walking graph, keeps its answers current as that state changes (a
// shelter fills up, a road on the route floods) and draws them for the live layer. No GL, no
// I/O, no UI.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "feeds/feed_store.hpp"
#include "geo/camera.hpp"
#include "live/live_batch.hpp"
#include "route/router.hpp"
#include "route/shelters.hpp"

namespace citymap::help {

// Where the question is asked from.
enum class OriginSource : uint8_t {
  Location,   // the device's position (browser geolocation)
  Point,      // a point the user tapped or clicked
  Selection,  // the selected feature
  View,       // the centre of the map (nothing else was available)
};

struct Origin {
  geo::LngLat point;
  OriginSource source = OriginSource::Point;
  std::string name;  // the selected feature's name (Selection), else empty
};

// A shelter's live state in `feeds` at nowMs: Unknown without a status that is still shown
// (no status, or one past its hide age), never Open.
route::ShelterState shelterState(const feeds::FeedStore& feeds, uint64_t shelterId, int64_t nowMs);

// What routes must avoid at nowMs: the road segments and areas of active flood and
// road-closure incidents (landslides too: they close roads).
route::Avoid avoidFrom(const feeds::FeedStore& feeds, int64_t nowMs);

struct ShelterRow {
  uint64_t id = 0;
  std::string name;
  route::ShelterState state = route::ShelterState::Unknown;
  geo::LngLat position;
  int32_t capacity = 0, occupancy = 0;  // occupancy: the live status's (0 when unknown)
  double metres = 0, seconds = 0;       // walking (0 for unknown shelters)
  double straightMetres = 0;
  bool straightLine = false;  // the route has a part where the road graph does not reach
};

// One flooded or closed road (or flooded area) near the origin.
struct RoadRow {
  uint64_t incidentId = 0;
  feeds::IncidentKind kind = feeds::IncidentKind::Flood;
  feeds::Severity severity = feeds::Severity::Info;
  std::string name;              // the street's name from the graph ("" when unnamed: the UI shows the title)
  std::string titleVi, titleEn;  // the incident's
  double metres = 0;             // from the origin to the nearest point of the road or area (0 inside)
  geo::LngLat at;                // where "show on map" goes
};

// Flooded and closed roads (and flood areas) of the active incidents, nearest first, within
// maxMetres; one row per incident and street name.
std::vector<RoadRow> floodedRoadsNear(const route::RouteGraph* graph, const feeds::FeedStore& feeds, geo::LngLat from,
                                      int64_t nowMs, double maxMetres = 10'000, size_t limit = 30);

class StormHelp {
 public:
  enum class Mode : uint8_t { None, Shelters, Roads };

  void setGraph(std::shared_ptr<const route::RouteGraph> graph);
  const route::RouteGraph* graph() const { return graph_.get(); }

  void showShelters(const Origin& from);
  void showRoads(const Origin& from);
  void close();
  // Routes to the i-th shelter of shelters() (kept across updates while it stays in the list).
  void choose(size_t i);

  // Recomputes when the question changed or when what `feeds` says at nowMs about shelters
  // and closures did. True when the answers changed (the map and the panels redraw).
  bool update(const feeds::FeedStore& feeds, int64_t nowMs);

  Mode mode() const { return mode_; }
  const Origin& origin() const { return origin_; }
  const std::vector<ShelterRow>& shelters() const { return shelters_; }  // the open ones, nearest first
  const std::vector<ShelterRow>& unknown() const { return unknown_; }    // no recent status, by straight line
  size_t openCount() const { return openCount_; }
  size_t chosen() const { return chosen_; }
  const route::Route* route() const { return chosen_ < routes_.size() ? &routes_[chosen_] : nullptr; }
  const std::vector<RoadRow>& roads() const { return roads_; }
  // Milliseconds the last recomputation took (nearest shelters with their routes, or the roads).
  double lastComputeMs() const { return lastComputeMs_; }
  // Changes whenever the answers change.
  uint64_t version() const { return version_; }

  // The route (roads solid, straight parts dashed), the start and the shelters, in device
  // pixels into `out`; the route's length and time, and "straight line" where the graph does
  // not reach, as tags.
  void draw(const geo::Camera& camera, live::LiveBatch& out, std::vector<live::MapTag>& tags, bool english) const;

 private:
  uint64_t signature(const feeds::FeedStore& feeds, int64_t nowMs) const;
  void compute(const feeds::FeedStore& feeds, int64_t nowMs);

  std::shared_ptr<const route::RouteGraph> graph_;
  Mode mode_ = Mode::None;
  Origin origin_;
  bool dirty_ = false;
  uint64_t signature_ = 0;
  std::vector<ShelterRow> shelters_, unknown_;
  std::vector<route::Route> routes_;  // parallel to shelters_
  size_t openCount_ = 0;
  size_t chosen_ = 0;
  uint64_t chosenId_ = 0;
  std::vector<RoadRow> roads_;
  double lastComputeMs_ = 0;
  uint64_t version_ = 0;
};

// Words for the UI (vi / en).
const char* shelterStateName(route::ShelterState s, bool english);
std::string formatMetres(double metres);                  // "850 m", "2.4 km"
std::string formatMinutes(double seconds, bool english);  // "12 min" / "12 phút", "1 h 05" / "1 giờ 05"

}  // namespace citymap::help
