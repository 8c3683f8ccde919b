#pragma once
// Label candidates of one tile, collected once when the tile is meshed (no GL, no font): for
// each feature a label class of the style takes, its text and where the label may go (a point,
// or anchors along a line with the line's points around them, or an area's interior point).
// Only anchors inside the tile proper are kept (not in the clip buffer), so neighbouring tiles
// never offer the same anchor twice.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "geo/tile_id.hpp"
#include "style/style.hpp"
#include "tess/geometry.hpp"
#include "tile/tile_reader.hpp"

namespace citymap::labels {

struct LabelCandidate {
  uint64_t featureId = 0;
  uint64_t key = 0;         // stable identity of this label (feature, class and anchor)
  uint32_t text = 0;        // byte offset into TileLabels::text
  uint32_t textLength = 0;  // bytes
  // The English name (name_en) where the feature has one, else the same text as `text`.
  uint32_t textEn = 0, textEnLength = 0;
  uint16_t labelClass = 0;  // index into Style::labels
  uint8_t kind = 0;         // the feature's kind (its class's icon: LabelClass::iconByKind)
  style::LabelClass::Placement placement = style::LabelClass::Placement::Point;
  tess::Vec2 anchor;  // tile units
  // Line: the part the anchor is on (TileLabels::points[line .. line + lineLength)) and the
  // segment [segment, segment + 1] of that part holding the anchor.
  uint32_t line = 0, lineLength = 0, segment = 0;
  // Line: the part's length minus the anchor's distance from the part's middle (central anchors
  // first); Area: the distance from the anchor to the outline. Tile units.
  float rank = 0;
};

struct TileLabels {
  geo::TileID id;
  float extent = 4096;
  std::string text;                // every candidate's text, back to back
  std::vector<tess::Vec2> points;  // line parts, tile units
  std::vector<LabelCandidate> candidates;
  std::string_view textOf(const LabelCandidate& c) const { return std::string_view(text).substr(c.text, c.textLength); }
  // The text in the map's language: English where the feature has an English name.
  std::string_view textOf(const LabelCandidate& c, bool english) const {
    return english ? std::string_view(text).substr(c.textEn, c.textEnLength) : textOf(c);
  }
  size_t byteSize() const;
};

// The candidates of every label class of `style` in a verified tile.
TileLabels collectLabels(const tile::TileData& tile, const style::Style& style);

// A 64-bit mix of the parts of a label key (splitmix64 finaliser).
uint64_t mixKey(uint64_t a, uint64_t b);

}  // namespace citymap::labels
