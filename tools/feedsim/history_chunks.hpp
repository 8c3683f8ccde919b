#pragma once
// History chunks for the client's time slider (docs/FEEDS.md, "History topics"): the messages
// of each window of wall time (their timestamps), the newest per topic, framed in time order
// (feeds/feed_batch.hpp) and published retained as citymap/v1/<city>-history/<window start>/<part>
// (parts of at most kMaxPartBytes: the broker's packet limit is 70,000 bytes).
// A client that opens the slider subscribes to them and can replay the hours before it started.
// The open window is republished as it fills (so the newest minutes are there too); windows
// older than the kept span are cleared (an empty retained message).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "feedsim/simulator.hpp"

namespace citymap::feedsim {

class HistoryChunker {
 public:
  static constexpr size_t kMaxPartBytes = 60'000;

  HistoryChunker(std::string city, int64_t windowMs, int64_t keepMs);

  // A message stamped tsMs (wall time). Clears (empty payloads) are not kept: entities end in
  // the history by their own messages (a cancelled incident).
  void add(const std::string& topic, const std::vector<uint8_t>& payload, int64_t tsMs);

  // Chunks to publish now: every closed window not yet published, and the open one when
  // `includeOpen`; then clears of windows older than the kept span before nowMs.
  std::vector<Outgoing> take(int64_t nowMs, bool includeOpen);

  // Every chunk topic published so far and not cleared (to clear them at the end of a run).
  std::vector<std::string> published() const;

  int64_t windowMs() const { return windowMs_; }

 private:
  struct Window {
    std::map<std::string, std::pair<int64_t, std::vector<uint8_t>>> newest;  // topic -> (ts, payload)
    bool dirty = false;
  };
  std::string city_;
  int64_t windowMs_, keepMs_;
  std::map<int64_t, Window> windows_;  // by start
  std::map<int64_t, size_t> live_;     // published windows: parts still retained
};

}  // namespace citymap::feedsim
