#include "ui/label_fonts.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "labels/halo_atlas.hpp"

namespace citymap::ui {

namespace {

// Latin, Vietnamese (precomposed letters and the combining marks of decomposed text: grave,
// acute, circumflex, tilde, breve, hook above, horn, dot below), dashes, quotes, bullet,
// ellipsis: what the Da Nang names use. The browser's subset font has the same.
const ImWchar kRanges[] = {
    0x0020, 0x00FF, 0x0102, 0x0103, 0x0110, 0x0111, 0x0128, 0x0129, 0x0168, 0x0169, 0x01A0, 0x01A1,
    0x01AF, 0x01B0, 0x0300, 0x0303, 0x0306, 0x0306, 0x0309, 0x0309, 0x031B, 0x031B, 0x0323, 0x0323,
    0x1EA0, 0x1EF9, 0x2013, 0x2014, 0x2018, 0x201D, 0x2022, 0x2022, 0x2026, 0x2026, 0,
};

labels::Font tableOf(const ImFont& f, float dpr, float halo, float texW, float texH) {
  labels::Font out(f.FontSize / dpr);
  out.setInset(halo / dpr);  // the ink of a glyph is its quad less the halo
  for (const ImFontGlyph& g : f.Glyphs) {
    labels::Glyph lg;
    lg.advance = g.AdvanceX / dpr;
    lg.visible = g.Visible;
    // The quad grows by the halo on every side (one texel per device pixel).
    lg.x0 = (g.X0 - halo) / dpr, lg.y0 = (g.Y0 - halo) / dpr;
    lg.x1 = (g.X1 + halo) / dpr, lg.y1 = (g.Y1 + halo) / dpr;
    lg.u0 = g.U0 - halo / texW, lg.v0 = g.V0 - halo / texH;
    lg.u1 = g.U1 + halo / texW, lg.v1 = g.V1 + halo / texH;
    out.add(g.Codepoint, lg);
  }
  return out;
}

}  // namespace

FontBuild buildFonts(std::span<const uint8_t> ttf, float uiSize, std::span<const float> labelSizes, float pixelRatio,
                     const icons::Sprite* sprite) {
  FontBuild out;
  ImGuiIO& io = ImGui::GetIO();
  ImFontAtlas& atlas = *io.Fonts;
  const float dpr = std::max(1.f, pixelRatio);
  const float halo = std::ceil(kLabelHaloCss * dpr * 2) / 2;  // texels, to the half
  // The icons: a rectangle each, packed with the glyphs (filled in after the build).
  std::vector<std::pair<const std::string*, int>> iconRects;
  const auto addIcons = [&] {
    iconRects.clear();
    if (sprite)
      for (const auto& [name, cell] : sprite->icons)
        iconRects.emplace_back(&name, atlas.AddCustomRectRegular(cell.width, cell.height));
  };
  atlas.Clear();
  addIcons();
  // Room for each glyph's halo on both sides, so halos never reach a neighbour's quad.
  atlas.TexGlyphPadding = int(std::ceil(2 * halo)) + 2;
  std::vector<ImFont*> labelFonts;
  if (ttf.size() >= 12) {
    // ImGui frees the data it owns: one copy, owned by the first font, shared by the others.
    void* data = IM_ALLOC(ttf.size());
    std::memcpy(data, ttf.data(), ttf.size());
    ImFontConfig ui;
    ui.OversampleH = 2;
    ImFont* uiFont = atlas.AddFontFromMemoryTTF(data, int(ttf.size()), std::round(uiSize * dpr), &ui, kRanges);
    for (float size : labelSizes) {
      ImFontConfig cfg;
      cfg.FontDataOwnedByAtlas = false;
      cfg.OversampleH = cfg.OversampleV = 1;  // one texel per device pixel: the halo is baked in texels
      labelFonts.push_back(atlas.AddFontFromMemoryTTF(data, int(ttf.size()), size * dpr, &cfg, kRanges));
    }
    out.trueType = uiFont && atlas.Build();
    if (!out.trueType) {
      out.error = "not a TrueType font";
      atlas.Clear();
      labelFonts.clear();
    }
  }
  if (!out.trueType) {
    atlas.Clear();
    addIcons();
    atlas.TexGlyphPadding = int(std::ceil(2 * halo)) + 2;
    atlas.AddFontDefault();
    atlas.Build();
  }
  io.FontGlobalScale = out.trueType ? 1.f / dpr : 1.f;  // TrueType: rasterised for device pixels, laid out in CSS px

  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  atlas.GetTexDataAsAlpha8(&pixels, &w, &h);
  if (!pixels || w <= 0 || h <= 0) return out;
  out.width = w;
  out.height = h;
  // The halo around the label glyphs only.
  std::vector<labels::TexelRect> rects;
  for (const ImFont* f : labelFonts)
    if (f)
      for (const ImFontGlyph& g : f->Glyphs)
        if (g.Visible)
          rects.push_back({int(std::floor(g.U0 * float(w))), int(std::floor(g.V0 * float(h))),
                           int(std::ceil(g.U1 * float(w))), int(std::ceil(g.V1 * float(h)))});
  out.atlas = labels::makeHaloAtlas(pixels, w, h, halo, rects);
  out.labels.haloCss = halo / dpr;
  for (const auto& [name, index] : iconRects) {
    const ImFontAtlasCustomRect* r = atlas.GetCustomRectByIndex(index);
    const icons::IconRect* cell = sprite->find(*name);
    if (!r || !r->IsPacked() || !cell) continue;
    const std::vector<uint8_t> rg = icons::makeIconCell(*sprite, *cell, kIconDiscCss / 2 * sprite->pixelRatio);
    for (int y = 0; y < cell->height; ++y)
      std::memcpy(&out.atlas[(size_t(r->Y + y) * size_t(w) + r->X) * 2], &rg[size_t(y) * size_t(cell->width) * 2],
                  size_t(cell->width) * 2);
    labels::IconGlyph g;
    g.name = *name;
    g.size = float(cell->width) / sprite->pixelRatio;
    g.discCss = kIconDiscCss;
    g.u0 = float(r->X) / float(w), g.v0 = float(r->Y) / float(h);
    g.u1 = float(r->X + cell->width) / float(w), g.v1 = float(r->Y + cell->height) / float(h);
    out.labels.icons.push_back(std::move(g));  // the sprite's map is sorted by name
  }
  if (labelFonts.empty()) {
    // The built-in font (13 px bitmap-like glyphs, rasterised at 1x) stands in for every size.
    if (!atlas.Fonts.empty()) out.labels.fonts.push_back(tableOf(*atlas.Fonts[0], 1, halo, float(w), float(h)));
  } else {
    for (const ImFont* f : labelFonts)
      if (f) out.labels.fonts.push_back(tableOf(*f, dpr, halo, float(w), float(h)));
  }
  return out;
}

}  // namespace citymap::ui
