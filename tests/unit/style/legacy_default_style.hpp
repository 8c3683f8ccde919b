#pragma once
// The default look as C++ built it before the style file (style::makeDefault, removed from the
// core): the day style file must reproduce it (style_file_test.cpp), with the later changes of
// the file noted where they are. Kept only as a reference.
#include <initializer_list>
#include <iterator>
#include <string>

#include "style/style.hpp"
#include "tile/kinds.hpp"

namespace citymap::style::legacy {

using tile::AdminKind;
using tile::IocKind;
using tile::LanduseKind;
using tile::PoiKind;
using tile::RoadKind;
using tile::TransitKind;
using tile::WaterKind;

template <typename E>
constexpr uint32_t kinds(std::initializer_list<E> list) {
  uint32_t m = 0;
  for (E e : list) m |= 1u << uint32_t(e);
  return m;
}

struct RoadClass {
  const char* name;
  uint32_t kinds;
  int minTileZoom;
  Color fill, casing;
  ZoomCurve width;  // fill width; the casing adds a fixed border
  double minZoom;
};

inline Style makeDefault() {
  Style s;
  s.background = Color::hex(0xf2efe9);
  const auto bucket = [&](Bucket b) {
    s.buckets.push_back(b);
    return int(s.buckets.size() - 1);
  };
  const auto fill = [&](std::string id, Group g, int b, Color c, double minZoom = 0) {
    s.layers.push_back({std::move(id), g, b, false, c, {}, ZoomCurve::constant(1), minZoom, 24});
  };
  const auto line = [&](std::string id, Group g, int b, Color c, ZoomCurve w, double minZoom = 0,
                        ZoomCurve opacity = ZoomCurve::constant(1)) {
    s.layers.push_back({std::move(id), g, b, true, c, std::move(w), std::move(opacity), minZoom, 24});
  };

  // Areas get a one-pixel antialiased outline in their own colour (the WebGL canvas runs
  // without MSAA, which is far slower in software renderers), like MapLibre's fill-antialias.
  const tess::LineStyle outlineLine{tess::LineJoin::Bevel, tess::LineCap::Butt};
  const auto area = [&](std::string id, Group g, std::string_view layer, uint32_t kindMask, Color c,
                        int minTileZoom = 0, double minZoom = 0) {
    fill(id, g, bucket({layer, Bucket::Geometry::Fill, kindMask, 0, 0, minTileZoom}), c, minZoom);
    line(id + "-outline", g, bucket({layer, Bucket::Geometry::Outline, kindMask, 0, 0, minTileZoom, outlineLine}), c,
         ZoomCurve::constant(1), minZoom);
  };

  // Land use, drawn below water.
  struct LanduseFill {
    const char* id;
    uint32_t kinds;
    uint32_t color;
  };
  const LanduseFill landuse[] = {
      {"landuse-residential", kinds({LanduseKind::Residential, LanduseKind::Construction}), 0xe6e2dc},
      {"landuse-commercial", kinds({LanduseKind::Commercial}), 0xf2dcda},
      {"landuse-industrial", kinds({LanduseKind::Industrial, LanduseKind::Military}), 0xe8dde6},
      {"landuse-farmland", kinds({LanduseKind::Farmland, LanduseKind::Aquaculture}), 0xeef0d5},
      {"landuse-education", kinds({LanduseKind::Education}), 0xf7eec4},
      {"landuse-hospital", kinds({LanduseKind::Hospital}), 0xf9e1e3},
      {"landuse-sand", kinds({LanduseKind::Sand}), 0xf5e9c6},
      {"landuse-grass", kinds({LanduseKind::Grass, LanduseKind::Park, LanduseKind::Cemetery}), 0xcdebb0},
      {"landuse-forest", kinds({LanduseKind::Forest}), 0xadd19e},
  };
  for (const auto& l : landuse) area(l.id, Group::Landuse, tile::layer::kLanduse, l.kinds, Color::hex(l.color));

  // Water.
  area("water", Group::Water, tile::layer::kWater, ~0u, Color::hex(0xaad3df));
  line("waterway", Group::Water,
       bucket(
           {tile::layer::kWater, Bucket::Geometry::Line, ~0u, 0, 0, 0, {tess::LineJoin::Round, tess::LineCap::Round}}),
       Color::hex(0xaad3df), {{{12, 0.5f}, {15, 2.f}, {18, 6.f}}, 1.4f});

  // Buildings: fill plus a slightly darker outline from z15.
  // Buildings: the outline darkens from z15.5 (below that it only antialiases the edge).
  const int buildingFill = bucket({tile::layer::kBuildings, Bucket::Geometry::Fill, ~0u, 0, 0, 14});
  const int buildingLine = bucket({tile::layer::kBuildings, Bucket::Geometry::Outline, ~0u, 0, 0, 14, outlineLine});
  fill("building", Group::Buildings, buildingFill, Color::hex(0xd9d0c9), 14);
  line("building-outline", Group::Buildings, buildingLine, Color::hex(0xd9d0c9), ZoomCurve::constant(1), 14);
  line("building-edge", Group::Buildings, buildingLine, Color::hex(0xc4b6ab), ZoomCurve::constant(0.75f), 15.5);

  // Roads, minor to major; bridges repeat the set on top with their own casing.
  const RoadClass roads[] = {
      {"path",
       kinds({RoadKind::Footway, RoadKind::Path, RoadKind::Track, RoadKind::Pedestrian}),
       14,
       Color::hex(0xf7f4ef),
       Color::hex(0xd7c9bd),
       {{{14, 0.5f}, {16, 1.5f}, {18, 4.f}}, 1.5f},
       14.5},
      {"service",
       kinds({RoadKind::Service}),
       14,
       Color::hex(0xffffff),
       Color::hex(0xcfc5bb),
       {{{14, 0.5f}, {16, 2.f}, {18, 7.f}}, 1.5f},
       14},
      {"residential",
       kinds({RoadKind::Residential, RoadKind::Unknown}),
       12,
       Color::hex(0xffffff),
       Color::hex(0xc9bfb5),
       {{{12, 0.5f}, {14, 1.5f}, {16, 5.f}, {18, 16.f}}, 1.5f},
       12},
      {"tertiary",
       kinds({RoadKind::Tertiary}),
       12,
       Color::hex(0xffffff),
       Color::hex(0xb9aea3),
       {{{12, 0.8f}, {14, 2.5f}, {16, 7.f}, {18, 20.f}}, 1.5f},
       12},
      {"secondary",
       kinds({RoadKind::Secondary}),
       12,
       Color::hex(0xf7fabf),
       Color::hex(0xb6b88a),
       {{{12, 1.f}, {14, 3.f}, {16, 8.f}, {18, 22.f}}, 1.5f},
       12},
      {"primary",
       kinds({RoadKind::Primary}),
       12,
       Color::hex(0xfcd6a4),
       Color::hex(0xc79a5a),
       {{{12, 1.2f}, {14, 3.5f}, {16, 9.f}, {18, 24.f}}, 1.5f},
       12},
      {"trunk",
       kinds({RoadKind::Trunk}),
       12,
       Color::hex(0xf9b29c),
       Color::hex(0xc0765e),
       {{{12, 1.4f}, {14, 4.f}, {16, 10.f}, {18, 26.f}}, 1.5f},
       12},
      {"motorway",
       kinds({RoadKind::Motorway}),
       12,
       Color::hex(0xe892a2),
       Color::hex(0xb2495f),
       {{{12, 1.6f}, {14, 4.5f}, {16, 11.f}, {18, 28.f}}, 1.5f},
       12},
  };
  const tess::LineStyle roadLine{tess::LineJoin::Round, tess::LineCap::Round};
  const tess::LineStyle bridgeLine{tess::LineJoin::Round, tess::LineCap::Butt};
  for (int bridge = 0; bridge < 2; ++bridge) {
    const uint8_t all = bridge ? tile::kFlagBridge : 0, none = bridge ? 0 : tile::kFlagBridge;
    std::vector<int> ids;
    for (const auto& r : roads)
      ids.push_back(bucket({tile::layer::kRoads, Bucket::Geometry::Line, r.kinds, all, none, r.minTileZoom,
                            bridge ? bridgeLine : roadLine}));
    const std::string prefix = bridge ? "bridge-" : "road-";
    // Casing under every fill of the same pass, so crossings merge cleanly.
    for (size_t i = 0; i < std::size(roads); ++i) {
      ZoomCurve casing = roads[i].width;
      for (auto& [z, w] : casing.stops) w += z < 14 ? 0.8f : (bridge ? 3.f : 2.f);
      line(prefix + roads[i].name + "-casing", Group::Roads, ids[i], roads[i].casing, casing, roads[i].minZoom);
    }
    for (size_t i = 0; i < std::size(roads); ++i)
      line(prefix + roads[i].name, Group::Roads, ids[i], roads[i].fill, roads[i].width, roads[i].minZoom);
  }

  // Live traffic over the roads that carry motor traffic: colour per road from the feed
  // (docs/FEEDS.md); roads without a current report are not drawn here. Residential and
  // unclassified roads from z15 only (issue 12: at z13-14 they are a dense mesh that costs
  // frames under a live load and says little).
  {
    const auto traffic = [&](const char* id, uint32_t kindMask, float minZoom) {
      Bucket b{tile::layer::kRoads, Bucket::Geometry::Line, kindMask, 0, 0, uint8_t(minZoom), roadLine};
      b.featureSlots = true;
      line(id, Group::Roads, bucket(b), Color::hex(0xffffff), {{{13, 1.5f}, {15, 2.5f}, {16, 4.f}, {18, 10.f}}, 1.5f},
           minZoom);
      s.layers.back().featureState = true;
    };
    traffic("traffic",
            kinds({RoadKind::Motorway, RoadKind::Trunk, RoadKind::Primary, RoadKind::Secondary, RoadKind::Tertiary}),
            13);
    traffic("traffic-minor", kinds({RoadKind::Residential, RoadKind::Unknown}), 15);
  }

  // One-way arrows: thin chevrons in the direction of travel along every one-way road that
  // carries vehicles, from z16 where the streets are wide enough (MapLibre / OSM Carto start
  // there too), one about every 120 px, in a darker shade of the road casings; above the
  // traffic colours so they stay visible on live roads.
  {
    const uint32_t vehicles = ~kinds({RoadKind::Footway, RoadKind::Path, RoadKind::Pedestrian});
    Bucket arrows{tile::layer::kRoads,
                  Bucket::Geometry::Arrows,
                  vehicles,
                  tile::kFlagOneway,
                  0,
                  16,
                  {tess::LineJoin::Round, tess::LineCap::Round}};
    arrows.arrows = {120, 3.f, 2.f};
    line("road-oneway-arrow", Group::Roads, bucket(arrows), Color::hex(0x7d6f63, 0.85f), {{{16, 1.f}, {18, 1.5f}}, 1},
         16);
  }

  // Railways.
  line("railway", Group::Railways,
       bucket({tile::layer::kRailways,
               Bucket::Geometry::Line,
               ~0u,
               0,
               0,
               12,
               {tess::LineJoin::Round, tess::LineCap::Butt}}),
       Color::hex(0x8f8a86), {{{12, 0.8f}, {16, 2.5f}, {18, 4.f}}, 1.3f});

  // Administrative units of the 2025 structure: ward/commune lines, the city outline on top.
  const tess::LineStyle boundary{tess::LineJoin::Round, tess::LineCap::Round};
  line("admin-ward", Group::Admin,
       bucket({tile::layer::kAdmin, Bucket::Geometry::Outline, kinds({AdminKind::Ward2025}), 0, 0, 0, boundary}),
       Color::hex(0x9e7bb5, 0.7f), {{{12, 0.8f}, {16, 1.6f}}, 1});
  line("admin-city", Group::Admin,
       bucket({tile::layer::kAdmin, Bucket::Geometry::Outline, kinds({AdminKind::City2025}), 0, 0, 0, boundary}),
       Color::hex(0x7b4f9e, 0.8f), {{{12, 1.6f}, {16, 3.f}}, 1});

  // Bus routes and stops.
  line("transit-route", Group::Transit,
       bucket({tile::layer::kTransit, Bucket::Geometry::Line, kinds({TransitKind::BusRoute}), 0, 0, 0, roadLine}),
       Color::hex(0x2c7fb8, 0.55f), {{{12, 1.f}, {16, 2.2f}, {18, 4.f}}, 1});  // lighter since the code's look

  // Point markers: a white ring under a coloured disc.
  const auto marker = [&](std::string id, Group g, std::string_view layer, uint32_t kindMask, uint32_t color,
                          ZoomCurve size, double minZoom) {
    const int b = bucket({layer, Bucket::Geometry::Point, kindMask, 0, 0, 0});
    ZoomCurve ring = size;
    for (auto& [z, w] : ring.stops) w += 3;
    line(id + "-ring", g, b, Color::hex(0xffffff), ring, minZoom);
    line(id, g, b, Color::hex(color), std::move(size), minZoom);
  };
  marker("transit-stop", Group::Transit, tile::layer::kTransit, kinds({TransitKind::BusStop}), 0x2c7fb8,
         {{{14, 4.f}, {18, 9.f}}, 1}, 14.5);
  marker("poi", Group::Pois, tile::layer::kPois, ~0u, 0x9c6b4e, {{{15, 4.f}, {18, 8.f}}, 1}, 16);
  struct IocMarker {
    const char* id;
    IocKind kind;
    uint32_t color;
    double minZoom;
  };
  const IocMarker ioc[] = {
      {"ioc-landslide", IocKind::LandslideSite, 0xa6611a, 13},
      {"ioc-gateway", IocKind::LoraGateway, 0x7f7f7f, 14},
      {"ioc-shelter", IocKind::StormShelter, 0x1a9850, 13},
      {"ioc-rain-gauge", IocKind::RainGauge, 0x3288bd, 11},
      {"ioc-coastal-station", IocKind::CoastalStation, 0x5e3c99, 11},
      {"ioc-flood-station", IocKind::FloodStation, 0xd53e4f, 11},
      {"ioc-flood-tower", IocKind::FloodTower, 0xd53e4f, 11},
  };
  for (const auto& m : ioc)
    marker(m.id, Group::Ioc, tile::layer::kIoc, kinds({m.kind}), m.color, {{{11, 6.f}, {16, 11.f}, {18, 14.f}}, 1},
           m.minZoom);

  // Labels, by priority (lower first): IOC assets, wards, major streets, important places,
  // other streets, water, bus stops, other places, lanes and paths. Point labels sit beside
  // their marker: the offset is the marker's radius (with its ring) plus a 2 px gap.
  using P = LabelClass::Placement;
  const Color halo = Color::hex(0xffffff, 0.9f);
  const auto offsetFor = [](ZoomCurve size) {
    for (auto& [z, w] : size.stops) w = (w + 3) / 2 + 2;
    return size;
  };
  const ZoomCurve iocOffset = offsetFor({{{11, 6.f}, {16, 11.f}, {18, 14.f}}, 1});
  const auto label = [&](LabelClass c) { s.labels.push_back(std::move(c)); };
  label({"label-ioc-station", Group::Ioc, tile::layer::kIoc, P::Point,
         kinds({IocKind::FloodTower, IocKind::FloodStation, IocKind::RainGauge, IocKind::CoastalStation}), 13, 24, 0,
         12, Color::hex(0x8c1d2c), halo, iocOffset, 0, 128, 11});
  label({"label-ioc-shelter", Group::Ioc, tile::layer::kIoc, P::Point, kinds({IocKind::StormShelter}), 14.5, 24, 1, 12,
         Color::hex(0x136b38), halo, iocOffset, 0, 128, 13});
  label({"label-ward", Group::Admin, tile::layer::kAdmin, P::Area, kinds({AdminKind::Ward2025}), 12, 16.5, 2, 14,
         Color::hex(0x6a4c82), Color::hex(0xffffff, 0.8f), ZoomCurve::constant(0), 0});
  const uint32_t major = kinds({RoadKind::Motorway, RoadKind::Trunk, RoadKind::Primary});
  const uint32_t middle = kinds({RoadKind::Secondary, RoadKind::Tertiary});
  const uint32_t minor = kinds({RoadKind::Residential, RoadKind::Unknown});
  const uint32_t lanes = kinds({RoadKind::Service, RoadKind::Pedestrian});
  const uint32_t paths = kinds({RoadKind::Footway, RoadKind::Path, RoadKind::Track});
  const Color street = Color::hex(0x333333);
  const auto road = [&](const char* id, uint32_t mask, double minZoom, int priority, float size, Color c) {
    label({id, Group::Roads, tile::layer::kRoadLabels, P::Line, mask, minZoom, 24, priority, size, c, halo,
           ZoomCurve::constant(0), 250, 128});
  };
  // Sizes at minzoom: the file's road labels grow with the zoom since (12-15, 11-14, 11-13 px).
  road("label-road-major", major, 13, 3, 12, street);
  road("label-road-middle", middle, 14, 4, 11, street);
  const uint32_t importantPois = kinds({PoiKind::Tourism, PoiKind::Government, PoiKind::Health, PoiKind::Education});
  const ZoomCurve poiOffset = offsetFor({{{15, 4.f}, {18, 8.f}}, 1});
  label({"label-poi-major", Group::Pois, tile::layer::kPois, P::Point, importantPois, 16, 24, 5, 11,
         Color::hex(0x6f4a33), halo, poiOffset, 150, 128, 16});
  road("label-road-minor", minor, 15, 6, 11, street);
  label({"label-water", Group::Water, tile::layer::kWater, P::Area,
         kinds({WaterKind::Water, WaterKind::River, WaterKind::Basin}), 13, 24, 7, 12, Color::hex(0x2f5d7c),
         Color::hex(0xffffff, 0.85f), ZoomCurve::constant(0), 400});
  label({"label-transit-stop", Group::Transit, tile::layer::kTransit, P::Point, kinds({TransitKind::BusStop}), 16.5, 24,
         8, 11, Color::hex(0x1f5f8b), halo, offsetFor({{{14, 4.f}, {18, 9.f}}, 1}), 120, 128, 14.5});
  label({"label-poi", Group::Pois, tile::layer::kPois, P::Point, ~importantPois, 17, 24, 9, 11, Color::hex(0x6f4a33),
         halo, poiOffset, 150, 128, 16});
  road("label-road-lane", lanes, 16.5, 10, 11, Color::hex(0x4a4a4a));
  road("label-road-path", paths, 17, 11, 11, Color::hex(0x5a5a5a));
  return s;
}

}  // namespace citymap::style::legacy
