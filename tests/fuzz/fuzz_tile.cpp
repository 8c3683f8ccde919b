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
  // Read at the synthetic seed's address (tests/fuzz/make_seeds.cpp): format-2 tiles do not
  // store their z/x/y, and a tile that stores another one is refused.
  auto tile = citymap::tile::decodeTile(std::vector<uint8_t>(data, data + size), citymap::geo::TileID{14, 13064, 7571});
  if (!tile) return 0;
  citymap::scene::FeatureIndex index;
  (void)citymap::scene::buildTileMesh(*tile, citymap::style::defaultStyle(), &index);
  return 0;
}
