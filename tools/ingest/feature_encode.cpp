#include "ingest/feature_encode.hpp"

namespace citymap::ingest {

flatbuffers::Offset<fb::Feature> encodeFeature(flatbuffers::FlatBufferBuilder& b, const Feature& f,
                                               const EncodedFeature& e) {
  using StringOffset = flatbuffers::Offset<flatbuffers::String>;
  const auto coords = b.CreateVector(e.coords);
  const auto parts = b.CreateVector(e.partSizes);
  const auto rings = f.geom.type == GeomType::Polygon ? b.CreateVector(e.ringCounts)
                                                     : flatbuffers::Offset<flatbuffers::Vector<uint32_t>>();
  // Shared strings: a street's name repeats in every piece of a tile.
  const auto str = [&](const std::string& s) { return s.empty() ? StringOffset() : b.CreateSharedString(s); };
  const auto name = str(f.name);
  const auto nameEn = str(f.nameEn);
  const auto ref = str(f.ref);
  return fb::CreateFeature(b, f.id, f.kind, f.flags, static_cast<fb::GeometryType>(f.geom.type), coords, parts, rings,
                           name, f.zOrder, nameEn, ref, f.height, f.color);
}

}  // namespace citymap::ingest
