#pragma once
// Draws a frame: the style's layers over the scene's draw list. The only module that talks to
// GL (with the ImGui GL backend in imgui_layer). Tile geometry is uploaded on first use and
// released when the scene drops the tile. Each drawn tile is clipped to its target: a scissor
// rectangle without a bearing, a stencil mask per tile when the map is turned (the context needs
// 8 stencil bits; without them turned tiles are clipped to the box around them only).
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "geo/camera.hpp"
#include "labels/label_batch.hpp"
#include "live/live_batch.hpp"
#include "render/program.hpp"
#include "scene/tile_pyramid.hpp"
#include "style/style.hpp"

namespace citymap::render {

using GroupVisibility = std::array<bool, size_t(style::Group::Count)>;

struct RenderStats {
  int drawCalls = 0;
  size_t triangles = 0;
  int gpuTiles = 0;
  size_t gpuBytes = 0;
};

class Renderer {
 public:
  Renderer();
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Compiles the programs; needs a current GLES 3 / WebGL 2 context.
  Result<bool> init();
  // After a lost GL context came back (WebGL's webglcontextrestored): every object of the old
  // context is gone. Forgets them without deleting, builds the programs again and re-uploads
  // the label atlas and the feature state from their CPU copies; tiles upload again when drawn.
  Result<bool> restore();

  // A frame: begin (clears), then any number of tile passes (base map, overlays) and the live
  // batch, then end.
  void beginFrame(const geo::Camera& camera, style::Color background);
  void drawTiles(const style::Style& style, const std::vector<scene::DrawTile>& tiles, const GroupVisibility& visible);
  void drawLive(const live::LiveBatch& batch);
  // Text labels: glyph quads sampling the label atlas (labels::makeHaloAtlas).
  void drawLabels(const labels::LabelBatch& batch);
  void endFrame();

  // The label atlas, two bytes per texel (glyph coverage, halo); replaces the previous one.
  void setLabelAtlas(int width, int height, const std::vector<uint8_t>& rg);
  bool hasLabelAtlas() const { return labelAtlas_ != 0; }

  // The per-feature colours of feature-state layers (live traffic), one premultiplied RGBA8 per
  // slot (scene::FeatureIndex); kept until replaced.
  void setFeatureState(const std::vector<uint32_t>& rgba);
  const RenderStats& stats() const { return stats_; }
  // RGBA8 pixels of the current framebuffer, top row first.
  std::vector<uint8_t> readPixels(int width, int height) const;

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
  size_t writeClipMasks(const std::vector<scene::DrawTile>& tiles);

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
  std::vector<geo::PixelRect> scissors_;  // per drawn tile, this pass
  std::vector<geo::TileTransform> transforms_;
  bool hasStencil_ = false;
  const geo::Camera* camera_ = nullptr;  // of the frame being drawn
  int fbWidth_ = 0, fbHeight_ = 0;
  std::unordered_map<const scene::TileMesh*, GpuTile> gpuTiles_;
  RenderStats stats_;
};

}  // namespace citymap::render
