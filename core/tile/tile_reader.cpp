#include "tile/tile_reader.hpp"

#include <string>

#include "tile/kinds.hpp"

namespace citymap::tile {

namespace {

std::string featureError(const fb::Layer& layer, size_t i, const char* what) {
  return "tile layer '" + layer.name()->str() + "' feature " + std::to_string(i) + ": " + what;
}

// Geometry invariants: parts add up to the coordinate count, polygon rings to the parts.
const char* checkFeature(const fb::Feature& f) {
  if (f.type() > fb::GeometryType::MAX) return "unknown geometry type";
  const auto* coords = f.coords();
  const auto* parts = f.part_sizes();
  const size_t nCoords = coords ? coords->size() : 0;
  if (nCoords % 2 != 0) return "odd number of coordinates";
  uint64_t points = 0;
  if (parts) {
    for (uint32_t s : *parts) {
      if (s == 0) return "empty part";
      points += s;
    }
  } else if (nCoords != 0) {
    return "coordinates without part sizes";
  }
  if (points * 2 != nCoords) return "part sizes do not match the coordinates";
  const auto* rings = f.polygon_ring_counts();
  if (f.type() == fb::GeometryType::Polygon) {
    // An empty ring-count vector and no parts add up (0 == 0) but are no polygon (found by
    // fuzz_tile: the loop below then read a missing parts vector).
    if (!rings || rings->size() == 0 || !parts) return "polygon without ring counts";
    uint64_t total = 0;
    for (uint32_t r : *rings) {
      if (r == 0) return "polygon with no rings";
      total += r;
    }
    if (total != (parts ? parts->size() : 0)) return "ring counts do not match the parts";
    for (uint32_t s : *parts)
      if (s < 3) return "ring with fewer than 3 points";
  } else if (rings && rings->size() != 0) {
    return "ring counts on a non-polygon";
  }
  if (f.type() == fb::GeometryType::Line && parts) {
    for (uint32_t s : *parts)
      if (s < 2) return "line with fewer than 2 points";
  }
  return nullptr;
}

}  // namespace

const fb::Layer* TileData::layer(std::string_view name) const {
  const auto* layers = root().layers();
  if (!layers) return nullptr;
  for (const auto* l : *layers)
    if (l->name()->string_view() == name) return l;
  return nullptr;
}

Result<TileData> decodeTile(std::vector<uint8_t> bytes) {
  if (bytes.size() < 8) return Error{"tile too short (" + std::to_string(bytes.size()) + " bytes)"};
  if (!fb::TileBufferHasIdentifier(bytes.data())) return Error{"not a citymap tile (bad file identifier)"};
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  if (!fb::VerifyTileBuffer(verifier)) return Error{"tile failed FlatBuffers verification (corrupt or truncated)"};
  const fb::Tile& t = *fb::GetTile(bytes.data());
  if (t.format_version() != kFormatVersion)
    return Error{"unsupported tile format version " + std::to_string(t.format_version())};
  if (t.extent() == 0) return Error{"tile extent is 0"};
  if (!geo::TileID{t.z(), t.x(), t.y()}.valid()) return Error{"tile id out of range"};
  if (const auto* layers = t.layers()) {
    for (const auto* l : *layers) {
      if (!l->features()) continue;
      for (size_t i = 0; i < l->features()->size(); ++i)
        if (const char* err = checkFeature(*l->features()->Get(static_cast<flatbuffers::uoffset_t>(i))))
          return Error{featureError(*l, i, err)};
    }
  }
  return TileData(std::move(bytes));
}

}  // namespace citymap::tile
