#include "ingest/feature_encode.hpp"

#include <stdexcept>
#include <vector>

#include "tile/coord_delta.hpp"

namespace citymap::ingest {

flatbuffers::Offset<fb::Feature> encodeFeature(flatbuffers::FlatBufferBuilder& b, const Feature& f,
                                               const EncodedFeature& e, uint64_t previousId) {
  using StringOffset = flatbuffers::Offset<flatbuffers::String>;
  // Tile format 2: coordinates as differences from the previous point (tile/coord_delta.hpp).
  std::vector<int16_t> deltas(e.coords.begin(), e.coords.end());
  if (!tile::deltaEncodeCoords(deltas))
    throw std::runtime_error("feature " + std::to_string(f.id) + ": coordinates too far apart for 16-bit differences");
  const auto coords = b.CreateVector(deltas);
  // Short forms (tile/feature_parts.hpp): one part or one polygon needs no count vector.
  using Counts = flatbuffers::Offset<flatbuffers::Vector<uint32_t>>;
  const auto parts = e.partSizes.size() == 1 ? Counts() : b.CreateVector(e.partSizes);
  const auto rings =
      f.geom.type == GeomType::Polygon && e.ringCounts.size() != 1 ? b.CreateVector(e.ringCounts) : Counts();
  // Shared strings: a street's name repeats in every piece of a tile.
  const auto str = [&](const std::string& s) { return s.empty() ? StringOffset() : b.CreateSharedString(s); };
  const auto name = str(f.name);
  const auto nameEn = str(f.nameEn);
  const auto ref = str(f.ref);
  // Fields largest first, as flatc's CreateFeature orders them (least padding).
  fb::FeatureBuilder fb(b);
  // Tile format 2: the id as the difference from the previous feature's in the layer (wrapping),
  // always written, even when 0, so that the reader has a slot for the absolute id.
  b.ForceDefaults(true);
  fb.add_id(f.id - previousId);
  b.ForceDefaults(false);
  fb.add_color(f.color);
  fb.add_height(f.height);
  fb.add_ref(ref);
  fb.add_name_en(nameEn);
  fb.add_name(name);
  fb.add_polygon_ring_counts(rings);
  fb.add_part_sizes(parts);
  fb.add_coords(coords);
  fb.add_z_order(f.zOrder);
  fb.add_type(static_cast<fb::GeometryType>(f.geom.type));
  fb.add_flags(f.flags);
  fb.add_kind(f.kind);
  return fb.Finish();
}

}  // namespace citymap::ingest
