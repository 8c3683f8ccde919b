#pragma once
// Cuts features into tiles: for every zoom, every tile in the output bounds gets the features
// touching it, clipped to the tile plus a buffer, simplified in tile units, quantised to int16.
//
// Clipping is hierarchical per feature: a feature is clipped to the tiles its bounding box
// touches at the first zoom, and each tile's clipped geometry is the input for its four
// children, so no feature is ever clipped against a tile it does not touch and large polygons
// get cheaper with every level.
//
// Tile geometry conventions (what the decoder and tessellator see):
//  * coordinates in 0..extent (y down) plus up to `buffer` units outside;
//  * polygon rings are open (the first point is not repeated); outer rings have a positive
//    shoelace area in tile coordinates (clockwise on screen, as in Mapbox Vector Tiles),
//    holes a negative one; rings smaller than minPolygonArea are dropped;
//  * lines have >= 2 distinct points per part, rings >= 3;
//  * points go only into the tile that contains them (not into neighbours' buffers).
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "geo/lnglat.hpp"
#include "geo/tile_id.hpp"
#include "ingest/feature.hpp"

namespace citymap::ingest {

struct TilerOptions {
  uint8_t minZoom = 12;
  uint8_t maxZoom = 16;
  uint16_t extent = tile::kDefaultExtent;
  uint16_t buffer = 128;      // tile units around the tile kept when clipping
  double minPolygonArea = 4;  // square tile units
  geo::WorldBox bounds;       // only tiles intersecting it are produced
  unsigned threads = 1;
  // Called from the calling thread about ten times a second with the share of features tiled.
  std::function<void(double)> progress;
};

// Douglas-Peucker tolerance in tile units: 1 at the highest zoom, coarser below.
double simplifyTolerance(uint8_t z, uint8_t maxZoom);

// The tiles at one zoom intersecting the bounds: x in [minx, maxx], y in [miny, maxy].
struct TileRange {
  uint8_t z = 0;
  uint32_t minx = 0, miny = 0, maxx = 0, maxy = 0;
  bool contains(uint32_t x, uint32_t y) const { return x >= minx && x <= maxx && y >= miny && y <= maxy; }
  uint64_t count() const { return uint64_t(maxx - minx + 1) * (maxy - miny + 1); }
};
std::vector<TileRange> tileRanges(const geo::WorldBox& bounds, uint8_t minZoom, uint8_t maxZoom);

// One feature's geometry inside one tile, ready for the FlatBuffers builder.
struct EncodedFeature {
  uint32_t feature = 0;  // index into the feature list
  std::vector<int16_t> coords;
  std::vector<uint32_t> partSizes;
  std::vector<uint32_t> ringCounts;  // polygons only
};

// Encodes `g` (already clipped to the buffered tile) into tile coordinates following the
// conventions above. Returns false if nothing drawable is left.
bool encodeGeometry(const Geometry& g, const geo::TileID& tile, const TilerOptions& options, EncodedFeature& out);

// Tile key (geo::TileID::key) -> the features in that tile, in no particular order.
using TileMap = std::unordered_map<uint64_t, std::vector<EncodedFeature>>;

TileMap tileFeatures(const std::vector<Feature>& features, const TilerOptions& options);

}  // namespace citymap::ingest
