#pragma once
// Draws the ImGui frame with ImGui's GLES 3 / WebGL 2 backend (GL stays in core/render).
struct ImDrawData;

namespace citymap::render {

class ImGuiLayer {
 public:
  bool init();  // needs an ImGui context and a current GL context
  void newFrame();
  void draw(ImDrawData* data);
  void shutdown();

 private:
  bool ready_ = false;
};

}  // namespace citymap::render
