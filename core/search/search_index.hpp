#pragma once
// Place search in the client: the search index the ingest writes beside the tile archive
// (`<archive>.search.json`, format "citymap-search" version 1: admin units, places, streets,
// POIs, areas, buildings, bus routes and stops, IOC stations), validated when loaded and queried
// as the user types. Matching is on folded words (search/fold.hpp), so accents, tones, "đ" and
// case never matter; the file's own `key` is not used.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "geo/lnglat.hpp"

namespace citymap::search {

// The `type` of an entry.
enum class EntryType : uint8_t { Admin, Place, Street, Poi, Area, Building, BusRoute, BusStop, Ioc };

// The type's name in the file ("admin", "bus_stop", ...).
std::string_view entryTypeName(EntryType type);

// A box in degrees (the file's `bbox`: [west, south, east, north]).
struct LngLatBox {
  double west = 0, south = 0, east = 0, north = 0;
};

// One searchable thing, as the file gives it.
struct SearchEntry {
  EntryType type = EntryType::Poi;
  std::string name;               // the name to show (Vietnamese), never empty
  std::string nameEn;             // the English name, or empty
  std::string layer;              // the tile layer it comes from ("pois", "roads", ...), or empty
  std::string kind;               // its kind within the layer ("Tourism", "Ward2025", "suburb", ...), or empty
  uint64_t id = 0;                // the feature id in the tiles (stable across builds)
  geo::LngLat point;              // where to put a marker
  int zoom = 17;                  // the zoom at which to show it (0-24)
  std::optional<LngLatBox> bbox;  // its extent, for lines and areas
};

// How well a hit matched, best first.
enum class MatchTier : uint8_t {
  Exact,   // every query word equals a word of the name, and every word of the name that is not
           // an optional generic word ("duong", "phuong", "street", ...) was typed
  Prefix,  // every query word equals a word of the name or starts one (more words may follow)
  Fuzzy,   // as Prefix, but at least one query word needed one typo
};

// The order of kinds within a tier, first to last.
enum class RankGroup : uint8_t {
  Admin,     // admin units
  Street,    // streets (bridges carried as streets too)
  Landmark,  // places, areas, POIs of kind Tourism
  Poi,       // other POIs, buildings, IOC stations and shelters
  Transit,   // bus routes and stops
};

RankGroup rankGroup(const SearchEntry& entry);

// One result of SearchIndex::search.
struct SearchHit {
  size_t entry = 0;  // index into SearchIndex::entries()
  MatchTier tier = MatchTier::Exact;
  bool english = false;  // the English name matched (and the Vietnamese one not as well)
  double distance = 0;   // metres from the view centre to the entry's point
};

class SearchIndex {
 public:
  static constexpr size_t kDefaultLimit = 8;
  static constexpr size_t kMaxQueryWords = 16;  // further query words are ignored
  static constexpr double kDedupeMetres = 150;

  SearchIndex() = default;

  // Parses and validates a search index file: format "citymap-search", format_version 1, and
  // every entry an object with a known `type`, a non-empty string `name`, optional strings
  // `name_en`, `key`, `layer`, `kind`, a non-negative integer `id`, finite `lng` in [-180, 180]
  // and `lat` in [-90, 90], an integer `zoom` in [0, 24] and an optional `bbox` of four such
  // coordinates with west <= east and south <= north. Unknown fields are ignored. The error of a
  // bad entry names its index and field. Never throws or crashes, whatever the input.
  static Result<SearchIndex> load(std::string_view json);

  const std::vector<SearchEntry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

  // The best `limit` entries for what the user typed. The query is folded into words; every
  // query word must match a distinct word of the entry's name, or every one a distinct word of
  // its English name: exactly, as a prefix of the word ("bach d" finds "Bạch Đằng"), or, for
  // query words of 4 or more letters, with one typo (Damerau-Levenshtein distance 1: an
  // insertion, deletion, substitution or transposition of neighbours), against the word or a
  // prefix of it ("drgaon", "dragn" find "Dragon"). Generic words at the start or end of a
  // name ("duong", "pho", "phuong", "quan", "xa", "huyen", "thanh pho", "tp", "street", "st",
  // "road", "rd", "ward", "district") need not be typed. Order: tier, then rankGroup(), then
  // distance from `viewCenter`, then index order. Entries of the same type with the same folded
  // name within kDedupeMetres of a better hit are left out. An empty query (or one of
  // punctuation only) finds nothing.
  std::vector<SearchHit> search(std::string_view query, geo::LngLat viewCenter, size_t limit = kDefaultLimit) const;

 private:
  struct Word {
    uint32_t offset = 0;  // into words_
    uint16_t length = 0;
    bool optional = false;  // a generic word at the start or end of the name
  };
  struct Names {
    uint32_t first = 0;  // into wordList_
    uint16_t count = 0;
  };
  struct Folded {
    Names name, nameEn;
    uint32_t key = 0, keyLength = 0;  // the folded name, for deduplication (into words_)
    RankGroup group = RankGroup::Poi;
  };

  Names addWords(std::string_view text);
  std::string_view word(const Word& w) const { return std::string_view(words_).substr(w.offset, w.length); }

  std::vector<SearchEntry> entries_;
  std::vector<Folded> folded_;  // per entry
  std::vector<Word> wordList_;
  std::string words_;  // the characters of every folded word and key
};

// Great-circle distance in metres.
double distanceMetres(geo::LngLat a, geo::LngLat b);

}  // namespace citymap::search
