#pragma once
// Text for labels without a font library: UTF-8 decoding, and fonts as glyph tables (advance,
// quad and atlas coordinates per code point) filled by whoever rasterised them (the app, from
// ImGui's font atlas). Metrics are in CSS pixels; one atlas texel is one device pixel.
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/utf8.hpp"

namespace citymap::labels {

using utf8::kReplacementChar;
using utf8::nextCodepoint;

struct Glyph {
  float advance = 0;                    // CSS px
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // quad relative to the pen at the line's top, CSS px
  float u0 = 0, v0 = 0, u1 = 0, v1 = 0;  // atlas coordinates (0..1)
  bool visible = false;                 // has pixels (a space has none)
};

class Font {
 public:
  Font() = default;
  explicit Font(float size) : size_(size) {}
  float size() const { return size_; }  // the text size the glyphs are for, CSS px
  void add(uint32_t codepoint, const Glyph& g);
  // The glyph for a code point; the fallback ('?' or U+FFFD if the font has one) if missing.
  const Glyph* find(uint32_t codepoint) const;
  size_t glyphCount() const { return glyphs_.size(); }

 private:
  static constexpr uint32_t kDirect = 0x2200;  // Latin, Vietnamese, punctuation: a flat table
  float size_ = 0;
  std::vector<Glyph> glyphs_;
  std::vector<uint16_t> direct_;  // code point -> glyph index + 1 (0: none)
  std::unordered_map<uint32_t, uint32_t> other_;
  int32_t fallback_ = -1;
};

// The fonts labels are drawn with, one per text size, and the halo baked into the atlas.
struct FontSet {
  std::vector<Font> fonts;
  float haloCss = 0;  // halo radius baked into the atlas (CSS px); glyph quads include it
  // The font for a text size: the exact size, else the nearest (drawn scaled); null if none.
  const Font* forSize(float size) const;
  bool empty() const { return fonts.empty(); }
};

// Width of a single line of text at `scale` times the font's size (CSS px, advances only).
float textWidth(const Font& font, std::string_view text, float scale = 1);

}  // namespace citymap::labels
