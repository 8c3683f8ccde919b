#include "base/compose.hpp"

#include <algorithm>
#include <iterator>
#include <vector>

#include "base/compose_table.hpp"  // generated in the build folder
#include "base/utf8.hpp"

namespace citymap::utf8 {

namespace {

using generated::Composition;
using generated::kCompositions;

constexpr uint32_t kMarksBegin = 0x0300;
constexpr uint32_t kMarksEnd = kMarksBegin + uint32_t(std::size(generated::kCombiningClass));

// The compositions by their composed letter (for decomposing a letter that marks follow).
struct ByComposed {
  std::vector<Composition> entries;
  ByComposed() : entries(std::begin(kCompositions), std::end(kCompositions)) {
    std::sort(entries.begin(), entries.end(),
              [](const Composition& a, const Composition& b) { return a.composed < b.composed; });
  }
};

const Composition* decomposition(uint32_t cp) {
  static const ByComposed table;
  const auto it = std::lower_bound(table.entries.begin(), table.entries.end(), cp,
                                   [](const Composition& c, uint32_t v) { return c.composed < v; });
  return it != table.entries.end() && it->composed == cp ? &*it : nullptr;
}

struct Mark {
  uint32_t cp;
  uint8_t ccc;
};

// One starter and the marks after it, composed as far as the table goes, appended to `out`.
void flush(uint32_t starter, bool hasStarter, std::vector<Mark>& marks, std::string& out) {
  if (hasStarter && !marks.empty()) {
    // Decompose the starter fully: its own marks join the others.
    while (const Composition* d = decomposition(starter)) {
      marks.insert(marks.begin(), {d->mark, combiningClass(d->mark)});
      starter = d->base;
    }
  }
  // Canonical order: marks sorted by combining class, stable.
  std::stable_sort(marks.begin(), marks.end(), [](const Mark& a, const Mark& b) { return a.ccc < b.ccc; });
  if (hasStarter) {
    // Canonical composition: a mark joins the starter unless an uncomposed mark of the same or a
    // higher class stands between them (blocked).
    size_t kept = 0;
    uint8_t lastKept = 0;
    for (const Mark& m : marks) {
      const uint32_t c = (kept == 0 || lastKept < m.ccc) ? composePair(starter, m.cp) : 0;
      if (c != 0) {
        starter = c;
      } else {
        marks[kept++] = m;
        lastKept = m.ccc;
      }
    }
    marks.resize(kept);
    appendUtf8(out, starter);
  }
  for (const Mark& m : marks) appendUtf8(out, m.cp);
  marks.clear();
}

}  // namespace

uint8_t combiningClass(uint32_t cp) {
  return cp >= kMarksBegin && cp < kMarksEnd ? generated::kCombiningClass[cp - kMarksBegin] : 0;
}

uint32_t composePair(uint32_t base, uint32_t mark) {
  const auto it = std::lower_bound(
      std::begin(kCompositions), std::end(kCompositions), Composition{base, mark, 0},
      [](const Composition& a, const Composition& b) { return a.base != b.base ? a.base < b.base : a.mark < b.mark; });
  return it != std::end(kCompositions) && it->base == base && it->mark == mark ? it->composed : 0;
}

bool mayNeedComposition(std::string_view text) {
  // U+0300-U+036F are 0xCC 0x80 .. 0xCD 0xAF in UTF-8.
  for (const char c : text)
    if (uint8_t(c) == 0xCC || uint8_t(c) == 0xCD) return true;
  return false;
}

std::string composeNfc(std::string_view text) {
  if (!mayNeedComposition(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::vector<Mark> marks;
  uint32_t starter = 0;
  bool hasStarter = false;
  for (size_t i = 0; i < text.size();) {
    const uint32_t cp = nextCodepoint(text, i);
    const uint8_t ccc = combiningClass(cp);
    if (ccc != 0) {
      marks.push_back({cp, ccc});
      continue;
    }
    flush(starter, hasStarter, marks, out);
    starter = cp;
    hasStarter = true;
  }
  flush(starter, hasStarter, marks, out);
  return out;
}

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(char(0xE0 | (cp >> 12)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (cp >> 18)));
    out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
}

}  // namespace citymap::utf8
