#pragma once
// Names of the feature classes of core/tile/kinds.hpp, as written in layer configurations and
// in the search index ("Primary", "Ward2025", "FloodTower", ...). Index = kind value.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ingest/feature.hpp"

namespace citymap::ingest {

// Every kind name of the layer, in value order.
std::span<const std::string_view> kindNames(Layer layer);
// The kind called `name` in `layer` (exact, case-sensitive), or nullopt.
std::optional<uint8_t> kindFromName(Layer layer, std::string_view name);
// The name of a kind ("" if the value is unknown).
std::string_view kindName(Layer layer, uint8_t kind);

}  // namespace citymap::ingest
