#pragma once
// Native Platform pieces shared by the desktop app and the headless tests: fetching from the
// local disk (URLs are paths; "file://" is accepted) with callbacks delivered by poll(), a
// steady clock, and a frame-request flag.
#include <algorithm>
#include <deque>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "app/map_app.hpp"
#include "app/platform.hpp"

namespace citymap::platform {

class FilePlatform : public app::Platform {
 public:
  // Ranged reads are pinned to the file's version (its size and modification time, see
  // app::Platform::fetch): a file replaced under an open archive answers ErrorCode::Changed.
  source::FetchId fetch(const std::string& url, std::optional<source::ByteRange> range, FetchCallback done) override;
  void cancelFetch(source::FetchId id) override;
  double nowMs() const override;
  double epochMs() const override;
  void requestFrame() override { frameRequested_ = true; }
  // A frame at nowMs() + ms (the earliest of several requests wins).
  void requestFrameIn(double ms) override { frameDueMs_ = std::min(frameDueMs_, nowMs() + std::max(0.0, ms)); }

  // Delivers completed fetches; returns how many.
  int poll();
  // True if a frame was asked for now, or a timed one is due.
  bool frameRequested() const { return frameRequested_ || nowMs() >= frameDueMs_; }
  bool takeFrameRequest() {
    if (!frameRequested()) return false;
    frameRequested_ = false;
    frameDueMs_ = kNever;
    return true;
  }
  // Milliseconds until a timed frame is due (a large number if none).
  double msUntilFrame() const { return frameRequested_ ? 0 : std::max(0.0, frameDueMs_ - nowMs()); }
  bool hasPendingFetches() const { return !done_.empty(); }

  // Headless: delivers fetches and draws frames until the app is idle or maxFrames ran out.
  bool runUntilIdle(app::MapApp& app, int maxFrames = 500);

 protected:
  // Queues an answer for poll(); returns its fetch id.
  source::FetchId answerLater(FetchCallback done, Result<std::vector<uint8_t>> result);
  // A gzip range (ByteRange::gzip) read whole is answered inflated; a corrupt one is an error.
  static Result<std::vector<uint8_t>> inflateIfAsked(const std::string& url, std::optional<source::ByteRange> range,
                                                     Result<std::vector<uint8_t>> result);
  // Pins ranged reads of `url` to `version` (see fetch()); returns the result to deliver.
  Result<std::vector<uint8_t>> pinVersion(const std::string& url, std::optional<source::ByteRange> range,
                                          const std::string& version, Result<std::vector<uint8_t>> result);

 private:
  std::deque<std::tuple<source::FetchId, FetchCallback, Result<std::vector<uint8_t>>>> done_;
  std::map<std::string, std::string> versions_;  // by URL: the version ranged reads are pinned to
  source::FetchId nextFetch_ = 1;
  static constexpr double kNever = 1e300;
  bool frameRequested_ = false;
  double frameDueMs_ = kNever;
};

// Reads a whole file, or a byte range of it (a range past the end is cut short); an error names
// the path and the reason. `version` (optional) receives the file's size and modification time.
Result<std::vector<uint8_t>> readFile(const std::string& path, std::optional<source::ByteRange> range = std::nullopt,
                                      std::string* version = nullptr);

}  // namespace citymap::platform
