#pragma once
// Encoding of feed messages (publishers: the simulator, tests). The output always passes
// decodeFeedMessage() when the message's values are valid; the writer itself does not check.
#include <cstdint>
#include <vector>

#include "feeds/feed_types.hpp"

namespace citymap::feeds {

std::vector<uint8_t> encodeFeedMessage(const FeedMessage& message);

}  // namespace citymap::feeds
