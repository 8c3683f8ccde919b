#include "ingest/cli.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <string_view>

namespace citymap::ingest {

namespace {

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
    return Error{"--bbox " + std::string(v) +
                 " is not a valid west,south,east,north box (west < east, south < north, "
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
  std::string bbox, tileCompression = "gzip";
  // CLI11 tokenises (--opt value, --opt=value, --, flags, unknown options); the checks of the
  // values stay here so that each error names what was expected. usage() is the help text.
  CLI::App app{"citymap-ingest"};
  app.set_help_flag();
  app.allow_extras();
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // a repeated option: the last wins
  app.add_flag("-h,--help", o.help);
  app.add_flag("-q,--quiet", o.quiet);
  auto* out = app.add_option("-o,--out", o.out);
  auto* minZoom = app.add_option("--minzoom", o.minZoom);
  auto* maxZoom = app.add_option("--maxzoom", o.maxZoom);
  auto* threads = app.add_option("--threads", o.threads);
  auto* config = app.add_option("--config", o.config);
  auto* dataDir = app.add_option("--data-dir", o.dataDir);
  auto* assumeCrs = app.add_option("--assume-crs", o.assumeCrs);
  auto* report = app.add_option("--report", o.report);
  auto* bboxOpt = app.add_option("--bbox", bbox);
  app.add_option("--tile-compression", tileCompression);
  bool noMerge = false, noSearch = false, noRouting = false;
  app.add_flag("--no-merge", noMerge);
  app.add_flag("--no-search", noSearch);
  app.add_flag("--no-routing", noRouting);
  app.add_flag("--skip-invalid", o.skipInvalid);
  app.add_option("INPUT", o.inputs)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  try {
    app.parse(std::vector<std::string>(args.rbegin(), args.rend()));  // CLI11 takes them reversed
  } catch (const CLI::ParseError& e) {
    return Error{e.what()};
  }
  if (o.help) return o;
  for (const std::string& extra : app.remaining())  // CLI11 keeps "--" (after which all are INPUTs) there
    if (extra.size() > 1 && extra[0] == '-' && extra != "--") return Error{"unknown option " + extra};
  for (auto* opt : {out, config, dataDir, assumeCrs, report})
    if (opt->count() > 0 && opt->as<std::string>().empty()) return Error{opt->get_name() + " needs a value"};
  if (minZoom->count() > 0 && (o.minZoom < 0 || o.minZoom > kMaxZoomLimit))
    return Error{"--minzoom expects an integer in 0.." + std::to_string(kMaxZoomLimit) + ", got '" +
                 std::to_string(o.minZoom) + "'"};
  if (maxZoom->count() > 0 && (o.maxZoom < 0 || o.maxZoom > kMaxZoomLimit))
    return Error{"--maxzoom expects an integer in 0.." + std::to_string(kMaxZoomLimit) + ", got '" +
                 std::to_string(o.maxZoom) + "'"};
  if (threads->count() > 0 && (o.threads < 1 || o.threads > 256))
    return Error{"--threads expects an integer in 1..256, got '" + std::to_string(o.threads) + "'"};
  o.minZoomSet = minZoom->count() > 0;
  o.maxZoomSet = maxZoom->count() > 0;
  if (bboxOpt->count() > 0) {
    auto b = parseBbox(bbox);
    if (!b) return Error{b.error()};
    o.bbox = b.value();
  }
  if (tileCompression != "gzip" && tileCompression != "none")
    return Error{"--tile-compression must be gzip or none, not '" + tileCompression + "'"};
  o.gzipTiles = tileCompression == "gzip";
  o.mergeRoads = !noMerge;
  o.search = !noSearch;
  o.routing = !noRouting;
  if (out->count() == 0) return Error{"--out DIR is required"};
  if (o.inputs.empty() && o.config.empty()) return Error{"no INPUT given (and no --config)"};
  if (!o.dataDir.empty() && o.config.empty()) return Error{"--data-dir needs --config"};
  if (o.minZoom > o.maxZoom)
    return Error{"--minzoom " + std::to_string(o.minZoom) + " is above --maxzoom " + std::to_string(o.maxZoom)};
  return o;
}

}  // namespace citymap::ingest
