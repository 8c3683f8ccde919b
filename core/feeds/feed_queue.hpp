#pragma once
// The bounded ingest queue between a transport (MQTT callback) and the feed store: a ring of at
// most `capacity` messages and `maxBytes` payload bytes. When a new message does not fit, the
// oldest ones are dropped and counted: a flood of messages costs a bounded amount of memory and
// the newest state wins. Single-threaded (the transport hands messages over on the main thread).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace citymap::feeds {

class FeedQueue {
 public:
  struct Item {
    std::string topic;
    std::vector<uint8_t> payload;
    int64_t receivedMs = 0;
  };
  enum class Push : uint8_t { Queued, TooLarge };

  // capacity >= 1; maxBytes >= maxItemBytes.
  FeedQueue(size_t capacity, size_t maxBytes, size_t maxItemBytes);

  // Copies topic and payload. Items larger than maxItemBytes (or topics longer than
  // kMaxTopicBytes) are refused; otherwise the oldest items are dropped until it fits.
  Push push(std::string_view topic, std::span<const uint8_t> payload, int64_t receivedMs);
  // Moves the oldest item into `out`; false if empty.
  bool pop(Item& out);
  void clear();

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return slots_.size(); }
  size_t bytes() const { return bytes_; }
  size_t maxBytes() const { return maxBytes_; }
  uint64_t droppedOldest() const { return droppedOldest_; }

  static constexpr size_t kMaxTopicBytes = 256;

 private:
  void dropOldest();

  std::vector<Item> slots_;
  size_t head_ = 0;  // oldest
  size_t size_ = 0;
  size_t bytes_ = 0;
  size_t maxBytes_;
  size_t maxItemBytes_;
  uint64_t droppedOldest_ = 0;
};

}  // namespace citymap::feeds
