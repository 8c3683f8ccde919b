// citymap-desktop --overlay under Xvfb: a GeoPackage in UTM 49N (made with ogr2ogr here) is drawn
// where it belongs. Two screenshots of the same view, without and with the overlay, are
// compared: pixels inside the overlay's square change, pixels outside it stay as they were, and
// the overlay's point is drawn at its place. A file without CRS, a broken file and a far-away
// file give what docs/OVERLAY.md says. Skipped without Xvfb or ogr2ogr.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <tuple>

#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>

#include "geo/mercator.hpp"
#include "test_support.hpp"
#include "xvfb.hpp"

namespace citymap::overlay_test {
namespace {

namespace fs = std::filesystem;
using ingest_test::findProgram;
using ingest_test::RunResult;
using ingest_test::TempDir;
using ingest_test::writeText;

struct Image {
  int w = 0, h = 0;
  std::vector<uint8_t> rgba;
  const uint8_t* at(int x, int y) const { return &rgba[(size_t(y) * size_t(w) + size_t(x)) * 4]; }
};

Image loadPng(const fs::path& file) {
  Image img;
  int channels = 0;
  unsigned char* data = stbi_load(file.c_str(), &img.w, &img.h, &channels, 4);
  if (!data) return img;
  img.rgba.assign(data, data + size_t(img.w) * size_t(img.h) * 4);
  stbi_image_free(data);
  return img;
}

bool samePixel(const Image& a, const Image& b, int x, int y) {
  const uint8_t *p = a.at(x, y), *q = b.at(x, y);
  for (int c = 0; c < 3; ++c)
    if (std::abs(int(p[c]) - int(q[c])) > 2) return false;
  return true;
}

// The view of every shot: central Hải Châu at z15, 800 x 600 CSS px, no panel.
constexpr geo::LngLat kCentre{108.2125, 16.0600};
constexpr double kZoom = 15;
constexpr int kWidth = 800, kHeight = 600;
// The overlay: a square and, in a second layer, a point, given in WGS 84 and stored in UTM 49N.
constexpr double kW = 108.2060, kS = 16.0560, kE = 108.2160, kN = 16.0650;
constexpr geo::LngLat kPoint{108.2200, 16.0620};

class OverlayDesktop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string xvfb = findProgram("Xvfb");
    ogr2ogr_ = findProgram("ogr2ogr");
    if (xvfb.empty() || ogr2ogr_.empty()) return;
    xvfb_ = std::make_unique<testing::Xvfb>(xvfb);  // one X server for the suite
    display_ = xvfb_->display();
    if (display_.empty()) return;
    tmp_ = std::make_unique<TempDir>("overlay-desktop");
    // The base map: the ingest tests' synthetic streets, into an archive.
    const RunResult base = ingest_test::runIngest({"--quiet", "--out", (*tmp_ / "base.pmtiles").string(),
                                                   CITYMAP_SOURCE_DIR "/tests/ingest/fixtures/synthetic.geojson"});
    ASSERT_EQ(base.exitCode, 0) << base.output;
    char square[512];
    std::snprintf(
        square, sizeof square,
        R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Ô vuông"},)"
        R"("geometry":{"type":"Polygon","coordinates":[[[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}}]})",
        kW, kS, kE, kS, kE, kN, kW, kN, kW, kS);
    writeText(*tmp_ / "square.geojson", square);
    char point[256];
    std::snprintf(point, sizeof point,
                  R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Điểm"},)"
                  R"("geometry":{"type":"Point","coordinates":[%.4f,%.4f]}}]})",
                  kPoint.lng, kPoint.lat);
    writeText(*tmp_ / "point.geojson", point);
    const fs::path gpkg = *tmp_ / "utm49n.gpkg";
    using Layer = std::tuple<const char*, const char*, bool>;  // name, source, append
    for (const auto& [layer, source, update] :
         {Layer{"square", "square.geojson", false}, Layer{"point", "point.geojson", true}}) {
      std::vector<std::string> args = {ogr2ogr_, "-f", "GPKG", "-t_srs", "EPSG:32649", "-nln", layer};
      if (update) args.push_back("-update");
      args.push_back(gpkg.string());
      args.push_back((*tmp_ / source).string());
      const RunResult r = ingest_test::runProgram(args);
      ASSERT_EQ(r.exitCode, 0) << r.output;
    }
  }
  static void TearDownTestSuite() {
    tmp_.reset();
    xvfb_.reset();
  }
  void SetUp() override {
    if (display_.empty() || ogr2ogr_.empty()) GTEST_SKIP() << "Xvfb or ogr2ogr not found, or Xvfb did not start";
  }

  // citymap-desktop on the base map at the test view with `extra` arguments, on the Xvfb display.
  static RunResult desktop(std::vector<std::string> extra, const fs::path& shot) {
    std::vector<std::string> args = {CITYMAP_DESKTOP_EXE,
                                     "--tiles",
                                     (*tmp_ / "base.pmtiles").string(),
                                     "--feed",
                                     "off",
                                     "--no-ui",
                                     "--size",
                                     std::to_string(kWidth) + "x" + std::to_string(kHeight),
                                     "--lng",
                                     std::to_string(kCentre.lng),
                                     "--lat",
                                     std::to_string(kCentre.lat),
                                     "--zoom",
                                     std::to_string(kZoom),
                                     "--screenshot",
                                     shot.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return ingest_test::runProgram(args);
  }

  // Where a point is drawn in a shot of `img`'s size (device pixels).
  static std::pair<double, double> screenOf(geo::LngLat p, const Image& img) {
    const double ratio = double(img.w) / kWidth;
    const double worldPx = 512.0 * std::exp2(kZoom) * ratio;
    const geo::WorldPoint w = geo::toWorld(p), c = geo::toWorld(kCentre);
    return {(w.x - c.x) * worldPx + img.w / 2.0, (w.y - c.y) * worldPx + img.h / 2.0};
  }

  static inline std::string display_, ogr2ogr_;
  static inline std::unique_ptr<testing::Xvfb> xvfb_;
  static inline std::unique_ptr<TempDir> tmp_;
};

TEST_F(OverlayDesktop, ProjectedOverlayDrawnWhereItBelongs) {
  const RunResult plain = desktop({}, *tmp_ / "plain.png");
  ASSERT_EQ(plain.exitCode, 0) << plain.output;
  const RunResult with = desktop({"--overlay", (*tmp_ / "utm49n.gpkg").string()}, *tmp_ / "overlay.png");
  ASSERT_EQ(with.exitCode, 0) << with.output;
  // The one-line summary.
  EXPECT_NE(with.output.find("citymap-desktop: overlay utm49n.gpkg: 2 features in 2 layers (square 1, point 1)"),
            std::string::npos)
      << with.output;
  EXPECT_NE(with.output.find("CRS EPSG:32649 (WGS 84 / UTM zone 49N)"), std::string::npos) << with.output;
  EXPECT_EQ(with.output.find("outside the view"), std::string::npos) << with.output;

  const Image a = loadPng(*tmp_ / "plain.png"), b = loadPng(*tmp_ / "overlay.png");
  ASSERT_GT(a.w, 0);
  ASSERT_EQ(a.w, b.w);
  ASSERT_EQ(a.h, b.h);
  const auto [x0, y0] = screenOf({kW, kN}, a);
  const auto [x1, y1] = screenOf({kE, kS}, a);
  const auto [px, py] = screenOf(kPoint, a);
  ASSERT_GT(x0, 20);
  ASSERT_LT(x1, a.w - 20);
  ASSERT_GT(y0, 20);
  ASSERT_LT(y1, a.h - 20);
  // Inside the square (6 px in from its edges): the overlay's fill tints every pixel (but labels).
  // Outside it (6 px out, away from the point's marker): nothing changed.
  const double margin = 6;
  size_t inside = 0, insideChanged = 0, outside = 0, outsideChanged = 0;
  for (int y = 0; y < a.h; ++y)
    for (int x = 0; x < a.w; ++x) {
      const bool in = x > x0 + margin && x < x1 - margin && y > y0 + margin && y < y1 - margin;
      const bool out = x < x0 - margin || x > x1 + margin || y < y0 - margin || y > y1 + margin;
      const bool nearPoint = std::hypot(x - px, y - py) < 20;
      if (in) {
        ++inside;
        insideChanged += samePixel(a, b, x, y) ? 0 : 1;
      } else if (out && !nearPoint) {
        ++outside;
        outsideChanged += samePixel(a, b, x, y) ? 0 : 1;
      }
    }
  EXPECT_GT(inside, 10000u);
  // Map labels are drawn above overlays: where a base-map label's opaque glyphs lie inside the
  // square, those few pixels are the same in both shots.
  EXPECT_GE(double(insideChanged), 0.99 * double(inside)) << insideChanged << " of " << inside;
  EXPECT_EQ(outsideChanged, 0u) << "of " << outside;
  // The square's edges are drawn on it: along the west edge, the changed pixels lie within 3 px.
  int westEdge = 0;
  for (int x = int(x0) - 6; x <= int(x0) + 6; ++x)
    if (!samePixel(a, b, x, int((y0 + y1) / 2)) && westEdge == 0) westEdge = x;
  EXPECT_NEAR(westEdge, x0, 3.0);
  // The point's marker covers its position.
  EXPECT_FALSE(samePixel(a, b, int(std::lround(px)), int(std::lround(py))));
}

TEST_F(OverlayDesktop, FileWithoutCrsIsAClearError) {
  writeText(*tmp_ / "nocrs.csv", "WKT,name\n\"POINT (203357.6107 1777691.7769)\",a\n");
  const RunResult r = desktop({"--overlay", (*tmp_ / "nocrs.csv").string()}, *tmp_ / "nocrs.png");
  EXPECT_EQ(r.exitCode, 1) << r.output;  // not a crash: the error is in the app's status
  EXPECT_NE(r.output.find("has no CRS (give one with --overlay-srs EPSG:xxxx)"), std::string::npos) << r.output;
  // On stderr as the conversion failed, and again as the app's status error (label: message).
  EXPECT_NE(r.output.find("citymap-desktop: overlay " + (*tmp_ / "nocrs.csv").string() + ": "), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("citymap-desktop: nocrs.csv: cannot read overlay:1.pmtiles: layer 'nocrs' has no CRS"),
            std::string::npos)
      << r.output;
  // With the CRS given it is drawn.
  const RunResult ok =
      desktop({"--overlay-srs", "EPSG:32649", "--overlay", (*tmp_ / "nocrs.csv").string()}, *tmp_ / "withcrs.png");
  EXPECT_EQ(ok.exitCode, 0) << ok.output;
  EXPECT_NE(ok.output.find("1 features in 1 layer (nocrs 1), CRS EPSG:32649"), std::string::npos) << ok.output;
  // A CRS PROJ does not know is a usage error.
  const RunResult bad =
      desktop({"--overlay-srs", "EPSG:999999", "--overlay", (*tmp_ / "nocrs.csv").string()}, *tmp_ / "badcrs.png");
  EXPECT_EQ(bad.exitCode, 2) << bad.output;
  EXPECT_NE(bad.output.find("--overlay-srs"), std::string::npos) << bad.output;
}

TEST_F(OverlayDesktop, BrokenFileIsAClearError) {
  writeText(*tmp_ / "broken.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feat)");
  const RunResult r = desktop({"--overlay", (*tmp_ / "broken.geojson").string()}, *tmp_ / "broken.png");
  EXPECT_EQ(r.exitCode, 1) << r.output;
  EXPECT_NE(r.output.find("cannot open " + (*tmp_ / "broken.geojson").string() + " as a vector dataset"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("citymap-desktop: broken.geojson: "), std::string::npos) << r.output;
}

TEST_F(OverlayDesktop, JumpsToAnOverlayOutsideTheView) {
  // A point in Hội An, 25 km away.
  writeText(*tmp_ / "hoian.geojson",
            R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Hội An"},)"
            R"("geometry":{"type":"Point","coordinates":[108.3380,15.8801]}}]})");
  const RunResult r = desktop({"--overlay", (*tmp_ / "hoian.geojson").string()}, *tmp_ / "hoian.png");
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("overlay hoian.geojson is outside the view: going to 108.33800, 15.88010 at z16.0"),
            std::string::npos)
      << r.output;
  // The marker is drawn at the centre of the shot.
  const Image img = loadPng(*tmp_ / "hoian.png");
  ASSERT_GT(img.w, 0);
  const uint8_t* centre = img.at(img.w / 2, img.h / 2);
  const uint8_t* corner = img.at(10, 10);
  EXPECT_FALSE(centre[0] == corner[0] && centre[1] == corner[1] && centre[2] == corner[2]);
}

}  // namespace
}  // namespace citymap::overlay_test
