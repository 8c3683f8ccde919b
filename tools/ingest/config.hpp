#pragma once
// Layer configuration: which source files and GDAL layers feed which map layers, how each
// feature's class (kind) is computed, which fields hold its name, English name, reference,
// height and id, and from which zoom it is drawn. The format is documented in docs/INGEST.md;
// tools/ingest/danang.layers.json is the Da Nang configuration.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "ingest/feature.hpp"

namespace citymap::ingest {

// How a feature's layer and kind are found.
struct KindRule {
  enum class Mode : uint8_t {
    OsmTags,     // the OSM-tag classifier (classify.hpp): layer and kind from highway, building, ...
    Constant,    // every feature: `layer`, `constant`
    FieldMap,    // `layer`; the kind from the value of `field` through `map`
    LayerIndex,  // every feature: `layer`; the kind is the index of its GDAL layer among the
                 // dataset's layers with geometry, modulo 8 (the desktop's overlays)
  };
  Mode mode = Mode::OsmTags;
  Layer layer = Layer::Pois;
  uint8_t constant = 0;
  std::string field;
  std::vector<std::pair<std::string, uint8_t>> map;  // source value -> kind
  std::optional<uint8_t> fallback;                   // value not in the map: this kind, else dropped
};

// A source field (or OSM tag) read for the feature. `required` fields were named in the
// configuration and must exist in every GDAL layer read (an OSM `other_tags` layer excepted);
// the others are defaults that may be absent.
struct FieldRef {
  std::string name;
  bool required = false;
  bool empty() const { return name.empty(); }
};

struct FieldNames {
  FieldRef name{"name"};
  FieldRef nameEn{"name:en"};
  FieldRef ref{"ref"};
  FieldRef height{"height"};
  FieldRef levels{"building:levels"};
  FieldRef color;
  // Read like the OSM `oneway` tag: yes/true/1 = one-way along the line, -1/reverse = one-way
  // against it (the line is reversed), anything else two-way. Non-OSM sources only (the OSM
  // classifier reads `oneway` itself).
  FieldRef oneway;
  // People a shelter holds: the first number of the text ("500", "500-600", "100 ~ 150").
  // Written into the walking graph's shelter list, not into tiles.
  FieldRef capacity;
};

// How the stable feature id is made (see docs/INGEST.md, "Feature ids").
struct IdRule {
  enum class Mode : uint8_t {
    Legacy,  // command-line inputs: OSM ids, an id/osm_id field, else a hash of file, layer, FID
    Osm,     // OSM ids (driver layers, osm_id/osm_way_id/id "way/1"), else the hash below
    Fields,  // FNV-1a of namespace + the fields' values (+ the first coordinate)
  };
  Mode mode = Mode::Legacy;
  std::vector<FieldRef> fields;  // Fields mode; none = name only
  bool coordinates = false;      // hash the first coordinate too (as read, before reprojection)
  bool osmValues = false;        // the single field holds OSM references ("relation/123")
  std::string ns;                // hash namespace: by default the source's path as configured
};

// "skip_near_same_name": a line of this source is left out where a line of `layer` from an
// earlier source with the same name (compared folded, as search keys) already runs along it:
// when at least half of the line (sampled every few metres) is within `distanceM` of such a
// line. With `unnamedMatchesAny`, an unnamed line is left out near a line of any name; else an
// unnamed line only matches unnamed lines.
struct NearRule {
  Layer layer = Layer::Roads;
  double distanceM = 30;
  bool unnamedMatchesAny = false;
};

struct SourceSpec {
  std::string path;                 // the file to open
  std::string label;                // how messages name it (the configured path, or the input)
  std::vector<std::string> layers;  // GDAL layers to read; empty = all
  KindRule kind;
  FieldNames fields;
  IdRule id;
  std::optional<uint8_t> minZoom;  // default: classify.hpp's minZoomFor()
  std::string crs;                 // CRS assumed when the source declares none (any PROJ/GDAL text)
  bool overrideCrs = false;        // use `crs` even when the source declares one
  bool search = true;              // add named features to the search index
  // Names that mean "no name" ("Đường không tên"), compared folded: such features are unnamed.
  std::vector<std::string> placeholderNames;
  std::optional<NearRule> skipNear;  // "skip_near_same_name"
  // The name comes from `fields.name` if the layer has that field, else from the first field
  // that looks like a name (name, ten, title, label, ..., case-insensitive; see nameFieldOf()).
  bool guessNameField = false;

  // A command-line INPUT: every layer, OSM tags, legacy ids.
  static SourceSpec commandLine(const std::string& path);
  // An overlay file (overlay.hpp): every feature of every layer into `Layer::Overlay`, kind by
  // layer index, legacy ids, a guessed name field, written from zoom 0, not searched.
  static SourceSpec overlay(const std::string& path);
};

struct IngestConfig {
  // The place the data covers, as the map's title shows it ("name": "Đà Nẵng", "name_en": "Da Nang").
  std::string name, nameEn;
  std::optional<std::array<double, 4>> bbox;    // west, south, east, north
  std::optional<std::array<double, 3>> center;  // lng, lat, zoom: the map's default view
  std::optional<int> minZoom, maxZoom;
  std::string assumeCrs;   // for every source without a CRS
  bool mergeRoads = true;  // "merge_roads": write the road_labels layer
  std::vector<SourceSpec> sources;
};

// Parses a configuration. Relative source paths are resolved against `dataDir`; every file
// must exist. `configName` names the configuration in messages.
Result<IngestConfig> parseConfig(std::string_view json, const std::filesystem::path& dataDir,
                                 std::string_view configName);
// Reads and parses `file`; `dataDir` empty = the configuration file's folder.
Result<IngestConfig> loadConfig(const std::filesystem::path& file, const std::filesystem::path& dataDir);

// Checks a CRS definition ("EPSG:5899", "+proj=tmerc ...", WKT) with GDAL/PROJ.
Result<bool> validateCrs(const std::string& crs);

}  // namespace citymap::ingest
