#pragma once
// The live-feed UI drawn with ImGui: the "Live" window (connection state, age of the newest
// message, a SIMULATED badge, live layer toggles, counters, tropical storms with "show on map",
// alerts sorted by severity with "show on map"), the banner for severe alerts (with "show the
// storm" while there is one), and the tooltip of the marker under the pointer. Vietnamese or
// English. Reads a model, returns what the user asked for.
#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "feeds/connection.hpp"
#include "feeds/feed_store.hpp"
#include "feeds/feed_summary.hpp"
#include "live/live_batch.hpp"

namespace citymap::ui {

// The time slider's state (app::HelpLayer's history and replay).
struct ReplayView {
  bool available = false;              // some history is recorded
  int64_t oldestMs = 0, newestMs = 0;  // the recorded window (epoch ms)
  std::optional<int64_t> tMs;          // the replayed time; nullopt: live
  double speed = 0;                    // playing at this many times real time (0: paused)
  bool pastRequested = false;          // the hours before the client started were asked for
  size_t pastMessages = 0;             // ... and this many of their messages arrived
};

struct FeedPanelModel {
  float top = 10;              // CSS px from the viewport's top (below the host page's toolbar)
  feeds::FeedSummary summary;  // connection, counts, the newest message's age
  std::vector<const feeds::Entity<feeds::Incident>*> alerts;     // most severe first
  std::vector<const feeds::Entity<feeds::StormReport>*> storms;  // shown on the map, strongest first
  int64_t nowMs = 0;                                             // epoch ms, for the storms' report ages
  std::string tooltip;                                           // about the marker under the pointer; empty: none
  ReplayView replay;
  float leftInset = 0;  // CSS px at the left the bottom banners keep clear of (the help window)
};

struct FeedPanelState {
  live::LiveLayers layers;
  bool english = false;
  std::set<uint64_t> dismissed;  // banner alerts the user closed
};

struct FeedPanelActions {
  bool changed = false;
  std::optional<feeds::LngLat> showOnMap;
  std::optional<uint64_t> showStorm;  // frame this storm and its cone
  std::optional<int64_t> seek;        // replay this time (epoch ms)
  bool live = false;                  // back to live
  std::optional<double> speed;        // play the replay at this speed (0: pause)
  bool loadPast = false;              // fetch the hours before the client started
};

// While replaying: the banner that says the map shows the past, with the time, play/pause and
// "Back to live" (both layouts, at the bottom centre).
void drawReplayBanner(const ReplayView& replay, bool english, float viewportWidth, float viewportHeight,
                      FeedPanelActions& out, float leftInset = 0);

FeedPanelActions drawFeedPanel(const FeedPanelModel& model, FeedPanelState& state, float viewportWidth,
                               float viewportHeight);

// Text for the tooltip of a live entity.
std::string describeEntity(const feeds::FeedStore& store, const live::LivePick& pick, int64_t nowMs, bool english);

// "12 s", "3 min", "2 h".
std::string formatAge(double ms);

// A storm's class, intensity and movement in words: "Bão rất mạnh", "cấp 13, giật cấp 16",
// "hướng Tây Tây Bắc, 25 km/h" (or English).
std::string stormCategoryName(feeds::StormCategory c, bool english);
std::string stormIntensity(const feeds::StormReport& s, bool english);
std::string stormMovement(const feeds::StormReport& s, bool english);

}  // namespace citymap::ui
