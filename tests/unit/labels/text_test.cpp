// UTF-8 decoding and glyph tables of the label fonts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "label_samples.hpp"
#include "labels/text.hpp"

namespace citymap::labels {
namespace {

std::vector<uint32_t> decode(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) out.push_back(nextCodepoint(s, i));
  return out;
}

TEST(LabelText, DecodesVietnameseNamesInNfc) {
  // "Đường Nguyễn Văn Linh": Đ U+0110, ư U+01B0, ờ U+1EDD, ễ U+1EC5, ă U+0103.
  const auto cps = decode("Đường Nguyễn Văn Linh");
  ASSERT_EQ(cps.size(), 21u);
  EXPECT_EQ(cps[0], 0x0110u);
  EXPECT_EQ(cps[1], 0x01B0u);
  EXPECT_EQ(cps[2], 0x1EDDu);
  EXPECT_EQ(cps[10], 0x1EC5u);
  EXPECT_EQ(cps[14], 0x0103u);
  EXPECT_EQ(decode("\xF0\x9F\x9A\x8C"), std::vector<uint32_t>{0x1F68C});  // a bus, 4 bytes
}

TEST(LabelText, MalformedBytesBecomeReplacementCharacters) {
  EXPECT_EQ(decode("a\xFF"
                   "b"),
            (std::vector<uint32_t>{'a', kReplacementChar, 'b'}));
  EXPECT_EQ(decode("\xE1\xBB"), (std::vector<uint32_t>{kReplacementChar, kReplacementChar}));  // truncated
  EXPECT_EQ(decode("\xC0\xAF"), (std::vector<uint32_t>{kReplacementChar, kReplacementChar}));  // overlong '/'
  EXPECT_EQ(decode("\xED\xA0\x80"), (std::vector<uint32_t>(3, kReplacementChar)));             // a surrogate
  EXPECT_EQ(decode("\xE1\x41"), (std::vector<uint32_t>{kReplacementChar, 'A'}));               // bad continuation
}

TEST(LabelText, FontsFindGlyphsAndFallBack) {
  Font f(12);
  Glyph a;
  a.advance = 7;
  Glyph q;
  q.advance = 5;
  f.add('a', a);
  EXPECT_EQ(f.find('b'), nullptr);  // no fallback yet
  f.add('?', q);
  Glyph big;
  big.advance = 9;
  f.add(0x1F68C, big);
  ASSERT_NE(f.find('a'), nullptr);
  EXPECT_EQ(f.find('a')->advance, 7);
  EXPECT_EQ(f.find(0x1F68C)->advance, 9);
  EXPECT_EQ(f.find(0x1EC5)->advance, 5);  // missing: '?'
  EXPECT_FLOAT_EQ(textWidth(f, "aa?"), 19);
  EXPECT_FLOAT_EQ(textWidth(f, "ab", 2), 24);
  a.advance = 8;
  f.add('a', a);  // replaced, not added twice
  EXPECT_EQ(f.glyphCount(), 3u);
  EXPECT_EQ(f.find('a')->advance, 8);
}

TEST(LabelText, FontSetPicksTheNearestSize) {
  const FontSet set = testing::testFonts({10, 12, 14});
  EXPECT_EQ(set.forSize(12)->size(), 12);
  EXPECT_EQ(set.forSize(12.9f)->size(), 12);
  EXPECT_EQ(set.forSize(30)->size(), 14);
  EXPECT_EQ(FontSet{}.forSize(12), nullptr);
}

}  // namespace
}  // namespace citymap::labels
