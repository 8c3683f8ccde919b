#pragma once
// Verified decoding of feed messages. decodeFeedMessage() runs the FlatBuffers Verifier on the
// bytes and then the semantic checks of feed.fbs (known enum values, finite coordinates in
// range, required fields, non-negative counts, expiry after start, storm track times
// increasing, bounded sizes, UTF-8 text),
// so a corrupt, truncated, hostile or too new message becomes an Error and is never used.
#include <cstddef>
#include <cstdint>
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

}  // namespace citymap::feeds
