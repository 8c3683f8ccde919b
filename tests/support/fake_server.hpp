#pragma once
// An in-memory stand-in for a web server or disk, for testing tile sources.
#include <algorithm>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "source/tile_source.hpp"

namespace citymap::source {

// An in-memory "server": answers fetches later, when deliver() is called, like a platform.
struct FakeServer {
  std::map<std::string, Bytes> files;
  std::deque<std::pair<BytesCallback, Result<Bytes>>> queue;
  std::vector<std::string> requested;
  int rangeRequests = 0;

  Fetch fetch() {
    return [this](const std::string& url, std::optional<ByteRange> range, BytesCallback done) {
      requested.push_back(url);
      const auto it = files.find(url);
      if (it == files.end()) {
        queue.emplace_back(std::move(done), Error{url + ": HTTP 404"});
        return;
      }
      Bytes b = it->second;
      if (range) ++rangeRequests;
      if (range) {  // like an HTTP server: a range past the end is cut short
        const uint64_t from = std::min<uint64_t>(b.size(), range->offset);
        const uint64_t to = std::min<uint64_t>(b.size(), range->offset + range->length);
        b = Bytes(b.begin() + long(from), b.begin() + long(to));
      }
      queue.emplace_back(std::move(done), std::move(b));
    };
  }
  void deliver() {
    while (!queue.empty()) {
      auto item = std::move(queue.front());
      queue.pop_front();
      item.first(std::move(item.second));
    }
  }
};


}  // namespace citymap::source
