#pragma once
// OSM-style tags -> output layer, kind (core/tile/kinds.hpp), flags and drawing order.
#include <cstdint>
#include <optional>

#include "ingest/feature.hpp"
#include "ingest/tags.hpp"

namespace citymap::ingest {

struct Classification {
  Layer layer = Layer::Water;
  uint8_t kind = 0;
  uint8_t flags = 0;     // tile::FeatureFlags
  int8_t zOrder = 0;     // from the OSM `layer` tag, -5..5
  bool reverse = false;  // oneway=-1: the geometry must be reversed to match the flag
};

// `geom` is the kind of geometry the feature has. Returns nullopt for features the map does not
// draw (they are dropped and counted as unclassified).
std::optional<Classification> classify(const Tags& tags, GeomType geom);

// Named areas with POI tags (a museum, a hospital campus, ...) also get a POI at a point on
// their surface, classified as if the area were a point. nullopt for other areas.
std::optional<Classification> classifyAreaPoi(const Tags& tags);

// Whether a pedestrian may use a road with these tags (the walking graph, routing_graph.hpp):
// foot=yes/designated/permissive/official/destination allows it whatever access says;
// foot=no/private/use_sidepath, access=no/private and motorroad=yes forbid it. Motorways,
// construction and proposed roads are left out by kind (they are not roads or are Motorway).
bool footAllowed(const Tags& tags);

// Lowest zoom a feature is written at when the configuration gives none: minor roads,
// buildings and bus stops from z14, POIs from z15, everything else (admin units too) always.
uint8_t minZoomFor(Layer layer, uint8_t kind);

}  // namespace citymap::ingest
