#pragma once
// Local files for the benchmarks through the client's own tile sources: fetchFile() queues the
// answer (whole file or a byte range) and drain() delivers every queued answer, as a platform
// would between frames.
#include <deque>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>

#include "source/tile_source.hpp"

namespace citymap::bench {

inline std::deque<std::pair<source::BytesCallback, Result<source::Bytes>>>& pendingFetches() {
  static std::deque<std::pair<source::BytesCallback, Result<source::Bytes>>> pending;
  return pending;
}

// Returns 0: these answers are not cancelled.
inline source::FetchId fetchFile(const std::string& path, std::optional<source::ByteRange> range,
                                 source::BytesCallback done) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    pendingFetches().emplace_back(std::move(done), Error{path + ": cannot open"});
    return 0;
  }
  source::Bytes bytes;
  if (range) {
    f.seekg(std::streamoff(range->offset));
    bytes.resize(size_t(range->length));
    f.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size()));
    bytes.resize(size_t(f.gcount()));
  } else {
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  pendingFetches().emplace_back(std::move(done), std::move(bytes));
  return 0;
}

inline void drain() {
  auto& pending = pendingFetches();
  while (!pending.empty()) {
    auto item = std::move(pending.front());
    pending.pop_front();
    item.first(std::move(item.second));
  }
}

}  // namespace citymap::bench
