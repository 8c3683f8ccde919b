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
    if (l.icon >= 0 && size_t(l.icon) < fonts.icons.size() && cls.hasIcons()) {
      // The icon's cell scaled so that its disc is the class's icon size, on whole device pixels.
      const IconGlyph& ic = fonts.icons[size_t(l.icon)];
      const float side = ic.size * cls.iconSize / ic.discCss;
      const float x0 = std::round((l.iconX - side / 2) * dpr), y0 = std::round((l.iconY - side / 2) * dpr);
      const float x1 = x0 + std::round(side * dpr), y1 = y0 + std::round(side * dpr);
      const uint32_t base = uint32_t(out.vertices.size());
      const uint32_t iconColor = packPremultiplied(cls.iconColor, l.opacity),
                     disc = packPremultiplied(cls.iconHalo, l.opacity);
      const float corners[4][4] = {
          {x0, y0, ic.u0, ic.v0}, {x1, y0, ic.u1, ic.v0}, {x1, y1, ic.u1, ic.v1}, {x0, y1, ic.u0, ic.v1}};
      for (const auto& k : corners) out.vertices.push_back({k[0], k[1], k[2], k[3], iconColor, disc});
      for (uint32_t k : {0u, 1u, 2u, 0u, 2u, 3u}) out.indices.push_back(base + k);
    }
    shapeLine(*font, l.text, scale, out.shaped);
    const ShapedLine& line = out.shaped;
    const bool alongLine = !l.glyphs.empty() && l.glyphs.size() == line.clusters.size();
    bool level = true;  // nothing turned: whole device pixels
    if (alongLine) {
      for (const LineGlyph& g : l.glyphs) level &= g.angle == 0;
    } else {
      level = l.angle == 0;
    }
    // Straight text: x along the text from its left end, y down from its top, turned around the
    // label's centre. Along a line: each cluster turned around its own centre.
    float originX = l.x - line.width / 2, originY = l.y - cls.size / 2;
    float snapX = 0, snapY = 0;
    if (level && !alongLine) {
      originX = std::round(originX * dpr) / dpr;
      originY = std::round(originY * dpr) / dpr;
    } else if (level) {
      const float x0 = l.glyphs[0].x - line.clusters[0].advance / 2, y0 = l.glyphs[0].y - cls.size / 2;
      snapX = std::round(x0 * dpr) / dpr - x0;
      snapY = std::round(y0 * dpr) / dpr - y0;
    }
    const float labelCos = std::cos(l.angle), labelSin = std::sin(l.angle);
    for (const ShapedLine::Item& item : line.glyphs) {
      const Glyph* g = item.glyph;
      // The quad's corners: (cx, cy) + the turned (x, y) of each.
      float cx = originX, cy = originY, cosA = 1, sinA = 0, lx0 = item.x, ly0 = item.y;
      if (alongLine) {
        const ShapedLine::Cluster& k = line.clusters[item.cluster];
        const LineGlyph& lg = l.glyphs[item.cluster];
        cx = lg.x + snapX, cy = lg.y + snapY;
        if (lg.angle != 0) cosA = std::cos(lg.angle), sinA = std::sin(lg.angle);
        lx0 = item.x - (k.x + k.advance / 2), ly0 = item.y - cls.size / 2;
      } else if (!level) {
        cx = l.x, cy = l.y, cosA = labelCos, sinA = labelSin;
        lx0 = originX + item.x - l.x, ly0 = originY + item.y - l.y;
      }
      const float ax = lx0 + g->x0 * scale, bx = lx0 + g->x1 * scale;
      const float ay = ly0 + g->y0 * scale, by = ly0 + g->y1 * scale;
      const uint32_t base = uint32_t(out.vertices.size());
      const float corners[4][4] = {
          {ax, ay, g->u0, g->v0}, {bx, ay, g->u1, g->v0}, {bx, by, g->u1, g->v1}, {ax, by, g->u0, g->v1}};
      for (const auto& k : corners) {
        GlyphVertex v;
        v.x = (cx + k[0] * cosA - k[1] * sinA) * dpr;
        v.y = (cy + k[0] * sinA + k[1] * cosA) * dpr;
        v.u = k[2];
        v.v = k[3];
        v.color = color;
        v.halo = halo;
        out.vertices.push_back(v);
      }
      for (uint32_t k : {0u, 1u, 2u, 0u, 2u, 3u}) out.indices.push_back(base + k);
    }
  }
}

}  // namespace citymap::labels
