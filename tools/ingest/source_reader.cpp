#include "ingest/source_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include "geo/mercator.hpp"
#include "ingest/classify.hpp"
#include "ingest/clip.hpp"
#include "ingest/feature_id.hpp"
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
};

std::string lastGdalError(const char* fallback) {
  const char* msg = CPLGetLastErrorMsg();
  return (msg && *msg) ? std::string(msg) : std::string(fallback);
}

// Geometry class of a (possibly nested) geometry: the highest dimension in it.
GeomType geomClassOf(const OGRGeometry& g) {
  switch (g.getDimension()) {
    case 0: return GeomType::Point;
    case 1: return GeomType::Line;
    default: return GeomType::Polygon;
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

}  // namespace

void initGdal() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

Result<std::vector<LayerStats>> readSource(const std::string& path, uint16_t sourceIndex, const ReadOptions& options,
                                           std::vector<Feature>& out) {
  initGdal();
  std::error_code ec;
  if (!fs::exists(path, ec)) return Error{"input not found: " + path};
  if (::access(path.c_str(), R_OK) != 0) return Error{"cannot read input " + path + ": " + std::strerror(errno)};

  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  CPLPopErrorHandler();
  if (!ds) return Error{"cannot open " + path + " as a vector dataset (" + lastGdalError("no GDAL driver recognises it") + ")"};
  if (ds->GetLayerCount() == 0) return Error{path + " has no vector layers"};

  const std::string fileName = fs::path(path).filename().string();
  const bool osmDriver = ds->GetDriver() && std::string_view(ds->GetDriver()->GetDescription()) == "OSM";

  OGRSpatialReference webMercator;
  if (webMercator.importFromEPSG(3857) != OGRERR_NONE) return Error{"PROJ cannot create EPSG:3857 (is proj-data installed?)"};
  webMercator.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);

  std::vector<LayerStats> stats;
  std::vector<LayerContext> layers;
  std::unordered_map<const OGRLayer*, size_t> layerIndex;
  for (int i = 0; i < ds->GetLayerCount(); ++i) {
    OGRLayer* layer = ds->GetLayer(i);
    LayerContext ctx;
    ctx.layer = layer;
    ctx.name = layer->GetName();
    ctx.hasGeometry = layer->GetLayerDefn()->GetGeomFieldCount() > 0;
    ctx.otherTagsField = layer->GetLayerDefn()->GetFieldIndex("other_tags");
    ctx.osmIds = osmDriver || (isOsmDriverLayerName(ctx.name) && (layer->GetLayerDefn()->GetFieldIndex("osm_id") >= 0 ||
                                                                  layer->GetLayerDefn()->GetFieldIndex("osm_way_id") >= 0));
    if (ctx.hasGeometry) {
      const OGRSpatialReference* srs = layer->GetSpatialRef();
      if (!srs) return Error{path + ": layer '" + ctx.name + "' has no CRS (add one, e.g. a .prj file, or assign it with ogr2ogr -a_srs)"};
      OGRSpatialReference source(*srs);
      source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      if (!source.IsSame(&webMercator)) {
        CPLErrorReset();
        CPLPushErrorHandler(CPLQuietErrorHandler);
        ctx.transform.reset(OGRCreateCoordinateTransformation(&source, &webMercator));
        CPLPopErrorHandler();
        if (!ctx.transform)
          return Error{path + ": layer '" + ctx.name + "': cannot transform its CRS to EPSG:3857 (" +
                       lastGdalError("PROJ error") + ")"};
      }
    }
    ctx.statsIndex = stats.size();
    stats.push_back({fileName, ctx.name});
    layerIndex[layer] = layers.size();
    layers.push_back(std::move(ctx));
  }

  Tags tags;
  const auto process = [&](LayerContext& ctx, OGRFeature& feature) {
    LayerStats& st = stats[ctx.statsIndex];
    ++st.read;
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
    const auto cls = classify(tags, geomClass);
    const auto areaPoi = geomClass == GeomType::Polygon ? classifyAreaPoi(tags) : std::nullopt;
    if (!cls && !areaPoi) {
      ++st.unclassified;
      return;
    }

    std::unique_ptr<OGRGeometry> owned(feature.StealGeometry());
    if (ctx.transform && owned->transform(ctx.transform.get()) != OGRERR_NONE) {
      ++st.transformFailed;
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
    // The area's label point (GEOS point-on-surface: inside even for concave shapes).
    Geometry labelPoint;
    if (areaPoi) {
      std::unique_ptr<OGRGeometry> point(OGRGeometry::FromHandle(OGR_G_PointOnSurface(OGRGeometry::ToHandle(owned.get()))));
      GeometryConverter converter(GeomType::Point);
      if (point && !point->IsEmpty() && converter.add(*point)) labelPoint = converter.take();
    }
    if (geometry.empty() && labelPoint.empty()) {
      ++st.noGeometry;
      return;
    }
    const geo::WorldBox bbox = boundsOf(geometry.empty() ? labelPoint : geometry);
    if (options.bbox && !boxOverlaps(*options.bbox, bbox)) {
      ++st.outsideBbox;
      return;
    }
    std::optional<FeatureId> id = ctx.osmIds ? osmDriverId(ctx.name, tags) : sourceFieldId(tags);
    if (!id) id = FeatureId{hashedId(fileName, ctx.name, feature.GetFID()), false};
    const auto emit = [&](const Classification& c, Geometry g) {
      Feature f;
      f.geom = std::move(g);
      f.bbox = boundsOf(f.geom);
      f.id = id->value;
      f.osmId = id->osm;
      f.layer = c.layer;
      f.kind = c.kind;
      f.flags = c.flags;
      f.zOrder = c.zOrder;
      f.minZoom = minZoomFor(c.layer, c.kind);
      f.source = sourceIndex;
      f.seq = static_cast<uint32_t>(out.size());
      f.name = std::string(tags.get("name"));
      out.push_back(std::move(f));
    };
    if (!geometry.empty()) emit(*cls, std::move(geometry));
    if (!labelPoint.empty()) {
      emit(*areaPoi, std::move(labelPoint));
      ++st.labelPoints;
    }
    ++st.classified;
  };

  if (ds->TestCapability(ODsCRandomLayerRead)) {
    // Interleaved formats (the OSM driver): read features in file order across all layers
    // (RFC 66 dataset-level iteration) instead of re-scanning the file per layer.
    ds->ResetReading();
    for (;;) {
      OGRLayer* layer = nullptr;
      OGRFeatureUniquePtr feature(ds->GetNextFeature(&layer, nullptr, nullptr, nullptr));
      if (!feature) break;
      const auto it = layerIndex.find(layer);
      if (it == layerIndex.end() || !layers[it->second].hasGeometry) continue;
      process(layers[it->second], *feature);
    }
  } else {
    for (LayerContext& ctx : layers) {
      if (!ctx.hasGeometry) continue;
      ctx.layer->ResetReading();
      while (OGRFeatureUniquePtr feature{ctx.layer->GetNextFeature()}) process(ctx, *feature);
    }
  }
  return stats;
}

}  // namespace citymap::ingest
