#include "ingest/source_reader.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "geo/mercator.hpp"
#include "ingest/classify.hpp"
#include "ingest/clip.hpp"
#include "ingest/feature_id.hpp"
#include "ingest/normalize.hpp"
#include "ingest/tags.hpp"

namespace citymap::ingest {

namespace {

namespace fs = std::filesystem;

struct TransformDeleter {
  void operator()(OGRCoordinateTransformation* ct) const { OGRCoordinateTransformation::DestroyCT(ct); }
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

struct LayerContext {
  OGRLayer* layer = nullptr;
  std::string name;
  bool hasGeometry = false;
  TransformPtr transform;  // null when the layer is already in EPSG:3857
  int otherTagsField = -1;
  bool osmIds = false;  // ids follow the OSM driver's per-layer scheme
  size_t statsIndex = 0;
  bool selected = true;              // read (spec.layers)
  uint8_t kindIndex = 0;             // KindRule::Mode::LayerIndex: index among the layers with geometry, % 8
  std::string nameField;             // the field names are read from ("" = none)
  std::string crs;                   // crsLabel() of the CRS read from
  std::unordered_set<uint64_t> ids;  // ids of the kept features (duplicate detection)
};

std::string lastGdalError(const char* fallback) {
  const char* msg = CPLGetLastErrorMsg();
  return (msg && *msg) ? std::string(msg) : std::string(fallback);
}

// Geometry class of a (possibly nested) geometry: the highest dimension in it.
GeomType geomClassOf(const OGRGeometry& g) {
  switch (g.getDimension()) {
    case 0:
      return GeomType::Point;
    case 1:
      return GeomType::Line;
    default:
      return GeomType::Polygon;
  }
}

class GeometryConverter {
 public:
  explicit GeometryConverter(GeomType want) { out_.type = want; }

  // False if a coordinate is not finite (failed reprojection).
  bool add(const OGRGeometry& g) {
    const OGRwkbGeometryType type = wkbFlatten(g.getGeometryType());
    if (OGR_GT_IsNonLinear(type)) {
      std::unique_ptr<OGRGeometry> linear(g.getLinearGeometry());
      return linear ? add(*linear) : true;
    }
    switch (type) {
      case wkbPoint:
        if (out_.type == GeomType::Point && !g.IsEmpty()) {
          const auto& p = *g.toPoint();
          if (!finite(p.getX(), p.getY())) return false;
          out_.parts.push_back({world(p.getX(), p.getY())});
        }
        return true;
      case wkbLineString:
      case wkbLinearRing:
        if (out_.type == GeomType::Line) {
          Path path;
          if (!convert(*g.toSimpleCurve(), path)) return false;
          if (path.size() >= 2) out_.parts.push_back(std::move(path));
        }
        return true;
      case wkbPolygon:
        if (out_.type == GeomType::Polygon) return addPolygon(*g.toPolygon());
        return true;
      case wkbMultiPoint:
      case wkbMultiLineString:
      case wkbMultiPolygon:
      case wkbGeometryCollection:
        for (const OGRGeometry* part : *g.toGeometryCollection())
          if (part && !add(*part)) return false;
        return true;
      default:
        return true;
    }
  }

  Geometry take() { return std::move(out_); }

 private:
  static bool finite(double x, double y) { return std::isfinite(x) && std::isfinite(y); }
  static geo::WorldPoint world(double x, double y) { return geo::mercatorToWorld({x, y}); }

  // Points of a line string or ring, without consecutive duplicates.
  static bool convert(const OGRSimpleCurve& c, Path& out) {
    const int n = c.getNumPoints();
    out.reserve(size_t(n > 0 ? n : 0));
    for (int i = 0; i < n; ++i) {
      const double x = c.getX(i), y = c.getY(i);
      if (!finite(x, y)) return false;
      const geo::WorldPoint p = world(x, y);
      if (out.empty() || out.back().x != p.x || out.back().y != p.y) out.push_back(p);
    }
    return true;
  }

  static bool convertRing(const OGRLinearRing& r, Path& out) {
    if (!convert(r, out)) return false;
    if (out.size() >= 2 && out.front().x == out.back().x && out.front().y == out.back().y) out.pop_back();
    if (out.size() < 3) out.clear();
    return true;
  }

  bool addPolygon(const OGRPolygon& poly) {
    const OGRLinearRing* exterior = poly.getExteriorRing();
    if (!exterior) return true;
    Path outer;
    if (!convertRing(*exterior, outer)) return false;
    if (outer.empty()) return true;
    out_.parts.push_back(std::move(outer));
    uint32_t rings = 1;
    for (int i = 0; i < poly.getNumInteriorRings(); ++i) {
      Path hole;
      if (!convertRing(*poly.getInteriorRing(i), hole)) return false;
      if (hole.empty()) continue;
      out_.parts.push_back(std::move(hole));
      ++rings;
    }
    out_.ringCounts.push_back(rings);
    return true;
  }

  Geometry out_;
};

std::string fieldList(const OGRFeatureDefn& defn) {
  std::string out;
  for (int i = 0; i < defn.GetFieldCount(); ++i)
    out += (i ? ", " : "") + std::string(defn.GetFieldDefn(i)->GetNameRef());
  return out.empty() ? "none" : out;
}

// Hashes every vertex, rounded to 1e-7 of the source's unit, in order.
void hashCoordinates(const OGRGeometry& g, IdHasher& h) {
  const OGRwkbGeometryType type = wkbFlatten(g.getGeometryType());
  const auto addPoint = [&](double x, double y) {
    const int64_t v[2] = {std::llround(x * 1e7), std::llround(y * 1e7)};
    h.addBytes(v, sizeof v);
  };
  if (OGR_GT_IsNonLinear(type)) {
    std::unique_ptr<OGRGeometry> linear(g.getLinearGeometry());
    if (linear) hashCoordinates(*linear, h);
    return;
  }
  switch (type) {
    case wkbPoint:
      if (!g.IsEmpty()) addPoint(g.toPoint()->getX(), g.toPoint()->getY());
      return;
    case wkbLineString:
    case wkbLinearRing: {
      const OGRSimpleCurve& c = *g.toSimpleCurve();
      for (int i = 0; i < c.getNumPoints(); ++i) addPoint(c.getX(i), c.getY(i));
      return;
    }
    case wkbPolygon:
      for (const OGRLinearRing* ring : *g.toPolygon()) hashCoordinates(*ring, h);
      return;
    case wkbMultiPoint:
    case wkbMultiLineString:
    case wkbMultiPolygon:
    case wkbGeometryCollection:
      for (const OGRGeometry* part : *g.toGeometryCollection())
        if (part) hashCoordinates(*part, h);
      return;
    default:
      return;
  }
}

}  // namespace

std::optional<float> parseHeight(std::string_view t) {
  std::optional<float> bare;
  for (size_t i = 0; i < t.size();) {
    if (!(t[i] >= '0' && t[i] <= '9')) {
      ++i;
      continue;
    }
    double v = 0;
    const auto [ptr, ec] = std::from_chars(t.data() + i, t.data() + t.size(), v);
    size_t j = size_t(ptr - t.data());
    if (ec != std::errc()) return std::nullopt;
    // A decimal comma ("12,5 m").
    if (j + 1 < t.size() && t[j] == ',' && t[j + 1] >= '0' && t[j + 1] <= '9') {
      double frac = 0;
      const auto [p2, e2] = std::from_chars(t.data() + j + 1, t.data() + t.size(), frac);
      if (e2 == std::errc()) {
        v += frac / std::pow(10.0, double(p2 - (t.data() + j + 1)));
        j = size_t(p2 - t.data());
      }
    }
    size_t k = j;
    while (k < t.size() && t[k] == ' ') ++k;
    const bool metres =
        k < t.size() && t[k] == 'm' && (k + 1 == t.size() || !std::isalpha(static_cast<unsigned char>(t[k + 1])));
    if (metres && v > 0 && v < 1000) return float(v);
    if (i == 0 && k == t.size() && v > 0 && v < 1000) bare = float(v);
    i = j;
  }
  return bare;
}

int32_t parseCapacity(std::string_view t) {
  size_t i = 0;
  while (i < t.size() && !(t[i] >= '0' && t[i] <= '9')) ++i;
  int32_t v = 0;
  const auto [ptr, ec] = std::from_chars(t.data() + i, t.data() + t.size(), v);
  (void)ptr;
  return ec == std::errc() && v > 0 ? v : 0;
}

std::optional<int> parseLevels(std::string_view t) {
  int v = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || v <= 0 || v > 200) return std::nullopt;
  return v;
}

std::optional<uint32_t> parseColor(std::string_view t) {
  if (!t.empty() && t.front() == '#') t.remove_prefix(1);
  if (t.size() != 3 && t.size() != 6) return std::nullopt;
  uint32_t v = 0;
  for (const char c : t) {
    const int d = (c >= '0' && c <= '9')   ? c - '0'
                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                           : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + uint32_t(d);
    if (t.size() == 3) v = v * 16 + uint32_t(d);
  }
  return (v << 8) | 0xff;
}

std::string nameFieldOf(const std::vector<std::string>& fields, const std::string& preferred) {
  const auto lower = [](std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  if (!preferred.empty() && std::find(fields.begin(), fields.end(), preferred) != fields.end()) return preferred;
  for (const char* candidate : {"name", "name:vi", "name_vi", "ten", "tên", "title", "label", "nom", "nombre"})
    for (const std::string& f : fields)
      if (lower(f) == candidate) return f;
  for (const std::string& f : fields)
    if (lower(f).find("name") != std::string::npos) return f;
  return {};
}

std::string crsLabel(const OGRSpatialReference& crs) {
  const char* name = crs.GetName();
  const char* authority = crs.GetAuthorityName(nullptr);
  const char* code = crs.GetAuthorityCode(nullptr);
  std::string label = authority && code ? std::string(authority) + ":" + code : std::string();
  if (label.empty()) {  // e.g. a .prj in ESRI WKT: ask PROJ which EPSG CRS it is
    OGRSpatialReference copy(crs);
    if (copy.AutoIdentifyEPSG() == OGRERR_NONE && copy.GetAuthorityCode(nullptr))
      label = std::string(copy.GetAuthorityName(nullptr)) + ":" + copy.GetAuthorityCode(nullptr);
  }
  if (name && *name) label += label.empty() ? std::string(name) : " (" + std::string(name) + ")";
  return label.empty() ? std::string("unnamed CRS") : label;
}

void initGdal() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

Result<std::vector<LayerStats>> readSource(const std::string& path, uint16_t sourceIndex, const ReadOptions& options,
                                           std::vector<Feature>& out) {
  return readSource(SourceSpec::commandLine(path), sourceIndex, options, out);
}

Result<std::vector<LayerStats>> readSource(const SourceSpec& spec, uint16_t sourceIndex, const ReadOptions& options,
                                           std::vector<Feature>& out) {
  initGdal();
  const std::string& path = spec.path;
  const std::string& label = spec.label;
  std::error_code ec;
  if (!fs::exists(path, ec)) return Error{"input not found: " + path};
  if (::access(path.c_str(), R_OK) != 0) return Error{"cannot read input " + path + ": " + std::strerror(errno)};

  // A Shapefile is three files: GDAL opens a .shp without its .dbf (every attribute lost, so no
  // feature classifies) and rebuilds a missing .shx in memory; both mean a partial copy.
  if (const fs::path p(path); fs::is_regular_file(p) && (p.extension() == ".shp" || p.extension() == ".SHP")) {
    for (const char* part : {".dbf", ".shx"}) {
      fs::path lower = p, upper = p;
      lower.replace_extension(part);
      std::string up = part;
      for (char& c : up) c = char(std::toupper(static_cast<unsigned char>(c)));
      upper.replace_extension(up);
      if (!fs::exists(lower, ec) && !fs::exists(upper, ec))
        return Error{path + ": its " + std::string(part) +
                     " is missing (a Shapefile is the .shp, .shx and .dbf together; " +
                     (std::string(part) == ".dbf" ? "without the .dbf every attribute is lost"
                                                  : "without the .shx the records cannot be found reliably") +
                     "): copy all of them"};
    }
  }

  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  CPLPopErrorHandler();
  if (!ds)
    return Error{"cannot open " + path + " as a vector dataset (" + lastGdalError("no GDAL driver recognises it") +
                 ")"};
  if (ds->GetLayerCount() == 0) return Error{path + " has no vector layers"};

  const std::string fileName = fs::path(path).filename().string();
  const bool osmDriver = ds->GetDriver() && std::string_view(ds->GetDriver()->GetDescription()) == "OSM";
  const bool osmTags = spec.kind.mode == KindRule::Mode::OsmTags;

  for (const std::string& wanted : spec.layers)
    if (!ds->GetLayerByName(wanted.c_str())) {
      std::string names;
      for (int i = 0; i < ds->GetLayerCount(); ++i) names += (i ? ", " : "") + std::string(ds->GetLayer(i)->GetName());
      return Error{label + ": no GDAL layer '" + wanted + "' (layers: " + names + ")"};
    }

  OGRSpatialReference webMercator;
  if (webMercator.importFromEPSG(3857) != OGRERR_NONE)
    return Error{"PROJ cannot create EPSG:3857 (is proj-data installed?)"};
  webMercator.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);

  // Fields the configuration names: they must exist (an OSM layer may hold them in other_tags).
  std::vector<const FieldRef*> required;
  for (const FieldRef* f : {&spec.fields.name, &spec.fields.nameEn, &spec.fields.ref, &spec.fields.height,
                            &spec.fields.levels, &spec.fields.color, &spec.fields.oneway, &spec.fields.capacity})
    if (f->required) required.push_back(f);
  for (const FieldRef& f : spec.id.fields)
    if (f.required) required.push_back(&f);
  FieldRef kindField{spec.kind.field, true};
  if (spec.kind.mode == KindRule::Mode::FieldMap) required.push_back(&kindField);

  std::vector<LayerStats> stats;
  std::vector<LayerContext> layers;
  std::unordered_map<const OGRLayer*, size_t> layerIndex;
  uint64_t totalFeatures = 0;
  unsigned geometryLayers = 0;
  for (int i = 0; i < ds->GetLayerCount(); ++i) {
    OGRLayer* layer = ds->GetLayer(i);
    LayerContext ctx;
    ctx.layer = layer;
    ctx.name = layer->GetName();
    ctx.selected =
        spec.layers.empty() || std::find(spec.layers.begin(), spec.layers.end(), ctx.name) != spec.layers.end();
    OGRFeatureDefn& defn = *layer->GetLayerDefn();
    ctx.hasGeometry = defn.GetGeomFieldCount() > 0;
    if (ctx.hasGeometry) ctx.kindIndex = uint8_t(geometryLayers++ % 8);
    ctx.nameField = spec.fields.name.name;
    if (spec.guessNameField) {
      std::vector<std::string> names;
      for (int f = 0; f < defn.GetFieldCount(); ++f) names.emplace_back(defn.GetFieldDefn(f)->GetNameRef());
      ctx.nameField = nameFieldOf(names, spec.fields.name.name);
    }
    ctx.otherTagsField = defn.GetFieldIndex("other_tags");
    ctx.osmIds = osmDriver || (isOsmDriverLayerName(ctx.name) &&
                               (defn.GetFieldIndex("osm_id") >= 0 || defn.GetFieldIndex("osm_way_id") >= 0));
    if (ctx.selected && ctx.otherTagsField < 0 && !osmDriver)
      for (const FieldRef* f : required)
        if (defn.GetFieldIndex(f->name.c_str()) < 0)
          return Error{label + ": layer '" + ctx.name + "' has no field '" + f->name + "' (fields: " + fieldList(defn) +
                       ")"};
    if (ctx.hasGeometry && ctx.selected) {
      const OGRSpatialReference* declared = layer->GetSpatialRef();
      std::string assumed = spec.crs.empty() ? options.assumeCrs : spec.crs;
      OGRSpatialReference source;
      std::string crsNote;
      if (declared && !spec.overrideCrs) {
        source = *declared;
      } else if (!assumed.empty()) {
        CPLPushErrorHandler(CPLQuietErrorHandler);
        const OGRErr parsed = source.SetFromUserInput(assumed.c_str());
        CPLPopErrorHandler();
        if (parsed != OGRERR_NONE) return Error{label + ": PROJ/GDAL does not understand the CRS \"" + assumed + "\""};
        crsNote = declared ? ", overriding the declared one" : ", assumed";
      } else {
        return Error{path + ": layer '" + ctx.name + "' has no CRS (" + options.missingCrsHint + ")"};
      }
      source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      ctx.crs = crsLabel(source) + crsNote;
      if (!source.IsSame(&webMercator)) {
        CPLErrorReset();
        CPLPushErrorHandler(CPLQuietErrorHandler);
        ctx.transform.reset(OGRCreateCoordinateTransformation(&source, &webMercator));
        CPLPopErrorHandler();
        if (!ctx.transform)
          return Error{path + ": layer '" + ctx.name + "': cannot transform its CRS to EPSG:3857 (" +
                       lastGdalError("PROJ error") + ")"};
      }
      if (!osmDriver) {
        const GIntBig n = layer->GetFeatureCount(FALSE);
        if (n > 0) totalFeatures += uint64_t(n);
      }
    }
    ctx.statsIndex = stats.size();
    if (ctx.selected) {
      stats.push_back({label, ctx.name});
      stats.back().crs = ctx.crs;
      stats.back().hasGeometry = ctx.hasGeometry;
    }
    layerIndex[layer] = layers.size();
    layers.push_back(std::move(ctx));
  }

  uint64_t readSoFar = 0;
  const auto reportProgress = [&](double fraction) {
    if (options.progress) options.progress(std::clamp(fraction, 0.0, 1.0));
  };

  std::vector<std::string> placeholders;  // folded
  for (const std::string& p : spec.placeholderNames) placeholders.push_back(foldForSearch(normalizeText(p)));

  Tags tags;
  const auto process = [&](LayerContext& ctx, OGRFeature& feature) {
    LayerStats& st = stats[ctx.statsIndex];
    ++st.read;
    ++readSoFar;
    const OGRGeometry* geom = feature.GetGeometryRef();
    if (!geom || geom->IsEmpty()) {
      ++st.noGeometry;
      return;
    }
    tags.clear();
    const int fieldCount = feature.GetFieldCount();
    for (int i = 0; i < fieldCount; ++i) {
      if (i == ctx.otherTagsField || !feature.IsFieldSetAndNotNull(i)) continue;
      tags.set(feature.GetFieldDefnRef(i)->GetNameRef(), feature.GetFieldAsString(i));
    }
    if (ctx.otherTagsField >= 0 && feature.IsFieldSetAndNotNull(ctx.otherTagsField))
      parseHstore(feature.GetFieldAsString(ctx.otherTagsField), tags);

    const GeomType geomClass = geomClassOf(*geom);
    std::optional<Classification> cls, areaPoi;
    switch (spec.kind.mode) {
      case KindRule::Mode::OsmTags:
        cls = classify(tags, geomClass);
        areaPoi = geomClass == GeomType::Polygon ? classifyAreaPoi(tags) : std::nullopt;
        break;
      case KindRule::Mode::Constant:
        cls = Classification{spec.kind.layer, spec.kind.constant};
        break;
      case KindRule::Mode::LayerIndex:
        cls = Classification{spec.kind.layer, ctx.kindIndex};
        break;
      case KindRule::Mode::FieldMap: {
        const std::string_view value = tags.get(spec.kind.field);
        std::optional<uint8_t> kind = spec.kind.fallback;
        for (const auto& [v, k] : spec.kind.map)
          if (v == value) kind = k;
        if (kind) cls = Classification{spec.kind.layer, *kind};
        break;
      }
    }
    if (cls && !spec.fields.oneway.empty() && geomClass == GeomType::Line) {
      const std::string_view oneway = tags.get(spec.fields.oneway.name);
      if (oneway == "yes" || oneway == "true" || oneway == "1") {
        cls->flags |= tile::kFlagOneway;
      } else if (oneway == "-1" || oneway == "reverse") {
        cls->flags |= tile::kFlagOneway;
        cls->reverse = true;
      }
    }
    const bool place =
        osmTags && options.places && geomClass == GeomType::Point && tags.has("place") && tags.has("name");
    if (!cls && !areaPoi && !place) {
      ++st.unclassified;
      return;
    }

    // The id comes from the geometry as read, so hash it before reprojecting.
    const auto makeId = [&](const OGRGeometry& g) -> FeatureId {
      const IdRule& rule = spec.id;
      if (rule.mode == IdRule::Mode::Legacy) {
        std::optional<FeatureId> id = ctx.osmIds ? osmDriverId(ctx.name, tags) : sourceFieldId(tags);
        return id ? *id : FeatureId{hashedId(fileName, ctx.name, feature.GetFID()), false};
      }
      if (rule.mode == IdRule::Mode::Osm) {
        std::optional<FeatureId> id = ctx.osmIds ? osmDriverId(ctx.name, tags) : sourceFieldId(tags);
        if (id && id->osm) return *id;
      }
      if (rule.mode == IdRule::Mode::Fields && rule.osmValues)
        if (auto id = osmReferenceId(tags.get(rule.fields.front().name))) return *id;
      IdHasher h(rule.ns);
      if (rule.mode == IdRule::Mode::Osm) {
        // Not an OSM object after all: its name and geometry.
        h.add(tags.get(spec.fields.name.name));
        hashCoordinates(g, h);
      } else {
        for (const FieldRef& f : rule.fields) h.add(tags.get(f.name));
        if (rule.coordinates) hashCoordinates(g, h);
      }
      return {h.id(), false};
    };
    const FeatureId id = makeId(*geom);

    std::unique_ptr<OGRGeometry> owned(feature.StealGeometry());
    if (ctx.transform && owned->transform(ctx.transform.get()) != OGRERR_NONE) {
      ++st.transformFailed;
      return;
    }
    std::string name = ctx.nameField.empty() ? std::string() : normalizeText(tags.get(ctx.nameField));
    if (!name.empty() && !placeholders.empty() &&
        std::find(placeholders.begin(), placeholders.end(), foldForSearch(name)) != placeholders.end())
      name.clear();  // "Đường không tên": a placeholder, not a name
    if (place && !cls) {
      GeometryConverter converter(GeomType::Point);
      if (converter.add(*owned)) {
        Geometry g = converter.take();
        if (!g.empty() && (!options.bbox || boxOverlaps(*options.bbox, boundsOf(g)))) {
          options.places->push_back({id.value, name, normalizeText(tags.get("name:en")),
                                     normalizeText(tags.get("place")), g.parts.front().front()});
          ++st.classified;
          return;
        }
      }
      ++st.unclassified;
      return;
    }
    if (!cls && !areaPoi) {
      ++st.unclassified;
      return;
    }
    Geometry geometry;
    if (cls) {
      GeometryConverter converter(geomClass);
      if (!converter.add(*owned)) {
        ++st.transformFailed;
        return;
      }
      geometry = converter.take();
      if (cls->reverse)
        for (Path& p : geometry.parts) std::reverse(p.begin(), p.end());
    }
    // A point inside the area (GEOS point-on-surface: inside even for concave shapes): the
    // position of an area's POI, and the label point of named areas.
    const bool wantLabel = geomClass == GeomType::Polygon && !name.empty() &&
                           (areaPoi || (cls && cls->layer != Layer::Buildings && cls->layer != Layer::Overlay));
    Geometry labelPoint;
    if (wantLabel) {
      // Inside the part within --bbox (a city outline with far islands gets its point on the mainland).
      const OGRGeometry* area = owned.get();
      std::unique_ptr<OGRGeometry> clipped;
      if (options.bbox) {
        OGREnvelope env;
        owned->getEnvelope(&env);
        const geo::Mercator lo = geo::worldToMercator({options.bbox->minx, options.bbox->maxy});
        const geo::Mercator hi = geo::worldToMercator({options.bbox->maxx, options.bbox->miny});
        if (env.MinX < lo.x || env.MinY < lo.y || env.MaxX > hi.x || env.MaxY > hi.y) {
          OGRLinearRing ring;
          ring.addPoint(lo.x, lo.y);
          ring.addPoint(hi.x, lo.y);
          ring.addPoint(hi.x, hi.y);
          ring.addPoint(lo.x, hi.y);
          ring.addPoint(lo.x, lo.y);
          OGRPolygon box;
          box.addRing(&ring);
          CPLPushErrorHandler(CPLQuietErrorHandler);
          clipped.reset(owned->Intersection(&box));
          CPLPopErrorHandler();
          if (clipped && !clipped->IsEmpty()) area = clipped.get();
        }
      }
      std::unique_ptr<OGRGeometry> point(
          OGRGeometry::FromHandle(OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(area)))));
      GeometryConverter converter(GeomType::Point);
      if (point && !point->IsEmpty() && converter.add(*point)) labelPoint = converter.take();
    }
    if (geometry.empty() && (labelPoint.empty() || !areaPoi)) {
      ++st.noGeometry;
      return;
    }
    const geo::WorldBox bbox = boundsOf(geometry.empty() ? labelPoint : geometry);
    if (options.bbox && !boxOverlaps(*options.bbox, bbox)) {
      ++st.outsideBbox;
      return;
    }
    const std::string nameEn =
        spec.fields.nameEn.empty() ? std::string() : normalizeText(tags.get(spec.fields.nameEn.name));
    const std::string ref = spec.fields.ref.empty() ? std::string() : normalizeText(tags.get(spec.fields.ref.name));
    float height = 0;
    if (!spec.fields.height.empty())
      if (auto h = parseHeight(tags.get(spec.fields.height.name))) height = *h;
    if (height == 0 && !spec.fields.levels.empty())
      if (auto l = parseLevels(tags.get(spec.fields.levels.name))) height = float(*l) * 3.0f;
    uint32_t color = 0;
    if (!spec.fields.color.empty())
      if (auto c = parseColor(tags.get(spec.fields.color.name))) color = *c;
    const int32_t capacity = spec.fields.capacity.empty() ? 0 : parseCapacity(tags.get(spec.fields.capacity.name));
    const bool noFoot = !footAllowed(tags);

    const auto emit = [&](const Classification& c, Geometry g, bool withLabel) {
      Feature f;
      f.geom = std::move(g);
      f.bbox = boundsOf(f.geom);
      f.id = id.value;
      f.osmId = id.osm;
      f.layer = c.layer;
      f.kind = c.kind;
      f.flags = c.flags;
      f.zOrder = c.zOrder;
      f.minZoom = spec.minZoom ? *spec.minZoom : minZoomFor(c.layer, c.kind);
      f.source = sourceIndex;
      f.seq = static_cast<uint32_t>(out.size());
      f.name = name;
      f.nameEn = nameEn;
      f.ref = ref;
      f.height = height;
      f.color = color;
      f.capacity = capacity;
      f.noFoot = c.layer == Layer::Roads && noFoot;
      if (withLabel && !labelPoint.empty()) f.labelPoint = labelPoint.parts.front().front();
      out.push_back(std::move(f));
    };
    if (!geometry.empty()) emit(*cls, std::move(geometry), true);
    if (areaPoi && !labelPoint.empty()) {
      emit(*areaPoi, labelPoint, false);
      ++st.labelPoints;
    }
    if (!ctx.ids.insert(id.value).second) ++st.duplicateIds;
    ++st.classified;
  };

  // GDAL reports a broken or truncated file as errors while it reads (a PBF block that does not
  // decode, XML cut off, a record past the end of a .shp), and then simply stops or skips: the
  // errors, not the end of the features, say the input is incomplete. Collected here (this
  // thread's handler); any of class CE_Failure or worse fails the source.
  struct ReadErrors {
    uint64_t count = 0;
    std::string first;
    uint64_t firstAt = 0;  // features read before it
    const uint64_t* readSoFar = nullptr;
    static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum, const char* msg) {
      auto* self = static_cast<ReadErrors*>(CPLGetErrorHandlerUserData());
      if (cls < CE_Failure || !self) return;
      if (self->count++ == 0) {
        self->first = msg ? msg : "unknown GDAL error";
        self->firstAt = *self->readSoFar;
      }
    }
  } readErrors;
  readErrors.readSoFar = &readSoFar;
  CPLPushErrorHandlerEx(&ReadErrors::handler, &readErrors);
  struct PopHandler {
    ~PopHandler() { CPLPopErrorHandler(); }
  } popHandler;
  // Per layer, what the driver says it holds (when it can tell without a scan).
  std::vector<int64_t> expected(layers.size(), -1);
  std::vector<uint64_t> got(layers.size(), 0);

  if (ds->TestCapability(ODsCRandomLayerRead)) {
    // Interleaved formats (the OSM driver): read features in file order across all layers
    // (RFC 66 dataset-level iteration) instead of re-scanning the file per layer.
    ds->ResetReading();
    for (;;) {
      OGRLayer* layer = nullptr;
      double pct = 0;
      OGRFeatureUniquePtr feature(ds->GetNextFeature(&layer, &pct, nullptr, nullptr));
      if (!feature) break;
      const auto it = layerIndex.find(layer);
      if (it == layerIndex.end() || !layers[it->second].hasGeometry || !layers[it->second].selected) continue;
      process(layers[it->second], *feature);
      if ((readSoFar & 1023) == 0) reportProgress(pct);
    }
  } else {
    for (size_t li = 0; li < layers.size(); ++li) {
      LayerContext& ctx = layers[li];
      if (!ctx.hasGeometry || !ctx.selected) continue;
      expected[li] = ctx.layer->TestCapability(OLCFastFeatureCount) ? int64_t(ctx.layer->GetFeatureCount(FALSE)) : -1;
      ctx.layer->ResetReading();
      while (OGRFeatureUniquePtr feature{ctx.layer->GetNextFeature()}) {
        process(ctx, *feature);
        ++got[li];
        if ((readSoFar & 1023) == 0 && totalFeatures) reportProgress(double(readSoFar) / double(totalFeatures));
      }
    }
  }
  const std::string advice =
      ". The input looks broken or cut off (an interrupted download?); nothing was written and the previous output "
      "is untouched. Download it again, or pass --skip-invalid to keep what can be read.";
  if (readErrors.count > 0) {
    if (!options.skipInvalid)
      return Error{path + ": GDAL error while reading, after " + std::to_string(readErrors.firstAt) +
                   " features: " + readErrors.first +
                   (readErrors.count > 1 ? " (and " + std::to_string(readErrors.count - 1) + " more)" : "") + advice};
    if (!stats.empty()) stats.front().readErrors += readErrors.count;
  }
  // A layer that ends short of the count its driver reports lost features without saying so.
  for (size_t li = 0; li < layers.size(); ++li)
    if (expected[li] >= 0 && got[li] < uint64_t(expected[li]) && !options.skipInvalid)
      return Error{path + ": layer '" + layers[li].name + "' ended after " + std::to_string(got[li]) + " of the " +
                   std::to_string(expected[li]) + " features its driver reports" + advice};
  reportProgress(1.0);
  return stats;
}

}  // namespace citymap::ingest
