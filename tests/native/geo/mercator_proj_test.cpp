// The core's own Web Mercator and tile math checked against PROJ (native only: PROJ is not
// part of the browser build).
#include <gtest/gtest.h>
#include <proj.h>

#include <cmath>

#include "geo/mercator.hpp"
#include "geo/tile_id.hpp"

namespace citymap::geo {
namespace {

class ProjMercator : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_ = proj_context_create();
    PJ* p = proj_create_crs_to_crs(ctx_, "EPSG:4326", "EPSG:3857", nullptr);
    ASSERT_NE(p, nullptr) << "PROJ cannot build EPSG:4326 -> EPSG:3857";
    pj_ = proj_normalize_for_visualization(ctx_, p);  // lon, lat order
    proj_destroy(p);
    ASSERT_NE(pj_, nullptr);
  }
  void TearDown() override {
    proj_destroy(pj_);
    proj_context_destroy(ctx_);
  }
  PJ_COORD forward(double lng, double lat) const { return proj_trans(pj_, PJ_FWD, proj_coord(lng, lat, 0, 0)); }
  PJ_CONTEXT* ctx_ = nullptr;
  PJ* pj_ = nullptr;
};

TEST_F(ProjMercator, ForwardMatchesPROJWorldwide) {
  for (double lng = -180; lng <= 180; lng += 7.5)
    for (double lat = -85; lat <= 85; lat += 5) {
      const PJ_COORD ref = forward(lng, lat);
      const Mercator m = toMercator({lng, lat});
      EXPECT_NEAR(m.x, ref.xy.x, 1e-6) << lng << "," << lat;
      EXPECT_NEAR(m.y, ref.xy.y, 1e-6) << lng << "," << lat;
    }
}

TEST_F(ProjMercator, ForwardAndInverseMatchPROJOverDaNang) {
  for (double lng = 107.8; lng <= 108.35; lng += 0.01)
    for (double lat = 15.9; lat <= 16.25; lat += 0.01) {
      const PJ_COORD ref = forward(lng, lat);
      const Mercator m = toMercator({lng, lat});
      ASSERT_NEAR(m.x, ref.xy.x, 1e-6);
      ASSERT_NEAR(m.y, ref.xy.y, 1e-6);
      const PJ_COORD inv = proj_trans(pj_, PJ_INV, ref);
      const LngLat back = fromMercator({ref.xy.x, ref.xy.y});
      ASSERT_NEAR(back.lng, inv.lp.lam, 1e-10);
      ASSERT_NEAR(back.lat, inv.lp.phi, 1e-10);
    }
}

TEST_F(ProjMercator, TileCornersMatchPROJ) {
  // The north-west corner of tile z/x/y in EPSG:3857 is (-H + x*S, H - y*S), S = 2H / 2^z.
  constexpr double H = 20037508.342789244;
  for (const TileID t : {TileID{12, 3279, 1862}, TileID{16, 52470, 29805}, TileID{14, 13117, 7451}}) {
    const WorldBox b = t.bounds();
    const Mercator nw = worldToMercator({b.minx, b.miny});
    const double s = 2 * H / std::ldexp(1.0, t.z);
    EXPECT_NEAR(nw.x, -H + t.x * s, 1e-6);
    EXPECT_NEAR(nw.y, H - t.y * s, 1e-6);
    const LngLat ll = fromWorld({b.minx, b.miny});
    const PJ_COORD ref = forward(ll.lng, ll.lat);
    EXPECT_NEAR(ref.xy.x, nw.x, 1e-6);
    EXPECT_NEAR(ref.xy.y, nw.y, 1e-6);
  }
}

}  // namespace
}  // namespace citymap::geo
