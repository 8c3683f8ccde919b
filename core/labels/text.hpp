#pragma once
// Text for labels without a font library: UTF-8 decoding, fonts as glyph tables (advance, quad
// and atlas coordinates per code point) filled by whoever rasterised them (the app, from ImGui's
// font atlas), and the layout of one line of text. Metrics are in CSS pixels; one atlas texel is
// one device pixel. Combining marks (U+0300-U+036F) left in a text after composition (no
// precomposed letter has them) do not advance: they are put on the glyph before them, centred on
// its advance, above its ink (marks above), below it (marks below) or at its top right (horn).
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/utf8.hpp"

namespace citymap::labels {

using utf8::kReplacementChar;
using utf8::nextCodepoint;

struct Glyph {
  float advance = 0;                     // CSS px
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // quad relative to the pen at the line's top, CSS px
  float u0 = 0, v0 = 0, u1 = 0, v1 = 0;  // atlas coordinates (0..1)
  bool visible = false;                  // has pixels (a space has none)
};

class Font {
 public:
  Font() = default;
  explicit Font(float size) : size_(size) {}
  float size() const { return size_; }  // the text size the glyphs are for, CSS px
  void add(uint32_t codepoint, const Glyph& g);
  // The glyph for a code point; the fallback ('?' or U+FFFD if the font has one) if missing.
  const Glyph* find(uint32_t codepoint) const;
  // The glyph for a code point, null if the font has none.
  const Glyph* findExact(uint32_t codepoint) const;
  size_t glyphCount() const { return glyphs_.size(); }
  // How far the glyph quads reach past the glyphs' ink on every side (a baked halo), CSS px.
  float inset() const { return inset_; }
  void setInset(float inset) { inset_ = inset; }

 private:
  static constexpr uint32_t kDirect = 0x2200;  // Latin, Vietnamese, punctuation: a flat table
  float size_ = 0;
  float inset_ = 0;
  std::vector<Glyph> glyphs_;
  std::vector<uint16_t> direct_;  // code point -> glyph index + 1 (0: none)
  std::unordered_map<uint32_t, uint32_t> other_;
  int32_t fallback_ = -1;
};

// A POI icon in the label atlas (core/icons): red = the symbol, green = the disc behind it.
struct IconGlyph {
  std::string name;
  float size = 0;     // the cell's side, CSS px (the disc's diameter is LabelClass::iconSize)
  float discCss = 0;  // the disc's diameter baked into the cell, CSS px
  float u0 = 0, v0 = 0, u1 = 0, v1 = 0;
};

// The fonts labels are drawn with, one per text size, the halo baked into the atlas, and the
// icons in the same atlas.
struct FontSet {
  std::vector<Font> fonts;
  float haloCss = 0;             // halo radius baked into the atlas (CSS px); glyph quads include it
  std::vector<IconGlyph> icons;  // sorted by name
  // The font for a text size: the exact size, else the nearest (drawn scaled); null if none.
  const Font* forSize(float size) const;
  // The icon of that name, -1 if the atlas has none.
  int findIcon(std::string_view name) const;
  bool empty() const { return fonts.empty(); }
};

// Width of a single line of text at `scale` times the font's size (CSS px, advances only).
float textWidth(const Font& font, std::string_view text, float scale = 1);

// One line of text laid out at `scale` times the font's size, CSS px from the line's top-left.
// A cluster is one advancing glyph and the marks on it.
struct ShapedLine {
  struct Item {
    const Glyph* glyph = nullptr;
    float x = 0, y = 0;    // the glyph's quad is (x, y) + its box * scale
    uint32_t cluster = 0;  // index into clusters
  };
  struct Cluster {
    float x = 0, advance = 0;
  };
  std::vector<Item> glyphs;  // visible glyphs only
  std::vector<Cluster> clusters;
  float width = 0;
  void clear() {
    glyphs.clear();
    clusters.clear();
    width = 0;
  }
};
void shapeLine(const Font& font, std::string_view text, float scale, ShapedLine& out);

}  // namespace citymap::labels
