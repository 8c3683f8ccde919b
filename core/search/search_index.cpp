#include "search/search_index.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <tuple>

#include "search/fold.hpp"

namespace citymap::search {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 9> kTypeNames = {"admin",    "place",     "street",   "poi", "area",
                                                        "building", "bus_route", "bus_stop", "ioc"};

// Words a name may carry without the user typing them (at its start or end).
constexpr std::array<std::string_view, 13> kGenericWords = {"duong",  "pho", "phuong", "quan", "xa",   "huyen",   "tp",
                                                            "street", "st",  "road",   "rd",   "ward", "district"};

constexpr size_t kMaxNameWords = 64;    // words of a name beyond these are not searched
constexpr size_t kMaxWordLength = 255;  // longer words are cut

bool isGeneric(std::string_view w) {
  return std::find(kGenericWords.begin(), kGenericWords.end(), w) != kGenericWords.end();
}

std::string fieldError(size_t index, std::string_view message) {
  return "search index: entry " + std::to_string(index) + ": " + std::string(message);
}

// An optional string field: absent is fine, anything but a string is an error.
bool optionalString(const json& e, const char* key, std::string& out) {
  const auto it = e.find(key);
  if (it == e.end()) return true;
  if (!it->is_string()) return false;
  out = it->get_ref<const std::string&>();
  return true;
}

bool coordinate(const json& v, double limit, double& out) {
  if (!v.is_number()) return false;
  out = v.get<double>();
  return std::isfinite(out) && out >= -limit && out <= limit;
}

Result<SearchEntry> parseEntry(const json& e, size_t index) {
  if (!e.is_object()) return Error{fieldError(index, "not an object")};
  SearchEntry out;
  const auto type = e.find("type");
  if (type == e.end() || !type->is_string()) return Error{fieldError(index, "\"type\" must be a string")};
  const auto& typeName = type->get_ref<const std::string&>();
  const auto known = std::find(kTypeNames.begin(), kTypeNames.end(), typeName);
  if (known == kTypeNames.end()) return Error{fieldError(index, "unknown type \"" + typeName + "\"")};
  out.type = static_cast<EntryType>(known - kTypeNames.begin());

  const auto name = e.find("name");
  if (name == e.end() || !name->is_string() || name->get_ref<const std::string&>().empty())
    return Error{fieldError(index, "\"name\" must be a non-empty string")};
  out.name = name->get_ref<const std::string&>();
  std::string key;
  for (const auto& [field, target] : {std::pair<const char*, std::string*>{"name_en", &out.nameEn},
                                      {"key", &key},
                                      {"layer", &out.layer},
                                      {"kind", &out.kind}})
    if (!optionalString(e, field, *target))
      return Error{fieldError(index, "\"" + std::string(field) + "\" must be a string")};

  const auto id = e.find("id");
  if (id == e.end() || !id->is_number_unsigned())
    return Error{fieldError(index, "\"id\" must be a non-negative integer")};
  out.id = id->get<uint64_t>();

  const auto lng = e.find("lng"), lat = e.find("lat");
  if (lng == e.end() || !coordinate(*lng, 180, out.point.lng))
    return Error{fieldError(index, "\"lng\" must be a number in [-180, 180]")};
  if (lat == e.end() || !coordinate(*lat, 90, out.point.lat))
    return Error{fieldError(index, "\"lat\" must be a number in [-90, 90]")};

  const auto zoom = e.find("zoom");
  if (zoom == e.end() || !zoom->is_number_integer() || zoom->get<int64_t>() < 0 || zoom->get<int64_t>() > 24)
    return Error{fieldError(index, "\"zoom\" must be an integer in [0, 24]")};
  out.zoom = int(zoom->get<int64_t>());

  if (const auto bbox = e.find("bbox"); bbox != e.end()) {
    LngLatBox b;
    if (!bbox->is_array() || bbox->size() != 4 || !coordinate((*bbox)[0], 180, b.west) ||
        !coordinate((*bbox)[1], 90, b.south) || !coordinate((*bbox)[2], 180, b.east) ||
        !coordinate((*bbox)[3], 90, b.north) || b.west > b.east || b.south > b.north)
      return Error{fieldError(index, "\"bbox\" must be [west, south, east, north] in degrees")};
    out.bbox = b;
  }
  return out;
}

// At most one edit (insertion, deletion, substitution, transposition of neighbours) apart.
bool withinOneEdit(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);
  if (a.size() - b.size() > 1) return false;
  size_t i = 0;
  while (i < b.size() && a[i] == b[i]) ++i;
  if (i == b.size()) return true;                                   // equal, or one letter appended
  if (a.size() != b.size()) return a.substr(i + 1) == b.substr(i);  // one letter inserted
  if (a.substr(i + 1) == b.substr(i + 1)) return true;              // one letter replaced
  return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2);
}

constexpr int kExactWord = 0, kPrefixWord = 1, kFuzzyWord = 2, kNoMatch = 3;

// How query word `q` matches name word `w`.
int wordMatch(std::string_view q, std::string_view w) {
  if (w.size() >= q.size() && w.compare(0, q.size(), q) == 0) return w.size() == q.size() ? kExactWord : kPrefixWord;
  if (q.size() < 4) return kNoMatch;
  // One typo against the whole word or against a prefix of it (one letter shorter, as long,
  // one letter longer than the query word).
  if (withinOneEdit(q, w)) return kFuzzyWord;
  for (size_t n = q.size() - 1; n <= q.size() + 1; ++n)
    if (n < w.size() && withinOneEdit(q, w.substr(0, n))) return kFuzzyWord;
  return kNoMatch;
}

// Whether every query word can take a distinct name word among its candidates (bit masks over
// the name's words): Kuhn's augmenting paths.
bool augment(const uint64_t* candidates, size_t q, std::array<int, 64>& owner, uint64_t& seen) {
  for (uint64_t m = candidates[q] & ~seen; m; m &= m - 1) {
    const int w = std::countr_zero(m);
    seen |= uint64_t(1) << w;
    if (owner[size_t(w)] < 0 || augment(candidates, size_t(owner[size_t(w)]), owner, seen)) {
      owner[size_t(w)] = int(q);
      return true;
    }
  }
  return false;
}

bool allMatched(const uint64_t* candidates, size_t queryWords) {
  std::array<int, 64> owner;
  owner.fill(-1);
  for (size_t q = 0; q < queryWords; ++q) {
    uint64_t seen = 0;
    if (!augment(candidates, q, owner, seen)) return false;
  }
  return true;
}

}  // namespace

std::string_view entryTypeName(EntryType type) { return kTypeNames[size_t(type)]; }

RankGroup rankGroup(const SearchEntry& entry) {
  switch (entry.type) {
    case EntryType::Admin:
      return RankGroup::Admin;
    case EntryType::Street:
      return RankGroup::Street;
    case EntryType::Place:
    case EntryType::Area:
      return RankGroup::Landmark;
    case EntryType::Poi:
      return fold(entry.kind) == "tourism" ? RankGroup::Landmark : RankGroup::Poi;
    case EntryType::Building:
    case EntryType::Ioc:
      return RankGroup::Poi;
    case EntryType::BusRoute:
    case EntryType::BusStop:
      return RankGroup::Transit;
  }
  return RankGroup::Poi;
}

double distanceMetres(geo::LngLat a, geo::LngLat b) {
  constexpr double kRadius = 6371008.8, kRad = 3.14159265358979323846 / 180;
  const double dLat = (b.lat - a.lat) * kRad, dLng = (b.lng - a.lng) * kRad;
  const double h = std::sin(dLat / 2) * std::sin(dLat / 2) +
                   std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dLng / 2) * std::sin(dLng / 2);
  return 2 * kRadius * std::asin(std::sqrt(std::min(1.0, h)));
}

SearchIndex::Names SearchIndex::addWords(std::string_view text) {
  std::vector<std::string> words = foldWords(text);
  if (words.size() > kMaxNameWords) words.resize(kMaxNameWords);
  std::vector<bool> generic(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    generic[i] = generic[i] || isGeneric(words[i]);
    if (words[i] == "thanh" && i + 1 < words.size() && words[i + 1] == "pho") generic[i] = generic[i + 1] = true;
  }
  Names names{uint32_t(wordList_.size()), uint16_t(words.size())};
  for (size_t i = 0; i < words.size(); ++i) {
    Word w;
    w.offset = uint32_t(words_.size());
    w.length = uint16_t(std::min(words[i].size(), kMaxWordLength));
    words_.append(words[i], 0, w.length);
    wordList_.push_back(w);
  }
  // Generic words are optional in the leading and trailing runs ("Đường Bạch Đằng",
  // "Bach Dang Street"), not inside a name ("UBND Phường Hải Châu" needs "phuong").
  for (size_t i = 0; i < words.size() && generic[i]; ++i) wordList_[names.first + i].optional = true;
  for (size_t i = words.size(); i > 0 && generic[i - 1]; --i) wordList_[names.first + i - 1].optional = true;
  return names;
}

Result<SearchIndex> SearchIndex::load(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{"search index: not valid JSON"};
  if (!j.is_object()) return Error{"search index: not a JSON object"};
  const auto format = j.find("format");
  if (format == j.end() || !format->is_string() || format->get_ref<const std::string&>() != "citymap-search")
    return Error{"search index: \"format\" is not \"citymap-search\""};
  const auto version = j.find("format_version");
  if (version == j.end() || !version->is_number_integer() || version->get<int64_t>() != 1)
    return Error{"search index: unsupported or missing \"format_version\" (expected 1)"};
  const auto list = j.find("entries");
  if (list == j.end() || !list->is_array()) return Error{"search index: \"entries\" must be an array"};

  SearchIndex index;
  index.entries_.reserve(list->size());
  index.folded_.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    Result<SearchEntry> entry = parseEntry((*list)[i], i);
    if (!entry) return Error{entry.error()};
    Folded f;
    f.name = index.addWords(entry->name);
    f.nameEn = index.addWords(entry->nameEn);
    const std::string key = fold(entry->name);
    f.key = uint32_t(index.words_.size());
    f.keyLength = uint32_t(key.size());
    index.words_ += key;
    f.group = rankGroup(*entry);
    index.folded_.push_back(f);
    index.entries_.push_back(std::move(entry).value());
  }
  if (index.words_.size() > std::numeric_limits<uint32_t>::max()) return Error{"search index: too large"};
  return index;
}

std::vector<SearchHit> SearchIndex::search(std::string_view query, geo::LngLat viewCenter, size_t limit) const {
  std::vector<std::string> queryWords = foldWords(query);
  if (queryWords.size() > kMaxQueryWords) queryWords.resize(kMaxQueryWords);
  const size_t n = queryWords.size();
  if (n == 0 || limit == 0) return {};

  // The best tier (kNoMatch if none) of the query against one name's words.
  const auto matchNames = [&](const Names& names) {
    if (names.count < n) return kNoMatch;
    std::array<std::array<uint64_t, kMaxQueryWords>, 3> candidates{};  // [quality][query word]
    for (size_t q = 0; q < n; ++q) {
      for (size_t k = 0; k < names.count; ++k) {
        const int m = wordMatch(queryWords[q], word(wordList_[names.first + k]));
        for (int level = m; level < 3; ++level) candidates[size_t(level)][q] |= uint64_t(1) << k;
      }
      if (!candidates[kFuzzyWord][q]) return kNoMatch;
    }
    for (int level = kExactWord; level <= kFuzzyWord; ++level) {
      if (!allMatched(candidates[size_t(level)].data(), n)) continue;
      if (level != kExactWord) return level;
      // Exact: every required name word is also typed (as many times as the name has it).
      for (size_t k = 0; k < names.count; ++k) {
        const Word& w = wordList_[names.first + k];
        if (w.optional) continue;
        const std::string_view text = word(w);
        size_t inName = 0, typed = 0;
        for (size_t other = 0; other < names.count; ++other) {
          const Word& o = wordList_[names.first + other];
          inName += !o.optional && word(o) == text;
        }
        for (const std::string& q : queryWords) typed += q == text;
        if (typed < inName) return kPrefixWord;
      }
      return kExactWord;
    }
    return kNoMatch;
  };

  std::vector<SearchHit> hits;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const int vi = matchNames(folded_[i].name);
    const int en = vi == kExactWord ? kNoMatch : matchNames(folded_[i].nameEn);
    const int best = std::min(vi, en);
    if (best == kNoMatch) continue;
    SearchHit hit;
    hit.entry = i;
    hit.tier = static_cast<MatchTier>(best);
    hit.english = en < vi;
    hit.distance = distanceMetres(viewCenter, entries_[i].point);
    hits.push_back(hit);
  }
  const auto order = [&](const SearchHit& a, const SearchHit& b) {
    return std::make_tuple(a.tier, folded_[a.entry].group, a.distance, a.entry) <
           std::make_tuple(b.tier, folded_[b.entry].group, b.distance, b.entry);
  };
  std::sort(hits.begin(), hits.end(), order);

  std::vector<SearchHit> out;
  for (const SearchHit& hit : hits) {
    const SearchEntry& e = entries_[hit.entry];
    const std::string_view key = std::string_view(words_).substr(folded_[hit.entry].key, folded_[hit.entry].keyLength);
    const bool duplicate = std::any_of(out.begin(), out.end(), [&](const SearchHit& kept) {
      const SearchEntry& k = entries_[kept.entry];
      const Folded& kf = folded_[kept.entry];
      return k.type == e.type && std::string_view(words_).substr(kf.key, kf.keyLength) == key &&
             distanceMetres(k.point, e.point) <= kDedupeMetres;
    });
    if (duplicate) continue;
    out.push_back(hit);
    if (out.size() == limit) break;
  }
  return out;
}

}  // namespace citymap::search
