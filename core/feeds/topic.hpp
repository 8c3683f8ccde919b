#pragma once
// The MQTT topic tree of the live feeds (docs/FEEDS.md):
//   citymap/v1/<city>/<kind>/<entity id>
// <city> is a lower-case slug ("danang"), <kind> one of kindName() ("traffic", "camera",
// "sensor", "incident", "bus", "shelter", "storm"), <entity id> the payload's id in decimal. Every
// message is retained, so a new subscriber gets each entity's current state at once; an empty
// retained message removes the entity.
// Batches of one kind (feed.fbs "Batch": a publisher's high-rate stream, not retained) go on
//   citymap/v1/<city>/<kind>/batch
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "feeds/feed_types.hpp"

namespace citymap::feeds {

inline constexpr std::string_view kTopicRoot = "citymap/v1";

struct FeedTopic {
  std::string city;
  FeedKind kind = FeedKind::Traffic;
  uint64_t entityId = 0;
};

std::string feedTopic(std::string_view city, FeedKind kind, uint64_t entityId);
// What a client subscribes to: every kind of one city ("citymap/v1/danang/#").
std::string feedSubscription(std::string_view city);
// nullopt unless the topic has exactly the shape above, a known kind and a non-zero id.
std::optional<FeedTopic> parseFeedTopic(std::string_view topic);
// Batches (docs/FEEDS.md, "Batches"): "citymap/v1/<city>/<kind>/batch".
inline constexpr std::string_view kBatchTopicLeaf = "batch";
struct FeedBatchTopic {
  std::string city;
  FeedKind kind = FeedKind::Traffic;
};
std::string feedBatchTopic(std::string_view city, FeedKind kind);
// nullopt unless the topic has exactly that shape with a valid city and a known kind.
std::optional<FeedBatchTopic> parseFeedBatchTopic(std::string_view topic);
// A city slug: 1..32 characters of [a-z0-9-].
bool validCitySlug(std::string_view city);

// History chunks for the time slider (docs/FEEDS.md, "History topics"), outside the city's live
// subtree so that only a client that asks for them gets them:
//   citymap/v1/<city>-history/<window start, epoch ms>/<part>
// Each is retained; its payload is a framed batch (feed_batch.hpp) of the window's messages.
// historyTopic gives the window's prefix (without "/<part>").
std::string historyTopic(std::string_view city, int64_t windowStartMs);
std::string historySubscription(std::string_view city);
struct HistoryPart {
  int64_t windowStartMs = 0;
  uint32_t part = 0;
};
// The window start and part of a history topic (of any city), nullopt for anything else.
std::optional<HistoryPart> parseHistoryTopic(std::string_view topic);

}  // namespace citymap::feeds
