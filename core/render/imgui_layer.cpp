#include "render/imgui_layer.hpp"

#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include "render/gl.hpp"

namespace citymap::render {

bool ImGuiLayer::init() {
  ready_ = ImGui_ImplOpenGL3_Init("#version 300 es");
  return ready_;
}

void ImGuiLayer::newFrame() {
  if (ready_) ImGui_ImplOpenGL3_NewFrame();
}

void ImGuiLayer::draw(ImDrawData* data) {
  if (ready_ && data) ImGui_ImplOpenGL3_RenderDrawData(data);
}

void ImGuiLayer::shutdown() {
  if (ready_) ImGui_ImplOpenGL3_Shutdown();
  ready_ = false;
}

}  // namespace citymap::render
