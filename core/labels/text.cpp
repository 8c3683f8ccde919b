#include "labels/text.hpp"

#include <cmath>

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

const Font* FontSet::forSize(float size) const {
  const Font* best = nullptr;
  for (const Font& f : fonts)
    if (!best || std::abs(f.size() - size) < std::abs(best->size() - size)) best = &f;
  return best;
}

float textWidth(const Font& font, std::string_view text, float scale) {
  float w = 0;
  for (size_t i = 0; i < text.size();)
    if (const Glyph* g = font.find(nextCodepoint(text, i))) w += g->advance;
  return w * scale;
}

}  // namespace citymap::labels
