#pragma once
// The map style: which tile features become which geometry buckets, and how each bucket is
// painted (colour, width in CSS pixels and opacity as functions of zoom), in drawing order.
// No GL here: the renderer reads this, the scene builds the buckets.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "citymap/tile_generated.h"
#include "tess/line.hpp"

namespace citymap::style {

struct Color {
  float r = 0, g = 0, b = 0, a = 1;
  static constexpr Color hex(uint32_t rgb, float alpha = 1) {
    return {float((rgb >> 16) & 0xff) / 255.f, float((rgb >> 8) & 0xff) / 255.f, float(rgb & 0xff) / 255.f, alpha};
  }
};

// A value interpolated between zoom stops: exponentially with `base` (1 = linear), clamped
// outside the stops. With `step`, the value of the last stop at or below the zoom (the first
// stop's value below it): MapLibre's ["step", ["zoom"], ...].
struct ZoomCurve {
  std::vector<std::pair<float, float>> stops;
  float base = 1;
  bool step = false;
  float at(double zoom) const;
  static ZoomCurve constant(float v) { return {{{0.f, v}}, 1}; }
};

// A colour as a function of zoom, interpolated per channel like ZoomCurve (non-premultiplied
// RGBA, as MapLibre's "interpolate" on colours).
struct ColorCurve {
  std::vector<std::pair<float, Color>> stops;
  float base = 1;
  bool step = false;
  ColorCurve() = default;
  ColorCurve(Color c) : stops{{0.f, c}} {}  // NOLINT: a constant colour is a curve
  Color at(double zoom) const;
  bool isConstant() const { return stops.size() <= 1; }
};

// Layer toggles shown in the UI.
// Labels: every text label on the map (each label class also hides with its own group).
enum class Group : uint8_t {
  Water,
  Landuse,
  Buildings,
  Roads,
  Railways,
  Admin,
  Transit,
  Ioc,
  Pois,
  Labels,
  Overlay,
  Count
};
const char* groupName(Group g);
// Which groups are shown (the UI's layer toggles), indexed by Group.
using GroupVisibility = std::array<bool, size_t(Group::Count)>;

// Which features of a tile go into one bucket, and how they are tessellated.
struct Bucket {
  std::string_view sourceLayer;
  // Outline: polygon rings as lines. Point: a disc marker per point (drawn by the line program).
  // Arrows: chevrons along line features pointing from their first point to their last
  // (tess/arrows.hpp; one-way streets), as lines.
  enum class Geometry : uint8_t { Fill, Line, Outline, Point, Arrows } geometry;
  uint32_t kindMask = ~0u;  // bit k set: features of kind k are taken
  uint8_t flagsAll = 0;     // every one of these flags must be set
  uint8_t flagsNone = 0;    // none of these may be set
  int minTileZoom = 0;      // not built for tiles below this zoom
  tess::LineStyle line;     // for Line / Outline
  // Keep, per vertex, the slot of the feature's id (scene::FeatureSlots), so a layer can take
  // its colour per feature from live state (Layer::featureState).
  bool featureSlots = false;
  // Arrows: spacing between arrows, chevron depth and half opening, in CSS pixels at the tile's
  // own zoom (they grow with the tile when it is overzoomed, like the streets).
  struct Arrows {
    float spacing = 120, length = 3, halfWidth = 2;
  } arrows;
  bool matches(const fb::Feature& f) const;
};

struct Layer {
  std::string id;
  Group group;
  int bucket;  // index into Style::buckets
  bool isLine;
  ColorCurve color;
  ZoomCurve width;  // lines: CSS pixels; points: the disc's diameter
  ZoomCurve opacity;
  double minZoom = 0, maxZoom = 24;
  // Lines only: the colour comes per feature from the renderer's feature-state table (live
  // traffic); `color` is then ignored and features without state are not drawn.
  bool featureState = false;
};

// Text labels (core/labels): which features of a tile get one, where, and how it looks. Labels
// are placed each frame by priority without overlaps; sizes are CSS pixels.
struct LabelClass {
  std::string id;
  Group group;  // hidden with its group (and with Group::Labels)
  std::string_view sourceLayer;
  // Point: beside the feature's point (its marker); Line: along the line, rotated with it
  // (upright); Area: at the polygon's pole of inaccessibility (per tile, clipped to the tile).
  enum class Placement : uint8_t { Point, Line, Area } placement;
  uint32_t kindMask = ~0u;
  double minZoom = 0, maxZoom = 24;  // camera zooms the class shows at
  int priority = 0;                  // lower is placed first
  float size = 12;                   // text size, CSS px (the app rasterises each size used)
  Color color, halo;
  ZoomCurve offset = ZoomCurve::constant(0);  // Point: gap between the point and the text (the marker's radius + 2)
  float repeatDistance = 0;                   // the same text is not shown again closer than this (CSS px)
  // Line: candidate anchors along the line about every `spacing` px at the tile's zoom (the
  // placement keeps one per `repeatDistance`).
  float spacing = 128;
  // Point: the zoom from which the features' markers are drawn; from there on they keep other
  // point labels off, even before their own labels show.
  double markerMinZoom = 24;
  // From the style file (docs/MAP_STYLE.md). The text: the first of these feature properties
  // that is set ("name", "name:en", "ref"; core/labels shows the English name where the map's
  // language is English and the feature has one, else the name, else the ref).
  std::vector<std::string> textField;
  // Point: the icon drawn on the feature's point while its label shows (layout icon-image), by
  // the feature's kind: the sprite icon's name, empty for none (core/icons, docs/MAP_STYLE.md).
  std::array<std::string, 32> iconByKind;
  Color iconColor{1, 1, 1, 1};  // the symbol (paint icon-color)
  Color iconHalo{0, 0, 0, 0};   // the disc behind it (paint icon-halo-color)
  float iconSize = 0;           // the disc's diameter, CSS px (layout citymap:icon-size); 0: no icons
  bool hasIcons() const { return iconSize > 0; }
  // The style file's zoom curves behind size, color, halo, iconColor and iconHalo (text-size,
  // text-color, text-halo-color with text-opacity and text-halo-width, icon-color,
  // icon-halo-color). With `zoomDependent`, evaluateLabels sets those values for the camera's
  // zoom each frame; they hold the values at minZoom until then.
  ZoomCurve textSize = ZoomCurve::constant(0);
  ColorCurve textColor, textHalo, iconColorCurve, iconHaloCurve;
  float textOpacity = 1;
  bool haloOff = false;  // text-halo-width 0
  bool zoomDependent = false;
};

// Sets the class's size and colours to its curves' values at `zoom`.
void evaluateLabel(LabelClass& c, double zoom);

struct Style {
  std::string name;   // the style file's "name"
  std::string theme;  // the theme applied ("day": none)
  ColorCurve background;
  std::vector<Bucket> buckets;
  std::vector<Layer> layers;  // drawing order, bottom first
  std::vector<LabelClass> labels;
};

// True when both buckets select and tessellate the same features the same way (one mesh serves
// both).
bool sameBucket(const Bucket& a, const Bucket& b);
// True when both styles build the same buckets (tile meshes of one serve the other) and the
// same label classes' candidates.
bool sameBuckets(const Style& a, const Style& b);

// Sets each zoom-dependent label class's size and colours to their values at `zoom` (once per
// frame, before labels are placed and drawn).
void evaluateLabels(Style& style, double zoom);
// The distinct label text sizes of a style, smallest first (the fonts the app rasterises; every
// stop of a size curve).
std::vector<float> labelSizes(const Style& style);

// The default citymap look: assets/styles/citymap.json (embedded at build time) without a
// theme (the light "day" look, an OSM-Carto-like palette tuned for a city centre).
const Style& defaultStyle();
// The embedded style file's text (style_json.hpp parses it).
std::string_view builtinStyleText();

// Overlays (a developer's own GIS file, docs/OVERLAY.md): the tile layer "overlay", drawn above
// the map; the feature kind (the file's layer index, 0..7) picks one of kOverlayColors.
const Style& overlayStyle();
inline constexpr uint32_t kOverlayColors[8] = {0xe6007e, 0x0072b2, 0xd55e00, 0x009e73,
                                               0x6a3d9a, 0xb15928, 0x1f78b4, 0x33a02c};

}  // namespace citymap::style
