#include "frame/frame_renderer.hpp"

namespace citymap::frame {

Result<bool> NullRenderer::init() { return true; }

void NullRenderer::setLabelAtlas(int width, int height, const std::vector<uint8_t>& rg) {
  if (width <= 0 || height <= 0 || rg.size() < size_t(width) * size_t(height) * 2) return;
  atlasTexels_ = size_t(width) * size_t(height);
}

void NullRenderer::execute(const DrawList& list) {
  ++frames_;
  stats_ = countDraws(list);
  layerDraws_ = markerBatches_ = labelBatches_ = 0;
  for (const Step& s : list.steps) {
    if (s.kind == Step::Kind::Tiles) layerDraws_ += s.count;
    if (s.kind == Step::Kind::Markers) ++markerBatches_;
    // Like the GL renderer: glyphs need the atlas.
    if (s.kind == Step::Kind::Labels && atlasTexels_) ++labelBatches_;
  }
}

void NullRenderer::drawUi(const ImDrawData* data) {
  if (data) ++uiFrames_;
}

}  // namespace citymap::frame
