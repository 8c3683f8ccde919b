#pragma once
// The label atlas: a font atlas's coverage (one byte per texel) plus a halo channel, the
// coverage dilated by a disc of `radius` texels with an antialiased edge. Interleaved as two
// bytes per texel (red = glyph, green = halo) for an RG8 texture. Glyphs in the atlas need at
// least 2 * radius + 2 texels between them so halos do not reach their neighbours' quads.
#include <cstdint>
#include <span>
#include <vector>

namespace citymap::labels {

// A rectangle of texels [x0, x1) x [y0, y1).
struct TexelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// Only the coverage inside `sources` spreads into the halo (the label glyphs; the UI font's
// glyphs need none); empty: all of it.
std::vector<uint8_t> makeHaloAtlas(const uint8_t* alpha, int width, int height, float radius,
                                   std::span<const TexelRect> sources = {});

}  // namespace citymap::labels
