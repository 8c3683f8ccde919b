#include "search/fold.hpp"

#include <cstdint>

#include "base/utf8.hpp"

namespace citymap::search {

namespace {

// One character per code point, generated once from Python's unicodedata (Unicode 14) and
// kept here as our own data: the canonical or compatibility decomposition without marks,
// case-folded, when that is ASCII letters or digits; otherwise the base letter the character's
// name gives ("LATIN SMALL LETTER O WITH STROKE" -> o), with the few letters without one
// spelled out (ß ss, æ ae, œ oe, þ th, ð d, ı i, ĸ k, ŋ n, ſ s). Codes:
//   a-z 0-9   that letter or digit
//   A D H I L W N O Q U S T   two letters (see multi())
//   ' '       white space, '_' punctuation or symbol: a word separator
//   '?'       a letter without an ASCII form: kept unchanged
// U+0000-U+024F
constexpr char kLatin[] =
    "                                "  // U+0000
    " _______________0123456789______"  // U+0020
    "_abcdefghijklmnopqrstuvwxyz_____"  // U+0040
    "_abcdefghijklmnopqrstuvwxyz____ "  // U+0060
    "                                "  // U+0080
    " _________a_______23_?___1o_???_"  // U+00A0
    "aaaaaaAceeeeiiiidnooooo_ouuuuyTS"  // U+00C0
    "aaaaaaAceeeeiiiidnooooo_ouuuuyTy"  // U+00E0
    "aaaaaaccccccccddddeeeeeeeeeegggg"  // U+0100
    "gggghhhhiiiiiiiiiiIIjjkkklllllll"  // U+0120
    "lllnnnnnn?nnooooooOOrrrrrrssssss"  // U+0140
    "ssttttttuuuuuuuuuuuuwwyyyzzzzzzs"  // U+0160
    "bbbb??occ?ddd?e?effg?H?ikkl?mnno"  // U+0180
    "ooQQpp?????ttttuu?vyyzz?????????"  // U+01A0
    "????DDDLLLNNNaaiioouuuuuuuuuueaa"  // U+01C0
    "aaAAggggkkoooo??jDDDgg??nnaaAAoo"  // U+01E0
    "aaaaeeeeiiiioooorrrruuuusstt??hh"  // U+0200
    "ndUUzzaaeeooooooooyylnt???acclts"  // U+0220
    "z??b?veejj?qrryy"                  // U+0240
    ;
// U+1E00-U+1EFF
constexpr char kLatinAdditional[] =
    "aabbbbbbccddddddddddeeeeeeeeeeff"  // U+1E00
    "gghhhhhhhhhhiiiikkkkkkllllllllmm"  // U+1E20
    "mmmmnnnnnnnnoooooooopppprrrrrrrr"  // U+1E40
    "ssssssssssttttttttuuuuuuuuuuvvvv"  // U+1E60
    "wwwwwwwwwwxxxxyyzzzzzzhtwyas??S?"  // U+1E80
    "aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee"  // U+1EA0
    "eeeeeeeeiiiioooooooooooooooooooo"  // U+1EC0
    "oooouuuuuuuuuuuuuuyyyyyyyyWWvvyy"  // U+1EE0
    ;
static_assert(sizeof kLatin == 0x250 + 1 && sizeof kLatinAdditional == 0x100 + 1);

std::string_view multi(char code) {
  switch (code) {
    case 'A':
      return "ae";
    case 'D':
      return "dz";
    case 'H':
      return "hv";
    case 'I':
      return "ij";
    case 'L':
      return "lj";
    case 'W':
      return "ll";
    case 'N':
      return "nj";
    case 'O':
      return "oe";
    case 'Q':
      return "oi";
    case 'U':
      return "ou";
    case 'S':
      return "ss";
    case 'T':
      return "th";
    default:
      return {};
  }
}

enum class Class : uint8_t { Text, Drop, Space, Separator, Keep };

struct Folded {
  Class cls;
  std::string_view text;  // for Class::Text
};

// `code` is an element of a table (the result may point into it).
Folded fromCode(const char& code) {
  switch (code) {
    case ' ':
      return {Class::Space, {}};
    case '_':
      return {Class::Separator, {}};
    case '?':
      return {Class::Keep, {}};
    default:
      if (code >= 'A' && code <= 'Z') return {Class::Text, multi(code)};
      return {Class::Text, std::string_view(&code, 1)};
  }
}

Folded foldCodePoint(char32_t cp) {
  if (cp < 0x250) return fromCode(kLatin[cp]);
  if (cp >= 0x1E00 && cp <= 0x1EFF) return fromCode(kLatinAdditional[cp - 0x1E00]);
  if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
      (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF)
    return {Class::Drop, {}};  // combining marks, zero-width characters
  if ((cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000)
    return {Class::Space, {}};
  if (cp >= 0xFF01 && cp <= 0xFF5E) {  // full-width ASCII
    const Folded f = fromCode(kLatin[cp - 0xFEE0]);
    return f.cls == Class::Text ? f : Folded{Class::Separator, {}};
  }
  if ((cp >= 0x2B0 && cp <= 0x2FF) || (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3001 && cp <= 0x303F) ||
      (cp >= 0xFE10 && cp <= 0xFE1F) || (cp >= 0xFE30 && cp <= 0xFE6F) || (cp >= 0xFFF0 && cp <= 0xFFFF) ||
      (cp >= 0x1F000 && cp <= 0x1FAFF))
    return {Class::Separator, {}};  // modifiers, punctuation, symbols, emoji, U+FFFD
  return {Class::Keep, {}};
}

}  // namespace

std::string fold(std::string_view text, Punctuation punctuation) {
  std::string out;
  out.reserve(text.size());
  bool pendingSpace = false;
  const auto append = [&](std::string_view s) {
    if (pendingSpace && !out.empty()) out.push_back(' ');
    pendingSpace = false;
    out.append(s);
  };
  for (size_t i = 0; i < text.size();) {
    const size_t at = i;
    const char32_t cp = utf8::nextCodepoint(text, i);
    const size_t length = i - at;
    const Folded f = foldCodePoint(cp);
    switch (f.cls) {
      case Class::Text:
        append(f.text);
        break;
      case Class::Drop:
        break;
      case Class::Space:
        pendingSpace = true;
        break;
      case Class::Separator:
        if (punctuation == Punctuation::Separate)
          pendingSpace = true;
        else
          append(cp == utf8::kReplacementChar && length == 1 ? std::string_view("\xEF\xBF\xBD")
                                                             : text.substr(at, length));
        break;
      case Class::Keep:
        append(text.substr(at, length));
        break;
    }
  }
  return out;
}

std::vector<std::string> foldWords(std::string_view text) {
  std::vector<std::string> words;
  const std::string folded = fold(text);
  size_t start = 0;
  while (start < folded.size()) {
    size_t end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    words.emplace_back(folded, start, end - start);
    start = end + 1;
  }
  return words;
}

}  // namespace citymap::search
