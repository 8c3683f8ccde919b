#pragma once
// The fonts of the map and its UI, rasterised by ImGui into one atlas: the UI font (ImGui's
// default font, first) and one label font per text size the style uses, all for the screen's
// pixel ratio. Returns the label fonts as glyph tables (labels::FontSet, CSS px) and the label
// atlas (glyph coverage + baked halo) for the renderer. Needs a current ImGui context; the
// caller then re-uploads ImGui's atlas (render::ImGuiRenderer::rebuildFonts).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "labels/text.hpp"

namespace citymap::ui {

// Label halo radius, CSS px (baked into the atlas).
inline constexpr float kLabelHaloCss = 2.f;

struct FontBuild {
  labels::FontSet labels;
  std::vector<uint8_t> atlas;  // two bytes per texel: glyph coverage, halo
  int width = 0, height = 0;
  bool trueType = false;  // built from the TrueType font (else ImGui's built-in ASCII font)
  std::string error;      // why the TrueType font was not used
};

// `ttf`: TrueType bytes (empty: ImGui's built-in font for the UI and the labels).
FontBuild buildFonts(std::span<const uint8_t> ttf, float uiSize, std::span<const float> labelSizes, float pixelRatio);

}  // namespace citymap::ui
