#pragma once
// What the app needs from the platform it runs on. One implementation per platform lives in
// core/platform (browser, GLFW desktop, headless test); the app never asks which one it has.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "source/tile_source.hpp"

namespace citymap::app {

struct MapStatus {
  bool ready = false;      // style, tileset and GL are set up
  bool idle = false;       // everything the view needs is drawn, nothing is moving
  uint64_t framesDrawn = 0;
  int tilesLoaded = 0;
  std::string error;       // empty when fine
  std::string attribution; // the data's credit line, to show with the map
  double zoom = 0, lng = 0, lat = 0;
};

class Platform {
 public:
  using FetchCallback = std::function<void(Result<std::vector<uint8_t>>)>;
  virtual ~Platform() = default;

  // Fetches a URL (browser) or path (desktop, tests), whole or a byte range of it. The callback
  // runs later on the app's thread, between frames, never inside fetch().
  virtual void fetch(const std::string& url, std::optional<source::ByteRange> range, FetchCallback done) = 0;
  // Monotonic milliseconds.
  virtual double nowMs() const = 0;
  // Asks for frame() to be called again soon (render on demand).
  virtual void requestFrame() = 0;
  // Published after each frame (the browser mirrors it into window.citymap.state).
  virtual void publishStatus(const MapStatus&) {}
};

}  // namespace citymap::app
