// citymap-ingest: GDAL vector data -> citymap vector tiles (see usage() in cli.cpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "geo/mercator.hpp"
#include "ingest/cli.hpp"
#include "ingest/feature.hpp"
#include "ingest/output_dir.hpp"
#include "ingest/source_reader.hpp"
#include "ingest/tile_writer.hpp"
#include "ingest/tiler.hpp"

namespace ingest = citymap::ingest;
namespace geo = citymap::geo;

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "citymap-ingest: error: %s\n", message.c_str());
  return 1;
}

std::string humanBytes(uint64_t bytes) {
  char buf[32];
  if (bytes >= 10 * 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1048576.0);
  else if (bytes >= 10 * 1024) std::snprintf(buf, sizeof buf, "%.1f KB", bytes / 1024.0);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  return buf;
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

int run(const ingest::CliOptions& o) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  const unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());

  // Fail on an unusable output directory before spending time on the inputs.
  auto out = ingest::OutputDir::prepare(o.out);
  if (!out) return fail(out.error());

  ingest::ReadOptions readOptions;
  if (o.bbox) readOptions.bbox = worldBoxOf(*o.bbox);
  std::vector<ingest::Feature> features;
  std::vector<ingest::LayerStats> layerStats;
  for (size_t i = 0; i < o.inputs.size(); ++i) {
    auto stats = ingest::readSource(o.inputs[i], static_cast<uint16_t>(i), readOptions, features);
    if (!stats) {
      out->discard();
      return fail(stats.error());
    }
    layerStats.insert(layerStats.end(), stats->begin(), stats->end());
  }
  const double readTime = seconds();
  const auto duplicates = ingest::removeDuplicates(features);
  if (features.empty() && !o.bbox) {
    out->discard();
    return fail("no feature in the inputs could be classified, so there are no bounds to tile (pass --bbox to write empty tiles)");
  }

  ingest::TilerOptions tiler;
  tiler.minZoom = static_cast<uint8_t>(o.minZoom);
  tiler.maxZoom = static_cast<uint8_t>(o.maxZoom);
  tiler.bounds = o.bbox ? worldBoxOf(*o.bbox) : dataBounds(features);
  tiler.threads = threads;
  const ingest::TileMap tiles = ingest::tileFeatures(features, tiler);
  const double tileTime = seconds();

  const std::vector<ingest::TileRange> ranges = ingest::tileRanges(tiler.bounds, tiler.minZoom, tiler.maxZoom);
  auto zoomStats = ingest::writeTiles(out->staging(), features, tiles, ranges, tiler.extent, threads);
  if (!zoomStats) {
    out->discard();
    return fail(zoomStats.error());
  }

  const double writeTime = seconds();

  std::array<uint64_t, ingest::kLayerCount> kept{}, inTiles{};
  for (const ingest::Feature& f : features) ++kept[size_t(f.layer)];
  for (const auto& [key, list] : tiles)
    for (const ingest::EncodedFeature& e : list) ++inTiles[size_t(features[e.feature].layer)];

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
  info.centerZoom = static_cast<uint8_t>(std::clamp(14, o.minZoom, o.maxZoom));
  info.center = ingest::busiestPoint(features, tiler.bounds, info.centerZoom);
  for (size_t l = 0; l < ingest::kLayerCount; ++l)
    if (inTiles[l]) info.layers.emplace_back(ingest::kLayerNames[l]);
  uint64_t totalTiles = 0, totalBytes = 0;
  for (const ingest::ZoomStats& z : zoomStats.value()) {
    totalTiles += z.tiles;
    totalBytes += z.bytes;
  }
  info.tiles = totalTiles;
  const std::string json = ingest::tilesetJson(info);
  if (auto w = ingest::writeTextFile(out->staging() / "tileset.json", json); !w) {
    out->discard();
    return fail(w.error());
  }
  if (auto c = out->commit(); !c) {
    out->discard();
    return fail(c.error());
  }
  if (o.quiet) return 0;

  std::printf("citymap-ingest: %zu input(s), %zu layer(s) read in %.2f s, tiled in %.2f s\n", o.inputs.size(),
              layerStats.size(), readTime, tileTime - readTime);
  int width = 12;
  for (const ingest::LayerStats& s : layerStats) width = std::max(width, int(s.source.size() + 1 + s.layer.size()));
  std::printf("  %-*s %9s %10s %9s %9s   (unclassified / no geometry / reprojection / outside bbox)\n", width,
              "input layer", "read", "classified", "area pois", "dropped");
  for (const ingest::LayerStats& s : layerStats) {
    const std::string name = s.source + ":" + s.layer;
    std::printf("  %-*s %9llu %10llu %9llu %9llu   (%llu / %llu / %llu / %llu)\n", width, name.c_str(),
                (unsigned long long)s.read, (unsigned long long)s.classified, (unsigned long long)s.labelPoints,
                (unsigned long long)s.dropped(),
                (unsigned long long)s.unclassified, (unsigned long long)s.noGeometry,
                (unsigned long long)s.transformFailed, (unsigned long long)s.outsideBbox);
  }
  std::printf("  %-12s %10s %12s %14s\n", "output layer", "features", "duplicates", "tile features");
  for (size_t l = 0; l < ingest::kLayerCount; ++l)
    std::printf("  %-12s %10llu %12llu %14llu\n", std::string(ingest::kLayerNames[l]).c_str(),
                (unsigned long long)kept[l], (unsigned long long)duplicates[l], (unsigned long long)inTiles[l]);
  std::printf("  %-6s %8s %10s %14s %12s\n", "zoom", "tiles", "with data", "tile features", "bytes");
  for (const ingest::ZoomStats& z : zoomStats.value())
    std::printf("  z%-5u %8llu %10llu %14llu %12s\n", unsigned(z.z), (unsigned long long)z.tiles,
                (unsigned long long)z.nonEmpty, (unsigned long long)z.features, humanBytes(z.bytes).c_str());
  std::printf("wrote %llu tiles, %s, to %s in %.2f s (writing %.2f s; %u threads)\n", (unsigned long long)totalTiles,
              humanBytes(totalBytes).c_str(), out->target().c_str(), seconds(), writeTime - tileTime, threads);
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
