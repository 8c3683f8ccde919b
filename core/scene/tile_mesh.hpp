#pragma once
// CPU geometry of one tile, one mesh per style bucket, ready for upload by the renderer.
#include <memory>
#include <vector>

#include "geo/tile_id.hpp"
#include "labels/candidates.hpp"
#include "scene/feature_index.hpp"
#include "style/style.hpp"
#include "tess/geometry.hpp"
#include "tile/tile_reader.hpp"

namespace citymap::scene {

struct BucketMesh {
  tess::FillMesh fill;  // Bucket::Geometry::Fill
  tess::LineMesh line;  // Bucket::Geometry::Line and Outline
  // Buckets with Bucket::featureSlots: the feature's slot for each line vertex.
  std::vector<float> slots;
  bool empty() const { return fill.indices.empty() && line.indices.empty(); }
};

struct TileMesh {
  geo::TileID id;
  float extent = 4096;
  std::vector<BucketMesh> buckets;  // parallel to Style::buckets
  labels::TileLabels labels;        // label candidates of the style's label classes
  size_t byteSize() const;
};

// Builds every bucket of `style` for a verified tile, and collects its label candidates. Buckets that keep feature
// slots take them from `slots` (without one, they are left empty).
std::shared_ptr<const TileMesh> buildTileMesh(const tile::TileData& tile, const style::Style& style,
                                              FeatureIndex* slots = nullptr);

}  // namespace citymap::scene
