#include "ingest/cli.hpp"

#include <charconv>
#include <cmath>
#include <string_view>

namespace citymap::ingest {

namespace {

Result<int> parseInt(std::string_view flag, std::string_view v, int lo, int hi) {
  int n = 0;
  const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() || n < lo || n > hi)
    return Error{std::string(flag) + " expects an integer in " + std::to_string(lo) + ".." + std::to_string(hi) +
                 ", got '" + std::string(v) + "'"};
  return n;
}

bool parseDouble(std::string_view v, double& out) {
  const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return !v.empty() && ec == std::errc() && ptr == v.data() + v.size() && std::isfinite(out);
}

Result<std::array<double, 4>> parseBbox(std::string_view v) {
  std::array<double, 4> b{};
  size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    const size_t comma = v.find(',', start);
    const bool last = i == 3;
    if (last != (comma == std::string_view::npos) ||
        !parseDouble(v.substr(start, last ? std::string_view::npos : comma - start), b[size_t(i)]))
      return Error{"--bbox expects west,south,east,north in degrees, got '" + std::string(v) + "'"};
    start = comma + 1;
  }
  const auto [w, s, e, n] = b;
  if (w < -180 || e > 180 || s < -85.0511 || n > 85.0511 || w >= e || s >= n)
    return Error{"--bbox " + std::string(v) + " is not a valid west,south,east,north box (west < east, south < north, "
                 "within -180..180 and -85.05..85.05)"};
  return b;
}

}  // namespace

std::string usage() {
  return "Usage: citymap-ingest --out DIR [options] INPUT...\n"
         "       citymap-ingest --out DIR --config LAYERS.json [--data-dir DIR] [options] [INPUT...]\n"
         "\n"
         "Builds a citymap vector tile pyramid (DIR/{z}/{x}/{y}.cmt, DIR/tileset.json) and a search\n"
         "index (DIR/search.json) from vector data GDAL can read: OSM XML/PBF (.osm/.pbf), GeoJSON,\n"
         "GeoPackage, Shapefile, ... in any CRS PROJ knows (VN-2000 included).\n"
         "Every layer of every INPUT is read and classified by its OSM-style tags (highway, railway,\n"
         "building, landuse, natural, waterway, amenity, ...). A layer configuration (docs/INGEST.md)\n"
         "says instead which files and layers feed which map layers and classes, and which fields\n"
         "hold names, refs, heights and ids; INPUTs given with it are added as OSM-tag sources.\n"
         "\n"
         "Options:\n"
         "  --out DIR           output directory; written as DIR.tmp and renamed into place\n"
         "  --config FILE       layer configuration (JSON), e.g. tools/ingest/danang.layers.json\n"
         "  --data-dir DIR      base folder of the configuration's relative paths (default: the\n"
         "                      configuration's folder)\n"
         "  --minzoom N         lowest zoom level (default: the configuration's, else 12)\n"
         "  --maxzoom N         highest zoom level (default: the configuration's, else 16; at most 20)\n"
         "  --bbox W,S,E,N      only tile this box (degrees); default: the configuration's, else the\n"
         "                      bounds of the data\n"
         "  --assume-crs CRS    CRS of sources that declare none (EPSG:5899, a PROJ string, WKT)\n"
         "  --no-merge          no road_labels layer (named road pieces joined into streets\n"
         "                      for labels; the roads layer keeps every piece either way)\n"
         "  --no-search         do not write search.json\n"
         "  --no-routing        do not write the walking graph (routing.cmg in a folder, a section\n"
         "                      after the tiles in an archive; docs/ROUTING.md)\n"
         "  --skip-invalid      keep what can be read of a broken or cut-off input (GDAL errors while\n"
         "                      reading), counting what was skipped; without it such an input fails\n"
         "                      the run and leaves the previous output untouched\n"
         "  --tile-compression gzip|none\n"
         "                      how an archive stores its tiles (default gzip: each tile one gzip\n"
         "                      member, PMTiles tile_compression 2; a folder's tiles are never\n"
         "                      compressed, the web server's transfer encoding does that)\n"
         "  --report FILE       write the run's statistics as JSON\n"
         "  --threads N         worker threads (default: one per core)\n"
         "  --quiet             print errors only (no progress, no summary)\n"
         "  -h, --help          show this help\n";
}

Result<CliOptions> parseCli(const std::vector<std::string>& args) {
  CliOptions o;
  bool sawOut = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::string value;
    bool hasInlineValue = false;
    if (arg.starts_with("--") && arg.find('=') != std::string::npos) {
      value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
      hasInlineValue = true;
    }
    const auto needValue = [&]() -> Result<std::string> {
      if (hasInlineValue) return value;
      if (i + 1 >= args.size()) return Error{arg + " needs a value"};
      return args[++i];
    };
    if (arg == "-h" || arg == "--help") {
      o.help = true;
    } else if (arg == "--quiet" || arg == "-q") {
      o.quiet = true;
    } else if (arg == "--out" || arg == "-o") {
      auto v = needValue();
      if (!v) return Error{v.error()};
      if (v->empty()) return Error{"--out needs a directory"};
      o.out = v.value();
      sawOut = true;
    } else if (arg == "--minzoom" || arg == "--maxzoom" || arg == "--threads") {
      auto v = needValue();
      if (!v) return Error{v.error()};
      const auto n = parseInt(arg, v.value(), arg == "--threads" ? 1 : 0, arg == "--threads" ? 256 : kMaxZoomLimit);
      if (!n) return Error{n.error()};
      if (arg == "--minzoom") {
        o.minZoom = n.value();
        o.minZoomSet = true;
      } else if (arg == "--maxzoom") {
        o.maxZoom = n.value();
        o.maxZoomSet = true;
      } else {
        o.threads = unsigned(n.value());
      }
    } else if (arg == "--config" || arg == "--data-dir" || arg == "--assume-crs" || arg == "--report") {
      auto v = needValue();
      if (!v) return Error{v.error()};
      if (v->empty()) return Error{arg + " needs a value"};
      if (arg == "--config") o.config = v.value();
      else if (arg == "--data-dir") o.dataDir = v.value();
      else if (arg == "--assume-crs") o.assumeCrs = v.value();
      else o.report = v.value();
    } else if (arg == "--no-merge") {
      o.mergeRoads = false;
    } else if (arg == "--no-search") {
      o.search = false;
    } else if (arg == "--no-routing") {
      o.routing = false;
    } else if (arg == "--skip-invalid") {
      o.skipInvalid = true;
    } else if (arg == "--tile-compression") {
      auto v = needValue();
      if (!v) return Error{v.error()};
      if (*v != "gzip" && *v != "none") return Error{"--tile-compression must be gzip or none, not '" + *v + "'"};
      o.gzipTiles = *v == "gzip";
    } else if (arg == "--bbox") {
      auto v = needValue();
      if (!v) return Error{v.error()};
      auto b = parseBbox(v.value());
      if (!b) return Error{b.error()};
      o.bbox = b.value();
    } else if (arg == "--") {
      for (++i; i < args.size(); ++i) o.inputs.push_back(args[i]);
    } else if (arg.size() > 1 && arg[0] == '-') {
      return Error{"unknown option " + arg};
    } else {
      o.inputs.push_back(args[i]);
    }
  }
  if (o.help) return o;
  if (!sawOut) return Error{"--out DIR is required"};
  if (o.inputs.empty() && o.config.empty()) return Error{"no INPUT given (and no --config)"};
  if (!o.dataDir.empty() && o.config.empty()) return Error{"--data-dir needs --config"};
  if (o.minZoom > o.maxZoom)
    return Error{"--minzoom " + std::to_string(o.minZoom) + " is above --maxzoom " + std::to_string(o.maxZoom)};
  return o;
}

}  // namespace citymap::ingest
