#pragma once
// Executes a frame's draw list (frame::DrawList) with GLES 3 / WebGL 2: the only module that
// talks to GL. It decides nothing: what is drawn, with which colours and where, is in the list.
// Tile geometry is uploaded on first use and released when the scene drops the tile. Each
// drawn tile is clipped to its target: a scissor rectangle, plus the list's stencil mask per
// tile when the map is turned (the context needs 8 stencil bits; without them turned tiles are
// clipped to the box around them only). The UI is drawn by the ImGui renderer it owns.
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "frame/frame_renderer.hpp"
#include "render/imgui_renderer.hpp"
#include "render/program.hpp"

namespace citymap::render {

class GlRenderer final : public frame::FrameRenderer {
 public:
  GlRenderer();
  ~GlRenderer() override;
  GlRenderer(const GlRenderer&) = delete;
  GlRenderer& operator=(const GlRenderer&) = delete;

  // Compiles the programs and uploads the UI's font atlas; needs a current GLES 3 / WebGL 2
  // context and ImGui context.
  Result<bool> init() override;
  // After a lost GL context came back (WebGL's webglcontextrestored): every object of the old
  // context is gone. Forgets them without deleting, builds the programs again and re-uploads
  // the label atlas and the feature state from their CPU copies; tiles upload again when drawn.
  Result<bool> restore() override;
  void setLabelAtlas(int width, int height, const std::vector<uint8_t>& rg) override;
  void setFeatureState(const std::vector<uint32_t>& rgba) override;
  void execute(const frame::DrawList& list) override;
  void drawUi(const ImDrawData* data) override;
  void uiFontsChanged() override;
  const frame::RenderStats& stats() const override { return stats_; }
  std::vector<uint8_t> readPixels(int width, int height) const override;

 private:
  struct GpuBucket {
    GLuint vao = 0, vbo = 0, ibo = 0, slotVbo = 0;
    GLsizei count = 0;
  };
  struct GpuTile {
    std::weak_ptr<const scene::TileMesh> owner;
    std::vector<GpuBucket> buckets;
    size_t bytes = 0;
  };
  GpuTile& upload(const std::shared_ptr<const scene::TileMesh>& mesh);
  void release(GpuTile& tile);
  void purgeReleased();
  void begin(const frame::DrawList& list);
  void drawTiles(const frame::DrawList& list, const frame::Step& step);
  void writeClipMasks(const frame::DrawList& list, const frame::Step& step);
  void drawMarkers(const frame::DrawList& list, const live::LiveBatch& batch);
  void drawLabels(const frame::DrawList& list, const labels::LabelBatch& batch);

  Program fill_, line_, traffic_, marker_, label_;
  struct {
    GLint transform, color;
  } fillU_{};
  struct {
    GLint transform, deviceToClip, halfWidth, color, rotation;
  } lineU_{};
  struct {
    GLint transform, deviceToClip, halfWidth, state, opacity, rotation;
  } trafficU_{};
  struct {
    GLint deviceToClip;
  } markerU_{};
  struct {
    GLint deviceToClip, atlas;
  } labelU_{};
  GLuint labelAtlas_ = 0;
  // CPU copies of what has no other source, for restore().
  int atlasWidth_ = 0, atlasHeight_ = 0;
  std::vector<uint8_t> atlas_;
  std::vector<uint32_t> state_;
  GLuint labelVao_ = 0, labelVbo_ = 0, labelIbo_ = 0;
  GLuint stateTexture_ = 0;
  int stateRows_ = 0;  // allocated rows of 1024 slots
  bool hasState_ = false;
  GLuint liveVao_ = 0, liveVbo_ = 0, liveIbo_ = 0;
  GLuint clipVao_ = 0, clipVbo_ = 0;  // the per-tile stencil masks of a turned view
  std::vector<tess::Vec2> clipQuads_;
  std::vector<GpuTile*> gpu_;  // per tile of the list, this frame
  bool hasStencil_ = false;
  std::unordered_map<const scene::TileMesh*, GpuTile> gpuTiles_;
  std::unique_ptr<ImGuiRenderer> imgui_;
  frame::RenderStats stats_;
};

}  // namespace citymap::render
