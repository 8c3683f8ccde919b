#include "ingest/feature_id.hpp"

#include <charconv>
#include <string>

namespace citymap::ingest {

namespace {

// Non-negative integer below 2^62 (so that the OSM encoding does not overflow).
std::optional<uint64_t> parseId(std::string_view s) {
  uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v >= (uint64_t(1) << 62)) return std::nullopt;
  return v;
}

std::optional<OsmType> parseOsmType(std::string_view s) {
  if (s == "node" || s == "n" || s == "N") return OsmType::Node;
  if (s == "way" || s == "w" || s == "W") return OsmType::Way;
  if (s == "relation" || s == "r" || s == "R") return OsmType::Relation;
  return std::nullopt;
}

std::optional<FeatureId> osm(std::string_view idText, OsmType type) {
  if (auto v = parseId(idText)) return FeatureId{osmFeatureId(*v, type), true};
  return std::nullopt;
}

}  // namespace

std::optional<FeatureId> osmDriverId(std::string_view layer, const Tags& fields) {
  if (layer == "points") return osm(fields.get("osm_id"), OsmType::Node);
  if (layer == "lines") return osm(fields.get("osm_id"), OsmType::Way);
  if (layer == "multipolygons") {
    if (fields.has("osm_id")) return osm(fields.get("osm_id"), OsmType::Relation);
    return osm(fields.get("osm_way_id"), OsmType::Way);
  }
  if (layer == "multilinestrings" || layer == "other_relations") return osm(fields.get("osm_id"), OsmType::Relation);
  return std::nullopt;
}

bool isOsmDriverLayerName(std::string_view layer) {
  return layer == "points" || layer == "lines" || layer == "multilinestrings" || layer == "multipolygons" ||
         layer == "other_relations";
}

std::optional<FeatureId> sourceFieldId(const Tags& fields) {
  if (auto id = osm(fields.get("osm_way_id"), OsmType::Way)) return id;
  if (auto type = parseOsmType(fields.get("osm_type")))
    if (auto id = osm(fields.get("osm_id"), *type)) return id;
  if (const std::string_view id = fields.get("id"); !id.empty()) {
    if (const size_t slash = id.find('/'); slash != std::string_view::npos)
      if (auto type = parseOsmType(id.substr(0, slash)))
        if (auto v = osm(id.substr(slash + 1), *type)) return v;
    if (auto v = parseId(id)) return FeatureId{*v, false};
    return FeatureId{fnv1a64(id), false};
  }
  if (auto v = parseId(fields.get("osm_id"))) return FeatureId{*v, false};
  return std::nullopt;
}

std::optional<FeatureId> osmReferenceId(std::string_view text) {
  if (const size_t slash = text.find('/'); slash != std::string_view::npos) {
    if (auto type = parseOsmType(text.substr(0, slash))) return osm(text.substr(slash + 1), *type);
    return std::nullopt;
  }
  if (text.size() >= 2)
    if (auto type = parseOsmType(text.substr(0, 1))) return osm(text.substr(1), *type);
  return std::nullopt;
}

uint64_t hashedId(std::string_view fileName, std::string_view layer, int64_t fid) {
  uint64_t h = fnv1a64(fileName);
  h = fnv1a64(std::string_view("\0", 1), h);
  h = fnv1a64(layer, h);
  h = fnv1a64(std::string_view("\0", 1), h);
  return fnv1a64(std::to_string(fid), h);
}

}  // namespace citymap::ingest
