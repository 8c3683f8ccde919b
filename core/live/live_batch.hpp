#pragma once
// What the live feeds look like on the map (docs/FEEDS.md, "On the map"): markers for sensors,
// shelters, cameras, buses and incidents, incident areas, and tropical storms (the forecast
// cone, the past and forecast tracks, the centre's symbol, text tags), built each frame in device pixels
// from the feed store and the camera (a few thousand vertices at most: cheap on the CPU, and
// double precision up to the last step, so markers sit exactly at every zoom). The renderer draws
// a LiveBatch with one program in one call. No GL here.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "feeds/feed_store.hpp"
#include "geo/camera.hpp"
#include "labels/placement.hpp"
#include "labels/text.hpp"
#include "scene/feature_index.hpp"
#include "style/style.hpp"
#include "tess/geometry.hpp"
#include "tess/line.hpp"

namespace citymap::live {

// Premultiplied RGBA8 packed as bytes r, g, b, a in memory order (little-endian uint32).
uint32_t packColor(uint32_t rgb, float alpha);

enum class Shape : uint8_t {
  Flat = 0,  // areas and outlines: the fill colour as is
  Disc = 1,
  Square = 2,    // rounded
  Triangle = 3,  // pointing up in the marker's frame (rotated by the vertex positions)
  Gauge = 4,     // a disc filled from the bottom up to `gauge` (0..1)
  Typhoon = 5,   // the tropical cyclone symbol: a disc with an eye and two arms curving out
                 // clockwise (northern hemisphere); `gauge` 1 mirrors it (southern)
};

struct MarkerVertex {
  float x = 0, y = 0;  // device pixels, origin top-left
  float u = 0, v = 0;  // position in the marker's frame: the shape spans -1..1
  uint32_t fill = 0, stroke = 0;
  float radius = 0;       // device pixels (for antialiasing); 0 for Flat
  float strokeWidth = 0;  // device pixels
  float shape = 0;        // Shape
  float gauge = 0;        // Gauge: filled fraction
};
static_assert(sizeof(MarkerVertex) == 40);

struct LiveBatch {
  std::vector<MarkerVertex> vertices;
  std::vector<uint32_t> indices;
  void clear() {
    vertices.clear();
    indices.clear();
  }
  bool empty() const { return indices.empty(); }
};

// Pieces of a batch in device pixels, for whatever else is drawn with the marker program (the
// live markers here, the selection highlight in core/pick):
// flat triangles in one colour;
void addFlat(LiveBatch& out, std::span<const tess::Vec2> points, std::span<const uint32_t> indices, uint32_t color);
// a line `widthDevice` wide (round joins);
void addStroke(LiveBatch& out, std::span<const tess::Vec2> line, float widthDevice, tess::LineCap cap, uint32_t color);
// a marker of `radiusDevice`, turned by `bearingDeg` (0 = up, clockwise).
void addMarker(LiveBatch& out, tess::Vec2 centre, float radiusDevice, Shape shape, uint32_t fill, uint32_t stroke,
               float strokeDevice, float gauge = 0, float bearingDeg = 0);

// Which live layers are shown (the UI's toggles).
struct LiveLayers {
  bool traffic = true, buses = true, sensors = true, shelters = true, incidents = true, cameras = true;
  bool storms = true;
};

// Colours (RGB) the map and the UI share.
uint32_t severityColor(feeds::Severity s);
uint32_t sensorLevelColor(int alertLevel);  // 0 = below the first threshold
uint32_t congestionColor(feeds::Congestion c);
uint32_t routeColor(std::string_view route);  // a stable colour per bus route name

// Where the sensor's value stands between 0 and its top threshold (0..1).
float gaugeFraction(const feeds::SensorReading& r);

// ---- tropical storms -----------------------------------------------------------------------

// The colour of a storm class (its symbol, track and forecast points; the UI's too).
uint32_t stormColor(feeds::StormCategory c);

// Text the live layer puts on the map (a storm's name, intensity and forecast times): anchored
// at a point in CSS px, drawn by the app with the label fonts (layoutTags) over the markers.
struct MapTag {
  enum class Role : uint8_t { Name = 0, Detail = 1, Time = 2 };  // tagStyle().labels[role]
  enum class Align : uint8_t { Left, Centre, Right };            // which part of the text is at anchor + offset
  std::string text;
  float x = 0, y = 0;    // anchor, CSS px
  float dx = 0, dy = 0;  // the text's reference point from the anchor (its vertical centre), CSS px
  Align align = Align::Left;
  Role role = Role::Time;
  float opacity = 1;
};

// A screen rectangle (CSS px) the live layer keeps its pointers and text out of: the panels.
struct ScreenBox {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool overlaps(const ScreenBox& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

// The label classes of the tags (sizes among the default style's, which the app rasterises).
const style::Style& tagStyle();
// Places the tags (in order; one that would overlap an earlier one or a box to avoid is left
// out) as labels of tagStyle(). The labels' texts point into `tags`.
void layoutTags(const std::vector<MapTag>& tags, const labels::FontSet& fonts, std::vector<labels::PlacedLabel>& out,
                std::span<const ScreenBox> avoid = {});

// "14:00 05/12": an epoch time in Vietnam's local time (Asia/Ho_Chi_Minh, UTC+7, no DST).
std::string formatLocalTime(int64_t epochMs);

// The outline of a storm's forecast cone in world coordinates: the union of the circles of
// uncertainty (the centre now, radius 0, then each forecast point with its radius) joined by
// their outer tangents, clockwise, without a closing point. Empty without a forecast.
std::vector<geo::WorldPoint> stormConeOutline(const feeds::StormReport& storm);

// A view (centre and zoom within the camera's range) that frames the storm's centre and its
// cone, or as much of its forecast as fits at the camera's lowest zoom.
struct View {
  geo::LngLat center;
  double zoom = 0;
};
View stormView(const feeds::StormReport& storm, const geo::Camera& camera);

// Where an entity is drawn: its reported position, else the map feature it names (shelters,
// stations; `index` learnt it from the tiles). nullopt if unknown or not a point.
std::optional<feeds::LngLat> entityPosition(const feeds::FeedStore& store, const scene::FeatureIndex& index,
                                            feeds::FeedKind kind, uint64_t id, int64_t nowMs);

// Fills `out` with everything the store holds that is visible in the camera, at time nowMs
// (epoch ms): faded by staleness, buses at their interpolated positions. Storms: the cone and
// tracks under every marker, the centre's symbol on top and, when the centre is off screen or
// under one of the `avoid` boxes (the panels), a pointer as near to it as the free view allows
// with the distance; their text goes to `tags` (if given), in English or Vietnamese.
void buildLiveBatch(const feeds::FeedStore& store, const scene::FeatureIndex& index, const geo::Camera& camera,
                    int64_t nowMs, const LiveLayers& layers, LiveBatch& out, std::vector<MapTag>* tags = nullptr,
                    bool english = false, std::span<const ScreenBox> avoid = {});

// A live thing under the pointer (for the UI's tooltip).
struct LivePick {
  feeds::FeedKind kind;
  uint64_t id = 0;
};
// The topmost marker within a few pixels of `p` (CSS pixels), if any.
std::optional<LivePick> pickLive(const feeds::FeedStore& store, const scene::FeatureIndex& index,
                                 const geo::Camera& camera, int64_t nowMs, const LiveLayers& layers,
                                 geo::ScreenPoint p);

}  // namespace citymap::live
