// The client's search (core/search) on the real Da Nang search index that the ingest writes
// beside the archive (build/tiles/danang.search.json, or $CITYMAP_SEARCH_INDEX). Skipped with a
// message when the file is not there (build it with the `danang_tiles` target).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "search/fold.hpp"
#include "search/search_index.hpp"

namespace citymap {
namespace {

std::string indexPath() {
  if (const char* env = std::getenv("CITYMAP_SEARCH_INDEX")) return env;
  return std::string(CITYMAP_SOURCE_DIR) + "/build/tiles/danang.search.json";
}

// Central Hải Châu, where the map opens.
constexpr geo::LngLat kCentre{108.2208, 16.0680};
// Dragon Bridge (Cầu Rồng) over the Hàn river, as the OSM data places it.
constexpr geo::LngLat kDragonBridge{108.2279, 16.0611};

class SearchRealData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::ifstream in(indexPath(), std::ios::binary);
    if (!in) return;
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    Result<search::SearchIndex> loaded = search::SearchIndex::load(text);
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    index_ = std::move(loaded).value();
  }
  void SetUp() override {
    if (!index_) GTEST_SKIP() << "no search index at " << indexPath() << " (build the danang_tiles target)";
  }
  // The hits for `query`, printed (top 3) for the record.
  std::vector<search::SearchHit> find(const std::string& query, geo::LngLat at = kCentre) const {
    const auto hits = index_->search(query, at);
    std::printf("%-14s", ("\"" + query + "\"").c_str());
    for (size_t i = 0; i < hits.size() && i < 3; ++i) {
      const search::SearchEntry& e = entry(hits[i]);
      std::printf(" | %s (%s %s, %.0f m)", e.name.c_str(), std::string(search::entryTypeName(e.type)).c_str(),
                  e.kind.c_str(), hits[i].distance);
    }
    std::printf("\n");
    return hits;
  }
  const search::SearchEntry& entry(const search::SearchHit& h) const { return index_->entries()[h.entry]; }

  static std::optional<search::SearchIndex> index_;
};

std::optional<search::SearchIndex> SearchRealData::index_;

TEST_F(SearchRealData, DragonBridge) {
  for (const char* q : {"cau rong", "Cầu Rồng", "dragon bridge", "dragn bridge", "drgaon bri"}) {
    // From the centre and from the far west of the city: the bridge first either way.
    for (const geo::LngLat at : {kCentre, geo::LngLat{108.05, 16.05}}) {
      const auto hits = find(q, at);
      ASSERT_FALSE(hits.empty()) << q;
      EXPECT_EQ(search::fold(entry(hits[0]).name), "cau rong") << q;
      EXPECT_LT(search::distanceMetres(entry(hits[0]).point, kDragonBridge), 100) << q;
    }
  }
  EXPECT_EQ(find("dragn bridge")[0].tier, search::MatchTier::Fuzzy);
  EXPECT_EQ(find("dragon bridge")[0].tier, search::MatchTier::Exact);
}

TEST_F(SearchRealData, BachDangStreet) {
  for (const char* q : {"bach dang", "Bạch Đằng", "duong bach dang", "bach d"}) {
    const auto hits = find(q);
    ASSERT_FALSE(hits.empty()) << q;
    EXPECT_EQ(entry(hits[0]).type, search::EntryType::Street) << q;
    EXPECT_EQ(search::fold(entry(hits[0]).name), "duong bach dang") << q;
  }
}

TEST_F(SearchRealData, HaiChauAdminUnit) {
  const auto hits = find("hai chau");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(entry(hits[0]).type, search::EntryType::Admin);
  EXPECT_EQ(hits[0].tier, search::MatchTier::Exact);
  const std::string name = search::fold(entry(hits[0]).name);
  EXPECT_TRUE(name == "phuong hai chau" || name == "quan hai chau") << name;
}

TEST_F(SearchRealData, TypicalKeystrokesFindSomething) {
  for (const char* q : {"c", "ca", "cau", "cau r", "ngyuen van linh", "hoa khanh", "son tra", "my khe"}) {
    const auto hits = find(q);
    EXPECT_FALSE(hits.empty()) << q;
    EXPECT_LE(hits.size(), search::SearchIndex::kDefaultLimit);
  }
}

}  // namespace
}  // namespace citymap
