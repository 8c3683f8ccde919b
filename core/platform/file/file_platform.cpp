#include "platform/file/file_platform.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace citymap::platform {

Result<std::vector<uint8_t>> readFile(const std::string& path, std::optional<source::ByteRange> range) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Error{path + ": " + std::strerror(errno)};
  if (range && std::fseek(f, long(range->offset), SEEK_SET) != 0) {
    std::fclose(f);
    return Error{path + ": cannot seek to " + std::to_string(range->offset)};
  }
  std::vector<uint8_t> bytes;
  uint8_t buf[1 << 16];
  uint64_t left = range ? range->length : UINT64_MAX;
  size_t n;
  while (left > 0 && (n = std::fread(buf, 1, size_t(std::min<uint64_t>(sizeof buf, left)), f)) > 0) {
    bytes.insert(bytes.end(), buf, buf + n);
    left -= n;
  }
  const bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) return Error{path + ": read error"};
  return bytes;
}

void FilePlatform::fetch(const std::string& url, std::optional<source::ByteRange> range, FetchCallback done) {
  constexpr std::string_view kScheme = "file://";
  const std::string path = url.starts_with(kScheme) ? url.substr(kScheme.size()) : url;
  done_.emplace_back(std::move(done), readFile(path, range));
}

double FilePlatform::nowMs() const {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

double FilePlatform::epochMs() const {
  using namespace std::chrono;
  return duration<double, std::milli>(system_clock::now().time_since_epoch()).count();
}

int FilePlatform::poll() {
  int count = 0;
  // Callbacks may fetch more; those are delivered on the next poll().
  for (size_t n = done_.size(); n > 0; --n, ++count) {
    auto item = std::move(done_.front());
    done_.pop_front();
    item.first(std::move(item.second));
  }
  return count;
}

bool FilePlatform::runUntilIdle(app::MapApp& app, int maxFrames) {
  for (int i = 0; i < maxFrames; ++i) {
    poll();
    if (takeFrameRequest() || hasPendingFetches()) {
      app.frame();
      continue;
    }
    if (app.status().idle) return true;
    app.frame();
  }
  return app.status().idle;
}

}  // namespace citymap::platform
