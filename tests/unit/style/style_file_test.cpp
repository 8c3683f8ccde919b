// The style file (core/style/style_json): the default file reproduces the look the C++ built
// before, expressions and filters evaluate as MapLibre's do, themes override, and every kind of
// error names the line and column.
#include <gtest/gtest.h>

#include <string>

#include "legacy_default_style.hpp"
#include "style/style_json.hpp"
#include "tile/kinds.hpp"

namespace citymap::style {
namespace {

void expectSameColor(const Color& a, const Color& b, const std::string& what) {
  EXPECT_EQ(a.r, b.r) << what;
  EXPECT_EQ(a.g, b.g) << what;
  EXPECT_EQ(a.b, b.b) << what;
  EXPECT_EQ(a.a, b.a) << what;
}

void expectSameCurve(const ZoomCurve& a, const ZoomCurve& b, const std::string& what) {
  for (double z = 0; z <= 22; z += 0.25) EXPECT_EQ(a.at(z), b.at(z)) << what << " at z" << z;
}

TEST(StyleFile, TheDayFileReproducesTheDefaultLookTheCodeBuilt) {
  const Style old = legacy::makeDefault();
  auto loaded = parseStyle(builtinStyleText(), "citymap.json");
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_TRUE(loaded->warnings.empty()) << loaded->warnings.front();
  const Style& s = loaded->style;
  expectSameColor(s.background.at(15), old.background.at(15), "background");
  ASSERT_EQ(s.buckets.size(), old.buckets.size());
  for (size_t i = 0; i < s.buckets.size(); ++i) {
    const Bucket &a = s.buckets[i], &b = old.buckets[i];
    const std::string what = "bucket " + std::to_string(i) + " (" + std::string(b.sourceLayer) + ")";
    EXPECT_EQ(a.sourceLayer, b.sourceLayer) << what;
    EXPECT_EQ(a.geometry, b.geometry) << what;
    EXPECT_EQ(a.kindMask, b.kindMask) << what;
    EXPECT_EQ(a.flagsAll, b.flagsAll) << what;
    EXPECT_EQ(a.flagsNone, b.flagsNone) << what;
    EXPECT_EQ(a.minTileZoom, b.minTileZoom) << what;
    EXPECT_EQ(a.line.join, b.line.join) << what;
    EXPECT_EQ(a.line.cap, b.line.cap) << what;
    EXPECT_EQ(a.featureSlots, b.featureSlots) << what;
    EXPECT_EQ(a.arrows.spacing, b.arrows.spacing) << what;
    EXPECT_EQ(a.arrows.length, b.arrows.length) << what;
    EXPECT_EQ(a.arrows.halfWidth, b.arrows.halfWidth) << what;
  }
  ASSERT_EQ(s.layers.size(), old.layers.size());
  for (size_t i = 0; i < s.layers.size(); ++i) {
    const Layer &a = s.layers[i], &b = old.layers[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.group, b.group) << b.id;
    EXPECT_EQ(a.bucket, b.bucket) << b.id;
    EXPECT_EQ(a.isLine, b.isLine) << b.id;
    EXPECT_EQ(a.featureState, b.featureState) << b.id;
    EXPECT_EQ(a.minZoom, b.minZoom) << b.id;
    EXPECT_EQ(a.maxZoom, b.maxZoom) << b.id;
    if (!b.featureState) expectSameColor(a.color.at(15), b.color.at(15), b.id);
    if (b.isLine) expectSameCurve(a.width, b.width, b.id + " width");
    expectSameCurve(a.opacity, b.opacity, b.id + " opacity");
  }
  ASSERT_EQ(s.labels.size(), old.labels.size());
  for (size_t i = 0; i < s.labels.size(); ++i) {
    const LabelClass &a = s.labels[i], &b = old.labels[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.group, b.group) << b.id;
    EXPECT_EQ(a.sourceLayer, b.sourceLayer) << b.id;
    EXPECT_EQ(a.placement, b.placement) << b.id;
    EXPECT_EQ(a.kindMask, b.kindMask) << b.id;
    EXPECT_EQ(a.minZoom, b.minZoom) << b.id;
    EXPECT_EQ(a.maxZoom, b.maxZoom) << b.id;
    EXPECT_EQ(a.priority, b.priority) << b.id;
    EXPECT_EQ(a.size, b.size) << b.id;
    expectSameColor(a.color, b.color, b.id + " text");
    expectSameColor(a.halo, b.halo, b.id + " halo");
    expectSameCurve(a.offset, b.offset, b.id + " offset");
    EXPECT_EQ(a.repeatDistance, b.repeatDistance) << b.id;
    EXPECT_EQ(a.spacing, b.spacing) << b.id;
    EXPECT_EQ(a.markerMinZoom, b.markerMinZoom) << b.id;
    EXPECT_EQ(a.textField, (std::vector<std::string>{"name:en", "name", "ref"})) << b.id;
  }
  // defaultStyle() is this file.
  EXPECT_EQ(defaultStyle().layers.size(), s.layers.size());
  EXPECT_EQ(loaded->themes, std::vector<std::string>{"night"});
}

double luminance(Color c) { return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b; }

TEST(StyleFile, TheNightThemeIsDarkWithLightLabelsAndKeepsTheLayers) {
  auto day = parseStyle(builtinStyleText(), "citymap.json", "day");
  auto night = parseStyle(builtinStyleText(), "citymap.json", "night");
  ASSERT_TRUE(day) << day.error();
  ASSERT_TRUE(night) << night.error();
  EXPECT_TRUE(night->warnings.empty()) << night->warnings.front();
  EXPECT_EQ(night->style.theme, "night");
  EXPECT_LT(luminance(night->style.background.at(15)), 0.15);
  EXPECT_GT(luminance(day->style.background.at(15)), 0.8);
  ASSERT_EQ(night->style.layers.size(), day->style.layers.size());
  ASSERT_EQ(night->style.buckets.size(), day->style.buckets.size());  // only paint changes
  for (const LabelClass& c : night->style.labels) {
    EXPECT_GT(luminance(c.color), luminance(c.halo) + 0.35) << c.id << ": light text on a dark halo";
    EXPECT_GT(c.halo.a, 0.5) << c.id;
  }
}

// A minimal style around some layers.
std::string styleWith(const std::string& layers, const std::string& extra = "") {
  return "{\n\"version\": 8,\n\"layers\": [\n" + layers + "\n]" + extra + "\n}";
}

TEST(StyleFile, ZoomCurvesInterpolateLinearlyExponentiallyAndInSteps) {
  const std::string text = styleWith(R"(
{"id": "a", "type": "line", "source-layer": "roads",
 "paint": {"line-width": ["interpolate", ["linear"], ["zoom"], 10, 1, 20, 11],
           "line-opacity": ["step", ["zoom"], 0.2, 12, 0.6, 16, 1],
           "line-color": ["interpolate", ["exponential", 2], ["zoom"], 10, "#000000", 12, "#ffffff"]}})");
  auto r = parseStyle(text, "t.json");
  ASSERT_TRUE(r) << r.error();
  const Layer& l = r->style.layers.at(0);
  EXPECT_FLOAT_EQ(l.width.at(5), 1);
  EXPECT_FLOAT_EQ(l.width.at(15), 6);
  EXPECT_FLOAT_EQ(l.width.at(25), 11);
  EXPECT_FLOAT_EQ(l.opacity.at(11.9), 0.2f);
  EXPECT_FLOAT_EQ(l.opacity.at(12), 0.6f);
  EXPECT_FLOAT_EQ(l.opacity.at(15.9), 0.6f);
  EXPECT_FLOAT_EQ(l.opacity.at(16), 1);
  // Base 2 over two zoom levels: one level in is (2^1 - 1) / (2^2 - 1) = 1/3 of the way.
  EXPECT_NEAR(l.color.at(11).r, 1.0 / 3, 1e-6);
  EXPECT_FLOAT_EQ(l.color.at(9).g, 0);
  EXPECT_FLOAT_EQ(l.color.at(13).b, 1);
}

// Label sizes and colours that follow the zoom: evaluated per frame (evaluateLabels), each stop's
// size rasterised; constant classes are left alone.
TEST(StyleFile, LabelSizeAndColourCurvesFollowTheZoom) {
  const std::string text = styleWith(R"json(
{"id": "streets", "type": "symbol", "source-layer": "road_labels", "minzoom": 14,
 "layout": {"text-field": ["get", "name"], "symbol-placement": "line",
            "text-size": ["interpolate", ["linear"], ["zoom"], 14, 11, 18, 15]},
 "paint": {"text-color": ["step", ["zoom"], "#000000", 16, "#ffffff"],
           "text-halo-color": ["interpolate", ["linear"], ["zoom"], 14, "rgba(255, 255, 255, 0)", 18, "#ffffff"],
           "text-opacity": 0.5}},
{"id": "places", "type": "symbol", "source-layer": "pois",
 "layout": {"text-field": ["get", "name"], "text-size": 12}, "paint": {"text-color": "#333333"}})json");
  auto r = parseStyle(text, "t.json");
  ASSERT_TRUE(r) << r.error();
  Style& s = r->style;
  ASSERT_EQ(s.labels.size(), 2u);
  LabelClass& streets = s.labels[0];
  const LabelClass& places = s.labels[1];
  EXPECT_TRUE(streets.zoomDependent);
  EXPECT_FALSE(places.zoomDependent);
  // Until the first frame: the values at the class's minzoom.
  EXPECT_FLOAT_EQ(streets.size, 11);
  EXPECT_FLOAT_EQ(streets.color.r, 0);
  EXPECT_FLOAT_EQ(streets.halo.a, 0);
  EXPECT_EQ(labelSizes(s), (std::vector<float>{11, 12, 15}));

  evaluateLabels(s, 16);
  EXPECT_EQ(labelSizes(s), (std::vector<float>{11, 12, 15})) << "the fonts do not depend on the last frame's zoom";
  EXPECT_FLOAT_EQ(streets.size, 13);
  EXPECT_FLOAT_EQ(streets.color.r, 1) << "the step at 16";
  EXPECT_FLOAT_EQ(streets.color.a, 0.5f) << "text-opacity applies to the curve's value";
  EXPECT_NEAR(streets.halo.a, 0.25, 1e-6) << "halfway to opaque, times text-opacity";
  evaluateLabels(s, 20);
  EXPECT_FLOAT_EQ(streets.size, 15) << "clamped past the last stop";
  EXPECT_FLOAT_EQ(places.size, 12);
  EXPECT_NEAR(places.color.r, 0x33 / 255.0, 1e-6);
}

TEST(StyleFile, FiltersSelectKindsFlagsAndGeometry) {
  const std::string text = styleWith(R"(
{"id": "a", "type": "line", "source-layer": "roads",
 "filter": ["all", ["in", ["get", "kind"], ["literal", ["primary", "trunk"]]], ["==", ["get", "bridge"], true], ["!", ["get", "oneway"]]]},
{"id": "b", "type": "line", "source-layer": "roads", "filter": ["!=", ["get", "class"], "service"]},
{"id": "c", "type": "line", "source-layer": "admin", "filter": ["all", ["==", ["geometry-type"], "Polygon"], ["==", ["get", "kind"], 1]]},
{"id": "d", "type": "fill", "source-layer": "landuse", "filter": ["!", ["in", ["get", "kind"], ["literal", ["park"]]]]})");
  auto r = parseStyle(text, "t.json");
  ASSERT_TRUE(r) << r.error();
  const auto& b = r->style.buckets;
  ASSERT_EQ(r->style.layers.size(), 5u);  // d is a fill with its antialiasing outline
  const Bucket& a = b[size_t(r->style.layers[0].bucket)];
  EXPECT_EQ(a.kindMask, (1u << uint32_t(tile::RoadKind::Primary)) | (1u << uint32_t(tile::RoadKind::Trunk)));
  EXPECT_EQ(a.flagsAll, tile::kFlagBridge);
  EXPECT_EQ(a.flagsNone, tile::kFlagOneway);
  EXPECT_EQ(a.geometry, Bucket::Geometry::Line);
  EXPECT_EQ(b[size_t(r->style.layers[1].bucket)].kindMask, ~(1u << uint32_t(tile::RoadKind::Service)));
  const Bucket& c = b[size_t(r->style.layers[2].bucket)];
  EXPECT_EQ(c.geometry, Bucket::Geometry::Outline);
  EXPECT_EQ(c.kindMask, 1u << 1);
  const Bucket& d = b[size_t(r->style.layers[3].bucket)];
  EXPECT_EQ(d.geometry, Bucket::Geometry::Fill);
  EXPECT_EQ(d.kindMask, ~(1u << uint32_t(tile::LanduseKind::Park)));
  EXPECT_EQ(b[size_t(r->style.layers[4].bucket)].geometry, Bucket::Geometry::Outline);
}

TEST(StyleFile, SymbolLayersBecomeLabelClasses) {
  const std::string text = styleWith(R"(
{"id": "streets", "type": "symbol", "source-layer": "road_labels", "minzoom": 14,
 "layout": {"symbol-placement": "line", "text-field": ["coalesce", ["get", "name:en"], ["get", "name"]],
            "text-size": ["interpolate", ["linear"], ["zoom"], 14, 11, 18, 15], "symbol-sort-key": 3,
            "symbol-spacing": 200, "citymap:repeat-distance": 300},
 "paint": {"text-color": "#112233", "text-halo-color": "#ffffff80"}},
{"id": "wards", "type": "symbol", "source-layer": "admin", "filter": ["==", ["geometry-type"], "Polygon"],
 "layout": {"text-field": ["get", "name"]}},
{"id": "pois", "type": "symbol", "source-layer": "pois", "layout": {"text-field": ["get", "name"], "citymap:text-gap": 6, "citymap:marker-minzoom": 15}})");
  auto r = parseStyle(text, "t.json");
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->style.labels.size(), 3u);
  const LabelClass& s = r->style.labels[0];
  EXPECT_EQ(s.placement, LabelClass::Placement::Line);
  EXPECT_EQ(s.sourceLayer, tile::layer::kRoadLabels);
  EXPECT_EQ(s.group, Group::Roads);
  EXPECT_EQ(s.size, 11);  // at minzoom until the first frame evaluates it
  EXPECT_FLOAT_EQ(s.textSize.at(16), 13);
  EXPECT_EQ(s.priority, 3);
  EXPECT_EQ(s.spacing, 200);
  EXPECT_EQ(s.repeatDistance, 300);
  EXPECT_FALSE(s.hasIcons());
  EXPECT_EQ(s.textField, (std::vector<std::string>{"name:en", "name"}));
  EXPECT_FLOAT_EQ(s.color.r, float(0x11) / 255.f);
  EXPECT_FLOAT_EQ(s.halo.a, 128 / 255.f);
  EXPECT_EQ(r->style.labels[1].placement, LabelClass::Placement::Area);
  EXPECT_EQ(r->style.labels[1].group, Group::Admin);
  EXPECT_EQ(r->style.labels[2].placement, LabelClass::Placement::Point);
  EXPECT_FLOAT_EQ(r->style.labels[2].offset.at(10), 6);
  EXPECT_EQ(r->style.labels[2].markerMinZoom, 15);
  EXPECT_EQ(labelSizes(r->style), (std::vector<float>{11, 15, 16}));  // both stops of the streets' curve
}

TEST(StyleFile, CirclesAreADiscOverTheirStroke) {
  auto r = parseStyle(styleWith(R"({"id": "p", "type": "circle", "source-layer": "pois",
    "paint": {"circle-radius": 3, "circle-color": "#f00", "circle-stroke-width": 1, "circle-stroke-color": "#fff"}})"),
                      "t.json");
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->style.layers.size(), 2u);
  EXPECT_EQ(r->style.layers[0].id, "p-ring");
  EXPECT_FLOAT_EQ(r->style.layers[0].width.at(10), 8);
  EXPECT_FLOAT_EQ(r->style.layers[1].width.at(10), 6);
  EXPECT_FLOAT_EQ(r->style.layers[1].color.at(10).r, 1);
  EXPECT_EQ(r->style.layers[0].bucket, r->style.layers[1].bucket);
  EXPECT_EQ(r->style.buckets[0].geometry, Bucket::Geometry::Point);
}

TEST(StyleFile, ThemesOverridePaintAndLayoutOfNamedLayers) {
  const std::string text = styleWith(R"(
{"id": "background", "type": "background", "paint": {"background-color": "#ffffff"}},
{"id": "w", "type": "fill", "source-layer": "water", "paint": {"fill-color": "#aad3df"}},
{"id": "r", "type": "line", "source-layer": "roads", "paint": {"line-width": 2}, "layout": {"line-cap": "round"}})",
                                     R"(, "citymap:themes": {"night": {"layers": {
  "background": {"paint": {"background-color": "#101820"}},
  "w": {"paint": {"fill-color": ["step", ["zoom"], "#0b2235", 14, "#0e2a40"]}},
  "r": {"layout": {"visibility": "none"}}}}})");
  auto day = parseStyle(text, "t.json");
  auto night = parseStyle(text, "t.json", "night");
  ASSERT_TRUE(day) << day.error();
  ASSERT_TRUE(night) << night.error();
  EXPECT_EQ(day->style.layers.size(), 3u);
  EXPECT_EQ(night->style.layers.size(), 2u);  // r is hidden at night
  EXPECT_FLOAT_EQ(day->style.background.at(10).r, 1);
  EXPECT_FLOAT_EQ(night->style.background.at(10).r, float(0x10) / 255.f);
  EXPECT_FLOAT_EQ(night->style.layers[0].color.at(13).b, float(0x35) / 255.f);
  EXPECT_FLOAT_EQ(night->style.layers[0].color.at(14).b, float(0x40) / 255.f);
  EXPECT_EQ(night->themes, std::vector<std::string>{"night"});
  // An error in the file's own value counts under a theme that overrides it.
  std::string broken = text;
  broken.replace(broken.find("#ffffff"), 7, "#fffff");
  auto brokenNight = parseStyle(broken, "t.json", "night");
  ASSERT_FALSE(brokenNight);
  EXPECT_NE(brokenNight.error().find("is not a colour"), std::string::npos) << brokenNight.error();
  auto dusk = parseStyle(text, "t.json", "dusk");
  ASSERT_FALSE(dusk);
  EXPECT_NE(dusk.error().find("no theme \"dusk\""), std::string::npos) << dusk.error();
}

// Each error: the message and where it points.
struct BadCase {
  const char* name;
  std::string text;
  const char* message;
  size_t line, column;
};

TEST(StyleFile, EveryErrorNamesTheFileLineAndColumn) {
  const std::string prefix = "{\n\"version\": 8,\n\"layers\": [\n";  // layers start on line 4
  const BadCase cases[] = {
      {"syntax", "{\n\"version\": 8,\n\"layers\": [,]\n}", "not valid JSON", 3, 12},
      {"unterminated", "{\n\"version\": 8", "not valid JSON", 2, 13},
      {"not an object", "[1]", "a style is a JSON object", 1, 1},
      {"no version", "{\"layers\": []}", "\"version\": 8 is missing", 1, 1},
      {"bad version", "{\"version\": 7, \"layers\": []}", "must be 8", 1, 13},
      {"no layers", "{\"version\": 8}", "\"layers\" is missing", 1, 1},
      {"layers not array", "{\"version\": 8, \"layers\": {}}", "expected an array", 1, 26},
      {"layer without id", prefix + "{\"type\": \"fill\"}]}", "has no \"id\"", 4, 1},
      {"duplicate id",
       prefix + "{\"id\": \"a\", \"type\": \"background\"},\n{\"id\": \"a\", \"type\": \"background\"}]}", "used twice",
       5, 8},
      {"unknown type", prefix + "{\"id\": \"a\", \"type\": \"heatmap\", \"source-layer\": \"roads\"}]}",
       "type \"heatmap\" is not supported", 4, 21},
      {"unknown source layer", prefix + "{\"id\": \"a\", \"type\": \"line\", \"source-layer\": \"rivers\"}]}",
       "\"rivers\" is not a layer", 4, 45},
      {"wrong type",
       prefix +
           "{\"id\": \"a\", \"type\": \"line\", \"source-layer\": \"roads\",\n \"paint\": {\"line-width\": \"2\"}}]}",
       "expected a number", 5, 26},
      {"bad colour",
       prefix + "{\"id\": \"a\", \"type\": \"fill\", \"source-layer\": \"water\",\n  \"paint\": {\"fill-color\": "
                "\"#12345\"}}]}",
       "is not a colour", 5, 27},
      {"unknown kind",
       prefix + "{\"id\": \"a\", \"type\": \"line\", \"source-layer\": \"roads\",\n\"filter\": [\"==\", [\"get\", "
                "\"kind\"], \"highway\"]}]}",
       "\"highway\" is not a kind", 5, 35},
      {"bad filter op",
       prefix + "{\"id\": \"a\", \"type\": \"line\", \"source-layer\": \"roads\", \"filter\": [\"any\"]}]}",
       "\"any\" is not supported", 4, 64},
      {"bad curve",
       prefix + "{\"id\": \"a\", \"type\": \"line\", \"source-layer\": \"roads\",\n\"paint\": {\"line-width\": "
                "[\"interpolate\", [\"cubic\"], [\"zoom\"], 1, 2]}}]}",
       "interpolation must be", 5, 41},
      {"stops not increasing",
       prefix + "{\"id\": \"a\", \"type\": \"line\", \"source-layer\": \"roads\",\n\"paint\": {\"line-width\": "
                "[\"step\", [\"zoom\"], 1, 14, 2, 12, 3]}}]}",
       "must increase", 5, 54},
      {"zoom out of range",
       prefix + "{\"id\": \"a\", \"type\": \"line\", \"source-layer\": \"roads\", \"minzoom\": 30}]}",
       "outside [0, 24]", 4, 65},
      {"opacity out of range",
       prefix + "{\"id\": \"a\", \"type\": \"line\", \"source-layer\": \"roads\", \"paint\": {\"line-opacity\": 2}}]}",
       "outside [0, 1]", 4, 80},
      {"unknown line cap",
       prefix + "{\"id\": \"a\", \"type\": \"line\", \"source-layer\": \"roads\",\n\"layout\": {\"line-cap\": "
                "\"flat\"}}]}",
       "line-cap: \"round\", \"butt\" or \"square\"", 5, 24},
      {"unknown symbol placement",
       prefix + "{\"id\": \"a\", \"type\": \"symbol\", \"source-layer\": \"pois\",\n\"layout\": {\"text-field\": "
                "[\"get\", \"name\"], \"symbol-placement\": \"area\"}}]}",
       "symbol-placement: \"point\" or \"line\"", 5, 63},
      {"symbol without text", prefix + "{\"id\": \"a\", \"type\": \"symbol\", \"source-layer\": \"pois\"}]}",
       "text-field", 4, 1},
      {"theme names a missing layer",
       "{\"version\": 8, \"layers\": [],\n\"citymap:themes\": {\"night\": {\"layers\": {\"x\": {}}}}}",
       "there is no layer \"x\"", 2, 46},
  };
  for (const BadCase& c : cases) {
    auto r = parseStyle(c.text, "s.json", std::string(c.name) == "theme names a missing layer" ? "night" : "");
    ASSERT_FALSE(r) << c.name;
    const std::string where = "s.json:" + std::to_string(c.line) + ":" + std::to_string(c.column) + ": ";
    EXPECT_EQ(r.error().rfind(where, 0), 0u) << c.name << ": " << r.error();
    EXPECT_NE(r.error().find(c.message), std::string::npos) << c.name << ": " << r.error();
  }
}

TEST(StyleFile, UnknownPropertiesAreWarnedAboutAndIgnored) {
  auto r = parseStyle(styleWith(R"({"id": "a", "type": "line", "source-layer": "roads",
 "paint": {"line-blur": 2, "line-width": 3}, "interactive": true})"),
                      "t.json");
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->warnings.size(), 2u);
  EXPECT_NE(r->warnings[0].find("interactive"), std::string::npos) << r->warnings[0];
  EXPECT_NE(r->warnings[1].find("line-blur"), std::string::npos) << r->warnings[1];
  EXPECT_EQ(r->warnings[1].rfind("t.json:5:25: ", 0), 0u) << r->warnings[1];
  EXPECT_FLOAT_EQ(r->style.layers.at(0).width.at(12), 3);
}

TEST(StyleFile, TextPositionsCountLinesAndCharacters) {
  const std::string t = "ab\ncđe\nx";  // đ is two bytes
  EXPECT_EQ(textPosition(t, 0).line, 1u);
  EXPECT_EQ(textPosition(t, 3).line, 2u);
  EXPECT_EQ(textPosition(t, 3).column, 1u);
  EXPECT_EQ(textPosition(t, 6).column, 3u);  // 'e' after c and đ
  EXPECT_EQ(textPosition(t, 8).line, 3u);
}

TEST(StyleFile, KindNamesMatchTheTileKinds) {
  EXPECT_EQ(kindNames(tile::layer::kRoads).size(), size_t(tile::kRoadKindCount));
  EXPECT_EQ(kindNames(tile::layer::kRoads)[size_t(tile::RoadKind::Pedestrian)], "pedestrian");
  EXPECT_EQ(kindNames(tile::layer::kIoc)[size_t(tile::IocKind::LoraGateway)], "lora_gateway");
  EXPECT_EQ(kindNames(tile::layer::kAdmin)[size_t(tile::AdminKind::Ward2025)], "ward");
  EXPECT_TRUE(kindNames("nothing").empty());
}

TEST(StyleFile, IconImagePicksAnIconByKind) {
  const std::string text = styleWith(R"(
{"id": "pois", "type": "symbol", "source-layer": "pois", "filter": ["!=", ["get", "kind"], "other"],
 "layout": {"text-field": ["get", "name"], "citymap:icon-size": 22,
            "icon-image": ["match", ["get", "kind"], "food", "restaurant", ["health", "education"], "hospital", "marker"]},
 "paint": {"icon-color": "#ffffff", "icon-halo-color": "#9c6b4e"}})");
  auto r = parseStyle(text, "t.json");
  ASSERT_TRUE(r) << r.error();
  const LabelClass& c = r->style.labels.at(0);
  ASSERT_TRUE(c.hasIcons());
  EXPECT_EQ(c.iconSize, 22);
  EXPECT_EQ(c.iconByKind[size_t(tile::PoiKind::Food)], "restaurant");
  EXPECT_EQ(c.iconByKind[size_t(tile::PoiKind::Health)], "hospital");
  EXPECT_EQ(c.iconByKind[size_t(tile::PoiKind::Education)], "hospital");
  EXPECT_EQ(c.iconByKind[size_t(tile::PoiKind::Shop)], "marker");  // the fallback
  EXPECT_EQ(c.iconByKind[size_t(tile::PoiKind::Other)], "");       // filtered out: no icon
  EXPECT_FLOAT_EQ(c.iconHalo.r, float(0x9c) / 255.f);
  EXPECT_FLOAT_EQ(c.iconColor.g, 1.f);
}

TEST(StyleFile, IconImageErrorsNameTheProblem) {
  const auto error = [&](const std::string& layer) {
    auto r = parseStyle(styleWith(layer), "t.json");
    return r ? std::string() : r.error();
  };
  EXPECT_NE(error(R"({"id": "p", "type": "symbol", "source-layer": "pois", "layout": {"text-field": ["get", "name"],
    "icon-image": ["match", ["get", "kind"], "pizza", "restaurant", "marker"]}})")
                .find("\"pizza\" is not a kind"),
            std::string::npos);
  EXPECT_NE(error(R"({"id": "p", "type": "symbol", "source-layer": "pois", "layout": {"text-field": ["get", "name"],
    "icon-image": "{kind}"}})")
                .find("tokens"),
            std::string::npos);
  EXPECT_NE(
      error(R"({"id": "p", "type": "symbol", "source-layer": "road_labels", "layout": {"text-field": ["get", "name"],
    "symbol-placement": "line", "icon-image": "marker"}})")
          .find("points only"),
      std::string::npos);
  EXPECT_NE(error(R"({"id": "p", "type": "symbol", "source-layer": "pois", "layout": {"text-field": ["get", "name"],
    "icon-image": ["match", ["get", "kind"], "food", "restaurant"]}})")
                .find("icon-image: expected"),
            std::string::npos);
}

TEST(StyleFile, TheDefaultStyleGivesEveryPoiKindAnIcon) {
  const Style& s = defaultStyle();
  int poiClasses = 0;
  for (const LabelClass& c : s.labels) {
    if (c.sourceLayer != tile::layer::kPois) continue;
    ++poiClasses;
    ASSERT_TRUE(c.hasIcons()) << c.id;
    for (size_t k = 0; k < 10; ++k) {
      if (c.kindMask & (1u << k)) {
        EXPECT_FALSE(c.iconByKind[k].empty()) << c.id << " kind " << k;
      }
    }
  }
  EXPECT_EQ(poiClasses, 2);
}

}  // namespace
}  // namespace citymap::style
