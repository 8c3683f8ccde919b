#include "tile/tile_reader.hpp"

#include <optional>
#include <string>
#include <vector>

#include "tile/coord_delta.hpp"
#include "tile/feature_parts.hpp"
#include "tile/kinds.hpp"

namespace citymap::tile {

namespace {

std::string featureError(const fb::Layer& layer, size_t i, const char* what) {
  return "tile layer '" + layer.name()->str() + "' feature " + std::to_string(i) + ": " + what;
}

// Geometry invariants: parts add up to the coordinate count, polygon rings to the parts
// (either may be implied: feature_parts.hpp).
const char* checkFeature(const fb::Feature& f) {
  if (f.type() > fb::GeometryType::MAX) return "unknown geometry type";
  const auto* coords = f.coords();
  const size_t nCoords = coords ? coords->size() : 0;
  if (nCoords % 2 != 0) return "odd number of coordinates";
  const Counts parts = partSizes(f);
  uint64_t points = 0;
  for (uint32_t s : parts) {
    if (s == 0) return "empty part";
    points += s;
  }
  if (points * 2 != nCoords) return "part sizes do not match the coordinates";
  if (f.type() == fb::GeometryType::Polygon) {
    // An empty ring-count vector and no parts add up (0 == 0) but are no polygon (found by
    // fuzz_tile: the loop below then read a missing parts vector).
    const Counts rings = ringCounts(f);
    if (rings.empty() || parts.empty()) return "polygon without ring counts";
    uint64_t total = 0;
    for (uint32_t r : rings) {
      if (r == 0) return "polygon with no rings";
      total += r;
    }
    if (total != parts.size()) return "ring counts do not match the parts";
    for (uint32_t s : parts)
      if (s < 3) return "ring with fewer than 3 points";
  } else if (f.polygon_ring_counts() && f.polygon_ring_counts()->size() != 0) {
    return "ring counts on a non-polygon";
  }
  if (f.type() == fb::GeometryType::Line) {
    for (uint32_t s : parts)
      if (s < 2) return "line with fewer than 2 points";
  }
  return nullptr;
}

// Format 2: ids and coordinates are delta-coded on the wire (coord_delta.hpp) and are turned
// back into absolute values in the (owned, verified) buffer. Where they are is collected first,
// from the untouched buffer, and only then written: a hostile buffer may alias them with its own
// structure, which the writes would then change, so decodeTile() verifies the buffer again
// afterwards. Null on success, else what is wrong.
const char* undoDeltas(std::vector<uint8_t>& bytes) {
  const fb::Tile& t = *fb::GetTile(bytes.data());
  const auto* layers = t.layers();
  if (!layers) return nullptr;
  uint8_t* const base = bytes.data();
  const auto writable = [base](const uint8_t* p) { return base + (p - base); };  // into our own buffer
  struct Feature {
    uint8_t* id;  // null: no id slot
    uint8_t* coords;
    uint32_t coordCount;
  };
  std::vector<std::vector<Feature>> plan(layers->size());
  for (flatbuffers::uoffset_t li = 0; li < layers->size(); ++li) {
    const auto* features = layers->Get(li)->features();
    if (!features) continue;
    for (const fb::Feature* f : *features) {
      const auto* table = reinterpret_cast<const flatbuffers::Table*>(f);
      const uint8_t* id = table->GetAddressOf(fb::Feature::VT_ID);
      const auto* coords = f->coords();
      plan[li].push_back(
          {id ? writable(id) : nullptr, coords ? writable(coords->Data()) : nullptr, coords ? coords->size() : 0u});
    }
  }
  for (const auto& features : plan) {
    uint64_t id = 0;
    for (const Feature& f : features) {
      if (f.id) {
        id += flatbuffers::ReadScalar<uint64_t>(f.id);  // wrapping, as written
        flatbuffers::WriteScalar<uint64_t>(f.id, id);
      } else if (id != 0) {
        // The writer always stores the id; without a slot the absolute id cannot be kept.
        return "feature without an id slot in a delta-coded tile";
      }
      const bool ok = deltaDecodeCoords(
          f.coordCount, [&](size_t i) { return flatbuffers::ReadScalar<int16_t>(f.coords + 2 * i); },
          [&](size_t i, int16_t v) { flatbuffers::WriteScalar<int16_t>(f.coords + 2 * i, v); });
      if (!ok) return "tile coordinates out of range (corrupt deltas)";
    }
  }
  return nullptr;
}

// The buffer's structure and geometry invariants; null when fine.
std::optional<std::string> validate(const std::vector<uint8_t>& bytes) {
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  if (!fb::VerifyTileBuffer(verifier)) return "tile failed FlatBuffers verification (corrupt or truncated)";
  const fb::Tile& t = *fb::GetTile(bytes.data());
  if (const auto* layers = t.layers()) {
    for (const auto* l : *layers) {
      if (!l->features()) continue;
      for (size_t i = 0; i < l->features()->size(); ++i)
        if (const char* err = checkFeature(*l->features()->Get(static_cast<flatbuffers::uoffset_t>(i))))
          return featureError(*l, i, err);
    }
  }
  return std::nullopt;
}

}  // namespace

const fb::Layer* TileData::layer(std::string_view name) const {
  const auto* layers = root().layers();
  if (!layers) return nullptr;
  for (const auto* l : *layers)
    if (l->name()->string_view() == name) return l;
  return nullptr;
}

Result<TileData> decodeTile(std::vector<uint8_t> bytes, std::optional<geo::TileID> address) {
  if (bytes.size() < 8) return Error{"tile too short (" + std::to_string(bytes.size()) + " bytes)"};
  if (!fb::TileBufferHasIdentifier(bytes.data())) return Error{"not a citymap tile (bad file identifier)"};
  if (auto err = validate(bytes)) return Error{*err};
  const fb::Tile& t = *fb::GetTile(bytes.data());
  const uint16_t version = t.format_version();
  if (version < kMinFormatVersion || version > kFormatVersion)
    return Error{"unsupported tile format version " + std::to_string(version)};
  if (t.extent() == 0) return Error{"tile extent is 0"};
  // Format 2 leaves z/x/y out (identical tiles, e.g. inside one ward, then share their bytes in
  // the archive): the tile is where it was asked for. A stored id must match the address.
  const geo::TileID stored{t.z(), t.x(), t.y()};
  const bool hasId = stored.z != 0 || stored.x != 0 || stored.y != 0;
  if (hasId && !stored.valid()) return Error{"tile id out of range"};
  if (hasId && address && !(stored == *address)) return Error{"tile id does not match its address"};
  if (!hasId && !address && version >= 2) return Error{"tile without z/x/y read without its address"};
  const geo::TileID id = hasId ? stored : address.value_or(stored);
  if (!id.valid()) return Error{"tile address out of range"};
  if (version >= 2) {
    if (const char* err = undoDeltas(bytes)) return Error{err};
    // Only a hostile buffer can fail here (see undoDeltas); it is never read unverified.
    if (auto err = validate(bytes)) return Error{*err + " (after undoing its delta coding)"};
  }
  return TileData(std::move(bytes), id);
}

}  // namespace citymap::tile
