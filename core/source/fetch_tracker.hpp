#pragma once
// The platform fetches a tile source has in flight (see tile_source.hpp).
#include <memory>
#include <unordered_set>

#include "source/tile_source.hpp"

namespace citymap::source {

// A source's platform fetches in flight. Destroying it cancels them; an answer that arrives
// anyway (a platform that cannot cancel) is dropped, so it never reaches a destroyed source.
class FetchTracker {
 public:
  FetchTracker(Fetch fetch, CancelFetch cancel) : fetch_(std::move(fetch)), cancel_(std::move(cancel)) {}
  FetchTracker(const FetchTracker&) = delete;
  FetchTracker& operator=(const FetchTracker&) = delete;
  ~FetchTracker();
  FetchId fetch(const std::string& url, std::optional<ByteRange> range, BytesCallback done);
  void cancel(FetchId id);
  size_t inFlight() const { return inflight_.size(); }

 private:
  Fetch fetch_;
  CancelFetch cancel_;
  std::unordered_set<FetchId> inflight_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace citymap::source
