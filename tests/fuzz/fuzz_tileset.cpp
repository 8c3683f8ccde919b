// libFuzzer target: tileset.json / an archive's metadata JSON, both ways it is read.
#include <cstdint>
#include <string_view>

#include "tile/tileset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  for (const bool folder : {true, false}) {
    auto t = citymap::tile::parseTileset(json, folder);
    if (t && !t->tilePath.empty()) (void)t->tileUrl("base/", {uint8_t(t->minZoom), 0, 0});
    if (t) (void)t->worldBounds();
  }
  return 0;
}
