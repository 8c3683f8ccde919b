#pragma once
// Unicode composition (NFC) for the text that comes in from outside (live feed texts): decomposed
// Latin letters and Vietnamese marks become the precomposed letters the fonts and the tiles use
// ("Đa\u0300 Na\u0306\u0303ng" -> "Đà Nẵng"). The tables are generated at build time from
// Python's unicodedata (tools/gen/compose_table.py): the combining classes of U+0300-U+036F and
// the canonical compositions of Latin letters with the marks Vietnamese uses (grave, acute,
// tilde, hook above, dot below, circumflex, breve, horn). Marks in U+0300-U+036F are put in
// canonical order; other code points are left as they are. Invalid UTF-8 bytes become U+FFFD
// (only in text that has combining marks; other text is returned unchanged).
#include <cstdint>
#include <string>
#include <string_view>

namespace citymap::utf8 {

// The canonical combining class of a code point (0: a starter). Known for U+0300-U+036F, 0
// elsewhere.
uint8_t combiningClass(uint32_t cp);
inline bool isCombiningMark(uint32_t cp) { return combiningClass(cp) != 0; }

// The precomposed letter of `base` + `mark`, or 0 if there is none.
uint32_t composePair(uint32_t base, uint32_t mark);

// Text may hold combining marks of U+0300-U+036F (a quick test on the bytes).
bool mayNeedComposition(std::string_view text);

// `text` in NFC as far as the tables go (see above).
std::string composeNfc(std::string_view text);
inline void composeNfcInPlace(std::string& text) {
  if (mayNeedComposition(text)) text = composeNfc(text);
}

// Appends the UTF-8 bytes of a code point.
void appendUtf8(std::string& out, uint32_t cp);

}  // namespace citymap::utf8
