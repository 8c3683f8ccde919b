#include "feeds/feed_summary.hpp"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>

namespace citymap::feeds {

std::string_view severityName(int s) {
  static constexpr std::string_view kNames[] = {"info", "minor", "moderate", "severe", "extreme"};
  return s >= 0 && s < int(std::size(kNames)) ? kNames[s] : "unknown";
}

std::string_view incidentKindName(int k) {
  static constexpr std::string_view kNames[] = {"flood", "storm", "landslide", "trafficJam", "accident", "roadClosure"};
  return k >= 0 && k < int(std::size(kNames)) ? kNames[k] : "unknown";
}

FeedSummary summarize(const FeedStore& store, double nowMs, const FeedSummary& previous) {
  FeedSummary next;
  next.connection = previous.connection;
  next.newestAgeMs = store.newestTimestampMs() > 0 ? std::max(0.0, nowMs - double(store.newestTimestampMs())) : -1;
  for (int k = 0; k < kFeedKindCount; ++k) next.entities[size_t(k)] = int(store.count(FeedKind(k)));
  const FeedCounters& c = store.counters();
  next.received = c.received;
  next.accepted = c.accepted;
  next.dropped = c.dropped();
  next.droppedMalformed = c.droppedMalformed;
  next.droppedUnknown = c.droppedUnknown;
  next.simulated = store.sawSimulated();
  for (const auto* a : store.alerts(int64_t(nowMs))) {
    AlertSummary s;
    s.id = a->value.incidentId;
    s.severity = int(a->value.severity);
    s.kind = int(a->value.kind);
    s.titleVi = a->value.titleVi;
    s.titleEn = a->value.titleEn;
    std::optional<LngLat> p = a->value.point;
    if (!p && !a->value.area.empty()) p = a->value.area.front();
    if (p) {
      s.hasPosition = true;
      s.lng = p->lng;
      s.lat = p->lat;
    }
    next.alerts.push_back(std::move(s));
  }
  // The age alone changing (every call) does not count as a new version.
  const bool changed = next.entities != previous.entities || next.received != previous.received ||
                       next.simulated != previous.simulated || next.alerts != previous.alerts ||
                       (next.newestAgeMs < 0) != (previous.newestAgeMs < 0);
  next.version = previous.version + (changed ? 1 : 0);
  return next;
}

namespace {

nlohmann::json orNull(bool has, double v) { return has ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

std::string toJson(const FeedSummary& f) {
  using json = nlohmann::json;
  json entities = json::object();
  for (int k = 0; k < kFeedKindCount; ++k) entities[std::string(kindName(FeedKind(k)))] = f.entities[size_t(k)];
  json alerts = json::array();
  for (const AlertSummary& a : f.alerts)
    alerts.push_back({{"id", a.id},  // feature ids stay below 2^53
                      {"severity", severityName(a.severity)},
                      {"kind", incidentKindName(a.kind)},
                      {"titleVi", a.titleVi},
                      {"titleEn", a.titleEn},
                      {"lng", orNull(a.hasPosition, a.lng)},
                      {"lat", orNull(a.hasPosition, a.lat)}});
  const json j = {{"version", f.version},
                  {"connection",
                   {{"state", connectionStateName(f.connection.state)},
                    {"url", f.connection.url},
                    {"detail", f.connection.detail},
                    {"attempt", f.connection.attempt},
                    {"retryInMs", f.connection.retryInMs}}},
                  {"newestAgeMs", f.newestAgeMs},
                  {"entities", std::move(entities)},
                  {"received", f.received},
                  {"accepted", f.accepted},
                  {"dropped", f.dropped},
                  {"droppedMalformed", f.droppedMalformed},
                  {"droppedUnknown", f.droppedUnknown},
                  {"simulated", f.simulated},
                  {"alerts", std::move(alerts)}};
  // Titles come from feed messages: never let a bad byte abort the dump (no exceptions in wasm).
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace citymap::feeds
