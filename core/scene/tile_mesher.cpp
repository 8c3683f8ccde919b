#include <cmath>
#include <span>

#include "geo/camera.hpp"
#include "scene/tile_mesh.hpp"
#include "tess/arrows.hpp"
#include "tess/line.hpp"
#include "tess/point.hpp"
#include "tess/polygon.hpp"
#include "tile/feature_parts.hpp"
#include "tile/kinds.hpp"

namespace citymap::scene {

// What the mesh holds on the heap (capacities, not sizes): the cache's budget is real memory.
size_t TileMesh::byteSize() const {
  size_t n = sizeof(*this) + labels.byteSize() - sizeof(labels) + buckets.capacity() * sizeof(BucketMesh);
  for (const auto& b : buckets)
    n += b.fill.vertices.capacity() * sizeof(tess::Vec2) + b.fill.indices.capacity() * 4 +
         b.line.vertices.capacity() * sizeof(tess::LineVertex) + b.line.indices.capacity() * 4 +
         b.slots.capacity() * sizeof(float);
  return n;
}

namespace {

// Walks a feature's parts as float points; reuses one scratch buffer per call site.
class PartReader {
 public:
  explicit PartReader(const fb::Feature& f) : coords_(f.coords()), sizes_(tile::partSizes(f)) {}
  size_t count() const { return sizes_.size(); }
  // Reads part i (in order) into `out`.
  void next(std::vector<tess::Vec2>& out) {
    const uint32_t n = sizes_[uint32_t(part_++)];
    out.resize(n);
    for (uint32_t k = 0; k < n; ++k, offset_ += 2)
      out[k] = {float(coords_->Get(offset_)), float(coords_->Get(offset_ + 1))};
  }

 private:
  const flatbuffers::Vector<int16_t>* coords_;
  tile::Counts sizes_;
  size_t part_ = 0;
  flatbuffers::uoffset_t offset_ = 0;
};

void addFeature(const fb::Feature& f, const style::Bucket& bucket, float extent, BucketMesh& mesh,
                std::vector<std::vector<tess::Vec2>>& rings) {
  PartReader parts(f);
  if (bucket.geometry == style::Bucket::Geometry::Fill) {
    for (uint32_t ringCount : tile::ringCounts(f)) {
      if (rings.size() < ringCount) rings.resize(ringCount);
      for (uint32_t r = 0; r < ringCount; ++r) parts.next(rings[r]);
      tess::tessellatePolygon(std::span(rings.data(), ringCount), mesh.fill);
    }
    return;
  }
  if (rings.empty()) rings.resize(1);
  if (bucket.geometry == style::Bucket::Geometry::Point) {
    for (size_t i = 0; i < parts.count(); ++i) {
      parts.next(rings[0]);
      for (const tess::Vec2& p : rings[0]) tess::addPointMarker(p, mesh.line);
    }
    return;
  }
  if (bucket.geometry == style::Bucket::Geometry::Arrows) {
    // CSS px at the tile's zoom -> tile units; only arrows pointing inside the tile proper.
    const float unit = extent / float(geo::kTileSizePx);
    tess::ArrowStyle arrows;
    arrows.spacing = bucket.arrows.spacing * unit;
    arrows.length = bucket.arrows.length * unit;
    arrows.halfWidth = bucket.arrows.halfWidth * unit;
    arrows.keepMin = {0, 0};
    arrows.keepMax = {extent, extent};
    for (size_t i = 0; i < parts.count(); ++i) {
      parts.next(rings[0]);
      tess::addArrows(rings[0], arrows, bucket.line, mesh.line);
    }
    return;
  }
  for (size_t i = 0; i < parts.count(); ++i) {
    parts.next(rings[0]);
    auto& pts = rings[0];
    if (bucket.geometry == style::Bucket::Geometry::Outline && !pts.empty() &&
        (pts.front().x != pts.back().x || pts.front().y != pts.back().y))
      pts.push_back(pts.front());  // outlines are closed rings
    tess::extrudeLine(pts, bucket.line, mesh.line);
  }
}

// Point features of the IOC layer: their world position, for feeds that name them by id.
void recordAnchors(const tile::TileData& tile, FeatureIndex& index) {
  const fb::Layer* ioc = tile.layer(tile::layer::kIoc);
  if (!ioc || !ioc->features()) return;
  const geo::TileID id = tile.id();
  const double n = std::exp2(double(id.z)), extent = tile.extent();
  for (const fb::Feature* f : *ioc->features()) {
    if (f->type() != fb::GeometryType::Point || !f->coords() || f->coords()->size() < 2) continue;
    const double x = f->coords()->Get(0), y = f->coords()->Get(1);
    if (x < 0 || y < 0 || x > extent || y > extent) continue;  // in the buffer: another tile owns it
    index.setAnchor(f->id(), {(id.x + x / extent) / n, (id.y + y / extent) / n});
  }
}

}  // namespace

std::shared_ptr<const TileMesh> buildTileMesh(const tile::TileData& tile, const style::Style& style,
                                              FeatureIndex* slots) {
  auto mesh = std::make_shared<TileMesh>();
  mesh->id = tile.id();
  mesh->extent = tile.extent();
  mesh->buckets.resize(style.buckets.size());
  std::vector<std::vector<tess::Vec2>> rings;
  for (size_t b = 0; b < style.buckets.size(); ++b) {
    const style::Bucket& bucket = style.buckets[b];
    if (mesh->id.z < bucket.minTileZoom) continue;
    const fb::Layer* layer = tile.layer(bucket.sourceLayer);
    if (!layer || !layer->features()) continue;
    if (bucket.featureSlots && !slots) continue;
    BucketMesh& out = mesh->buckets[b];
    for (const fb::Feature* f : *layer->features()) {
      if (!bucket.matches(*f)) continue;
      addFeature(*f, bucket, mesh->extent, out, rings);
      if (bucket.featureSlots) out.slots.resize(out.line.vertices.size(), float(slots->slotFor(f->id())));
    }
    // Cached for minutes: no growth slack (vectors double as they fill; up to half is unused).
    out.fill.vertices.shrink_to_fit();
    out.fill.indices.shrink_to_fit();
    out.line.vertices.shrink_to_fit();
    out.line.indices.shrink_to_fit();
    out.slots.shrink_to_fit();
  }
  if (slots) recordAnchors(tile, *slots);
  mesh->labels = labels::collectLabels(tile, style);
  mesh->labels.text.shrink_to_fit();
  mesh->labels.points.shrink_to_fit();
  mesh->labels.candidates.shrink_to_fit();
  return mesh;
}

}  // namespace citymap::scene
