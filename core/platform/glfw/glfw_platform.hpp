#pragma once
// The desktop platform: a GLFW window with an OpenGL ES 3 context (the same GL dialect as
// WebGL 2), ImGui's GLFW input backend, and files read from disk.
#include <memory>
#include <string>

#include "platform/file/file_platform.hpp"

struct GLFWwindow;

namespace citymap::platform {

class GlfwPlatform : public FilePlatform {
 public:
  // Opens the window and makes its GLES 3 context current.
  static Result<std::unique_ptr<GlfwPlatform>> create(int width, int height, const std::string& title);
  ~GlfwPlatform() override;

  // Installs the input callbacks (then ImGui's, which chain to them) for `app`.
  void attach(app::MapApp& app);
  // Removes the callbacks and ImGui's backend; call before the app (and its ImGui context) goes.
  void detach();
  // Runs until the window is closed. Frames are drawn only when something asked for one.
  void run();
  // Draws until the map is idle (or maxFrames ran out); used for --screenshot.
  bool drawUntilIdle(int maxFrames = 600);
  GLFWwindow* window() const { return window_; }
  app::MapApp* app() const { return app_; }

 private:
  GlfwPlatform() = default;
  void syncSize();
  void drawFrame();

  GLFWwindow* window_ = nullptr;
  app::MapApp* app_ = nullptr;
  bool imguiBackend_ = false;
};

}  // namespace citymap::platform
