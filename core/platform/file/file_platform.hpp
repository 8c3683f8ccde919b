#pragma once
// Native Platform pieces shared by the desktop app and the headless tests: fetching from the
// local disk (URLs are paths; "file://" is accepted) with callbacks delivered by poll(), a
// steady clock, and a frame-request flag.
#include <deque>
#include <string>
#include <utility>

#include "app/map_app.hpp"
#include "app/platform.hpp"

namespace citymap::platform {

class FilePlatform : public app::Platform {
 public:
  void fetch(const std::string& url, std::optional<source::ByteRange> range, FetchCallback done) override;
  double nowMs() const override;
  double epochMs() const override;
  void requestFrame() override { frameRequested_ = true; }

  // Delivers completed fetches; returns how many.
  int poll();
  bool frameRequested() const { return frameRequested_; }
  bool takeFrameRequest() { return std::exchange(frameRequested_, false); }
  bool hasPendingFetches() const { return !done_.empty(); }

  // Headless: delivers fetches and draws frames until the app is idle or maxFrames ran out.
  bool runUntilIdle(app::MapApp& app, int maxFrames = 500);

 private:
  std::deque<std::pair<FetchCallback, Result<std::vector<uint8_t>>>> done_;
  bool frameRequested_ = false;
};

// Reads a whole file, or a byte range of it (a range past the end is cut short); an error names
// the path and the reason.
Result<std::vector<uint8_t>> readFile(const std::string& path, std::optional<source::ByteRange> range = std::nullopt);

}  // namespace citymap::platform
