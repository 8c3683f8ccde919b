#pragma once
// The search index written beside the tiles as search.json (format in docs/INGEST.md): one
// entry per street (road pieces of one name near each other), POI, OSM place, named area,
// admin unit, bus route and stop and IOC asset, with its Vietnamese and English names, a
// search key (lower case, no diacritics), class, feature id, a point to fly to and a zoom to
// show it at. Entries are sorted by type, key, name and id, so the file is deterministic.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "geo/lnglat.hpp"
#include "ingest/feature.hpp"

namespace citymap::ingest {

struct SearchEntry {
  std::string type;  // street, poi, place, area, building, admin, bus_route, bus_stop, ioc
  std::string name, nameEn, key;
  std::string layer, kind;  // kind: the class name (kind_names.hpp), or the OSM place value
  uint64_t id = 0;
  geo::LngLat point;  // on the line / inside the area / the point itself
  int zoom = 17;
  std::optional<geo::WorldBox> bbox;  // lines and areas (world units)
};

// `searchable[source]` says whether a source's features are indexed (missing = yes).
// Boxes are clipped to `bounds` (the tiles' bounds) when given.
std::vector<SearchEntry> buildSearchIndex(const std::vector<Feature>& features, const std::vector<Place>& places,
                                          const std::vector<bool>& searchable = {},
                                          const std::optional<geo::WorldBox>& bounds = std::nullopt);

std::string searchJson(const std::vector<SearchEntry>& entries);

// Zoom at which a box of this size fills about 800 CSS px (512 px tiles), clamped to 8..17.
int zoomToFit(const geo::WorldBox& box);

}  // namespace citymap::ingest
