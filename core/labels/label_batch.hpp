#pragma once
// Glyph quads for the placed labels, in device pixels, ready for the renderer's label program
// (one draw call). Each quad samples the label atlas: red = the glyph's coverage, green = the
// halo around it (baked when the fonts were built). No GL here.
#include <cstdint>
#include <vector>

#include "labels/placement.hpp"
#include "labels/text.hpp"
#include "style/style.hpp"

namespace citymap::labels {

struct GlyphVertex {
  float x = 0, y = 0;  // device pixels, origin top-left
  float u = 0, v = 0;  // atlas
  uint32_t color = 0;  // premultiplied RGBA8, bytes r, g, b, a in memory order
  uint32_t halo = 0;
};
static_assert(sizeof(GlyphVertex) == 24);

struct LabelBatch {
  std::vector<GlyphVertex> vertices;
  std::vector<uint32_t> indices;
  ShapedLine shaped;  // scratch
  void clear() {
    vertices.clear();
    indices.clear();
  }
  bool empty() const { return indices.empty(); }
};

// Premultiplied RGBA8 of a style colour at `opacity`.
uint32_t packPremultiplied(style::Color c, float opacity);

// Lays out each label's text centred on its position, rotated by its angle; a line label's
// glyphs each at their own place and angle (PlacedLabel::glyphs), with the marks on them. Labels
// that are not turned are snapped to whole device pixels (crisp text).
void buildLabelBatch(const std::vector<PlacedLabel>& labels, const style::Style& style, const FontSet& fonts,
                     double pixelRatio, LabelBatch& out);

}  // namespace citymap::labels
