#include "platform/mqtt/feed_handoff.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace citymap::platform {

FeedHandoff::FeedHandoff(HandoffLimits limits, WakeFn wake)
    : limits_(limits),
      wake_(std::move(wake)),
      queue_(limits.maxMessages, limits.maxBytes, limits.maxBytes),
      spare_(limits.maxMessages, limits.maxBytes, limits.maxBytes) {}

bool FeedHandoff::needsWakeLocked() {
  if (woken_ || !wake_) return false;
  woken_ = true;
  ++stats_.wakes;
  return true;
}

void FeedHandoff::pushMessage(std::string_view topic, std::span<const uint8_t> payload) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    const uint64_t droppedBefore = queue_.droppedOldest();
    if (queue_.push(topic, payload, 0) == feeds::FeedQueue::Push::TooLarge) {
      ++stats_.droppedTooLarge;
      return;
    }
    ++pushedIndex_;
    ++stats_.pushed;
    stats_.droppedFull += queue_.droppedOldest() - droppedBefore;
    stats_.peakQueued = std::max(stats_.peakQueued, queue_.size());
    wake = needsWakeLocked();
  }
  if (wake) wake_();
}

void FeedHandoff::pushStatus(const feeds::ConnectionStatus& status) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    statuses_.push_back({pushedIndex_, status});
    while (statuses_.size() > std::max<size_t>(limits_.maxStatuses, 1)) statuses_.pop_front();
    lastStatus_ = status;
    wake = needsWakeLocked();
  }
  if (wake) wake_();
}

size_t FeedHandoff::drain(const MessageFn& onMessage, const StatusFn& onStatus) {
  std::lock_guard drainLock(drainMutex_);
  std::deque<PendingStatus> statuses;
  uint64_t firstIndex = 0;
  {
    std::lock_guard lock(mutex_);
    woken_ = false;
    if (queue_.empty() && statuses_.empty()) return 0;
    std::swap(queue_, spare_);
    statuses.swap(statuses_);
    firstIndex = pushedIndex_ - spare_.size();
  }
  // Messages and state changes in the order they were pushed: a state change goes out after
  // the messages that arrived before it.
  size_t delivered = 0, messages = 0;
  feeds::FeedQueue::Item item;
  uint64_t index = firstIndex;
  while (spare_.pop(item)) {
    for (; !statuses.empty() && statuses.front().afterMessages <= index; statuses.pop_front(), ++delivered)
      if (onStatus) onStatus(statuses.front().status);
    if (onMessage) onMessage(item.topic, item.payload);
    ++index, ++messages, ++delivered;
  }
  for (; !statuses.empty(); statuses.pop_front(), ++delivered)
    if (onStatus) onStatus(statuses.front().status);
  std::lock_guard lock(mutex_);
  stats_.delivered += messages;
  return delivered;
}

HandoffStats FeedHandoff::stats() const {
  std::lock_guard lock(mutex_);
  HandoffStats s = stats_;
  s.queued = queue_.size();
  return s;
}

feeds::ConnectionStatus FeedHandoff::lastStatus() const {
  std::lock_guard lock(mutex_);
  return lastStatus_;
}

}  // namespace citymap::platform
