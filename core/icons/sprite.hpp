#pragma once
// The POI icon sprite (tools/sprite/make_sprite.mjs builds it from Maki at build time): one
// coverage byte per texel, cells named by icon, at one pixel ratio. Icons are drawn like
// label glyphs: the label atlas's red channel takes the icon's coverage and its green channel
// a disc behind it (makeIconCell), so an icon shows as a white symbol on a coloured disc.
// No GL here.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace citymap::icons {

struct IconRect {
  int x = 0, y = 0, width = 0, height = 0;  // texels of the sprite
};

struct Sprite {
  int width = 0, height = 0;
  float pixelRatio = 1;           // texels per CSS pixel
  std::vector<uint8_t> coverage;  // width * height, top row first
  std::map<std::string, IconRect, std::less<>> icons;
  const IconRect* find(std::string_view name) const;
};

// The sprite from its JSON index and its coverage bytes; an error names what is wrong (bad
// JSON, a missing or mistyped field, a cell outside the image, a byte count that does not
// match the size).
Result<Sprite> parseSprite(std::string_view indexJson, std::span<const uint8_t> coverage);

// One icon cell as two bytes per texel (red: the icon's coverage, green: a disc of
// `discRadius` texels centred in the cell with an antialiased edge), row by row.
std::vector<uint8_t> makeIconCell(const Sprite& sprite, const IconRect& cell, float discRadius);

}  // namespace citymap::icons
