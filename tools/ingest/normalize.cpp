#include "ingest/normalize.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "search/fold.hpp"

namespace citymap::ingest {

namespace {

bool isAscii(std::string_view s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// Valid UTF-8 with control characters as spaces, runs of white space collapsed, ends trimmed.
std::string clean(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pendingSpace = false;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n < 0) {  // invalid byte: U+FFFD, skip one byte
      cp = 0xFFFD;
      n = 1;
    }
    p += n;
    left -= n;
    const utf8proc_category_t cat = utf8proc_category(cp);
    const bool space = cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_ZL ||
                       cat == UTF8PROC_CATEGORY_ZP;
    if (space) {
      pendingSpace = !out.empty();
      continue;
    }
    if (pendingSpace) out.push_back(' ');
    pendingSpace = false;
    utf8proc_uint8_t buf[4];
    const utf8proc_ssize_t len = utf8proc_encode_char(cp, buf);
    out.append(reinterpret_cast<const char*>(buf), size_t(len));
  }
  return out;
}

struct FreeDeleter {
  void operator()(utf8proc_uint8_t* p) const { std::free(p); }
};

std::string mapWith(const std::string& valid, int options) {
  utf8proc_uint8_t* result = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()), static_cast<utf8proc_ssize_t>(valid.size()),
                   &result, static_cast<utf8proc_option_t>(options));
  std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owned(result);
  if (n < 0) return valid;  // cannot happen for valid UTF-8 without NUL; keep the input
  return std::string(reinterpret_cast<const char*>(result), size_t(n));
}

}  // namespace

std::string normalizeText(std::string_view text) {
  std::string valid = clean(text);
  if (isAscii(valid)) return valid;
  return mapWith(valid, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

std::string foldForSearch(std::string_view text) {
  // One folding for the index and the client (core/search/fold.hpp); punctuation stays in the key.
  return search::fold(normalizeText(text), search::Punctuation::Keep);
}

}  // namespace citymap::ingest
