#pragma once
// Distances for walking routes. Every length the graph stores and every distance a route
// reports is the great-circle (haversine) distance on a sphere of the Earth's mean radius,
// summed along the line: the ingest and the core use these same functions. Geometry that
// needs a plane (nearest point on a segment, polygon tests) works in a local
// equirectangular frame in metres, which is exact enough over a city.
#include <cmath>
#include <cstdint>

#include "geo/lnglat.hpp"

namespace citymap::route {

inline constexpr double kEarthMeanRadiusM = 6371008.8;
inline constexpr double kDegToRad = 3.14159265358979323846 / 180.0;

// Great-circle distance in metres.
inline double distanceMetres(geo::LngLat a, geo::LngLat b) {
  const double dLat = (b.lat - a.lat) * kDegToRad, dLng = (b.lng - a.lng) * kDegToRad;
  const double s = std::sin(dLat / 2), t = std::sin(dLng / 2);
  const double h = s * s + std::cos(a.lat * kDegToRad) * std::cos(b.lat * kDegToRad) * t * t;
  return 2 * kEarthMeanRadiusM * std::asin(std::sqrt(std::fmin(1.0, h)));
}

// 1e-7 degrees, the graph's coordinate unit.
inline int32_t toE7(double degrees) { return int32_t(std::llround(degrees * 1e7)); }
inline double fromE7(int32_t e7) { return double(e7) * 1e-7; }

struct PointE7 {
  int32_t lng = 0, lat = 0;
  friend bool operator==(const PointE7&, const PointE7&) = default;
  geo::LngLat lngLat() const { return {fromE7(lng), fromE7(lat)}; }
  static PointE7 of(geo::LngLat p) { return {toE7(p.lng), toE7(p.lat)}; }
};

// A point in a local plane, metres east (x) and north (y) of the frame's origin.
struct XY {
  double x = 0, y = 0;
};

// Equirectangular projection around a reference latitude.
class LocalFrame {
 public:
  LocalFrame() = default;
  explicit LocalFrame(geo::LngLat origin)
      : origin_(origin), ky_(kEarthMeanRadiusM * kDegToRad), kx_(ky_ * std::cos(origin.lat * kDegToRad)) {}
  XY toXY(geo::LngLat p) const { return {(p.lng - origin_.lng) * kx_, (p.lat - origin_.lat) * ky_}; }
  geo::LngLat toLngLat(XY p) const { return {origin_.lng + p.x / kx_, origin_.lat + p.y / ky_}; }

 private:
  geo::LngLat origin_;
  double ky_ = kEarthMeanRadiusM * kDegToRad, kx_ = kEarthMeanRadiusM * kDegToRad;
};

// The point of segment [a, b] nearest to p, as the parameter t in [0, 1].
inline double nearestOnSegment(XY a, XY b, XY p) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  if (!(len2 > 0)) return 0;
  const double t = ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2;
  return t < 0 ? 0 : (t > 1 ? 1 : t);
}

inline XY lerp(XY a, XY b, double t) { return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t}; }
inline geo::LngLat lerp(geo::LngLat a, geo::LngLat b, double t) {
  return {a.lng + (b.lng - a.lng) * t, a.lat + (b.lat - a.lat) * t};
}
inline double planarDistance(XY a, XY b) { return std::hypot(a.x - b.x, a.y - b.y); }

}  // namespace citymap::route
