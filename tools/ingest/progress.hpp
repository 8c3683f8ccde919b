#pragma once
// Progress on stderr for the long stages of a run. On a terminal: one line redrawn in place
// ("reading osm/x.osm  [#######-----]  58%  2.1 s"), at most ten times a second; otherwise
// (a log, a pipe, a CI job): one plain line per finished stage ("citymap-ingest: read
// osm/x.osm in 1.23 s"). Disabled: silent.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace citymap::ingest {

// A byte count for the summaries: "812 B", "15.5 KB", "12.4 MB".
std::string humanBytes(uint64_t bytes);

class Progress {
 public:
  enum class Mode { Off, Bar, Lines };
  // Bar when `out` is a terminal, else Lines; Off when !enabled.
  explicit Progress(bool enabled, std::FILE* out = stderr);
  Progress(Mode mode, std::FILE* out);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  Mode mode() const { return mode_; }

  // Starts a stage (finishing the previous one silently if it is still open).
  void begin(std::string_view what);
  // The share of the stage done (0..1). Thread-safe; redraws at most every 100 ms.
  void update(double fraction);
  // Ends the stage: "<done text> in 1.23 s" (+ detail), e.g. finish("read x.osm", "3,046 features").
  void finish(std::string_view doneText, std::string_view detail = {});
  // Drops the open stage without a line (before an error message).
  void clear();

 private:
  void draw(double fraction, bool force);
  void clearLine();

  Mode mode_;
  std::FILE* out_;
  std::mutex mutex_;
  std::string what_;
  bool open_ = false;
  std::chrono::steady_clock::time_point start_, lastDraw_;
};

}  // namespace citymap::ingest
