#include "platform/web/web_platform.hpp"

#include <emscripten/emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>

#include <cmath>

// Implemented in web/library_citymap.js.
extern "C" {
// offset < 0: the whole resource; else `length` bytes from `offset` (HTTP Range).
void citymap_js_fetch(int id, const char* url, double offset, double length);
void citymap_js_publish_status(int ready, int idle, double frames, int tiles, const char* error, double zoom,
                               double lng, double lat, const char* attribution);
}

namespace citymap::platform {

namespace {
WebPlatform* gPlatform = nullptr;  // the page has one map; JS callbacks find it here

app::MapApp* appOf(void* user) { return static_cast<WebPlatform*>(user)->app(); }
}  // namespace

Result<bool> WebPlatform::init(const char* canvasSelector) {
  canvas_ = canvasSelector;
  EmscriptenWebGLContextAttributes attrs;
  emscripten_webgl_init_context_attributes(&attrs);
  attrs.majorVersion = 2;
  attrs.minorVersion = 0;
  attrs.alpha = EM_FALSE;
  attrs.depth = EM_FALSE;
  attrs.stencil = EM_FALSE;
  attrs.antialias = EM_FALSE;
  attrs.premultipliedAlpha = EM_TRUE;
  attrs.powerPreference = EM_WEBGL_POWER_PREFERENCE_HIGH_PERFORMANCE;
  const EMSCRIPTEN_WEBGL_CONTEXT_HANDLE ctx = emscripten_webgl_create_context(canvas_.c_str(), &attrs);
  if (ctx <= 0) return Error{"WebGL 2 is not available in this browser"};
  emscripten_webgl_make_context_current(ctx);
  gPlatform = this;
  return true;
}

void WebPlatform::attach(app::MapApp& app) {
  app_ = &app;
  const char* c = canvas_.c_str();
  emscripten_set_mousedown_callback(c, this, true, [](int, const EmscriptenMouseEvent* e, void* u) -> EM_BOOL {
    auto* p = static_cast<WebPlatform*>(u);
    if (e->button != 0) return EM_FALSE;
    p->feedImGuiMouse(e->targetX, e->targetY, 1, 0);
    appOf(u)->pointerDown(e->targetX, e->targetY);
    return EM_TRUE;
  });
  // Move and up on the window, so a drag that leaves the canvas keeps going.
  emscripten_set_mousemove_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, this, true,
                                    [](int, const EmscriptenMouseEvent* e, void* u) -> EM_BOOL {
    static_cast<WebPlatform*>(u)->feedImGuiMouse(e->targetX, e->targetY, -1, 0);
    appOf(u)->pointerMove(e->targetX, e->targetY);
    return EM_FALSE;
  });
  emscripten_set_mouseup_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, this, true,
                                  [](int, const EmscriptenMouseEvent* e, void* u) -> EM_BOOL {
    if (e->button != 0) return EM_FALSE;
    static_cast<WebPlatform*>(u)->feedImGuiMouse(e->targetX, e->targetY, 0, 0);
    appOf(u)->pointerUp();
    return EM_FALSE;
  });
  emscripten_set_mouseleave_callback(c, this, true, [](int, const EmscriptenMouseEvent*, void* u) -> EM_BOOL {
    appOf(u)->pointerLeave();
    return EM_FALSE;
  });
  emscripten_set_wheel_callback(c, this, true, [](int, const EmscriptenWheelEvent* e, void* u) -> EM_BOOL {
    // Normalise line and page deltas to pixels.
    double dy = e->deltaY;
    if (e->deltaMode == DOM_DELTA_LINE) dy *= 40;
    if (e->deltaMode == DOM_DELTA_PAGE) dy *= 800;
    static_cast<WebPlatform*>(u)->feedImGuiMouse(e->mouse.targetX, e->mouse.targetY, -1, float(-dy / 100));
    appOf(u)->wheel(e->mouse.targetX, e->mouse.targetY, dy);
    return EM_TRUE;  // the page itself must not scroll
  });
  // One-finger drag pans; the first touch acts as the mouse.
  const auto touch = [](int type, const EmscriptenTouchEvent* e, void* u) -> EM_BOOL {
    if (e->numTouches < 1) return EM_FALSE;
    const auto& t = e->touches[0];
    auto* a = appOf(u);
    if (type == EMSCRIPTEN_EVENT_TOUCHSTART) a->pointerDown(t.targetX, t.targetY);
    else if (type == EMSCRIPTEN_EVENT_TOUCHMOVE) a->pointerMove(t.targetX, t.targetY);
    else a->pointerUp();
    return EM_TRUE;
  };
  emscripten_set_touchstart_callback(c, this, true, touch);
  emscripten_set_touchmove_callback(c, this, true, touch);
  emscripten_set_touchend_callback(c, this, true, touch);
  emscripten_set_touchcancel_callback(c, this, true, touch);
  emscripten_set_resize_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, this, true,
                                 [](int, const EmscriptenUiEvent*, void* u) -> EM_BOOL {
    static_cast<WebPlatform*>(u)->syncSize();
    return EM_FALSE;
  });
  syncSize();
}

void WebPlatform::syncSize() {
  double w = 0, h = 0;
  emscripten_get_element_css_size(canvas_.c_str(), &w, &h);
  const double dpr = emscripten_get_device_pixel_ratio();
  if (w == cssWidth_ && h == cssHeight_ && dpr == dpr_) return;
  cssWidth_ = w;
  cssHeight_ = h;
  dpr_ = dpr;
  // Sharp on hi-DPI screens: the drawing buffer has device pixels, layout stays in CSS pixels.
  emscripten_set_canvas_element_size(canvas_.c_str(), int(std::lround(w * dpr)), int(std::lround(h * dpr)));
  if (app_) app_->resize(w, h, dpr);
}

void WebPlatform::feedImGuiMouse(double x, double y, int buttonDown, float wheel) {
  if (!ImGui::GetCurrentContext()) return;
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(float(x), float(y));
  if (buttonDown >= 0) io.MouseDown[0] = buttonDown == 1;
  io.MouseWheel += wheel;
}

void WebPlatform::fetch(const std::string& url, std::optional<source::ByteRange> range, FetchCallback done) {
  const int id = nextFetch_++;
  fetches_.emplace(id, std::move(done));
  citymap_js_fetch(id, url.c_str(), range ? double(range->offset) : -1.0, range ? double(range->length) : 0.0);
}

void WebPlatform::fetchDone(int id, const uint8_t* data, size_t size, const char* error) {
  const auto it = fetches_.find(id);
  if (it == fetches_.end()) return;
  FetchCallback cb = std::move(it->second);
  fetches_.erase(it);
  if (error)
    cb(Error{error});
  else
    cb(std::vector<uint8_t>(data, data + size));
}

double WebPlatform::nowMs() const { return emscripten_get_now(); }

double WebPlatform::epochMs() const { return emscripten_date_now(); }

void WebPlatform::requestFrame() {
  if (frameScheduled_) return;
  frameScheduled_ = true;
  emscripten_request_animation_frame(&WebPlatform::onAnimationFrame, this);
}

int WebPlatform::onAnimationFrame(double time, void* user) {
  auto* p = static_cast<WebPlatform*>(user);
  p->frameScheduled_ = false;
  p->syncSize();
  if (ImGui::GetCurrentContext()) {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(float(p->cssWidth_), float(p->cssHeight_));
    io.DisplayFramebufferScale = ImVec2(float(p->dpr_), float(p->dpr_));
    io.DeltaTime = p->lastFrameTime_ > 0 ? float(std::max(1.0, time - p->lastFrameTime_) / 1000.0) : 1.f / 60;
  }
  p->lastFrameTime_ = time;
  p->app_->frame();
  return EM_FALSE;  // one frame per request
}

void WebPlatform::publishStatus(const app::MapStatus& s) {
  citymap_js_publish_status(s.ready, s.idle, double(s.framesDrawn), s.tilesLoaded,
                            s.error.empty() ? nullptr : s.error.c_str(), s.zoom, s.lng, s.lat, s.attribution.c_str());
}

}  // namespace citymap::platform

// Entry points for web/library_citymap.js and web/citymap.js.
extern "C" {
EMSCRIPTEN_KEEPALIVE void citymap_fetch_done(int id, const uint8_t* data, int size, const char* error) {
  if (citymap::platform::gPlatform) citymap::platform::gPlatform->fetchDone(id, data, size_t(size), error);
}
EMSCRIPTEN_KEEPALIVE void citymap_jump_to(double lng, double lat, double zoom) {
  if (auto* p = citymap::platform::gPlatform; p && p->app()) p->app()->jumpTo({lng, lat}, zoom);
}
EMSCRIPTEN_KEEPALIVE int citymap_frame_time_count() {
  auto* p = citymap::platform::gPlatform;
  return p && p->app() ? int(p->app()->frameTimes().size()) : 0;
}
EMSCRIPTEN_KEEPALIVE double citymap_frame_time(int i) {
  auto* p = citymap::platform::gPlatform;
  if (!p || !p->app() || i < 0 || size_t(i) >= p->app()->frameTimes().size()) return 0;
  return p->app()->frameTimes()[size_t(i)];
}
}
