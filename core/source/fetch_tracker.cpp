#include "source/fetch_tracker.hpp"

namespace citymap::source {

FetchTracker::~FetchTracker() {
  *alive_ = false;
  if (cancel_)
    for (const FetchId id : inflight_) cancel_(id);
}

FetchId FetchTracker::fetch(const std::string& url, std::optional<ByteRange> range, BytesCallback done) {
  // The platform never answers inside fetch(), so the id is known before the answer comes.
  auto id = std::make_shared<FetchId>(0);
  *id = fetch_(url, range, [this, alive = alive_, id, done = std::move(done)](Result<Bytes> bytes) {
    if (!*alive) return;
    inflight_.erase(*id);
    done(std::move(bytes));
  });
  if (*id) inflight_.insert(*id);
  return *id;
}

void FetchTracker::cancel(FetchId id) {
  if (!id || !inflight_.erase(id)) return;
  if (cancel_) cancel_(id);
}

}  // namespace citymap::source
