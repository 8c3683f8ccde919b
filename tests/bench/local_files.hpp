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

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
// Under node (the wasm benchmarks), node's own zlib inflates: the wasm build has no zlib. The
// result waits in a JS global until the caller has made room for it.
EM_JS(int, citymap_bench_gunzip, (const uint8_t* data, int size), {
  try {
    globalThis.citymapBenchInflated = require('zlib').gunzipSync(HEAPU8.subarray(data, data + size));
    return globalThis.citymapBenchInflated.length;
  } catch (e) {
    return -1;
  }
});
EM_JS(void, citymap_bench_take_inflated, (uint8_t * out), {
  HEAPU8.set(globalThis.citymapBenchInflated, out);
  globalThis.citymapBenchInflated = null;
});
#else
#include "platform/zlib/gzip.hpp"
#endif

namespace citymap::bench {

// A gzip range (an archive's compressed tile) answered inflated, as the platforms do.
inline Result<source::Bytes> inflateIfAsked(std::optional<source::ByteRange> range, source::Bytes bytes) {
  if (!range || !range->gzip) return bytes;
#if defined(__EMSCRIPTEN__)
  const int n = citymap_bench_gunzip(bytes.data(), int(bytes.size()));
  if (n < 0) return Error{"not valid gzip"};
  source::Bytes out(static_cast<size_t>(n), 0);
  citymap_bench_take_inflated(out.data());
  return out;
#else
  return zlib::gunzip(bytes);
#endif
}

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
  pendingFetches().emplace_back(std::move(done), inflateIfAsked(range, std::move(bytes)));
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
