#pragma once
// The map's text: the font file and the POI icon sprite (fetched at start), rasterised for the
// screen's pixel ratio with the style's label sizes into one atlas with the UI's (ui::buildFonts),
// and the labels placed each frame over the base map's tiles (labels::Labeler, fading in and
// out). The live layer lays out its tags with the same fonts.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "frame/draw_list.hpp"
#include "frame/frame_renderer.hpp"
#include "geo/camera.hpp"
#include "icons/sprite.hpp"
#include "labels/label_batch.hpp"
#include "labels/placement.hpp"
#include "scene/tile_pyramid.hpp"
#include "source/tile_source.hpp"
#include "style/style.hpp"

namespace citymap::app {

class LabelLayer {
 public:
  struct Hooks {
    source::Fetch fetch;
    std::function<double()> nowMs;           // monotonic
    std::function<void(const char*)> mark;   // a startup milestone
    std::function<void()> changed;           // something arrived: draw again
    std::function<void(double ms)> frameIn;  // draw again in about `ms`
  };
  // `fontUrl`: a TrueType font with Vietnamese glyphs (empty: ImGui's ASCII font);
  // `spriteUrl`: the icon sprite without "@<ratio>x.json" / ".alpha" (empty: no icons). The
  // atlas goes to `renderer`.
  LabelLayer(std::string fontUrl, std::string spriteUrl, frame::FrameRenderer& renderer, Hooks hooks);

  // Asks for the font and the sprite (for this pixel ratio).
  void load(double pixelRatio);
  // The font file has not been answered and rasterised yet: the map is not idle.
  bool pending() const { return fontPending_; }
  // Before a frame draws: rasterises the fonts once they arrived (not before the first view's
  // tiles were asked for, which travel meanwhile, nor before the sprite is answered; at most a
  // second, and not at all once the map failed), and again when the pixel ratio changed (then
  // this frame's labels already use them).
  void update(const style::Style& style, double pixelRatio, bool tilesAsked, bool mapFailed);
  // A new style: labels placed anew; fonts rebuilt when its label sizes differ.
  void restyle(const style::Style& previous, const style::Style& next);
  // The GL context came back: the atlas goes up again with the next update.
  void contextRestored() { fontsDpr_ = 0; }

  // Places the labels of `tiles` for this frame and adds their glyphs to `list`.
  void place(const std::vector<scene::DrawTile>& tiles, const geo::Camera& camera, const style::Style& style,
             const style::GroupVisibility& visible, bool english, bool appearAtOnce, frame::DrawList& list);
  void setEnglish(bool english) { labeler_.setEnglish(english); }
  bool fading() const { return labeler_.fading(); }
  const std::vector<labels::PlacedLabel>& placed() const { return labeler_.placed(); }
  const labels::FontSet& fonts() const { return fonts_; }

 private:
  void loadFont();
  void loadSprite(double pixelRatio);
  void build(const style::Style& style, double pixelRatio);

  std::string fontUrl_, spriteUrl_;
  frame::FrameRenderer& renderer_;
  Hooks hooks_;
  labels::Labeler labeler_;
  labels::FontSet fonts_;
  labels::LabelBatch batch_;
  std::vector<labels::LabelTile> tiles_;
  bool fontPending_ = false;             // the font file was asked for and its fonts are not built yet
  std::optional<double> fontArrivedMs_;  // the font file arrived then and waits for update()
  std::vector<uint8_t> fontBytes_;       // the TrueType font (empty: ImGui's built-in font)
  double fontsDpr_ = 0;                  // the pixel ratio the fonts were rasterised for (0: none)
  bool loaded_ = false;                  // load() was called
  // The icon sprite: its two files as they arrive, then the parsed sprite (in the label atlas).
  std::optional<std::vector<uint8_t>> spriteIndex_, spriteCoverage_;
  std::optional<icons::Sprite> sprite_;
  bool spritePending_ = false;  // asked for, not yet answered (both files)
};

}  // namespace citymap::app
