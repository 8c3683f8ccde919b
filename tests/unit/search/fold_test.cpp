#include "search/fold.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace citymap::search {
namespace {

TEST(SearchFold, PrecomposedVietnamese) {
  EXPECT_EQ(fold("Đường Bạch Đằng"), "duong bach dang");
  EXPECT_EQ(fold("Cầu Rồng"), "cau rong");
  EXPECT_EQ(fold("Hải Châu"), "hai chau");
  EXPECT_EQ(fold("Ngũ Hành Sơn"), "ngu hanh son");
  EXPECT_EQ(fold("Thành phố Đà Nẵng"), "thanh pho da nang");
  EXPECT_EQ(fold("ắằẳẵặấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự ỳỷỹỵý"), "aaaaaaaaaa eeeee ooooo ooooo uuuuu yyyyy");
}

TEST(SearchFold, DecomposedFoldsLikePrecomposed) {
  // "Phường" with U+031B (horn) and U+0300 (grave) as combining marks.
  EXPECT_EQ(fold("Phu\xCC\x9Bo\xCC\x9B\xCC\x80ng"), "phuong");
  // "Nẵng": a + U+0306 (breve) + U+0303 (tilde).
  EXPECT_EQ(fold("Na\xCC\x86\xCC\x83ng"), fold("Nẵng"));
  // A mark from the supplement block (U+1DC4) is dropped too.
  EXPECT_EQ(fold("a\xE1\xB7\x84"
                 "b"),
            "ab");
}

TEST(SearchFold, DStrokeAndUpperCase) {
  EXPECT_EQ(fold("đ Đ ĐÀ NẴNG"), "d d da nang");
  EXPECT_EQ(fold("HẢI CHÂU"), "hai chau");
  EXPECT_EQ(fold("DRAGON Bridge"), "dragon bridge");
}

TEST(SearchFold, OtherLatinLetters) {
  EXPECT_EQ(fold("Straße Ærø Łódź Œuvre Þórr"), "strasse aero lodz oeuvre thorr");
  EXPECT_EQ(fold("Ǆ ĳ"), "dz ij");
  EXPECT_EQ(fold("ＣＡＵ"), "cau");  // full-width
}

TEST(SearchFold, PunctuationSeparatesWords) {
  EXPECT_EQ(fold("  R16: Kim Liên--(Hòa Khánh)!  "), "r16 kim lien hoa khanh");
  EXPECT_EQ(fold("a\xC2\xA0"
                 "b\xE2\x80\x83"
                 "c\xE2\x80\x94"
                 "d"),
            "a b c d");  // NBSP, em space, em dash
  EXPECT_EQ(fold("Cầu Rồng (đầu cầu)"), "cau rong dau cau");
  EXPECT_EQ(fold(""), "");
  EXPECT_EQ(fold(" .,;- "), "");
}

TEST(SearchFold, KeepPunctuation) {
  EXPECT_EQ(fold("  R16:  Kim Liên ", Punctuation::Keep), "r16: kim lien");
  EXPECT_EQ(fold("Cầu Rồng (đầu cầu)", Punctuation::Keep), "cau rong (dau cau)");
}

TEST(SearchFold, OtherScriptsKeptInvalidBytesSeparate) {
  EXPECT_EQ(fold("东京 abc"), "东京 abc");
  EXPECT_EQ(fold("ab\xFF"
                 "cd"),
            "ab cd");
  EXPECT_EQ(fold("ab\xC3"), "ab");  // truncated sequence
  EXPECT_EQ(fold("\xC0\xAF"
                 "x"),
            "x");  // overlong '/'
  EXPECT_EQ(fold("\xED\xA0\x80"
                 "x"),
            "x");  // surrogate
  EXPECT_EQ(fold("ab\xFF"
                 "cd",
                 Punctuation::Keep),
            "ab\xEF\xBF\xBD"
            "cd");
}

TEST(SearchFold, Words) {
  EXPECT_EQ(foldWords("Cầu Rồng (Dragon)"), (std::vector<std::string>{"cau", "rong", "dragon"}));
  EXPECT_TRUE(foldWords(" - ").empty());
}

}  // namespace
}  // namespace citymap::search
