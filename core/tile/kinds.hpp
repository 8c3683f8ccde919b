#pragma once
// Layer names and feature classes written by tools/ingest and read by the style.
// Values are part of the tile format: append, never renumber.
#include <cstdint>
#include <string_view>

namespace citymap::tile {

// The format written; readers take every version from kMinFormatVersion (1: absolute
// coordinates; 2: delta-coded coordinates, core/tile/coord_delta.hpp).
inline constexpr uint16_t kFormatVersion = 2;
inline constexpr uint16_t kMinFormatVersion = 1;
inline constexpr uint16_t kDefaultExtent = 4096;

namespace layer {
inline constexpr std::string_view kWater = "water";
inline constexpr std::string_view kLanduse = "landuse";
inline constexpr std::string_view kRoads = "roads";
inline constexpr std::string_view kRailways = "railways";
inline constexpr std::string_view kBuildings = "buildings";
inline constexpr std::string_view kPois = "pois";
inline constexpr std::string_view kAdmin = "admin";      // administrative units (polygons) and boundaries
inline constexpr std::string_view kTransit = "transit";  // bus routes (lines) and stops (points)
inline constexpr std::string_view kIoc = "ioc";          // IOC assets: monitoring stations, shelters, hazard sites
inline constexpr std::string_view kRoadLabels = "road_labels";  // named streets, road pieces merged, for labels
inline constexpr std::string_view kOverlay =
    "overlay";  // a developer's own file opened as an overlay (docs/OVERLAY.md)
}  // namespace layer

enum class WaterKind : uint8_t { Water = 0, River = 1, Basin = 2, Wetland = 3 };

enum class LanduseKind : uint8_t {
  Residential = 0,
  Commercial = 1,
  Industrial = 2,
  Park = 3,
  Grass = 4,
  Forest = 5,
  Farmland = 6,
  Cemetery = 7,
  Sand = 8,
  Education = 9,
  Hospital = 10,
  Military = 11,
  Aquaculture = 12,
  Construction = 13,
  Other = 14,
};

enum class RoadKind : uint8_t {
  Motorway = 0,
  Trunk = 1,
  Primary = 2,
  Secondary = 3,
  Tertiary = 4,
  Residential = 5,
  Service = 6,
  Footway = 7,
  Path = 8,
  Track = 9,
  Pedestrian = 10,
  Unknown = 11,
};
inline constexpr int kRoadKindCount = 12;

enum class RailKind : uint8_t { Rail = 0, Tram = 1, Other = 2 };

enum class BuildingKind : uint8_t { Building = 0 };

enum class PoiKind : uint8_t {
  Other = 0,
  Food = 1,
  Shop = 2,
  Health = 3,
  Education = 4,
  Tourism = 5,
  Transport = 6,
  Government = 7,
  Finance = 8,
  Worship = 9,
};

// Administrative units: the 2025 structure (communes/wards directly under the city) and the
// pre-2025 one (districts and wards).
enum class AdminKind : uint8_t {
  City2025 = 0,
  Ward2025 = 1,
  CityPre2025 = 2,
  DistrictPre2025 = 3,
  WardPre2025 = 4,
};

enum class TransitKind : uint8_t { BusRoute = 0, BusStop = 1 };

// IOC assets; live feeds refer to them by their stable feature id.
enum class IocKind : uint8_t {
  FloodTower = 0,
  FloodStation = 1,
  RainGauge = 2,
  CoastalStation = 3,
  StormShelter = 4,
  LandslideSite = 5,
  LoraGateway = 6,
};

// Bits of Feature.flags.
enum FeatureFlags : uint8_t {
  kFlagBridge = 1 << 0,
  kFlagTunnel = 1 << 1,
  kFlagOneway = 1 << 2,
  kFlagLink = 1 << 3,  // *_link road
};

}  // namespace citymap::tile
