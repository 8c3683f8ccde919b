#include "platform/glfw/glfw_platform.hpp"

#include <algorithm>

#define GLFW_INCLUDE_ES3
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>

namespace citymap::platform {

namespace {
app::MapApp* appOf(GLFWwindow* w) {
  auto* p = static_cast<GlfwPlatform*>(glfwGetWindowUserPointer(w));
  return p ? p->app() : nullptr;
}
}  // namespace

Result<std::unique_ptr<GlfwPlatform>> GlfwPlatform::create(int width, int height, const std::string& title) {
  if (!glfwInit()) return Error{"GLFW could not initialise (is a display available? try xvfb-run)"};
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_CREATION_API, GLFW_EGL_CONTEXT_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  glfwWindowHint(GLFW_SAMPLES, 4);
  glfwWindowHint(GLFW_STENCIL_BITS, 8);  // the tile clip masks of a turned map
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  std::unique_ptr<GlfwPlatform> p(new GlfwPlatform());
  p->window_ = glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
  if (!p->window_) {
    glfwTerminate();
    return Error{"cannot create a GLFW window with an OpenGL ES 3.0 context"};
  }
  glfwMakeContextCurrent(p->window_);
  glfwSwapInterval(1);
  glfwSetWindowUserPointer(p->window_, p.get());
  return p;
}

GlfwPlatform::~GlfwPlatform() {
  detach();
  if (window_) glfwDestroyWindow(window_);
  glfwTerminate();
}

void GlfwPlatform::attach(app::MapApp& app) {
  app_ = &app;
  glfwSetCursorPosCallback(window_, [](GLFWwindow* w, double x, double y) {
    if (auto* a = appOf(w)) a->pointerMove(0, x, y);  // the mouse is pointer 0
  });
  // The mouse is pointer 0: the left button drags; Ctrl + left or the right button rotates.
  glfwSetMouseButtonCallback(window_, [](GLFWwindow* w, int button, int action, int mods) {
    auto* a = appOf(w);
    if (!a || (button != GLFW_MOUSE_BUTTON_LEFT && button != GLFW_MOUSE_BUTTON_RIGHT)) return;
    double x, y;
    glfwGetCursorPos(w, &x, &y);
    if (action == GLFW_PRESS)
      a->pointerDown(0, x, y, input::Device::Mouse,
                     button == GLFW_MOUSE_BUTTON_RIGHT ? input::Button::Secondary : input::Button::Primary,
                     (mods & GLFW_MOD_CONTROL) != 0);
    else
      a->pointerUp(0, x, y);
  });
  // The keyboard (unless a text field has it): arrows pan, +/- zoom, Shift + arrows rotate
  // (Shift + up: north), Esc closes the card.
  glfwSetKeyCallback(window_, [](GLFWwindow* w, int key, int, int action, int mods) {
    auto* a = appOf(w);
    if (!a || action == GLFW_RELEASE) return;
    if (ImGui::GetCurrentContext() && ImGui::GetIO().WantCaptureKeyboard) {
      // Esc on a panel (not in a text field) gives the keyboard back to the map.
      if (key == GLFW_KEY_ESCAPE && !ImGui::GetIO().WantTextInput) ImGui::SetWindowFocus(nullptr);
      static_cast<GlfwPlatform*>(glfwGetWindowUserPointer(w))->requestFrame();
      return;
    }
    const bool shift = (mods & GLFW_MOD_SHIFT) != 0;
    switch (key) {
      case GLFW_KEY_LEFT:
        a->key(shift ? input::Key::RotateLeft : input::Key::Left);
        break;
      case GLFW_KEY_RIGHT:
        a->key(shift ? input::Key::RotateRight : input::Key::Right);
        break;
      case GLFW_KEY_UP:
        a->key(shift ? input::Key::ResetNorth : input::Key::Up);
        break;
      case GLFW_KEY_DOWN:
        a->key(input::Key::Down);
        break;
      case GLFW_KEY_EQUAL:
      case GLFW_KEY_KP_ADD:
        a->key(input::Key::ZoomIn);
        break;
      case GLFW_KEY_MINUS:
      case GLFW_KEY_KP_SUBTRACT:
        a->key(input::Key::ZoomOut);
        break;
      case GLFW_KEY_ESCAPE:
        a->escape();
        break;
      default:
        break;
    }
  });
  glfwSetCursorEnterCallback(window_, [](GLFWwindow* w, int entered) {
    if (auto* a = appOf(w); a && !entered) a->pointerLeave();
  });
  glfwSetScrollCallback(window_, [](GLFWwindow* w, double, double dy) {
    auto* a = appOf(w);
    if (!a) return;
    double x, y;
    glfwGetCursorPos(w, &x, &y);
    a->wheel(x, y, -dy * 100.0);  // one wheel notch ~ 100 CSS px, like browsers
  });
  glfwSetWindowSizeCallback(window_, [](GLFWwindow* w, int, int) {
    if (auto* p = static_cast<GlfwPlatform*>(glfwGetWindowUserPointer(w))) p->syncSize();
  });
  glfwSetFramebufferSizeCallback(window_, [](GLFWwindow* w, int, int) {
    if (auto* p = static_cast<GlfwPlatform*>(glfwGetWindowUserPointer(w))) p->syncSize();
  });
  glfwSetWindowIconifyCallback(window_, [](GLFWwindow* w, int iconified) {
    if (auto* p = static_cast<GlfwPlatform*>(glfwGetWindowUserPointer(w))) p->setIconified(iconified == GLFW_TRUE);
  });
  glfwSetWindowRefreshCallback(window_, [](GLFWwindow* w) {
    if (auto* p = static_cast<GlfwPlatform*>(glfwGetWindowUserPointer(w))) p->requestFrame();
  });
  glfwSetDropCallback(window_, [](GLFWwindow* w, int count, const char** paths) {
    auto* p = static_cast<GlfwPlatform*>(glfwGetWindowUserPointer(w));
    if (!p || !p->dropHandler() || count <= 0) return;
    p->dropHandler()(std::vector<std::string>(paths, paths + count));
    p->requestFrame();
  });
  if (ImGui::GetCurrentContext()) {
    imguiBackend_ = ImGui_ImplGlfw_InitForOpenGL(window_, true);
    // The panels by keyboard: Ctrl+Tab reaches them, arrows move, Space presses, Esc returns to
    // the map (whose keys wait while a panel has the keyboard: WantCaptureKeyboard).
    ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  }
  syncSize();
}

void GlfwPlatform::detach() {
  if (imguiBackend_) ImGui_ImplGlfw_Shutdown();
  imguiBackend_ = false;
  app_ = nullptr;
}

void GlfwPlatform::syncSize() {
  int ww, wh, fw, fh;
  glfwGetWindowSize(window_, &ww, &wh);
  glfwGetFramebufferSize(window_, &fw, &fh);
  // A minimised window may report 0 x 0 (Windows, Wayland): the map keeps its last size.
  if (app_ && ww > 0 && wh > 0 && fw > 0 && fh > 0) app_->resize(ww, wh, double(fw) / ww);
}

void GlfwPlatform::setIconified(bool iconified) {
  if (iconified == iconified_) return;
  iconified_ = iconified;
  if (!iconified) {
    syncSize();
    requestFrame();
  }
}

void GlfwPlatform::drawFrame() {
  int fw = 0, fh = 0;
  glfwGetFramebufferSize(window_, &fw, &fh);
  if (iconified_ || fw <= 0 || fh <= 0) return;  // nothing to draw into; a restore redraws
  if (imguiBackend_) ImGui_ImplGlfw_NewFrame();
  app_->frame();
  glfwSwapBuffers(window_);
}

void GlfwPlatform::wake() { glfwPostEmptyEvent(); }

void GlfwPlatform::serve(const std::string& url, Result<std::vector<uint8_t>> bytes) {
  served_.insert_or_assign(url, std::move(bytes));
}

source::FetchId GlfwPlatform::fetch(const std::string& url, std::optional<source::ByteRange> range,
                                    FetchCallback done) {
  const auto it = served_.find(url);
  if (it == served_.end()) return FilePlatform::fetch(url, range, std::move(done));
  if (!it->second) return answerLater(std::move(done), Error{it->second.error()});
  const std::vector<uint8_t>& all = it->second.value();
  const size_t begin = range ? size_t(std::min<uint64_t>(range->offset, all.size())) : 0;
  const size_t end = range ? size_t(std::min<uint64_t>(range->offset + range->length, all.size())) : all.size();
  return answerLater(
      std::move(done),
      inflateIfAsked(url, range, std::vector<uint8_t>(all.begin() + long(begin), all.begin() + long(end))));
}

void GlfwPlatform::run() {
  while (!glfwWindowShouldClose(window_)) {
    // Sleep until input arrives unless there is work: a frame asked for (now or at a time) or
    // fetched bytes.
    if (frameRequested() || hasPendingFetches())
      glfwPollEvents();
    else
      glfwWaitEventsTimeout(std::clamp(msUntilFrame() / 1000, 0.001, 0.25));
    if (idleHook_) idleHook_();
    poll();
    if (takeFrameRequest()) drawFrame();
  }
}

bool GlfwPlatform::drawUntilIdle(int maxFrames) {
  for (int i = 0; i < maxFrames; ++i) {
    glfwPollEvents();
    if (idleHook_) idleHook_();
    poll();
    if (takeFrameRequest() || hasPendingFetches() || !app_->status().idle)
      drawFrame();
    else
      return true;
  }
  return app_->status().idle;
}

}  // namespace citymap::platform
