#include "live/traffic_state.hpp"

#include <algorithm>

#include "live/live_batch.hpp"

namespace citymap::live {

uint32_t trafficColor(const feeds::TrafficUpdate& t, float fade) {
  feeds::Congestion c = t.congestion;
  if (c == feeds::Congestion::Unknown && t.freeFlowKmh > 0) {
    const float r = t.speedKmh / t.freeFlowKmh;
    c = r > 0.8f    ? feeds::Congestion::Free
        : r > 0.6f  ? feeds::Congestion::Light
        : r > 0.4f  ? feeds::Congestion::Moderate
        : r > 0.15f ? feeds::Congestion::Heavy
                    : feeds::Congestion::Standstill;
  }
  if (c == feeds::Congestion::Unknown) return 0;
  return packColor(congestionColor(c), 0.9f * std::clamp(fade, 0.f, 1.f));
}

void buildTrafficState(const feeds::FeedStore& store, const scene::FeatureIndex& slots, int64_t nowMs,
                       std::vector<uint32_t>& rgba) {
  // Work per report, not per road the map knows: a few hundred lookups instead of tens of
  // thousands.
  rgba.assign(slots.size(), 0);
  for (const auto& [id, e] : store.traffic()) {
    const uint32_t slot = slots.find(id);
    if (!slot) continue;  // not on any tile loaded so far
    const float fade = store.fade(feeds::FeedKind::Traffic, e.meta.timestampMs, nowMs);
    if (fade <= 0) continue;
    rgba[slot] = e.value.congestion == feeds::Congestion::Closed
                     ? packColor(congestionColor(feeds::Congestion::Closed), 0.95f)
                     : trafficColor(e.value, fade);
  }
  // Roads closed by a current incident win over speeds.
  const uint32_t closedColor = packColor(congestionColor(feeds::Congestion::Closed), 0.95f);
  for (const auto& [id, e] : store.incidents()) {
    const feeds::Incident& in = e.value;
    if (in.cancelled || (in.expiryMs > 0 && in.expiryMs <= nowMs)) continue;
    if (in.kind != feeds::IncidentKind::RoadClosure && in.kind != feeds::IncidentKind::Flood) continue;
    for (uint64_t segment : in.segmentIds)
      if (const uint32_t slot = slots.find(segment)) rgba[slot] = closedColor;
  }
}

}  // namespace citymap::live
