// The per-frame draw list without GL: which layers a frame draws over which tiles, with which
// uniforms, scissors and clip masks (core/frame/draw_list.hpp), and the null renderer.
#include "frame/draw_list.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "frame/frame_renderer.hpp"
#include "geo/mercator.hpp"
#include "style/style_json.hpp"

namespace citymap::frame {
namespace {

// Three layers: a fill (groups landuse, from z12), a line whose width and colour follow the
// zoom (roads), and the live traffic colours (feature state) on the same roads.
const char* kStyle = R"({
"version": 8,
"layers": [
 {"id": "bg", "type": "background", "paint": {"background-color": "#f4f1ea"}},
 {"id": "park", "type": "fill", "source-layer": "landuse", "minzoom": 12,
  "paint": {"fill-color": "#80c080", "fill-opacity": 0.5, "fill-antialias": false}},
 {"id": "road", "type": "line", "source-layer": "roads",
  "paint": {"line-color": ["interpolate", ["linear"], ["zoom"], 10, "#000000", 20, "#ffffff"],
            "line-width": ["interpolate", ["linear"], ["zoom"], 10, 0.2, 20, 10.2]}},
 {"id": "traffic", "type": "line", "source-layer": "roads", "maxzoom": 18,
  "paint": {"line-color": ["feature-state", "speed"], "line-width": 4, "line-opacity": 0.8}}
]})";

style::Style parse() {
  auto r = style::parseStyle(kStyle, "draw_list_test.json");
  EXPECT_TRUE(r) << (r ? "" : r.error());
  return r ? std::move(r->style) : style::Style{};
}

size_t layerIndex(const style::Style& s, const std::string& id) {
  for (size_t i = 0; i < s.layers.size(); ++i)
    if (s.layers[i].id == id) return i;
  ADD_FAILURE() << "no layer " << id;
  return 0;
}

// A tile whose buckets hold one triangle each where `filled` says so (slots on line buckets).
scene::DrawTile tileAt(const style::Style& s, geo::TileID id, bool filled = true, bool slots = true) {
  auto mesh = std::make_shared<scene::TileMesh>();
  mesh->id = id;
  mesh->buckets.resize(s.buckets.size());
  if (filled)
    for (size_t b = 0; b < s.buckets.size(); ++b) {
      if (s.buckets[b].geometry == style::Bucket::Geometry::Fill) {
        mesh->buckets[b].fill.indices = {0, 1, 2};
      } else {
        mesh->buckets[b].line.indices = {0, 1, 2, 2, 1, 3};
        if (slots) mesh->buckets[b].slots = {0, 0, 0, 0};
      }
    }
  return {id, std::move(mesh), nullptr};
}

geo::Camera cameraAt(double zoom, double bearing = 0, double dpr = 1) {
  geo::Camera cam;
  cam.setViewport(512, 384, dpr);
  cam.jumpTo({108.21, 16.06}, zoom);
  cam.setBearing(bearing);
  return cam;
}

std::vector<scene::DrawTile> viewTiles(const style::Style& s, const geo::Camera& cam) {
  const int z = int(cam.zoom());
  const geo::TileID c = geo::tileAt(geo::toWorld({108.21, 16.06}), uint8_t(z));
  return {tileAt(s, c), tileAt(s, {uint8_t(z), c.x + 1, c.y}), tileAt(s, {uint8_t(z), c.x, c.y + 1})};
}

style::GroupVisibility all() {
  style::GroupVisibility v;
  v.fill(true);
  return v;
}

const LayerDraw* drawOf(const DrawList& list, const style::Style& s, const std::string& id) {
  for (const LayerDraw& d : list.layers)
    if (d.layer == layerIndex(s, id)) return &d;
  return nullptr;
}

TEST(DrawList, LayersFollowZoomRangeGroupsAndFeatureState) {
  const style::Style s = parse();
  ASSERT_FALSE(s.layers.empty());
  DrawList list;
  auto cam = cameraAt(11);
  beginFrame(list, cam, s.background.at(cam.zoom()));
  addTiles(list, cam, s, viewTiles(s, cam), all(), /*featureState=*/false);
  EXPECT_EQ(drawOf(list, s, "park"), nullptr) << "below the layer's minzoom";
  EXPECT_NE(drawOf(list, s, "road"), nullptr);
  EXPECT_EQ(drawOf(list, s, "traffic"), nullptr) << "no live state: feature-state layers are not drawn";

  cam = cameraAt(15);
  beginFrame(list, cam, s.background.at(cam.zoom()));
  addTiles(list, cam, s, viewTiles(s, cam), all(), /*featureState=*/true);
  ASSERT_NE(drawOf(list, s, "park"), nullptr);
  ASSERT_NE(drawOf(list, s, "traffic"), nullptr);
  EXPECT_EQ(drawOf(list, s, "traffic")->program, Program::Traffic);
  EXPECT_EQ(drawOf(list, s, "road")->program, Program::Line);
  EXPECT_EQ(drawOf(list, s, "park")->program, Program::Fill);
  // Style order is draw order.
  for (size_t i = 1; i < list.layers.size(); ++i) EXPECT_LT(list.layers[i - 1].layer, list.layers[i].layer);

  style::GroupVisibility noRoads = all();
  noRoads[size_t(s.layers[layerIndex(s, "road")].group)] = false;
  beginFrame(list, cam, s.background.at(cam.zoom()));
  addTiles(list, cam, s, viewTiles(s, cam), noRoads, true);
  EXPECT_EQ(drawOf(list, s, "road"), nullptr) << "its group is hidden";
  EXPECT_NE(drawOf(list, s, "park"), nullptr);

  cam = cameraAt(18);  // maxzoom is exclusive
  beginFrame(list, cam, s.background.at(cam.zoom()));
  addTiles(list, cam, s, viewTiles(s, cam), all(), true);
  EXPECT_EQ(drawOf(list, s, "traffic"), nullptr);
}

TEST(DrawList, UniformsAreTheStyleEvaluatedAtTheZoom) {
  const style::Style s = parse();
  DrawList list;
  const auto cam = cameraAt(15, 0, 2);
  beginFrame(list, cam, s.background.at(cam.zoom()));
  EXPECT_EQ(list.fbWidth, 1024);
  EXPECT_EQ(list.fbHeight, 768);
  EXPECT_FLOAT_EQ(list.deviceToClip[0], 2.f / 1024);
  EXPECT_FLOAT_EQ(list.deviceToClip[1], -2.f / 768);
  EXPECT_NEAR(list.background[0], 0xf4 / 255.0, 1e-3);
  addTiles(list, cam, s, viewTiles(s, cam), all(), true);

  // Fill: #80c080 at opacity 0.5, premultiplied.
  const LayerDraw* park = drawOf(list, s, "park");
  ASSERT_NE(park, nullptr);
  EXPECT_NEAR(park->color[3], 0.5, 1e-6);
  EXPECT_NEAR(park->color[0], 0x80 / 255.0 * 0.5, 1e-3);
  EXPECT_NEAR(park->color[1], 0xc0 / 255.0 * 0.5, 1e-3);
  // Line: halfway between z10 and z20: width 5.2 CSS px = 10.4 device px, grey 0.5.
  const LayerDraw* road = drawOf(list, s, "road");
  ASSERT_NE(road, nullptr);
  EXPECT_NEAR(road->halfWidth, 5.2, 1e-4);
  EXPECT_NEAR(road->color[0], 0.5, 2e-3);
  EXPECT_NEAR(road->color[3], 1, 1e-6);
  // Traffic: the opacity goes to the program, the colours come from the state.
  const LayerDraw* traffic = drawOf(list, s, "traffic");
  ASSERT_NE(traffic, nullptr);
  EXPECT_NEAR(traffic->halfWidth, 4, 1e-6);
  EXPECT_NEAR(traffic->opacity, 0.8, 1e-6);
}

TEST(DrawList, LinesThinnerThanAPixelAreOnePixelWideAndFaded) {
  const style::Style s = parse();
  DrawList list;
  const auto cam = cameraAt(10.2);  // width 0.4 CSS px at dpr 1
  beginFrame(list, cam, s.background.at(cam.zoom()));
  addTiles(list, cam, s, viewTiles(s, cam), all(), false);
  const LayerDraw* road = drawOf(list, s, "road");
  ASSERT_NE(road, nullptr);
  EXPECT_FLOAT_EQ(road->halfWidth, 0.5f);
  EXPECT_NEAR(road->color[3], 0.4, 1e-4);
}

TEST(DrawList, OnlyTilesWithGeometryInTheBucketAreDrawn) {
  const style::Style s = parse();
  const auto cam = cameraAt(15);
  const geo::TileID c = geo::tileAt(geo::toWorld({108.21, 16.06}), 15);
  const std::vector<scene::DrawTile> tiles = {tileAt(s, c), tileAt(s, {15, c.x + 1, c.y}, /*filled=*/false),
                                              tileAt(s, {15, c.x, c.y + 1}, true, /*slots=*/false)};
  DrawList list;
  beginFrame(list, cam, s.background.at(cam.zoom()));
  addTiles(list, cam, s, tiles, all(), true);
  ASSERT_EQ(list.tiles.size(), 3u);
  const LayerDraw* road = drawOf(list, s, "road");
  ASSERT_NE(road, nullptr);
  ASSERT_EQ(road->itemCount, 2u);  // not the empty tile
  EXPECT_EQ(list.items[road->firstItem], 0u);
  EXPECT_EQ(list.items[road->firstItem + 1], 2u);
  const LayerDraw* traffic = drawOf(list, s, "traffic");
  ASSERT_NE(traffic, nullptr);
  ASSERT_EQ(traffic->itemCount, 1u);  // not the tile without feature slots
  EXPECT_EQ(list.items[traffic->firstItem], 0u);
  // Nothing to draw at all: no layer draw.
  beginFrame(list, cam, s.background.at(cam.zoom()));
  addTiles(list, cam, s, {tileAt(s, c, false)}, all(), true);
  EXPECT_TRUE(list.layers.empty());
}

TEST(DrawList, TilesCarryTheCamerasScissorAndTransformAndMasksWhenTurned) {
  const style::Style s = parse();
  auto cam = cameraAt(15);
  const auto tiles = viewTiles(s, cam);
  DrawList list;
  beginFrame(list, cam, s.background.at(cam.zoom()));
  addTiles(list, cam, s, tiles, all(), false);
  ASSERT_EQ(list.steps.size(), 1u);
  EXPECT_EQ(list.steps[0].maskedTiles, 0u) << "bearing 0: scissors clip";
  for (size_t i = 0; i < tiles.size(); ++i) {
    const geo::PixelRect r = cam.tileScissor(tiles[i].target);
    EXPECT_EQ(list.tiles[i].scissor.x, r.x);
    EXPECT_EQ(list.tiles[i].scissor.w, r.w);
    EXPECT_EQ(list.tiles[i].stencil, 0);
    const geo::TileTransform m = cam.tileTransform(tiles[i].mesh->id, tiles[i].mesh->extent);
    EXPECT_FLOAT_EQ(list.tiles[i].transform[0], m.sx);
    EXPECT_FLOAT_EQ(list.tiles[i].transform[5], m.oy);
  }
  // A tile is 512 CSS px wide at its own zoom (MapLibre's convention): its scissor says so.
  EXPECT_EQ(list.tiles[0].scissor.w, 512);
  EXPECT_EQ(list.tiles[1].scissor.x, list.tiles[0].scissor.x + 512);

  cam = cameraAt(15, 30);
  beginFrame(list, cam, s.background.at(cam.zoom()));
  addTiles(list, cam, s, tiles, all(), false);
  EXPECT_NEAR(list.rotation[0], std::cos(30 * M_PI / 180), 1e-6);
  ASSERT_EQ(list.steps[0].maskedTiles, 3u);
  for (size_t i = 0; i < tiles.size(); ++i) EXPECT_EQ(list.tiles[i].stencil, int(i + 1));
  // Neighbours share corners exactly (no cracks): the first tile's right edge is the second's left.
  EXPECT_EQ(list.tiles[0].clip[1].x, list.tiles[1].clip[0].x);
  EXPECT_EQ(list.tiles[0].clip[1].y, list.tiles[1].clip[0].y);
  EXPECT_EQ(list.tiles[0].clip[2].x, list.tiles[1].clip[3].x);
  // The centre is in the middle of the clip space and inside the first tile's quad's box.
  float minx = 9, maxx = -9;
  for (const auto& p : list.tiles[0].clip) minx = std::min(minx, p.x), maxx = std::max(maxx, p.x);
  EXPECT_LT(minx, 0.f);
  EXPECT_GT(maxx, 0.f);
}

TEST(DrawList, StepsKeepTheOrderAddedAndCountDraws) {
  const style::Style s = parse();
  const auto cam = cameraAt(15, 10);
  DrawList list;
  beginFrame(list, cam, s.background.at(cam.zoom()));
  addTiles(list, cam, s, viewTiles(s, cam), all(), true);   // base map
  addTiles(list, cam, s, viewTiles(s, cam), all(), false);  // an overlay
  live::LiveBatch markers, none;
  markers.vertices.resize(4);
  markers.indices = {0, 1, 2, 0, 2, 3};
  labels::LabelBatch glyphs;
  glyphs.vertices.resize(4);
  glyphs.indices = {0, 1, 2};
  addMarkers(list, none);  // empty: nothing
  addMarkers(list, markers);
  addLabels(list, glyphs);
  ASSERT_EQ(list.steps.size(), 4u);
  EXPECT_EQ(list.steps[0].kind, Step::Kind::Tiles);
  EXPECT_EQ(list.steps[1].kind, Step::Kind::Tiles);
  EXPECT_EQ(list.steps[1].firstTile, 3u);
  EXPECT_EQ(list.steps[1].maskedTiles, 3u);
  EXPECT_EQ(list.tiles[3].stencil, 1) << "each pass writes its own masks";
  EXPECT_EQ(list.steps[2].markers, &markers);
  EXPECT_EQ(list.steps[3].labels, &glyphs);

  // Base: park, road, traffic over 3 tiles; overlay: park and road; 2 x 3 masks; 2 batches.
  const RenderStats st = countDraws(list);
  EXPECT_EQ(st.drawCalls, 3 * 3 + 2 * 3 + 6 + 2);
  EXPECT_EQ(st.triangles, size_t(3 * (1 + 2 + 2) + 3 * (1 + 2) + 2 + 1));

  NullRenderer null;
  ASSERT_TRUE(null.init());
  null.execute(list);
  EXPECT_EQ(null.frames(), 1u);
  EXPECT_EQ(null.stats().drawCalls, st.drawCalls);
  EXPECT_EQ(null.tileLayerDraws(), 5u);
  EXPECT_EQ(null.markerBatches(), 1u);
  EXPECT_EQ(null.labelBatches(), 0u) << "no label atlas yet";
  null.setLabelAtlas(2, 2, std::vector<uint8_t>(8, 0));
  null.execute(list);
  EXPECT_EQ(null.labelBatches(), 1u);
}

}  // namespace
}  // namespace citymap::frame
