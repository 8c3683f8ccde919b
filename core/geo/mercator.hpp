#pragma once
// Spherical Web Mercator (EPSG:3857) projection: lon/lat <-> metres <-> normalised world units.
#include "geo/lnglat.hpp"

namespace citymap::geo {

inline constexpr double kEarthRadius = 6378137.0;           // WGS84 semi-major axis, metres
inline constexpr double kMaxLatitude = 85.051128779806604;  // atan(sinh(pi)) in degrees
inline constexpr double kWorldSizeMetres = 2 * 3.14159265358979323846 * kEarthRadius;

Mercator toMercator(LngLat p);  // latitude clamped to +-kMaxLatitude
LngLat fromMercator(Mercator m);
WorldPoint toWorld(LngLat p);
LngLat fromWorld(WorldPoint w);
WorldPoint mercatorToWorld(Mercator m);
Mercator worldToMercator(WorldPoint w);

// Ground resolution in metres per pixel of a 512 px tile at `zoom` and latitude `lat`.
double metresPerPixel(double zoom, double lat, double tileSize = 512);

}  // namespace citymap::geo
