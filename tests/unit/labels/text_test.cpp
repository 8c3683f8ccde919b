// UTF-8 decoding and glyph tables of the label fonts.
#include "labels/text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "label_samples.hpp"

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

// A font whose combining marks are drawn as fonts draw them: no advance, left of the pen, above
// a lower-case letter (or below the baseline).
Font markFont() {
  Font f(12);
  const auto glyph = [](float advance, float x0, float y0, float x1, float y1) {
    Glyph g;
    g.advance = advance;
    g.x0 = x0, g.y0 = y0, g.x1 = x1, g.y1 = y1;
    g.visible = true;
    return g;
  };
  f.add('A', glyph(8, 1, 2, 7, 12));  // cap height: top at 2
  f.add('a', glyph(7, 1, 5, 6, 12));  // x-height: top at 5
  f.add('g', glyph(7, 1, 5, 6, 15));  // a descender: bottom at 15
  f.add(' ', glyph(3, 0, 0, 0, 0));
  f.add(0x0301, glyph(0, -5, 1, -2, 4));       // acute: above the x-height
  f.add(0x0300, glyph(0, -5, 1, -2, 4));       // grave
  f.add(0x0323, glyph(0, -4, 13, -3, 14.5f));  // dot below
  f.add(0x031B, glyph(0, -2, 3, 0, 6));        // horn
  return f;
}

TEST(LabelText, MarksLeftAfterCompositionSitOnTheLetterBeforeThem) {
  const Font f = markFont();
  const float gap = 12 * 0.06f;
  ShapedLine line;
  // "A" + acute (no precomposed Á here: the font decides nothing, the layout does): centred on
  // A's advance, raised above its top.
  shapeLine(f,
            "A\xCC\x81"
            "a",
            1, line);
  ASSERT_EQ(line.glyphs.size(), 3u);
  ASSERT_EQ(line.clusters.size(), 2u);  // the mark does not advance
  EXPECT_FLOAT_EQ(line.width, 15);
  EXPECT_FLOAT_EQ(textWidth(f,
                            "A\xCC\x81"
                            "a"),
                  15);
  const ShapedLine::Item& mark = line.glyphs[1];
  EXPECT_EQ(mark.cluster, 0u);
  EXPECT_FLOAT_EQ(mark.x + (-5 + -2) / 2.f, 4);  // ink centre on the advance's centre
  EXPECT_FLOAT_EQ(mark.y + 4, 2 - gap);          // ink bottom just above A's top
  EXPECT_FLOAT_EQ(line.glyphs[2].x, 8);          // the next letter after A's advance
  // Over a lower-case letter the mark stays where the font put it; a second mark goes above
  // the first.
  shapeLine(f, "a\xCC\x80\xCC\x81", 2, line);
  ASSERT_EQ(line.glyphs.size(), 3u);
  EXPECT_FLOAT_EQ(line.width, 14);
  EXPECT_FLOAT_EQ(line.glyphs[1].x / 2 + (-5 + -2) / 2.f, 3.5f);
  EXPECT_FLOAT_EQ(line.glyphs[1].y, 0);
  EXPECT_FLOAT_EQ(line.glyphs[2].y / 2 + 4, 1 - gap);  // above the first mark's top (1)
  // Below: under the baseline, further down under a descender.
  shapeLine(f, "a\xCC\xA3g\xCC\xA3", 1, line);
  ASSERT_EQ(line.glyphs.size(), 4u);
  EXPECT_FLOAT_EQ(line.glyphs[1].y, 0);
  EXPECT_FLOAT_EQ(line.glyphs[1].x + (-4 + -3) / 2.f, 3.5f);
  EXPECT_FLOAT_EQ(line.glyphs[3].y + 13, 15 + gap);
  EXPECT_EQ(line.glyphs[3].cluster, 1u);
  // The horn at the top right of the letter's ink.
  shapeLine(f, "A\xCC\x9B", 1, line);
  ASSERT_EQ(line.glyphs.size(), 2u);
  EXPECT_GT(line.glyphs[1].x - 2, 7 - 2);  // its ink starts in the right part of A's ink (1..7)
  EXPECT_LT(line.glyphs[1].x - 2, 7);
  EXPECT_LT(line.glyphs[1].y + 3, 2);  // its top above A's top
  // A mark the font does not have is left out (not drawn as '?'); a mark with no letter
  // before it is drawn as a letter.
  shapeLine(f, "a\xCC\x83", 1, line);
  EXPECT_EQ(line.glyphs.size(), 1u);
  EXPECT_FLOAT_EQ(line.width, 7);
  shapeLine(f,
            "\xCC\x81"
            "a",
            1, line);
  EXPECT_EQ(line.clusters.size(), 2u);
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
