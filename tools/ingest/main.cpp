// citymap-ingest: GDAL vector data -> citymap vector tiles and a search index (see usage() in
// cli.cpp and docs/INGEST.md).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "geo/mercator.hpp"
#include "ingest/cli.hpp"
#include "ingest/config.hpp"
#include "ingest/feature.hpp"
#include "ingest/merge.hpp"
#include "ingest/near_filter.hpp"
#include "ingest/output_dir.hpp"
#include "ingest/progress.hpp"
#include "ingest/routing_graph.hpp"
#include "ingest/search_index.hpp"
#include "ingest/source_reader.hpp"
#include "ingest/tile_writer.hpp"
#include "ingest/tiler.hpp"

namespace ingest = citymap::ingest;
namespace route = citymap::route;
namespace geo = citymap::geo;
namespace fs = std::filesystem;

namespace {

int fail(const std::string& message, int code = 1) {
  std::fprintf(stderr, "citymap-ingest: error: %s\n", message.c_str());
  return code;
}

std::string thousands(uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string s;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s.push_back(',');
    s.push_back(digits[i]);
  }
  return s;
}

geo::WorldBox worldBoxOf(const std::array<double, 4>& b) {
  const geo::WorldPoint nw = geo::toWorld({b[0], b[3]}), se = geo::toWorld({b[2], b[1]});
  return {nw.x, nw.y, se.x, se.y};
}

geo::WorldBox dataBounds(const std::vector<ingest::Feature>& features) {
  geo::WorldBox b{1, 1, 0, 0};
  for (const ingest::Feature& f : features) {
    b.minx = std::min(b.minx, f.bbox.minx);
    b.miny = std::min(b.miny, f.bbox.miny);
    b.maxx = std::max(b.maxx, f.bbox.maxx);
    b.maxy = std::max(b.maxy, f.bbox.maxy);
  }
  return {std::clamp(b.minx, 0.0, 1.0), std::clamp(b.miny, 0.0, 1.0), std::clamp(b.maxx, 0.0, 1.0),
          std::clamp(b.maxy, 0.0, 1.0)};
}

// What the run does, from the command line and the configuration.
struct Plan {
  std::vector<ingest::SourceSpec> sources;
  int minZoom = 12, maxZoom = 16;
  std::optional<std::array<double, 4>> bbox;
  std::optional<std::array<double, 3>> center;  // lng, lat, zoom
  std::string assumeCrs;
  bool mergeRoads = true;
  std::string name, nameEn;  // the place's name for the map's title
};

// Exit code 2: usage errors; 1: a bad configuration.
int makePlan(const ingest::CliOptions& o, Plan& plan) {
  ingest::IngestConfig config;
  if (!o.config.empty()) {
    auto loaded = ingest::loadConfig(o.config, o.dataDir);
    if (!loaded) return fail(loaded.error());
    config = std::move(loaded).value();
  }
  plan.sources = config.sources;
  for (const std::string& in : o.inputs) plan.sources.push_back(ingest::SourceSpec::commandLine(in));
  plan.minZoom = o.minZoomSet ? o.minZoom : config.minZoom.value_or(o.minZoom);
  plan.maxZoom = o.maxZoomSet ? o.maxZoom : config.maxZoom.value_or(o.maxZoom);
  if (plan.minZoom > plan.maxZoom)
    return fail(
        "minimum zoom " + std::to_string(plan.minZoom) + " is above maximum zoom " + std::to_string(plan.maxZoom), 2);
  plan.bbox = o.bbox ? o.bbox : config.bbox;
  plan.center = config.center;
  plan.name = config.name;
  plan.nameEn = config.nameEn;
  plan.assumeCrs = o.assumeCrs.empty() ? config.assumeCrs : o.assumeCrs;
  if (!o.assumeCrs.empty())
    if (auto ok = ingest::validateCrs(o.assumeCrs); !ok) return fail("--assume-crs: " + ok.error(), 2);
  plan.mergeRoads = o.mergeRoads && config.mergeRoads;
  if (plan.sources.size() > 65535) return fail("too many sources", 2);
  return 0;
}

int run(const ingest::CliOptions& o) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  const unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());

  Plan plan;
  if (const int code = makePlan(o, plan)) return code;

  // Fail on an unusable output directory before spending time on the inputs.
  auto out = ingest::OutputDir::prepare(o.out, o.gzipTiles);
  if (!out) return fail(out.error());
  ingest::Progress progress(!o.quiet);
  // A failure after this point: the partial output is removed, the progress line cleared.
  const auto abandon = [&](const std::string& message) {
    progress.clear();
    out->discard();
    return fail(message);
  };

  // ---- read ----
  ingest::ReadOptions readOptions;
  if (plan.bbox) readOptions.bbox = worldBoxOf(*plan.bbox);
  readOptions.assumeCrs = plan.assumeCrs;
  readOptions.skipInvalid = o.skipInvalid;
  std::vector<ingest::Place> places;
  readOptions.places = &places;
  std::vector<ingest::Feature> features;
  std::vector<ingest::LayerStats> layerStats;
  std::vector<bool> searchable;
  for (size_t i = 0; i < plan.sources.size(); ++i) {
    const ingest::SourceSpec& spec = plan.sources[i];
    searchable.push_back(spec.search);
    progress.begin("reading " + spec.label);
    readOptions.progress = [&](double f) { progress.update(f); };
    const size_t before = features.size();
    auto stats = ingest::readSource(spec, static_cast<uint16_t>(i), readOptions, features);
    if (!stats) {
      return abandon(stats.error());
    }
    if (spec.skipNear) {
      // Where an earlier source already has the street: counted on the source's last layer read.
      const uint64_t removed = ingest::skipNearSameName(features, before, *spec.skipNear);
      for (auto s = stats->rbegin(); s != stats->rend(); ++s)
        if (s->hasGeometry) {
          s->nearSameName += removed;
          s->classified -= std::min(s->classified, removed);
          break;
        }
    }
    progress.finish("read " + spec.label, thousands(features.size() - before) + " features");
    layerStats.insert(layerStats.end(), stats->begin(), stats->end());
  }
  const double readTime = seconds();
  const auto duplicates = ingest::removeDuplicates(features);
  // Roads keep every piece; the named streets joined from them go to road_labels.
  ingest::MergeStats merge;
  if (plan.mergeRoads) merge = ingest::addRoadLabels(features);
  if (features.empty() && !plan.bbox) {
    return abandon(
        "no feature in the inputs could be classified, so there are no bounds to tile (pass --bbox to write empty "
        "tiles)");
  }

  // ---- tile ----
  ingest::TilerOptions tiler;
  tiler.minZoom = static_cast<uint8_t>(plan.minZoom);
  tiler.maxZoom = static_cast<uint8_t>(plan.maxZoom);
  tiler.bounds = plan.bbox ? worldBoxOf(*plan.bbox) : dataBounds(features);
  tiler.threads = threads;
  tiler.progress = [&](double f) { progress.update(f); };
  progress.begin("tiling " + thousands(features.size()) + " features");
  const ingest::TileMap tiles = ingest::tileFeatures(features, tiler);
  progress.finish("tiled " + thousands(features.size()) + " features");
  const double tileTime = seconds();

  // ---- write ----
  const std::vector<ingest::TileRange> ranges = ingest::tileRanges(tiler.bounds, tiler.minZoom, tiler.maxZoom);
  uint64_t rangeTiles = 0;
  for (const ingest::TileRange& r : ranges) rangeTiles += r.count();
  progress.begin("writing " + thousands(rangeTiles) + " tiles");
  // {z}/{x}/{y}.cmt files, or tiles kept for one X.pmtiles archive (tools/ingest/archive_writer.hpp).
  auto zoomStats =
      ingest::writeTiles(*out, features, tiles, ranges, tiler.extent, threads, [&](double f) { progress.update(f); });
  if (!zoomStats) {
    return abandon(zoomStats.error());
  }
  progress.finish("wrote " + thousands(rangeTiles) + " tiles");
  const double writeTime = seconds();

  size_t searchEntries = 0;
  if (o.search) {
    const auto entries = ingest::buildSearchIndex(features, places, searchable, tiler.bounds);
    searchEntries = entries.size();
    if (auto w = out->writeFile("search.json", ingest::searchJson(entries)); !w) {
      return abandon(w.error());
    }
  }

  std::array<uint64_t, ingest::kLayerCount> kept{}, inTiles{};
  const size_t zooms = size_t(tiler.maxZoom - tiler.minZoom + 1);
  std::vector<std::array<uint64_t, ingest::kLayerCount>> perZoom(zooms);
  for (const ingest::Feature& f : features) ++kept[size_t(f.layer)];
  for (const auto& [key, list] : tiles) {
    const size_t zi = size_t(key >> 58) - tiler.minZoom;
    for (const ingest::EncodedFeature& e : list) {
      const size_t l = size_t(features[e.feature].layer);
      ++inTiles[l];
      ++perZoom[zi][l];
    }
  }

  // Layers in the summary and the report: every source layer, road_labels when it is written.
  const auto listed = [&](size_t l) {
    return l < ingest::kSourceLayerCount || (l == size_t(ingest::Layer::RoadLabels) && plan.mergeRoads);
  };

  ingest::TilesetInfo info;
  info.minZoom = tiler.minZoom;
  info.maxZoom = tiler.maxZoom;
  const geo::LngLat nw = geo::fromWorld({tiler.bounds.minx, tiler.bounds.miny});
  const geo::LngLat se = geo::fromWorld({tiler.bounds.maxx, tiler.bounds.maxy});
  // Rounded outwards to 1e-7 degrees, ignoring round-off far below that.
  const auto down = [](double v) { return std::floor(v * 1e7 + 1e-3) / 1e7; };
  const auto up = [](double v) { return std::ceil(v * 1e7 - 1e-3) / 1e7; };
  info.west = down(nw.lng);
  info.north = up(nw.lat);
  info.east = up(se.lng);
  info.south = down(se.lat);
  if (plan.center) {  // the configuration's default view
    info.center = {(*plan.center)[0], (*plan.center)[1]};
    info.centerZoom = static_cast<uint8_t>((*plan.center)[2]);
  } else {
    info.centerZoom = static_cast<uint8_t>(std::clamp(14, plan.minZoom, plan.maxZoom));
    info.center = ingest::busiestPoint(features, tiler.bounds, info.centerZoom);
  }
  for (size_t l = 0; l < ingest::kLayerCount; ++l)
    if (inTiles[l]) info.layers.emplace_back(ingest::kLayerNames[l]);
  info.name = plan.name;
  info.nameEn = plan.nameEn;
  // The walking graph: routing.cmg in a folder, a section after the tiles in an archive.
  ingest::RoutingStats routing;
  if (o.routing) {
    std::vector<uint8_t> graph = route::encodeRouteGraph(ingest::buildRoutingGraph(features, {}, routing));
    routing.bytes = graph.size();
    info.routingBytes = graph.size();
    if (auto w = out->writeRouting(std::move(graph)); !w) {
      return abandon(w.error());
    }
  }
  uint64_t totalTiles = 0, totalBytes = 0;
  for (const ingest::ZoomStats& z : zoomStats.value()) {
    totalTiles += z.tiles;
    totalBytes += z.bytes;
  }
  info.tiles = totalTiles;
  if (auto w = out->finish(info); !w) {  // tileset.json, or the whole archive
    return abandon(w.error());
  }
  if (auto c = out->commit(); !c) {
    return abandon(c.error());
  }
  const double totalTime = seconds();

  if (!o.report.empty()) {
    nlohmann::ordered_json r;
    r["out"] = out->target().string();
    r["seconds"] = std::round(totalTime * 1000) / 1000;
    r["tiles"] = totalTiles;
    r["bytes"] = totalBytes;
    r["minzoom"] = plan.minZoom;
    r["maxzoom"] = plan.maxZoom;
    r["bounds"] = {info.west, info.south, info.east, info.north};
    r["search_entries"] = searchEntries;
    if (o.routing)
      r["routing"] = {{"nodes", routing.nodes},        {"edges", routing.edges},
                      {"roads", routing.roads},        {"roads_skipped", routing.skipped},
                      {"ends_joined", routing.joined}, {"ends_loose", routing.loose},
                      {"shelters", routing.shelters},  {"bytes", routing.bytes}};
    r["merge"] = {{"pieces", merge.pieces}, {"features", merge.merged}, {"joined", merge.groups}};  // road_labels
    nlohmann::ordered_json sources = nlohmann::ordered_json::array();
    for (const ingest::LayerStats& s : layerStats)
      sources.push_back({{"source", s.source},
                         {"layer", s.layer},
                         {"read", s.read},
                         {"kept", s.classified},
                         {"area_pois", s.labelPoints},
                         {"unclassified", s.unclassified},
                         {"no_geometry", s.noGeometry},
                         {"reprojection_failed", s.transformFailed},
                         {"outside_bbox", s.outsideBbox},
                         {"near_same_name", s.nearSameName},
                         {"read_errors_skipped", s.readErrors},
                         {"duplicate_ids", s.duplicateIds},
                         {"crs", s.crs}});
    r["sources"] = sources;
    nlohmann::ordered_json layers = nlohmann::ordered_json::object();
    for (size_t l = 0; l < ingest::kLayerCount; ++l) {
      if (!listed(l)) continue;
      nlohmann::ordered_json z = nlohmann::ordered_json::object();
      for (size_t zi = 0; zi < zooms; ++zi) z[std::to_string(tiler.minZoom + zi)] = perZoom[zi][l];
      nlohmann::ordered_json zb = nlohmann::ordered_json::object();
      for (const ingest::ZoomStats& zst : zoomStats.value()) zb[std::to_string(zst.z)] = zst.layerBytes[l];
      layers[std::string(ingest::kLayerNames[l])] = {{"features", kept[l]},
                                                     {"duplicates", duplicates[l]},
                                                     {"tile_features", inTiles[l]},
                                                     {"per_zoom", z},
                                                     {"bytes_per_zoom", zb}};
    }
    r["layers"] = layers;
    nlohmann::ordered_json zs = nlohmann::ordered_json::array();
    for (const ingest::ZoomStats& z : zoomStats.value())
      zs.push_back(
          {{"z", z.z}, {"tiles", z.tiles}, {"with_data", z.nonEmpty}, {"features", z.features}, {"bytes", z.bytes}});
    r["zooms"] = zs;
    if (auto w = ingest::writeTextFile(o.report, r.dump(2) + "\n"); !w) return fail(w.error());
  }
  if (o.quiet) return 0;

  std::printf("citymap-ingest: %zu input(s), %zu layer(s) read in %.2f s, tiled in %.2f s\n", plan.sources.size(),
              layerStats.size(), readTime, tileTime - readTime);
  int width = 12;
  for (const ingest::LayerStats& s : layerStats) width = std::max(width, int(s.source.size() + 1 + s.layer.size()));
  std::printf("  %-*s %9s %10s %9s %9s   (unclassified / no geometry / reprojection / outside bbox / near same name)\n",
              width, "input layer", "read", "classified", "area pois", "dropped");
  for (const ingest::LayerStats& s : layerStats) {
    const std::string name = s.source + ":" + s.layer;
    std::printf("  %-*s %9llu %10llu %9llu %9llu   (%llu / %llu / %llu / %llu / %llu)\n", width, name.c_str(),
                (unsigned long long)s.read, (unsigned long long)s.classified, (unsigned long long)s.labelPoints,
                (unsigned long long)s.dropped(), (unsigned long long)s.unclassified, (unsigned long long)s.noGeometry,
                (unsigned long long)s.transformFailed, (unsigned long long)s.outsideBbox,
                (unsigned long long)s.nearSameName);
  }
  for (const ingest::LayerStats& s : layerStats)
    if (s.readErrors)
      std::printf(
          "  warning: %s: %llu GDAL read errors skipped (--skip-invalid): the input is broken or cut off, "
          "the map may miss features\n",
          s.source.c_str(), (unsigned long long)s.readErrors);
  for (const ingest::LayerStats& s : layerStats)
    if (s.duplicateIds)
      std::printf("  warning: %s:%s: %llu features share their id with an earlier one (give \"id\" more fields)\n",
                  s.source.c_str(), s.layer.c_str(), (unsigned long long)s.duplicateIds);
  if (plan.mergeRoads)
    std::printf("  road_labels: %llu named road pieces merged into %llu streets (%llu joined)\n",
                (unsigned long long)merge.pieces, (unsigned long long)merge.merged, (unsigned long long)merge.groups);
  std::printf("  %-12s %10s %12s %14s", "output layer", "features", "duplicates", "tile features");
  for (size_t zi = 0; zi < zooms; ++zi) std::printf(" %8s", ("z" + std::to_string(tiler.minZoom + zi)).c_str());
  std::printf("\n");
  for (size_t l = 0; l < ingest::kLayerCount; ++l) {
    if (!listed(l)) continue;
    std::printf("  %-12s %10llu %12llu %14llu", std::string(ingest::kLayerNames[l]).c_str(),
                (unsigned long long)kept[l], (unsigned long long)duplicates[l], (unsigned long long)inTiles[l]);
    for (size_t zi = 0; zi < zooms; ++zi) std::printf(" %8llu", (unsigned long long)perZoom[zi][l]);
    std::printf("\n");
  }
  // Tile bytes per layer per zoom (uncompressed FlatBuffers): where an archive's size goes.
  std::printf("  %-12s %10s", "layer bytes", "total");
  for (const ingest::ZoomStats& z : zoomStats.value()) std::printf(" %8s", ("z" + std::to_string(z.z)).c_str());
  std::printf("\n");
  for (size_t l = 0; l < ingest::kLayerCount; ++l) {
    uint64_t total = 0;
    for (const ingest::ZoomStats& z : zoomStats.value()) total += z.layerBytes[l];
    if (total == 0) continue;
    std::printf("  %-12s %10s", std::string(ingest::kLayerNames[l]).c_str(), ingest::humanBytes(total).c_str());
    for (const ingest::ZoomStats& z : zoomStats.value())
      std::printf(" %8s", ingest::humanBytes(z.layerBytes[l]).c_str());
    std::printf("\n");
  }
  std::printf("  %-6s %8s %10s %14s %12s\n", "zoom", "tiles", "with data", "tile features", "bytes");
  for (const ingest::ZoomStats& z : zoomStats.value())
    std::printf("  z%-5u %8llu %10llu %14llu %12s\n", unsigned(z.z), (unsigned long long)z.tiles,
                (unsigned long long)z.nonEmpty, (unsigned long long)z.features, ingest::humanBytes(z.bytes).c_str());
  if (o.search) std::printf("  search.json: %zu entries\n", searchEntries);
  if (o.routing) {
    const ingest::ArchiveStats* archive = out->archiveStats();
    const double whole = double(archive ? archive->fileBytes : totalBytes + routing.bytes);
    std::printf(
        "  routing graph: %zu nodes, %zu edges from %zu roads (%zu left out: motorways, no foot access; "
        "%zu loose ends joined, %zu left loose), %zu shelters, %s (%.1f %% of the %s)\n",
        routing.nodes, routing.edges, routing.roads, routing.skipped, routing.joined, routing.loose, routing.shelters,
        ingest::humanBytes(routing.bytes).c_str(), whole > 0 ? 100.0 * double(routing.bytes) / whole : 0.0,
        archive ? "archive" : "tiles and graph");
  }
  std::printf("wrote %llu tiles, %s, to %s in %.2f s (writing %.2f s; %u threads)\n", (unsigned long long)totalTiles,
              ingest::humanBytes(totalBytes).c_str(), out->target().c_str(), totalTime, writeTime - tileTime, threads);
  std::fputs(out->summary().c_str(), stdout);  // the archive's layout, if one was written
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto options = ingest::parseCli(args);
  if (!options) {
    std::fprintf(stderr, "citymap-ingest: error: %s\n%s", options.error().c_str(), ingest::usage().c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(ingest::usage().c_str(), stdout);
    return 0;
  }
  return run(options.value());
}
