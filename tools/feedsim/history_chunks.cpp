#include "history_chunks.hpp"

#include <algorithm>

#include "feeds/feed_batch.hpp"
#include "feeds/topic.hpp"

namespace citymap::feedsim {

HistoryChunker::HistoryChunker(std::string city, int64_t windowMs, int64_t keepMs)
    : city_(std::move(city)), windowMs_(std::max<int64_t>(1000, windowMs)), keepMs_(keepMs) {}

void HistoryChunker::add(const std::string& topic, const std::vector<uint8_t>& payload, int64_t tsMs) {
  if (payload.empty()) return;
  const int64_t start = tsMs - ((tsMs % windowMs_) + windowMs_) % windowMs_;
  Window& w = windows_[start];
  auto& slot = w.newest[topic];
  if (slot.second.empty() || tsMs >= slot.first) slot = {tsMs, payload};
  w.dirty = true;
}

std::vector<Outgoing> HistoryChunker::take(int64_t nowMs, bool includeOpen) {
  std::vector<Outgoing> out;
  const int64_t openStart = nowMs - ((nowMs % windowMs_) + windowMs_) % windowMs_;
  for (auto it = windows_.begin(); it != windows_.end();) {
    const int64_t start = it->first;
    Window& w = it->second;
    const bool closed = start < openStart;
    if (w.dirty && (closed || includeOpen) && start + windowMs_ > nowMs - keepMs_) {
      // The window's messages in time order, framed.
      std::vector<std::pair<int64_t, const std::pair<const std::string, std::pair<int64_t, std::vector<uint8_t>>>*>>
          order;
      for (const auto& e : w.newest) order.push_back({e.second.first, &e});
      std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      const std::string base = feeds::historyTopic(city_, start) + "/";
      size_t parts = 0;
      Outgoing o;
      for (const auto& [ts, e] : order) {
        const size_t size = feeds::kFrameHeaderBytes + e->first.size() + e->second.second.size();
        if (!o.payload.empty() && o.payload.size() + size > kMaxPartBytes) {
          o.topic = base + std::to_string(parts++);
          out.push_back(std::move(o));
          o = Outgoing{};
        }
        feeds::appendFramedMessage(o.payload, e->first, e->second.second);
      }
      if (!o.payload.empty()) {
        o.topic = base + std::to_string(parts++);
        out.push_back(std::move(o));
      }
      // Fewer parts than last time (the open window republished): clear the rest.
      for (size_t p = parts; p < live_[start]; ++p) out.push_back({base + std::to_string(p), {}, std::nullopt, 0});
      live_[start] = std::max(live_[start], parts);
      w.dirty = false;
    }
    // A closed window is done once published (it never changes again).
    if (closed && !w.dirty)
      it = windows_.erase(it);
    else
      ++it;
  }
  for (auto& [start, parts] : live_)
    if (parts && start + windowMs_ <= nowMs - keepMs_) {
      for (size_t p = 0; p < parts; ++p)
        out.push_back({feeds::historyTopic(city_, start) + "/" + std::to_string(p), {}, std::nullopt, 0});
      parts = 0;
    }
  return out;
}

std::vector<std::string> HistoryChunker::published() const {
  std::vector<std::string> out;
  for (const auto& [start, parts] : live_)
    for (size_t p = 0; p < parts; ++p) out.push_back(feeds::historyTopic(city_, start) + "/" + std::to_string(p));
  return out;
}

}  // namespace citymap::feedsim
