#include "geo/flight.hpp"

#include <algorithm>
#include <cmath>

namespace citymap::geo {

Flight::Flight(WorldPoint from, double fromZoom, WorldPoint to, double toZoom, double viewportPx, double minMs,
               double maxMs)
    : from_(from), to_(to), fromZoom_(fromZoom), toZoom_(toZoom) {
  // Distances in CSS px at the start zoom; w is the viewport's width in those units.
  const double scale = 512.0 * std::exp2(fromZoom);
  w0_ = std::max(1.0, viewportPx);
  const double w1 = w0_ / std::exp2(toZoom - fromZoom);
  u1_ = std::hypot(to.x - from.x, to.y - from.y) * scale;
  const double rho2 = rho_ * rho_;
  if (u1_ < 1e-6) {
    straight_ = true;
    S_ = std::abs(std::log(w1 / w0_)) / rho_;
  } else {
    const auto r = [&](int i) {
      const double b =
          (w1 * w1 - w0_ * w0_ + (i ? -1 : 1) * rho2 * rho2 * u1_ * u1_) / (2 * (i ? w1 : w0_) * rho2 * u1_);
      return -std::asinh(b);  // = log(sqrt(b^2 + 1) - b), without cancellation for large b
    };
    r0_ = r(0);
    S_ = (r(1) - r0_) / rho_;
  }
  if (!std::isfinite(S_)) S_ = 0;
  // About 0.8 s per unit of path (MapLibre's default speed is 1.2 units/s), within the bounds.
  durationMs_ = std::clamp(S_ / 1.2 * 1000, minMs, maxMs);
}

Flight::Pose Flight::at(double ms) const {
  const double t = std::clamp(durationMs_ > 0 ? ms / durationMs_ : 1.0, 0.0, 1.0);
  if (t >= 1) return {to_, toZoom_};
  const double k = t * t * (3 - 2 * t);  // ease in and out
  const double s = k * S_;
  double w = 0, u = 0;
  if (straight_) {
    const double w1 = w0_ / std::exp2(toZoom_ - fromZoom_);
    w = w0_ * std::pow(w1 / w0_, k);
  } else {
    w = w0_ * std::cosh(r0_) / std::cosh(rho_ * s + r0_);
    u = w0_ * (std::cosh(r0_) * std::tanh(rho_ * s + r0_) - std::sinh(r0_)) / (rho_ * rho_) / u1_;
  }
  if (!std::isfinite(w) || w <= 0 || !std::isfinite(u)) return {to_, toZoom_};
  return {{from_.x + (to_.x - from_.x) * u, from_.y + (to_.y - from_.y) * u}, fromZoom_ + std::log2(w0_ / w)};
}

}  // namespace citymap::geo
