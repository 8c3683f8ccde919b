#include "platform/egl/egl_context.hpp"

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES3/gl3.h>

#include <cstdio>
#include <string>

namespace citymap::platform {

namespace {
std::string eglError(const char* what) {
  char buf[64];
  std::snprintf(buf, sizeof buf, " (EGL error 0x%04x)", eglGetError());
  return std::string(what) + buf;
}
}  // namespace

Result<std::unique_ptr<EglContext>> EglContext::create(int width, int height) {
  auto getPlatformDisplay =
      reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(eglGetProcAddress("eglGetPlatformDisplayEXT"));
  if (!getPlatformDisplay) return Error{"EGL lacks eglGetPlatformDisplayEXT"};
  EGLDisplay display = getPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
  if (display == EGL_NO_DISPLAY || !eglInitialize(display, nullptr, nullptr))
    return Error{eglError("cannot open the surfaceless Mesa EGL display")};
  std::unique_ptr<EglContext> ctx(new EglContext());
  ctx->display_ = display;
  if (!eglBindAPI(EGL_OPENGL_ES_API)) return Error{eglError("eglBindAPI(GLES) failed")};
  const EGLint configAttrs[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_ES3_BIT, EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_NONE};
  EGLConfig config;
  EGLint count = 0;
  if (!eglChooseConfig(display, configAttrs, &config, 1, &count) || count == 0)
    return Error{eglError("no GLES 3 EGL config")};
  const EGLint contextAttrs[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 0, EGL_NONE};
  EGLContext context = eglCreateContext(display, config, EGL_NO_CONTEXT, contextAttrs);
  if (context == EGL_NO_CONTEXT) return Error{eglError("cannot create a GLES 3 context")};
  ctx->context_ = context;
  if (!eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, context))
    return Error{eglError("eglMakeCurrent (surfaceless) failed")};

  ctx->width_ = width;
  ctx->height_ = height;
  glGenFramebuffers(1, &ctx->fbo_);
  glBindFramebuffer(GL_FRAMEBUFFER, ctx->fbo_);
  glGenRenderbuffers(1, &ctx->color_);
  glBindRenderbuffer(GL_RENDERBUFFER, ctx->color_);
  glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, ctx->color_);
  glGenRenderbuffers(1, &ctx->stencil_);  // the tile clip masks of a turned map
  glBindRenderbuffer(GL_RENDERBUFFER, ctx->stencil_);
  glRenderbufferStorage(GL_RENDERBUFFER, GL_STENCIL_INDEX8, width, height);
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_STENCIL_ATTACHMENT, GL_RENDERBUFFER, ctx->stencil_);
  if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
    return Error{"offscreen framebuffer incomplete"};
  return ctx;
}

EglContext::~EglContext() {
  if (fbo_) {
    glDeleteFramebuffers(1, &fbo_);
    glDeleteRenderbuffers(1, &color_);
    glDeleteRenderbuffers(1, &stencil_);
  }
  if (display_) {
    eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    if (context_) eglDestroyContext(display_, context_);
    eglTerminate(display_);
  }
}

}  // namespace citymap::platform
