#include "render/renderer.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "citymap/shaders.hpp"

namespace citymap::render {

GlRenderer::GlRenderer() = default;

GlRenderer::~GlRenderer() {
  imgui_.reset();
  for (auto& [key, tile] : gpuTiles_) release(tile);
  if (stateTexture_) glDeleteTextures(1, &stateTexture_);
  if (liveVao_) glDeleteVertexArrays(1, &liveVao_);
  if (liveVbo_) glDeleteBuffers(1, &liveVbo_);
  if (liveIbo_) glDeleteBuffers(1, &liveIbo_);
  if (labelAtlas_) glDeleteTextures(1, &labelAtlas_);
  if (labelVao_) glDeleteVertexArrays(1, &labelVao_);
  if (labelVbo_) glDeleteBuffers(1, &labelVbo_);
  if (labelIbo_) glDeleteBuffers(1, &labelIbo_);
  if (clipVao_) glDeleteVertexArrays(1, &clipVao_);
  if (clipVbo_) glDeleteBuffers(1, &clipVbo_);
}

Result<bool> GlRenderer::init() {
  const Program::Source sources[] = {{"fill", shaders::fill_vert, shaders::fill_frag},
                                     {"line", shaders::line_vert, shaders::line_frag},
                                     {"traffic", shaders::traffic_vert, shaders::traffic_frag},
                                     {"marker", shaders::marker_vert, shaders::marker_frag},
                                     {"label", shaders::label_vert, shaders::label_frag}};
  auto built = Program::buildAll(sources);
  if (!built) return Error{built.error()};
  auto& programs = built.value();
  fill_ = std::move(programs[0]);
  line_ = std::move(programs[1]);
  traffic_ = std::move(programs[2]);
  marker_ = std::move(programs[3]);
  label_ = std::move(programs[4]);
  labelU_ = {label_.uniform("u_device_to_clip"), label_.uniform("u_atlas")};
  trafficU_ = {traffic_.uniform("u_transform"), traffic_.uniform("u_device_to_clip"), traffic_.uniform("u_half_width"),
               traffic_.uniform("u_state"),     traffic_.uniform("u_opacity"),        traffic_.uniform("u_rotation")};
  markerU_ = {marker_.uniform("u_device_to_clip")};
  fillU_ = {fill_.uniform("u_transform"), fill_.uniform("u_color")};
  lineU_ = {line_.uniform("u_transform"), line_.uniform("u_device_to_clip"), line_.uniform("u_half_width"),
            line_.uniform("u_color"), line_.uniform("u_rotation")};
  GLint stencilBits = 0;
  glGetIntegerv(GL_STENCIL_BITS, &stencilBits);
  hasStencil_ = stencilBits >= 8;
  if (!checkGl("GlRenderer::init")) return Error{"GL error while building programs"};
  // The UI's renderer: built once; restore() rebuilds its GL objects.
  if (!imgui_) {
    imgui_ = std::make_unique<ImGuiRenderer>();
    if (auto ui = imgui_->init(); !ui) return ui;
  }
  return true;
}

Result<bool> GlRenderer::restore() {
  for (Program* p : {&fill_, &line_, &traffic_, &marker_, &label_}) p->abandon();
  gpuTiles_.clear();
  labelAtlas_ = labelVao_ = labelVbo_ = labelIbo_ = 0;
  stateTexture_ = 0;
  stateRows_ = 0;
  liveVao_ = liveVbo_ = liveIbo_ = 0;
  clipVao_ = clipVbo_ = 0;
  if (auto ok = init(); !ok) return ok;
  if (imgui_)
    if (auto ok = imgui_->restore(); !ok) return ok;
  if (!atlas_.empty()) {
    const std::vector<uint8_t> atlas = atlas_;
    setLabelAtlas(atlasWidth_, atlasHeight_, atlas);
  }
  const std::vector<uint32_t> state = state_;
  setFeatureState(state);
  return true;
}

GlRenderer::GpuTile& GlRenderer::upload(const std::shared_ptr<const scene::TileMesh>& mesh) {
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
      if (!b.slots.empty()) {
        glGenBuffers(1, &g.slotVbo);
        glBindBuffer(GL_ARRAY_BUFFER, g.slotVbo);
        glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(b.slots.size() * sizeof(float)), b.slots.data(), GL_STATIC_DRAW);
        glEnableVertexAttribArray(2);
        glVertexAttribPointer(2, 1, GL_FLOAT, GL_FALSE, sizeof(float), nullptr);
        gpu.bytes += b.slots.size() * sizeof(float);
      }
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

void GlRenderer::release(GpuTile& tile) {
  for (GpuBucket& g : tile.buckets) {
    if (!g.vao) continue;
    glDeleteVertexArrays(1, &g.vao);
    glDeleteBuffers(1, &g.vbo);
    glDeleteBuffers(1, &g.ibo);
    if (g.slotVbo) glDeleteBuffers(1, &g.slotVbo);
  }
  tile.buckets.clear();
  tile.bytes = 0;
}

void GlRenderer::purgeReleased() {
  for (auto it = gpuTiles_.begin(); it != gpuTiles_.end();) {
    if (it->second.owner.expired()) {
      release(it->second);
      it = gpuTiles_.erase(it);
    } else {
      ++it;
    }
  }
}

void GlRenderer::begin(const frame::DrawList& list) {
  purgeReleased();
  stats_ = {};
  glViewport(0, 0, list.fbWidth, list.fbHeight);
  glDisable(GL_SCISSOR_TEST);
  const auto& bg = list.background;
  glClearColor(bg[0], bg[1], bg[2], bg[3]);
  glClear(GL_COLOR_BUFFER_BIT);
  glDisable(GL_STENCIL_TEST);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glEnable(GL_BLEND);
  glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);  // premultiplied colours
}

void GlRenderer::execute(const frame::DrawList& list) {
  begin(list);
  for (const frame::Step& step : list.steps) {
    switch (step.kind) {
      case frame::Step::Kind::Tiles:
        drawTiles(list, step);
        break;
      case frame::Step::Kind::Markers:
        drawMarkers(list, *step.markers);
        break;
      case frame::Step::Kind::Labels:
        drawLabels(list, *step.labels);
        break;
    }
  }
  stats_.gpuTiles = int(gpuTiles_.size());
  for (const auto& [k, t] : gpuTiles_) stats_.gpuBytes += t.bytes;
#ifndef NDEBUG
  // glGetError waits for the GPU (in browsers, a round trip to the GPU process): debug only.
  checkGl("GlRenderer::execute");
#endif
}

// Writes the clip mask of each of the pass's masked tiles into the stencil buffer: its quad
// with its stencil value.
void GlRenderer::writeClipMasks(const frame::DrawList& list, const frame::Step& step) {
  clipQuads_.clear();
  for (uint32_t i = step.firstTile; i < step.firstTile + step.maskedTiles; ++i) {
    const auto& clip = list.tiles[i].clip;
    for (int k : {0, 1, 2, 0, 2, 3}) clipQuads_.push_back(clip[size_t(k)]);
  }
  if (!clipVao_) {
    glGenVertexArrays(1, &clipVao_);
    glBindVertexArray(clipVao_);
    glGenBuffers(1, &clipVbo_);
    glBindBuffer(GL_ARRAY_BUFFER, clipVbo_);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(tess::Vec2), nullptr);
  } else {
    glBindVertexArray(clipVao_);
    glBindBuffer(GL_ARRAY_BUFFER, clipVbo_);
  }
  glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(clipQuads_.size() * sizeof(tess::Vec2)), clipQuads_.data(), GL_STREAM_DRAW);
  glUseProgram(fill_.id());
  const float identity[6] = {1, 0, 0, 0, 1, 0};
  glUniform3fv(fillU_.transform, 2, identity);
  glDisable(GL_SCISSOR_TEST);
  glStencilMask(0xff);
  glClearStencil(0);
  glClear(GL_STENCIL_BUFFER_BIT);
  glEnable(GL_STENCIL_TEST);
  glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
  glStencilOp(GL_KEEP, GL_KEEP, GL_REPLACE);
  for (uint32_t k = 0; k < step.maskedTiles; ++k) {
    glStencilFunc(GL_ALWAYS, list.tiles[step.firstTile + k].stencil, 0xff);
    glDrawArrays(GL_TRIANGLES, GLint(k * 6), 6);
  }
  glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
  glStencilOp(GL_KEEP, GL_KEEP, GL_KEEP);
  glStencilMask(0);
  glBindVertexArray(0);
  stats_.drawCalls += int(step.maskedTiles);
}

void GlRenderer::drawTiles(const frame::DrawList& list, const frame::Step& step) {
  gpu_.resize(list.tiles.size());
  for (uint32_t i = step.firstTile; i < step.firstTile + step.tileCount; ++i) gpu_[i] = &upload(list.tiles[i].mesh);
  const bool masked = step.maskedTiles && hasStencil_;
  if (masked) writeClipMasks(list, step);
  glEnable(GL_SCISSOR_TEST);
  for (uint32_t l = step.first; l < step.first + step.count; ++l) {
    const frame::LayerDraw& d = list.layers[l];
    GLint transform = fillU_.transform;
    switch (d.program) {
      case frame::Program::Traffic:
        if (!hasState_) continue;  // the list was made for a state this renderer lost
        glUseProgram(traffic_.id());
        glUniform2f(trafficU_.deviceToClip, list.deviceToClip[0], list.deviceToClip[1]);
        glUniform1f(trafficU_.halfWidth, d.halfWidth);
        glUniform1f(trafficU_.opacity, d.opacity);
        glUniform2f(trafficU_.rotation, list.rotation[0], list.rotation[1]);
        glActiveTexture(GL_TEXTURE0);
        glBindTexture(GL_TEXTURE_2D, stateTexture_);
        glUniform1i(trafficU_.state, 0);
        transform = trafficU_.transform;
        break;
      case frame::Program::Line:
        glUseProgram(line_.id());
        glUniform2f(lineU_.deviceToClip, list.deviceToClip[0], list.deviceToClip[1]);
        glUniform1f(lineU_.halfWidth, d.halfWidth);
        glUniform4fv(lineU_.color, 1, d.color.data());
        glUniform2f(lineU_.rotation, list.rotation[0], list.rotation[1]);
        transform = lineU_.transform;
        break;
      case frame::Program::Fill:
        glUseProgram(fill_.id());
        glUniform4fv(fillU_.color, 1, d.color.data());
        break;
    }
    for (uint32_t k = d.firstItem; k < d.firstItem + d.itemCount; ++k) {
      const uint32_t i = list.items[k];
      const GpuBucket& g = gpu_[i]->buckets[d.bucket];
      if (!g.count) continue;
      const frame::TileTarget& t = list.tiles[i];
      glScissor(t.scissor.x, t.scissor.y, t.scissor.w, t.scissor.h);
      if (masked) glStencilFunc(t.stencil ? GL_EQUAL : GL_ALWAYS, t.stencil, 0xff);
      glUniform3fv(transform, 2, t.transform.data());
      glBindVertexArray(g.vao);
      glDrawElements(GL_TRIANGLES, g.count, GL_UNSIGNED_INT, nullptr);
      ++stats_.drawCalls;
      stats_.triangles += size_t(g.count / 3);
    }
  }
  glBindVertexArray(0);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_STENCIL_TEST);
}

void GlRenderer::setFeatureState(const std::vector<uint32_t>& rgba) {
  constexpr int kRow = 1024;
  if (&rgba != &state_) state_ = rgba;
  if (rgba.empty()) {  // no live state: feature-state layers are not drawn
    hasState_ = false;
    return;
  }
  const int rows = std::max(1, int((rgba.size() + kRow - 1) / kRow));
  if (!stateTexture_) glGenTextures(1, &stateTexture_);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, stateTexture_);
  if (rows > stateRows_) {
    int alloc = std::max(stateRows_, 8);
    while (alloc < rows) alloc *= 2;
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    const std::vector<uint32_t> zeros(size_t(alloc) * kRow, 0);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, kRow, alloc, 0, GL_RGBA, GL_UNSIGNED_BYTE, zeros.data());
    stateRows_ = alloc;
  }
  // Whole rows: pad the last one.
  std::vector<uint32_t> padded;
  const uint32_t* data = rgba.data();
  if (rgba.size() != size_t(rows) * kRow) {
    padded.assign(size_t(rows) * kRow, 0);
    std::copy(rgba.begin(), rgba.end(), padded.begin());
    data = padded.data();
  }
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, kRow, rows, GL_RGBA, GL_UNSIGNED_BYTE, data);
  glBindTexture(GL_TEXTURE_2D, 0);
  hasState_ = true;
}

void GlRenderer::drawMarkers(const frame::DrawList& list, const live::LiveBatch& batch) {
  if (!liveVao_) {
    glGenVertexArrays(1, &liveVao_);
    glBindVertexArray(liveVao_);
    glGenBuffers(1, &liveVbo_);
    glGenBuffers(1, &liveIbo_);
    glBindBuffer(GL_ARRAY_BUFFER, liveVbo_);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, liveIbo_);
    using V = live::MarkerVertex;
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(V), reinterpret_cast<const void*>(offsetof(V, x)));
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(V), reinterpret_cast<const void*>(offsetof(V, u)));
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(V), reinterpret_cast<const void*>(offsetof(V, fill)));
    glEnableVertexAttribArray(3);
    glVertexAttribPointer(3, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(V),
                          reinterpret_cast<const void*>(offsetof(V, stroke)));
    glEnableVertexAttribArray(4);
    glVertexAttribPointer(4, 4, GL_FLOAT, GL_FALSE, sizeof(V), reinterpret_cast<const void*>(offsetof(V, radius)));
  } else {
    glBindVertexArray(liveVao_);
    glBindBuffer(GL_ARRAY_BUFFER, liveVbo_);
  }
  glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(batch.vertices.size() * sizeof(live::MarkerVertex)), batch.vertices.data(),
               GL_STREAM_DRAW);
  glBufferData(GL_ELEMENT_ARRAY_BUFFER, GLsizeiptr(batch.indices.size() * sizeof(uint32_t)), batch.indices.data(),
               GL_STREAM_DRAW);
  glUseProgram(marker_.id());
  glUniform2f(markerU_.deviceToClip, list.deviceToClip[0], list.deviceToClip[1]);
  glDrawElements(GL_TRIANGLES, GLsizei(batch.indices.size()), GL_UNSIGNED_INT, nullptr);
  glBindVertexArray(0);
  ++stats_.drawCalls;
  stats_.triangles += batch.indices.size() / 3;
}

void GlRenderer::setLabelAtlas(int width, int height, const std::vector<uint8_t>& rg) {
  if (width <= 0 || height <= 0 || rg.size() < size_t(width) * size_t(height) * 2) return;
  if (&rg != &atlas_) atlas_ = rg;
  atlasWidth_ = width;
  atlasHeight_ = height;
  if (!labelAtlas_) glGenTextures(1, &labelAtlas_);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, labelAtlas_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RG8, width, height, 0, GL_RG, GL_UNSIGNED_BYTE, rg.data());
  glBindTexture(GL_TEXTURE_2D, 0);
}

void GlRenderer::drawLabels(const frame::DrawList& list, const labels::LabelBatch& batch) {
  if (!labelAtlas_) return;
  using V = labels::GlyphVertex;
  if (!labelVao_) {
    glGenVertexArrays(1, &labelVao_);
    glBindVertexArray(labelVao_);
    glGenBuffers(1, &labelVbo_);
    glGenBuffers(1, &labelIbo_);
    glBindBuffer(GL_ARRAY_BUFFER, labelVbo_);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, labelIbo_);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(V), reinterpret_cast<const void*>(offsetof(V, x)));
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(V), reinterpret_cast<const void*>(offsetof(V, u)));
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(V),
                          reinterpret_cast<const void*>(offsetof(V, color)));
    glEnableVertexAttribArray(3);
    glVertexAttribPointer(3, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(V), reinterpret_cast<const void*>(offsetof(V, halo)));
  } else {
    glBindVertexArray(labelVao_);
    glBindBuffer(GL_ARRAY_BUFFER, labelVbo_);
  }
  glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(batch.vertices.size() * sizeof(V)), batch.vertices.data(), GL_STREAM_DRAW);
  glBufferData(GL_ELEMENT_ARRAY_BUFFER, GLsizeiptr(batch.indices.size() * sizeof(uint32_t)), batch.indices.data(),
               GL_STREAM_DRAW);
  glUseProgram(label_.id());
  glUniform2f(labelU_.deviceToClip, list.deviceToClip[0], list.deviceToClip[1]);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, labelAtlas_);
  glUniform1i(labelU_.atlas, 0);
  glDrawElements(GL_TRIANGLES, GLsizei(batch.indices.size()), GL_UNSIGNED_INT, nullptr);
  glBindVertexArray(0);
  glBindTexture(GL_TEXTURE_2D, 0);
  ++stats_.drawCalls;
  stats_.triangles += batch.indices.size() / 3;
}

void GlRenderer::drawUi(const ImDrawData* data) {
  if (imgui_) imgui_->draw(data);
}

void GlRenderer::uiFontsChanged() {
  if (imgui_) imgui_->rebuildFonts();
}

std::vector<uint8_t> GlRenderer::readPixels(int width, int height) const {
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
