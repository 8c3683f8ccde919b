// The one feed summary (feeds/feed_summary.hpp): built from the store, versioned, and its JSON
// (nlohmann) as the page reads it; the UI status JSON beside it (app/status_json.hpp).
#include "feeds/feed_summary.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/status_json.hpp"
#include "feed_samples.hpp"
#include "feeds/topic.hpp"

namespace citymap::feeds {
namespace {

using namespace testing;
using json = nlohmann::json;

TEST(FeedSummary, CountsEntitiesAlertsAndBumpsTheVersionOnlyOnChanges) {
  FeedStore store;
  FeedSummary s = summarize(store, double(kT0), {});
  EXPECT_EQ(s.version, 0u) << "an empty store is the default summary";
  EXPECT_EQ(s.newestAgeMs, -1);
  const FeedSummary again = summarize(store, double(kT0 + 100), s);
  EXPECT_EQ(again.version, s.version) << "nothing changed";

  ASSERT_EQ(store.apply(envelope(sampleSensor()), kT0), IngestStatus::Accepted);
  ASSERT_EQ(store.apply(envelope(sampleIncident(9001, Severity::Moderate), 2), kT0), IngestStatus::Accepted);
  ASSERT_EQ(store.apply(envelope(sampleIncident(9002, Severity::Extreme), 3), kT0), IngestStatus::Accepted);
  Incident noPlace = sampleIncident(9003, Severity::Minor);
  noPlace.point.reset();
  noPlace.area.clear();
  ASSERT_EQ(store.apply(envelope(noPlace, 4), kT0), IngestStatus::Accepted);
  const FeedSummary next = summarize(store, double(kT0 + 2500), again);
  EXPECT_EQ(next.version, again.version + 1);
  EXPECT_EQ(next.entities[size_t(FeedKind::Sensor)], 1);
  EXPECT_EQ(next.entities[size_t(FeedKind::Incident)], 3);
  EXPECT_EQ(next.accepted, 4u);
  EXPECT_TRUE(next.simulated);
  EXPECT_DOUBLE_EQ(next.newestAgeMs, 2500);
  ASSERT_EQ(next.alerts.size(), 3u);
  EXPECT_EQ(next.alerts[0].id, 9002u) << "most severe first";
  EXPECT_TRUE(next.alerts[0].hasPosition);
  EXPECT_DOUBLE_EQ(next.alerts[0].lng, 108.2103);
  EXPECT_FALSE(next.alerts[2].hasPosition);
  // Only the age moved: same version.
  EXPECT_EQ(summarize(store, double(kT0 + 9000), next).version, next.version);
}

TEST(FeedSummary, JsonNamesKindsAndSeveritiesAndSurvivesBadText) {
  FeedStore store;
  Incident bad = sampleIncident(7, Severity::Severe);
  bad.titleVi = std::string("Ng\xE1\xBA") + "p";  // a cut UTF-8 sequence
  bad.point.reset();
  bad.area.clear();
  ASSERT_EQ(store.apply(envelope(bad), kT0), IngestStatus::Accepted);
  FeedSummary prev;
  prev.connection = {ConnectionState::Reconnecting, "ws://127.0.0.1:9001/", "connection refused", 3, 4000};
  const FeedSummary s = summarize(store, double(kT0 + 1000), prev);
  const json j = json::parse(toJson(s), nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << toJson(s);
  EXPECT_EQ(j["version"], s.version);
  EXPECT_EQ(j["connection"]["state"], "reconnecting");
  EXPECT_EQ(j["connection"]["url"], "ws://127.0.0.1:9001/");
  EXPECT_EQ(j["connection"]["attempt"], 3);
  EXPECT_EQ(j["connection"]["retryInMs"], 4000);
  EXPECT_EQ(j["newestAgeMs"], 1000);
  EXPECT_EQ(j["entities"]["incident"], 1);
  EXPECT_EQ(j["entities"]["traffic"], 0);
  EXPECT_EQ(j["entities"].size(), size_t(kFeedKindCount));
  EXPECT_EQ(j["simulated"], true);
  ASSERT_EQ(j["alerts"].size(), 1u);
  EXPECT_EQ(j["alerts"][0]["severity"], "severe");
  EXPECT_EQ(j["alerts"][0]["kind"], "flood");
  EXPECT_TRUE(j["alerts"][0]["lng"].is_null());
  EXPECT_TRUE(j["alerts"][0]["lat"].is_null());
  EXPECT_EQ(j["alerts"][0]["titleEn"], "Flooding");
  EXPECT_EQ(j["alerts"][0]["titleVi"].get<std::string>().substr(0, 2), "Ng") << "the bad bytes are replaced";
  EXPECT_EQ(severityName(9), "unknown");
  EXPECT_EQ(incidentKindName(5), "roadClosure");
}

TEST(StatusJson, UiSummaryHasNullsForWhatIsClosedAndRowsAsPairs) {
  app::UiSummary u;
  u.version = 12;
  u.english = true;
  u.hidden = "buildings,pois";
  u.title = "Đà Nẵng";
  u.replay.tMs = -1;
  json j = json::parse(app::uiSummaryJson(u), nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["version"], 12);
  EXPECT_EQ(j["lang"], "en");
  EXPECT_EQ(j["theme"], "day");
  EXPECT_EQ(j["hidden"], "buildings,pois");
  EXPECT_EQ(j["title"], "Đà Nẵng");
  EXPECT_TRUE(j["help"].is_null()) << "help closed";
  EXPECT_TRUE(j["selection"].is_null());
  EXPECT_TRUE(j["replay"]["tMs"].is_null()) << "live";

  u.selection = "pois/42";
  u.cardTitle = "Chợ Hàn";
  u.cardRows = {{"Giờ mở cửa", "6:00–19:00"}, {"Phường", "Hải Châu"}};
  u.selectionLng = 108.2241;
  u.help.mode = "shelters";
  u.help.shelters.push_back({});
  u.help.shelters.back().id = 5;
  u.help.shelters.back().state = "open";
  u.help.shelters.back().chosen = true;
  u.help.routeRoads = {11, 12};
  u.replay.tMs = 1.79e12;
  j = json::parse(app::uiSummaryJson(u), nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["selection"]["id"], "pois/42");
  EXPECT_EQ(j["selection"]["title"], "Chợ Hàn");
  ASSERT_EQ(j["selection"]["rows"].size(), 2u);
  EXPECT_EQ(j["selection"]["rows"][0][0], "Giờ mở cửa");
  EXPECT_EQ(j["selection"]["rows"][1][1], "Hải Châu");
  EXPECT_DOUBLE_EQ(j["selection"]["lng"].get<double>(), 108.2241);
  EXPECT_EQ(j["help"]["mode"], "shelters");
  EXPECT_EQ(j["help"]["shelters"][0]["id"], 5);
  EXPECT_EQ(j["help"]["shelters"][0]["chosen"], true);
  EXPECT_EQ(j["help"]["route"]["roads"], json({11, 12}));
  EXPECT_DOUBLE_EQ(j["replay"]["tMs"].get<double>(), 1.79e12);
}

}  // namespace
}  // namespace citymap::feeds
