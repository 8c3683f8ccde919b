#pragma once
// Reads any GDAL vector dataset (OSM XML/PBF, GeoJSON, GeoPackage, ...): every layer, every
// feature; gathers its tags, classifies it, reprojects its geometry from the layer's CRS to
// EPSG:3857 with PROJ and stores it in normalised world coordinates. A named area with POI
// tags also yields a POI feature (same id) at a point on its surface.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "geo/lnglat.hpp"
#include "ingest/feature.hpp"

namespace citymap::ingest {

struct LayerStats {
  std::string source;  // file name of the input
  std::string layer;
  uint64_t read = 0;
  uint64_t classified = 0;       // kept
  uint64_t labelPoints = 0;      // of those, named areas that also gave a POI
  uint64_t unclassified = 0;     // no tag the map draws
  uint64_t noGeometry = 0;       // null, empty or degenerate geometry
  uint64_t transformFailed = 0;  // PROJ could not reproject it
  uint64_t outsideBbox = 0;      // outside --bbox
  uint64_t dropped() const { return unclassified + noGeometry + transformFailed + outsideBbox; }
};

struct ReadOptions {
  std::optional<geo::WorldBox> bbox;  // features not touching it are dropped
};

// Registers the GDAL drivers (idempotent).
void initGdal();

// Appends the classified features of every layer of `path` to `out` (Feature::seq continues
// from out.size()). Fails for a missing or unreadable file, a file GDAL cannot open as a vector
// dataset, and a layer with geometry but no CRS.
Result<std::vector<LayerStats>> readSource(const std::string& path, uint16_t sourceIndex, const ReadOptions& options,
                                           std::vector<Feature>& out);

}  // namespace citymap::ingest
