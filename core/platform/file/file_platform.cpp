#include "platform/file/file_platform.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "platform/zlib/gzip.hpp"

namespace citymap::platform {

Result<std::vector<uint8_t>> readFile(const std::string& path, std::optional<source::ByteRange> range,
                                      std::string* version) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Error{path + ": " + std::strerror(errno)};
  if (version) {  // of the file opened, even if the path is replaced meanwhile
    struct stat st {};
    *version = fstat(fileno(f), &st) == 0 ? std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) + "." +
                                                std::to_string(st.st_mtim.tv_nsec) + "-" + std::to_string(st.st_ino)
                                          : std::string();
  }
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

source::FetchId FilePlatform::fetch(const std::string& url, std::optional<source::ByteRange> range,
                                    FetchCallback done) {
  constexpr std::string_view kScheme = "file://";
  const std::string path = url.starts_with(kScheme) ? url.substr(kScheme.size()) : url;
  std::string version;
  auto bytes = readFile(path, range, &version);
  return answerLater(std::move(done), inflateIfAsked(url, range, pinVersion(url, range, version, std::move(bytes))));
}

Result<std::vector<uint8_t>> FilePlatform::inflateIfAsked(const std::string& url,
                                                          std::optional<source::ByteRange> range,
                                                          Result<std::vector<uint8_t>> result) {
  if (!range || !range->gzip || !result) return result;
  if (result->size() != range->length)
    return Error{url + ": short read (" + std::to_string(result->size()) + " of " + std::to_string(range->length) +
                 " bytes)"};
  auto inflated = zlib::gunzip(*result);
  if (!inflated) return Error{url + ": compressed tile at " + std::to_string(range->offset) + ": " + inflated.error()};
  return inflated;
}

Result<std::vector<uint8_t>> FilePlatform::pinVersion(const std::string& url, std::optional<source::ByteRange> range,
                                                      const std::string& version, Result<std::vector<uint8_t>> result) {
  if (!range || !result || version.empty()) return result;
  if (range->offset == 0) {
    versions_[url] = version;
    return result;
  }
  const auto it = versions_.find(url);
  if (it == versions_.end() || it->second == version) return result;
  return Error{url + ": changed since it was opened", ErrorCode::Changed};
}

source::FetchId FilePlatform::answerLater(FetchCallback done, Result<std::vector<uint8_t>> result) {
  const source::FetchId id = nextFetch_++;
  done_.emplace_back(id, std::move(done), std::move(result));
  return id;
}

void FilePlatform::cancelFetch(source::FetchId id) {
  std::erase_if(done_, [id](const auto& item) { return std::get<0>(item) == id; });
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
    if (done_.empty()) break;  // a callback cancelled others
    auto item = std::move(done_.front());
    done_.pop_front();
    std::get<1>(item)(std::move(std::get<2>(item)));
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
