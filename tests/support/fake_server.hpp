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
  struct Answer {
    FetchId id;
    BytesCallback done;
    Result<Bytes> result;
  };
  std::map<std::string, Bytes> files;
  std::deque<Answer> queue;
  std::vector<std::string> requested;
  std::vector<FetchId> cancelled;
  int rangeRequests = 0;
  FetchId nextId = 1;

  Fetch fetch() {
    return [this](const std::string& url, std::optional<ByteRange> range, BytesCallback done) -> FetchId {
      requested.push_back(url);
      const FetchId id = nextId++;
      const auto it = files.find(url);
      if (it == files.end()) {
        queue.push_back({id, std::move(done), Error{url + ": HTTP 404"}});
        return id;
      }
      Bytes b = it->second;
      if (range) ++rangeRequests;
      if (range) {  // like an HTTP server: a range past the end is cut short
        const uint64_t from = std::min<uint64_t>(b.size(), range->offset);
        const uint64_t to = std::min<uint64_t>(b.size(), range->offset + range->length);
        b = Bytes(b.begin() + long(from), b.begin() + long(to));
      }
      queue.push_back({id, std::move(done), std::move(b)});
      return id;
    };
  }
  CancelFetch cancel() {
    return [this](FetchId id) {
      cancelled.push_back(id);
      std::erase_if(queue, [id](const Answer& a) { return a.id == id; });
    };
  }
  void deliver() {
    while (!queue.empty()) {
      auto item = std::move(queue.front());
      queue.pop_front();
      item.done(std::move(item.result));
    }
  }
};

}  // namespace citymap::source
