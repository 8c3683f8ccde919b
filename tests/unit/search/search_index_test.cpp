#include "search/search_index.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace citymap::search {
namespace {

// Central Da Nang, and a point ~2 km north of it.
constexpr geo::LngLat kCentre{108.2200, 16.0600};
constexpr geo::LngLat kNorth{108.2200, 16.0780};

std::string entry(const std::string& type, const std::string& name, double lng, double lat,
                  const std::string& extra = "") {
  return R"({"type":")" + type + R"(","name":")" + name + R"(","id":1,"lng":)" + std::to_string(lng) + R"(,"lat":)" +
         std::to_string(lat) + R"(,"zoom":16)" + extra + "}";
}

std::string indexJson(const std::vector<std::string>& entries) {
  std::string s = R"({"format":"citymap-search","format_version":1,"entries":[)";
  for (size_t i = 0; i < entries.size(); ++i) s += (i ? "," : "") + entries[i];
  return s + "]}";
}

SearchIndex load(const std::vector<std::string>& entries) {
  Result<SearchIndex> index = SearchIndex::load(indexJson(entries));
  EXPECT_TRUE(index.ok()) << (index.ok() ? "" : index.error());
  return index.ok() ? std::move(index).value() : SearchIndex();
}

// The names of the hits, in order.
std::vector<std::string> names(const SearchIndex& index, const std::string& query, geo::LngLat at = kCentre,
                               size_t limit = SearchIndex::kDefaultLimit) {
  std::vector<std::string> out;
  for (const SearchHit& h : index.search(query, at, limit)) out.push_back(index.entries()[h.entry].name);
  return out;
}

const std::vector<std::string> kCity = {
    entry("street", "Đường Bạch Đằng", 108.2237, 16.0555, R"(,"name_en":"Bach Dang St","kind":"Primary")"),
    entry("street", "Cầu Rồng", 108.2279, 16.0611,
          R"(,"name_en":"Dragon Bridge","bbox":[108.2243,16.0609,108.2314,16.0612])"),
    entry("poi", "Blue Dragon", 108.3306, 15.8762, R"(,"kind":"Food")"),
    entry("admin", "Phường Hải Châu", 108.2194, 16.0761, R"(,"kind":"Ward2025")"),
    entry("admin", "Phường Hải Châu I", 108.2219, 16.0698, R"(,"kind":"WardPre2025")"),
    entry("poi", "UBND Phường Hải Châu", 108.2225, 16.0637, R"(,"kind":"Government")"),
    entry("admin", "Thành phố Đà Nẵng", 108.2022, 16.0471, R"(,"kind":"City2025")"),
};

TEST(SearchIndexLoad, ReadsEveryField) {
  const SearchIndex index = load(kCity);
  ASSERT_EQ(index.size(), kCity.size());
  const SearchEntry& bridge = index.entries()[1];
  EXPECT_EQ(bridge.type, EntryType::Street);
  EXPECT_EQ(bridge.name, "Cầu Rồng");
  EXPECT_EQ(bridge.nameEn, "Dragon Bridge");
  EXPECT_EQ(bridge.zoom, 16);
  EXPECT_DOUBLE_EQ(bridge.point.lng, 108.2279);
  ASSERT_TRUE(bridge.bbox.has_value());
  EXPECT_DOUBLE_EQ(bridge.bbox->west, 108.2243);
  EXPECT_DOUBLE_EQ(bridge.bbox->north, 16.0612);
  EXPECT_EQ(index.entries()[0].kind, "Primary");
  EXPECT_FALSE(index.entries()[0].bbox.has_value());
  EXPECT_EQ(entryTypeName(index.entries()[3].type), "admin");
}

TEST(SearchIndexLoad, LargeIdsAndEmptyIndex) {
  auto r =
      SearchIndex::load(indexJson({R"({"type":"ioc","name":"X","id":18446744073709551615,"lng":0,"lat":0,"zoom":0})"}));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->entries()[0].id, 18446744073709551615u);
  auto empty = SearchIndex::load(indexJson({}));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->search("cau", kCentre).empty());
}

TEST(SearchIndexLoad, RejectsMalformedFiles) {
  const auto error = [](const std::string& json) {
    auto r = SearchIndex::load(json);
    return r.ok() ? std::string("(loaded)") : r.error();
  };
  EXPECT_NE(error("").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error("{\"format\":").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error("[]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(error(R"({"format":"citymap-tiles","format_version":1,"entries":[]})").find("format"), std::string::npos);
  EXPECT_NE(error(R"({"format":"citymap-search","format_version":2,"entries":[]})").find("format_version"),
            std::string::npos);
  EXPECT_NE(error(R"({"format":"citymap-search","format_version":"1","entries":[]})").find("format_version"),
            std::string::npos);
  EXPECT_NE(error(R"({"format":"citymap-search","format_version":1})").find("entries"), std::string::npos);
  EXPECT_NE(error(R"({"format":"citymap-search","format_version":1,"entries":{}})").find("entries"), std::string::npos);
}

TEST(SearchIndexLoad, BadEntryNamesItsIndexAndField) {
  const std::string good = entry("poi", "A", 108, 16);
  const auto errorFor = [&](const std::string& bad) {
    auto r = SearchIndex::load(indexJson({good, bad}));
    return r.ok() ? std::string("(loaded)") : r.error();
  };
  const auto expectError = [&](const std::string& bad, const std::string& field) {
    const std::string e = errorFor(bad);
    EXPECT_NE(e.find("entry 1"), std::string::npos) << bad << " -> " << e;
    EXPECT_NE(e.find(field), std::string::npos) << bad << " -> " << e;
  };
  expectError("42", "not an object");
  expectError(R"({"name":"A","id":1,"lng":0,"lat":0,"zoom":1})", "type");
  expectError(R"({"type":"castle","name":"A","id":1,"lng":0,"lat":0,"zoom":1})", "castle");
  expectError(R"({"type":"poi","id":1,"lng":0,"lat":0,"zoom":1})", "name");
  expectError(R"({"type":"poi","name":"","id":1,"lng":0,"lat":0,"zoom":1})", "name");
  expectError(R"({"type":"poi","name":7,"id":1,"lng":0,"lat":0,"zoom":1})", "name");
  expectError(R"({"type":"poi","name":"A","name_en":5,"id":1,"lng":0,"lat":0,"zoom":1})", "name_en");
  expectError(R"({"type":"poi","name":"A","key":null,"id":1,"lng":0,"lat":0,"zoom":1})", "key");
  expectError(R"({"type":"poi","name":"A","kind":[],"id":1,"lng":0,"lat":0,"zoom":1})", "kind");
  expectError(R"({"type":"poi","name":"A","layer":{},"id":1,"lng":0,"lat":0,"zoom":1})", "layer");
  expectError(R"({"type":"poi","name":"A","lng":0,"lat":0,"zoom":1})", "id");
  expectError(R"({"type":"poi","name":"A","id":-1,"lng":0,"lat":0,"zoom":1})", "id");
  expectError(R"({"type":"poi","name":"A","id":1.5,"lng":0,"lat":0,"zoom":1})", "id");
  expectError(R"({"type":"poi","name":"A","id":1,"lng":180.5,"lat":0,"zoom":1})", "lng");
  expectError(R"({"type":"poi","name":"A","id":1,"lng":"108","lat":0,"zoom":1})", "lng");
  expectError(R"({"type":"poi","name":"A","id":1,"lng":0,"lat":-91,"zoom":1})", "lat");
  expectError(R"({"type":"poi","name":"A","id":1,"lng":0,"zoom":1})", "lat");
  expectError(R"({"type":"poi","name":"A","id":1,"lng":0,"lat":0,"zoom":25})", "zoom");
  expectError(R"({"type":"poi","name":"A","id":1,"lng":0,"lat":0,"zoom":1.5})", "zoom");
  expectError(R"({"type":"poi","name":"A","id":1,"lng":0,"lat":0})", "zoom");
  expectError(R"({"type":"poi","name":"A","id":1,"lng":0,"lat":0,"zoom":1,"bbox":[1,2,3]})", "bbox");
  expectError(R"({"type":"poi","name":"A","id":1,"lng":0,"lat":0,"zoom":1,"bbox":[3,0,1,1]})", "bbox");
  expectError(R"({"type":"poi","name":"A","id":1,"lng":0,"lat":0,"zoom":1,"bbox":[0,0,1,"1"]})", "bbox");
  // Numbers too large for a double are not valid JSON for the parser; either way, an error.
  EXPECT_FALSE(
      SearchIndex::load(indexJson({good, R"({"type":"poi","name":"A","id":1,"lng":1e999,"lat":0,"zoom":1})"})).ok());
}

TEST(SearchIndexLoad, NeverCrashesOnDamagedInput) {
  const std::string valid = indexJson(kCity);
  size_t loaded = 0;
  for (size_t n = 0; n < valid.size(); ++n) loaded += SearchIndex::load(valid.substr(0, n)).ok();
  EXPECT_EQ(loaded, 0u);  // every truncation is rejected
  std::string flipped = valid;
  for (size_t i = 0; i < flipped.size(); i += 7) {
    flipped[i] = char(flipped[i] ^ 0x5A);
    (void)SearchIndex::load(flipped);
  }
  EXPECT_FALSE(SearchIndex::load(std::string(200000, '[') + std::string(200000, ']')).ok());
  EXPECT_TRUE(SearchIndex::load(valid).ok());
}

TEST(SearchIndexSearch, EmptyQueryFindsNothing) {
  const SearchIndex index = load(kCity);
  EXPECT_TRUE(index.search("", kCentre).empty());
  EXPECT_TRUE(index.search("   ", kCentre).empty());
  EXPECT_TRUE(index.search("?!-", kCentre).empty());
  EXPECT_TRUE(index.search("cau", kCentre, 0).empty());
}

TEST(SearchIndexSearch, AnyQueryIsSafe) {
  const SearchIndex index = load(kCity);
  uint32_t state = 12345;
  const auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (int i = 0; i < 2000; ++i) {
    std::string q(next() % 40, ' ');
    for (char& c : q) c = char(next() >> 24);
    EXPECT_LE(index.search(q, kCentre).size(), SearchIndex::kDefaultLimit);
  }
  EXPECT_TRUE(index.search(std::string(100, 'a') + " " + std::string(5000, 'x'), kCentre).empty());
  std::string many;
  for (int i = 0; i < 100; ++i) many += "cau ";
  EXPECT_TRUE(index.search(many, kCentre).empty());  // more words than any name has
}

TEST(SearchIndexSearch, ExactIgnoresAccentsCaseAndGenericWords) {
  const SearchIndex index = load(kCity);
  for (const char* q : {"bach dang", "Bạch Đằng", "BACH DANG", "duong bach dang",
                        "Ba\xCC\xA3"
                        "ch \xC4\x90"
                        "a\xCC\x86\xCC\x80ng"}) {
    const auto hits = index.search(q, kCentre);
    ASSERT_FALSE(hits.empty()) << q;
    EXPECT_EQ(index.entries()[hits[0].entry].name, "Đường Bạch Đằng") << q;
    EXPECT_EQ(hits[0].tier, MatchTier::Exact) << q;
  }
  const auto city = index.search("da nang", kCentre);
  ASSERT_EQ(city.size(), 1u);
  EXPECT_EQ(city[0].tier, MatchTier::Exact);  // "thanh pho" is generic
}

TEST(SearchIndexSearch, GenericWordsOptionalOnlyAtTheEnds) {
  const SearchIndex index = load({
      entry("admin", "Quận Thanh Khê", 108.19, 16.06),
      entry("street", "Trần Phú", 108.22, 16.07, R"(,"name_en":"Tran Phu Street")"),
      entry("admin", "Thành phố Hội An", 108.33, 15.88),
  });
  const auto tier = [&](const std::string& q) {
    const auto hits = index.search(q, kCentre);
    return hits.empty() ? std::string("none") : std::to_string(int(hits[0].tier));
  };
  EXPECT_EQ(tier("thanh khe"), "0");  // "quan" optional, "thanh" alone is not generic
  EXPECT_EQ(tier("khe"), "1");
  EXPECT_EQ(tier("hoi an"), "0");  // "thanh pho" optional
  EXPECT_EQ(tier("tran phu"), "0");
  EXPECT_EQ(tier("phu street"), "1");
  const auto hits = index.search("tran phu", kCentre);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_FALSE(hits[0].english);  // both names match exactly: the Vietnamese one counts
}

TEST(SearchIndexSearch, AnyQueryWordMayBeAPrefix) {
  const SearchIndex index = load(kCity);
  EXPECT_EQ(names(index, "bach d"), std::vector<std::string>{"Đường Bạch Đằng"});
  EXPECT_EQ(names(index, "b dang"), std::vector<std::string>{"Đường Bạch Đằng"});
  EXPECT_EQ(names(index, "dang ba"), std::vector<std::string>{"Đường Bạch Đằng"});  // any order
  const auto hits = index.search("dragon bri", kCentre);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(index.entries()[hits[0].entry].name, "Cầu Rồng");
  EXPECT_EQ(hits[0].tier, MatchTier::Prefix);
  EXPECT_TRUE(hits[0].english);
  // All words of one name: Vietnamese and English words do not mix.
  EXPECT_TRUE(index.search("cau bridge", kCentre).empty());
  // Each query word needs its own name word.
  EXPECT_TRUE(index.search("bach bach", kCentre).empty());
}

TEST(SearchIndexSearch, ExactNeedsEveryRequiredWord) {
  const SearchIndex index = load(kCity);
  const auto hits = index.search("hai chau", kCentre);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(index.entries()[hits[0].entry].name, "Phường Hải Châu");
  EXPECT_EQ(hits[0].tier, MatchTier::Exact);
  EXPECT_EQ(index.entries()[hits[1].entry].name, "Phường Hải Châu I");  // "i" not typed
  EXPECT_EQ(hits[1].tier, MatchTier::Prefix);
  EXPECT_EQ(index.entries()[hits[2].entry].name, "UBND Phường Hải Châu");  // generic word inside
  EXPECT_EQ(hits[2].tier, MatchTier::Prefix);
  const auto full = index.search("ubnd phuong hai chau", kCentre);
  ASSERT_EQ(full.size(), 1u);
  EXPECT_EQ(full[0].tier, MatchTier::Exact);
}

TEST(SearchIndexSearch, OneTypoForWordsOfFourLettersOrMore) {
  const SearchIndex index = load(kCity);
  for (const char* q : {"drgaon", "dragn bridge", "dragom bridge", "dragonn", "drag0n bri", "cau rnog", "cau rongx"}) {
    const auto hits = index.search(q, kCentre);
    ASSERT_FALSE(hits.empty()) << q;
    EXPECT_EQ(index.entries()[hits[0].entry].name, "Cầu Rồng") << q;
    EXPECT_EQ(hits[0].tier, MatchTier::Fuzzy) << q;
  }
  // "drgaon" also reaches the Blue Dragon, after the bridge (a street ranks before food).
  EXPECT_EQ(names(index, "drgaon"), (std::vector<std::string>{"Cầu Rồng", "Blue Dragon"}));
  // Two typos, or a typo in a word of three letters: nothing.
  EXPECT_TRUE(index.search("dargn", kCentre).empty());
  EXPECT_TRUE(index.search("cua rong", kCentre).empty());
  EXPECT_TRUE(index.search("cau rng", kCentre).empty());
  EXPECT_TRUE(index.search("bahc", kCentre).size() == 1);  // four letters: one transposition
}

TEST(SearchIndexSearch, RankingTierThenKindThenDistance) {
  const SearchIndex index = load({
      entry("bus_stop", "Hòa Khánh", 108.2201, 16.0601),
      entry("poi", "Hòa Khánh", 108.2300, 16.0700, R"(,"kind":"Food")"),
      entry("poi", "Hòa Khánh", 108.2400, 16.0800, R"(,"kind":"Tourism")"),
      entry("building", "Hòa Khánh", 108.2500, 16.0900), entry("street", "Đường Hòa Khánh", 108.1500, 16.0700),
      entry("admin", "Phường Hòa Khánh", 108.1500, 16.1000), entry("place", "Hòa Khánh", 108.1400, 16.0900),
      entry("admin", "Phường Hòa Khánh Bắc", 108.2200, 16.0600),  // nearest, but not exact
  });
  const auto hits = index.search("hoa khanh", kCentre);
  std::vector<std::string> order;
  for (const SearchHit& h : hits)
    order.push_back(std::string(entryTypeName(index.entries()[h.entry].type)) + " " + index.entries()[h.entry].kind);
  EXPECT_EQ(order, (std::vector<std::string>{"admin ", "street ", "poi Tourism", "place ", "poi Food", "building ",
                                             "bus_stop ", "admin "}));
  EXPECT_EQ(hits.back().tier, MatchTier::Prefix);
  for (size_t i = 0; i + 1 < hits.size(); ++i) EXPECT_EQ(hits[i].tier, MatchTier::Exact);
}

TEST(SearchIndexSearch, DistanceBreaksTies) {
  const SearchIndex index = load({
      entry("poi", "Phở Hồng South", 108.2200, 16.0400, R"(,"kind":"Food")"),
      entry("poi", "Phở Hồng North", 108.2200, 16.0800, R"(,"kind":"Food")"),
  });
  EXPECT_EQ(names(index, "pho hong", kNorth), (std::vector<std::string>{"Phở Hồng North", "Phở Hồng South"}));
  EXPECT_EQ(names(index, "pho hong", {108.22, 16.03}), (std::vector<std::string>{"Phở Hồng South", "Phở Hồng North"}));
  const auto hits = index.search("pho hong", kNorth);
  EXPECT_NEAR(hits[0].distance, 222, 3);  // 0.002 degrees of latitude
  EXPECT_LT(hits[0].distance, hits[1].distance);
}

TEST(SearchIndexSearch, DuplicatesNearbyAreOneHit) {
  const SearchIndex index = load({
      entry("poi", "Highlands Coffee", 108.2200, 16.0600, R"(,"kind":"Food")"),
      entry("poi", "HIGHLANDS COFFEE", 108.2205, 16.0602, R"(,"kind":"Food")"),  // ~60 m away
      entry("poi", "Highlands Coffee", 108.2300, 16.0600, R"(,"kind":"Food")"),  // ~1 km away
      entry("bus_stop", "Highlands Coffee", 108.2200, 16.0600),                  // another type
  });
  const auto hits = index.search("highlands", kCentre);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].entry, 0u);
  EXPECT_EQ(hits[1].entry, 2u);
  EXPECT_EQ(hits[2].entry, 3u);
}

TEST(SearchIndexSearch, LimitKeepsTheBest) {
  std::vector<std::string> many;
  for (int i = 0; i < 20; ++i) many.push_back(entry("poi", "Cafe " + std::to_string(i), 108.22 + i * 0.01, 16.06));
  const SearchIndex index = load(many);
  EXPECT_EQ(index.search("cafe", kCentre).size(), SearchIndex::kDefaultLimit);
  const auto two = index.search("cafe", kCentre, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(index.entries()[two[0].entry].name, "Cafe 0");
  EXPECT_EQ(index.entries()[two[1].entry].name, "Cafe 1");
  EXPECT_EQ(names(index, "cafe 13"), std::vector<std::string>{"Cafe 13"});
  EXPECT_EQ(names(index, "cafe 1").size(), 8u);  // "1" and "10".."19" by prefix
  EXPECT_EQ(names(index, "cafe 1")[0], "Cafe 1");
}

TEST(SearchIndexSearch, DistanceMetres) {
  EXPECT_NEAR(distanceMetres({108.22, 16.06}, {108.22, 16.07}), 1111.9, 1);
  EXPECT_NEAR(distanceMetres({0, 0}, {180, 0}), 20015115, 100);
  EXPECT_EQ(distanceMetres({1, 2}, {1, 2}), 0);
}

}  // namespace
}  // namespace citymap::search
