#include "platform/web/web_platform.hpp"

#include <emscripten/emscripten.h>
#include <emscripten/eventloop.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>

#include "app/status_json.hpp"
#include "feeds/feed_batch.hpp"
#include "feeds/feed_summary.hpp"
#include "feeds/feed_types.hpp"
#include "input/gestures.hpp"
#include "ui/hit_test.hpp"

// Implemented in web/library_citymap.js.
extern "C" {
// offset < 0: the whole resource; else `length` bytes from `offset` (HTTP Range); gzip: the
// range is one gzip member, answered inflated (DecompressionStream).
void citymap_js_fetch(int id, const char* url, double offset, double length, int gzip);
// Aborts fetch `id` (its AbortController); citymap_fetch_done is not called for it.
void citymap_js_cancel_fetch(int id);
// performance.mark("citymap:" + name): a startup milestone.
void citymap_js_mark(const char* name);
// feedJson: the feed summary as JSON when it changed since the last call, else null (the page
// keeps the previous one and only updates feedAgeMs, the age of the newest feed message).
void citymap_js_publish_status(int ready, int idle, double frames, int tiles, const char* error, double zoom,
                               double lng, double lat, double bearing, const char* attribution, double feedAgeMs,
                               const char* feedJson, const char* uiJson, int tilesPending, int tilesFailed,
                               double tileErrors, double tileRetries, double tilesCancelled, double tilesetReloads);
}

namespace citymap::platform {

namespace {
WebPlatform* gPlatform = nullptr;  // the page has one map; JS callbacks find it here

app::MapApp* appOf(void* user) { return static_cast<WebPlatform*>(user)->app(); }

// JSON for the page; text from outside (names, feed titles) with a bad byte is replaced, never
// an abort (no exceptions in wasm).
std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

Result<bool> WebPlatform::init(const char* canvasSelector) {
  canvas_ = canvasSelector;
  EmscriptenWebGLContextAttributes attrs;
  emscripten_webgl_init_context_attributes(&attrs);
  attrs.majorVersion = 2;
  attrs.minorVersion = 0;
  attrs.alpha = EM_FALSE;
  attrs.depth = EM_FALSE;
  attrs.stencil = EM_TRUE;  // the tile clip masks of a turned map
  attrs.antialias = EM_FALSE;
  attrs.premultipliedAlpha = EM_TRUE;
  attrs.powerPreference = EM_WEBGL_POWER_PREFERENCE_HIGH_PERFORMANCE;
  // The renderer uses WebGL 2 core only. Emscripten otherwise enables every extension the
  // browser offers while creating the context: about 200 ms of the first view with a software
  // GPU (issue 12); the link drops that code too (GL_SUPPORT_AUTOMATIC_ENABLE_EXTENSIONS=0).
  attrs.enableExtensionsByDefault = EM_FALSE;
  const EMSCRIPTEN_WEBGL_CONTEXT_HANDLE ctx = emscripten_webgl_create_context(canvas_.c_str(), &attrs);
  if (ctx <= 0) return Error{"WebGL 2 is not available in this browser"};
  emscripten_webgl_make_context_current(ctx);
  gPlatform = this;
  return true;
}

void WebPlatform::attach(app::MapApp& app) {
  app_ = &app;
  const char* c = canvas_.c_str();
  // The mouse is pointer 0: the left button drags (Ctrl + left or the right button rotates).
  emscripten_set_mousedown_callback(c, this, true, [](int, const EmscriptenMouseEvent* e, void* u) -> EM_BOOL {
    auto* p = static_cast<WebPlatform*>(u);
    if (e->button != 0 && e->button != 2) return EM_FALSE;
    if (e->button == 0) p->feedImGuiMouse(e->targetX, e->targetY, 1, 0);
    appOf(u)->pointerDown(0, e->targetX, e->targetY, input::Device::Mouse,
                          e->button == 2 ? input::Button::Secondary : input::Button::Primary, e->ctrlKey || e->metaKey);
    return EM_TRUE;
  });
  // Move and up on the window, so a drag that leaves the canvas keeps going.
  emscripten_set_mousemove_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, this, true,
                                    [](int, const EmscriptenMouseEvent* e, void* u) -> EM_BOOL {
                                      static_cast<WebPlatform*>(u)->feedImGuiMouse(e->targetX, e->targetY, -1, 0);
                                      appOf(u)->pointerMove(0, e->targetX, e->targetY);
                                      return EM_FALSE;
                                    });
  emscripten_set_mouseup_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, this, true,
                                  [](int, const EmscriptenMouseEvent* e, void* u) -> EM_BOOL {
                                    if (e->button != 0 && e->button != 2) return EM_FALSE;
                                    if (e->button == 0)
                                      static_cast<WebPlatform*>(u)->feedImGuiMouse(e->targetX, e->targetY, 0, 0);
                                    appOf(u)->pointerUp(0, e->targetX, e->targetY);
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
  // Fingers are pointers 1 + their identifier; the first finger also acts as ImGui's mouse, so
  // panels can be tapped (its release reaches ImGui one frame after its press: ImGui 1.86 reads
  // the button's state once per frame, and a quick tap would otherwise be lost).
  const auto touch = [](int type, const EmscriptenTouchEvent* e, void* u) -> EM_BOOL {
    auto* p = static_cast<WebPlatform*>(u);
    auto* a = appOf(u);
    for (int i = 0; i < e->numTouches; ++i) {
      const EmscriptenTouchPoint& t = e->touches[i];
      if (!t.isChanged) continue;
      const int id = 1 + int(t.identifier);
      const bool primary = p->imguiTouch_ == 0 || p->imguiTouch_ == id;
      if (type == EMSCRIPTEN_EVENT_TOUCHSTART) {
        if (p->imguiTouch_ == 0) {
          p->imguiTouch_ = id;
          p->feedImGuiMouse(t.targetX, t.targetY, -1, 0);
          p->imguiPress_ = true;  // pressed at the next frame, after ImGui has seen the position
        }
        a->pointerDown(id, t.targetX, t.targetY, input::Device::Touch);
      } else if (type == EMSCRIPTEN_EVENT_TOUCHMOVE) {
        if (primary) p->feedImGuiMouse(t.targetX, t.targetY, -1, 0);
        a->pointerMove(id, t.targetX, t.targetY);
      } else {
        if (p->imguiTouch_ == id) {
          p->imguiTouch_ = 0;
          p->imguiRelease_ = true;
        }
        if (type == EMSCRIPTEN_EVENT_TOUCHEND)
          a->pointerUp(id, t.targetX, t.targetY);
        else
          a->pointerCancel(id);
      }
    }
    p->requestFrame();
    return EM_TRUE;  // no emulated mouse events, no page scrolling or zooming
  };
  emscripten_set_touchstart_callback(c, this, true, touch);
  emscripten_set_touchmove_callback(c, this, true, touch);
  emscripten_set_touchend_callback(c, this, true, touch);
  emscripten_set_touchcancel_callback(c, this, true, touch);
  // The keyboard, while the map (the canvas) has the focus: arrows pan, + and - zoom,
  // Shift + arrows rotate (Shift + up: north); Esc closes the card.
  emscripten_set_keydown_callback(c, this, true, [](int, const EmscriptenKeyboardEvent* e, void* u) -> EM_BOOL {
    auto* a = appOf(u);
    const std::string_view k = e->key;
    if (e->ctrlKey || e->altKey || e->metaKey) return EM_FALSE;  // the browser's own shortcuts
    if (k == "ArrowLeft")
      a->key(e->shiftKey ? input::Key::RotateLeft : input::Key::Left);
    else if (k == "ArrowRight")
      a->key(e->shiftKey ? input::Key::RotateRight : input::Key::Right);
    else if (k == "ArrowUp")
      a->key(e->shiftKey ? input::Key::ResetNorth : input::Key::Up);
    else if (k == "ArrowDown")
      a->key(input::Key::Down);
    else if (k == "+" || k == "=")
      a->key(input::Key::ZoomIn);
    else if (k == "-" || k == "_")
      a->key(input::Key::ZoomOut);
    else if (k == "Escape")
      a->escape();
    else
      return EM_FALSE;
    return EM_TRUE;
  });
  // A lost WebGL context (common on phones when the tab goes to the background): handled (the
  // default would be never to restore it), then rebuilt when the browser gives it back.
  emscripten_set_webglcontextlost_callback(c, this, true, [](int, const void*, void* u) -> EM_BOOL {
    appOf(u)->contextLost();
    return EM_TRUE;
  });
  emscripten_set_webglcontextrestored_callback(c, this, true, [](int, const void*, void* u) -> EM_BOOL {
    appOf(u)->contextRestored();
    static_cast<WebPlatform*>(u)->requestFrame();
    return EM_TRUE;
  });
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

void WebPlatform::feedImGuiTouch() {
  if (!ImGui::GetCurrentContext()) return;
  ImGuiIO& io = ImGui::GetIO();
  if (imguiPress_) {
    imguiPress_ = false;
    io.MouseDown[0] = true;
    pressedThisFrame_ = true;
  } else if (imguiRelease_) {
    imguiRelease_ = false;
    io.MouseDown[0] = false;
  }
}

void WebPlatform::feedImGuiMouse(double x, double y, int buttonDown, float wheel) {
  if (!ImGui::GetCurrentContext()) return;
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(float(x), float(y));
  if (buttonDown >= 0) io.MouseDown[0] = buttonDown == 1;
  io.MouseWheel += wheel;
}

source::FetchId WebPlatform::fetch(const std::string& url, std::optional<source::ByteRange> range, FetchCallback done) {
  const int id = nextFetch_++;
  fetches_.emplace(id, std::move(done));
  citymap_js_fetch(id, url.c_str(), range ? double(range->offset) : -1.0, range ? double(range->length) : 0.0,
                   range && range->gzip ? 1 : 0);
  return source::FetchId(id);
}

void WebPlatform::cancelFetch(source::FetchId id) {
  if (fetches_.erase(int(id))) citymap_js_cancel_fetch(int(id));
}

void WebPlatform::fetchDone(int id, const uint8_t* data, size_t size, const char* error, bool changed) {
  const auto it = fetches_.find(id);
  if (it == fetches_.end()) return;
  FetchCallback cb = std::move(it->second);
  fetches_.erase(it);
  if (error)
    cb(Error{error, changed ? ErrorCode::Changed : ErrorCode::Failed});
  else
    cb(std::vector<uint8_t>(data, data + size));
}

double WebPlatform::nowMs() const { return emscripten_get_now(); }

double WebPlatform::epochMs() const { return emscripten_date_now(); }

void WebPlatform::requestFrameIn(double ms) {
  if (frameScheduled_ || timerScheduled_) return;
  timerScheduled_ = true;
  emscripten_set_timeout(
      [](void* user) {
        auto* p = static_cast<WebPlatform*>(user);
        p->timerScheduled_ = false;
        p->requestFrame();
      },
      ms, this);
}

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
  p->feedImGuiTouch();
  p->app_->frame();
  if (p->pressedThisFrame_) {  // the tap's release reaches ImGui in the next frame
    p->pressedThisFrame_ = false;
    if (p->imguiRelease_) p->requestFrame();
  }
  return EM_FALSE;  // one frame per request
}

void WebPlatform::mark(const char* milestone) { citymap_js_mark(milestone); }

void WebPlatform::publishStatus(const app::MapStatus& s) {
  // The feed summary crosses to JavaScript only when it changed (its version); its age is a
  // plain number every time.
  const bool feedChanged = !feedPublished_ || s.feed.version != feedVersion_;
  std::string feedJson;
  if (feedChanged) {
    feedJson = feeds::toJson(s.feed);
    feedPublished_ = true;
    feedVersion_ = s.feed.version;
  }
  const bool uiChanged = !uiPublished_ || s.ui.version != uiVersion_;
  std::string uiJson;
  if (uiChanged) {
    uiJson = app::uiSummaryJson(s.ui);
    uiPublished_ = true;
    uiVersion_ = s.ui.version;
  }
  citymap_js_publish_status(
      s.ready, s.idle, double(s.framesDrawn), s.tilesLoaded, s.error.empty() ? nullptr : s.error.c_str(), s.zoom, s.lng,
      s.lat, s.bearing, s.attribution.c_str(), s.feed.newestAgeMs, feedChanged ? feedJson.c_str() : nullptr,
      uiChanged ? uiJson.c_str() : nullptr, s.tiles.pending, s.tiles.failed, double(s.tiles.errors),
      double(s.tiles.retries), double(s.tiles.cancelled), double(s.tiles.reloads));
}

}  // namespace citymap::platform

// Entry points for web/library_citymap.js and web/citymap.js.
extern "C" {
// changed: the resource's version differs from the one its reads are pinned to.
EMSCRIPTEN_KEEPALIVE void citymap_fetch_done(int id, const uint8_t* data, int size, const char* error, int changed) {
  if (citymap::platform::gPlatform)
    citymap::platform::gPlatform->fetchDone(id, data, size_t(size), error, changed != 0);
}
// bearing: degrees, or NaN (undefined from JavaScript) to keep the current one.
EMSCRIPTEN_KEEPALIVE void citymap_jump_to(double lng, double lat, double zoom, double bearing) {
  if (!std::isfinite(lng) || !std::isfinite(lat) || !std::isfinite(zoom)) return;
  if (auto* p = citymap::platform::gPlatform; p && p->app())
    p->app()->jumpTo({lng, lat}, zoom, std::isfinite(bearing) ? std::optional<double>(bearing) : std::nullopt);
}
// The browser's feed transport (web/feed_worker.js: mqtt.js over WebSocket in a Web Worker)
// hands the messages of ~50 ms here in one batch in the wasm heap, framed as
// feeds::forEachFramedMessage reads them ([u16 topic length][topic][u32 payload length][payload]);
// an empty payload clears the entity. Returns the number of messages handed to the app, or -1
// when the batch does not frame exactly (then none of it is applied; the reason is logged).
EMSCRIPTEN_KEEPALIVE int citymap_feed_batch(const uint8_t* data, int size) {
  auto* p = citymap::platform::gPlatform;
  if (!p || !p->app() || size < 0 || (size > 0 && !data)) return -1;
  citymap::app::MapApp& app = *p->app();
  const auto delivered = citymap::feeds::forEachFramedMessage(
      std::span<const uint8_t>(data, size_t(size)),
      [&app](const citymap::feeds::FramedMessage& m) { app.feedMessage(m.topic, m.payload); });
  if (!delivered) {
    static int logged = 0;  // the first few only: a broken writer would repeat it 20 times a second
    if (++logged <= 10) std::fprintf(stderr, "citymap: feed batch dropped: %s\n", delivered.error().c_str());
    return -1;
  }
  return int(*delivered);
}
// Every state change of the transport: state is a feeds::ConnectionState (0 off, 1 connecting,
// 2 connected, 3 reconnecting); url and detail are UTF-8 strings (null = empty).
EMSCRIPTEN_KEEPALIVE void citymap_feed_connection(int state, const char* url, const char* detail, int attempt,
                                                  double retryInMs) {
  auto* p = citymap::platform::gPlatform;
  if (!p || !p->app() || state < 0 || state > 3) return;
  citymap::feeds::ConnectionStatus s;
  s.state = citymap::feeds::ConnectionState(state);
  s.url = url ? url : "";
  s.detail = detail ? detail : "";
  s.attempt = std::max(0, attempt);
  s.retryInMs = std::isfinite(retryInMs) ? std::max(0.0, retryInMs) : 0.0;
  p->app()->feedConnection(s);
}
EMSCRIPTEN_KEEPALIVE void citymap_fly_to(double lng, double lat, double zoom) {
  if (!std::isfinite(lng) || !std::isfinite(lat) || !std::isfinite(zoom)) return;
  if (auto* p = citymap::platform::gPlatform; p && p->app()) p->app()->flyTo({lng, lat}, zoom);
}
// The page's language switch: 1 English, 0 Vietnamese (UI, cards and map labels).
EMSCRIPTEN_KEEPALIVE void citymap_set_english(int english) {
  if (auto* p = citymap::platform::gPlatform; p && p->app()) p->app()->setEnglish(english != 0);
}
// The search box of the page: results for `query` as a JSON array of {entry, title, detail, type,
// lng, lat}, valid until the next call ("[]" until the index has loaded: state.ui.searchReady).
EMSCRIPTEN_KEEPALIVE const char* citymap_search(const char* query, int limit) {
  static std::string json;
  nlohmann::json out = nlohmann::json::array();
  auto* p = citymap::platform::gPlatform;
  if (p && p->app() && query)
    for (const auto& r : p->app()->search(query, size_t(std::clamp(limit, 1, 50))))
      out.push_back({{"entry", r.entry},
                     {"title", r.title},
                     {"detail", r.detail},
                     {"type", r.type},
                     {"lng", r.lng},
                     {"lat", r.lat}});
  json = citymap::platform::dump(out);
  return json.c_str();
}
EMSCRIPTEN_KEEPALIVE void citymap_choose_result(int entry) {
  if (auto* p = citymap::platform::gPlatform; p && p->app() && entry >= 0) p->app()->chooseSearchResult(size_t(entry));
}
// Storm help (web/help.js): the nearest open shelters or the flooded roads from the device's
// position (lng, lat), or with NaN from the selected place or the map's centre. Returns "" or
// why the request was refused (the position is outside the map), valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* citymap_help(int roads, double lng, double lat) {
  static std::string error;
  error.clear();
  auto* p = citymap::platform::gPlatform;
  if (!p || !p->app()) return "";
  std::optional<citymap::geo::LngLat> at;
  if (std::isfinite(lng) && std::isfinite(lat)) at = citymap::geo::LngLat{lng, lat};
  const auto r = roads ? p->app()->helpRoads(at) : p->app()->helpShelters(at);
  if (!r) error = r.error();
  return error.c_str();
}
// 0 close, 1 choose the start on the map (the next tap), 2 + i route to the i-th shelter.
EMSCRIPTEN_KEEPALIVE void citymap_help_action(int action) {
  auto* p = citymap::platform::gPlatform;
  if (!p || !p->app() || action < 0) return;
  if (action == 0)
    p->app()->helpClose();
  else if (action == 1)
    p->app()->helpPickStart();
  else
    p->app()->helpChoose(size_t(action - 2));
}
// The time slider: replay the state at tMs (epoch ms); NaN or -1: live; -2: ask for the hours
// before the page opened (state.ui.replay.historyWanted). speed: play at that many times real
// time (0 pause), NaN: unchanged.
EMSCRIPTEN_KEEPALIVE void citymap_replay(double tMs, double speed) {
  auto* p = citymap::platform::gPlatform;
  if (!p || !p->app()) return;
  if (tMs == -2) {
    p->app()->loadPastHistory();
    return;
  }
  p->app()->replayAt(std::isfinite(tMs) && tMs >= 0 ? std::optional<int64_t>(int64_t(tMs)) : std::nullopt);
  if (std::isfinite(speed)) p->app()->replaySpeed(speed);
}
// "layer/id" (a shared link's selection); an empty string clears the selection (Esc).
EMSCRIPTEN_KEEPALIVE void citymap_select(const char* layerAndId) {
  auto* p = citymap::platform::gPlatform;
  if (!p || !p->app()) return;
  if (!layerAndId || !*layerAndId)
    p->app()->clearSelection();
  else
    p->app()->select(layerAndId);
}
// A map key from the page's own controls (web/controls.js): an input::Key value.
EMSCRIPTEN_KEEPALIVE void citymap_key(int key) {
  if (key < 0 || key > int(citymap::input::Key::ResetNorth)) return;
  if (auto* p = citymap::platform::gPlatform; p && p->app()) p->app()->key(citymap::input::Key(key));
}
// Hidden layer groups, comma-separated (ui::groupKey names).
EMSCRIPTEN_KEEPALIVE void citymap_set_hidden(const char* names) {
  if (auto* p = citymap::platform::gPlatform; p && p->app()) p->app()->setHiddenGroups(names ? names : "");
}
// The texts of the labels shown in the last frame (fully faded in), as a JSON array of strings.
EMSCRIPTEN_KEEPALIVE const char* citymap_labels() {
  static std::string json;
  nlohmann::json out = nlohmann::json::array();
  auto* p = citymap::platform::gPlatform;
  if (p && p->app())
    for (const auto& l : p->app()->placedLabels())
      if (l.opacity >= 0.99f) out.push_back(l.text);
  json = citymap::platform::dump(out);
  return json.c_str();
}
EMSCRIPTEN_KEEPALIVE int citymap_frame_time_count() {
  auto* p = citymap::platform::gPlatform;
  return p && p->app() ? int(p->app()->frameTimes().size()) : 0;
}
// Bytes malloc has handed out and not taken back (the wasm heap in use; its memory only grows),
// and the tile cache's share of them, for the memory benchmark (tests/bench/browser_memory.mjs).
EMSCRIPTEN_KEEPALIVE double citymap_heap_bytes() { return double(mallinfo().uordblks); }
EMSCRIPTEN_KEEPALIVE double citymap_tile_cache_bytes() {
  auto* p = citymap::platform::gPlatform;
  return p && p->app() && p->app()->pyramid() ? double(p->app()->pyramid()->stats().cacheBytes) : 0;
}
EMSCRIPTEN_KEEPALIVE double citymap_frame_time(int i) {
  auto* p = citymap::platform::gPlatform;
  if (!p || !p->app() || i < 0 || size_t(i) >= p->app()->frameTimes().size()) return 0;
  return p->app()->frameTimes()[size_t(i)];
}
}

// The ImGui windows drawn in the last frame (active, not hidden), for layout tests: a JSON array
// of {name, x, y, w, h} in CSS px, valid until the next call.
extern "C" EMSCRIPTEN_KEEPALIVE const char* citymap_ui_rects() {
  static std::string json;
  nlohmann::json out = nlohmann::json::array();
  for (const citymap::ui::WindowRect& r : citymap::ui::windowRects())
    out.push_back({{"name", r.name}, {"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}});
  json = citymap::platform::dump(out);
  return json.c_str();
}
