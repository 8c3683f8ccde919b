#include "render/renderer.hpp"

#include <algorithm>
#include <cmath>

#include "citymap/shaders.hpp"

namespace citymap::render {

Renderer::Renderer() = default;

Renderer::~Renderer() {
  for (auto& [key, tile] : gpuTiles_) release(tile);
}

Result<bool> Renderer::init() {
  auto fill = Program::build("fill", shaders::fill_vert, shaders::fill_frag);
  if (!fill) return Error{fill.error()};
  auto line = Program::build("line", shaders::line_vert, shaders::line_frag);
  if (!line) return Error{line.error()};
  fill_ = std::move(fill).value();
  line_ = std::move(line).value();
  fillU_ = {fill_.uniform("u_transform"), fill_.uniform("u_color")};
  lineU_ = {line_.uniform("u_transform"), line_.uniform("u_device_to_clip"), line_.uniform("u_half_width"),
            line_.uniform("u_color")};
  if (!checkGl("Renderer::init")) return Error{"GL error while building programs"};
  return true;
}

Renderer::GpuTile& Renderer::upload(const std::shared_ptr<const scene::TileMesh>& mesh) {
  auto [it, inserted] = gpuTiles_.try_emplace(mesh.get());
  GpuTile& gpu = it->second;
  if (!inserted && !gpu.owner.expired()) return gpu;
  if (!inserted) release(gpu);  // same address reused by a new mesh
  gpu.owner = mesh;
  gpu.buckets.resize(mesh->buckets.size());
  for (size_t i = 0; i < mesh->buckets.size(); ++i) {
    const scene::BucketMesh& b = mesh->buckets[i];
    if (b.empty()) continue;
    GpuBucket& g = gpu.buckets[i];
    const bool isLine = !b.line.indices.empty();
    glGenVertexArrays(1, &g.vao);
    glBindVertexArray(g.vao);
    glGenBuffers(1, &g.vbo);
    glBindBuffer(GL_ARRAY_BUFFER, g.vbo);
    glGenBuffers(1, &g.ibo);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g.ibo);
    const auto& indices = isLine ? b.line.indices : b.fill.indices;
    if (isLine) {
      glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(b.line.vertices.size() * sizeof(tess::LineVertex)),
                   b.line.vertices.data(), GL_STATIC_DRAW);
      glEnableVertexAttribArray(0);
      glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(tess::LineVertex), nullptr);
      glEnableVertexAttribArray(1);
      glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(tess::LineVertex),
                            reinterpret_cast<const void*>(offsetof(tess::LineVertex, ex)));
      gpu.bytes += b.line.vertices.size() * sizeof(tess::LineVertex);
    } else {
      glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(b.fill.vertices.size() * sizeof(tess::Vec2)), b.fill.vertices.data(),
                   GL_STATIC_DRAW);
      glEnableVertexAttribArray(0);
      glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(tess::Vec2), nullptr);
      gpu.bytes += b.fill.vertices.size() * sizeof(tess::Vec2);
    }
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, GLsizeiptr(indices.size() * sizeof(uint32_t)), indices.data(),
                 GL_STATIC_DRAW);
    gpu.bytes += indices.size() * sizeof(uint32_t);
    g.count = GLsizei(indices.size());
  }
  glBindVertexArray(0);
  return gpu;
}

void Renderer::release(GpuTile& tile) {
  for (GpuBucket& g : tile.buckets) {
    if (!g.vao) continue;
    glDeleteVertexArrays(1, &g.vao);
    glDeleteBuffers(1, &g.vbo);
    glDeleteBuffers(1, &g.ibo);
  }
  tile.buckets.clear();
  tile.bytes = 0;
}

void Renderer::purgeReleased() {
  for (auto it = gpuTiles_.begin(); it != gpuTiles_.end();) {
    if (it->second.owner.expired()) {
      release(it->second);
      it = gpuTiles_.erase(it);
    } else {
      ++it;
    }
  }
}

void Renderer::render(const FrameInput& frame) {
  purgeReleased();
  stats_ = {};
  const geo::Camera& cam = frame.camera;
  const double dpr = cam.pixelRatio();
  const int fbWidth = int(std::lround(cam.width() * dpr)), fbHeight = int(std::lround(cam.height() * dpr));
  glViewport(0, 0, fbWidth, fbHeight);
  glDisable(GL_SCISSOR_TEST);
  const style::Color bg = frame.style.background;
  glClearColor(bg.r, bg.g, bg.b, bg.a);
  glClear(GL_COLOR_BUFFER_BIT);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glEnable(GL_BLEND);
  glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);  // premultiplied colours
  glEnable(GL_SCISSOR_TEST);

  std::vector<GpuTile*> gpu;
  gpu.reserve(frame.tiles.size());
  for (const auto& t : frame.tiles) gpu.push_back(&upload(t.mesh));

  const double zoom = cam.zoom();
  for (const style::Layer& layer : frame.style.layers) {
    if (!frame.visible[size_t(layer.group)] || zoom < layer.minZoom || zoom >= layer.maxZoom) continue;
    const float opacity = layer.opacity.at(zoom);
    const style::Color c = layer.color;
    const float a = c.a * opacity;
    float halfWidth = 0, fade = 1;
    if (layer.isLine) {
      // Lines thinner than a device pixel are drawn one pixel wide and faded instead.
      const float w = float(layer.width.at(zoom) * dpr);
      halfWidth = std::max(w, 1.f) / 2;
      fade = std::min(w, 1.f);
      glUseProgram(line_.id());
      glUniform2f(lineU_.deviceToClip, 2.f / float(fbWidth), -2.f / float(fbHeight));
      glUniform1f(lineU_.halfWidth, halfWidth);
      glUniform4f(lineU_.color, c.r * a * fade, c.g * a * fade, c.b * a * fade, a * fade);
    } else {
      glUseProgram(fill_.id());
      glUniform4f(fillU_.color, c.r * a, c.g * a, c.b * a, a);
    }
    const GLint transform = layer.isLine ? lineU_.transform : fillU_.transform;
    for (size_t i = 0; i < frame.tiles.size(); ++i) {
      const GpuBucket& g = gpu[i]->buckets[size_t(layer.bucket)];
      if (!g.count) continue;
      const scene::DrawTile& t = frame.tiles[i];
      const geo::PixelRect r = cam.tileScissor(t.target);
      glScissor(r.x, r.y, r.w, r.h);
      const geo::TileTransform m = cam.tileTransform(t.mesh->id, t.mesh->extent);
      glUniform4f(transform, m.sx, m.sy, m.ox, m.oy);
      glBindVertexArray(g.vao);
      glDrawElements(GL_TRIANGLES, g.count, GL_UNSIGNED_INT, nullptr);
      ++stats_.drawCalls;
      stats_.triangles += size_t(g.count / 3);
    }
  }
  glBindVertexArray(0);
  glDisable(GL_SCISSOR_TEST);
  stats_.gpuTiles = int(gpuTiles_.size());
  for (const auto& [k, t] : gpuTiles_) stats_.gpuBytes += t.bytes;
#ifndef NDEBUG
  // glGetError waits for the GPU (in browsers, a round trip to the GPU process): debug only.
  checkGl("Renderer::render");
#endif
}

std::vector<uint8_t> Renderer::readPixels(int width, int height) const {
  std::vector<uint8_t> rgba(size_t(width) * size_t(height) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  // GL rows are bottom-up; flip to top-down.
  const size_t stride = size_t(width) * 4;
  std::vector<uint8_t> row(stride);
  for (int y = 0; y < height / 2; ++y) {
    uint8_t* a = rgba.data() + size_t(y) * stride;
    uint8_t* b = rgba.data() + size_t(height - 1 - y) * stride;
    std::copy(a, a + stride, row.data());
    std::copy(b, b + stride, a);
    std::copy(row.data(), row.data() + stride, b);
  }
  return rgba;
}

}  // namespace citymap::render
