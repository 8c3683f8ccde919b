#pragma once
// The state of a feed connection as the UI shows it, and the reconnect policy every transport
// follows. Transports live outside the core (the browser's in web/, mqtt.js; the desktop's in
// core/platform/mqtt, libmosquitto); they report here and hand payloads to the app through
// MapApp::feedMessage(). Nothing here is specific to one broker.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace citymap::feeds {

enum class ConnectionState : uint8_t {
  Off = 0,           // no feed configured
  Connecting = 1,    // first attempt in progress
  Connected = 2,     // subscribed, messages flowing
  Reconnecting = 3,  // lost (or never reached); retrying after a backoff delay
};
std::string_view connectionStateName(ConnectionState s);  // "off", "connecting", ...

struct ConnectionStatus {
  ConnectionState state = ConnectionState::Off;
  std::string url;       // the broker, e.g. ws://127.0.0.1:9001/
  std::string detail;    // last error or reason, for the UI ("connection refused")
  int attempt = 0;       // reconnect attempts since the last successful connection
  double retryInMs = 0;  // Reconnecting: delay before the next attempt
  friend bool operator==(const ConnectionStatus&, const ConnectionStatus&) = default;
};

// Exponential backoff with jitter: attempt n (1-based) waits a uniformly random time in
// [initial/2, min(max, initial * 2^(n-1))]. The browser transport (web/feed.js) uses the same
// constants.
struct Backoff {
  double initialMs = 500;
  double maxMs = 30'000;
  // `unit` in [0, 1): the random draw (passed in, so tests and callers choose the source).
  double delayMs(int attempt, double unit) const {
    double cap = initialMs;
    for (int i = 1; i < attempt && cap < maxMs; ++i) cap *= 2;
    cap = std::min(cap, maxMs);
    const double low = initialMs / 2;
    return low + (std::max(cap, low) - low) * std::clamp(unit, 0.0, 1.0);
  }
};

}  // namespace citymap::feeds
