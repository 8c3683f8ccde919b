#include "app/label_layer.hpp"

#include <cstdio>
#include <utility>

#include "ui/label_fonts.hpp"

namespace citymap::app {

namespace {
constexpr float kUiFontSize = 15.f;  // CSS px
}

LabelLayer::LabelLayer(std::string fontUrl, std::string spriteUrl, frame::FrameRenderer& renderer, Hooks hooks)
    : fontUrl_(std::move(fontUrl)), spriteUrl_(std::move(spriteUrl)), renderer_(renderer), hooks_(std::move(hooks)) {}

void LabelLayer::load(double pixelRatio) {
  if (std::exchange(loaded_, true)) return;
  loadFont();
  loadSprite(pixelRatio);
}

// The map is not idle until the font file has been answered: labels are drawn with the final
// font from the first idle frame on.
void LabelLayer::loadFont() {
  if (fontUrl_.empty()) return;  // ImGui's built-in (ASCII) font, built by the first update()
  fontPending_ = true;
  hooks_.fetch(fontUrl_, std::nullopt, [this](Result<std::vector<uint8_t>> bytes) {
    hooks_.mark("font-fetched");
    if (!bytes || bytes->size() < 12) {
      std::fprintf(stderr, "citymap: UI font %s: %s\n", fontUrl_.c_str(), bytes ? "empty file" : bytes.error().c_str());
      fontBytes_.clear();
    } else {
      fontBytes_ = std::move(bytes).value();
    }
    fontArrivedMs_ = hooks_.nowMs();  // rasterised by update() once the first tiles are asked for
    hooks_.changed();
  });
}

// The POI icons go into the label atlas with the fonts: asked for with the font (two small
// files), waited for with it; one that is missing or broken is reported and the map goes on
// without icons.
void LabelLayer::loadSprite(double pixelRatio) {
  if (spriteUrl_.empty()) return;
  const std::string base = spriteUrl_ + (pixelRatio >= 1.5 ? "@2x" : "@1x");
  spritePending_ = true;
  const auto arrived = [this, base](std::optional<std::vector<uint8_t>>& slot, Result<std::vector<uint8_t>> bytes) {
    if (!spritePending_) return;
    if (!bytes) {
      std::fprintf(stderr, "citymap: icon sprite %s: %s (no icons)\n", base.c_str(), bytes.error().c_str());
      spritePending_ = false;
      return;
    }
    slot = std::move(bytes).value();
    if (!spriteIndex_ || !spriteCoverage_) return;
    spritePending_ = false;
    const std::string_view index(reinterpret_cast<const char*>(spriteIndex_->data()), spriteIndex_->size());
    Result<icons::Sprite> sprite = icons::parseSprite(index, *spriteCoverage_);
    spriteIndex_.reset();
    spriteCoverage_.reset();
    if (!sprite) {
      std::fprintf(stderr, "citymap: %s: %s (no icons)\n", base.c_str(), sprite.error().c_str());
      return;
    }
    sprite_ = std::move(sprite).value();
    fontsDpr_ = 0;  // fonts built without it (the sprite came late): again, with the icons
    hooks_.changed();
  };
  hooks_.fetch(base + ".json", std::nullopt,
               [arrived, this](Result<std::vector<uint8_t>> b) mutable { arrived(spriteIndex_, std::move(b)); });
  hooks_.fetch(base + ".alpha", std::nullopt,
               [arrived, this](Result<std::vector<uint8_t>> b) mutable { arrived(spriteCoverage_, std::move(b)); });
}

// Rasterising the label and UI fonts takes a few hundred milliseconds in the browser: not before
// the first view's tiles have been asked for (they travel meanwhile), unless the map cannot ask
// yet (no archive after a second, or an error).
void LabelLayer::update(const style::Style& style, double pixelRatio, bool tilesAsked, bool mapFailed) {
  if (!loaded_) return;
  if (fontArrivedMs_) {
    const bool waiting = !tilesAsked || spritePending_;
    if (waiting && !mapFailed && hooks_.nowMs() - *fontArrivedMs_ < 1000) {
      hooks_.frameIn(50);
      return;
    }
    fontArrivedMs_.reset();
    build(style, pixelRatio);
    fontPending_ = false;
    hooks_.mark("fonts-ready");
    hooks_.changed();  // one more frame: the UI's new font settles
    return;
  }
  // Fonts are rasterised for the screen's pixel ratio: again when it changed (another monitor,
  // browser zoom), after a lost context, a late sprite or new label sizes.
  if (fontPending_ || fontsDpr_ == pixelRatio) return;
  build(style, pixelRatio);
}

void LabelLayer::build(const style::Style& style, double pixelRatio) {
  ui::FontBuild built = ui::buildFonts(fontBytes_, kUiFontSize, style::labelSizes(style), float(pixelRatio),
                                       sprite_ ? &*sprite_ : nullptr);
  if (!fontBytes_.empty() && !built.trueType)
    std::fprintf(stderr, "citymap: UI font %s: %s\n", fontUrl_.c_str(), built.error.c_str());
  fonts_ = std::move(built.labels);
  fontsDpr_ = pixelRatio;
  renderer_.setLabelAtlas(built.width, built.height, built.atlas);
  renderer_.uiFontsChanged();
  labeler_.clear();
}

void LabelLayer::restyle(const style::Style& previous, const style::Style& next) {
  labeler_.clear();
  if (style::labelSizes(next) != style::labelSizes(previous)) fontsDpr_ = 0;  // rasterised again
}

void LabelLayer::place(const std::vector<scene::DrawTile>& tiles, const geo::Camera& camera, const style::Style& style,
                       const style::GroupVisibility& visible, bool english, bool appearAtOnce, frame::DrawList& list) {
  if (fonts_.empty()) return;
  scene::labelTiles(tiles, tiles_);
  labeler_.setEnglish(english);
  labeler_.setAppearAtOnce(appearAtOnce);  // the first view's labels do not fade in
  const auto& placed = labeler_.place(tiles_, camera, style, fonts_, visible, hooks_.nowMs());
  labels::buildLabelBatch(placed, style, fonts_, camera.pixelRatio(), batch_);
  frame::addLabels(list, batch_);
}

}  // namespace citymap::app
