// The client's search folding (core/search/fold.hpp, table-driven, no Unicode library) against
// utf8proc's decomposition, mark stripping and case folding: the way the ingest folded search
// keys before it used the core's folding, kept here as the reference. Every code point of
// U+0020-U+024F and U+1E00-U+1EFF, alone and inside a word, and Vietnamese words decomposed.
#include <gtest/gtest.h>
#include <utf8proc.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "ingest/normalize.hpp"
#include "search/fold.hpp"

namespace citymap {
namespace {

struct FreeDeleter {
  void operator()(utf8proc_uint8_t* p) const { std::free(p); }
};

std::string utf8procMap(const std::string& text, int options) {
  utf8proc_uint8_t* result = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                          utf8proc_ssize_t(text.size()), &result, utf8proc_option_t(options));
  std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owned(result);
  if (n < 0) return text;
  return std::string(reinterpret_cast<const char*>(result), size_t(n));
}

// The reference: NFC, marks stripped, case folded, then đ -> d.
std::string referenceFold(const std::string& text) {
  std::string folded = utf8procMap(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
  std::string out;
  for (size_t i = 0; i < folded.size(); ++i) {
    if (folded.compare(i, 2, "\xC4\x91") == 0) {
      out.push_back('d');
      ++i;
    } else {
      out.push_back(folded[i]);
    }
  }
  return out;
}

std::string encode(char32_t cp) {
  utf8proc_uint8_t buf[4];
  const utf8proc_ssize_t n = utf8proc_encode_char(utf8proc_int32_t(cp), buf);
  return std::string(reinterpret_cast<const char*>(buf), size_t(n));
}

bool isAsciiAlnum(const std::string& s) {
  for (const char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

bool isLetterOrNumber(char32_t cp) {
  const utf8proc_category_t c = utf8proc_category(utf8proc_int32_t(cp));
  return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
         (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

TEST(SearchFoldReference, EveryLatinCodePoint) {
  size_t same = 0, extended = 0, kept = 0, separators = 0;
  for (const auto& [first, last] : {std::pair<char32_t, char32_t>{0x20, 0x24F}, {0x1E00, 0x1EFF}}) {
    for (char32_t cp = first; cp <= last; ++cp) {
      if (cp >= 0x7F && cp < 0xA0) continue;  // C1 controls
      const std::string ch = encode(cp);
      const std::string ref = referenceFold(ch);
      const std::string core = search::fold(ch);
      char label[16];
      std::snprintf(label, sizeof label, "U+%04X", unsigned(cp));
      if (!isLetterOrNumber(cp)) {
        // Punctuation, symbols, spaces: word separators; the ingest's key keeps them as they are.
        EXPECT_EQ(core, "") << label;
        EXPECT_EQ(search::fold("a" + ch + "b"),
                  utf8proc_category(utf8proc_int32_t(cp)) == UTF8PROC_CATEGORY_MN ? "ab" : "a b")
            << label;
        ++separators;
        continue;
      }
      // Inside a word, the letter folds the same way.
      EXPECT_EQ(search::fold("x" + ch + "y"), "x" + core + "y") << label;
      EXPECT_EQ(ingest::foldForSearch(ch), core) << label;
      if (isAsciiAlnum(ref)) {
        EXPECT_EQ(core, ref) << label << " " << ch;
        ++same;
      } else if (isAsciiAlnum(core) && !core.empty()) {
        ++extended;  // utf8proc keeps it (no decomposition: ø, ł, æ, ħ, ...); the core folds it to ASCII
      } else {
        EXPECT_EQ(core, ch) << label;  // no ASCII form (ǝ-like letters without one, µ): kept unchanged
        ++kept;
      }
    }
  }
  std::printf("same as utf8proc: %zu, folded further: %zu, kept: %zu, separators: %zu\n", same, extended, kept,
              separators);
  EXPECT_GT(same, 550u);  // 556 with the utf8proc installed here
}

TEST(SearchFoldReference, DecomposedVietnamese) {
  const char* const words[] = {"Đường Bạch Đằng", "Thành phố Đà Nẵng", "Phường Hải Châu",   "Quận Sơn Trà",
                               "Ngũ Hành Sơn",    "Cầu Rồng",          "Nguyễn Văn Linh",   "Lê Duẩn",
                               "Hòa Khánh Bắc",   "Chợ Hàn",           "Bệnh viện Đà Nẵng", "Trường Đại học Bách khoa",
                               "Huyện Hòa Vang",  "Ỷ Lan Nguyên Phi",  "Xã Hòa Tiến",       "Ông Ích Khiêm",
                               "Quốc lộ 1A",      "Núi Thần Tài"};
  for (const char* w : words) {
    const std::string nfd = utf8procMap(w, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);
    ASSERT_NE(nfd, w);
    EXPECT_EQ(search::fold(nfd), search::fold(w)) << w;
    EXPECT_EQ(search::fold(w), referenceFold(w)) << w;
    EXPECT_EQ(ingest::foldForSearch(nfd), referenceFold(w)) << w;
    std::string letters = search::fold(w);
    std::erase(letters, ' ');
    EXPECT_TRUE(isAsciiAlnum(letters)) << w;
  }
  // Every precomposed Vietnamese letter (U+1EA0-U+1EF9), decomposed.
  for (char32_t cp = 0x1EA0; cp <= 0x1EF9; ++cp) {
    const std::string nfd = utf8procMap(encode(cp), UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);
    EXPECT_EQ(search::fold(nfd), search::fold(encode(cp))) << unsigned(cp);
    EXPECT_EQ(search::fold(nfd), referenceFold(encode(cp))) << unsigned(cp);
  }
}

TEST(SearchFoldReference, IngestKeysKeepPunctuation) {
  EXPECT_EQ(ingest::foldForSearch("R16: Kim Liên"), "r16: kim lien");
  EXPECT_EQ(ingest::foldForSearch("Cầu Rồng (đầu cầu Rồng)"), referenceFold("Cầu Rồng (đầu cầu Rồng)"));
  EXPECT_EQ(ingest::foldForSearch("  Phu\xCC\x9Bo\xCC\x9B\xCC\x80ng \t HẢI CHÂU "), "phuong hai chau");
}

}  // namespace
}  // namespace citymap
