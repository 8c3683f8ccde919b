#pragma once
// Feed batches: how the browser's feed worker (web/feed_worker.js, web/feed_batch.js) hands the
// MQTT messages of ~50 ms to the core in one call (docs/FEEDS.md, "Browser"). A batch is the
// messages back to back, each framed as
//   [u16 topic length][topic bytes (UTF-8)][u32 payload length][payload bytes]
// with little-endian lengths, nothing before, between or after them. An empty payload is a
// retained clear (the entity goes). Pure functions: no I/O, no allocation while walking.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace citymap::feeds {

struct FramedMessage {
  std::string_view topic;
  std::span<const uint8_t> payload;
};

inline constexpr size_t kFrameHeaderBytes = 2 + 4;  // the two length fields of one message
inline constexpr size_t kMaxFramedTopicBytes = 0xffff;
inline constexpr uint64_t kMaxFramedPayloadBytes = 0xffffffffu;

// Checks that `batch` frames exactly: every length field lies inside the buffer, every topic
// and payload ends inside it, and the last message ends at its end. Returns the number of
// messages (0 for an empty batch), or an Error naming the message and offset where it breaks.
Result<size_t> checkFeedBatch(std::span<const uint8_t> batch);

// Checks the whole batch first (checkFeedBatch); only a batch that frames exactly is walked,
// calling `onMessage` for every message in order. A malformed batch delivers nothing: the
// Error is returned and no byte past the buffer's end is ever read. Views passed to
// `onMessage` point into `batch`.
Result<size_t> forEachFramedMessage(std::span<const uint8_t> batch,
                                    const std::function<void(const FramedMessage&)>& onMessage);

// Appends one framed message to `out` (the writer's side, for tests and native tools; the
// browser's writer is web/feed_batch.js). False, and `out` unchanged, if the topic or the
// payload is too long for its length field.
bool appendFramedMessage(std::vector<uint8_t>& out, std::string_view topic, std::span<const uint8_t> payload);

}  // namespace citymap::feeds
