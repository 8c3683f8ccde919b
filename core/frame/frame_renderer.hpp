#pragma once
// What the app needs from a renderer: keep the GPU-side copies of the label atlas and the
// feature-state table, execute a frame's draw list, draw the UI. Two implementations:
// render::GlRenderer (GLES 3 / WebGL 2) and frame::NullRenderer (no GL: app tests without a
// context, headless tools).
#include <cstdint>
#include <vector>

#include "base/result.hpp"
#include "frame/draw_list.hpp"

struct ImDrawData;

namespace citymap::frame {

class FrameRenderer {
 public:
  virtual ~FrameRenderer() = default;
  // Builds what drawing needs (programs, the UI's font texture); needs a current ImGui context.
  virtual Result<bool> init() = 0;
  // After a lost context came back: everything is built again from the CPU-side copies.
  virtual Result<bool> restore() = 0;
  // The label atlas, two bytes per texel (glyph coverage, halo); replaces the previous one.
  virtual void setLabelAtlas(int width, int height, const std::vector<uint8_t>& rg) = 0;
  // The per-feature colours of feature-state layers (live traffic), one premultiplied RGBA8 per
  // slot (scene::FeatureIndex); kept until replaced.
  virtual void setFeatureState(const std::vector<uint32_t>& rgba) = 0;
  // Clears to the list's background and draws its steps in order.
  virtual void execute(const DrawList& list) = 0;
  // The UI over the map (ImGui's draw data), and its font atlas after the app changed the fonts.
  virtual void drawUi(const ImDrawData* data) = 0;
  virtual void uiFontsChanged() = 0;
  virtual const RenderStats& stats() const = 0;
  // RGBA8 pixels of the current framebuffer, top row first (empty without one).
  virtual std::vector<uint8_t> readPixels(int width, int height) const = 0;
};

// Draws nothing; remembers the last list's cost (countDraws) and what it was handed, so app
// tests can check what a frame would draw without a GL context.
class NullRenderer final : public FrameRenderer {
 public:
  Result<bool> init() override;
  Result<bool> restore() override { return init(); }
  void setLabelAtlas(int width, int height, const std::vector<uint8_t>& rg) override;
  void setFeatureState(const std::vector<uint32_t>& rgba) override {
    featureSlots_ = rgba.size();
    ++featureStateUploads_;
  }
  void execute(const DrawList& list) override;
  void drawUi(const ImDrawData* data) override;
  void uiFontsChanged() override {}
  const RenderStats& stats() const override { return stats_; }
  std::vector<uint8_t> readPixels(int, int) const override { return {}; }

  size_t frames() const { return frames_; }
  size_t featureSlots() const { return featureSlots_; }
  size_t featureStateUploads() const { return featureStateUploads_; }  // setFeatureState calls
  bool hasLabelAtlas() const { return atlasTexels_ > 0; }
  int uiFrames() const { return uiFrames_; }
  // The steps of the last list, by kind.
  size_t tileLayerDraws() const { return layerDraws_; }
  size_t markerBatches() const { return markerBatches_; }
  size_t labelBatches() const { return labelBatches_; }

 private:
  RenderStats stats_;
  size_t frames_ = 0, featureSlots_ = 0, featureStateUploads_ = 0, atlasTexels_ = 0;
  size_t layerDraws_ = 0, markerBatches_ = 0, labelBatches_ = 0;
  int uiFrames_ = 0;
};

}  // namespace citymap::frame
