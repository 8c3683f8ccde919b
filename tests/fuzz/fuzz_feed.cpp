// libFuzzer target: the feed reader (FlatBuffers verifier and semantic checks of every kind),
// then the store: a message it accepts is applied, with a topic derived from the input and
// without, and the state is read the way the map and the panels read it. The same bytes as a
// publishers' batch (feed.fbs "Batch", CMB1; the seeds have one): verified, each message
// decoded, and through the store on a batch topic of every kind.
#include <cstdint>
#include <span>
#include <string>

#include "feeds/feed_reader.hpp"
#include "feeds/feed_store.hpp"
#include "feeds/topic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citymap::feeds;
  const std::span<const uint8_t> bytes(data, size);
  (void)looksLikeFeedMessage(bytes);
  auto m = decodeFeedMessage(bytes);
  FeedStore store;
  const int64_t now = m ? m->timestampMs + 1000 : 0;
  store.ingest("", bytes, now);
  if (m) {
    store.ingest(feedTopic("fuzz", m->kind(), m->entityId()), bytes, now + 1);
    store.ingest(feedTopic("fuzz", m->kind(), m->entityId()), {}, now + 2);  // cleared retained topic
    store.ingest("", bytes, now + 3);
  }
  (void)looksLikeFeedBatch(bytes);
  (void)forEachFeedBatchMessage(bytes,
                                [](size_t, std::span<const uint8_t> message) { (void)decodeFeedMessage(message); });
  for (int k = 0; k < kFeedKindCount; ++k) store.ingest(feedBatchTopic("fuzz", FeedKind(k)), bytes, now + 4);
  (void)store.alerts(now);
  for (const auto& [id, bus] : store.buses()) (void)store.busPose(id, now);
  store.prune(now + 24LL * 3600 * 1000);
  return 0;
}
