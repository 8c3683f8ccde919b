#pragma once
// Encoding of feed messages (publishers: the simulator, tests). The output always passes
// decodeFeedMessage() when the message's values are valid; the writer itself does not check.
#include <cstdint>
#include <span>
#include <vector>

#include "feeds/feed_types.hpp"

namespace citymap::feeds {

std::vector<uint8_t> encodeFeedMessage(const FeedMessage& message);

// A batch (feed.fbs "Batch", identifier "CMB1") of encoded messages (encodeFeedMessage's
// output), in order, each 8-byte aligned inside it. The caller keeps it within
// kMaxFeedMessageBytes and kMaxFeedBatchUpdates; `version` is for tests of newer batches.
std::vector<uint8_t> encodeFeedBatch(std::span<const std::span<const uint8_t>> messages,
                                     uint16_t version = kFeedFormatVersion);

}  // namespace citymap::feeds
