#pragma once
// Geographic and projected coordinate types shared by every module.

namespace citymap::geo {

// WGS84 longitude/latitude in degrees.
struct LngLat {
  double lng = 0;
  double lat = 0;
};

// Normalised Web Mercator "world" coordinates: x and y in [0, 1], origin at the north-west
// corner (lng -180, lat ~85.05), y growing southwards. One world unit = 2^z tiles at zoom z.
struct WorldPoint {
  double x = 0;
  double y = 0;
};

// Projected EPSG:3857 metres.
struct Mercator {
  double x = 0;
  double y = 0;
};

struct WorldBox {
  double minx = 0, miny = 0, maxx = 0, maxy = 0;
  bool intersects(const WorldBox& o) const { return minx < o.maxx && o.minx < maxx && miny < o.maxy && o.miny < maxy; }
};

}  // namespace citymap::geo
