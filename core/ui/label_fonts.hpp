#pragma once
// The fonts of the map and its UI, rasterised by ImGui into one atlas: the UI font (ImGui's
// default font, first) and one label font per text size the style uses, all for the screen's
// pixel ratio. Returns the label fonts as glyph tables (labels::FontSet, CSS px) and the label
// atlas (glyph coverage + baked halo) for the renderer. Needs a current ImGui context; the
// caller then re-uploads ImGui's atlas (render::ImGuiRenderer::rebuildFonts). With a sprite,
// its icons go into the label atlas too (icons::makeIconCell: the symbol in red, a disc of
// kIconDiscCss in green), listed in FontSet::icons.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "icons/sprite.hpp"
#include "labels/text.hpp"

namespace citymap::ui {

// Label halo radius, CSS px (baked into the atlas).
inline constexpr float kLabelHaloCss = 2.f;
// The disc baked behind each icon, CSS px across (the Maki symbols are 15 px).
inline constexpr float kIconDiscCss = 20.f;

struct FontBuild {
  labels::FontSet labels;
  std::vector<uint8_t> atlas;  // two bytes per texel: glyph coverage, halo
  int width = 0, height = 0;
  bool trueType = false;  // built from the TrueType font (else ImGui's built-in ASCII font)
  std::string error;      // why the TrueType font was not used
};

// `ttf`: TrueType bytes (empty: ImGui's built-in font for the UI and the labels).
FontBuild buildFonts(std::span<const uint8_t> ttf, float uiSize, std::span<const float> labelSizes, float pixelRatio,
                     const icons::Sprite* sprite = nullptr);

}  // namespace citymap::ui
