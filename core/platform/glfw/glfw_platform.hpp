#pragma once
// The desktop platform: a GLFW window with an OpenGL ES 3 context (the same GL dialect as
// WebGL 2), ImGui's GLFW input backend, files read from disk or served from memory, and files
// dropped onto the window.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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
  // Called once per loop iteration of run() and drawUntilIdle(), before the frame: the desktop
  // pumps its feed transport here.
  void setIdleHook(std::function<void()> hook) { idleHook_ = std::move(hook); }
  // Wakes run() from its wait; may be called from any thread (a transport's network thread).
  static void wake();
  GLFWwindow* window() const { return window_; }
  // A minimised window draws nothing (a frame asked for meanwhile waits); restored, it takes
  // the window's size again and redraws. GLFW's iconify callback calls this.
  void setIconified(bool iconified);
  bool iconified() const { return iconified_; }
  app::MapApp* app() const { return app_; }

  // In-memory files (the desktop's overlays, docs/OVERLAY.md): fetch(url) answers from `bytes`
  // (a byte range of them, cut short at the end like a file) or with the error, not from disk.
  void serve(const std::string& url, Result<std::vector<uint8_t>> bytes);
  source::FetchId fetch(const std::string& url, std::optional<source::ByteRange> range, FetchCallback done) override;
  // Paths of files dropped onto the window go to `handler` (called from the event loop).
  using DropHandler = std::function<void(const std::vector<std::string>& paths)>;
  void setDropHandler(DropHandler handler) { dropHandler_ = std::move(handler); }
  const DropHandler& dropHandler() const { return dropHandler_; }

 private:
  GlfwPlatform() = default;
  void syncSize();
  void drawFrame();

  GLFWwindow* window_ = nullptr;
  app::MapApp* app_ = nullptr;
  bool imguiBackend_ = false;
  bool iconified_ = false;
  std::function<void()> idleHook_;
  std::map<std::string, Result<std::vector<uint8_t>>> served_;
  DropHandler dropHandler_;
};

}  // namespace citymap::platform
