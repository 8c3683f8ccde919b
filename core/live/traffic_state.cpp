#include "live/traffic_state.hpp"

#include <algorithm>
#include <unordered_set>

#include "live/live_batch.hpp"

namespace citymap::live {

uint32_t trafficColor(const feeds::TrafficUpdate& t, float fade) {
  feeds::Congestion c = t.congestion;
  if (c == feeds::Congestion::Unknown && t.freeFlowKmh > 0) {
    const float r = t.speedKmh / t.freeFlowKmh;
    c = r > 0.8f   ? feeds::Congestion::Free
        : r > 0.6f ? feeds::Congestion::Light
        : r > 0.4f ? feeds::Congestion::Moderate
        : r > 0.15f ? feeds::Congestion::Heavy
                    : feeds::Congestion::Standstill;
  }
  if (c == feeds::Congestion::Unknown) return 0;
  return packColor(congestionColor(c), 0.9f * std::clamp(fade, 0.f, 1.f));
}

void buildTrafficState(const feeds::FeedStore& store, const scene::FeatureIndex& slots, int64_t nowMs,
                       std::vector<uint32_t>& rgba) {
  const auto& ids = slots.ids();
  rgba.assign(ids.size(), 0);
  // Roads closed by a current incident.
  std::unordered_set<uint64_t> closed;
  for (const auto& [id, e] : store.incidents())
    if (!e.value.cancelled && (e.value.expiryMs <= 0 || e.value.expiryMs > nowMs) &&
        (e.value.kind == feeds::IncidentKind::RoadClosure || e.value.kind == feeds::IncidentKind::Flood))
      closed.insert(e.value.segmentIds.begin(), e.value.segmentIds.end());
  const auto& traffic = store.traffic();
  const uint32_t closedColor = packColor(congestionColor(feeds::Congestion::Closed), 0.95f);
  for (size_t slot = 1; slot < ids.size(); ++slot) {
    const uint64_t id = ids[slot];
    if (!closed.empty() && closed.count(id)) {
      rgba[slot] = closedColor;
      continue;
    }
    const auto it = traffic.find(id);
    if (it == traffic.end()) continue;
    const float fade = store.fade(feeds::FeedKind::Traffic, it->second.meta.timestampMs, nowMs);
    if (fade <= 0) continue;
    rgba[slot] = it->second.value.congestion == feeds::Congestion::Closed ? closedColor
                                                                          : trafficColor(it->second.value, fade);
  }
}

}  // namespace citymap::live
