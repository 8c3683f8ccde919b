#include "route/graph_writer.hpp"

#include <flatbuffers/flatbuffers.h>

#include <unordered_map>

#include "citymap/route_graph_generated.h"

namespace citymap::route {

double lineMetres(const std::vector<geo::LngLat>& line) {
  double m = 0;
  for (size_t i = 1; i < line.size(); ++i) m += distanceMetres(line[i - 1], line[i]);
  return m;
}

std::vector<uint8_t> encodeRouteGraph(const RouteGraphData& g) {
  flatbuffers::FlatBufferBuilder b(1024 + g.edges.size() * 40);
  std::vector<int32_t> nodeCoords;
  nodeCoords.reserve(g.nodes.size() * 2);
  for (const PointE7& p : g.nodes) {
    nodeCoords.push_back(p.lng);
    nodeCoords.push_back(p.lat);
  }
  std::vector<uint32_t> edgeNodes, edgeRoad, shapeEnd;
  std::vector<float> lengths;
  std::vector<int32_t> shape;
  edgeNodes.reserve(g.edges.size() * 2);
  for (const EdgeData& e : g.edges) {
    edgeNodes.push_back(e.from);
    edgeNodes.push_back(e.to);
    lengths.push_back(e.lengthM);
    edgeRoad.push_back(e.road);
    for (const PointE7& p : e.shape) {
      shape.push_back(p.lng);
      shape.push_back(p.lat);
    }
    shapeEnd.push_back(uint32_t(shape.size() / 2));
  }
  std::vector<std::string> names = {""};
  std::unordered_map<std::string, uint32_t> nameIndex = {{"", 0}};
  std::vector<uint64_t> roadIds;
  std::vector<uint8_t> roadKinds;
  std::vector<uint32_t> roadNames;
  for (const RoadData& r : g.roads) {
    roadIds.push_back(r.id);
    roadKinds.push_back(r.kind);
    const auto [it, added] = nameIndex.try_emplace(r.name, uint32_t(names.size()));
    if (added) names.push_back(r.name);
    roadNames.push_back(it->second);
  }
  std::vector<flatbuffers::Offset<fb::Shelter>> shelters;
  for (const ShelterData& s : g.shelters)
    shelters.push_back(fb::CreateShelter(b, s.id, s.position.lng, s.position.lat, s.capacity,
                                         s.name.empty() ? 0 : b.CreateString(s.name)));
  const auto graph = fb::CreateGraph(
      b, g.formatVersion, b.CreateVector(nodeCoords), b.CreateVector(edgeNodes), b.CreateVector(lengths),
      b.CreateVector(edgeRoad), b.CreateVector(shapeEnd), b.CreateVector(shape), b.CreateVector(roadIds),
      b.CreateVector(roadKinds), b.CreateVector(roadNames), b.CreateVectorOfStrings(names), b.CreateVector(shelters));
  fb::FinishSizePrefixedGraphBuffer(b, graph);
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

}  // namespace citymap::route
