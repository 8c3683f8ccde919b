#pragma once
// An animated camera move (MapLibre's flyTo): zooms out, travels and zooms in along the path of
// "Smooth and efficient zooming and panning" (van Wijk & Nuij, 2003), so the start and the goal
// stay in context, eased in and out, at most `maxMs` long. Pure math: the app samples it each
// frame.
#include "geo/lnglat.hpp"

namespace citymap::geo {

class Flight {
 public:
  // From `from`/`fromZoom` to `to`/`toZoom` for a viewport of `viewportPx` (its larger side, CSS
  // px). The duration grows with the path's length, between minMs and maxMs.
  Flight(WorldPoint from, double fromZoom, WorldPoint to, double toZoom, double viewportPx, double minMs = 350,
         double maxMs = 1000);

  double durationMs() const { return durationMs_; }
  // The camera at `ms` after the start (clamped to the end).
  struct Pose {
    WorldPoint center;
    double zoom;
  };
  Pose at(double ms) const;

 private:
  WorldPoint from_, to_;
  double fromZoom_, toZoom_;
  double w0_ = 1, u1_ = 0, r0_ = 0, S_ = 0, rho_ = 1.42;
  bool straight_ = false;  // no travel: a pure zoom
  double durationMs_ = 0;
};

}  // namespace citymap::geo
