#pragma once
// Text from the sources (names, refs) as the tiles and the search index store it: valid UTF-8
// (invalid bytes become U+FFFD), Unicode NFC (so "Đà Nẵng" typed with combining marks equals the
// precomposed spelling), control characters turned into spaces, runs of spaces collapsed and
// the ends trimmed. Uses utf8proc.
#include <string>
#include <string_view>

namespace citymap::ingest {

std::string normalizeText(std::string_view text);

// Lower case, accents and Vietnamese marks removed, "đ" -> "d", other Latin letters to ASCII, as
// the client folds search queries (search::fold of the normalized text), punctuation kept: the
// search index's `key` ("R16: Kim Liên" -> "r16: kim lien").
std::string foldForSearch(std::string_view text);

}  // namespace citymap::ingest
