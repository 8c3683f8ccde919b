#pragma once
// A headless OpenGL ES 3 context on EGL's surfaceless Mesa platform (llvmpipe), rendering into
// an offscreen framebuffer. Used by the golden-image render tests and benchmarks.
#include <memory>

#include "base/result.hpp"

namespace citymap::platform {

class EglContext {
 public:
  static Result<std::unique_ptr<EglContext>> create(int width, int height);
  ~EglContext();
  EglContext(const EglContext&) = delete;
  EglContext& operator=(const EglContext&) = delete;

  int width() const { return width_; }
  int height() const { return height_; }

 private:
  EglContext() = default;
  void* display_ = nullptr;
  void* context_ = nullptr;
  unsigned fbo_ = 0, color_ = 0, stencil_ = 0;
  int width_ = 0, height_ = 0;
};

}  // namespace citymap::platform
