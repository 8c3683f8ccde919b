#pragma once
// The hand-off between a transport's network thread and the app's thread: messages and
// connection-state changes are pushed by the network thread and delivered, in the order they
// were pushed, by drain() on the app's thread (FeedStore and MapApp are not thread-safe).
//
// Bounded: messages go into a feeds::FeedQueue (at most `maxMessages` and `maxBytes` payload
// bytes); when it is full the oldest are dropped and counted, so a slow app thread costs a
// bounded amount of memory and the newest state wins. Only the newest `maxStatuses` state
// changes are kept (the last one is what the UI shows).
//
// Wake-up: the first push after a drain calls `wake` (outside the lock, on the pushing thread),
// so a platform loop sleeping in glfwWaitEvents() can be woken with glfwPostEmptyEvent(); later
// pushes do not call it again until the app thread has drained.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <string_view>

#include "feeds/connection.hpp"
#include "feeds/feed_queue.hpp"

namespace citymap::platform {

struct HandoffLimits {
  size_t maxMessages = 4096;
  size_t maxBytes = 4 * 1024 * 1024;  // also the largest single payload
  size_t maxStatuses = 16;
};

struct HandoffStats {
  uint64_t pushed = 0;           // messages pushed by the network thread
  uint64_t delivered = 0;        // messages handed to the app
  uint64_t droppedFull = 0;      // oldest messages dropped because the hand-off was full
  uint64_t droppedTooLarge = 0;  // a single message larger than maxBytes, or a topic over 256 bytes
  uint64_t wakes = 0;            // wake callbacks made
  size_t queued = 0;             // messages waiting now
  size_t peakQueued = 0;
};

class FeedHandoff {
 public:
  using MessageFn = std::function<void(std::string_view topic, std::span<const uint8_t> payload)>;
  using StatusFn = std::function<void(const feeds::ConnectionStatus&)>;
  using WakeFn = std::function<void()>;

  explicit FeedHandoff(HandoffLimits limits = {}, WakeFn wake = {});
  FeedHandoff(const FeedHandoff&) = delete;
  FeedHandoff& operator=(const FeedHandoff&) = delete;

  // Any thread.
  void pushMessage(std::string_view topic, std::span<const uint8_t> payload);
  void pushStatus(const feeds::ConnectionStatus& status);

  // The app's thread: hands everything queued so far to the callbacks (outside the lock, so
  // they may take their time) and returns how many messages and state changes it delivered.
  size_t drain(const MessageFn& onMessage, const StatusFn& onStatus);

  HandoffStats stats() const;
  // The newest state pushed (delivered or not).
  feeds::ConnectionStatus lastStatus() const;

 private:
  struct PendingStatus {
    uint64_t afterMessages;  // delivered after the messages pushed before it
    feeds::ConnectionStatus status;
  };
  // Called with the lock held; returns whether the caller must wake the app thread.
  bool needsWakeLocked();

  const HandoffLimits limits_;
  const WakeFn wake_;
  mutable std::mutex mutex_;
  feeds::FeedQueue queue_;  // filled by the network thread
  feeds::FeedQueue spare_;  // swapped in by drain(); only touched by the draining thread
  std::deque<PendingStatus> statuses_;
  feeds::ConnectionStatus lastStatus_;
  uint64_t pushedIndex_ = 0;  // messages pushed (accepted into the queue) so far
  bool woken_ = false;        // a wake is outstanding (not yet followed by a drain)
  HandoffStats stats_;
  std::mutex drainMutex_;  // one drain at a time (it owns spare_)
};

}  // namespace citymap::platform
