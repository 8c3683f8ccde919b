#include "render/imgui_renderer.hpp"

#include <imgui.h>

#include <cmath>
#include <cstddef>

#include "citymap/shaders.hpp"

namespace citymap::render {

static_assert(sizeof(ImDrawIdx) == 2, "ImGui indices are expected to be 16-bit");

ImGuiRenderer::~ImGuiRenderer() {
  if (vao_) glDeleteVertexArrays(1, &vao_);
  if (vbo_) glDeleteBuffers(1, &vbo_);
  if (ibo_) glDeleteBuffers(1, &ibo_);
  if (font_) glDeleteTextures(1, &font_);
}

Result<bool> ImGuiRenderer::init() {
  auto program = Program::build("imgui", shaders::imgui_vert, shaders::imgui_frag);
  if (!program) return Error{program.error()};
  program_ = std::move(program).value();
  cssToClip_ = program_.uniform("u_css_to_clip");
  texture_ = program_.uniform("u_texture");

  glGenVertexArrays(1, &vao_);
  glBindVertexArray(vao_);
  glGenBuffers(1, &vbo_);
  glGenBuffers(1, &ibo_);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, ibo_);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert),
                        reinterpret_cast<void*>(offsetof(ImDrawVert, pos)));
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert),
                        reinterpret_cast<void*>(offsetof(ImDrawVert, uv)));
  glEnableVertexAttribArray(2);
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ImDrawVert),
                        reinterpret_cast<void*>(offsetof(ImDrawVert, col)));
  glBindVertexArray(0);

  uploadFonts();
  ImGuiIO& io = ImGui::GetIO();
  io.BackendRendererName = "citymap_gles3";
  io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
  return true;
}

Result<bool> ImGuiRenderer::restore() {
  program_.abandon();
  vao_ = vbo_ = ibo_ = font_ = 0;
  return init();
}

void ImGuiRenderer::rebuildFonts() { uploadFonts(); }

void ImGuiRenderer::uploadFonts() {
  // Font atlas, as RGBA so the same sampler works for any texture ImGui may reference.
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  if (!font_) glGenTextures(1, &font_);
  glBindTexture(GL_TEXTURE_2D, font_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  glBindTexture(GL_TEXTURE_2D, 0);
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(font_)));
  io.Fonts->ClearTexData();  // the GPU has it now
}

void ImGuiRenderer::draw(const ImDrawData* data) {
  if (!data || data->CmdListsCount == 0 || data->DisplaySize.x <= 0 || data->DisplaySize.y <= 0) return;
  const ImVec2 scale = data->FramebufferScale;
  const int fbWidth = int(data->DisplaySize.x * scale.x), fbHeight = int(data->DisplaySize.y * scale.y);
  glViewport(0, 0, fbWidth, fbHeight);
  glEnable(GL_BLEND);
  glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glEnable(GL_SCISSOR_TEST);
  glUseProgram(program_.id());
  glUniform2f(cssToClip_, 2.f / data->DisplaySize.x, -2.f / data->DisplaySize.y);
  glUniform1i(texture_, 0);
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(vao_);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, ibo_);
  const ImVec2 origin = data->DisplayPos;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(list->VtxBuffer.Size * int(sizeof(ImDrawVert))), list->VtxBuffer.Data,
                 GL_STREAM_DRAW);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, GLsizeiptr(list->IdxBuffer.Size * int(sizeof(ImDrawIdx))),
                 list->IdxBuffer.Data, GL_STREAM_DRAW);
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) {
        if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
        continue;
      }
      const float x0 = (cmd.ClipRect.x - origin.x) * scale.x, y0 = (cmd.ClipRect.y - origin.y) * scale.y;
      const float x1 = (cmd.ClipRect.z - origin.x) * scale.x, y1 = (cmd.ClipRect.w - origin.y) * scale.y;
      if (x1 <= x0 || y1 <= y0) continue;
      glScissor(int(x0), int(float(fbHeight) - y1), int(x1 - x0), int(y1 - y0));
      glBindTexture(GL_TEXTURE_2D, GLuint(reinterpret_cast<intptr_t>(cmd.GetTexID())));
      // ES 3.0 has no base-vertex draws: offset the attribute pointers to the command's vertices.
      const auto vtx = reinterpret_cast<const char*>(size_t(cmd.VtxOffset) * sizeof(ImDrawVert));
      glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), vtx + offsetof(ImDrawVert, pos));
      glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), vtx + offsetof(ImDrawVert, uv));
      glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ImDrawVert), vtx + offsetof(ImDrawVert, col));
      glDrawElements(GL_TRIANGLES, GLsizei(cmd.ElemCount), GL_UNSIGNED_SHORT,
                     reinterpret_cast<const void*>(size_t(cmd.IdxOffset) * sizeof(ImDrawIdx)));
    }
  }
  glBindVertexArray(0);
  glDisable(GL_SCISSOR_TEST);
}

}  // namespace citymap::render
