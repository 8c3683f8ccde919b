#include "ingest/kind_names.hpp"

#include <array>

namespace citymap::ingest {

namespace {

// Same order and values as the enums in core/tile/kinds.hpp (checked by the unit tests).
constexpr std::string_view kWater[] = {"Water", "River", "Basin", "Wetland"};
constexpr std::string_view kLanduse[] = {"Residential", "Commercial", "Industrial",  "Park",         "Grass",
                                         "Forest",      "Farmland",   "Cemetery",    "Sand",         "Education",
                                         "Hospital",    "Military",   "Aquaculture", "Construction", "Other"};
constexpr std::string_view kRoads[] = {"Motorway", "Trunk",   "Primary", "Secondary", "Tertiary",   "Residential",
                                       "Service",  "Footway", "Path",    "Track",     "Pedestrian", "Unknown"};
constexpr std::string_view kRailways[] = {"Rail", "Tram", "Other"};
constexpr std::string_view kBuildings[] = {"Building"};
constexpr std::string_view kPois[] = {"Other",   "Food",      "Shop",       "Health",  "Education",
                                      "Tourism", "Transport", "Government", "Finance", "Worship"};
constexpr std::string_view kAdmin[] = {"City2025", "Ward2025", "CityPre2025", "DistrictPre2025", "WardPre2025"};
constexpr std::string_view kTransit[] = {"BusRoute", "BusStop"};
constexpr std::string_view kIoc[] = {"FloodTower",   "FloodStation",  "RainGauge",  "CoastalStation",
                                     "StormShelter", "LandslideSite", "LoraGateway"};

// Overlay kinds are the index of the overlay file's GDAL layer, modulo 8 (overlay.hpp).
constexpr std::string_view kOverlay[] = {"Layer0", "Layer1", "Layer2", "Layer3",
                                         "Layer4", "Layer5", "Layer6", "Layer7"};

constexpr std::array<std::span<const std::string_view>, kLayerCount> kTables = {
    kWater, kLanduse, kRoads, kRailways, kBuildings, kPois, kAdmin, kTransit, kIoc, kRoads, kOverlay};

}  // namespace

std::span<const std::string_view> kindNames(Layer layer) { return kTables[static_cast<size_t>(layer)]; }

std::optional<uint8_t> kindFromName(Layer layer, std::string_view name) {
  const auto names = kindNames(layer);
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<uint8_t>(i);
  return std::nullopt;
}

std::string_view kindName(Layer layer, uint8_t kind) {
  const auto names = kindNames(layer);
  return kind < names.size() ? names[kind] : std::string_view{};
}

}  // namespace citymap::ingest
