#pragma once
// One input model for touch, mouse and keyboard (so every platform behaves alike and it is
// tested once): pointer and key events in CSS pixels and milliseconds in, camera moves out.
//   - one pointer (finger or left mouse button) drags the map; released while moving, the map
//     glides on (inertia) and slows down;
//   - two fingers pinch-zoom around their midpoint, pan with it, and twist to rotate once the
//     twist passes a small threshold (so a pinch does not rotate by accident);
//   - a double tap or double click zooms in around the point; a two-finger tap zooms out;
//   - the right mouse button or Ctrl + the left one rotates (horizontal motion);
//   - arrows pan, + and - zoom, Shift + left/right rotate, Shift + up (or the compass) resets north;
//   - a short press that stays put is a tap: the app decides what it selects.
// Zooming is fractional and clamped by the camera's range. Zoom and rotation animate briefly
// (easing); any new gesture stops a glide or an animation. No platform code, no GL.
#include <cstdint>
#include <optional>
#include <vector>

#include "geo/camera.hpp"

namespace citymap::input {

enum class Button : uint8_t { Primary, Secondary, Middle };
enum class Device : uint8_t { Mouse, Touch };

enum class Key : uint8_t { Left, Right, Up, Down, ZoomIn, ZoomOut, RotateLeft, RotateRight, ResetNorth };

class GestureModel {
 public:
  // Thresholds and feel (MapLibre-like); public for tests.
  static constexpr double kTapSlopPx = 6;      // moved less than this: still a tap
  static constexpr double kTapMaxMs = 350;     // held longer: not a tap
  static constexpr double kDoubleTapMs = 300;  // between the taps of a double tap
  static constexpr double kDoubleTapSlopPx = 30;
  static constexpr double kRotateThresholdDeg = 12;  // twist before two fingers rotate
  static constexpr double kInertiaMinPxPerS = 120;   // slower releases stop at once
  static constexpr double kFlingReleaseMs = 150;     // lifted later after the last motion: no glide
  static constexpr double kInertiaMaxPxPerS = 2500;
  static constexpr double kInertiaDecayMs = 325;  // velocity falls by e every 325 ms
  static constexpr double kKeyPanPx = 100;
  static constexpr double kKeyRotateDeg = 15;
  static constexpr double kMouseRotateDegPerPx = 0.5;
  static constexpr double kAnimationMs = 250;

  void pointerDown(int id, double x, double y, double t, Device device, Button button = Button::Primary,
                   bool ctrl = false);
  void pointerMove(int id, double x, double y, double t);
  void pointerUp(int id, double x, double y, double t);
  // The pointer left without a release (touchcancel, lost capture): no tap, no glide.
  void pointerCancel(int id);
  void key(Key k, double t);
  // Zooms by `deltaZoom` around `anchor` at once (the wheel).
  void zoomBy(geo::ScreenPoint anchor, double deltaZoom);

  // Applies what happened since the last call to the camera (and the glide or animation at
  // time t). Returns true while the camera keeps moving by itself (more frames are needed).
  bool update(geo::Camera& camera, double t);
  // A tap since the last call (the point, CSS px): the app selects what is there.
  std::optional<geo::ScreenPoint> takeTap();
  // Stops any glide or animation (a jump, a flight).
  void stop();
  // Turns the map back to north, animated (the compass).
  void resetNorth(double t) { animate(std::nullopt, std::nullopt, 0.0, t); }
  bool active() const { return !pointers_.empty(); }
  bool moving() const { return glide_.has_value() || anim_.has_value(); }

 private:
  struct Pointer {
    int id;
    geo::ScreenPoint at, start;
    double startT;
    Device device;
    Button button;
    bool ctrl;
  };
  struct Sample {
    double t;
    geo::ScreenPoint at;
  };
  struct Glide {
    double vx, vy;  // px/ms at t0
    double t0, last;
  };
  struct Anim {
    std::optional<geo::ScreenPoint> anchor;
    double zoom0 = 0, zoom1 = 0, bearing0 = 0, bearing1 = 0;  // bearing1 unwrapped (may pass 360)
    bool zoom = false, rotate = false;
    double t0 = 0;
  };
  Pointer* find(int id);
  void animate(std::optional<geo::ScreenPoint> anchor, std::optional<double> deltaZoom,
               std::optional<double> deltaBearing, double t);

  std::vector<Pointer> pointers_;
  // What to do to the camera at the next update(), in order (a pinch interleaves pans, zooms
  // and turns around moving midpoints).
  struct Op {
    enum class Type : uint8_t { Pan, Zoom, Rotate } type;
    std::optional<geo::ScreenPoint> anchor;  // Zoom / Rotate; none: the viewport's centre
    double a = 0, b = 0;                     // Pan: dx, dy; Zoom / Rotate: the delta
  };
  std::vector<Op> ops_;
  // Two fingers: the previous midpoint, distance and angle; whether the twist started rotating.
  geo::ScreenPoint pinchMid_;
  double pinchDist_ = 0, pinchAngle_ = 0, twist_ = 0;
  bool rotating_ = false;
  bool multiTouch_ = false;  // two fingers were down in this gesture: no tap, no glide
  double twoFingerStart_ = -1;
  bool twoFingerMoved_ = false;
  std::vector<Sample> samples_;  // the dragging pointer's recent positions (for the glide)
  std::optional<Glide> glide_;
  std::optional<Anim> anim_;
  std::optional<geo::ScreenPoint> tap_;
  std::optional<Sample> lastTap_;
  // Animations asked for by events, started at the next update() from the camera's state.
  struct PendingAnim {
    std::optional<geo::ScreenPoint> anchor;  // none: the viewport's centre
    std::optional<double> zoom;              // a delta
    std::optional<double> bearing;           // a target (north: 0)
    double t;
  };
  std::vector<PendingAnim> pendingAnims_;
};

}  // namespace citymap::input
