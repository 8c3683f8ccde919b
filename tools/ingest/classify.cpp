#include "ingest/classify.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

namespace citymap::ingest {

namespace {

using tile::BuildingKind;
using tile::LanduseKind;
using tile::PoiKind;
using tile::RailKind;
using tile::RoadKind;
using tile::WaterKind;

template <typename Kind>
struct Entry {
  std::string_view value;
  Kind kind;
};

template <typename Kind, size_t N>
std::optional<Kind> lookup(const Entry<Kind> (&table)[N], std::string_view value) {
  if (value.empty()) return std::nullopt;
  for (const auto& e : table)
    if (e.value == value) return e.kind;
  return std::nullopt;
}

template <size_t N>
bool oneOf(std::string_view value, const std::string_view (&values)[N]) {
  return std::find(std::begin(values), std::end(values), value) != std::end(values);
}

template <typename Kind>
uint8_t u8(Kind k) {
  return static_cast<uint8_t>(k);
}

// ---- roads ----------------------------------------------------------------------------------

constexpr Entry<RoadKind> kRoadKinds[] = {
    {"motorway", RoadKind::Motorway},
    {"motorway_link", RoadKind::Motorway},
    {"trunk", RoadKind::Trunk},
    {"trunk_link", RoadKind::Trunk},
    {"primary", RoadKind::Primary},
    {"primary_link", RoadKind::Primary},
    {"secondary", RoadKind::Secondary},
    {"secondary_link", RoadKind::Secondary},
    {"tertiary", RoadKind::Tertiary},
    {"tertiary_link", RoadKind::Tertiary},
    {"residential", RoadKind::Residential},
    {"living_street", RoadKind::Residential},
    {"unclassified", RoadKind::Residential},
    {"service", RoadKind::Service},
    {"footway", RoadKind::Footway},
    {"steps", RoadKind::Footway},
    {"corridor", RoadKind::Footway},
    {"path", RoadKind::Path},
    {"cycleway", RoadKind::Path},
    {"bridleway", RoadKind::Path},
    {"track", RoadKind::Track},
    {"pedestrian", RoadKind::Pedestrian},
};

// highway values on lines that are not drawn as roads.
constexpr std::string_view kNotRoads[] = {"proposed", "construction", "abandoned", "disused",  "razed",
                                          "platform", "no",           "rest_area", "services", "elevator"};

// ---- railways -------------------------------------------------------------------------------

constexpr Entry<RailKind> kRailKinds[] = {
    {"rail", RailKind::Rail},       {"tram", RailKind::Tram},          {"light_rail", RailKind::Other},
    {"subway", RailKind::Other},    {"narrow_gauge", RailKind::Other}, {"monorail", RailKind::Other},
    {"funicular", RailKind::Other}, {"preserved", RailKind::Other},    {"miniature", RailKind::Other},
};

// ---- water ----------------------------------------------------------------------------------

constexpr std::string_view kWaterwayLines[] = {"river", "stream", "canal", "drain", "ditch", "tidal_channel"};

std::optional<WaterKind> waterAreaKind(const Tags& t) {
  const std::string_view natural = t.get("natural");
  const std::string_view water = t.get("water");
  if (natural == "water" || natural == "bay" || natural == "strait") {
    constexpr std::string_view rivers[] = {"river", "canal", "stream", "oxbow", "rapids", "ditch", "drain"};
    constexpr std::string_view basins[] = {"reservoir", "basin", "wastewater"};
    if (oneOf(water, rivers)) return WaterKind::River;
    if (oneOf(water, basins)) return WaterKind::Basin;
    return WaterKind::Water;
  }
  const std::string_view waterway = t.get("waterway");
  if (waterway == "riverbank" || waterway == "canal" || waterway == "river") return WaterKind::River;
  if (waterway == "dock") return WaterKind::Basin;
  const std::string_view landuse = t.get("landuse");
  if (landuse == "reservoir" || landuse == "basin") return WaterKind::Basin;
  if (natural == "wetland" || natural == "mud") return WaterKind::Wetland;
  return std::nullopt;
}

// ---- landuse --------------------------------------------------------------------------------

constexpr Entry<LanduseKind> kAmenityAreas[] = {
    {"school", LanduseKind::Education},    {"university", LanduseKind::Education},
    {"college", LanduseKind::Education},   {"kindergarten", LanduseKind::Education},
    {"hospital", LanduseKind::Hospital},   {"clinic", LanduseKind::Hospital},
    {"grave_yard", LanduseKind::Cemetery}, {"place_of_worship", LanduseKind::Other},
    {"parking", LanduseKind::Other},       {"marketplace", LanduseKind::Commercial},
};

constexpr Entry<LanduseKind> kLeisureAreas[] = {
    {"park", LanduseKind::Park},        {"garden", LanduseKind::Park},        {"pitch", LanduseKind::Park},
    {"playground", LanduseKind::Park},  {"sports_centre", LanduseKind::Park}, {"stadium", LanduseKind::Park},
    {"golf_course", LanduseKind::Park}, {"track", LanduseKind::Park},         {"recreation_ground", LanduseKind::Park},
    {"common", LanduseKind::Park},      {"dog_park", LanduseKind::Park},      {"nature_reserve", LanduseKind::Park},
    {"resort", LanduseKind::Other},     {"water_park", LanduseKind::Park},
};

constexpr Entry<LanduseKind> kLanduseAreas[] = {
    {"residential", LanduseKind::Residential},
    {"commercial", LanduseKind::Commercial},
    {"retail", LanduseKind::Commercial},
    {"industrial", LanduseKind::Industrial},
    {"port", LanduseKind::Industrial},
    {"railway", LanduseKind::Industrial},
    {"quarry", LanduseKind::Industrial},
    {"landfill", LanduseKind::Industrial},
    {"depot", LanduseKind::Industrial},
    {"garages", LanduseKind::Other},
    {"grass", LanduseKind::Grass},
    {"meadow", LanduseKind::Grass},
    {"village_green", LanduseKind::Grass},
    {"flowerbed", LanduseKind::Grass},
    {"recreation_ground", LanduseKind::Park},
    {"forest", LanduseKind::Forest},
    {"farmland", LanduseKind::Farmland},
    {"paddy", LanduseKind::Farmland},
    {"farmyard", LanduseKind::Farmland},
    {"orchard", LanduseKind::Farmland},
    {"vineyard", LanduseKind::Farmland},
    {"plant_nursery", LanduseKind::Farmland},
    {"allotments", LanduseKind::Farmland},
    {"greenhouse_horticulture", LanduseKind::Farmland},
    {"animal_keeping", LanduseKind::Farmland},
    {"cemetery", LanduseKind::Cemetery},
    {"education", LanduseKind::Education},
    {"military", LanduseKind::Military},
    {"aquaculture", LanduseKind::Aquaculture},
    {"salt_pond", LanduseKind::Aquaculture},
    {"construction", LanduseKind::Construction},
    {"brownfield", LanduseKind::Construction},
    {"greenfield", LanduseKind::Construction},
    {"religious", LanduseKind::Other},
    {"institutional", LanduseKind::Other},
};

constexpr Entry<LanduseKind> kNaturalAreas[] = {
    {"wood", LanduseKind::Forest}, {"scrub", LanduseKind::Grass},  {"grassland", LanduseKind::Grass},
    {"heath", LanduseKind::Grass}, {"sand", LanduseKind::Sand},    {"beach", LanduseKind::Sand},
    {"dune", LanduseKind::Sand},   {"shingle", LanduseKind::Sand}, {"bare_rock", LanduseKind::Other},
    {"scree", LanduseKind::Other}, {"rock", LanduseKind::Other},
};

std::optional<LanduseKind> landuseKind(const Tags& t) {
  if (auto k = lookup(kAmenityAreas, t.get("amenity"))) return k;
  if (auto k = lookup(kLeisureAreas, t.get("leisure"))) return k;
  if (auto k = lookup(kLanduseAreas, t.get("landuse"))) return k;
  if (auto k = lookup(kNaturalAreas, t.get("natural"))) return k;
  if (t.has("military") && t.get("military") != "no") return LanduseKind::Military;
  return std::nullopt;
}

// ---- POIs -----------------------------------------------------------------------------------

constexpr Entry<PoiKind> kAmenityPois[] = {
    {"restaurant", PoiKind::Food},
    {"cafe", PoiKind::Food},
    {"fast_food", PoiKind::Food},
    {"bar", PoiKind::Food},
    {"pub", PoiKind::Food},
    {"food_court", PoiKind::Food},
    {"ice_cream", PoiKind::Food},
    {"biergarten", PoiKind::Food},
    {"marketplace", PoiKind::Shop},
    {"hospital", PoiKind::Health},
    {"clinic", PoiKind::Health},
    {"doctors", PoiKind::Health},
    {"dentist", PoiKind::Health},
    {"pharmacy", PoiKind::Health},
    {"veterinary", PoiKind::Health},
    {"school", PoiKind::Education},
    {"university", PoiKind::Education},
    {"college", PoiKind::Education},
    {"kindergarten", PoiKind::Education},
    {"library", PoiKind::Education},
    {"language_school", PoiKind::Education},
    {"driving_school", PoiKind::Education},
    {"music_school", PoiKind::Education},
    {"bus_station", PoiKind::Transport},
    {"parking", PoiKind::Transport},
    {"fuel", PoiKind::Transport},
    {"ferry_terminal", PoiKind::Transport},
    {"taxi", PoiKind::Transport},
    {"bicycle_rental", PoiKind::Transport},
    {"car_rental", PoiKind::Transport},
    {"charging_station", PoiKind::Transport},
    {"motorcycle_parking", PoiKind::Transport},
    {"townhall", PoiKind::Government},
    {"police", PoiKind::Government},
    {"post_office", PoiKind::Government},
    {"courthouse", PoiKind::Government},
    {"fire_station", PoiKind::Government},
    {"embassy", PoiKind::Government},
    {"public_building", PoiKind::Government},
    {"bank", PoiKind::Finance},
    {"atm", PoiKind::Finance},
    {"bureau_de_change", PoiKind::Finance},
    {"money_transfer", PoiKind::Finance},
    {"place_of_worship", PoiKind::Worship},
    {"theatre", PoiKind::Tourism},
    {"cinema", PoiKind::Tourism},
    {"arts_centre", PoiKind::Tourism},
};

std::optional<PoiKind> poiKind(const Tags& t) {
  if (t.has("amenity")) return lookup(kAmenityPois, t.get("amenity")).value_or(PoiKind::Other);
  if (t.has("shop")) return PoiKind::Shop;
  if (t.has("tourism")) return PoiKind::Tourism;
  if (t.has("healthcare")) return PoiKind::Health;
  if (t.has("office")) return t.get("office") == "government" ? PoiKind::Government : PoiKind::Other;
  const std::string_view railway = t.get("railway");
  if (t.has("public_transport") || t.get("highway") == "bus_stop" || railway == "station" || railway == "halt" ||
      railway == "tram_stop" || t.get("aeroway") == "aerodrome" || t.get("aeroway") == "terminal")
    return PoiKind::Transport;
  if (t.has("historic")) return PoiKind::Tourism;
  if (t.has("leisure") || t.has("craft")) return PoiKind::Other;
  return std::nullopt;
}

// ---- flags ----------------------------------------------------------------------------------

bool isNo(std::string_view v) { return v == "no" || v == "false" || v == "0"; }
bool isYes(std::string_view v) { return v == "yes" || v == "true" || v == "1"; }

int8_t zOrderOf(const Tags& t) {
  std::string_view v = t.get("layer");
  if (v.empty()) return 0;
  if (const size_t semi = v.find(';'); semi != std::string_view::npos) v = v.substr(0, semi);
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);
  int n = 0;
  const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size()) return 0;
  return static_cast<int8_t>(std::clamp(n, -5, 5));
}

// Bridge, tunnel and layer: shared by every line and area.
void structureFlags(const Tags& t, Classification& c) {
  const std::string_view bridge = t.get("bridge");
  if (!bridge.empty() && !isNo(bridge)) c.flags |= tile::kFlagBridge;
  const std::string_view tunnel = t.get("tunnel");
  if (isYes(tunnel) || tunnel == "building_passage" || tunnel == "culvert") c.flags |= tile::kFlagTunnel;
  c.zOrder = zOrderOf(t);
}

void onewayFlags(const Tags& t, std::string_view highway, Classification& c) {
  const std::string_view oneway = t.get("oneway");
  if (isYes(oneway)) {
    c.flags |= tile::kFlagOneway;
  } else if (oneway == "-1" || oneway == "reverse") {
    c.flags |= tile::kFlagOneway;
    c.reverse = true;
  } else if (oneway.empty()) {
    // Implied by OSM conventions.
    const std::string_view junction = t.get("junction");
    if (junction == "roundabout" || junction == "circular" || highway == "motorway" || highway == "motorway_link")
      c.flags |= tile::kFlagOneway;
  }
}

std::optional<Classification> classifyLine(const Tags& t) {
  Classification c;
  if (const std::string_view highway = t.get("highway"); !highway.empty()) {
    if (oneOf(highway, kNotRoads)) return std::nullopt;
    c.layer = Layer::Roads;
    c.kind = u8(lookup(kRoadKinds, highway).value_or(RoadKind::Unknown));
    if (highway.ends_with("_link")) c.flags |= tile::kFlagLink;
    structureFlags(t, c);
    onewayFlags(t, highway, c);
    return c;
  }
  if (auto rail = lookup(kRailKinds, t.get("railway"))) {
    c.layer = Layer::Railways;
    c.kind = u8(*rail);
    structureFlags(t, c);
    return c;
  }
  if (oneOf(t.get("waterway"), kWaterwayLines)) {
    c.layer = Layer::Water;
    c.kind = u8(WaterKind::River);
    structureFlags(t, c);
    return c;
  }
  return std::nullopt;
}

std::optional<Classification> classifyArea(const Tags& t) {
  Classification c;
  if (auto water = waterAreaKind(t)) {
    c.layer = Layer::Water;
    c.kind = u8(*water);
  } else if (t.has("building") && !isNo(t.get("building"))) {
    c.layer = Layer::Buildings;
    c.kind = u8(BuildingKind::Building);
  } else if (auto landuse = landuseKind(t)) {
    c.layer = Layer::Landuse;
    c.kind = u8(*landuse);
  } else {
    return std::nullopt;
  }
  structureFlags(t, c);
  return c;
}

std::optional<Classification> classifyPoint(const Tags& t) {
  if (!t.has("name")) return std::nullopt;
  const auto kind = poiKind(t);
  if (!kind) return std::nullopt;
  Classification c;
  c.layer = Layer::Pois;
  c.kind = u8(*kind);
  return c;
}

}  // namespace

std::optional<Classification> classify(const Tags& tags, GeomType geom) {
  switch (geom) {
    case GeomType::Point:
      return classifyPoint(tags);
    case GeomType::Line:
      return classifyLine(tags);
    case GeomType::Polygon:
      return classifyArea(tags);
  }
  return std::nullopt;
}

std::optional<Classification> classifyAreaPoi(const Tags& tags) { return classifyPoint(tags); }

bool footAllowed(const Tags& t) {
  const std::string_view foot = t.get("foot");
  constexpr std::string_view allowed[] = {"yes", "designated", "permissive", "official", "destination"};
  constexpr std::string_view forbidden[] = {"no", "private", "use_sidepath"};
  if (oneOf(foot, allowed)) return true;
  if (oneOf(foot, forbidden)) return false;
  const std::string_view access = t.get("access");
  if (access == "no" || access == "private") return false;
  return !isYes(t.get("motorroad"));
}

uint8_t minZoomFor(Layer layer, uint8_t kind) {
  switch (layer) {
    case Layer::Roads: {
      const auto k = static_cast<RoadKind>(kind);
      return (k == RoadKind::Footway || k == RoadKind::Path || k == RoadKind::Service || k == RoadKind::Track) ? 14 : 0;
    }
    case Layer::Buildings:
      return 14;
    case Layer::Pois:
      return 15;
    case Layer::Transit:
      return static_cast<tile::TransitKind>(kind) == tile::TransitKind::BusStop ? 14 : 0;
    default:
      return 0;
  }
}

}  // namespace citymap::ingest
