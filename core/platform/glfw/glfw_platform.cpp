#include "platform/glfw/glfw_platform.hpp"

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
    if (auto* a = appOf(w)) a->pointerMove(x, y);
  });
  glfwSetMouseButtonCallback(window_, [](GLFWwindow* w, int button, int action, int) {
    auto* a = appOf(w);
    if (!a || button != GLFW_MOUSE_BUTTON_LEFT) return;
    double x, y;
    glfwGetCursorPos(w, &x, &y);
    action == GLFW_PRESS ? a->pointerDown(x, y) : a->pointerUp();
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
  glfwSetWindowRefreshCallback(window_, [](GLFWwindow* w) {
    if (auto* p = static_cast<GlfwPlatform*>(glfwGetWindowUserPointer(w))) p->requestFrame();
  });
  if (ImGui::GetCurrentContext()) imguiBackend_ = ImGui_ImplGlfw_InitForOpenGL(window_, true);
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
  if (app_ && ww > 0 && wh > 0) app_->resize(ww, wh, double(fw) / ww);
}

void GlfwPlatform::drawFrame() {
  if (imguiBackend_) ImGui_ImplGlfw_NewFrame();
  app_->frame();
  glfwSwapBuffers(window_);
}

void GlfwPlatform::run() {
  while (!glfwWindowShouldClose(window_)) {
    // Sleep until input arrives unless there is work: a frame asked for or fetched bytes.
    if (frameRequested() || hasPendingFetches())
      glfwPollEvents();
    else
      glfwWaitEventsTimeout(0.25);
    poll();
    if (takeFrameRequest()) drawFrame();
  }
}

bool GlfwPlatform::drawUntilIdle(int maxFrames) {
  for (int i = 0; i < maxFrames; ++i) {
    glfwPollEvents();
    poll();
    if (takeFrameRequest() || hasPendingFetches() || !app_->status().idle)
      drawFrame();
    else
      return true;
  }
  return app_->status().idle;
}

}  // namespace citymap::platform
