#pragma once
// The highlight of the selected feature (a search result, a clicked feature): its geometry drawn
// over the map in device pixels, in the live markers' vertex format (the renderer draws it with
// the marker program, under the labels): areas tinted with a bold outline, lines as a wide
// stroke with a white casing, points as a ring. Built each frame from the camera (a few hundred
// vertices), so it stays exact at every zoom. A search result that is not a map feature (a
// place) is highlighted as a ring at its point. No GL.
#include <optional>

#include "geo/camera.hpp"
#include "live/live_batch.hpp"
#include "pick/feature_pick.hpp"

namespace citymap::pick {

inline constexpr uint32_t kHighlightColor = 0x1565c0;  // RGB

// `hover`: the lighter look of what the pointer is over (desktop), not the selection.
void buildHighlight(const Geometry& geometry, std::optional<geo::WorldPoint> point, const geo::Camera& camera,
                    live::LiveBatch& out, bool hover = false);

}  // namespace citymap::pick
