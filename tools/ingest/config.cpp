#include "ingest/config.hpp"

#include <cpl_error.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <span>
#include <sstream>

#include "ingest/cli.hpp"
#include "ingest/kind_names.hpp"
#include "ingest/normalize.hpp"

namespace citymap::ingest {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string join(std::span<const std::string_view> items) {
  std::string out;
  for (const std::string_view s : items) out += (out.empty() ? "" : ", ") + std::string(s);
  return out;
}

std::string typeName(const json& v) { return v.type_name(); }

// Reads one object's keys, reporting the first error with its place ("sources[3].kind").
class Reader {
 public:
  explicit Reader(std::string configName) : config_(std::move(configName)) {}

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  void fail(const std::string& where, const std::string& message) {
    if (error_.empty()) error_ = config_ + ": " + (where.empty() ? "" : where + ": ") + message;
  }

  // Every key of `obj` must be one of `known` (catches misspelt keys).
  void checkKeys(const json& obj, const std::string& where, std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : obj.items()) {
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::vector<std::string_view> names(known);
      fail(where, "unknown key \"" + key + "\" (known keys: " + join(names) + ")");
      return;
    }
  }

  std::optional<std::string> string(const json& obj, const char* key, const std::string& where, bool required) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) fail(where, std::string("missing \"") + key + "\"");
      return std::nullopt;
    }
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      fail(where, std::string("\"") + key + "\" must be a non-empty string, not " + typeName(*it));
      return std::nullopt;
    }
    return it->get<std::string>();
  }

  std::optional<bool> boolean(const json& obj, const char* key, const std::string& where) {
    const auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    if (!it->is_boolean()) {
      fail(where, std::string("\"") + key + "\" must be true or false, not " + typeName(*it));
      return std::nullopt;
    }
    return it->get<bool>();
  }

  std::optional<int> integer(const json& obj, const char* key, const std::string& where, int lo, int hi) {
    const auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
      fail(where,
           std::string("\"") + key + "\" must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
      return std::nullopt;
    }
    return int(it->get<int64_t>());
  }

  std::vector<std::string> strings(const json& obj, const char* key, const std::string& where) {
    std::vector<std::string> out;
    const auto it = obj.find(key);
    if (it == obj.end()) return out;
    // A single name is accepted too.
    const json list = it->is_string() ? json::array({*it}) : *it;
    if (!list.is_array() || list.empty()) {
      fail(where, std::string("\"") + key + "\" must be a string or a non-empty list of strings");
      return out;
    }
    for (const json& v : list) {
      if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
        fail(where, std::string("\"") + key + "\" must list non-empty strings");
        return {};
      }
      out.push_back(v.get<std::string>());
    }
    return out;
  }

 private:
  std::string config_;
  std::string error_;
};

std::optional<uint8_t> kindOf(Reader& r, Layer layer, const std::string& name, const std::string& where) {
  if (auto k = kindFromName(layer, name)) return k;
  r.fail(where, "unknown kind \"" + name + "\" for layer " + std::string(layerName(layer)) +
                    " (one of: " + join(kindNames(layer)) + ")");
  return std::nullopt;
}

void parseKind(Reader& r, const json& src, const std::string& where, SourceSpec& spec) {
  const auto classify = r.string(src, "classify", where, false);
  const bool hasLayer = src.contains("layer"), hasKind = src.contains("kind");
  if (classify) {
    if (*classify != "osm") {
      r.fail(where, "\"classify\" must be \"osm\" (the OSM-tag classifier), not \"" + *classify + "\"");
      return;
    }
    if (hasLayer || hasKind) {
      r.fail(where, "give either \"classify\": \"osm\" or \"layer\" with \"kind\", not both");
      return;
    }
    spec.kind.mode = KindRule::Mode::OsmTags;
    return;
  }
  if (!hasLayer || !hasKind) {
    r.fail(where, "needs \"classify\": \"osm\", or \"layer\" and \"kind\"");
    return;
  }
  const auto layerText = r.string(src, "layer", where, true);
  if (!layerText) return;
  const auto layer = layerFromName(*layerText);
  if (!layer || size_t(*layer) >= kSourceLayerCount) {
    const std::string why = layer == Layer::RoadLabels ? " is made from the roads layer (see \"merge_roads\")"
                            : layer                    ? " is not written by sources"
                                                       : "";
    r.fail(where, (layer ? "layer \"" + *layerText + "\"" + why : "unknown layer \"" + *layerText + "\"") +
                      " (one of: " + join(std::span<const std::string_view>(kLayerNames.data(), kSourceLayerCount)) +
                      ")");
    return;
  }
  spec.kind.layer = *layer;
  const json& kind = src["kind"];
  const std::string kindWhere = where + ".kind";
  if (kind.is_string()) {
    spec.kind.mode = KindRule::Mode::Constant;
    if (auto k = kindOf(r, *layer, kind.get<std::string>(), kindWhere)) spec.kind.constant = *k;
    return;
  }
  if (!kind.is_object()) {
    r.fail(kindWhere, "must be a kind name or {\"field\": ..., \"map\": {...}, \"default\": ...}");
    return;
  }
  r.checkKeys(kind, kindWhere, {"field", "map", "default"});
  spec.kind.mode = KindRule::Mode::FieldMap;
  if (auto f = r.string(kind, "field", kindWhere, true)) spec.kind.field = *f;
  const auto map = kind.find("map");
  if (map == kind.end() || !map->is_object() || map->empty()) {
    r.fail(kindWhere, "\"map\" must be a non-empty object of source value -> kind name");
    return;
  }
  for (const auto& [value, name] : map->items()) {
    if (!name.is_string()) {
      r.fail(kindWhere + ".map", "the value for \"" + value + "\" must be a kind name");
      return;
    }
    if (auto k = kindOf(r, *layer, name.get<std::string>(), kindWhere + ".map")) spec.kind.map.emplace_back(value, *k);
  }
  if (auto d = r.string(kind, "default", kindWhere, false)) spec.kind.fallback = kindOf(r, *layer, *d, kindWhere);
}

void parseFields(Reader& r, const json& src, const std::string& where, SourceSpec& spec) {
  const auto it = src.find("fields");
  if (it == src.end()) return;
  const std::string fw = where + ".fields";
  if (!it->is_object()) {
    r.fail(fw, "must be an object such as {\"name\": \"ten\", \"name_en\": \"name_en\"}");
    return;
  }
  r.checkKeys(*it, fw, {"name", "name_en", "ref", "height", "levels", "color", "oneway", "capacity"});
  const auto set = [&](const char* key, FieldRef& ref) {
    const auto f = it->find(key);
    if (f == it->end()) return;
    if (f->is_null()) {  // null switches a default off
      ref = {};
      return;
    }
    if (auto v = r.string(*it, key, fw, true)) ref = {*v, true};
  };
  set("name", spec.fields.name);
  set("name_en", spec.fields.nameEn);
  set("ref", spec.fields.ref);
  set("height", spec.fields.height);
  set("levels", spec.fields.levels);
  set("color", spec.fields.color);
  set("oneway", spec.fields.oneway);
  set("capacity", spec.fields.capacity);
  if (!spec.fields.oneway.empty() && spec.kind.mode == KindRule::Mode::OsmTags)
    r.fail(fw, "\"oneway\" is for sources with \"layer\" and \"kind\" (the OSM classifier reads the oneway tag)");
}

void parseSkipNear(Reader& r, const json& src, const std::string& where, SourceSpec& spec) {
  const auto it = src.find("skip_near_same_name");
  if (it == src.end()) return;
  const std::string w = where + ".skip_near_same_name";
  if (!it->is_object()) {
    r.fail(w, "must be an object such as {\"layer\": \"roads\", \"distance_m\": 30}");
    return;
  }
  r.checkKeys(*it, w, {"layer", "distance_m", "unnamed_matches_any"});
  NearRule rule;
  if (auto name = r.string(*it, "layer", w, true)) {
    const auto layer = layerFromName(*name);
    if (!layer || size_t(*layer) >= kSourceLayerCount) {
      r.fail(w, "unknown layer \"" + *name + "\" (one of: " +
                    join(std::span<const std::string_view>(kLayerNames.data(), kSourceLayerCount)) + ")");
      return;
    }
    rule.layer = *layer;
  }
  const auto d = it->find("distance_m");
  if (d == it->end() || !d->is_number() || !(d->get<double>() > 0) || d->get<double>() > 10000) {
    r.fail(w, "\"distance_m\" must be a number of metres in (0, 10000]");
    return;
  }
  rule.distanceM = d->get<double>();
  rule.unnamedMatchesAny = r.boolean(*it, "unnamed_matches_any", w).value_or(false);
  if (spec.kind.mode != KindRule::Mode::OsmTags && spec.kind.layer != rule.layer)
    r.fail(w, "compares with layer \"" + std::string(layerName(rule.layer)) + "\" but the source writes \"" +
                  std::string(layerName(spec.kind.layer)) + "\"");
  spec.skipNear = rule;
}

void parseId(Reader& r, const json& src, const std::string& where, SourceSpec& spec) {
  IdRule& id = spec.id;
  id.ns = spec.label;
  const auto it = src.find("id");
  if (it == src.end()) {
    // Defaults: OSM ids for OSM data, else a hash of the name and the first coordinate.
    if (spec.kind.mode == KindRule::Mode::OsmTags) {
      id.mode = IdRule::Mode::Osm;
    } else {
      id.mode = IdRule::Mode::Fields;
      if (!spec.fields.name.empty()) id.fields.push_back({spec.fields.name.name, false});
      id.coordinates = true;
    }
    return;
  }
  const std::string iw = where + ".id";
  if (it->is_string()) {
    if (it->get<std::string>() != "osm") {
      r.fail(iw, "must be \"osm\" or an object such as {\"field\": \"code\"}");
      return;
    }
    id.mode = IdRule::Mode::Osm;
    return;
  }
  if (!it->is_object()) {
    r.fail(iw, "must be \"osm\" or an object such as {\"field\": \"code\"}");
    return;
  }
  r.checkKeys(*it, iw, {"field", "fields", "coordinates", "osm", "namespace"});
  id.mode = IdRule::Mode::Fields;
  const bool one = it->contains("field"), many = it->contains("fields");
  if (one && many) {
    r.fail(iw, "give \"field\" or \"fields\", not both");
    return;
  }
  if (one) {
    if (auto f = r.string(*it, "field", iw, true)) id.fields.push_back({*f, true});
  } else {
    for (std::string& f : r.strings(*it, "fields", iw)) id.fields.push_back({std::move(f), true});
  }
  id.coordinates = r.boolean(*it, "coordinates", iw).value_or(false);
  id.osmValues = r.boolean(*it, "osm", iw).value_or(false);
  if (id.osmValues && id.fields.size() != 1) r.fail(iw, "\"osm\": true needs exactly one \"field\"");
  if (id.fields.empty() && !id.coordinates) r.fail(iw, "needs \"field\", \"fields\" or \"coordinates\": true");
  if (auto ns = r.string(*it, "namespace", iw, false)) id.ns = *ns;
}

std::optional<std::array<double, 4>> parseBboxValue(Reader& r, const json& v) {
  if (!v.is_array() || v.size() != 4 || !std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_number(); })) {
    r.fail("bbox", "must be [west, south, east, north] in degrees");
    return std::nullopt;
  }
  std::ostringstream text;
  text.precision(17);
  text << v[0].get<double>() << ',' << v[1].get<double>() << ',' << v[2].get<double>() << ',' << v[3].get<double>();
  // Same checks as --bbox.
  auto parsed = parseCli({"--out", "x", "--bbox", text.str(), "x"});
  if (!parsed) {
    r.fail("bbox", parsed.error());
    return std::nullopt;
  }
  return parsed->bbox;
}

std::string lineAndColumn(std::string_view text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < std::min(byte, text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

SourceSpec SourceSpec::commandLine(const std::string& path) {
  SourceSpec s;
  s.path = path;
  s.label = fs::path(path).filename().string();
  s.id.mode = IdRule::Mode::Legacy;
  return s;
}

SourceSpec SourceSpec::overlay(const std::string& path) {
  SourceSpec s = commandLine(path);
  s.kind.mode = KindRule::Mode::LayerIndex;
  s.kind.layer = Layer::Overlay;
  s.minZoom = 0;
  s.search = false;
  s.guessNameField = true;
  return s;
}

Result<bool> validateCrs(const std::string& crs) {
  OGRSpatialReference srs;
  CPLPushErrorHandler(CPLQuietErrorHandler);
  const OGRErr err = srs.SetFromUserInput(crs.c_str());
  CPLPopErrorHandler();
  if (err != OGRERR_NONE) return Error{"PROJ/GDAL does not understand the CRS \"" + crs + "\""};
  return true;
}

Result<IngestConfig> parseConfig(std::string_view text, const fs::path& dataDir, std::string_view configName) {
  json root;
  try {
    root = json::parse(text.begin(), text.end(), nullptr, true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    if (const size_t colon = what.find("syntax error"); colon != std::string::npos) what = what.substr(colon);
    return Error{std::string(configName) + ": not valid JSON at " + lineAndColumn(text, e.byte ? e.byte - 1 : 0) +
                 ": " + what};
  }
  Reader r{std::string(configName)};
  if (!root.is_object()) return Error{std::string(configName) + ": the configuration must be a JSON object"};
  r.checkKeys(root, "",
              {"description", "name", "name_en", "bbox", "center", "minzoom", "maxzoom", "assume_crs", "merge_roads",
               "sources"});
  IngestConfig config;
  if (auto n = r.string(root, "name", "", false)) config.name = normalizeText(*n);
  if (auto n = r.string(root, "name_en", "", false)) config.nameEn = normalizeText(*n);
  if (root.contains("bbox")) config.bbox = parseBboxValue(r, root["bbox"]);
  if (const auto c = root.find("center"); c != root.end()) {
    const bool numbers = c->is_array() && c->size() == 3 &&
                         std::all_of(c->begin(), c->end(), [](const json& x) { return x.is_number(); });
    if (!numbers || std::abs((*c)[0].get<double>()) > 180 || std::abs((*c)[1].get<double>()) > 85 ||
        (*c)[2].get<double>() < 0 || (*c)[2].get<double>() > kMaxZoomLimit)
      r.fail("center", "must be [lng, lat, zoom] (degrees, zoom 0.." + std::to_string(kMaxZoomLimit) + ")");
    else
      config.center = std::array<double, 3>{(*c)[0].get<double>(), (*c)[1].get<double>(), (*c)[2].get<double>()};
  }
  config.minZoom = r.integer(root, "minzoom", "", 0, kMaxZoomLimit);
  config.maxZoom = r.integer(root, "maxzoom", "", 0, kMaxZoomLimit);
  if (config.minZoom && config.maxZoom && *config.minZoom > *config.maxZoom)
    r.fail("", "\"minzoom\" is above \"maxzoom\"");
  if (auto crs = r.string(root, "assume_crs", "", false)) {
    if (auto ok = validateCrs(*crs); !ok) r.fail("assume_crs", ok.error());
    config.assumeCrs = *crs;
  }
  config.mergeRoads = r.boolean(root, "merge_roads", "").value_or(true);
  const auto sources = root.find("sources");
  if (sources == root.end() || !sources->is_array() || sources->empty())
    r.fail("", "\"sources\" must be a non-empty list of sources");
  if (r.failed()) return Error{r.error()};

  for (size_t i = 0; i < sources->size(); ++i) {
    const json& src = (*sources)[i];
    std::string where = "sources[" + std::to_string(i) + "]";
    if (!src.is_object()) {
      r.fail(where, "must be an object");
      break;
    }
    SourceSpec spec;
    const auto path = r.string(src, "path", where, true);
    if (!path) break;
    where += " (" + *path + ")";
    r.checkKeys(src, where,
                {"path", "description", "gdal_layers", "classify", "layer", "kind", "fields", "id", "minzoom", "crs",
                 "override_crs", "search", "placeholder_names", "skip_near_same_name"});
    spec.label = *path;
    const fs::path p(*path);
    spec.path = (p.is_absolute() || dataDir.empty() ? p : dataDir / p).lexically_normal().string();
    std::error_code ec;
    if (!r.failed() && !fs::exists(spec.path, ec))
      r.fail(where, "file not found: " + spec.path +
                        (dataDir.empty() ? "" : " (paths are relative to --data-dir " + dataDir.string() + ")"));
    spec.layers = r.strings(src, "gdal_layers", where);
    parseKind(r, src, where, spec);
    parseFields(r, src, where, spec);
    parseId(r, src, where, spec);
    if (auto z = r.integer(src, "minzoom", where, 0, kMaxZoomLimit)) spec.minZoom = uint8_t(*z);
    if (auto crs = r.string(src, "crs", where, false)) {
      if (auto ok = validateCrs(*crs); !ok) r.fail(where + ".crs", ok.error());
      spec.crs = *crs;
    }
    spec.overrideCrs = r.boolean(src, "override_crs", where).value_or(false);
    if (spec.overrideCrs && spec.crs.empty()) r.fail(where, "\"override_crs\" needs \"crs\"");
    spec.search = r.boolean(src, "search", where).value_or(true);
    if (src.contains("placeholder_names")) spec.placeholderNames = r.strings(src, "placeholder_names", where);
    parseSkipNear(r, src, where, spec);
    if (r.failed()) break;
    config.sources.push_back(std::move(spec));
  }
  if (r.failed()) return Error{r.error()};
  return config;
}

Result<IngestConfig> loadConfig(const fs::path& file, const fs::path& dataDir) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{"cannot read the configuration " + file.string()};
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return parseConfig(text, dataDir.empty() ? file.parent_path() : dataDir, file.string());
}

}  // namespace citymap::ingest
