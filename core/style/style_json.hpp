#pragma once
// The style file: a JSON subset of the MapLibre style specification with a few citymap
// extensions (docs/MAP_STYLE.md), parsed into a Style. Never throws: every problem is an error
// naming the file, line and column, or a warning for what is ignored.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "style/style.hpp"

namespace citymap::style {

struct LoadedStyle {
  Style style;
  std::vector<std::string> themes;    // the themes the file defines ("citymap:themes")
  std::vector<std::string> warnings;  // "file:line:col: ..." for ignored properties
};

// Parses a style file's text. `file` names it in messages. `theme`: "" or "day" is the file's
// own look; another name applies that theme's overrides (an error if the file has none).
Result<LoadedStyle> parseStyle(std::string_view text, std::string_view file, std::string_view theme = "");

// 1-based line and column (in characters) of a byte offset in `text`.
struct TextPosition {
  size_t line = 1, column = 1;
};
TextPosition textPosition(std::string_view text, size_t offset);

// Kind names of a tile layer (the feature classes tools/ingest writes, tile/kinds.hpp), by
// value; empty for an unknown layer.
std::vector<std::string_view> kindNames(std::string_view sourceLayer);

}  // namespace citymap::style
