#pragma once
// What the app needs from the platform it runs on. One implementation per platform lives in
// core/platform (browser, GLFW desktop, headless test); the app never asks which one it has.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "feeds/connection.hpp"
#include "feeds/feed_summary.hpp"
#include "feeds/feed_types.hpp"
#include "source/tile_source.hpp"

namespace citymap::app {

// The live feeds' state in short (feeds/feed_summary.hpp).
using feeds::AlertSummary;
using feeds::FeedSummary;

// Storm help as the page lists it (web/help.js) and tests read it (app/help_layer).
struct HelpShelterSummary {
  uint64_t id = 0;
  std::string name, state;  // state: open|full|closed|unknown
  double lng = 0, lat = 0;
  double metres = 0, seconds = 0, straightMetres = 0;  // walking (0 for unknown shelters)
  int capacity = 0, occupancy = 0;
  bool straightLine = false;  // part of the way has no road data
  bool chosen = false;        // the route shown goes here
  friend bool operator==(const HelpShelterSummary&, const HelpShelterSummary&) = default;
};
struct HelpRoadSummary {
  uint64_t incident = 0;
  std::string name, kind, title;  // kind: flood|roadClosure|landslide; title in the UI language
  double lng = 0, lat = 0, metres = 0;
  friend bool operator==(const HelpRoadSummary&, const HelpRoadSummary&) = default;
};
struct HelpSummary {
  std::string mode;         // "" (closed), "shelters" or "roads"
  std::string origin;       // location|point|selection|view
  std::string originText;   // in words, in the UI language
  double lng = 0, lat = 0;  // the start
  bool pickingStart = false, loading = false;
  std::string error;    // why routes are unavailable ("" when fine)
  std::string message;  // why the last request was refused (outside the map's area)
  std::vector<HelpShelterSummary> shelters, unknown;
  std::vector<HelpRoadSummary> roads;
  double routeMetres = 0;  // the route shown
  int routePoints = 0;
  bool routeStraight = false;
  std::vector<uint64_t> routeRoads;  // the roads it walks
  double computeMs = 0;
  friend bool operator==(const HelpSummary&, const HelpSummary&) = default;
};
// The time slider.
struct ReplaySummary {
  bool available = false;
  double oldestMs = 0, newestMs = 0;  // the recorded window (epoch ms, to 5 s)
  double tMs = -1;                    // the replayed time; -1: live
  double speed = 0;
  bool historyWanted = false;  // the user asked for the hours before the client started
  double pastMessages = 0;     // ... messages of them received
  double historyBytes = 0, pastBytes = 0;
  friend bool operator==(const ReplaySummary&, const ReplaySummary&) = default;
};

// The UI's state a host page mirrors (the language, hidden layers, the selection's card) and
// needs for share links. `version` changes whenever anything here does.
struct UiSummary {
  bool english = false;
  std::string theme = "day";   // the style theme shown (the page themes its own controls)
  std::string hidden;          // hidden layer groups (ui::groupKey names, comma-separated)
  std::string title, titleEn;  // the city's name from the archive's metadata
  bool searchReady = false;
  std::string searchError;
  // The selection ("layer/id", empty: none) and its card.
  std::string selection;
  std::string cardTitle, cardSubtitle, cardKind, cardLive;
  std::vector<std::pair<std::string, std::string>> cardRows;
  double selectionLng = 0, selectionLat = 0;
  HelpSummary help;
  ReplaySummary replay;
  uint64_t version = 0;
};

// The base map's tile requests (TilePyramid's counters) and archive reloads.
struct TileStatus {
  int pending = 0;         // in flight
  int failed = 0;          // in the view, failed, waiting for a retry (a parent stands in)
  uint64_t errors = 0;     // failed answers since the start
  uint64_t retries = 0;    // requests made again after a failure
  uint64_t cancelled = 0;  // requests aborted because the view moved away
  uint64_t reloads = 0;    // the archive changed on the server and was opened again
  friend bool operator==(const TileStatus&, const TileStatus&) = default;
};

struct MapStatus {
  bool ready = false;  // style, tileset and GL are set up
  bool idle = false;   // everything the view needs is drawn, nothing is moving
  uint64_t framesDrawn = 0;
  int tilesLoaded = 0;
  TileStatus tiles;
  std::string error;        // empty when fine
  std::string styleError;   // the style file's last error ("file:line:col: ..."); the previous style stays
  std::string theme;        // the style theme shown ("day", "night")
  std::string attribution;  // the data's credit line, to show with the map
  double zoom = 0, lng = 0, lat = 0;
  double bearing = 0;  // degrees clockwise from north at the top, [0, 360)
  FeedSummary feed;
  UiSummary ui;
};

class Platform {
 public:
  using FetchCallback = std::function<void(Result<std::vector<uint8_t>>)>;
  virtual ~Platform() = default;

  // Fetches a URL (browser) or path (desktop, tests), whole or a byte range of it. The callback
  // runs later on the app's thread, between frames, never inside fetch(). Returns an id for
  // cancelFetch (never 0).
  //
  // Ranged reads are pinned to one version of the resource (the HTTP ETag, else Last-Modified;
  // a file's size and modification time): a read from offset 0 (an archive's header) records the
  // version, and a later ranged read of the same URL that meets another version fails with
  // ErrorCode::Changed instead of returning bytes of two different files.
  virtual source::FetchId fetch(const std::string& url, std::optional<source::ByteRange> range, FetchCallback done) = 0;
  // Aborts a fetch in flight (the browser's AbortController): its callback is never called.
  virtual void cancelFetch(source::FetchId id) = 0;
  // Monotonic milliseconds.
  virtual double nowMs() const = 0;
  // Wall-clock milliseconds since the Unix epoch (feed messages carry such timestamps).
  virtual double epochMs() const = 0;
  // Asks for frame() to be called again soon (render on demand).
  virtual void requestFrame() = 0;
  // Asks for a frame in about `ms` milliseconds (live animation, ageing labels). Platforms
  // without timers draw at once.
  virtual void requestFrameIn(double ms) {
    (void)ms;
    requestFrame();
  }
  // Published after each frame (the browser mirrors it into window.citymap.state).
  virtual void publishStatus(const MapStatus&) {}
  // A startup milestone ("archive-open", "first-tile", ...): the browser records it as
  // performance.mark("citymap:<name>") for tests/bench/first_view.mjs; elsewhere ignored.
  virtual void mark(const char* milestone) { (void)milestone; }
};

}  // namespace citymap::app
