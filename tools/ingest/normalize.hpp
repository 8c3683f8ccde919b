#pragma once
// Text from the sources (names, refs) as the tiles and the search index store it: valid UTF-8
// (invalid bytes become U+FFFD), Unicode NFC (so "Đà Nẵng" typed with combining marks equals the
// precomposed spelling), control characters turned into spaces, runs of spaces collapsed and
// the ends trimmed. Uses utf8proc.
#include <string>
#include <string_view>

namespace citymap::ingest {

std::string normalizeText(std::string_view text);

// Lower case, accents and Vietnamese marks removed, "đ" -> "d" (for search-index keys).
std::string foldForSearch(std::string_view text);

}  // namespace citymap::ingest
