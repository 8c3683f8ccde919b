#pragma once
// Live traffic as a per-feature colour table: for every feature slot (scene::FeatureIndex) the
// premultiplied RGBA8 colour its road is drawn with in the "traffic" layer, 0 (nothing drawn)
// where there is no current report. Road closures from incidents win over speeds. The renderer
// uploads the table as a texture; tiles never need rebuilding when traffic changes.
#include <cstdint>
#include <vector>

#include "feeds/feed_store.hpp"
#include "scene/feature_index.hpp"

namespace citymap::live {

// The colour of one traffic report: by congestion level, or by speed against free flow when the
// level is unknown; alpha 0.9 times `fade`.
uint32_t trafficColor(const feeds::TrafficUpdate& t, float fade);

// Rebuilds `rgba` (one entry per slot) from the store at nowMs.
void buildTrafficState(const feeds::FeedStore& store, const scene::FeatureIndex& slots, int64_t nowMs,
                       std::vector<uint32_t>& rgba);

}  // namespace citymap::live
