#include "labels/text.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/compose.hpp"

namespace citymap::labels {

void Font::add(uint32_t codepoint, const Glyph& g) {
  const uint32_t index = uint32_t(glyphs_.size());
  if (codepoint < kDirect) {
    if (direct_.empty()) direct_.assign(kDirect, 0);
    if (direct_[codepoint] != 0) {
      glyphs_[direct_[codepoint] - 1] = g;
      return;
    }
    if (index + 1 > 0xFFFF) return;  // a label font has a few hundred glyphs
    direct_[codepoint] = uint16_t(index + 1);
  } else {
    const auto [it, inserted] = other_.try_emplace(codepoint, index);
    if (!inserted) {
      glyphs_[it->second] = g;
      return;
    }
  }
  glyphs_.push_back(g);
  if (codepoint == kReplacementChar || (codepoint == '?' && fallback_ < 0)) fallback_ = int32_t(index);
}

const Glyph* Font::find(uint32_t codepoint) const {
  if (codepoint < kDirect) {
    if (!direct_.empty() && direct_[codepoint] != 0) return &glyphs_[direct_[codepoint] - 1];
  } else if (const auto it = other_.find(codepoint); it != other_.end()) {
    return &glyphs_[it->second];
  }
  return fallback_ >= 0 ? &glyphs_[size_t(fallback_)] : nullptr;
}

const Glyph* Font::findExact(uint32_t codepoint) const {
  if (codepoint < kDirect)
    return !direct_.empty() && direct_[codepoint] != 0 ? &glyphs_[direct_[codepoint] - 1] : nullptr;
  const auto it = other_.find(codepoint);
  return it != other_.end() ? &glyphs_[it->second] : nullptr;
}

int FontSet::findIcon(std::string_view name) const {
  if (name.empty()) return -1;
  const auto it = std::lower_bound(icons.begin(), icons.end(), name,
                                   [](const IconGlyph& g, std::string_view n) { return g.name < n; });
  return it != icons.end() && it->name == name ? int(it - icons.begin()) : -1;
}

const Font* FontSet::forSize(float size) const {
  const Font* best = nullptr;
  for (const Font& f : fonts)
    if (!best || std::abs(f.size() - size) < std::abs(best->size() - size)) best = &f;
  return best;
}

float textWidth(const Font& font, std::string_view text, float scale) {
  float w = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t at = i;
    const uint32_t cp = nextCodepoint(text, i);
    if (at > 0 && utf8::isCombiningMark(cp)) continue;  // on the glyph before it
    if (const Glyph* g = font.find(cp)) w += g->advance;
  }
  return w * scale;
}

void shapeLine(const Font& font, std::string_view text, float scale, ShapedLine& out) {
  out.clear();
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const float inset = font.inset(), gap = font.size() * 0.06f;
  // The ink of the current cluster (font units at the font's size): where marks go.
  float pen = 0, inkX0 = 0, inkX1 = 0, top = kInf, bottom = -kInf, advance = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t at = i;
    const uint32_t cp = nextCodepoint(text, i);
    const uint8_t ccc = utf8::combiningClass(cp);
    if (ccc != 0 && at > 0 && !out.clusters.empty()) {
      const Glyph* g = font.findExact(cp);
      if (!g || !g->visible) continue;  // a mark the font lacks: the letter without it
      const float mx0 = g->x0 + inset, mx1 = g->x1 - inset, my0 = g->y0 + inset, my1 = g->y1 - inset;
      const float base = pen - advance;  // the cluster's pen
      float x, y = 0;
      if (ccc == 216) {  // attached above right (the horn): at the ink's top right
        x = (inkX1 > inkX0 ? inkX1 - 0.3f * (mx1 - mx0) : base + advance) - mx0;
        if (top < kInf) y = top - 0.15f * (my1 - my0) - my0;
      } else {
        x = base + advance / 2 - (mx0 + mx1) / 2;  // centred on the advance
        const bool below = ccc == 202 || ccc == 218 || ccc == 220 || ccc == 222 || ccc == 233;
        if (below) {
          if (bottom > -kInf) y = std::max(0.f, bottom + gap - my0);
          bottom = std::max(bottom, my1 + y);
        } else {
          if (top < kInf) y = std::min(0.f, top - gap - my1);  // raised over a tall letter or another mark
          top = std::min(top, my0 + y);
        }
      }
      out.glyphs.push_back({g, x * scale, y * scale, uint32_t(out.clusters.size() - 1)});
      continue;
    }
    const Glyph* g = font.find(cp);
    if (!g) continue;
    out.clusters.push_back({pen * scale, g->advance * scale});
    if (g->visible) {
      out.glyphs.push_back({g, pen * scale, 0, uint32_t(out.clusters.size() - 1)});
      inkX0 = pen + g->x0 + inset, inkX1 = pen + g->x1 - inset;
      top = g->y0 + inset, bottom = g->y1 - inset;
    } else {
      inkX0 = inkX1 = pen, top = kInf, bottom = -kInf;
    }
    advance = g->advance;
    pen += g->advance;
  }
  out.width = pen * scale;
}

}  // namespace citymap::labels
