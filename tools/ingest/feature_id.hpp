#pragma once
// Stable 64-bit feature ids. OSM objects: (id << 2) | type with type 0 node, 1 way, 2 relation.
// Other sources: their own id field, else an FNV-1a hash of file name, layer and FID.
#include <cstdint>
#include <optional>
#include <string_view>

#include "ingest/tags.hpp"

namespace citymap::ingest {

enum class OsmType : uint8_t { Node = 0, Way = 1, Relation = 2 };

inline constexpr uint64_t osmFeatureId(uint64_t osmId, OsmType type) {
  return (osmId << 2) | static_cast<uint64_t>(type);
}

inline constexpr uint64_t kFnvOffset = 14695981039346656037ull;
inline constexpr uint64_t kFnvPrime = 1099511628211ull;

constexpr uint64_t fnv1a64(std::string_view data, uint64_t hash = kFnvOffset) {
  for (const char c : data) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

struct FeatureId {
  uint64_t value = 0;
  bool osm = false;  // value is an OSM-encoded id
};

// Features of GDAL's OSM driver, by layer: points carry node ids, lines way ids,
// multilinestrings and other_relations relation ids; multipolygons carry osm_id for relations
// and osm_way_id for closed ways. nullopt if the id field is missing or not a number.
std::optional<FeatureId> osmDriverId(std::string_view layer, const Tags& fields);

// True for the layer names of GDAL's OSM driver. Such a layer in another format (e.g. a
// GeoPackage made by ogr2ogr from an .osm file) keeps the driver's id fields, so osmDriverId
// applies to it too when it has an osm_id or osm_way_id field.
bool isOsmDriverLayerName(std::string_view layer);

// Any other source: osm_way_id (a way); osm_id with osm_type (node/way/relation or n/w/r);
// id ("way/123" style, a number, or any other text, hashed); osm_id alone (used as is).
std::optional<FeatureId> sourceFieldId(const Tags& fields);

// Fallback: FNV-1a of "<file name>\0<layer>\0<fid>".
uint64_t hashedId(std::string_view fileName, std::string_view layer, int64_t fid);

// Ids of configured sources (docs/INGEST.md): FNV-1a over the namespace and each value, each
// preceded by a NUL byte, folded to 51 bits and tagged with type 3 ((h << 2) | 3): below 2^53,
// so JavaScript numbers hold them exactly, and never equal to an OSM id (types 0..2).
class IdHasher {
 public:
  explicit IdHasher(std::string_view ns) : h_(fnv1a64(ns)) {}
  void add(std::string_view value) {
    h_ = fnv1a64(std::string_view("\0", 1), h_);
    h_ = fnv1a64(value, h_);
  }
  void addBytes(const void* data, size_t size) {
    h_ = fnv1a64(std::string_view(static_cast<const char*>(data), size), h_);
  }
  uint64_t id() const { return ((h_ & ((uint64_t(1) << 51) - 1)) << 2) | 3; }

 private:
  uint64_t h_;
};

// An OSM reference such as "relation/7053088", "way/1", "node/5" (also "r123", "w1", "n5").
std::optional<FeatureId> osmReferenceId(std::string_view text);

}  // namespace citymap::ingest
