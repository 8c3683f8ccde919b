#pragma once
// Per-frame label placement: takes the candidates of the tiles being drawn, keeps those of the
// label classes shown at this zoom whose anchor is on screen, and places them in priority order
// (style::LabelClass::priority, then the labels already shown last frame, then by rank) into a
// screen-space collision grid: no two labels overlap, point labels keep off the markers of other
// points at least as important, none crosses the viewport's edge, a text is not repeated within
// its class's repeat distance and a feature gets one label. Point labels try four positions
// around their marker. Line labels follow their line glyph by glyph (as MapLibre's
// `symbol-placement: line`): each glyph is centred on the line at its advance from the anchor and
// turned with the line there, the whole text reads left to right (upright), and an anchor where
// the line bends more than kMaxAngle within a glyph's width, or between two glyphs, gets no
// label (the next anchor is tried). A line label collides by its glyphs (a box per glyph or per
// two glyphs turned alike), so curved labels pack as their glyphs do. With a
// bearing, anchors and lines are turned through the camera: point and area labels stay level,
// line labels follow their line as turned on screen. Labels fade in and out over kFadeMs. No GL,
// no font library: text widths come from a FontSet.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "geo/camera.hpp"
#include "labels/candidates.hpp"
#include "labels/collision.hpp"
#include "labels/text.hpp"
#include "style/style.hpp"

namespace citymap::labels {

// One tile's candidates and the tile area they are drawn for (a parent tile standing in for a
// missing child covers only that child: candidates elsewhere are left to other tiles).
struct LabelTile {
  geo::TileID target;
  const TileLabels* labels = nullptr;
};

// A glyph of a line label: the centre of its advance on the text's middle line, and its turn.
struct LineGlyph {
  float x = 0, y = 0;  // CSS px
  float angle = 0;     // radians, clockwise on screen
};

struct PlacedLabel {
  std::string_view text;    // valid until the next place()
  uint16_t labelClass = 0;  // index into Style::labels
  float x = 0, y = 0;       // centre of the text, CSS px
  float angle = 0;          // radians, clockwise on screen, in [-pi/2, pi/2): never upside down
  float width = 0;          // text width, CSS px
  float opacity = 1;
  uint64_t key = 0;
  // Point labels with an icon (LabelClass::iconByKind): FontSet::icons[icon], centred on the
  // anchor (iconX, iconY); -1: none.
  int16_t icon = -1;
  float iconX = 0, iconY = 0;
  // Line labels: one per cluster of the text (labels::shapeLine), valid until the next place();
  // empty: the text is laid out straight, centred on (x, y) and turned by `angle`.
  std::span<const LineGlyph> glyphs;
};

struct PlacementStats {
  int candidates = 0;  // on screen, of the classes shown
  int placed = 0;
  int fadingOut = 0;
};

using style::GroupVisibility;

class Labeler {
 public:
  static constexpr double kFadeMs = 200;
  static constexpr float kPadding = 2;  // CSS px kept free around each label
  // Line labels: the most the line may turn within a glyph's width (3/5 of the text size, as
  // MapLibre's text-max-angle window) and between consecutive glyphs.
  static constexpr float kMaxAngle = 45 * 3.14159265f / 180;

  // Places this frame's labels. `nowMs` (monotonic) drives the fades.
  const std::vector<PlacedLabel>& place(std::span<const LabelTile> tiles, const geo::Camera& camera,
                                        const style::Style& style, const FontSet& fonts, const GroupVisibility& visible,
                                        double nowMs);
  // Some label is still fading in or out: more frames are needed to finish.
  bool fading() const { return fading_; }
  const PlacementStats& stats() const { return stats_; }
  const std::vector<PlacedLabel>& placed() const { return out_; }
  void clear();
  // Labels in English (name_en where a feature has one) or in Vietnamese (the name). A change
  // clears the shown labels, so the new texts are placed from scratch.
  void setEnglish(bool english) {
    if (english != english_) clear();
    english_ = english;
  }
  bool english() const { return english_; }
  // Labels placed while this is set show at once, without fading in (the first view: nothing
  // was on the screen before them).
  void setAppearAtOnce(bool atOnce) { appearAtOnce_ = atOnce; }

 private:
  struct Ref {
    uint32_t tile, candidate;
    float x, y;  // anchor, CSS px
    float unit;  // CSS px per tile unit
    float rankPx;
    int priority;
    bool wasShown;
    int8_t variant;  // Point: the side it was shown on last frame (tried first), -1: none
    uint64_t key;
  };
  struct Shown {
    std::string text;
    geo::WorldPoint anchor;
    float dx = 0, dy = 0;  // text centre minus anchor, CSS px
    float angle = 0, width = 0;
    std::vector<LineGlyph> glyphs;  // line labels: relative to the anchor, CSS px
    int16_t icon = -1;
    uint16_t labelClass = 0;
    int8_t variant = -1;
    float opacity = 0;
    bool placed = false, wasPlaced = false;
  };
  struct ClassInfo {
    bool active = false;   // its labels show
    bool markers = false;  // its markers are drawn: obstacles for point labels
    const Font* font = nullptr;
    float scale = 1, offset = 0;
    // The icon of each kind in the font set (FontSet::icons), -1 for none: resolved once per
    // frame, not per try.
    std::array<int16_t, 32> icons;
  };
  struct RepeatEntry {
    uint64_t textHash;
    float x, y;
  };
  bool tryPlace(const Ref& ref, const TileLabels& tile, const style::LabelClass& cls, const ClassInfo& info,
                float viewW, float viewH, PlacedLabel& out, int8_t& variant);
  bool placeAlongLine(const Ref& ref, const TileLabels& tile, const LabelCandidate& c, const style::LabelClass& cls,
                      float viewW, float viewH, PlacedLabel& out);
  bool repeated(uint64_t textHash, float x, float y, float distance) const;
  void addRepeat(uint64_t textHash, float x, float y);

  std::unordered_map<uint64_t, Shown> shown_;
  float rotCos_ = 1, rotSin_ = 0;  // the camera's bearing this frame (tile to screen directions)
  std::vector<Ref> refs_;
  std::vector<ClassInfo> classes_;
  CollisionGrid grid_;     // placed labels
  CollisionGrid markers_;  // the markers of point candidates
  std::vector<PlacedLabel> out_;
  std::vector<std::vector<RepeatEntry>> repeats_;           // hashed by text
  std::vector<uint64_t> features_;                          // (feature, class) with a label this frame
  std::vector<LineGlyph> glyphs_;                           // this frame's line label glyphs
  std::vector<std::pair<uint32_t, uint32_t>> glyphRanges_;  // per out_ entry: into glyphs_
  // Scratch.
  std::vector<Box> boxes_;
  std::vector<tess::Vec2> path_, back_;
  std::vector<float> distances_, turns_;
  std::vector<LineGlyph> lineGlyphs_;
  ShapedLine shaped_;
  const FontSet* fonts_ = nullptr;  // this place()'s
  double lastMs_ = -1;
  bool fading_ = false;
  bool english_ = false;
  bool appearAtOnce_ = false;
  PlacementStats stats_;
};

}  // namespace citymap::labels
