#pragma once
// The desktop's style file (docs/MAP_STYLE.md): read at start and read again whenever its
// modification time changes (polled at most once a second), so a designer sees an edit at once.
// A broken edit keeps the previous style; the panel and stderr show file:line:column.
#include <chrono>
#include <filesystem>
#include <string>

#include "app/map_app.hpp"

namespace citymap::desktop {

class StyleWatcher {
 public:
  StyleWatcher(app::MapApp& app, std::string path) : app_(app), path_(std::move(path)) {}
  // Loads the file if it changed since the last load (or was never loaded). Returns true when a
  // new version was read (whether it parsed or not).
  bool poll();
  // poll(), but not more often than once a second.
  void tick();
  const std::string& path() const { return path_; }
  int loads() const { return loads_; }

 private:
  app::MapApp& app_;
  std::string path_;
  std::filesystem::file_time_type seen_{};
  bool seenAny_ = false;
  std::chrono::steady_clock::time_point lastPoll_{};
  int loads_ = 0;
};

}  // namespace citymap::desktop
