#pragma once
// Command line of citymap-ingest.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace citymap::ingest {

struct CliOptions {
  std::string out;
  int minZoom = 12;
  int maxZoom = 16;
  std::optional<std::array<double, 4>> bbox;  // west, south, east, north (degrees)
  unsigned threads = 0;                       // 0: one per core
  bool quiet = false;
  bool help = false;
  std::vector<std::string> inputs;
  bool minZoomSet = false, maxZoomSet = false;  // given on the command line (win over the config)
  std::string config;                           // --config: layer configuration (JSON)
  std::string dataDir;                          // --data-dir: base of the configuration's paths
  std::string assumeCrs;                        // --assume-crs: CRS of sources that declare none
  std::string report;                           // --report: JSON statistics of the run
  bool mergeRoads = true;                       // --no-merge: no road_labels layer
  bool search = true;                           // --no-search: no search.json
  bool routing = true;                          // --no-routing: no walking graph
  bool skipInvalid = false;                     // --skip-invalid: skip (and count) what GDAL cannot read
  bool gzipTiles = true;                        // --tile-compression gzip|none (archives only)
};

inline constexpr int kMaxZoomLimit = 20;

Result<CliOptions> parseCli(const std::vector<std::string>& args);  // args without argv[0]
std::string usage();

}  // namespace citymap::ingest
