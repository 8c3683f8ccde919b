#include "ingest/tiler.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

#include "ingest/clip.hpp"
#include "ingest/simplify.hpp"

namespace citymap::ingest {

namespace {

struct IPoint {
  int32_t x, y;
  bool operator==(const IPoint&) const = default;
};

// Twice the signed shoelace area (positive = clockwise on screen, y down).
int64_t doubleArea(const std::vector<IPoint>& ring) {
  int64_t a = 0;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
    a += int64_t(ring[j].x) * ring[i].y - int64_t(ring[i].x) * ring[j].y;
  return a;
}

class TileProjection {
 public:
  TileProjection(const geo::TileID& t, uint16_t extent) {
    const geo::WorldBox b = t.bounds();
    ox_ = b.minx;
    oy_ = b.miny;
    scale_ = std::ldexp(double(extent), t.z);
  }
  geo::WorldPoint toTile(geo::WorldPoint w) const { return {(w.x - ox_) * scale_, (w.y - oy_) * scale_}; }
  static IPoint quantise(geo::WorldPoint p) {
    const auto q = [](double v) {
      return static_cast<int32_t>(std::clamp(std::lround(v), long(std::numeric_limits<int16_t>::min()),
                                             long(std::numeric_limits<int16_t>::max())));
    };
    return {q(p.x), q(p.y)};
  }

  // Tile units, simplified, quantised, without consecutive duplicates.
  std::vector<IPoint> project(const Path& path, double tolerance, bool closed) const {
    Path local;
    local.reserve(path.size());
    for (const geo::WorldPoint& w : path) local.push_back(toTile(w));
    const Path simple = simplify(local, tolerance, closed);
    std::vector<IPoint> out;
    out.reserve(simple.size());
    for (const geo::WorldPoint& p : simple) {
      const IPoint q = quantise(p);
      if (out.empty() || !(out.back() == q)) out.push_back(q);
    }
    if (closed)
      while (out.size() > 1 && out.front() == out.back()) out.pop_back();
    return out;
  }

 private:
  double ox_ = 0, oy_ = 0, scale_ = 1;
};

void appendPart(const std::vector<IPoint>& pts, EncodedFeature& out) {
  for (const IPoint& p : pts) {
    out.coords.push_back(static_cast<int16_t>(p.x));
    out.coords.push_back(static_cast<int16_t>(p.y));
  }
  out.partSizes.push_back(static_cast<uint32_t>(pts.size()));
}

class Worker {
 public:
  Worker(const std::vector<Feature>& features, const TilerOptions& options, const std::vector<TileRange>& ranges)
      : features_(features), options_(options), ranges_(ranges) {}

  void run(size_t first, size_t stride, std::atomic<uint64_t>& done) {
    for (size_t i = first; i < features_.size(); i += stride) {
      tileFeature(static_cast<uint32_t>(i));
      done.fetch_add(1, std::memory_order_relaxed);
    }
  }

  TileMap& tiles() { return tiles_; }

 private:
  double bufferWorld(uint8_t z) const { return std::ldexp(double(options_.buffer) / options_.extent, -int(z)); }
  const TileRange& range(uint8_t z) const { return ranges_[z - options_.minZoom]; }

  void tileFeature(uint32_t index) {
    const Feature& f = features_[index];
    const uint8_t z0 = std::max(options_.minZoom, f.minZoom);
    if (z0 > options_.maxZoom) return;
    const TileRange& r = range(z0);
    const geo::WorldBox reach = expand(f.bbox, bufferWorld(z0));
    const geo::TileID a = geo::tileAt({reach.minx, reach.miny}, z0);
    const geo::TileID b = geo::tileAt({reach.maxx, reach.maxy}, z0);
    for (uint32_t y = std::max(a.y, r.miny); y <= std::min(b.y, r.maxy); ++y)
      for (uint32_t x = std::max(a.x, r.minx); x <= std::min(b.x, r.maxx); ++x)
        visit(index, f.geom, f.bbox, {z0, x, y});
  }

  // `g` covers at least the buffered tile `t` (it is clipped to t's parent or not at all).
  void visit(uint32_t index, const Geometry& g, const geo::WorldBox& gBox, const geo::TileID& t) {
    const geo::WorldBox box = expand(t.bounds(), bufferWorld(t.z));
    if (!boxOverlaps(box, gBox)) return;
    const Geometry* geom = &g;
    geo::WorldBox geomBox = gBox;
    Geometry clipped;
    if (!boxContains(box, gBox)) {
      clipped = clipGeometry(g, box);
      if (clipped.empty()) return;
      geom = &clipped;
      geomBox = boundsOf(clipped);
    }
    const Feature& f = features_[index];
    if (t.z >= f.minZoom) {
      EncodedFeature enc;
      enc.feature = index;
      if (encodeGeometry(*geom, t, options_, enc)) tiles_[t.key()].push_back(std::move(enc));
    }
    if (t.z >= options_.maxZoom) return;
    const TileRange& r = range(uint8_t(t.z + 1));
    for (uint32_t dy = 0; dy < 2; ++dy)
      for (uint32_t dx = 0; dx < 2; ++dx) {
        const geo::TileID c{uint8_t(t.z + 1), t.x * 2 + dx, t.y * 2 + dy};
        if (r.contains(c.x, c.y)) visit(index, *geom, geomBox, c);
      }
  }

  const std::vector<Feature>& features_;
  const TilerOptions& options_;
  const std::vector<TileRange>& ranges_;
  TileMap tiles_;
};

}  // namespace

double simplifyTolerance(uint8_t z, uint8_t maxZoom) { return z >= maxZoom ? 1.0 : 2.5; }

std::vector<TileRange> tileRanges(const geo::WorldBox& bounds, uint8_t minZoom, uint8_t maxZoom) {
  std::vector<TileRange> out;
  for (int z = minZoom; z <= maxZoom; ++z) {
    const std::vector<geo::TileID> tiles = geo::tilesCovering(bounds, uint8_t(z));
    TileRange r{uint8_t(z)};
    if (tiles.empty()) {
      // A degenerate box (a single point): the tile holding it.
      const geo::TileID t = geo::tileAt({bounds.minx, bounds.miny}, uint8_t(z));
      r.minx = r.maxx = t.x;
      r.miny = r.maxy = t.y;
    } else {
      r.minx = tiles.front().x;
      r.miny = tiles.front().y;
      r.maxx = tiles.back().x;
      r.maxy = tiles.back().y;
    }
    out.push_back(r);
  }
  return out;
}

bool encodeGeometry(const Geometry& g, const geo::TileID& tile, const TilerOptions& options, EncodedFeature& out) {
  const TileProjection proj(tile, options.extent);
  const double tolerance = simplifyTolerance(tile.z, options.maxZoom);
  out.coords.clear();
  out.partSizes.clear();
  out.ringCounts.clear();
  switch (g.type) {
    case GeomType::Point: {
      // Half-open tile box, so a point on a shared edge lands in exactly one tile.
      const geo::WorldBox b = tile.bounds();
      for (const Path& p : g.parts) {
        if (p.empty()) continue;
        const geo::WorldPoint w = p.front();
        if (w.x < b.minx || w.x >= b.maxx || w.y < b.miny || w.y >= b.maxy) continue;
        appendPart({TileProjection::quantise(proj.toTile(w))}, out);
      }
      break;
    }
    case GeomType::Line:
      for (const Path& p : g.parts) {
        const std::vector<IPoint> pts = proj.project(p, tolerance, false);
        if (pts.size() >= 2) appendPart(pts, out);
      }
      break;
    case GeomType::Polygon: {
      const int64_t minArea2 = static_cast<int64_t>(std::ceil(options.minPolygonArea * 2));
      size_t ring = 0;
      for (const uint32_t count : g.ringCounts) {
        const size_t end = ring + count;
        uint32_t kept = 0;
        for (size_t r = ring; r < end; ++r) {
          std::vector<IPoint> pts = proj.project(g.parts[r], tolerance, true);
          if (pts.size() < 3) {
            if (r == ring) break;  // outer ring gone: drop the whole polygon
            continue;
          }
          const int64_t area2 = doubleArea(pts);
          if (std::abs(area2) < minArea2) {
            if (r == ring) break;
            continue;
          }
          const bool outer = r == ring;
          if ((area2 > 0) != outer) std::reverse(pts.begin(), pts.end());
          appendPart(pts, out);
          ++kept;
        }
        if (kept > 0) out.ringCounts.push_back(kept);
        ring = end;
      }
      break;
    }
  }
  return !out.partSizes.empty();
}

TileMap tileFeatures(const std::vector<Feature>& features, const TilerOptions& options) {
  const std::vector<TileRange> ranges = tileRanges(options.bounds, options.minZoom, options.maxZoom);
  const unsigned threads = std::max(1u, std::min<unsigned>(options.threads, unsigned(features.size() / 64 + 1)));
  std::vector<Worker> workers(threads, Worker(features, options, ranges));
  std::atomic<uint64_t> done{0};
  if (threads == 1 && !options.progress) {
    workers[0].run(0, 1, done);
  } else {
    std::mutex mutex;
    std::condition_variable finished;
    unsigned running = threads;
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < threads; ++i)
      pool.emplace_back([&, i] {
        workers[i].run(i, threads, done);
        std::lock_guard lock(mutex);
        if (--running == 0) finished.notify_all();
      });
    if (options.progress) {
      std::unique_lock lock(mutex);
      while (!finished.wait_for(lock, std::chrono::milliseconds(100), [&] { return running == 0; })) {
        lock.unlock();
        options.progress(features.empty() ? 1.0
                                          : double(done.load(std::memory_order_relaxed)) / double(features.size()));
        lock.lock();
      }
    }
    for (std::thread& t : pool) t.join();
  }
  TileMap merged = std::move(workers[0].tiles());
  for (unsigned i = 1; i < threads; ++i)
    for (auto& [key, list] : workers[i].tiles()) {
      auto& dst = merged[key];
      dst.insert(dst.end(), std::make_move_iterator(list.begin()), std::make_move_iterator(list.end()));
    }
  return merged;
}

}  // namespace citymap::ingest
