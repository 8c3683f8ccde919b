#include "style/style_json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "tile/kinds.hpp"

namespace citymap::style {

using json = nlohmann::json;

TextPosition textPosition(std::string_view text, size_t offset) {
  TextPosition p;
  offset = std::min(offset, text.size());
  for (size_t i = 0; i < offset; ++i) {
    const auto c = uint8_t(text[i]);
    if (c == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((c & 0xc0) != 0x80) {  // not a UTF-8 continuation byte
      ++p.column;
    }
  }
  return p;
}

std::vector<std::string_view> kindNames(std::string_view layer) {
  namespace L = tile::layer;
  if (layer == L::kWater) return {"water", "river", "basin", "wetland"};
  if (layer == L::kLanduse)
    return {"residential", "commercial", "industrial",  "park",         "grass",
            "forest",      "farmland",   "cemetery",    "sand",         "education",
            "hospital",    "military",   "aquaculture", "construction", "other"};
  if (layer == L::kRoads || layer == L::kRoadLabels)
    return {"motorway", "trunk",   "primary", "secondary", "tertiary",   "residential",
            "service",  "footway", "path",    "track",     "pedestrian", "unknown"};
  if (layer == L::kRailways) return {"rail", "tram", "other"};
  if (layer == L::kBuildings) return {"building"};
  if (layer == L::kPois)
    return {"other", "food", "shop", "health", "education", "tourism", "transport", "government", "finance", "worship"};
  if (layer == L::kAdmin) return {"city", "ward", "city_pre2025", "district_pre2025", "ward_pre2025"};
  if (layer == L::kTransit) return {"bus_route", "bus_stop"};
  if (layer == L::kIoc)
    return {"flood_tower",   "flood_station",  "rain_gauge",  "coastal_station",
            "storm_shelter", "landslide_site", "lora_gateway"};
  return {};
}

namespace {

// The source layers a style may name, as the tile/kinds.hpp constants (Bucket and LabelClass
// keep views of them).
std::optional<std::string_view> knownSourceLayer(std::string_view name) {
  namespace L = tile::layer;
  for (std::string_view l : {L::kWater, L::kLanduse, L::kRoads, L::kRailways, L::kBuildings, L::kPois, L::kAdmin,
                             L::kTransit, L::kIoc, L::kRoadLabels, L::kOverlay})
    if (l == name) return l;
  return std::nullopt;
}

Group defaultGroup(std::string_view layer) {
  namespace L = tile::layer;
  if (layer == L::kWater) return Group::Water;
  if (layer == L::kLanduse) return Group::Landuse;
  if (layer == L::kBuildings) return Group::Buildings;
  if (layer == L::kRailways) return Group::Railways;
  if (layer == L::kAdmin) return Group::Admin;
  if (layer == L::kTransit) return Group::Transit;
  if (layer == L::kIoc) return Group::Ioc;
  if (layer == L::kPois) return Group::Pois;
  if (layer == L::kOverlay) return Group::Overlay;
  return Group::Roads;  // roads, road_labels
}

constexpr const char* kGroupKeys[] = {"water",   "landuse", "buildings", "roads",  "railways", "admin",
                                      "transit", "ioc",     "pois",      "labels", "overlay"};
static_assert(std::size(kGroupKeys) == size_t(Group::Count));

// Byte offsets of every value in a (valid) JSON text by JSON pointer: nlohmann keeps no
// positions, so the text is walked once more.
class Positions {
 public:
  explicit Positions(std::string_view text) : t_(text) {
    skip();
    value("");
  }
  size_t at(const std::string& pointer) const {
    auto it = offsets_.find(pointer);
    return it == offsets_.end() ? 0 : it->second;
  }

 private:
  void skip() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
  }
  std::string string() {  // at the opening quote; returns the raw contents, unescaped simply
    std::string out;
    ++i_;
    while (i_ < t_.size() && t_[i_] != '"') {
      if (t_[i_] == '\\' && i_ + 1 < t_.size()) {
        const char e = t_[i_ + 1];
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e;  // keys with other escapes stay approximate
        i_ += e == 'u' ? 6 : 2;
        continue;
      }
      out += t_[i_++];
    }
    ++i_;
    return out;
  }
  static std::string escape(const std::string& key) {
    std::string out;
    for (char c : key) out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    return out;
  }
  void value(const std::string& path) {
    if (depth_ > 512) return;
    offsets_.emplace(path, i_);
    if (i_ >= t_.size()) return;
    const char c = t_[i_];
    if (c == '{') {
      ++depth_;
      ++i_;
      skip();
      while (i_ < t_.size() && t_[i_] != '}') {
        if (t_[i_] != '"') return;
        const std::string key = string();
        skip();
        ++i_;  // ':'
        skip();
        value(path + "/" + escape(key));
        skip();
        if (i_ < t_.size() && t_[i_] == ',') ++i_;
        skip();
      }
      ++i_;
      --depth_;
    } else if (c == '[') {
      ++depth_;
      ++i_;
      skip();
      for (size_t n = 0; i_ < t_.size() && t_[i_] != ']'; ++n) {
        value(path + "/" + std::to_string(n));
        skip();
        if (i_ < t_.size() && t_[i_] == ',') ++i_;
        skip();
      }
      ++i_;
      --depth_;
    } else if (c == '"') {
      string();
    } else {
      while (i_ < t_.size() && t_[i_] != ',' && t_[i_] != '}' && t_[i_] != ']' && t_[i_] != ' ' && t_[i_] != '\n' &&
             t_[i_] != '\r' && t_[i_] != '\t')
        ++i_;
    }
  }
  std::string_view t_;
  size_t i_ = 0;
  int depth_ = 0;
  std::map<std::string, size_t> offsets_;
};

// A value and where it is (its JSON pointer, for messages).
struct Ref {
  const json* v = nullptr;
  std::string path;
  explicit operator bool() const { return v != nullptr; }
  Ref operator[](const char* key) const {
    if (!v || !v->is_object()) return {};
    auto it = v->find(key);
    if (it == v->end()) return {};
    return {&*it, path + "/" + key};
  }
  Ref operator[](size_t i) const {
    if (!v || !v->is_array() || i >= v->size()) return {};
    return {&(*v)[i], path + "/" + std::to_string(i)};
  }
};

class Parser {
 public:
  Parser(std::string_view text, std::string_view file, const json& root)
      : text_(text), file_(file), root_(root), positions_(text) {}

  Result<LoadedStyle> run(std::string_view theme);

 private:
  // --- messages ---
  std::string where(const std::string& path) const {
    const TextPosition p = textPosition(text_, positions_.at(path));
    return std::string(file_) + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
  }
  bool fail(const Ref& r, const std::string& what) {
    if (!error_) error_ = where(r.path) + what;
    return false;
  }
  bool fail(const std::string& path, const std::string& what) { return fail(Ref{nullptr, path}, what); }
  void warn(const Ref& r, const std::string& what) { out_.warnings.push_back(where(r.path) + what); }
  std::string name(const Ref& r) const {  // "layers[3] (road-primary) paint.line-width" style context
    return context_ + (r.path.empty() ? "" : r.path.substr(r.path.rfind('/') + 1));
  }

  // --- values ---
  bool number(const Ref& r, double& out, double lo = -1e9, double hi = 1e9) {
    if (!r.v->is_number()) return fail(r, name(r) + ": expected a number");
    out = r.v->get<double>();
    if (!(out >= lo && out <= hi))
      return fail(r, name(r) + ": " + fmt(out) + " is outside [" + fmt(lo) + ", " + fmt(hi) + "]");
    return true;
  }
  static std::string fmt(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
  }
  bool string(const Ref& r, std::string& out) {
    if (!r.v->is_string()) return fail(r, name(r) + ": expected a string");
    out = r.v->get<std::string>();
    return true;
  }
  // A string naming one of `values`; the error lists them ("line-cap: "round", "butt" or "square"").
  template <typename T, size_t N>
  bool oneOf(const Ref& r, const std::pair<std::string_view, T> (&values)[N], T& out) {
    std::string s;
    if (!string(r, s)) return false;
    std::string names;
    for (size_t i = 0; i < N; ++i) {
      if (s == values[i].first) return out = values[i].second, true;
      names += (i == 0 ? "\"" : i + 1 == N ? " or \"" : ", \"") + std::string(values[i].first) + "\"";
    }
    return fail(r, name(r) + ": " + names);
  }
  bool boolean(const Ref& r, bool& out) {
    if (!r.v->is_boolean()) return fail(r, name(r) + ": expected true or false");
    out = r.v->get<bool>();
    return true;
  }
  bool color(const Ref& r, Color& out);
  bool numberCurve(const Ref& r, ZoomCurve& out, double lo, double hi);
  bool colorCurve(const Ref& r, ColorCurve& out);
  // The head of ["interpolate", ...] / ["step", ...]: the kind, base, and where the stops start.
  bool curveHead(const Ref& r, bool& step, float& base, size_t& first);

  // --- filters ---
  struct Filter {
    uint32_t kinds = ~0u;
    uint8_t all = 0, none = 0;
    std::optional<fb::GeometryType> geometry;
  };
  bool filter(const Ref& r, bool negate, std::string_view layer, Filter& f);
  bool kindMask(const Ref& r, std::string_view layer, uint32_t& mask);
  bool iconImage(const Ref& r, std::string_view layer, LabelClass& c);
  static uint8_t flagBit(std::string_view name);

  // --- layers ---
  // A property of the layer being parsed: the theme's override, else the layer's own.
  Ref prop(const char* section, const char* key) const {
    if (Ref o = override_[section][key]) return o;
    return layer_[section][key];
  }
  bool layer(const Ref& r);
  bool checkKeys(const char* section, const std::set<std::string>& known);
  int bucket(const Bucket& b);
  bool lineLayout(tess::LineStyle& line);

  std::string_view text_, file_;
  const json& root_;
  Positions positions_;
  LoadedStyle out_;
  std::optional<std::string> error_;
  std::string context_;
  Ref layer_, override_, themeLayers_;
  std::set<std::string> ids_;
};

bool hexDigits(std::string_view s, uint32_t& v) {
  v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return false;
    v = v * 16 + uint32_t(d);
  }
  return true;
}

bool Parser::color(const Ref& r, Color& out) {
  if (!r.v->is_string()) return fail(r, name(r) + ": expected a colour string (\"#rrggbb\", \"rgba(r, g, b, a)\")");
  const std::string s = r.v->get<std::string>();
  uint32_t v = 0;
  if (s == "transparent") return out = {0, 0, 0, 0}, true;
  if (s == "white") return out = Color::hex(0xffffff), true;
  if (s == "black") return out = Color::hex(0), true;
  if (s.size() == 7 && s[0] == '#' && hexDigits(std::string_view(s).substr(1), v)) return out = Color::hex(v), true;
  if (s.size() == 9 && s[0] == '#' && hexDigits(std::string_view(s).substr(1), v))
    return out = Color::hex(v >> 8, float(v & 0xff) / 255.f), true;
  if (s.size() == 4 && s[0] == '#' && hexDigits(std::string_view(s).substr(1), v)) {
    const uint32_t r4 = (v >> 8) & 15, g4 = (v >> 4) & 15, b4 = v & 15;
    return out = Color::hex((r4 * 17) << 16 | (g4 * 17) << 8 | b4 * 17), true;
  }
  const bool rgba = s.rfind("rgba(", 0) == 0, rgb = !rgba && s.rfind("rgb(", 0) == 0;
  if ((rgba || rgb) && s.back() == ')') {
    double c[4] = {0, 0, 0, 1};
    int n = 0;
    char tail = 0;
    const std::string inner = s.substr(rgba ? 5 : 4, s.size() - (rgba ? 6 : 5));
    if (rgba)
      n = std::sscanf(inner.c_str(), " %lf , %lf , %lf , %lf %c", &c[0], &c[1], &c[2], &c[3], &tail);
    else
      n = std::sscanf(inner.c_str(), " %lf , %lf , %lf %c", &c[0], &c[1], &c[2], &tail);
    const bool ok = n == (rgba ? 4 : 3) && c[0] >= 0 && c[0] <= 255 && c[1] >= 0 && c[1] <= 255 && c[2] >= 0 &&
                    c[2] <= 255 && c[3] >= 0 && c[3] <= 1;
    if (ok) return out = {float(c[0]) / 255.f, float(c[1]) / 255.f, float(c[2]) / 255.f, float(c[3])}, true;
  }
  return fail(r,
              name(r) + ": \"" + s +
                  "\" is not a colour (\"#rgb\", \"#rrggbb\", \"#rrggbbaa\", \"rgb(r, g, b)\", \"rgba(r, g, b, a)\")");
}

bool Parser::curveHead(const Ref& r, bool& step, float& base, size_t& first) {
  const json& a = *r.v;
  const std::string op = a.size() > 0 && a[0].is_string() ? a[0].get<std::string>() : "";
  const auto isZoom = [](const json& z) { return z.is_array() && z.size() == 1 && z[0] == "zoom"; };
  if (op == "interpolate") {
    if (a.size() < 5 || !a[1].is_array() || a[1].empty() || !isZoom(a[2]))
      return fail(
          r, name(r) +
                 ": expected [\"interpolate\", [\"linear\"] or [\"exponential\", base], [\"zoom\"], zoom, value, ...]");
    const json& how = a[1];
    if (how.size() == 1 && how[0] == "linear") {
      base = 1;
    } else if (how.size() == 2 && how[0] == "exponential" && how[1].is_number() && how[1].get<double>() > 0) {
      base = how[1].get<float>();
    } else {
      return fail(r[1], name(r) + ": the interpolation must be [\"linear\"] or [\"exponential\", base > 0]");
    }
    if ((a.size() - 3) % 2) return fail(r, name(r) + ": interpolate needs zoom, value pairs");
    step = false;
    first = 3;
    return true;
  }
  if (op == "step") {
    if (a.size() < 3 || !isZoom(a[1]) || a.size() % 2 == 0)
      return fail(r, name(r) + ": expected [\"step\", [\"zoom\"], value, zoom, value, ...]");
    step = true;
    first = 2;
    return true;
  }
  return fail(r, name(r) + ": expected a constant, [\"interpolate\", ...] or [\"step\", ...] on [\"zoom\"]" +
                     (op.empty() ? "" : " (\"" + op + "\" is not supported here)"));
}

bool Parser::numberCurve(const Ref& r, ZoomCurve& out, double lo, double hi) {
  out = {};
  if (!r.v->is_array()) {
    double v = 0;
    if (!number(r, v, lo, hi)) return false;
    out = ZoomCurve::constant(float(v));
    return true;
  }
  size_t first = 0;
  if (!curveHead(r, out.step, out.base, first)) return false;
  const json& a = *r.v;
  double prev = -1;
  for (size_t i = first; i < a.size(); i += 2) {
    double z = -std::numeric_limits<double>::infinity(), v = 0;
    size_t vi = i + 1;
    if (out.step && i == first) {
      vi = i;
      --i;  // the first value has no zoom
    } else if (!number(r[i], z, 0, 30)) {
      return false;
    } else if (z <= prev) {
      return fail(r[i], name(r) + ": stop zooms must increase");
    }
    if (!number(r[vi], v, lo, hi)) return false;
    out.stops.emplace_back(float(z), float(v));
    if (std::isfinite(z)) prev = z;
  }
  return true;
}

bool Parser::colorCurve(const Ref& r, ColorCurve& out) {
  out = {};
  if (!r.v->is_array()) {
    Color c;
    if (!color(r, c)) return false;
    out = c;
    return true;
  }
  size_t first = 0;
  if (!curveHead(r, out.step, out.base, first)) return false;
  const json& a = *r.v;
  double prev = -1;
  for (size_t i = first; i < a.size(); i += 2) {
    double z = -std::numeric_limits<double>::infinity();
    Color c;
    size_t vi = i + 1;
    if (out.step && i == first) {
      vi = i;
      --i;
    } else if (!number(r[i], z, 0, 30)) {
      return false;
    } else if (z <= prev) {
      return fail(r[i], name(r) + ": stop zooms must increase");
    }
    if (!color(r[vi], c)) return false;
    out.stops.emplace_back(float(z), c);
    if (std::isfinite(z)) prev = z;
  }
  return true;
}

uint8_t Parser::flagBit(std::string_view n) {
  if (n == "bridge") return tile::kFlagBridge;
  if (n == "tunnel") return tile::kFlagTunnel;
  if (n == "oneway") return tile::kFlagOneway;
  if (n == "link") return tile::kFlagLink;
  return 0;
}

bool Parser::kindMask(const Ref& r, std::string_view layer, uint32_t& mask) {
  const auto names = kindNames(layer);
  if (r.v->is_number_unsigned() && r.v->get<uint64_t>() < 32) return mask = 1u << r.v->get<uint32_t>(), true;
  if (r.v->is_string()) {
    const std::string k = r.v->get<std::string>();
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == k) return mask = 1u << i, true;
    std::string known;
    for (auto n : names) known += (known.empty() ? "" : ", ") + std::string(n);
    return fail(r, "filter: \"" + k + "\" is not a kind of source-layer \"" + std::string(layer) + "\"" +
                       (known.empty() ? "" : " (kinds: " + known + ")"));
  }
  return fail(r, "filter: a kind is a name (string) or a number 0..31");
}

// icon-image: an icon's name for every kind, or ["match", ["get", "kind"], kind or [kinds...],
// icon, ..., fallback icon] ("" for none).
bool Parser::iconImage(const Ref& r, std::string_view layer, LabelClass& c) {
  const auto valid = [&](const Ref& at, std::string& out) {
    if (!string(at, out)) return false;
    if (out.find('{') != std::string::npos)
      return fail(at,
                  context_ + "icon-image: tokens ({...}) are not supported; use [\"match\", [\"get\", \"kind\"], ...]");
    return true;
  };
  const json& v = *r.v;
  if (v.is_string()) {
    std::string icon;
    if (!valid(r, icon)) return false;
    for (size_t k = 0; k < 32; ++k)
      if (c.kindMask & (1u << k)) c.iconByKind[k] = icon;
    return true;
  }
  if (!(v.is_array() && v.size() >= 5 && v.size() % 2 == 1 && v[0] == "match" && v[1].is_array() && v[1].size() == 2 &&
        v[1][0] == "get" && v[1][1] == "kind"))
    return fail(
        r,
        context_ + "icon-image: expected an icon name or [\"match\", [\"get\", \"kind\"], kind, icon, ..., fallback]");
  std::string fallback;
  if (!valid(r[v.size() - 1], fallback)) return false;
  for (size_t k = 0; k < 32; ++k)
    if (c.kindMask & (1u << k)) c.iconByKind[k] = fallback;
  for (size_t i = 2; i + 1 < v.size(); i += 2) {
    std::string icon;
    if (!valid(r[i + 1], icon)) return false;
    uint32_t mask = 0;
    if (v[i].is_array()) {
      if (v[i].empty()) return fail(r[i], context_ + "icon-image: an empty list of kinds");
      for (size_t j = 0; j < v[i].size(); ++j) {
        uint32_t m = 0;
        if (!kindMask(r[i][j], layer, m)) return false;
        mask |= m;
      }
    } else if (!kindMask(r[i], layer, mask)) {
      return false;
    }
    for (size_t k = 0; k < 32; ++k)
      if (mask & (1u << k)) c.iconByKind[k] = icon;
  }
  return true;
}

bool Parser::filter(const Ref& r, bool negate, std::string_view layer, Filter& f) {
  const json& e = *r.v;
  if (!e.is_array() || e.empty() || !e[0].is_string())
    return fail(r, "filter: expected an expression [\"op\", ...] (docs/MAP_STYLE.md lists the supported ones)");
  const std::string op = e[0].get<std::string>();
  const auto getName = [](const json& g) -> std::string {
    return g.is_array() && g.size() == 2 && g[0] == "get" && g[1].is_string() ? g[1].get<std::string>() : "";
  };
  if (op == "all") {
    if (negate) return fail(r, "filter: [\"!\", [\"all\", ...]] is not supported");
    for (size_t i = 1; i < e.size(); ++i)
      if (!filter(r[i], false, layer, f)) return false;
    return true;
  }
  if (op == "!") {
    if (e.size() != 2) return fail(r, "filter: \"!\" takes one expression");
    return filter(r[1], !negate, layer, f);
  }
  if (op == "get") {
    const uint8_t bit = flagBit(getName(e));
    if (!bit) return fail(r, "filter: [\"get\", name] alone must name a flag: bridge, tunnel, oneway or link");
    (negate ? f.none : f.all) |= bit;
    return true;
  }
  if (op == "==" || op == "!=") {
    if (e.size() != 3) return fail(r, "filter: \"" + op + "\" takes two arguments");
    const bool neg = negate != (op == "!=");
    const json& lhs = e[1];
    const std::string prop = getName(lhs);
    if (prop == "kind" || prop == "class") {
      uint32_t m = 0;
      if (!kindMask(r[2], layer, m)) return false;
      f.kinds &= neg ? ~m : m;
      return true;
    }
    if (const uint8_t bit = flagBit(prop)) {
      bool b = false;
      if (!e[2].is_boolean()) return fail(r[2], "filter: flag \"" + prop + "\" compares with true or false");
      b = e[2].get<bool>();
      (b != neg ? f.all : f.none) |= bit;
      return true;
    }
    if (lhs.is_array() && lhs.size() == 1 && lhs[0] == "geometry-type") {
      if (neg) return fail(r, "filter: only [\"==\", [\"geometry-type\"], ...] is supported");
      const std::string g = e[2].is_string() ? e[2].get<std::string>() : "";
      if (g == "Point")
        f.geometry = fb::GeometryType::Point;
      else if (g == "LineString")
        f.geometry = fb::GeometryType::Line;
      else if (g == "Polygon")
        f.geometry = fb::GeometryType::Polygon;
      else
        return fail(r[2], "filter: geometry-type is \"Point\", \"LineString\" or \"Polygon\"");
      return true;
    }
    return fail(r[1], "filter: compares [\"get\", \"kind\"|\"class\"|flag] or [\"geometry-type\"]");
  }
  if (op == "in") {
    if (e.size() != 3 || !(getName(e[1]) == "kind" || getName(e[1]) == "class"))
      return fail(r, "filter: expected [\"in\", [\"get\", \"kind\"], [\"literal\", [kinds...]]]");
    const json& lit = e[2];
    if (!lit.is_array() || lit.size() != 2 || lit[0] != "literal" || !lit[1].is_array())
      return fail(r[2], "filter: the kinds of \"in\" are [\"literal\", [...]]");
    uint32_t m = 0;
    const Ref list = r[2][1];
    for (size_t i = 0; i < lit[1].size(); ++i) {
      uint32_t k = 0;
      if (!kindMask(list[i], layer, k)) return false;
      m |= k;
    }
    f.kinds &= negate ? ~m : m;
    return true;
  }
  return fail(r, "filter: \"" + op + "\" is not supported (all, !, ==, !=, in, get)");
}

bool Parser::checkKeys(const char* section, const std::set<std::string>& known) {
  for (const Ref& base : {layer_[section], override_[section]}) {
    if (!base) continue;
    if (!base.v->is_object()) return fail(base, context_ + section + ": expected an object");
    for (auto it = base.v->begin(); it != base.v->end(); ++it)
      if (!known.count(it.key()))
        warn(base[it.key().c_str()], context_ + section + "." + it.key() + " is not supported here and is ignored");
  }
  return true;
}

int Parser::bucket(const Bucket& b) {
  for (size_t i = 0; i < out_.style.buckets.size(); ++i) {
    if (sameBucket(out_.style.buckets[i], b)) return int(i);
  }
  out_.style.buckets.push_back(b);
  return int(out_.style.buckets.size() - 1);
}

bool Parser::lineLayout(tess::LineStyle& line) {
  using tess::LineCap, tess::LineJoin;
  static constexpr std::pair<std::string_view, LineJoin> kJoins[] = {
      {"round", LineJoin::Round}, {"bevel", LineJoin::Bevel}, {"miter", LineJoin::Miter}};
  static constexpr std::pair<std::string_view, LineCap> kCaps[] = {
      {"round", LineCap::Round}, {"butt", LineCap::Butt}, {"square", LineCap::Square}};
  if (Ref j = prop("layout", "line-join"); j && !oneOf(j, kJoins, line.join)) return false;
  if (Ref c = prop("layout", "line-cap"); c && !oneOf(c, kCaps, line.cap)) return false;
  if (Ref m = prop("layout", "line-miter-limit")) {
    double v = 0;
    if (!number(m, v, 0, 100)) return false;
    line.miterLimit = float(v);
  }
  return true;
}

bool Parser::layer(const Ref& r) {
  layer_ = r;
  override_ = {};
  context_ = "layer " + r.path.substr(r.path.rfind('/') + 1) + ": ";
  if (!r.v->is_object()) return fail(r, context_ + "expected an object");
  static const std::set<std::string> kLayerKeys = {"id",      "type",    "source", "source-layer", "filter",
                                                   "minzoom", "maxzoom", "layout", "paint",        "metadata"};
  for (auto it = r.v->begin(); it != r.v->end(); ++it)
    if (!kLayerKeys.count(it.key()))
      warn(r[it.key().c_str()], context_ + it.key() + " is not supported and is ignored");
  std::string id, type;
  if (!r["id"]) return fail(r, context_ + "has no \"id\"");
  if (!string(r["id"], id)) return false;
  context_ = "layer \"" + id + "\": ";
  if (!ids_.insert(id).second) return fail(r["id"], context_ + "the id is used twice");
  if (themeLayers_) override_ = themeLayers_[id.c_str()];
  if (override_ && !override_.v->is_object()) return fail(override_, "theme: layer \"" + id + "\": expected an object");
  if (override_)
    for (auto it = override_.v->begin(); it != override_.v->end(); ++it)
      if (it.key() != "paint" && it.key() != "layout")
        warn(override_[it.key().c_str()], "theme: layer \"" + id + "\": only paint and layout can be overridden");
  if (!r["type"]) return fail(r, context_ + "has no \"type\"");
  if (!string(r["type"], type)) return false;

  if (Ref v = prop("layout", "visibility")) {
    std::string s;
    if (!string(v, s)) return false;
    if (s != "visible" && s != "none") return fail(v, context_ + "visibility: \"visible\" or \"none\"");
    if (s == "none") return true;  // parsed no further, not drawn
  }

  if (type == "background") {
    if (!checkKeys("paint", {"background-color", "background-opacity"}) || !checkKeys("layout", {"visibility"}))
      return false;
    if (Ref c = prop("paint", "background-color"))
      if (!colorCurve(c, out_.style.background)) return false;
    return true;
  }

  const Ref sl = r["source-layer"];
  if (!sl) return fail(r, context_ + "has no \"source-layer\"");
  std::string sourceName;
  if (!string(sl, sourceName)) return false;
  const auto source = knownSourceLayer(sourceName);
  if (!source) return fail(sl, context_ + "\"" + sourceName + "\" is not a layer of citymap's tiles");
  if (Ref s = r["source"]; s && !s.v->is_string()) return fail(s, context_ + "source: expected a string");

  double minZoom = 0, maxZoom = 24;
  if (Ref z = r["minzoom"]; z && !number(z, minZoom, 0, 24)) return false;
  if (Ref z = r["maxzoom"]; z && !number(z, maxZoom, 0, 24)) return false;
  if (maxZoom < minZoom) return fail(r["maxzoom"], context_ + "maxzoom is below minzoom");

  Group group = defaultGroup(*source);
  int tileMinZoom = int(std::floor(minZoom));
  if (Ref m = r["metadata"]) {
    if (!m.v->is_object()) return fail(m, context_ + "metadata: expected an object");
    if (Ref g = m["citymap:group"]) {
      std::string s;
      if (!string(g, s)) return false;
      const auto* it = std::find(std::begin(kGroupKeys), std::end(kGroupKeys), s);
      if (it == std::end(kGroupKeys)) return fail(g, context_ + "citymap:group: \"" + s + "\" is not a layer group");
      group = Group(it - std::begin(kGroupKeys));
    }
    if (Ref t = m["citymap:tile-minzoom"]) {
      double v = 0;
      if (!number(t, v, 0, 24)) return false;
      tileMinZoom = int(v);
    }
  }

  Filter f;
  if (Ref fr = r["filter"])
    if (!filter(fr, false, *source, f)) return false;

  const auto geometryIs = [&](fb::GeometryType want, const char* what) {
    if (f.geometry && *f.geometry != want)
      return fail(r["filter"], context_ + "a " + type + " layer takes " + what + " features only");
    return true;
  };
  Bucket b{*source, Bucket::Geometry::Fill, f.kinds, f.all, f.none, tileMinZoom};
  const auto opacityOf = [&](const char* key, ZoomCurve& out) {
    out = ZoomCurve::constant(1);
    if (Ref o = prop("paint", key)) return numberCurve(o, out, 0, 1);
    return true;
  };

  if (type == "fill") {
    if (!geometryIs(fb::GeometryType::Polygon, "Polygon")) return false;
    if (!checkKeys("paint", {"fill-color", "fill-opacity", "fill-antialias", "fill-outline-color"}) ||
        !checkKeys("layout", {"visibility"}))
      return false;
    ColorCurve c = Color{0, 0, 0, 1};
    ZoomCurve opacity;
    bool antialias = true;
    if (Ref x = prop("paint", "fill-color"); x && !colorCurve(x, c)) return false;
    if (!opacityOf("fill-opacity", opacity)) return false;
    if (Ref x = prop("paint", "fill-antialias"); x && !boolean(x, antialias)) return false;
    ColorCurve outline = c;
    if (Ref x = prop("paint", "fill-outline-color"); x && !colorCurve(x, outline)) return false;
    out_.style.layers.push_back({id, group, bucket(b), false, c, {}, opacity, minZoom, maxZoom});
    if (antialias) {
      // MapLibre's fill-antialias: a one-pixel line around the area (the canvas has no MSAA).
      Bucket o = b;
      o.geometry = Bucket::Geometry::Outline;
      o.line = {tess::LineJoin::Bevel, tess::LineCap::Butt};
      out_.style.layers.push_back(
          {id + "-outline", group, bucket(o), true, outline, ZoomCurve::constant(1), opacity, minZoom, maxZoom});
    }
    return true;
  }

  if (type == "line" || type == "citymap:arrows") {
    const bool arrows = type == "citymap:arrows";
    if (!checkKeys("paint", {"line-color", "line-width", "line-opacity", "line-offset"})) return false;
    if (arrows ? !checkKeys("layout", {"visibility", "line-join", "line-cap", "line-miter-limit",
                                       "citymap:arrow-spacing", "citymap:arrow-length", "citymap:arrow-half-width"})
               : !checkKeys("layout", {"visibility", "line-join", "line-cap", "line-miter-limit"}))
      return false;
    if (arrows) {
      if (!geometryIs(fb::GeometryType::Line, "LineString")) return false;
      b.geometry = Bucket::Geometry::Arrows;
      double v = 0;
      if (Ref x = prop("layout", "citymap:arrow-spacing")) {
        if (!number(x, v, 8, 4096)) return false;
        b.arrows.spacing = float(v);
      }
      if (Ref x = prop("layout", "citymap:arrow-length")) {
        if (!number(x, v, 0, 256)) return false;
        b.arrows.length = float(v);
      }
      if (Ref x = prop("layout", "citymap:arrow-half-width")) {
        if (!number(x, v, 0, 256)) return false;
        b.arrows.halfWidth = float(v);
      }
    } else {
      if (f.geometry == fb::GeometryType::Point)
        return fail(r["filter"], context_ + "a line layer takes LineString or Polygon features");
      b.geometry = f.geometry == fb::GeometryType::Polygon ? Bucket::Geometry::Outline : Bucket::Geometry::Line;
    }
    if (!lineLayout(b.line)) return false;
    ColorCurve c = Color{0, 0, 0, 1};
    ZoomCurve width = ZoomCurve::constant(1), opacity;
    bool featureState = false;
    if (Ref x = prop("paint", "line-color")) {
      const json& v = *x.v;
      if (v.is_array() && !v.empty() && v[0] == "feature-state") {
        if (v.size() != 2 || !v[1].is_string() || arrows)
          return fail(x, context_ + "line-color: [\"feature-state\", name] (a line layer's live colour)");
        featureState = true;
        b.featureSlots = true;
      } else if (!colorCurve(x, c)) {
        return false;
      }
    }
    if (Ref x = prop("paint", "line-width"); x && !numberCurve(x, width, 0, 1000)) return false;
    if (!opacityOf("line-opacity", opacity)) return false;
    if (Ref x = prop("paint", "line-offset")) {
      ZoomCurve offset;
      if (!numberCurve(x, offset, -1000, 1000)) return false;
      for (const auto& [z, v] : offset.stops)
        if (v != 0) {
          warn(x, context_ + "line-offset is not drawn yet (lines stay centred)");
          break;
        }
    }
    out_.style.layers.push_back({id, group, bucket(b), true, c, width, opacity, minZoom, maxZoom, featureState});
    return true;
  }

  if (type == "circle") {
    if (!geometryIs(fb::GeometryType::Point, "Point")) return false;
    if (!checkKeys("paint",
                   {"circle-color", "circle-radius", "circle-opacity", "circle-stroke-width", "circle-stroke-color"}) ||
        !checkKeys("layout", {"visibility"}))
      return false;
    b.geometry = Bucket::Geometry::Point;
    ColorCurve c = Color{0, 0, 0, 1}, strokeColor = Color{0, 0, 0, 1};
    ZoomCurve radius = ZoomCurve::constant(5), opacity, stroke = ZoomCurve::constant(0);
    if (Ref x = prop("paint", "circle-color"); x && !colorCurve(x, c)) return false;
    if (Ref x = prop("paint", "circle-radius"); x && !numberCurve(x, radius, 0, 500)) return false;
    if (!opacityOf("circle-opacity", opacity)) return false;
    if (Ref x = prop("paint", "circle-stroke-width")) {
      if (!x.v->is_number())
        return fail(x, context_ + "circle-stroke-width: expected a number (zoom curves are not supported)");
      if (!numberCurve(x, stroke, 0, 100)) return false;
    }
    if (Ref x = prop("paint", "circle-stroke-color"); x && !colorCurve(x, strokeColor)) return false;
    const int bi = bucket(b);
    // The point program draws discs of a diameter: the stroke is a wider disc underneath.
    ZoomCurve diameter = radius;
    for (auto& [z, v] : diameter.stops) v *= 2;
    const float s = stroke.at(0);
    if (s > 0) {
      ZoomCurve ring = diameter;
      for (auto& [z, v] : ring.stops) v += 2 * s;
      out_.style.layers.push_back({id + "-ring", group, bi, true, strokeColor, ring, opacity, minZoom, maxZoom});
    }
    out_.style.layers.push_back({id, group, bi, true, c, diameter, opacity, minZoom, maxZoom});
    return true;
  }

  if (type == "symbol") {
    if (!checkKeys("paint", {"text-color", "text-halo-color", "text-halo-width", "text-opacity", "icon-color",
                             "icon-halo-color"}) ||
        !checkKeys("layout", {"visibility", "text-field", "text-size", "text-font", "symbol-placement",
                              "symbol-sort-key", "symbol-spacing", "icon-image", "citymap:icon-size",
                              "citymap:repeat-distance", "citymap:text-gap", "citymap:marker-minzoom"}))
      return false;
    LabelClass c;
    c.id = id;
    c.group = group;
    c.sourceLayer = *source;
    c.kindMask = f.kinds;
    if (f.all || f.none) warn(r["filter"], context_ + "labels do not filter on flags yet (ignored)");
    c.minZoom = minZoom;
    c.maxZoom = maxZoom;
    static constexpr std::pair<std::string_view, bool> kPlacements[] = {{"point", false}, {"line", true}};
    bool alongLines = false;
    if (Ref x = prop("layout", "symbol-placement"); x && !oneOf(x, kPlacements, alongLines)) return false;
    if (alongLines) {
      if (!geometryIs(fb::GeometryType::Line, "LineString")) return false;
      c.placement = LabelClass::Placement::Line;
    } else {
      c.placement = f.geometry == fb::GeometryType::Polygon ? LabelClass::Placement::Area
                    : f.geometry == fb::GeometryType::Line  ? LabelClass::Placement::Line
                                                            : LabelClass::Placement::Point;
      if (f.geometry == fb::GeometryType::Line)
        return fail(r["filter"], context_ + "line features are labelled with symbol-placement \"line\"");
    }
    const Ref tf = prop("layout", "text-field");
    if (!tf) return fail(r, context_ + "has no layout.text-field");
    {
      // "name", ["get", "name"] or ["coalesce", ["get", ...], ...].
      const json& v = *tf.v;
      const auto field = [&](const json& g, const Ref& at) {
        if (!(g.is_array() && g.size() == 2 && g[0] == "get" && g[1].is_string()))
          return fail(at, context_ + "text-field: expected [\"get\", property] or [\"coalesce\", [\"get\", ...], ...]");
        const std::string p = g[1].get<std::string>();
        if (p != "name" && p != "name:en" && p != "name:vi" && p != "name_en" && p != "ref")
          return fail(at, context_ + "text-field: \"" + p + "\": the tiles have name, name:en and ref");
        c.textField.push_back(p);
        return true;
      };
      if (v.is_array() && !v.empty() && v[0] == "coalesce") {
        for (size_t i = 1; i < v.size(); ++i)
          if (!field(v[i], tf[i])) return false;
        if (c.textField.empty()) return fail(tf, context_ + "text-field: coalesce of nothing");
      } else if (v.is_string()) {
        const std::string s = v.get<std::string>();
        if (s != "{name}" && s != "{name:en}" && s != "{ref}")
          return fail(tf, context_ + "text-field: a fixed text is not supported; use [\"get\", \"name\"]");
        c.textField.push_back(s.substr(1, s.size() - 2));
      } else if (!field(v, tf)) {
        return false;
      }
    }
    c.textSize = ZoomCurve::constant(16);
    if (Ref x = prop("layout", "text-size"); x && !numberCurve(x, c.textSize, 4, 64)) return false;
    if (Ref x = prop("layout", "symbol-sort-key")) {
      double v = 0;
      if (!number(x, v, -1e6, 1e6)) return false;
      if (v != std::floor(v)) return fail(x, context_ + "symbol-sort-key: expected a whole number");
      c.priority = int(v);
    }
    double v = 0;
    if (Ref x = prop("layout", "symbol-spacing")) {
      if (!number(x, v, 1, 10000)) return false;
      c.spacing = float(v);
    }
    if (Ref x = prop("layout", "citymap:repeat-distance")) {
      if (!number(x, v, 0, 10000)) return false;
      c.repeatDistance = float(v);
    }
    if (Ref x = prop("layout", "citymap:marker-minzoom")) {
      if (!number(x, v, 0, 24)) return false;
      c.markerMinZoom = v;
    }
    if (Ref x = prop("layout", "citymap:text-gap"); x && !numberCurve(x, c.offset, 0, 200)) return false;
    if (Ref x = prop("layout", "icon-image")) {
      if (c.placement != LabelClass::Placement::Point)
        return fail(x, context_ + "icon-image: icons are drawn on points only (symbol-placement \"point\")");
      if (!iconImage(x, *source, c)) return false;
      c.iconSize = 18;
      if (Ref s = prop("layout", "citymap:icon-size")) {
        if (!number(s, v, 8, 64)) return false;
        c.iconSize = float(v);
      }
      c.iconColorCurve = Color{1, 1, 1, 1};
      c.iconHaloCurve = c.iconHalo;
      if (Ref p = prop("paint", "icon-color"); p && !colorCurve(p, c.iconColorCurve)) return false;
      if (Ref p = prop("paint", "icon-halo-color"); p && !colorCurve(p, c.iconHaloCurve)) return false;
    }
    if (Ref x = prop("layout", "text-font"); x && !x.v->is_array())
      return fail(x, context_ + "text-font: expected an array of font names");
    c.textColor = Color{0, 0, 0, 1};
    c.textHalo = Color{0, 0, 0, 0};
    if (Ref x = prop("paint", "text-color"); x && !colorCurve(x, c.textColor)) return false;
    if (Ref x = prop("paint", "text-halo-color"); x && !colorCurve(x, c.textHalo)) return false;
    if (Ref x = prop("paint", "text-halo-width")) {
      if (!number(x, v, 0, 10)) return false;
      c.haloOff = v == 0;
    }
    if (Ref x = prop("paint", "text-opacity")) {
      if (!number(x, v, 0, 1)) return false;
      c.textOpacity = float(v);
    }
    // Values at minZoom now; per frame at the camera's zoom when any of them follows the zoom.
    evaluateLabel(c, minZoom);
    c.zoomDependent = c.textSize.stops.size() > 1 || !c.textColor.isConstant() || !c.textHalo.isConstant() ||
                      (c.hasIcons() && (!c.iconColorCurve.isConstant() || !c.iconHaloCurve.isConstant()));
    out_.style.labels.push_back(std::move(c));
    return true;
  }
  return fail(r["type"], context_ + "type \"" + type +
                             "\" is not supported (background, fill, line, circle, symbol, citymap:arrows)");
}

Result<LoadedStyle> Parser::run(std::string_view theme) {
  const Ref root{&root_, ""};
  const auto failed = [&]() -> Result<LoadedStyle> { return Error{*error_}; };
  if (!root_.is_object()) return fail(root, "a style is a JSON object"), failed();
  static const std::set<std::string> kTop = {"version",        "name",   "layers", "sources", "metadata",
                                             "citymap:themes", "glyphs", "sprite", "center",  "zoom"};
  for (auto it = root_.begin(); it != root_.end(); ++it)
    if (!kTop.count(it.key())) warn(root[it.key().c_str()], it.key() + " is not supported and is ignored");
  const Ref version = root["version"];
  if (!version) return fail(root, "\"version\": 8 is missing"), failed();
  if (!version.v->is_number_integer() || version.v->get<int64_t>() != 8)
    return fail(version, "version: must be 8 (the MapLibre style specification)"), failed();
  if (Ref n = root["name"]; n && !string(n, out_.style.name)) return failed();

  if (Ref themes = root["citymap:themes"]) {
    if (!themes.v->is_object()) return fail(themes, "citymap:themes: expected an object of themes"), failed();
    for (auto it = themes.v->begin(); it != themes.v->end(); ++it) {
      out_.themes.push_back(it.key());
      const Ref t = themes[it.key().c_str()];
      if (!t.v->is_object()) return fail(t, "theme \"" + it.key() + "\": expected an object"), failed();
      for (auto k = t.v->begin(); k != t.v->end(); ++k)
        if (k.key() != "layers") warn(t[k.key().c_str()], "theme \"" + it.key() + "\": " + k.key() + " is ignored");
      if (Ref l = t["layers"]; l && !l.v->is_object())
        return fail(l, "theme \"" + it.key() + "\": layers: expected an object of layer ids"), failed();
    }
  }
  if (!theme.empty() && theme != "day") {
    const Ref t = root["citymap:themes"][std::string(theme).c_str()];
    if (!t) return fail(root, "the style has no theme \"" + std::string(theme) + "\""), failed();
    themeLayers_ = t["layers"];
  }
  out_.style.theme = theme.empty() ? "day" : std::string(theme);

  const Ref layers = root["layers"];
  if (!layers) return fail(root, "\"layers\" is missing"), failed();
  if (!layers.v->is_array()) return fail(layers, "layers: expected an array"), failed();
  for (size_t i = 0; i < layers.v->size(); ++i)
    if (!layer(layers[i])) return failed();
  if (themeLayers_)
    for (auto it = themeLayers_.v->begin(); it != themeLayers_.v->end(); ++it)
      if (!ids_.count(it.key()))
        return fail(themeLayers_[it.key().c_str()],
                    "theme \"" + std::string(theme) + "\": there is no layer \"" + it.key() + "\""),
               failed();
  return std::move(out_);
}

// Keeps the position of the first syntax error (nlohmann reports it to a SAX handler).
struct SyntaxCheck : json::json_sax_t {
  size_t position = 0;
  std::string message;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return ++depth < 256 || tooDeep(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return --depth, true; }
  bool start_array(std::size_t) override { return ++depth < 256 || tooDeep(); }
  bool end_array() override { return --depth, true; }
  bool parse_error(std::size_t pos, const std::string& token, const nlohmann::detail::exception& ex) override {
    position = pos;
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing ..."
    const size_t colon = what.find(": ");
    message = colon == std::string::npos ? what : what.substr(colon + 2);
    if (!token.empty() && token.size() < 40 && message.find("last read") == std::string::npos)
      message += " (at '" + token + "')";
    return false;
  }
  bool tooDeep() {
    message = "nested deeper than 255 levels";
    failedDeep = true;
    return false;
  }
  int depth = 0;
  bool failedDeep = false;
};

}  // namespace

Result<LoadedStyle> parseStyle(std::string_view text, std::string_view file, std::string_view theme) {
  SyntaxCheck check;
  const bool ok = json::sax_parse(text.begin(), text.end(), &check, nlohmann::detail::input_format_t::json, true);
  if (!ok || !check.message.empty()) {
    // nlohmann counts the characters read: the error is at the last one.
    const size_t at = check.position > 0 ? check.position - 1 : 0;
    const TextPosition p = textPosition(text, at);
    return Error{std::string(file) + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) +
                 ": not valid JSON: " + (check.message.empty() ? std::string("syntax error") : check.message)};
  }
  const json root = json::parse(text.begin(), text.end(), nullptr, false);
  if (root.is_discarded()) return Error{std::string(file) + ": not valid JSON"};
  if (!theme.empty() && theme != "day") {
    // The file's own layers must be valid too, also where the theme overrides them.
    Parser base(text, file, root);
    if (auto r = base.run(""); !r) return r;
  }
  Parser parser(text, file, root);
  return parser.run(theme);
}

}  // namespace citymap::style
