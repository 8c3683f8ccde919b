#pragma once
// The walking road graph written beside the tiles (core/route/route_graph.fbs, docs/ROUTING.md):
// from the roads layer's lines as read (the same pieces and feature ids as the tiles), and the
// storm shelters of the ioc layer.
//  * Roads a pedestrian cannot use are left out: motorways and roads marked noFoot
//    (classify.hpp footAllowed: foot=no, access=no/private, motorroad=yes). Footways, paths,
//    steps, pedestrian streets and living streets are in.
//  * Lines are split into edges where they share a vertex (OSM ways meet at the same node:
//    the identical coordinate, compared at 1e-7 degrees) and where a line crosses itself.
//  * An end of a line that is not an OSM way (the citywide one-way segments) and touches no
//    other line is joined to the nearest point of another line within `joinMetres`: the line
//    is extended to that point, which becomes a node (the other line is split there). Ends
//    with nothing that near stay loose: their lines may form components of their own.
//  * Each edge keeps its two nodes, its shape, its great-circle length in metres
//    (route/geodesy.hpp, as the core measures) and its road (feature id, kind, name).
#include <cstddef>
#include <vector>

#include "ingest/feature.hpp"
#include "route/graph_writer.hpp"

namespace citymap::ingest {

struct RoutingOptions {
  double joinMetres = 20;
};

struct RoutingStats {
  size_t roads = 0;    // road features in the graph
  size_t skipped = 0;  // road features left out (motorways, no foot access)
  size_t nodes = 0, edges = 0;
  size_t joined = 0;  // loose ends of non-OSM lines joined to another line
  size_t loose = 0;   // loose ends of non-OSM lines with no line within joinMetres
  size_t shelters = 0;
  size_t bytes = 0;  // encoded size (set by the caller)
};

route::RouteGraphData buildRoutingGraph(const std::vector<Feature>& features, const RoutingOptions& options,
                                        RoutingStats& stats);

}  // namespace citymap::ingest
