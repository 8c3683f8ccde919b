#include "tile/tileset.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "geo/mercator.hpp"
#include "tile/kinds.hpp"

namespace citymap::tile {

geo::WorldBox Tileset::worldBounds() const {
  const geo::WorldPoint a = geo::toWorld({boundsMin.lng, boundsMax.lat});
  const geo::WorldPoint b = geo::toWorld({boundsMax.lng, boundsMin.lat});
  return {a.x, a.y, b.x, b.y};
}

std::string Tileset::tileUrl(const std::string& base, const geo::TileID& id) const {
  return tile::tileUrl(base, tilePath, id);
}

std::string tileUrl(const std::string& base, const std::string& pattern, const geo::TileID& id) {
  std::string out = pattern;
  const auto replace = [&out](std::string_view key, uint32_t v) {
    if (auto p = out.find(key); p != std::string::npos) out.replace(p, key.size(), std::to_string(v));
  };
  replace("{z}", id.z);
  replace("{x}", id.x);
  replace("{y}", id.y);
  if (base.empty() || base.back() == '/') return base + out;
  return base + "/" + out;
}

namespace {

// Non-throwing field access (the wasm build runs without exception support).
bool getNumber(const nlohmann::json& j, const char* key, double& out) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return false;
  out = it->get<double>();
  return true;
}

bool getNumbers(const nlohmann::json& j, const char* key, size_t n, std::vector<double>& out) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_array() || it->size() != n) return false;
  out.clear();
  for (const auto& v : *it) {
    if (!v.is_number()) return false;
    out.push_back(v.get<double>());
  }
  return true;
}

std::string getString(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<Tileset> parseTileset(std::string_view text, bool requireTilePath) {
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Error{"tileset.json is not valid JSON"};
  if (getString(j, "format") != "citymap-tiles") return Error{"tileset.json: format is not citymap-tiles"};
  double version = 0, minZoom = 0, maxZoom = 0;
  if (!getNumber(j, "format_version", version) || version < kMinFormatVersion || version > kFormatVersion ||
      version != double(int(version)))
    return Error{"tileset.json: missing or unsupported format_version"};
  if (!getNumber(j, "minzoom", minZoom) || !getNumber(j, "maxzoom", maxZoom) || minZoom < 0 || maxZoom > 24 ||
      minZoom > maxZoom)
    return Error{"tileset.json: bad or missing minzoom/maxzoom"};
  Tileset t;
  t.minZoom = int(minZoom);
  t.maxZoom = int(maxZoom);
  std::vector<double> b, c;
  if (!getNumbers(j, "bounds", 4, b) || b[0] >= b[2] || b[1] >= b[3])
    return Error{"tileset.json: bounds must be [w,s,e,n]"};
  t.boundsMin = {b[0], b[1]};
  t.boundsMax = {b[2], b[3]};
  if (!getNumbers(j, "center", 3, c)) c = {(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, minZoom};
  t.center = {c[0], c[1]};
  t.centerZoom = c[2];
  t.tilePath = getString(j, "tile_path");
  if ((requireTilePath || !t.tilePath.empty()) &&
      (t.tilePath.find("{z}") == std::string::npos || t.tilePath.find("{x}") == std::string::npos ||
       t.tilePath.find("{y}") == std::string::npos))
    return Error{"tileset.json: tile_path must contain {z}, {x} and {y}"};
  t.attribution = getString(j, "attribution");
  t.name = getString(j, "name");
  t.nameEn = getString(j, "name_en");
  if (const auto it = j.find("layers"); it != j.end() && it->is_array())
    for (const auto& l : *it)
      if (l.is_string()) t.layers.push_back(l.get<std::string>());
  if (const auto it = j.find("citymap_routing"); it != j.end() && it->is_object()) {
    TilesetSection s;
    double offset = -1, length = -1;
    s.format = getString(*it, "format");
    s.path = getString(*it, "path");
    const bool range = getNumber(*it, "offset", offset) && getNumber(*it, "length", length) && offset >= 0 &&
                       length > 0 && offset < 9e15 && length < 9e15 && offset == std::floor(offset) &&
                       length == std::floor(length);
    if (!s.format.empty() && (range || (!s.path.empty() && s.path.find("..") == std::string::npos))) {
      if (range) {
        s.offset = uint64_t(offset);
        s.length = uint64_t(length);
      } else if (getNumber(*it, "length", length) && length > 0 && length < 9e15) {
        s.length = uint64_t(length);
      }
      t.routing = std::move(s);
    }
  }
  return t;
}

}  // namespace citymap::tile
