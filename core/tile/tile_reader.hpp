#pragma once
// Verified, read-only access to a citymap tile buffer. decodeTile() runs the FlatBuffers
// Verifier and then checks the geometry invariants the tessellator relies on, so a corrupt,
// truncated or hostile buffer becomes an Error and is never read.
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.hpp"
#include "citymap/tile_generated.h"
#include "geo/tile_id.hpp"

namespace citymap::tile {

class TileData {
 public:
  const fb::Tile& root() const { return *fb::GetTile(bytes_.data()); }
  geo::TileID id() const { return {root().z(), root().x(), root().y()}; }
  uint16_t extent() const { return root().extent(); }
  const fb::Layer* layer(std::string_view name) const;
  size_t byteSize() const { return sizeof(*this) + bytes_.capacity(); }

 private:
  friend Result<TileData> decodeTile(std::vector<uint8_t> bytes);
  explicit TileData(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  std::vector<uint8_t> bytes_;
};

// Takes ownership of the bytes; on success they have been verified.
Result<TileData> decodeTile(std::vector<uint8_t> bytes);

}  // namespace citymap::tile
