// libFuzzer target: the search index loader, then a few queries against what it accepted
// (folding, matching with typos, ranking, merging of near duplicates).
#include <cstdint>
#include <string_view>

#include "search/search_index.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto index = citymap::search::SearchIndex::load({reinterpret_cast<const char*>(data), size});
  if (!index) return 0;
  for (const char* q : {"cau rong", "Đường Bạch Đằng", "tran phu", "benh vien", "a", "xyzzy qwert"})
    (void)index->search(q, {108.2, 16.06}, 8);
  return 0;
}
