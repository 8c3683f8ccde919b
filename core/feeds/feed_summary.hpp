#pragma once
// The live feeds' state in short: what the panel shows, what a host page mirrors
// (window.citymap.state.feed) and what tests and the desktop's log read. One type, built from
// the store in one place and serialised to JSON with nlohmann.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "feeds/connection.hpp"
#include "feeds/feed_store.hpp"
#include "feeds/feed_types.hpp"

namespace citymap::feeds {

// An active alert (the page's ARIA live region, tests).
struct AlertSummary {
  uint64_t id = 0;
  int severity = 0;  // feeds::Severity
  int kind = 0;      // feeds::IncidentKind
  std::string titleVi, titleEn;
  bool hasPosition = false;
  double lng = 0, lat = 0;
  friend bool operator==(const AlertSummary&, const AlertSummary&) = default;
};

// `version` changes whenever anything but the newest message's age does, so a host can skip
// unchanged summaries.
struct FeedSummary {
  ConnectionStatus connection;
  double newestAgeMs = -1;                     // age of the newest accepted message; -1: none yet
  std::array<int, kFeedKindCount> entities{};  // live entities per FeedKind
  uint64_t received = 0, accepted = 0, dropped = 0, droppedMalformed = 0, droppedUnknown = 0;
  bool simulated = false;            // some of the data shown is simulated
  std::vector<AlertSummary> alerts;  // most severe first
  uint64_t version = 0;
};

// The store's summary at `nowMs` (epoch ms), keeping `previous`'s connection and bumping its
// version when something changed.
FeedSummary summarize(const FeedStore& store, double nowMs, const FeedSummary& previous);

// The summary as a JSON object (web/app.js documents the fields): connection state, kinds,
// severities and incident kinds by name; alerts without a position have null lng/lat; text
// that is not valid UTF-8 is replaced, never an abort.
std::string toJson(const FeedSummary& summary);

std::string_view severityName(int severity);
std::string_view incidentKindName(int kind);

}  // namespace citymap::feeds
