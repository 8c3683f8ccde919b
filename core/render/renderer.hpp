#pragma once
// Draws a frame: the style's layers over the scene's draw list. The only module that talks to
// GL (with the ImGui GL backend in imgui_layer). Tile geometry is uploaded on first use and
// released when the scene drops the tile.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "geo/camera.hpp"
#include "render/program.hpp"
#include "scene/tile_pyramid.hpp"
#include "style/style.hpp"

namespace citymap::render {

struct FrameInput {
  const geo::Camera& camera;
  const style::Style& style;
  const std::vector<scene::DrawTile>& tiles;
  std::array<bool, size_t(style::Group::Count)> visible{};
};

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
  void render(const FrameInput& frame);
  const RenderStats& stats() const { return stats_; }
  // RGBA8 pixels of the current framebuffer, top row first.
  std::vector<uint8_t> readPixels(int width, int height) const;

 private:
  struct GpuBucket {
    GLuint vao = 0, vbo = 0, ibo = 0;
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

  Program fill_, line_;
  struct { GLint transform, color; } fillU_{};
  struct { GLint transform, deviceToClip, halfWidth, color; } lineU_{};
  std::unordered_map<const scene::TileMesh*, GpuTile> gpuTiles_;
  RenderStats stats_;
};

}  // namespace citymap::render
