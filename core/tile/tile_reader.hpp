#pragma once
// Verified, read-only access to a citymap tile buffer. decodeTile() runs the FlatBuffers
// Verifier and then checks the geometry invariants the tessellator relies on, so a corrupt,
// truncated or hostile buffer becomes an Error and is never read.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/result.hpp"
#include "citymap/tile_generated.h"
#include "geo/tile_id.hpp"

namespace citymap::tile {

class TileData {
 public:
  const fb::Tile& root() const { return *fb::GetTile(bytes_.data()); }
  geo::TileID id() const { return id_; }
  uint16_t extent() const { return root().extent(); }
  const fb::Layer* layer(std::string_view name) const;
  size_t byteSize() const { return sizeof(*this) + bytes_.capacity(); }

 private:
  friend Result<TileData> decodeTile(std::vector<uint8_t> bytes, std::optional<geo::TileID> address);
  TileData(std::vector<uint8_t> bytes, geo::TileID id) : bytes_(std::move(bytes)), id_(id) {}
  std::vector<uint8_t> bytes_;
  geo::TileID id_;
};

// Takes ownership of the bytes; on success they have been verified. `address`: where the tile
// was read from; needed for format-2 tiles, which leave their z/x/y out, and checked against
// the z/x/y of tiles that store them.
Result<TileData> decodeTile(std::vector<uint8_t> bytes, std::optional<geo::TileID> address = std::nullopt);

}  // namespace citymap::tile
