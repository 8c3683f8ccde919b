// Unicode composition (NFC) of decomposed Latin and Vietnamese text. The expected letters are
// written here as code points, independently of the generated tables.
#include "base/compose.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/utf8.hpp"

namespace citymap::utf8 {
namespace {

std::string encode(const std::vector<uint32_t>& cps) {
  std::string s;
  for (uint32_t cp : cps) appendUtf8(s, cp);
  return s;
}

std::vector<uint32_t> decode(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) out.push_back(nextCodepoint(s, i));
  return out;
}

constexpr uint32_t kGrave = 0x0300, kAcute = 0x0301, kCircumflex = 0x0302, kTilde = 0x0303, kBreve = 0x0306,
                   kHook = 0x0309, kHorn = 0x031B, kDotBelow = 0x0323;

// The Vietnamese vowels: the base letter and the mark that makes it (0: none), then the
// precomposed letter with no tone, grave, acute, tilde, hook above and dot below.
struct Vowel {
  uint32_t base, mark;
  uint32_t toned[6];
};
// clang-format off
const Vowel kVowels[] = {
    {'a', 0,           {'a',    0x00E0, 0x00E1, 0x00E3, 0x1EA3, 0x1EA1}},
    {'a', kBreve,      {0x0103, 0x1EB1, 0x1EAF, 0x1EB5, 0x1EB3, 0x1EB7}},
    {'a', kCircumflex, {0x00E2, 0x1EA7, 0x1EA5, 0x1EAB, 0x1EA9, 0x1EAD}},
    {'e', 0,           {'e',    0x00E8, 0x00E9, 0x1EBD, 0x1EBB, 0x1EB9}},
    {'e', kCircumflex, {0x00EA, 0x1EC1, 0x1EBF, 0x1EC5, 0x1EC3, 0x1EC7}},
    {'i', 0,           {'i',    0x00EC, 0x00ED, 0x0129, 0x1EC9, 0x1ECB}},
    {'o', 0,           {'o',    0x00F2, 0x00F3, 0x00F5, 0x1ECF, 0x1ECD}},
    {'o', kCircumflex, {0x00F4, 0x1ED3, 0x1ED1, 0x1ED7, 0x1ED5, 0x1ED9}},
    {'o', kHorn,       {0x01A1, 0x1EDD, 0x1EDB, 0x1EE1, 0x1EDF, 0x1EE3}},
    {'u', 0,           {'u',    0x00F9, 0x00FA, 0x0169, 0x1EE7, 0x1EE5}},
    {'u', kHorn,       {0x01B0, 0x1EEB, 0x1EE9, 0x1EEF, 0x1EED, 0x1EF1}},
    {'y', 0,           {'y',    0x1EF3, 0x00FD, 0x1EF9, 0x1EF7, 0x1EF5}},
    {'A', 0,           {'A',    0x00C0, 0x00C1, 0x00C3, 0x1EA2, 0x1EA0}},
    {'A', kBreve,      {0x0102, 0x1EB0, 0x1EAE, 0x1EB4, 0x1EB2, 0x1EB6}},
    {'A', kCircumflex, {0x00C2, 0x1EA6, 0x1EA4, 0x1EAA, 0x1EA8, 0x1EAC}},
    {'E', 0,           {'E',    0x00C8, 0x00C9, 0x1EBC, 0x1EBA, 0x1EB8}},
    {'E', kCircumflex, {0x00CA, 0x1EC0, 0x1EBE, 0x1EC4, 0x1EC2, 0x1EC6}},
    {'I', 0,           {'I',    0x00CC, 0x00CD, 0x0128, 0x1EC8, 0x1ECA}},
    {'O', 0,           {'O',    0x00D2, 0x00D3, 0x00D5, 0x1ECE, 0x1ECC}},
    {'O', kCircumflex, {0x00D4, 0x1ED2, 0x1ED0, 0x1ED6, 0x1ED4, 0x1ED8}},
    {'O', kHorn,       {0x01A0, 0x1EDC, 0x1EDA, 0x1EE0, 0x1EDE, 0x1EE2}},
    {'U', 0,           {'U',    0x00D9, 0x00DA, 0x0168, 0x1EE6, 0x1EE4}},
    {'U', kHorn,       {0x01AF, 0x1EEA, 0x1EE8, 0x1EEE, 0x1EEC, 0x1EF0}},
    {'Y', 0,           {'Y',    0x1EF2, 0x00DD, 0x1EF8, 0x1EF6, 0x1EF4}},
};
// clang-format on
const uint32_t kTones[6] = {0, kGrave, kAcute, kTilde, kHook, kDotBelow};

TEST(Compose, EveryVietnameseVowelWithEveryToneComposes) {
  int checked = 0;
  for (const Vowel& v : kVowels)
    for (int t = 0; t < 6; ++t) {
      std::vector<uint32_t> nfd{v.base};
      // Canonical order: the dot below (class 220) before the marks above (230); the horn (216)
      // before both.
      if (v.mark == kHorn) nfd.push_back(kHorn);
      if (kTones[t] == kDotBelow) nfd.push_back(kDotBelow);
      if (v.mark && v.mark != kHorn) nfd.push_back(v.mark);
      if (kTones[t] && kTones[t] != kDotBelow) nfd.push_back(kTones[t]);
      const std::string in = encode(nfd);
      EXPECT_EQ(decode(composeNfc(in)), std::vector<uint32_t>{v.toned[t]})
          << "U+" << std::hex << v.toned[t] << " from " << nfd.size() << " code points";
      // Marks of different classes typed in another order compose the same (canonical
      // reordering): the dot below after the circumflex or breve, the horn after the tone.
      std::vector<uint32_t> typed{v.base};
      if (v.mark && v.mark != kHorn) typed.push_back(v.mark);
      if (kTones[t]) typed.push_back(kTones[t]);
      if (v.mark == kHorn) typed.push_back(kHorn);
      EXPECT_EQ(decode(composeNfc(encode(typed))), std::vector<uint32_t>{v.toned[t]}) << std::hex << v.toned[t];
      // Already composed: unchanged.
      EXPECT_EQ(composeNfc(encode({v.toned[t]})), encode({v.toned[t]}));
      ++checked;
    }
  EXPECT_EQ(checked, 24 * 6);
}

TEST(Compose, ComposesWholeNamesAndAMarkAfterAPrecomposedLetter) {
  // "Đà Nẵng" decomposed: Đ, a + grave, space, N, a + breve + tilde, n, g.
  const std::string nfd = encode({0x0110, 'a', kGrave, ' ', 'N', 'a', kBreve, kTilde, 'n', 'g'});
  EXPECT_EQ(composeNfc(nfd), encode({0x0110, 0x00E0, ' ', 'N', 0x1EB5, 'n', 'g'}));
  // ê (precomposed) + dot below -> ệ: the letter is decomposed and composed again.
  EXPECT_EQ(decode(composeNfc(encode({0x00EA, kDotBelow}))), std::vector<uint32_t>{0x1EC7});
  // Marks of the same class keep their order: a + acute + breve is á + breve, as in NFC.
  EXPECT_EQ(decode(composeNfc(encode({'a', kAcute, kBreve}))), (std::vector<uint32_t>{0x00E1, kBreve}));
  // ư (precomposed) + acute -> ứ.
  EXPECT_EQ(decode(composeNfc(encode({0x01B0, kAcute}))), std::vector<uint32_t>{0x1EE9});
  // Other Latin letters with these marks compose too (ñ); other marks (the caron) stay.
  EXPECT_EQ(decode(composeNfc(encode({'n', kTilde}))), std::vector<uint32_t>{0x00F1});
  EXPECT_EQ(decode(composeNfc(encode({'a', 0x030C}))), (std::vector<uint32_t>{'a', 0x030C}));
}

TEST(Compose, MarksWithoutAPrecomposedLetterStayInCanonicalOrder) {
  // q has no precomposed forms: the marks stay, sorted by class (dot below before acute).
  EXPECT_EQ(decode(composeNfc(encode({'q', kAcute, kDotBelow}))), (std::vector<uint32_t>{'q', kDotBelow, kAcute}));
  // a + horn + acute: a has no horn form, the horn (class 216) does not block the acute (230).
  EXPECT_EQ(decode(composeNfc(encode({'a', kHorn, kAcute}))), (std::vector<uint32_t>{0x00E1, kHorn}));
  // A mark at the start has nothing to join.
  EXPECT_EQ(decode(composeNfc(encode({kAcute, 'a'}))), (std::vector<uint32_t>{kAcute, 'a'}));
  // Two acutes: the first composes, the second has no letter to join.
  EXPECT_EQ(decode(composeNfc(encode({'e', kAcute, kAcute}))), (std::vector<uint32_t>{0x00E9, kAcute}));
}

TEST(Compose, TextWithoutMarksIsUnchanged) {
  EXPECT_FALSE(mayNeedComposition("Cầu Rồng"));
  EXPECT_EQ(composeNfc("Cầu Rồng"), "Cầu Rồng");
  EXPECT_EQ(composeNfc(""), "");
  std::string s = "Bạch Đằng";
  composeNfcInPlace(s);
  EXPECT_EQ(s, "Bạch Đằng");
  std::string d = encode({'B', 'a', kDotBelow, 'c', 'h'});
  composeNfcInPlace(d);
  EXPECT_EQ(d, "Bạch");
}

TEST(Compose, CombiningClassesAndPairs) {
  EXPECT_EQ(combiningClass(kAcute), 230);
  EXPECT_EQ(combiningClass(kDotBelow), 220);
  EXPECT_EQ(combiningClass(kHorn), 216);
  EXPECT_EQ(combiningClass('a'), 0);
  EXPECT_EQ(combiningClass(0x1EA1), 0);
  EXPECT_TRUE(isCombiningMark(kBreve));
  EXPECT_EQ(composePair(0x0103, kAcute), 0x1EAFu);  // ă + acute = ắ
  EXPECT_EQ(composePair('q', kAcute), 0u);
}

TEST(Compose, InvalidBytesInTextWithMarksBecomeReplacementCharacters) {
  const std::string in = std::string("a\xCC\x81") + "\xFF";
  EXPECT_EQ(decode(composeNfc(in)), (std::vector<uint32_t>{0x00E1, kReplacementChar}));
}

}  // namespace
}  // namespace citymap::utf8
