#pragma once
// Search folding: UTF-8 text reduced to what people type into a search box. Lower case, every
// Vietnamese tone and mark removed, "đ"/"Đ" -> "d", the Latin letters of Latin-1, Latin
// Extended-A/B and Latin Extended Additional (U+1E00-U+1EFF, all precomposed Vietnamese letters)
// folded to their ASCII base letters ("ß" -> "ss", "æ" -> "ae", "ø" -> "o", "ł" -> "l"),
// full-width ASCII folded like ASCII, combining marks (U+0300-U+036F, U+1DC0-U+1DFF, U+20D0-U+20FF,
// U+FE20-U+FE2F) dropped so that decomposed input folds like precomposed input, punctuation,
// symbols and white space treated as word separators. Other code points (other scripts) are
// kept unchanged; invalid UTF-8 bytes are separators. Table-driven, no Unicode library.
#include <string>
#include <string_view>
#include <vector>

namespace citymap::search {

// What happens to punctuation, symbols and white space.
enum class Punctuation {
  Separate,  // they separate words: the result is the words joined by single spaces, trimmed
  Keep,      // punctuation and symbols are kept as they are; white space runs become one space,
             // the ends are trimmed (the ingest's `key`: "R16: Kim Liên" -> "r16: kim lien")
};

// The folded text ("Đường Bạch Đằng" -> "duong bach dang", "Cầu  Rồng!" -> "cau rong").
std::string fold(std::string_view text, Punctuation punctuation = Punctuation::Separate);

// The folded words of `text` ("Cầu Rồng (Dragon)" -> {"cau", "rong", "dragon"}).
std::vector<std::string> foldWords(std::string_view text);

}  // namespace citymap::search
