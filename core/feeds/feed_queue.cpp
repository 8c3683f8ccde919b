#include "feeds/feed_queue.hpp"

#include <algorithm>
#include <cassert>

namespace citymap::feeds {

FeedQueue::FeedQueue(size_t capacity, size_t maxBytes, size_t maxItemBytes)
    : slots_(std::max<size_t>(capacity, 1)), maxBytes_(std::max(maxBytes, maxItemBytes)), maxItemBytes_(maxItemBytes) {}

void FeedQueue::dropOldest() {
  assert(size_ > 0);
  Item& old = slots_[head_];
  bytes_ -= old.payload.size();
  old.payload = {};  // release the memory now
  old.topic = {};
  head_ = (head_ + 1) % slots_.size();
  --size_;
  ++droppedOldest_;
}

FeedQueue::Push FeedQueue::push(std::string_view topic, std::span<const uint8_t> payload, int64_t receivedMs) {
  if (payload.size() > maxItemBytes_ || topic.size() > kMaxTopicBytes) return Push::TooLarge;
  while (size_ == slots_.size() || (size_ > 0 && bytes_ + payload.size() > maxBytes_)) dropOldest();
  Item& slot = slots_[(head_ + size_) % slots_.size()];
  slot.topic.assign(topic);
  slot.payload.assign(payload.begin(), payload.end());
  slot.receivedMs = receivedMs;
  bytes_ += payload.size();
  ++size_;
  return Push::Queued;
}

bool FeedQueue::pop(Item& out) {
  if (size_ == 0) return false;
  Item& slot = slots_[head_];
  bytes_ -= slot.payload.size();
  out.topic = std::move(slot.topic);
  out.payload = std::move(slot.payload);
  out.receivedMs = slot.receivedMs;
  slot.topic = {};
  slot.payload = {};
  head_ = (head_ + 1) % slots_.size();
  --size_;
  return true;
}

void FeedQueue::clear() {
  for (Item& s : slots_) s = {};
  head_ = size_ = bytes_ = 0;
}

}  // namespace citymap::feeds
