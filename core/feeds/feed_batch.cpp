#include "feeds/feed_batch.hpp"

#include <string>

namespace citymap::feeds {

namespace {

uint16_t readU16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }

uint32_t readU32(const uint8_t* p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}

// The message at `offset` (which is < batch.size()); `next` is where the following one starts.
// Every comparison is against the bytes left, so no sum can overflow.
Result<FramedMessage> frameAt(std::span<const uint8_t> batch, size_t offset, size_t index, size_t& next) {
  const auto fail = [&](const char* what) {
    return Error{"feed batch of " + std::to_string(batch.size()) + " bytes: message " + std::to_string(index) +
                 " at offset " + std::to_string(offset) + ": " + what};
  };
  size_t left = batch.size() - offset;
  const uint8_t* p = batch.data() + offset;
  if (left < 2) return fail("truncated topic length");
  const size_t topicLen = readU16(p);
  p += 2;
  left -= 2;
  if (left < topicLen) return fail("topic runs past the end");
  const std::string_view topic(reinterpret_cast<const char*>(p), topicLen);
  p += topicLen;
  left -= topicLen;
  if (left < 4) return fail("truncated payload length");
  const size_t payloadLen = readU32(p);
  p += 4;
  left -= 4;
  if (left < payloadLen) return fail("payload runs past the end");
  next = offset + kFrameHeaderBytes + topicLen + payloadLen;
  return FramedMessage{topic, std::span<const uint8_t>(p, payloadLen)};
}

}  // namespace

Result<size_t> checkFeedBatch(std::span<const uint8_t> batch) {
  size_t count = 0;
  for (size_t offset = 0; offset < batch.size(); ++count) {
    size_t next = 0;
    auto m = frameAt(batch, offset, count, next);
    if (!m) return Error{m.error()};
    offset = next;
  }
  return count;
}

Result<size_t> forEachFramedMessage(std::span<const uint8_t> batch,
                                    const std::function<void(const FramedMessage&)>& onMessage) {
  auto checked = checkFeedBatch(batch);
  if (!checked) return checked;
  size_t count = 0;
  for (size_t offset = 0; offset < batch.size(); ++count) {
    size_t next = 0;
    auto m = frameAt(batch, offset, count, next);
    if (!m) return Error{m.error()};  // not reached: the batch was checked
    onMessage(*m);
    offset = next;
  }
  return count;
}

bool appendFramedMessage(std::vector<uint8_t>& out, std::string_view topic, std::span<const uint8_t> payload) {
  if (topic.size() > kMaxFramedTopicBytes || uint64_t(payload.size()) > kMaxFramedPayloadBytes) return false;
  const size_t t = topic.size();
  const size_t n = payload.size();
  out.reserve(out.size() + kFrameHeaderBytes + t + n);
  out.push_back(uint8_t(t));
  out.push_back(uint8_t(t >> 8));
  out.insert(out.end(), topic.begin(), topic.end());
  for (int shift = 0; shift < 32; shift += 8) out.push_back(uint8_t(uint64_t(n) >> shift));
  out.insert(out.end(), payload.begin(), payload.end());
  return true;
}

}  // namespace citymap::feeds
