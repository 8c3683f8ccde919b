#pragma once
// The app's storm help and time travel (issue 10), wired for MapApp: it loads the archive's
// walking graph when help is first asked for, keeps help::StormHelp current with the feed state
// shown, records every live change in the bounded feeds::FeedHistory and replays it while the
// time slider is in the past. The map, the panels and the page draw `shown()` at `shownNowMs()`:
// the live store at the wall clock, or the replayed store at the slider's time.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "base/result.hpp"
#include "feeds/feed_history.hpp"
#include "feeds/feed_store.hpp"
#include "help/storm_help.hpp"
#include "source/tile_source.hpp"
#include "tile/tileset.hpp"

namespace citymap::app {

class HelpLayer {
 public:
  using Fetch = std::function<void(const std::string& url, std::optional<source::ByteRange> range,
                                   std::function<void(Result<std::vector<uint8_t>>)> done)>;

  // Records `live` from now on (its change listener). `live` must outlive this.
  HelpLayer(feeds::FeedStore& live, Fetch fetch);
  ~HelpLayer();

  // The archive is open: where its walking graph is (nothing is fetched yet).
  void setTileset(const tile::Tileset& tileset, const std::string& tilesetUrl);

  // --- help ------------------------------------------------------------------------------------
  // The nearest open shelters, or the flooded and closed roads, from `from`. Fails (with a
  // message in the UI language) when the point is outside the map's area; the graph loads on
  // first use.
  Result<bool> showShelters(const help::Origin& from, bool english);
  Result<bool> showRoads(const help::Origin& from, bool english);
  void close() { help_.close(); }
  void choose(size_t i) { help_.choose(i); }
  const help::StormHelp& help() const { return help_; }
  // "" while loading or loaded; else why there is no walking graph (absent, unreadable).
  const std::string& graphError() const { return graphError_; }
  bool graphLoading() const { return graphLoading_; }
  // The next tap on the map chooses the start (ImGui's "choose on map", the page's button).
  bool pickingStart = false;

  // Recomputes the answers from the shown state; true when they changed (redraw).
  bool update(int64_t liveNowMs);

  // --- history and replay ----------------------------------------------------------------------
  const feeds::FeedHistory& history() const { return history_; }
  // Replays the state at tMs (clamped to the history's window); nullopt: back to live.
  void replayAt(std::optional<int64_t> tMs);
  // Plays the replay forward at `speed` times real time (0: paused); reaching the newest
  // recorded time goes back to live.
  void setSpeed(double speed);
  double speed() const { return speed_; }
  bool replaying() const { return replayT_.has_value(); }
  std::optional<int64_t> replayTime() const { return replayT_; }
  // Advances a playing replay (called once per frame with the wall clock); true while playing.
  bool tick(double epochMs);
  // The live store was cleared (another city): so is the history, and replay ends.
  void clearHistory();

  // --- the hours before the client started (history chunks, docs/FEEDS.md) ----------------------
  // One retained part of a history window (citymap/v1/<city>-history/<start>/<part>: a framed
  // batch of past feed messages); an empty payload removes it. Parts are kept (at most
  // kMaxPastBytes) and the past is rebuilt from all of them, in time order, through a store with
  // the live store's rules, at most every 0.5 s (tick) while more arrive.
  void addHistoryPart(int64_t windowStartMs, uint32_t part, std::span<const uint8_t> payload);
  static constexpr size_t kMaxPastBytes = size_t(24) << 20;
  // The replay reaches back to here (the past's oldest time, else the live history's).
  int64_t oldestMs() const;
  int64_t newestMs() const { return history_.newestMs(); }
  bool hasHistory() const { return !history_.empty() || !past_.empty(); }
  // The user asked for the hours before the client started (the page subscribes then).
  bool historyWanted = false;
  size_t pastBytes() const { return pastBytes_; }
  size_t pastMessages() const { return pastMessages_; }
  std::string pastError;  // a part that did not frame

  // What the map shows: the live store or the replayed one, and its clock.
  const feeds::FeedStore& shown() const;
  int64_t shownNowMs(int64_t liveNowMs) const { return replayT_ ? *replayT_ : liveNowMs; }
  // Changes whenever shown() may have changed because of a seek (with the live counters, the
  // traffic colours' change check).
  uint64_t replayVersion() const { return replayVersion_; }

 private:
  Result<bool> inArea(geo::LngLat p, bool english) const;
  void loadGraph();

  feeds::FeedStore& live_;
  Fetch fetch_;
  std::string graphUrl_;
  std::optional<source::ByteRange> graphRange_;
  bool graphRequested_ = false, graphLoading_ = false;
  std::string graphError_;
  std::optional<tile::Tileset> tileset_;
  help::StormHelp help_;
  feeds::FeedHistory history_;
  std::unique_ptr<feeds::FeedReplayer> replayer_;
  void rebuildPast();
  std::map<std::pair<int64_t, uint32_t>, std::vector<uint8_t>> parts_;
  size_t pastBytes_ = 0, pastMessages_ = 0;
  bool pastDirty_ = false;
  double pastChangedMs_ = 0;
  feeds::FeedHistory past_;
  std::unique_ptr<feeds::FeedReplayer> pastReplayer_;
  bool replayingPast_ = false;
  std::optional<int64_t> replayT_;
  double speed_ = 0;
  double lastTickMs_ = 0;
  uint64_t replayVersion_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // fetch callbacks check it
};

}  // namespace citymap::app
