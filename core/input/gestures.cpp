#include "input/gestures.hpp"

#include <algorithm>
#include <cmath>

namespace citymap::input {

namespace {

double distance(geo::ScreenPoint a, geo::ScreenPoint b) { return std::hypot(a.x - b.x, a.y - b.y); }
geo::ScreenPoint middle(geo::ScreenPoint a, geo::ScreenPoint b) { return {(a.x + b.x) / 2, (a.y + b.y) / 2}; }
// Screen angle of b seen from a, degrees clockwise (y grows down).
double angleDeg(geo::ScreenPoint a, geo::ScreenPoint b) { return std::atan2(b.y - a.y, b.x - a.x) * 180 / M_PI; }
// An angle difference in (-180, 180].
double wrap(double d) {
  d = std::fmod(d, 360.0);
  if (d <= -180) d += 360;
  if (d > 180) d -= 360;
  return d;
}
double easeOut(double k) { return 1 - (1 - k) * (1 - k); }

}  // namespace

GestureModel::Pointer* GestureModel::find(int id) {
  for (Pointer& p : pointers_)
    if (p.id == id) return &p;
  return nullptr;
}

void GestureModel::stop() {
  glide_.reset();
  anim_.reset();
  pendingAnims_.clear();
}

void GestureModel::pointerDown(int id, double x, double y, double t, Device device, Button button, bool ctrl) {
  if (find(id)) pointerCancel(id);
  if (pointers_.size() >= 2) return;  // a third finger is ignored
  stop();
  pointers_.push_back({id, {x, y}, {x, y}, t, device, button, ctrl});
  samples_.clear();
  samples_.push_back({t, {x, y}});
  if (pointers_.size() == 2) {
    multiTouch_ = true;
    const geo::ScreenPoint a = pointers_[0].at, b = pointers_[1].at;
    pinchMid_ = middle(a, b);
    pinchDist_ = distance(a, b);
    pinchAngle_ = angleDeg(a, b);
    twist_ = 0;
    rotating_ = false;
    twoFingerStart_ = t;
    twoFingerMoved_ = false;
  } else {
    multiTouch_ = false;
  }
}

void GestureModel::pointerMove(int id, double x, double y, double t) {
  Pointer* p = find(id);
  if (!p) return;
  const geo::ScreenPoint before = p->at;
  p->at = {x, y};
  if (distance(p->at, p->start) > kTapSlopPx) twoFingerMoved_ = twoFingerMoved_ || pointers_.size() == 2;
  if (pointers_.size() == 2) {
    const geo::ScreenPoint a = pointers_[0].at, b = pointers_[1].at;
    const geo::ScreenPoint mid = middle(a, b);
    const double dist = distance(a, b), angle = angleDeg(a, b);
    // Pan with the midpoint, zoom by the spread around it, and rotate once twisted enough.
    ops_.push_back({Op::Type::Pan, std::nullopt, mid.x - pinchMid_.x, mid.y - pinchMid_.y});
    if (pinchDist_ > 1 && dist > 1) ops_.push_back({Op::Type::Zoom, mid, std::log2(dist / pinchDist_)});
    const double turn = wrap(angle - pinchAngle_);
    if (rotating_) {
      ops_.push_back({Op::Type::Rotate, mid, -turn});  // fingers turning clockwise turn the map clockwise
    } else {
      twist_ += turn;
      if (std::abs(twist_) >= kRotateThresholdDeg) {
        rotating_ = true;
        ops_.push_back({Op::Type::Rotate, mid, -twist_});
      }
    }
    pinchMid_ = mid;
    pinchDist_ = dist;
    pinchAngle_ = angle;
    return;
  }
  if (multiTouch_) return;  // one finger left of a pinch: it does not drag
  const bool rotate = p->device == Device::Mouse && (p->button == Button::Secondary || p->ctrl);
  if (rotate) {
    ops_.push_back({Op::Type::Rotate, std::nullopt, -(x - before.x) * kMouseRotateDegPerPx});
    return;
  }
  if (p->button != Button::Primary) return;
  if (x == before.x && y == before.y) return;  // the same place (a release): not a sample of motion
  ops_.push_back({Op::Type::Pan, std::nullopt, x - before.x, y - before.y});
  samples_.push_back({t, {x, y}});
  // The glide's velocity comes from the recent motion.
  while (samples_.size() > 2 && t - samples_.front().t > 200) samples_.erase(samples_.begin());
}

void GestureModel::pointerUp(int id, double x, double y, double t) {
  Pointer* p = find(id);
  if (!p) return;
  pointerMove(id, x, y, t);
  p = find(id);
  const Pointer released = *p;
  pointers_.erase(pointers_.begin() + (p - pointers_.data()));

  if (pointers_.size() == 1) {  // the other finger of a pinch stays: it does not drag from here
    if (!twoFingerMoved_ && twoFingerStart_ >= 0 && t - twoFingerStart_ <= kTapMaxMs) {
      // Two-finger tap: zoom out around the midpoint.
      animate(middle(released.at, pointers_[0].at), -1.0, std::nullopt, t);
      twoFingerStart_ = -1;
    }
    return;
  }
  if (!pointers_.empty()) return;
  if (multiTouch_) {  // the end of a pinch: no tap, no glide
    multiTouch_ = false;
    return;
  }
  const bool rotate = released.device == Device::Mouse && (released.button == Button::Secondary || released.ctrl);
  const bool still = distance(released.at, released.start) <= kTapSlopPx;
  if (still && t - released.startT <= kTapMaxMs && released.button == Button::Primary && !rotate) {
    tap_ = released.at;
    if (lastTap_ && t - lastTap_->t <= kDoubleTapMs && distance(lastTap_->at, released.at) <= kDoubleTapSlopPx) {
      animate(released.at, 1.0, std::nullopt, t);  // double tap / double click: zoom in here
      lastTap_.reset();
    } else {
      lastTap_ = Sample{t, released.at};
    }
    return;
  }
  if (rotate || still || samples_.size() < 2) return;
  // A fling: glide on with the velocity of the last motion (the last 100 ms of samples, or the
  // last two when events come further apart, as on a busy phone), if the finger was still
  // moving when it lifted.
  const Sample& b = samples_.back();
  const Sample* a = &samples_[samples_.size() - 2];
  for (const Sample& s : samples_)
    if (b.t - s.t <= 100 && &s != &b) {
      a = &s;
      break;
    }
  if (t - b.t > kFlingReleaseMs) return;  // it had stopped before the release
  const double dt = std::max(1.0, b.t - a->t);
  double vx = (b.at.x - a->at.x) / dt, vy = (b.at.y - a->at.y) / dt;  // px/ms
  const double speed = std::hypot(vx, vy) * 1000;
  if (speed < kInertiaMinPxPerS) return;
  if (speed > kInertiaMaxPxPerS) {
    vx *= kInertiaMaxPxPerS / speed;
    vy *= kInertiaMaxPxPerS / speed;
  }
  glide_ = Glide{vx, vy, t, t};
}

void GestureModel::pointerCancel(int id) {
  Pointer* p = find(id);
  if (!p) return;
  pointers_.erase(pointers_.begin() + (p - pointers_.data()));
  if (pointers_.empty()) multiTouch_ = false;
  samples_.clear();
}

void GestureModel::zoomBy(geo::ScreenPoint anchor, double deltaZoom) {
  stop();
  ops_.push_back({Op::Type::Zoom, anchor, deltaZoom});
}

void GestureModel::key(Key k, double t) {
  glide_.reset();
  switch (k) {
    case Key::Left:
      ops_.push_back({Op::Type::Pan, std::nullopt, kKeyPanPx, 0});
      break;  // the view goes left
    case Key::Right:
      ops_.push_back({Op::Type::Pan, std::nullopt, -kKeyPanPx, 0});
      break;
    case Key::Up:
      ops_.push_back({Op::Type::Pan, std::nullopt, 0, kKeyPanPx});
      break;
    case Key::Down:
      ops_.push_back({Op::Type::Pan, std::nullopt, 0, -kKeyPanPx});
      break;
    case Key::ZoomIn:
      animate(std::nullopt, 1.0, std::nullopt, t);
      break;
    case Key::ZoomOut:
      animate(std::nullopt, -1.0, std::nullopt, t);
      break;
    case Key::RotateLeft:
      ops_.push_back({Op::Type::Rotate, std::nullopt, -kKeyRotateDeg});
      break;
    case Key::RotateRight:
      ops_.push_back({Op::Type::Rotate, std::nullopt, kKeyRotateDeg});
      break;
    case Key::ResetNorth:
      animate(std::nullopt, std::nullopt, 0.0, t);
      break;
  }
}

void GestureModel::animate(std::optional<geo::ScreenPoint> anchor, std::optional<double> deltaZoom,
                           std::optional<double> deltaBearing, double t) {
  glide_.reset();
  pendingAnims_.push_back({anchor, deltaZoom, deltaBearing, t});
}

std::optional<geo::ScreenPoint> GestureModel::takeTap() {
  auto t = tap_;
  tap_.reset();
  return t;
}

bool GestureModel::update(geo::Camera& cam, double t) {
  const geo::ScreenPoint centre{cam.width() / 2, cam.height() / 2};
  for (const Op& op : ops_) switch (op.type) {
      case Op::Type::Pan:
        cam.panBy(op.a, op.b);
        break;
      case Op::Type::Zoom:
        cam.zoomAround(op.anchor.value_or(centre), cam.zoom() + op.a);
        break;
      case Op::Type::Rotate:
        cam.rotateAround(op.anchor.value_or(centre), op.a);
        break;
    }
  ops_.clear();

  for (const PendingAnim& p : pendingAnims_) {
    Anim a;
    a.anchor = p.anchor;
    a.t0 = p.t;
    // A step during a running animation continues from where that one was going.
    a.zoom0 = cam.zoom();
    a.bearing0 = cam.bearing();
    const double baseZoom = anim_ && anim_->zoom ? anim_->zoom1 : cam.zoom();
    a.zoom = p.zoom.has_value() || (anim_ && anim_->zoom);
    a.zoom1 = std::clamp(p.zoom ? baseZoom + *p.zoom : baseZoom, cam.minZoom(), cam.maxZoom());
    if (p.bearing) {
      a.rotate = true;
      a.bearing1 = a.bearing0 + wrap(*p.bearing - a.bearing0);  // the short way round
    } else if (anim_ && anim_->rotate) {
      a.rotate = true;
      a.bearing1 = anim_->bearing1;
    }
    anim_ = a;
  }
  pendingAnims_.clear();

  bool more = false;
  if (anim_) {
    const double k = std::clamp((t - anim_->t0) / kAnimationMs, 0.0, 1.0);
    const double e = easeOut(k);
    const geo::ScreenPoint anchor = anim_->anchor.value_or(centre);
    if (anim_->zoom) cam.zoomAround(anchor, anim_->zoom0 + (anim_->zoom1 - anim_->zoom0) * e);
    if (anim_->rotate)
      cam.rotateAround(anchor, anim_->bearing0 + (anim_->bearing1 - anim_->bearing0) * e - cam.bearing());
    if (k >= 1)
      anim_.reset();
    else
      more = true;
  }
  if (glide_) {
    // Velocity decays exponentially; the distance covered since the last update is the
    // integral of v0 * exp(-(s - t0) / tau) over (last, t].
    const double tau = kInertiaDecayMs;
    const double now = std::max(t, glide_->last);
    const auto travelled = [&](double s) { return tau * (1 - std::exp(-(s - glide_->t0) / tau)); };
    const double f = travelled(now) - travelled(glide_->last);
    cam.panBy(glide_->vx * f, glide_->vy * f);
    glide_->last = now;
    const double speed = std::hypot(glide_->vx, glide_->vy) * 1000 * std::exp(-(now - glide_->t0) / tau);
    if (speed < 10)
      glide_.reset();  // below 10 px/s: stopped
    else
      more = true;
  }
  return more;
}

}  // namespace citymap::input
