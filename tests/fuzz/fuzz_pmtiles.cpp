// libFuzzer target: the PMTiles v3 reader. The input is an archive's beginning (as the client's
// first range request gets it): the 127-byte header, then a directory. Every directory entry's
// tile and leaf ranges are computed against the header, as the archive source does.
#include <algorithm>
#include <cstdint>
#include <span>

#include "tile/pmtiles.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace pm = citymap::tile::pmtiles;
  const std::span<const uint8_t> all(data, size);
  const size_t head = std::min(size, pm::kHeaderSize);
  auto header = pm::parseHeader(all.first(head), size);
  auto dir = pm::parseDirectory(all.subspan(head));
  if (!dir) return 0;
  for (const pm::Entry& e : *dir) {
    (void)pm::tileFromId(e.tileId);
    if (!header) continue;
    if (e.runLength == 0)
      (void)pm::leafRange(*header, e);
    else
      (void)pm::tileRange(*header, e);
  }
  if (!dir->empty()) (void)pm::find(*dir, dir->front().tileId + 1);
  return 0;
}
