// libFuzzer target: the browser transport's batch framing ([u16 topic length][topic]
// [u32 payload length][payload]...), and every framed message through the store's queue.
#include <cstdint>
#include <span>

#include "feeds/feed_batch.hpp"
#include "feeds/feed_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citymap::feeds;
  FeedStore store;
  (void)checkFeedBatch({data, size});
  (void)forEachFramedMessage({data, size}, [&](const FramedMessage& m) { store.enqueue(m.topic, m.payload, 0); });
  store.drain(0);
  return 0;
}
