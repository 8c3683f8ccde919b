#pragma once
// Encoding of the walking graph (route_graph.fbs) from plain data. Used by tools/ingest and by
// the tests' graph builders. The writer does not check anything: RouteGraph::load() does, so
// tests can write broken graphs on purpose.
#include <cstdint>
#include <string>
#include <vector>

#include "route/geodesy.hpp"

namespace citymap::route {

struct EdgeData {
  uint32_t from = 0, to = 0;   // node indices
  float lengthM = 0;           // metres along the shape
  uint32_t road = 0;           // index into RouteGraphData::roads
  std::vector<PointE7> shape;  // interior points only, from `from` towards `to`
};

struct RoadData {
  uint64_t id = 0;   // tile feature id
  uint8_t kind = 0;  // tile::RoadKind
  std::string name;  // "" = none
};

struct ShelterData {
  uint64_t id = 0;  // tile feature id
  PointE7 position;
  int32_t capacity = 0;  // people, 0 = unknown
  std::string name;
};

struct RouteGraphData {
  std::vector<PointE7> nodes;
  std::vector<EdgeData> edges;
  std::vector<RoadData> roads;
  std::vector<ShelterData> shelters;
  uint16_t formatVersion = 1;
};

inline constexpr uint16_t kRouteGraphVersion = 1;
inline constexpr const char* kRouteGraphIdentifier = "CMG1";

// Metres along a line (sum of distanceMetres over its segments).
double lineMetres(const std::vector<geo::LngLat>& line);

// The FlatBuffers bytes: a size-prefixed buffer (4-byte length, then the buffer with file
// identifier "CMG1"), so that a truncated copy is always detected. Names are stored once each.
std::vector<uint8_t> encodeRouteGraph(const RouteGraphData& graph);

}  // namespace citymap::route
