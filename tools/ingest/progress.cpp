#include "ingest/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace citymap::ingest {

std::string humanBytes(uint64_t bytes) {
  char buf[32];
  if (bytes >= 10 * 1024 * 1024)
    std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1048576.0);
  else if (bytes >= 10 * 1024)
    std::snprintf(buf, sizeof buf, "%.1f KB", bytes / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  return buf;
}

namespace {
using Clock = std::chrono::steady_clock;
constexpr int kBarWidth = 24;
}  // namespace

Progress::Progress(bool enabled, std::FILE* out)
    : Progress(!enabled                  ? Mode::Off
               : ::isatty(::fileno(out)) ? Mode::Bar
                                         : Mode::Lines,
               out) {}

Progress::Progress(Mode mode, std::FILE* out) : mode_(mode), out_(out) {}

Progress::~Progress() {
  std::lock_guard lock(mutex_);
  if (open_ && mode_ == Mode::Bar) clearLine();
}

void Progress::begin(std::string_view what) {
  std::lock_guard lock(mutex_);
  if (mode_ == Mode::Off) return;
  if (open_ && mode_ == Mode::Bar) clearLine();
  what_ = what;
  open_ = true;
  start_ = Clock::now();
  lastDraw_ = {};
  if (mode_ == Mode::Bar) draw(0, true);
}

void Progress::update(double fraction) {
  if (mode_ != Mode::Bar) return;
  std::lock_guard lock(mutex_);
  if (open_) draw(fraction, false);
}

void Progress::finish(std::string_view doneText, std::string_view detail) {
  std::lock_guard lock(mutex_);
  if (mode_ == Mode::Off || !open_) return;
  const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  if (mode_ == Mode::Bar) clearLine();
  std::fprintf(out_, "citymap-ingest: %.*s in %.2f s%s%.*s\n", int(doneText.size()), doneText.data(), seconds,
               detail.empty() ? "" : ": ", int(detail.size()), detail.data());
  std::fflush(out_);
  open_ = false;
}

void Progress::clear() {
  std::lock_guard lock(mutex_);
  if (open_ && mode_ == Mode::Bar) clearLine();
  open_ = false;
}

void Progress::draw(double fraction, bool force) {
  const auto now = Clock::now();
  if (!force && now - lastDraw_ < std::chrono::milliseconds(100)) return;
  lastDraw_ = now;
  fraction = std::clamp(fraction, 0.0, 1.0);
  const int filled = int(std::lround(fraction * kBarWidth));
  std::string bar(size_t(filled), '#');
  bar.append(size_t(kBarWidth - filled), '-');
  const double seconds = std::chrono::duration<double>(now - start_).count();
  std::string what = what_;
  if (what.size() > 48) what = "..." + what.substr(what.size() - 45);
  std::fprintf(out_, "\r\033[K%s  [%s] %3d%%  %.1f s", what.c_str(), bar.c_str(), int(fraction * 100), seconds);
  std::fflush(out_);
}

void Progress::clearLine() {
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
}

}  // namespace citymap::ingest
