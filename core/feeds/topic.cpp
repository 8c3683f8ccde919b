#include "feeds/topic.hpp"

#include <charconv>

namespace citymap::feeds {

bool validCitySlug(std::string_view city) {
  if (city.empty() || city.size() > 32) return false;
  for (char c : city)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

std::string feedTopic(std::string_view city, FeedKind kind, uint64_t entityId) {
  std::string t(kTopicRoot);
  t += '/';
  t += city;
  t += '/';
  t += kindName(kind);
  t += '/';
  t += std::to_string(entityId);
  return t;
}

std::string feedBatchTopic(std::string_view city, FeedKind kind) {
  std::string t(kTopicRoot);
  t += '/';
  t += city;
  t += '/';
  t += kindName(kind);
  t += '/';
  t += kBatchTopicLeaf;
  return t;
}

std::optional<FeedBatchTopic> parseFeedBatchTopic(std::string_view topic) {
  if (topic.size() <= kTopicRoot.size() + 1 || topic.substr(0, kTopicRoot.size()) != kTopicRoot ||
      topic[kTopicRoot.size()] != '/')
    return std::nullopt;
  const std::string_view rest = topic.substr(kTopicRoot.size() + 1);
  const size_t a = rest.find('/');
  if (a == std::string_view::npos) return std::nullopt;
  const size_t b = rest.find('/', a + 1);
  if (b == std::string_view::npos || rest.substr(b + 1) != kBatchTopicLeaf) return std::nullopt;
  const std::string_view city = rest.substr(0, a);
  if (!validCitySlug(city)) return std::nullopt;
  const auto k = kindFromName(rest.substr(a + 1, b - a - 1));
  if (!k) return std::nullopt;
  return FeedBatchTopic{std::string(city), *k};
}

std::string feedSubscription(std::string_view city) { return std::string(kTopicRoot) + "/" + std::string(city) + "/#"; }

std::string historyTopic(std::string_view city, int64_t windowStartMs) {
  return std::string(kTopicRoot) + "/" + std::string(city) + "-history/" + std::to_string(windowStartMs);
}

std::string historySubscription(std::string_view city) {
  return std::string(kTopicRoot) + "/" + std::string(city) + "-history/#";
}

std::optional<HistoryPart> parseHistoryTopic(std::string_view topic) {
  constexpr std::string_view kSuffix = "-history/";
  if (topic.size() <= kTopicRoot.size() + 1 || topic.substr(0, kTopicRoot.size()) != kTopicRoot ||
      topic[kTopicRoot.size()] != '/')
    return std::nullopt;
  const std::string_view rest = topic.substr(kTopicRoot.size() + 1);
  const size_t at = rest.find(kSuffix);
  if (at == std::string_view::npos || !validCitySlug(rest.substr(0, at))) return std::nullopt;
  const std::string_view tail = rest.substr(at + kSuffix.size());
  const size_t slash = tail.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto number = [](std::string_view d, size_t maxDigits) -> std::optional<int64_t> {
    if (d.empty() || d.size() > maxDigits) return std::nullopt;
    int64_t v = 0;
    for (char c : d) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  const auto start = number(tail.substr(0, slash), 15);
  const auto part = number(tail.substr(slash + 1), 6);
  if (!start || !part) return std::nullopt;
  return HistoryPart{*start, uint32_t(*part)};
}

std::optional<FeedTopic> parseFeedTopic(std::string_view topic) {
  if (topic.size() <= kTopicRoot.size() + 1 || topic.substr(0, kTopicRoot.size()) != kTopicRoot ||
      topic[kTopicRoot.size()] != '/')
    return std::nullopt;
  std::string_view rest = topic.substr(kTopicRoot.size() + 1);
  const size_t a = rest.find('/');
  if (a == std::string_view::npos) return std::nullopt;
  const size_t b = rest.find('/', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  const std::string_view city = rest.substr(0, a);
  const std::string_view kind = rest.substr(a + 1, b - a - 1);
  const std::string_view id = rest.substr(b + 1);
  if (!validCitySlug(city)) return std::nullopt;
  const auto k = kindFromName(kind);
  if (!k) return std::nullopt;
  // Plain decimal digits only: no sign, no leading zeros, nothing after them.
  if (id.empty() || id.size() > 20 || (id.size() > 1 && id[0] == '0')) return std::nullopt;
  for (char c : id)
    if (c < '0' || c > '9') return std::nullopt;
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc() || end != id.data() + id.size() || value == 0) return std::nullopt;
  return FeedTopic{std::string(city), *k, value};
}

}  // namespace citymap::feeds
