#pragma once
// Builds small citymap tiles in memory for tests (the real writer is tools/ingest).
#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <string>
#include <vector>

#include "citymap/tile_generated.h"
#include "geo/tile_id.hpp"
#include "tile/coord_delta.hpp"
#include "tile/kinds.hpp"

namespace citymap::testing {

struct TestFeature {
  uint64_t id = 1;
  uint8_t kind = 0;
  uint8_t flags = 0;
  fb::GeometryType type = fb::GeometryType::Line;
  std::vector<int16_t> coords;
  std::vector<uint32_t> parts;
  std::vector<uint32_t> rings;  // polygons
  std::string name;
  std::string nameEn;  // English name (name_en)
  std::string ref;
};

struct TestLayer {
  std::string name;
  std::vector<TestFeature> features;
};

// Coordinates are given absolute; version 2 stores them delta-coded, as the ingest writes them.
inline std::vector<uint8_t> buildTile(geo::TileID id, const std::vector<TestLayer>& layers,
                                      uint16_t version = tile::kFormatVersion) {
  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<fb::Layer>> ls;
  for (const auto& l : layers) {
    std::vector<flatbuffers::Offset<fb::Feature>> fs;
    uint64_t previousId = 0;
    for (const auto& f : l.features) {
      std::vector<int16_t> xy = f.coords;
      if (version >= 2) tile::deltaEncodeCoords(xy);
      const auto coords = b.CreateVector(xy);
      // Empty parts or rings: left out (format 2's one-part / one-polygon short forms).
      const auto parts = f.parts.empty() ? 0 : b.CreateVector(f.parts);
      const auto rings = f.rings.empty() ? 0 : b.CreateVector(f.rings);
      const auto name = f.name.empty() ? 0 : b.CreateString(f.name);
      const auto nameEn = f.nameEn.empty() ? 0 : b.CreateString(f.nameEn);
      const auto ref = f.ref.empty() ? 0 : b.CreateString(f.ref);
      // Version 2 writes ids as differences within the layer, every field present (as the ingest
      // does for the id).
      b.ForceDefaults(version >= 2);
      fs.push_back(fb::CreateFeature(b, version >= 2 ? f.id - previousId : f.id, f.kind, f.flags, f.type, coords,
                                     flatbuffers::Offset<flatbuffers::Vector<uint32_t>>(parts.o),
                                     flatbuffers::Offset<flatbuffers::Vector<uint32_t>>(rings.o), name, 0,
                                     flatbuffers::Offset<flatbuffers::String>(nameEn.o),
                                     flatbuffers::Offset<flatbuffers::String>(ref.o)));
      b.ForceDefaults(false);
      previousId = f.id;
    }
    ls.push_back(fb::CreateLayer(b, b.CreateString(l.name), b.CreateVector(fs)));
  }
  const auto tile = fb::CreateTile(b, version, id.z, id.x, id.y, 4096, b.CreateVector(ls));
  fb::FinishTileBuffer(b, tile);
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

// A tile with one primary road, one park polygon with a hole and one building.
inline std::vector<uint8_t> sampleTile(geo::TileID id = {16, 52470, 29805}) {
  TestFeature road{101, 2 /*Primary*/, 0, fb::GeometryType::Line, {100, 100, 2000, 100, 2000, 3000}, {3},
                   {},  "Trần Phú"};
  TestFeature park{202,
                   3 /*Park*/,
                   0,
                   fb::GeometryType::Polygon,
                   {0, 0, 1000, 0, 1000, 1000, 0, 1000, 400, 400, 400, 600, 600, 600, 600, 400},
                   {4, 4},
                   {2},
                   "Công viên"};
  TestFeature building{303, 0,   0, fb::GeometryType::Polygon, {3000, 3000, 3200, 3000, 3200, 3300, 3000, 3300},
                       {4}, {1}, ""};
  TestFeature tower{404, 0 /*FloodTower*/, 0, fb::GeometryType::Point, {2048, 2048}, {1}, {}, "Tháp cảnh báo ngập"};
  return buildTile(id, {{"roads", {road}}, {"landuse", {park}}, {"buildings", {building}}, {"ioc", {tower}}});
}

}  // namespace citymap::testing
