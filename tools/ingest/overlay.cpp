#include "ingest/overlay.hpp"

#include <flatbuffers/flatbuffers.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "geo/mercator.hpp"
#include "ingest/archive_writer.hpp"
#include "ingest/progress.hpp"
#include "ingest/search_index.hpp"
#include "ingest/source_reader.hpp"
#include "ingest/tile_writer.hpp"
#include "ingest/tiler.hpp"

namespace citymap::ingest {

namespace {

geo::WorldBox boundsOfAll(const std::vector<Feature>& features) {
  geo::WorldBox b{1, 1, 0, 0};
  for (const Feature& f : features) {
    b.minx = std::min(b.minx, f.bbox.minx);
    b.miny = std::min(b.miny, f.bbox.miny);
    b.maxx = std::max(b.maxx, f.bbox.maxx);
    b.maxy = std::max(b.maxy, f.bbox.maxy);
  }
  return {std::clamp(b.minx, 0.0, 1.0), std::clamp(b.miny, 0.0, 1.0), std::clamp(b.maxx, 0.0, 1.0),
          std::clamp(b.maxy, 0.0, 1.0)};
}

std::string degrees(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  std::string s(buf);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

bool isOsmFile(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return name.ends_with(".osm") || name.ends_with(".pbf") || name.ends_with(".osm.bz2");
}

}  // namespace

uint8_t overlayMaxZoom(const std::vector<Feature>& features, uint8_t maxZoom, uint64_t budget) {
  for (int z = maxZoom; z > 0; --z) {
    const double scale = std::ldexp(1.0, z);
    const double last = scale - 1;
    double tiles = 0;
    for (const Feature& f : features) {
      const double w =
          std::min(std::floor(f.bbox.maxx * scale), last) - std::min(std::floor(f.bbox.minx * scale), last) + 1;
      const double h =
          std::min(std::floor(f.bbox.maxy * scale), last) - std::min(std::floor(f.bbox.miny * scale), last) + 1;
      tiles += w * h;
      if (tiles > double(budget)) break;
    }
    if (tiles <= double(budget)) return uint8_t(z);
  }
  return 0;
}

Result<Overlay> buildOverlay(const std::string& path, const OverlayOptions& options) {
  Overlay overlay;
  overlay.path = path;
  ReadOptions read;
  read.assumeCrs = options.assumeCrs;
  read.missingCrsHint = "give one with --overlay-srs EPSG:xxxx";
  std::vector<Feature> features;
  auto stats = readSource(SourceSpec::overlay(path), 0, read, features);
  if (!stats) return Error{stats.error()};
  uint8_t kind = 0;
  uint64_t readTotal = 0;
  for (const LayerStats& s : stats.value()) {
    if (!s.hasGeometry) continue;
    overlay.layers.push_back({s.layer, uint8_t(kind++ % 8), s.read, s.classified, s.crs});
    overlay.dropped += s.dropped();
    readTotal += s.read;
  }
  overlay.features = features.size();
  if (overlay.layers.empty()) return Error{path + ": no layer with geometry"};
  if (features.empty())
    return Error{path + ": no feature with a geometry to show (" + std::to_string(readTotal) + " read in " +
                 std::to_string(overlay.layers.size()) + " layer(s))"};

  TilerOptions tiler;
  tiler.minZoom = 0;
  tiler.maxZoom = overlayMaxZoom(features, std::min<uint8_t>(options.maxZoom, 20), options.tileBudget);
  tiler.bounds = boundsOfAll(features);
  tiler.threads = std::max(1u, options.threads);
  const TileMap tiles = tileFeatures(features, tiler);

  std::vector<uint64_t> keys;
  keys.reserve(tiles.size());
  for (const auto& [key, list] : tiles)
    if (!list.empty()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  if (keys.empty()) return Error{path + ": its features are too small to draw at any zoom"};
  ArchiveBuilder archive;
  flatbuffers::FlatBufferBuilder builder(64 * 1024);
  std::vector<const EncodedFeature*> sorted;
  for (const uint64_t key : keys) {
    const geo::TileID id{uint8_t(key >> 58), uint32_t((key >> 29) & ((1u << 29) - 1)),
                         uint32_t(key & ((1u << 29) - 1))};
    sorted.clear();
    for (const EncodedFeature& e : tiles.at(key)) sorted.push_back(&e);
    std::sort(sorted.begin(), sorted.end(), [&](const EncodedFeature* a, const EncodedFeature* b) {
      return featureLess(features[a->feature], features[b->feature]);
    });
    buildTile(builder, tiler.extent, sorted, features);
    archive.add(id, std::vector<uint8_t>(builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()));
  }

  const geo::LngLat nw = geo::fromWorld({tiler.bounds.minx, tiler.bounds.miny});
  const geo::LngLat se = geo::fromWorld({tiler.bounds.maxx, tiler.bounds.maxy});
  overlay.west = nw.lng;
  overlay.north = nw.lat;
  overlay.east = se.lng;
  overlay.south = se.lat;
  overlay.minZoom = tiler.minZoom;
  overlay.maxZoom = tiler.maxZoom;
  overlay.tiles = keys.size();

  TilesetInfo info;
  info.minZoom = tiler.minZoom;
  info.maxZoom = tiler.maxZoom;
  // Rounded outwards to 1e-7 degrees, so the box holds every feature.
  info.west = std::floor(overlay.west * 1e7) / 1e7;
  info.south = std::floor(overlay.south * 1e7) / 1e7;
  info.east = std::ceil(overlay.east * 1e7) / 1e7;
  info.north = std::ceil(overlay.north * 1e7) / 1e7;
  if (info.east - info.west < 1e-6) {  // a single point, or points on one meridian: a box of about 10 cm
    info.west -= 5e-7;
    info.east += 5e-7;
  }
  if (info.north - info.south < 1e-6) {
    info.south -= 5e-7;
    info.north += 5e-7;
  }
  info.center =
      geo::fromWorld({(tiler.bounds.minx + tiler.bounds.maxx) / 2, (tiler.bounds.miny + tiler.bounds.maxy) / 2});
  info.centerZoom = uint8_t(std::clamp(zoomToFit(tiler.bounds), int(tiler.minZoom), int(tiler.maxZoom)));
  info.layers = {std::string(layerName(Layer::Overlay))};
  info.tiles = keys.size();
  // The file's own data: OSM's credit only for OSM files.
  info.attribution = isOsmFile(path) ? "© OpenStreetMap contributors" : "";
  if (auto f = archive.finish(archiveInfo(info), tilesetJson(info, /*archive=*/true)); !f)
    return Error{path + ": " + f.error()};
  overlay.archive = archive.bytes();
  return overlay;
}

std::string overlaySummary(const Overlay& o) {
  std::string s = "overlay " + std::filesystem::path(o.path).filename().string() + ": " + std::to_string(o.features) +
                  " features in " + std::to_string(o.layers.size()) + (o.layers.size() == 1 ? " layer (" : " layers (");
  for (size_t i = 0; i < o.layers.size(); ++i)
    s += (i ? ", " : "") + o.layers[i].name + " " + std::to_string(o.layers[i].features);
  s += ")";
  if (o.dropped) s += ", " + std::to_string(o.dropped) + " without usable geometry";
  // One CRS for the file, or each layer's.
  bool same = true;
  for (const OverlayLayer& l : o.layers) same = same && l.crs == o.layers.front().crs;
  if (same) {
    s += ", CRS " + o.layers.front().crs;
  } else {
    s += ", CRS";
    for (size_t i = 0; i < o.layers.size(); ++i) s += (i ? "; " : " ") + o.layers[i].name + ": " + o.layers[i].crs;
  }
  s += ", bbox " + degrees(o.west) + "," + degrees(o.south) + "," + degrees(o.east) + "," + degrees(o.north);
  s += ", z" + std::to_string(o.minZoom) + "-" + std::to_string(o.maxZoom) + ", " + std::to_string(o.tiles) +
       " tiles, " + humanBytes(o.archive.size());
  return s;
}

}  // namespace citymap::ingest
