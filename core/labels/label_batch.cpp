#include "labels/label_batch.hpp"

#include <algorithm>
#include <cmath>

namespace citymap::labels {

uint32_t packPremultiplied(style::Color c, float opacity) {
  const float a = std::clamp(c.a * opacity, 0.f, 1.f);
  const auto byte = [](float v) { return uint32_t(std::lround(std::clamp(v, 0.f, 1.f) * 255.f)); };
  return byte(c.r * a) | byte(c.g * a) << 8 | byte(c.b * a) << 16 | byte(a) << 24;
}

void buildLabelBatch(const std::vector<PlacedLabel>& labels, const style::Style& style, const FontSet& fonts,
                     double pixelRatio, LabelBatch& out) {
  out.clear();
  const float dpr = float(pixelRatio);
  for (const PlacedLabel& l : labels) {
    if (l.labelClass >= style.labels.size() || l.opacity <= 0) continue;
    const style::LabelClass& cls = style.labels[l.labelClass];
    const Font* font = fonts.forSize(cls.size);
    if (!font) continue;
    const float scale = cls.size / font->size();
    const uint32_t color = packPremultiplied(cls.color, l.opacity), halo = packPremultiplied(cls.halo, l.opacity);
    const float cosA = std::cos(l.angle), sinA = std::sin(l.angle);
    const bool rotated = l.angle != 0;
    // Local frame: x along the text from its centre, y down from its centre; pen at the left.
    const float width = textWidth(*font, l.text, scale);
    float originX = l.x - width / 2, originY = l.y - cls.size / 2;
    if (!rotated) {  // whole device pixels
      originX = std::round(originX * dpr) / dpr;
      originY = std::round(originY * dpr) / dpr;
    }
    float pen = 0;
    for (size_t i = 0; i < l.text.size();) {
      const Glyph* g = font->find(nextCodepoint(l.text, i));
      if (!g) continue;
      if (g->visible) {
        const float lx0 = pen + g->x0 * scale, lx1 = pen + g->x1 * scale;
        const float ly0 = g->y0 * scale, ly1 = g->y1 * scale;
        const uint32_t base = uint32_t(out.vertices.size());
        const float corners[4][4] = {{lx0, ly0, g->u0, g->v0}, {lx1, ly0, g->u1, g->v0},
                                     {lx1, ly1, g->u1, g->v1}, {lx0, ly1, g->u0, g->v1}};
        for (const auto& k : corners) {
          GlyphVertex v;
          if (rotated) {
            // Rotate around the label's centre.
            const float px = originX + k[0] - l.x, py = originY + k[1] - l.y;
            v.x = (l.x + px * cosA - py * sinA) * dpr;
            v.y = (l.y + px * sinA + py * cosA) * dpr;
          } else {
            v.x = (originX + k[0]) * dpr;
            v.y = (originY + k[1]) * dpr;
          }
          v.u = k[2];
          v.v = k[3];
          v.color = color;
          v.halo = halo;
          out.vertices.push_back(v);
        }
        for (uint32_t k : {0u, 1u, 2u, 0u, 2u, 3u}) out.indices.push_back(base + k);
      }
      pen += g->advance * scale;
    }
  }
}

}  // namespace citymap::labels
