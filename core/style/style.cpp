#include "style/style.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <iterator>
#include <string>

#include "citymap/style_data.hpp"
#include "style/style_json.hpp"
#include "tile/kinds.hpp"

namespace citymap::style {

namespace {

// Where `zoom` falls between the stops: the index of the stop at or below it and the
// interpolation factor towards the next one (exponential with `base`; 0 for step curves).
template <typename Stops>
std::pair<size_t, double> locate(const Stops& stops, double zoom, float base, bool step) {
  if (step) {
    size_t i = 0;
    while (i + 1 < stops.size() && zoom >= stops[i + 1].first) ++i;
    return {i, 0};
  }
  if (zoom <= stops.front().first) return {0, 0};
  if (zoom >= stops.back().first) return {stops.size() - 1, 0};
  size_t i = 1;
  while (i < stops.size() - 1 && zoom > stops[i].first) ++i;
  const double z0 = stops[i - 1].first, span = stops[i].first - z0, d = zoom - z0;
  const double t = base == 1 ? d / span : (std::pow(base, d) - 1) / (std::pow(base, span) - 1);
  return {i - 1, t};
}

}  // namespace

Color ColorCurve::at(double zoom) const {
  if (stops.empty()) return {};
  const auto [i, t] = locate(stops, zoom, base, step);
  if (t == 0) return stops[i].second;
  const Color a = stops[i].second, b = stops[i + 1].second;
  const auto mix = [t = t](float x, float y) { return float(x + (y - x) * t); };
  return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b), mix(a.a, b.a)};
}

float ZoomCurve::at(double zoom) const {
  if (stops.empty()) return 0;
  if (step) return stops[locate(stops, zoom, base, true).first].second;
  if (zoom <= stops.front().first) return stops.front().second;
  if (zoom >= stops.back().first) return stops.back().second;
  for (size_t i = 1; i < stops.size(); ++i) {
    const auto [z1, v1] = stops[i];
    if (zoom > z1) continue;
    const auto [z0, v0] = stops[i - 1];
    const double span = z1 - z0, d = zoom - z0;
    const double t = base == 1 ? d / span : (std::pow(base, d) - 1) / (std::pow(base, span) - 1);
    return float(v0 + (v1 - v0) * t);
  }
  return stops.back().second;
}

const char* groupName(Group g) {
  switch (g) {
    case Group::Water:
      return "Water";
    case Group::Landuse:
      return "Land use & parks";
    case Group::Buildings:
      return "Buildings";
    case Group::Roads:
      return "Roads";
    case Group::Railways:
      return "Railways";
    case Group::Admin:
      return "Administrative units";
    case Group::Transit:
      return "Bus routes & stops";
    case Group::Ioc:
      return "IOC stations & shelters";
    case Group::Pois:
      return "Places of interest";
    case Group::Labels:
      return "Labels";
    case Group::Overlay:
      return "Overlays";
    case Group::Count:
      break;
  }
  return "?";
}

bool Bucket::matches(const fb::Feature& f) const {
  const fb::GeometryType want = geometry == Geometry::Line || geometry == Geometry::Arrows ? fb::GeometryType::Line
                                : geometry == Geometry::Point                              ? fb::GeometryType::Point
                                                                                           : fb::GeometryType::Polygon;
  if (f.type() != want) return false;
  if (f.kind() >= 32 || !(kindMask & (1u << f.kind()))) return false;
  return (f.flags() & flagsAll) == flagsAll && (f.flags() & flagsNone) == 0;
}

bool sameBucket(const Bucket& x, const Bucket& y) {
  return x.sourceLayer == y.sourceLayer && x.geometry == y.geometry && x.kindMask == y.kindMask &&
         x.flagsAll == y.flagsAll && x.flagsNone == y.flagsNone && x.minTileZoom == y.minTileZoom &&
         x.line.join == y.line.join && x.line.cap == y.line.cap && x.line.miterLimit == y.line.miterLimit &&
         x.line.roundSegments == y.line.roundSegments && x.featureSlots == y.featureSlots &&
         x.arrows.spacing == y.arrows.spacing && x.arrows.length == y.arrows.length &&
         x.arrows.halfWidth == y.arrows.halfWidth;
}

bool sameBuckets(const Style& a, const Style& b) {
  if (a.buckets.size() != b.buckets.size() || a.labels.size() != b.labels.size()) return false;
  for (size_t i = 0; i < a.buckets.size(); ++i)
    if (!sameBucket(a.buckets[i], b.buckets[i])) return false;
  for (size_t i = 0; i < a.labels.size(); ++i) {
    const LabelClass &x = a.labels[i], &y = b.labels[i];
    if (x.sourceLayer != y.sourceLayer || x.placement != y.placement || x.kindMask != y.kindMask ||
        x.spacing != y.spacing)
      return false;
  }
  return true;
}

std::vector<float> labelSizes(const Style& style) {
  std::vector<float> sizes;
  const auto add = [&](float size) {
    if (std::find(sizes.begin(), sizes.end(), size) == sizes.end()) sizes.push_back(size);
  };
  for (const LabelClass& c : style.labels) {
    // Not `size` of a zoom-dependent class: evaluateLabels changes it every frame.
    add(c.zoomDependent ? c.textSize.at(c.minZoom) : c.size);
    // A size that follows the zoom: each stop's size is rasterised; between stops the nearest
    // is drawn scaled.
    if (c.zoomDependent && c.textSize.stops.size() > 1)
      for (const auto& [zoom, size] : c.textSize.stops)
        if (zoom <= c.maxZoom) add(size);
  }
  std::sort(sizes.begin(), sizes.end());
  return sizes;
}

void evaluateLabels(Style& style, double zoom) {
  for (LabelClass& c : style.labels)
    if (c.zoomDependent) evaluateLabel(c, zoom);
}

void evaluateLabel(LabelClass& c, double zoom) {
  c.size = c.textSize.at(zoom);
  c.color = c.textColor.at(zoom);
  c.color.a *= c.textOpacity;
  c.halo = c.textHalo.at(zoom);
  c.halo.a = c.haloOff ? 0 : c.halo.a * c.textOpacity;
  if (c.hasIcons()) {
    c.iconColor = c.iconColorCurve.at(zoom);
    c.iconHalo = c.iconHaloCurve.at(zoom);
  }
}

std::string_view builtinStyleText() { return style_data::citymap_json; }

const Style& defaultStyle() {
  // The embedded file is checked by the unit tests (tests/unit/style); should it ever fail to
  // parse, the map is drawn empty rather than not at all.
  static const Style s = [] {
    auto loaded = parseStyle(builtinStyleText(), "citymap.json");
    return loaded ? std::move(loaded->style) : Style{};
  }();
  return s;
}

namespace {

Style makeOverlay() {
  Style s;
  s.background = Color::hex(0xffffff, 0);
  const tess::LineStyle round{tess::LineJoin::Round, tess::LineCap::Round};
  for (uint32_t k = 0; k < std::size(kOverlayColors); ++k) {
    const Color c = Color::hex(kOverlayColors[k]);
    const std::string id = "overlay-" + std::to_string(k);
    const uint32_t mask = 1u << k;
    const auto add = [&](Bucket b) {
      s.buckets.push_back(b);
      return int(s.buckets.size() - 1);
    };
    const int fill = add({tile::layer::kOverlay, Bucket::Geometry::Fill, mask, 0, 0, 0});
    const int outline = add({tile::layer::kOverlay, Bucket::Geometry::Outline, mask, 0, 0, 0, round});
    const int line = add({tile::layer::kOverlay, Bucket::Geometry::Line, mask, 0, 0, 0, round});
    const int point = add({tile::layer::kOverlay, Bucket::Geometry::Point, mask, 0, 0, 0});
    const auto layer = [&](std::string suffix, int b, bool isLine, Color col, ZoomCurve w) {
      s.layers.push_back({id + suffix, Group::Overlay, b, isLine, col, std::move(w), ZoomCurve::constant(1), 0, 24});
    };
    layer("-fill", fill, false, Color{c.r, c.g, c.b, 0.22f}, {});
    layer("-outline", outline, true, c, {{{10, 1.f}, {16, 2.f}}, 1});
    layer("-line-halo", line, true, Color::hex(0xffffff, 0.85f), {{{10, 3.5f}, {16, 5.5f}}, 1});
    layer("-line", line, true, c, {{{10, 1.5f}, {16, 3.f}}, 1});
    layer("-point-ring", point, true, Color::hex(0xffffff), {{{10, 7.f}, {16, 11.f}}, 1});
    layer("-point", point, true, c, {{{10, 5.f}, {16, 8.f}}, 1});
  }
  return s;
}

}  // namespace

const Style& overlayStyle() {
  static const Style s = makeOverlay();
  return s;
}

}  // namespace citymap::style
