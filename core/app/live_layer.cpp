#include "app/live_layer.hpp"

#include "labels/label_batch.hpp"
#include "live/traffic_state.hpp"

namespace citymap::app {

bool LiveLayer::update(double now, feeds::FeedSummary& summary) {
  const int64_t nowMs = int64_t(now);
  // Bounded work per frame; what is left stays queued (the queue itself is bounded).
  if (store_.queued() > 0) store_.drain(nowMs, 20'000);
  if (now - lastPruneMs_ > 1000) {
    store_.prune(nowMs);
    lastPruneMs_ = now;
  }
  if (now - lastSummaryMs_ >= 250) {
    lastSummaryMs_ = now;
    summary = feeds::summarize(store_, now, summary);
  }
  return store_.queued() > 0;
}

double LiveLayer::updateTraffic(const feeds::FeedStore& shown, uint64_t replayVersion, const scene::FeatureIndex& index,
                                bool show, int64_t nowMs) {
  const feeds::FeedCounters& c = shown.counters();
  const uint64_t version = c.accepted + c.removed;
  const double now = double(nowMs);
  if (show && shown.count(feeds::FeedKind::Traffic) > 0) {
    // At once: roads that just got slots (new tiles), a replay moved, the layer shown again or
    // the context restored, and new reports after a quiet moment. While reports stream in (the
    // last rebuild was for reports, less than kStateIntervalMs ago): at most every
    // kStateIntervalMs, as each rebuild is one texture upload, which a software GPU pays for in
    // frame rate (issue 12). Every 2 s anyway, as reports fade.
    const bool atOnce = index.size() != stateSlots_ || !stateShown_ || replayVersion != stateReplay_;
    const bool newReports = version != stateVersion_;
    const double since = now - lastStateMs_;
    const bool streaming = lastForReports_ && since < kStateIntervalMs;
    if (atOnce || (newReports && !streaming) || since >= 2000) {
      live::buildTrafficState(shown, index, nowMs, state_);
      renderer_.setFeatureState(state_);
      lastForReports_ = !atOnce && newReports;
      stateVersion_ = version;
      stateReplay_ = replayVersion;
      stateSlots_ = index.size();
      lastStateMs_ = now;
      stateShown_ = true;
    } else if (newReports) {
      return kStateIntervalMs - since;
    }
  } else if (stateShown_) {
    state_.clear();
    renderer_.setFeatureState(state_);
    stateShown_ = false;
  }
  return -1;
}

void LiveLayer::draw(const feeds::FeedStore& shown, const scene::FeatureIndex& index, const geo::Camera& camera,
                     int64_t nowMs, const live::LiveLayers& layers, bool english,
                     const std::vector<live::ScreenBox>& panels, const help::StormHelp& help,
                     const labels::FontSet& fonts, frame::DrawList& list) {
  live::buildLiveBatch(shown, index, camera, nowMs, layers, batch_, &tags_, english, panels);
  help.draw(camera, batch_, tags_, english);  // the route and the shelters on top
  frame::addMarkers(list, batch_);
  // Their text (a storm's name, intensity and forecast times) over the markers.
  if (!tags_.empty() && !fonts.empty()) {
    live::layoutTags(tags_, fonts, tagLabels_, panels);
    labels::buildLabelBatch(tagLabels_, live::tagStyle(), fonts, camera.pixelRatio(), tagBatch_);
    frame::addLabels(list, tagBatch_);
  }
}

double LiveLayer::nextFrameMs(const live::LiveLayers& layers, bool reconnecting, double zoom) const {
  if (store_.totalCount() == 0 && store_.queued() == 0 && !reconnecting) return -1;
  const bool moving = layers.buses && store_.count(feeds::FeedKind::Bus) > 0 && zoom >= 11;
  return moving ? 100 : 1000;
}

}  // namespace citymap::app
