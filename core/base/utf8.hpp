#pragma once
// UTF-8 decoding for the core's text (labels, search folding): one code point at a time, never
// reading past the text; malformed or truncated sequences, overlong forms, surrogates and values
// above U+10FFFF give one U+FFFD per bad byte.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace citymap::utf8 {

inline constexpr uint32_t kReplacementChar = 0xFFFD;

// The code point starting at s[i]; advances i past it.
inline uint32_t nextCodepoint(std::string_view s, size_t& i) {
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

}  // namespace citymap::utf8
