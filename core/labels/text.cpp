#include "labels/text.hpp"

#include <cmath>

namespace citymap::labels {

uint32_t nextCodepoint(std::string_view s, size_t& i) {
  const auto byte = [&](size_t k) { return uint32_t(uint8_t(s[k])); };
  const uint32_t b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  size_t len;
  uint32_t cp, min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++i;
    return kReplacementChar;
  }
  if (i + len > s.size()) {
    ++i;
    return kReplacementChar;
  }
  for (size_t k = 1; k < len; ++k) {
    const uint32_t b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kReplacementChar;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kReplacementChar;
  }
  i += len;
  return cp;
}

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
