#pragma once
// The browser platform: a WebGL 2 context on the page's <canvas id="map">, HTML5 input events,
// fetch() through web/library_citymap.js, requestAnimationFrame on demand, the map status
// mirrored into window.citymap.state, and the entry points of the browser's feed transport.
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "app/map_app.hpp"
#include "app/platform.hpp"

namespace citymap::platform {

class WebPlatform : public app::Platform {
 public:
  // Creates the WebGL 2 context on `canvasSelector`; returns an error if WebGL 2 is missing.
  Result<bool> init(const char* canvasSelector);
  void attach(app::MapApp& app);

  source::FetchId fetch(const std::string& url, std::optional<source::ByteRange> range, FetchCallback done) override;
  void cancelFetch(source::FetchId id) override;
  double nowMs() const override;
  double epochMs() const override;
  void requestFrame() override;
  void requestFrameIn(double ms) override;
  void publishStatus(const app::MapStatus& s) override;
  void mark(const char* milestone) override;

  // Called from JavaScript.
  void fetchDone(int id, const uint8_t* data, size_t size, const char* error, bool changed);
  app::MapApp* app() const { return app_; }

 private:
  static int onAnimationFrame(double time, void* user);
  void syncSize();
  void feedImGuiMouse(double x, double y, int buttonDown, float wheel);
  // The first finger as ImGui's mouse button, pressed and released a frame apart.
  void feedImGuiTouch();

  std::string canvas_;
  app::MapApp* app_ = nullptr;
  std::unordered_map<int, FetchCallback> fetches_;
  int nextFetch_ = 1;
  bool frameScheduled_ = false;
  bool timerScheduled_ = false;
  double lastFrameTime_ = 0;
  double cssWidth_ = 0, cssHeight_ = 0, dpr_ = 1;
  bool feedPublished_ = false;  // the feed summary of version feedVersion_ reached the page
  uint64_t feedVersion_ = 0;
  int imguiTouch_ = 0;  // the pointer id of the finger acting as ImGui's mouse (0: none)
  bool imguiPress_ = false, imguiRelease_ = false, pressedThisFrame_ = false;
  bool uiPublished_ = false;  // the UI summary of version uiVersion_ reached the page
  uint64_t uiVersion_ = 0;
};

}  // namespace citymap::platform
