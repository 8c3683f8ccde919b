// libFuzzer target: the style file parser (core/style/style_json): any bytes as a style file,
// with and without the night theme. Errors and warnings must come back as messages, never a
// crash, a hang or an exception; an accepted style's curves are evaluated over the zooms.
#include <cstdint>
#include <string_view>

#include "style/style_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* theme : {"", "night"}) {
    auto r = citymap::style::parseStyle(text, "fuzz.json", theme);
    if (!r) continue;
    for (const auto& l : r->style.layers)
      for (double z = 0; z <= 24; z += 3) (void)(l.color.at(z).a + l.width.at(z) + l.opacity.at(z));
    (void)citymap::style::labelSizes(r->style);
  }
  return 0;
}
