#pragma once
// Draws Dear ImGui's draw data with our own GLES 3 / WebGL 2 program. Unlike ImGui's stock
// OpenGL backend it never queries GL state (each query is a GPU round trip in browsers): the
// map renderer and this one set all the state they use.
#include <cstdint>

#include "base/result.hpp"
#include "render/program.hpp"

struct ImDrawData;

namespace citymap::render {

class ImGuiRenderer {
 public:
  ImGuiRenderer() = default;
  ~ImGuiRenderer();
  ImGuiRenderer(const ImGuiRenderer&) = delete;
  ImGuiRenderer& operator=(const ImGuiRenderer&) = delete;

  // Needs a current ImGui context and GL context; uploads the font atlas.
  Result<bool> init();
  // After a lost GL context came back: forgets the old objects (gone with the context) and
  // builds them again, the font texture from ImGui's atlas.
  Result<bool> restore();
  void draw(const ImDrawData* data);
  // Re-uploads the font atlas after the app changed ImGui's fonts.
  void rebuildFonts();

 private:
  void uploadFonts();
  Program program_;
  GLint cssToClip_ = -1, texture_ = -1;
  GLuint vao_ = 0, vbo_ = 0, ibo_ = 0, font_ = 0;
};

}  // namespace citymap::render
