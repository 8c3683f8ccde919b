#pragma once
// Reads any GDAL vector dataset (OSM XML/PBF, GeoJSON, GeoPackage, Shapefile, ...) as a
// SourceSpec describes it (config.hpp): the chosen layers, every feature; gathers its fields
// (and OSM other_tags), classifies it, reads its name (NFC), English name, ref, height and
// colour, gives it a stable id, reprojects its geometry from the layer's CRS to EPSG:3857 with
// PROJ and stores it in normalised world coordinates. With the OSM-tag classifier a named area
// with POI tags also yields a POI feature (same id) at a point on its surface.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "geo/lnglat.hpp"
#include "ingest/config.hpp"
#include "ingest/feature.hpp"

class OGRSpatialReference;

namespace citymap::ingest {

struct LayerStats {
  std::string source;  // the input as configured (command line: its file name)
  std::string layer;
  uint64_t read = 0;
  uint64_t classified = 0;       // kept
  uint64_t labelPoints = 0;      // of those, named areas that also gave a POI
  uint64_t unclassified = 0;     // no tag the map draws / value not in the kind map
  uint64_t noGeometry = 0;       // null, empty or degenerate geometry
  uint64_t transformFailed = 0;  // PROJ could not reproject it
  uint64_t outsideBbox = 0;      // outside --bbox
  uint64_t duplicateIds = 0;     // kept features whose id an earlier feature of this layer has
  uint64_t nearSameName = 0;     // left out by "skip_near_same_name" (near_filter.hpp)
  uint64_t readErrors = 0;       // GDAL errors while reading, skipped (--skip-invalid only)
  bool hasGeometry = false;      // a layer without geometry (a plain table) is not read
  std::string crs;               // the CRS read from: "EPSG:32649 (WGS 84 / UTM zone 49N)" (crsLabel)
  uint64_t dropped() const { return unclassified + noGeometry + transformFailed + outsideBbox + nearSameName; }
};

struct ReadOptions {
  std::optional<geo::WorldBox> bbox;  // features not touching it are dropped
  std::string assumeCrs;              // CRS of layers that declare none (and whose spec gives none)
  // The end of the error for a layer without a CRS: how to give one.
  std::string missingCrsHint =
      "add one, e.g. a .prj file or ogr2ogr -a_srs, or give it with \"crs\" in the layer configuration or "
      "--assume-crs EPSG:xxxx";
  // Called now and then with the share of this source read so far (0..1).
  std::function<void(double)> progress;
  // A GDAL error while reading (CE_Failure or worse: a truncated or corrupt file) fails the
  // source unless this is set; then the broken features are skipped and counted (readErrors).
  bool skipInvalid = false;
  // Named OSM place points are appended here when set (OSM-tag sources only).
  std::vector<Place>* places = nullptr;
};

// Registers the GDAL drivers (idempotent).
void initGdal();

// Appends the classified features of the source to `out` (Feature::seq continues from
// out.size()). Fails for a missing or unreadable file, a file GDAL cannot open as a vector
// dataset, a configured GDAL layer or field that does not exist, and a layer with geometry but
// no CRS (unless spec.crs or options.assumeCrs gives one).
Result<std::vector<LayerStats>> readSource(const SourceSpec& spec, uint16_t sourceIndex, const ReadOptions& options,
                                           std::vector<Feature>& out);

// A command-line INPUT (SourceSpec::commandLine).
Result<std::vector<LayerStats>> readSource(const std::string& path, uint16_t sourceIndex, const ReadOptions& options,
                                           std::vector<Feature>& out);

// The field a layer's names are read from when the spec guesses (SourceSpec::guessNameField):
// `preferred` if the layer has it, else the first of name, name:vi, name_vi, ten, tên, title,
// label, nom, nombre (compared case-insensitively, in this order), else the first field whose
// name contains "name"; "" if none.
std::string nameFieldOf(const std::vector<std::string>& fields, const std::string& preferred);

// A short description of a CRS: "EPSG:5899 (VN-2000 / TM-3 107-45)", or its name.
std::string crsLabel(const OGRSpatialReference& crs);

// "12", "12.5 m", "03 tầng; 12m" -> metres (the first number followed by "m", else a bare
// number); nullopt if there is none.
std::optional<float> parseHeight(std::string_view text);
// "500", "500-600", "100 ~ 150", "50 người" -> the first number (people); 0 if there is none.
int32_t parseCapacity(std::string_view text);
// "5", "5;6" -> 5 levels.
std::optional<int> parseLevels(std::string_view text);
// "#ff1956", "#f19", "ff1956" -> 0xRRGGBBAA with AA = ff; nullopt if not a colour.
std::optional<uint32_t> parseColor(std::string_view text);

}  // namespace citymap::ingest
