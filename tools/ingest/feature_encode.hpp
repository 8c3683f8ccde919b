#pragma once
// One feature of one tile as a FlatBuffers table (core/tile/tile.fbs), with every field the
// pipeline fills: id, kind, flags, geometry, name, z_order, name_en, ref, height, color.
// The tile writer calls it for each feature so that new fields need no change there.
// Tile format 2 (docs/TILE_FORMAT.md): coordinates delta-coded within the feature, the id as
// the difference from `previousId`, the id of the feature before it in its layer (0 first).
#include <flatbuffers/flatbuffers.h>

#include "citymap/tile_generated.h"
#include "ingest/feature.hpp"
#include "ingest/tiler.hpp"

namespace citymap::ingest {

flatbuffers::Offset<fb::Feature> encodeFeature(flatbuffers::FlatBufferBuilder& b, const Feature& f,
                                               const EncodedFeature& e, uint64_t previousId);

}  // namespace citymap::ingest
