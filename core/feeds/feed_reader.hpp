#pragma once
// Verified decoding of feed messages. decodeFeedMessage() runs the FlatBuffers Verifier on the
// bytes and then the semantic checks of feed.fbs (known enum values, finite coordinates in
// range, required fields, non-negative counts, expiry after start, storm track times
// increasing, bounded sizes, UTF-8 text),
// so a corrupt, truncated, hostile or too new message becomes an Error and is never used.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

#include "base/result.hpp"
#include "feeds/feed_types.hpp"

namespace citymap::feeds {

// Larger payloads are refused without being looked at.
inline constexpr size_t kMaxFeedMessageBytes = 64 * 1024;

// Why a message was refused: Malformed (corrupt, truncated, inconsistent) or Unknown (well
// formed but from a newer schema: unknown version, payload type or enum value).
enum class DropReason : uint8_t { Malformed, Unknown };

// On failure *reason (if given) says which of the two it was.
Result<FeedMessage> decodeFeedMessage(std::span<const uint8_t> bytes, DropReason* reason = nullptr);

// True if the buffer starts like a feed message (size and file identifier "CMF1").
bool looksLikeFeedMessage(std::span<const uint8_t> bytes);

// --- batches (feed.fbs "Batch", file identifier "CMB1"; docs/FEEDS.md, "Batches") ------------
// Many complete feed messages in one MQTT payload, at most kMaxFeedMessageBytes in all.
inline constexpr size_t kMaxFeedBatchUpdates = 2048;

// True if the buffer starts like a feed batch (size and file identifier "CMB1").
bool looksLikeFeedBatch(std::span<const uint8_t> bytes);

// Verifies the batch (size, identifier, the FlatBuffers Verifier, version, 1..2048 updates,
// each with a non-empty message) and only then calls `onMessage(index, bytes)` for every
// update's message bytes, in order. The views are valid during the call only; they are not
// decoded here (decodeFeedMessage verifies each on its own). A refused batch delivers nothing:
// the Error says why and *reason (if given) whether it was Malformed or Unknown (a newer batch
// version or identifier "CMB2"...). Returns the number of updates.
Result<size_t> forEachFeedBatchMessage(std::span<const uint8_t> bytes,
                                       const std::function<void(size_t index, std::span<const uint8_t>)>& onMessage,
                                       DropReason* reason = nullptr);

}  // namespace citymap::feeds
