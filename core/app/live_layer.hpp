#pragma once
// What the live feeds put on the map: the store of every entity's latest state (the one entry
// point of every transport; drained a bounded amount per frame, pruned, summarised), the traffic
// colours as the renderer's feature-state table, and the markers with their tags (a storm's
// name and times) built each frame for the state shown, live or replayed.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "feeds/feed_store.hpp"
#include "feeds/feed_summary.hpp"
#include "frame/draw_list.hpp"
#include "frame/frame_renderer.hpp"
#include "geo/camera.hpp"
#include "help/storm_help.hpp"
#include "labels/text.hpp"
#include "live/live_batch.hpp"
#include "scene/feature_index.hpp"

namespace citymap::app {

class LiveLayer {
 public:
  explicit LiveLayer(frame::FrameRenderer& renderer) : renderer_(renderer) {}

  feeds::FeedStore& store() { return store_; }
  const feeds::FeedStore& store() const { return store_; }
  void enqueue(std::string_view topic, std::span<const uint8_t> payload, int64_t receivedMs) {
    store_.enqueue(topic, payload, receivedMs);
  }
  // Applies queued messages (at most 20,000 a frame), prunes stale entities once a second and
  // refreshes `summary` at most 4 times a second. True when messages are still queued.
  bool update(double epochMs, feeds::FeedSummary& summary);
  // The traffic colours of `shown`, before the tiles are drawn: rebuilt at once when new roads
  // got slots, the replay moved, the layer is shown again or reports come after a quiet moment;
  // while reports stream in at most every kStateIntervalMs; every 2 s as reports age; cleared
  // when hidden. Returns in how many ms the colours of reports held back are due (a frame is
  // wanted then), else -1. Held-back colours never count against idle (live data never does).
  double updateTraffic(const feeds::FeedStore& shown, uint64_t replayVersion, const scene::FeatureIndex& index,
                       bool show, int64_t nowMs);
  static constexpr double kStateIntervalMs = 250;
  // Feature-state layers have colours to draw.
  bool trafficShown() const { return !state_.empty(); }
  // The GL context came back: the colours go up again with the next frame.
  void contextRestored() { stateShown_ = false; }
  // The markers of `shown` at `nowMs`, storm help's route and shelters on top, then their tags
  // laid out with `fonts` clear of the `panels` (CSS px), into `list`.
  void draw(const feeds::FeedStore& shown, const scene::FeatureIndex& index, const geo::Camera& camera, int64_t nowMs,
            const live::LiveLayers& layers, bool english, const std::vector<live::ScreenBox>& panels,
            const help::StormHelp& help, const labels::FontSet& fonts, frame::DrawList& list);
  // How soon live data wants the next frame (ms; negative: not at all): buses move, ages and
  // fading change.
  double nextFrameMs(const live::LiveLayers& layers, bool reconnecting, double zoom) const;

 private:
  frame::FrameRenderer& renderer_;
  feeds::FeedStore store_;
  double lastPruneMs_ = 0, lastSummaryMs_ = -1e9;
  std::vector<uint32_t> state_;  // the traffic colours, one per feature slot
  uint64_t stateVersion_ = ~0ull, stateReplay_ = ~0ull;
  size_t stateSlots_ = 0;
  bool stateShown_ = false, lastForReports_ = false;
  double lastStateMs_ = -1e9;
  live::LiveBatch batch_;
  std::vector<live::MapTag> tags_;
  std::vector<labels::PlacedLabel> tagLabels_;
  labels::LabelBatch tagBatch_;
};

}  // namespace citymap::app
