// libFuzzer target: the tile decoder (FlatBuffers verifier plus geometry invariants) and, for a
// tile it accepts, everything the client then does with it: meshing every bucket of the
// default style (triangulation, line extrusion, markers, arrows), label candidates and the
// feature index.
#include <cstdint>
#include <vector>

#include "scene/feature_index.hpp"
#include "scene/tile_mesh.hpp"
#include "style/style.hpp"
#include "tile/tile_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto tile = citymap::tile::decodeTile(std::vector<uint8_t>(data, data + size));
  if (!tile) return 0;
  citymap::scene::FeatureIndex index;
  (void)citymap::scene::buildTileMesh(*tile, citymap::style::defaultStyle(), &index);
  return 0;
}
