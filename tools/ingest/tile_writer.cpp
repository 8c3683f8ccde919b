#include "ingest/tile_writer.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "citymap/tile_generated.h"
#include "geo/mercator.hpp"
#include "ingest/feature_encode.hpp"
#include "tile/kinds.hpp"

namespace citymap::ingest {

namespace {

namespace fs = std::filesystem;

// Fixed-point text for a double with trailing zeros removed (locale-independent for JSON).
std::string number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s(buf);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string jsonString(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

bool writeFile(const fs::path& file, const void* data, size_t size, std::string& error) {
  FILE* f = std::fopen(file.c_str(), "wb");
  if (!f) {
    error = "cannot create " + file.string() + ": " + std::strerror(errno);
    return false;
  }
  const bool ok = std::fwrite(data, 1, size, f) == size;
  const int err = errno;
  if (std::fclose(f) != 0 || !ok) {
    error = "cannot write " + file.string() + ": " + std::strerror(ok ? errno : err);
    return false;
  }
  return true;
}

}  // namespace

void buildTile(flatbuffers::FlatBufferBuilder& b, uint16_t extent, std::span<const EncodedFeature* const> sorted,
               const std::vector<Feature>& features, std::array<uint64_t, kLayerCount>* layerBytes) {
  b.Clear();
  std::vector<flatbuffers::Offset<fb::Layer>> layers;
  std::vector<flatbuffers::Offset<fb::Feature>> out;
  for (size_t i = 0; i < sorted.size();) {
    const Layer layer = features[sorted[i]->feature].layer;
    const size_t before = b.GetSize();  // the builder grows by what this layer adds
    out.clear();
    uint64_t previousId = 0;  // ids are written as differences within the layer
    for (; i < sorted.size() && features[sorted[i]->feature].layer == layer; ++i) {
      const EncodedFeature& e = *sorted[i];
      out.push_back(encodeFeature(b, features[e.feature], e, previousId));
      previousId = features[e.feature].id;
    }
    const auto name = b.CreateString(layerName(layer).data(), layerName(layer).size());
    layers.push_back(fb::CreateLayer(b, name, b.CreateVector(out)));
    if (layerBytes) (*layerBytes)[size_t(layer)] += b.GetSize() - before;
  }
  const auto layerVec = layers.empty() ? flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::Layer>>>()
                                       : b.CreateVector(layers);
  // Format 2: no z/x/y in the tile (the reader knows where it asked), so identical tiles (the
  // inside of a ward, open sea) are stored once in the archive.
  fb::FinishTileBuffer(b, fb::CreateTile(b, tile::kFormatVersion, 0, 0, 0, extent, layerVec));
}

std::string tilesetJson(const TilesetInfo& info, bool archive) {
  std::string s = "{\n";
  s += "  \"format\": \"citymap-tiles\",\n";
  s += "  \"format_version\": " + std::to_string(tile::kFormatVersion) + ",\n";
  if (archive) s += "  \"tile_format\": \"citymap-fb-v1\",\n";
  s += "  \"minzoom\": " + std::to_string(info.minZoom) + ",\n";
  s += "  \"maxzoom\": " + std::to_string(info.maxZoom) + ",\n";
  s += "  \"bounds\": [" + number(info.west, 7) + ", " + number(info.south, 7) + ", " + number(info.east, 7) + ", " +
       number(info.north, 7) + "],\n";
  s += "  \"center\": [" + number(info.center.lng, 7) + ", " + number(info.center.lat, 7) + ", " +
       std::to_string(info.centerZoom) + "],\n";
  if (!archive) s += "  \"tile_path\": \"{z}/{x}/{y}.cmt\",\n";
  s += "  \"attribution\": " + jsonString(info.attribution) + ",\n";
  if (!info.name.empty()) s += "  \"name\": " + jsonString(info.name) + ",\n";
  if (!info.nameEn.empty()) s += "  \"name_en\": " + jsonString(info.nameEn) + ",\n";
  s += "  \"layers\": [";
  for (size_t i = 0; i < info.layers.size(); ++i) s += (i ? ", " : "") + jsonString(info.layers[i]);
  s += "],\n";
  s += "  \"tiles\": " + std::to_string(info.tiles);
  if (!archive && info.routingBytes)
    s += ",\n  \"" + std::string(kRoutingKey) + "\": {\"path\": \"" + kRoutingFile +
         "\", \"length\": " + std::to_string(info.routingBytes) + ", \"format\": \"" + kRoutingFormat + "\"}";
  s += "\n}\n";
  return s;
}

geo::LngLat busiestPoint(const std::vector<Feature>& features, const geo::WorldBox& bounds, uint8_t zoom) {
  std::map<uint64_t, std::pair<uint64_t, geo::TileID>> counts;
  for (const Feature& f : features) {
    if (f.layer == Layer::RoadLabels) continue;  // copies of roads
    const geo::WorldPoint c{(f.bbox.minx + f.bbox.maxx) / 2, (f.bbox.miny + f.bbox.maxy) / 2};
    if (c.x < bounds.minx || c.x > bounds.maxx || c.y < bounds.miny || c.y > bounds.maxy) continue;
    const geo::TileID t = geo::tileAt(c, zoom);
    auto& entry = counts[t.key()];
    ++entry.first;
    entry.second = t;
  }
  const geo::TileID* best = nullptr;
  uint64_t bestCount = 0;
  for (const auto& [key, entry] : counts)
    if (entry.first > bestCount) {
      bestCount = entry.first;
      best = &entry.second;
    }
  if (!best) return geo::fromWorld({(bounds.minx + bounds.maxx) / 2, (bounds.miny + bounds.maxy) / 2});
  const geo::WorldBox b = best->bounds();
  const geo::WorldBox inner{std::max(b.minx, bounds.minx), std::max(b.miny, bounds.miny), std::min(b.maxx, bounds.maxx),
                            std::min(b.maxy, bounds.maxy)};
  return geo::fromWorld({(inner.minx + inner.maxx) / 2, (inner.miny + inner.maxy) / 2});
}

Result<std::vector<ZoomStats>> buildTiles(const std::vector<Feature>& features, const TileMap& tiles,
                                          const std::vector<TileRange>& ranges, uint16_t extent, unsigned threads,
                                          const TileSink& sink) {
  std::vector<ZoomStats> stats;
  for (const TileRange& r : ranges) stats.push_back({r.z});

  struct Job {
    geo::TileID id;
    size_t zoomIndex;
  };
  std::vector<Job> jobs;
  for (size_t zi = 0; zi < ranges.size(); ++zi) {
    const TileRange& r = ranges[zi];
    for (uint32_t y = r.miny; y <= r.maxy; ++y)
      for (uint32_t x = r.minx; x <= r.maxx; ++x) jobs.push_back({{r.z, x, y}, zi});
  }

  threads = std::max(1u, std::min<unsigned>(threads, unsigned(jobs.size() / 256 + 1)));
  std::vector<std::vector<ZoomStats>> perThread(threads, stats);
  std::atomic<bool> failed{false};
  std::mutex errorMutex;
  std::string error;
  const auto work = [&](unsigned t) {
    flatbuffers::FlatBufferBuilder builder(64 * 1024);
    std::vector<const EncodedFeature*> sorted;
    std::string err;
    for (size_t j = t; j < jobs.size() && !failed.load(std::memory_order_relaxed); j += threads) {
      const Job& job = jobs[j];
      sorted.clear();
      if (const auto it = tiles.find(job.id.key()); it != tiles.end())
        for (const EncodedFeature& e : it->second) sorted.push_back(&e);
      std::sort(sorted.begin(), sorted.end(), [&](const EncodedFeature* a, const EncodedFeature* b) {
        return featureLess(features[a->feature], features[b->feature]);
      });
      ZoomStats& zs = perThread[t][job.zoomIndex];
      buildTile(builder, extent, sorted, features, &zs.layerBytes);
      if (!sink(j, job.id, std::span<const uint8_t>(builder.GetBufferPointer(), builder.GetSize()), err)) {
        std::lock_guard lock(errorMutex);
        if (!failed.exchange(true)) error = err;
        return;
      }
      ++zs.tiles;
      zs.nonEmpty += sorted.empty() ? 0 : 1;
      zs.features += sorted.size();
      zs.bytes += builder.GetSize();
    }
  };
  if (threads == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work, t);
    for (std::thread& th : pool) th.join();
  }
  if (failed) return Error{error};
  for (const auto& per : perThread)
    for (size_t i = 0; i < stats.size(); ++i) {
      stats[i].tiles += per[i].tiles;
      stats[i].nonEmpty += per[i].nonEmpty;
      stats[i].features += per[i].features;
      stats[i].bytes += per[i].bytes;
      for (size_t l = 0; l < kLayerCount; ++l) stats[i].layerBytes[l] += per[i].layerBytes[l];
    }
  return stats;
}

Result<std::vector<ZoomStats>> writeTiles(const fs::path& dir, const std::vector<Feature>& features,
                                          const TileMap& tiles, const std::vector<TileRange>& ranges, uint16_t extent,
                                          unsigned threads, const std::function<void(double)>& progress) {
  // Directories first (single-threaded), then the tiles split over the threads.
  uint64_t total = 0;
  for (const TileRange& r : ranges) {
    total += r.count();
    for (uint32_t x = r.minx; x <= r.maxx; ++x) {
      const fs::path d = dir / std::to_string(r.z) / std::to_string(x);
      std::error_code ec;
      fs::create_directories(d, ec);
      if (ec) return Error{"cannot create " + d.string() + ": " + ec.message()};
    }
  }
  std::atomic<uint64_t> written{0};
  return buildTiles(features, tiles, ranges, extent, threads,
                    [&](size_t, const geo::TileID& id, std::span<const uint8_t> bytes, std::string& err) {
                      const fs::path file =
                          dir / std::to_string(id.z) / std::to_string(id.x) / (std::to_string(id.y) + ".cmt");
                      if (!writeFile(file, bytes.data(), bytes.size(), err)) return false;
                      if (progress && (written.fetch_add(1, std::memory_order_relaxed) & 255) == 255)
                        progress(double(written.load(std::memory_order_relaxed)) / double(total));
                      return true;
                    });
}

Result<bool> writeTextFile(const fs::path& file, const std::string& text) {
  std::string err;
  if (!writeFile(file, text.data(), text.size(), err)) return Error{err};
  return true;
}

ArchiveInfo archiveInfo(const TilesetInfo& info) {
  ArchiveInfo a;
  a.minZoom = info.minZoom;
  a.maxZoom = info.maxZoom;
  a.centerZoom = info.centerZoom;
  a.west = info.west;
  a.south = info.south;
  a.east = info.east;
  a.north = info.north;
  a.centerLng = info.center.lng;
  a.centerLat = info.center.lat;
  return a;
}

}  // namespace citymap::ingest
