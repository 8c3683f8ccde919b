#pragma once
// Overlays (docs/OVERLAY.md): any vector file GDAL reads (GeoJSON, GeoPackage, Shapefile,
// FlatGeobuf, OSM XML/PBF, KML, CSV with geometry, ...) turned into a small PMTiles archive of
// citymap tiles that the desktop app draws above the map, so a developer can check their data
// against it.
//
// The ingest's pieces, in "overlay" mode: every feature of every layer is read (source_reader,
// SourceSpec::overlay) and reprojected with PROJ from the CRS its layer declares (or
// `assumeCrs`), and goes into the one tile layer "overlay" with its geometry as read (points,
// lines, polygons), kind = the index of its GDAL layer among the file's layers with geometry,
// modulo 8 (the overlay style colours by it), the name from a name-like field, and its id by the
// command-line id rules (docs/INGEST.md, "Feature ids"). Tiles are cut for zooms 0..16 (the
// client overzooms above), simplified by 1 tile unit at the top zoom and 2.5 below, and packed
// into a PMTiles archive in memory (archive_writer.hpp). Deterministic: the same file gives the
// same bytes.
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "ingest/feature.hpp"

namespace citymap::ingest {

struct OverlayOptions {
  std::string assumeCrs;  // CRS of layers that declare none ("EPSG:32649", a PROJ string, WKT)
  uint8_t maxZoom = 16;   // highest zoom written, lowered for large extents (overlayMaxZoom)
  // At most about this many feature pieces at the highest zoom (bounds memory and time for a
  // file that covers a country or the world).
  uint64_t tileBudget = 400'000;
  unsigned threads = 1;
};

struct OverlayLayer {
  std::string name;
  uint8_t kind = 0;       // the colour index its features get
  uint64_t read = 0;      // features in the layer
  uint64_t features = 0;  // kept (with a drawable geometry)
  std::string crs;        // the CRS read from (crsLabel), "" for a layer without geometry
};

struct Overlay {
  std::string path;
  std::vector<OverlayLayer> layers;                 // the file's layers with geometry
  uint64_t features = 0;                            // kept, over all layers
  uint64_t dropped = 0;                             // without geometry, or PROJ could not reproject them
  double west = 0, south = 0, east = 0, north = 0;  // the features' box, degrees
  uint8_t minZoom = 0, maxZoom = 0;
  uint64_t tiles = 0;            // tiles with data in the archive
  std::vector<uint8_t> archive;  // the PMTiles v3 archive
};

// Reads `path` and builds its overlay archive. Errors (with the file's name): a missing,
// unreadable or broken file, no vector layers, a layer without CRS and no assumeCrs (the
// message says to use --overlay-srs), a CRS PROJ cannot transform, no feature with geometry.
Result<Overlay> buildOverlay(const std::string& path, const OverlayOptions& options = {});

// One line for the console: "overlay parks.gpkg: 12 features in 2 layers (parks 10, paths 2),
// CRS EPSG:32649 (WGS 84 / UTM zone 49N), bbox 108.1,16.0,108.3,16.1, z0-16, 40 tiles, 12.3 KB".
std::string overlaySummary(const Overlay& overlay);

// The highest zoom <= maxZoom at which the features' boxes cover at most `budget` tiles in all
// (a bound of the work at that zoom); 0 at least.
uint8_t overlayMaxZoom(const std::vector<Feature>& features, uint8_t maxZoom, uint64_t budget);

}  // namespace citymap::ingest
