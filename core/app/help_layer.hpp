#pragma once
// The app's storm help and time travel (issue 10), wired for MapApp: it loads the archive's
// walking graph when help is first asked for, keeps help::StormHelp current with the feed state
// shown, records every live change in the bounded feeds::FeedHistory and replays it while the
// time slider is in the past. The map, the panels and the page draw `shown()` at `shownNowMs()`:
// the live store at the wall clock, or the replayed store at the slider's time.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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
  std::optional<int64_t> replayT_;
  double speed_ = 0;
  double lastTickMs_ = 0;
  uint64_t replayVersion_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // fetch callbacks check it
};

}  // namespace citymap::app
