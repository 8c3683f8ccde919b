#include "desktop_style.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

namespace citymap::desktop {

bool StyleWatcher::poll() {
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(path_, ec);
  if (ec) {
    if (!seenAny_) std::fprintf(stderr, "citymap-desktop: style %s: %s\n", path_.c_str(), ec.message().c_str());
    seenAny_ = true;
    return false;
  }
  if (seenAny_ && mtime == seen_) return false;
  seen_ = mtime;
  seenAny_ = true;
  std::ifstream in(path_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    std::fprintf(stderr, "citymap-desktop: style %s: cannot read it\n", path_.c_str());
    return false;
  }
  ++loads_;
  if (auto ok = app_.setStyleText(text.str(), path_); ok && loads_ > 1)
    std::fprintf(stderr, "citymap-desktop: style %s reloaded\n", path_.c_str());
  return true;
}

void StyleWatcher::tick() {
  const auto now = std::chrono::steady_clock::now();
  if (now - lastPoll_ < std::chrono::seconds(1)) return;
  lastPoll_ = now;
  poll();
}

}  // namespace citymap::desktop
