#include "feeds/feed_history.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>

#include "feeds/bus_motion.hpp"
#include "feeds/feed_reader.hpp"
#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"

namespace citymap::feeds {

namespace {

constexpr size_t kAllocOverhead = 16;  // per heap allocation (glibc malloc, emscripten's dlmalloc)
constexpr int64_t kMaxWindowMs = 10 * 24 * 3'600'000LL;
constexpr int64_t kLagLimit = int64_t(1) << 27;  // a traffic record's timestamp offset, signed 28 bits
constexpr int32_t kRemovedState = 15;            // the state nibble of a removal
constexpr std::string_view kReplayCity = "replay";

template <typename V>
size_t heapBytes(const V& v) {
  return v.capacity() ? v.capacity() * sizeof(typename V::value_type) + kAllocOverhead : 0;
}

// push_back growing by a sixteenth (not doubling), so that the slack stays small: thinning
// leaves every segment's records at their exact size, and most then grow again.
template <typename V, typename T>
void append(V& v, T&& x) {
  if (v.size() == v.capacity()) v.reserve(v.size() + v.size() / 16 + 4);
  v.push_back(std::forward<T>(x));
}

template <typename V>
void shrink(V& v) {
  if (v.capacity() > v.size() + v.size() / 16) V(v.begin(), v.end()).swap(v);
}

uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

int64_t floorTo(int64_t t, int64_t step) {
  const int64_t q = t / step;
  return (q * step > t ? q - 1 : q) * step;
}

// An open-addressing map from entity id to line (12 bytes a slot instead of ~48 a node).
class IdIndex {
 public:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  const uint32_t* find(uint64_t id) const {
    if (vals_.empty()) return nullptr;
    for (size_t i = slot(id);; i = (i + 1) & (vals_.size() - 1)) {
      if (vals_[i] == kEmpty) return nullptr;
      if (keys_[i] == id) return &vals_[i];
    }
  }
  // The line of `id`, inserting `value` if it has none; second: inserted.
  std::pair<uint32_t, bool> insert(uint64_t id, uint32_t value) {
    if ((size_ + 1) * 10 > vals_.size() * 7) grow();
    size_t i = slot(id);
    for (; vals_[i] != kEmpty; i = (i + 1) & (vals_.size() - 1))
      if (keys_[i] == id) return {vals_[i], false};
    keys_[i] = id;
    vals_[i] = value;
    ++size_;
    return {value, true};
  }
  template <typename Lines>
  void rebuild(const Lines& lines) {
    keys_.clear();
    vals_.clear();
    size_ = 0;
    keys_.shrink_to_fit();
    vals_.shrink_to_fit();
    for (size_t i = 0; i < lines.size(); ++i) insert(lines[i].id, uint32_t(i));
  }
  size_t bytes() const { return heapBytes(keys_) + heapBytes(vals_); }

 private:
  size_t slot(uint64_t id) const {
    uint64_t h = id * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    return size_t(h) & (vals_.size() - 1);
  }
  void grow() {
    std::vector<uint64_t> keys = std::move(keys_);
    std::vector<uint32_t> vals = std::move(vals_);
    const size_t n = std::max<size_t>(16, vals.size() * 2);
    keys_.assign(n, 0);
    vals_.assign(n, kEmpty);
    size_ = 0;
    for (size_t i = 0; i < vals.size(); ++i)
      if (vals[i] != kEmpty) insert(keys[i], vals[i]);
  }
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> vals_;
  size_t size_ = 0;
};

// ---- traffic: fixed 16-byte records -------------------------------------------------------

struct TrafficRec {
  uint32_t t = 0;     // store clock - line.tBase
  float speed = 0;    // km/h, as received
  uint32_t seq = 0;   // sequence - run.seqBase
  int32_t state = 0;  // (lag - run.lagBase) * 16 + congestion (kRemovedState: a removal)
};
static_assert(sizeof(TrafficRec) == 16);

// What rarely changes along a segment's records, from record `from` on.
struct TrafficRun {
  uint32_t from = UINT32_MAX;  // UINT32_MAX: none (a line's first run only)
  uint32_t source = 0;         // index in Impl::sources
  float freeFlow = 0;
  bool simulated = false;
  uint8_t congestion = 0xff;  // 0xff: in the records; else this value (outside the nibble's range)
  uint64_t seqBase = 0;
  int64_t lagBase = 0;  // lag = timestamp - store clock (wrapping arithmetic)
};

struct TrafficLine {
  uint64_t id = 0;
  int64_t tBase = 0;
  std::vector<TrafficRec> recs;
  TrafficRun first;              // the first run (most segments have only one)
  std::vector<TrafficRun> runs;  // the later ones
  size_t heap() const { return heapBytes(recs) + heapBytes(runs); }
  int64_t time(size_t i) const { return tBase + int64_t(recs[i].t); }
  bool gone(size_t i) const { return (recs[i].state & 15) == kRemovedState; }
  // 1 + the index of the last record at or before tMs (0: none).
  size_t upTo(int64_t tMs) const {
    if (tMs < tBase) return 0;
    if (tMs - tBase > int64_t(UINT32_MAX)) return recs.size();
    const auto rel = uint32_t(tMs - tBase);
    return size_t(
        std::upper_bound(recs.begin(), recs.end(), rel, [](uint32_t v, const TrafficRec& r) { return v < r.t; }) -
        recs.begin());
  }
  const TrafficRun& runOf(size_t i) const {
    if (runs.empty() || i < runs.front().from) return first;
    const auto it =
        std::upper_bound(runs.begin(), runs.end(), i, [](size_t v, const TrafficRun& r) { return v < r.from; });
    return *(it - 1);
  }
  const TrafficRun* lastRun() const {
    return !runs.empty() ? &runs.back() : first.from != UINT32_MAX ? &first : nullptr;
  }
  std::vector<TrafficRun> allRuns() const {
    std::vector<TrafficRun> all;
    if (first.from != UINT32_MAX) all.push_back(first);
    all.insert(all.end(), runs.begin(), runs.end());
    return all;
  }
  void setRuns(const std::vector<TrafficRun>& all) {
    first = all.empty() ? TrafficRun{} : all.front();
    runs.assign(all.begin() + (all.empty() ? 0 : 1), all.end());
    shrink(runs);
  }
};

// ---- every other kind: encoded messages, most as the difference to the one before ---------

enum : uint32_t {
  kGone = 1,     // the entity is absent after it (a removal, a cancelled incident)
  kRemoval = 2,  // a cleared retained topic (no message)
  kChained = 4,  // the live store kept the report before for interpolation (buses)
  kSpilled = 8,  // the message itself, in `spill` (its encoding does not give it back exactly)
  kDelta = 16,   // the bytes that differ from the record before's encoding (same size)
};
constexpr size_t kMaxDeltaChain = 16;  // a full encoding at least every this many records

struct GenericRec {
  int64_t t = 0;        // store clock
  uint32_t offset = 0;  // of its bytes in `bytes` (kSpilled: index in `spill`)
  uint32_t packed = 0;  // stored byte count << 8 | flags
  uint32_t size() const { return packed >> 8; }
  uint32_t flags() const { return packed & 0xff; }
};
static_assert(sizeof(GenericRec) == 16);

void putVarint(std::vector<uint8_t>& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(uint8_t(v | 0x80));
    v >>= 7;
  }
  out.push_back(uint8_t(v));
}

uint32_t getVarint(const uint8_t*& p) {
  uint32_t v = 0;
  for (int shift = 0;; shift += 7) {
    const uint8_t b = *p++;
    v |= uint32_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
}

// The bytes of `now` that differ from `before` (same size): [skip, length, bytes]..., runs
// closer than 4 bytes merged.
std::vector<uint8_t> delta(std::span<const uint8_t> before, std::span<const uint8_t> now) {
  std::vector<uint8_t> out;
  size_t i = 0, done = 0;
  while (i < now.size()) {
    if (before[i] == now[i]) {
      ++i;
      continue;
    }
    size_t end = i + 1, same = 0;
    for (size_t j = end; j < now.size() && same < 4; ++j) {
      if (before[j] == now[j]) {
        ++same;
      } else {
        same = 0;
        end = j + 1;
      }
    }
    putVarint(out, uint32_t(i - done));
    putVarint(out, uint32_t(end - i));
    out.insert(out.end(), now.begin() + ptrdiff_t(i), now.begin() + ptrdiff_t(end));
    done = i = end;
  }
  return out;
}

void applyDelta(std::vector<uint8_t>& bytes, std::span<const uint8_t> d) {
  const uint8_t* p = d.data();
  const uint8_t* end = d.data() + d.size();
  size_t at = 0;
  while (p < end) {
    at += getVarint(p);
    const uint32_t n = getVarint(p);
    std::memcpy(bytes.data() + at, p, n);
    p += n;
    at += n;
  }
}

struct GenericLine {
  uint64_t id = 0;
  std::vector<GenericRec> recs;
  std::vector<uint8_t> bytes;      // encodings and deltas, back to back
  std::vector<FeedMessage> spill;  // messages whose encoding does not give them back exactly
  size_t spillBytes = 0;
  size_t heap() const { return heapBytes(recs) + heapBytes(bytes) + heapBytes(spill) + spillBytes; }
  int64_t time(size_t i) const { return recs[i].t; }
  bool gone(size_t i) const { return (recs[i].flags() & kGone) != 0; }
  size_t upTo(int64_t tMs) const {
    return size_t(
        std::upper_bound(recs.begin(), recs.end(), tMs, [](int64_t v, const GenericRec& r) { return v < r.t; }) -
        recs.begin());
  }
  std::span<const uint8_t> stored(size_t i) const { return {bytes.data() + recs[i].offset, recs[i].size()}; }
  // The encoding of record i (empty for removals and spilled messages).
  std::vector<uint8_t> encoding(size_t i) const {
    const uint32_t f = recs[i].flags();
    if (f & (kRemoval | kSpilled)) return {};
    size_t k = i;
    while (recs[k].flags() & kDelta) --k;
    const auto full = stored(k);
    std::vector<uint8_t> out(full.begin(), full.end());
    for (size_t j = k + 1; j <= i; ++j) applyDelta(out, stored(j));
    return out;
  }
  std::optional<FeedMessage> message(size_t i) const {
    const uint32_t f = recs[i].flags();
    if (f & kRemoval) return std::nullopt;
    if (f & kSpilled) return spill[recs[i].offset];
    auto m = decodeFeedMessage(encoding(i));
    if (!m) return std::nullopt;
    return std::move(*m);
  }
  // Records since the last full encoding.
  size_t chain(size_t i) const {
    size_t n = 0;
    while (recs[i].flags() & kDelta) --i, ++n;
    return n;
  }
};

size_t spillEstimate(const FeedMessage& m) {
  return m.source.capacity() + encodeFeedMessage(m).size() + 4 * kAllocOverhead;
}

// ---- per kind -----------------------------------------------------------------------------

template <typename T>
struct KindLog {
  using Value = T;
  using Line = std::conditional_t<std::is_same_v<T, TrafficUpdate>, TrafficLine, GenericLine>;
  IdIndex index;  // entity id -> line
  std::vector<Line> lines;
  size_t containerBytes() const { return heapBytes(lines) + index.bytes(); }
};

template <typename V>
struct LogsOf;
template <typename... Ts>
struct LogsOf<std::variant<Ts...>> {
  using type = std::tuple<KindLog<Ts>...>;
};
using Logs = LogsOf<FeedPayload>::type;
constexpr size_t kKinds = std::tuple_size_v<Logs>;
static_assert(kKinds == size_t(kFeedKindCount), "one log per payload alternative");

// f(log, kind) for every kind.
template <typename Tuple, typename F>
void forEachLog(Tuple& logs, F&& f) {
  [&]<size_t... I>(std::index_sequence<I...>) { (f(std::get<I>(logs), FeedKind(I)), ...); }
  (std::make_index_sequence<kKinds>{});
}

// f(log) for one kind.
template <typename Tuple, typename F>
void withLog(Tuple& logs, FeedKind kind, F&& f) {
  [&]<size_t... I>(std::index_sequence<I...>) { ((size_t(kind) == I ? void(f(std::get<I>(logs))) : void()), ...); }
  (std::make_index_sequence<kKinds>{});
}

FeedStoreConfig replayConfig(const FeedStoreConfig& live) {
  FeedStoreConfig c = live;
  c.queueCapacity = 1;  // nothing is queued in a replayed store
  c.queueMaxBytes = kMaxFeedMessageBytes;
  return c;
}

}  // namespace

struct FeedHistory::Impl {
  FeedHistoryConfig config;
  Logs logs;
  std::vector<std::string> sources;  // traffic sources
  uint32_t lastSource = 0;
  bool any = false;
  int64_t start = 0;          // the window's start
  int64_t newest = 0;         // the newest change's store time
  std::vector<int64_t> cuts;  // per thinning resolution: traffic before it is at least that coarse
  size_t recordBytes = 0;     // the lines' heap bytes
  size_t recordCount = 0;
  uint64_t generation = 1;

  explicit Impl(FeedHistoryConfig c) : config(std::move(c)) {
    config.maxWindowMs = std::clamp<int64_t>(config.maxWindowMs, 1000, kMaxWindowMs);
    config.exactTrafficMs = std::max<int64_t>(config.exactTrafficMs, 0);
    auto& r = config.trafficResolutionsMs;
    std::erase_if(r, [](int64_t v) { return v <= 0; });
    for (size_t i = 1; i < r.size(); ++i)  // ascending multiples of the one before
      r[i] = std::max(r[i - 1], (r[i] + r[i - 1] - 1) / r[i - 1] * r[i - 1]);
    cuts.assign(r.size(), 0);
  }

  size_t bytes() const {
    size_t b =
        sizeof(Impl) + recordBytes + heapBytes(sources) + heapBytes(cuts) + heapBytes(config.trafficResolutionsMs);
    for (const std::string& s : sources) b += s.capacity() > 15 ? s.capacity() + 1 + kAllocOverhead : 0;
    forEachLog(logs, [&](const auto& log, FeedKind) { b += log.containerBytes(); });
    return b;
  }

  uint32_t intern(const std::string& source) {
    if (lastSource < sources.size() && sources[lastSource] == source) return lastSource;
    const auto it = std::find(sources.begin(), sources.end(), source);
    lastSource = uint32_t(it - sources.begin());
    if (it == sources.end()) sources.push_back(source);
    return lastSource;
  }

  int64_t hideMs(FeedKind kind) const { return config.store.staleness[size_t(kind)].hideMs; }

  // ---- recording ------------------------------------------------------------------------

  void appendTraffic(TrafficLine& line, const FeedMessage* m, int64_t now) {
    if (line.recs.empty()) line.tBase = now;
    if (now - line.tBase > int64_t(UINT32_MAX)) rebaseTraffic(line, now);
    TrafficRec r;
    r.t = uint32_t(now - line.tBase);
    r.state = kRemovedState;
    if (m) {
      const auto& v = std::get<TrafficUpdate>(m->payload);
      const uint32_t source = intern(m->source);
      const uint64_t lag = uint64_t(m->timestampMs) - uint64_t(now);
      const auto congestion = uint8_t(v.congestion);
      const uint8_t runCongestion = congestion < kRemovedState ? 0xff : congestion;
      const TrafficRun* run = line.lastRun();
      const auto offset = [&](const TrafficRun& rn) { return int64_t(lag - uint64_t(rn.lagBase)); };
      const bool fits = run && run->source == source && run->simulated == m->simulated &&
                        floatBits(run->freeFlow) == floatBits(v.freeFlowKmh) && run->congestion == runCongestion &&
                        m->sequence >= run->seqBase && m->sequence - run->seqBase <= UINT32_MAX &&
                        offset(*run) >= -kLagLimit && offset(*run) < kLagLimit;
      if (!fits) {
        const TrafficRun next{
            uint32_t(line.recs.size()), source, v.freeFlowKmh, m->simulated, runCongestion, m->sequence, int64_t(lag)};
        if (!run) {
          line.first = next;
          run = &line.first;
        } else {
          append(line.runs, next);
          run = &line.runs.back();
        }
      }
      r.speed = v.speedKmh;
      r.seq = uint32_t(m->sequence - run->seqBase);
      r.state = int32_t(offset(*run) * 16 + (runCongestion == 0xff ? congestion : 0));
    }
    append(line.recs, r);
  }

  // A segment whose oldest kept record is 49 days old: forget what is older than 24 days.
  void rebaseTraffic(TrafficLine& line, int64_t now) {
    const int64_t keepFrom = now - (int64_t(1) << 31);
    size_t first = 0;
    while (first < line.recs.size() && line.time(first) < keepFrom) ++first;
    erasePrefix(line, first);
    recordCount -= first;
    if (line.recs.empty()) {
      line.setRuns({});
      line.tBase = now;
      return;
    }
    const int64_t newBase = line.time(0);
    for (TrafficRec& r : line.recs) r.t = uint32_t(line.tBase + int64_t(r.t) - newBase);
    line.tBase = newBase;
    ++generation;
  }

  template <typename T>
  void appendGeneric(GenericLine& line, uint64_t id, const FeedMessage* m, int64_t now, const FeedStore* live) {
    GenericRec r;
    r.t = now;
    uint32_t flags = 0;
    if (!m) {
      r.packed = kGone | kRemoval;
      append(line.recs, r);
      return;
    }
    if constexpr (std::is_same_v<T, Incident>)
      if (std::get<Incident>(m->payload).cancelled) flags |= kGone;
    if constexpr (std::is_same_v<T, BusReport>)
      if (busChained(line, id, *m, now, live)) flags |= kChained;
    const std::vector<uint8_t> encoded = encodeFeedMessage(*m);
    const auto back = decodeFeedMessage(encoded);
    if (!back || !(*back == *m) || encoded.size() >= (size_t(1) << 24)) {
      flags |= kSpilled;
      r.offset = uint32_t(line.spill.size());
      r.packed = flags;
      append(line.spill, *m);
      line.spillBytes += spillEstimate(*m);
      append(line.recs, r);
      return;
    }
    std::vector<uint8_t> stored;
    const size_t last = line.recs.size() - 1;
    if (!line.recs.empty() && !(line.recs[last].flags() & (kRemoval | kSpilled)) &&
        line.chain(last) + 1 < kMaxDeltaChain) {
      const std::vector<uint8_t> before = line.encoding(last);
      if (before.size() == encoded.size()) {
        stored = delta(before, encoded);
        flags |= kDelta;
      }
    }
    if (!(flags & kDelta) || stored.size() >= encoded.size()) {
      stored = encoded;
      flags &= ~uint32_t(kDelta);
    }
    r.offset = uint32_t(line.bytes.size());
    r.packed = uint32_t(stored.size()) << 8 | flags;
    if (line.bytes.size() + stored.size() > line.bytes.capacity())
      line.bytes.reserve(line.bytes.size() + std::max(stored.size(), line.bytes.size() / 4 + 64));
    line.bytes.insert(line.bytes.end(), stored.begin(), stored.end());
    append(line.recs, r);
  }

  // Whether the live store kept this bus's previous report for interpolation (read from the
  // live store when given, else by its rule with pruning at the hide age).
  bool busChained(const GenericLine& line, uint64_t id, const FeedMessage& m, int64_t now,
                  const FeedStore* live) const {
    if (line.recs.empty() || line.gone(line.recs.size() - 1)) return false;
    const auto prev = line.message(line.recs.size() - 1);
    if (!prev) return false;
    const auto* before = std::get_if<BusReport>(&prev->payload);
    const auto& report = std::get<BusReport>(m.payload);
    if (!before) return false;
    if (live) {
      const auto it = live->buses().find(id);
      return it != live->buses().end() && it->second.previous &&
             it->second.previous->timestampMs == prev->timestampMs && it->second.previous->position == before->position;
    }
    const int64_t hide = hideMs(FeedKind::Bus);
    if (hide > 0 && now - prev->timestampMs > hide) return false;  // pruned in between
    return before->tripId == report.tripId &&
           plausibleMove({before->position, prev->timestampMs}, {report.position, m.timestampMs}, config.store.bus);
  }

  void record(FeedKind kind, uint64_t id, const FeedMessage* m, int64_t now, const FeedStore* live) {
    if (m) {
      kind = m->kind();
      id = m->entityId();
    }
    if (size_t(kind) >= kKinds) return;
    if (!any) {
      any = true;
      start = newest = now;
      std::fill(cuts.begin(), cuts.end(), now);
    }
    now = std::max(now, newest);
    newest = now;
    withLog(logs, kind, [&](auto& log) {
      using Log = std::decay_t<decltype(log)>;
      const auto [index, added] = log.index.insert(id, uint32_t(log.lines.size()));
      if (added) {
        append(log.lines, typename Log::Line{});
        log.lines.back().id = id;
      }
      auto& line = log.lines[index];
      const size_t before = line.heap();
      if constexpr (std::is_same_v<typename Log::Line, TrafficLine>)
        appendTraffic(line, m, now);
      else
        appendGeneric<typename Log::Value>(line, id, m, now, live);
      recordBytes = recordBytes + line.heap() - before;
    });
    ++recordCount;
    enforce();
  }

  // ---- the budget -------------------------------------------------------------------------

  void enforce() {
    if (newest - start > config.maxWindowMs) dropBefore(newest - config.maxWindowMs);
    if (bytes() <= config.budgetBytes) return;
    // 1. Thin the traffic, each resolution in turn, oldest first, to 7/8 of the budget (the
    //    newly aged part of the exact traffic goes first: it is where the most can be saved).
    const size_t thinTarget = config.budgetBytes - config.budgetBytes / 8;
    const auto& res = config.trafficResolutionsMs;
    for (size_t s = 0; s < res.size() && bytes() > thinTarget; ++s) {
      const int64_t w = res[s];
      const int64_t upper = floorTo(s == 0 ? newest - config.exactTrafficMs : cuts[s - 1], w);
      while (bytes() > thinTarget && cuts[s] < upper) {
        const int64_t from = floorTo(cuts[s], w);
        const int64_t step = std::max(w, (upper - from) / 8 / w * w);
        const int64_t to = std::min(upper, from + step);
        thinTraffic(from, to, w);
        cuts[s] = to;
      }
    }
    // 2. Drop the oldest part, in small steps, only as far as needed.
    const size_t dropTarget = config.budgetBytes - config.budgetBytes / 32;
    for (size_t b = bytes(); b > dropTarget && start < newest; b = bytes()) {
      // As much of the window as there are bytes too many (the oldest part is the thinnest,
      // so this rarely takes more than two passes), at least 1/64 of it.
      const auto window = double(newest - start);
      const auto step = int64_t(window * double(b - dropTarget + config.budgetBytes / 64) / double(b));
      dropBefore(std::min(newest, start + std::max<int64_t>({step, (newest - start) / 64, 1000})));
    }
  }

  // Keeps, of the traffic records in [from, to) (whole buckets of `width`), only the last
  // message of each bucket of each segment (and every removal, and a segment's first record).
  void thinTraffic(int64_t from, int64_t to, int64_t width) {
    auto& log = std::get<KindLog<TrafficUpdate>>(logs);
    bool changed = false;
    for (TrafficLine& line : log.lines) {
      if (line.recs.size() < 2) continue;
      const size_t lo = std::max<size_t>(line.upTo(from - 1), 1), hi = line.upTo(to - 1);
      if (hi < lo + 1) continue;
      const size_t before = line.heap();
      // Runs that start after `lo` need the new indices (rare: most segments have one run).
      const bool remap = !line.runs.empty() || (line.first.from != UINT32_MAX && line.first.from > lo);
      std::vector<uint32_t> newIndex;  // kept records before each old index
      size_t out = lo;
      bool dropped = false;
      for (size_t i = lo; i < hi; ++i) {
        const bool keep = !(i + 1 < hi && !line.gone(i) && !line.gone(i + 1) &&
                            floorTo(line.time(i), width) == floorTo(line.time(i + 1), width));
        if (!keep && !dropped) {
          dropped = true;
          if (remap) {
            newIndex.resize(line.recs.size() + 1);
            for (size_t k = 0; k <= i; ++k) newIndex[k] = uint32_t(k);
          }
        }
        if (dropped && remap) newIndex[i + 1] = uint32_t(out + (keep ? 1 : 0));
        if (keep) line.recs[out++] = line.recs[i];
      }
      if (!dropped) continue;
      for (size_t i = hi; i < line.recs.size(); ++i) {
        if (remap) newIndex[i + 1] = uint32_t(out + 1);
        line.recs[out++] = line.recs[i];
      }
      recordCount -= line.recs.size() - out;
      line.recs.resize(out);
      remapRuns(line, [&](uint32_t f) { return f == UINT32_MAX ? f : f <= lo ? f : newIndex[f]; });
      shrink(line.recs);
      recordBytes = recordBytes + line.heap() - before;
      changed = true;
    }
    if (changed) ++generation;
  }

  // After records were removed: a run now starts at map(old start); runs left without records
  // go, and of several that now start at the same record the last applies.
  template <typename Map>
  static void remapRuns(TrafficLine& line, Map&& map) {
    if (line.runs.empty()) {  // most segments: one run, no allocation
      if (line.first.from != UINT32_MAX) line.first.from = map(line.first.from);
      if (line.first.from >= line.recs.size()) line.first = TrafficRun{};
      return;
    }
    std::vector<TrafficRun> all = line.allRuns();
    std::vector<TrafficRun> kept;
    for (size_t i = 0; i < all.size(); ++i) {
      TrafficRun r = all[i];
      r.from = map(r.from);
      const uint32_t end = i + 1 < all.size() ? map(all[i + 1].from) : uint32_t(line.recs.size());
      if (r.from >= end) continue;
      kept.push_back(r);
    }
    line.setRuns(kept);
  }

  void erasePrefix(TrafficLine& line, size_t first) {
    if (first == 0) return;
    line.recs.erase(line.recs.begin(), line.recs.begin() + ptrdiff_t(first));
    remapRuns(line, [&](uint32_t f) { return f < first ? 0u : uint32_t(f - first); });
    shrink(line.recs);
  }

  // Drops the records before `first`; the first kept one becomes a full encoding.
  void erasePrefix(GenericLine& line, size_t first) {
    if (first == 0) return;
    GenericLine kept;
    kept.id = line.id;
    kept.recs.reserve(line.recs.size() - first);
    for (size_t i = first; i < line.recs.size(); ++i) {
      GenericRec r = line.recs[i];
      const uint32_t f = r.flags();
      if (f & kSpilled) {
        r.offset = uint32_t(kept.spill.size());
        kept.spill.push_back(line.spill[line.recs[i].offset]);
        kept.spillBytes += spillEstimate(kept.spill.back());
      } else if (!(f & kRemoval)) {
        r.offset = uint32_t(kept.bytes.size());
        if (i == first && (f & kDelta)) {
          const std::vector<uint8_t> full = line.encoding(i);
          kept.bytes.insert(kept.bytes.end(), full.begin(), full.end());
          r.packed = uint32_t(full.size()) << 8 | (f & ~uint32_t(kDelta));
        } else {
          const auto b = line.stored(i);
          kept.bytes.insert(kept.bytes.end(), b.begin(), b.end());
        }
      }
      kept.recs.push_back(r);
    }
    shrink(kept.bytes);
    line = std::move(kept);
  }

  // Whether record i of a line still shows at time t (not removed, hidden or expired).
  template <typename Log>
  bool visibleAt(const typename Log::Line& line, size_t i, FeedKind kind, int64_t t) const {
    if (line.gone(i)) return false;
    int64_t timestampMs = 0;
    if constexpr (std::is_same_v<typename Log::Line, TrafficLine>) {
      const TrafficRun& run = line.runOf(i);
      const uint64_t lag = uint64_t(run.lagBase) + uint64_t(int64_t(line.recs[i].state >> 4));
      timestampMs = int64_t(uint64_t(line.time(i)) + lag);
    } else {
      const auto m = line.message(i);
      if (!m) return false;
      if constexpr (std::is_same_v<typename Log::Value, Incident>)
        if (std::get<Incident>(m->payload).expiryMs <= t) return false;
      timestampMs = m->timestampMs;
    }
    const int64_t hide = hideMs(kind);
    return !(hide > 0 && t - timestampMs > hide);
  }

  // The window starts at `cut`: each entity keeps its last change at or before it (when it
  // still shows then; a bus also the report before, when chained) and everything after.
  void dropBefore(int64_t cut) {
    if (cut <= start) return;
    forEachLog(logs, [&](auto& log, FeedKind kind) {
      using Log = std::decay_t<decltype(log)>;
      bool removedLines = false;
      for (size_t li = 0; li < log.lines.size();) {
        auto& line = log.lines[li];
        const size_t n = line.upTo(cut);
        size_t first = n;  // everything before `first` goes
        if (n > 0 && visibleAt<Log>(line, n - 1, kind, cut)) {
          first = n - 1;
          if constexpr (std::is_same_v<typename Log::Line, GenericLine>)
            if ((line.recs[first].flags() & kChained) && first > 0) --first;
        }
        if (first > 0) {
          const size_t before = line.heap();
          erasePrefix(line, first);
          recordBytes = recordBytes + line.heap() - before;
          recordCount -= first;
        }
        if (line.recs.empty()) {
          recordBytes -= line.heap();
          if (li + 1 != log.lines.size()) line = std::move(log.lines.back());
          log.lines.pop_back();
          removedLines = true;
          continue;
        }
        ++li;
      }
      if (removedLines) {
        shrink(log.lines);
        log.index.rebuild(log.lines);
      }
    });
    start = cut;
    for (int64_t& c : cuts) c = std::max(c, cut);
    ++generation;
  }

  void clear() {
    forEachLog(logs, [](auto& log, FeedKind) { log = {}; });
    sources.clear();
    lastSource = 0;
    any = false;
    start = newest = 0;
    std::fill(cuts.begin(), cuts.end(), 0);
    recordBytes = recordCount = 0;
    ++generation;
  }

  // ---- replay -----------------------------------------------------------------------------

  FeedMessage trafficMessage(const TrafficLine& line, size_t i) const {
    const TrafficRec& r = line.recs[i];
    const TrafficRun& run = line.runOf(i);
    const int64_t now = line.time(i);
    const uint64_t lag = uint64_t(run.lagBase) + uint64_t(int64_t(r.state >> 4));
    FeedMessage m;
    m.source = sources[run.source];
    m.sequence = run.seqBase + r.seq;
    m.timestampMs = int64_t(uint64_t(now) + lag);
    m.simulated = run.simulated;
    m.payload = TrafficUpdate{line.id, r.speed, run.freeFlow,
                              Congestion(run.congestion == 0xff ? uint8_t(r.state & 15) : run.congestion)};
    return m;
  }

  template <typename Line>
  std::optional<FeedMessage> messageOf(const Line& line, size_t i) const {
    if constexpr (std::is_same_v<Line, TrafficLine>) {
      if (line.gone(i)) return std::nullopt;
      return trafficMessage(line, i);
    } else {
      return line.message(i);
    }
  }
};

namespace {

// 1 + the index of a line's last record at or before tMs, searched outwards from `hint` (an
// earlier answer, or the end): a few cache misses per entity when T moved little.
template <typename Line>
size_t upToNear(const Line& line, int64_t tMs, size_t hint) {
  const size_t n = line.recs.size();
  hint = std::min(hint, n);
  size_t lo = 0, hi = n;  // the answer is in [lo, hi]
  if (hint > 0 && line.time(hint - 1) > tMs) {
    hi = hint - 1;
    for (size_t step = 1;; step *= 2) {
      if (hi < step) break;
      const size_t probe = hi - step;
      if (line.time(probe) <= tMs) {
        lo = probe + 1;
        break;
      }
      hi = probe;
    }
  } else {
    lo = hint;
    for (size_t step = 1;; step *= 2) {
      const size_t probe = lo + step - 1;
      if (probe >= n) break;
      if (line.time(probe) > tMs) {
        hi = probe;
        break;
      }
      lo = probe + 1;
    }
  }
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (line.time(mid) <= tMs)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

struct ReplayStats {
  size_t applied = 0;
  size_t mismatches = 0;
};

bool applyExpect(FeedStore& store, const std::optional<FeedMessage>& m, int64_t now, IngestStatus expected,
                 ReplayStats& st) {
  ++st.applied;
  if (!m) {
    ++st.mismatches;
    return false;
  }
  const bool ok = store.apply(*m, now) == expected;
  if (!ok) ++st.mismatches;
  return ok;
}

bool removeFrom(FeedStore& store, FeedKind kind, uint64_t id, int64_t now, ReplayStats& st) {
  ++st.applied;
  return store.ingest(feedTopic(kReplayCity, kind, id), {}, now) == IngestStatus::Removed;
}

// The state of one entity at tMs into a store that does not hold it. Returns 1 + the record
// applied (0: none).
template <typename Log>
void rebuildLine(const FeedHistory::Impl& h, const typename Log::Line& line, size_t n, FeedStore& store,
                 ReplayStats& st) {
  if (n == 0) return;
  const size_t i = n - 1;
  if (line.gone(i)) return;
  if constexpr (std::is_same_v<typename Log::Line, GenericLine>)
    if ((line.recs[i].flags() & kChained) && i > 0)
      applyExpect(store, line.message(i - 1), line.time(i - 1), IngestStatus::Accepted, st);
  applyExpect(store, h.messageOf(line, i), line.time(i), IngestStatus::Accepted, st);
}

// Every entity's state at tMs. `cursors` receive the records applied; if `hints`, they hold
// the answers of an earlier seek on the same records, where the search starts. (All searches
// first, then the applies: the searches' cache misses overlap.)
template <typename Log>
void rebuildLog(const FeedHistory::Impl& h, const Log& log, int64_t tMs, FeedStore& store,
                std::vector<uint32_t>& cursors, bool hints, ReplayStats& st) {
  if (!hints || cursors.size() != log.lines.size()) {
    cursors.resize(log.lines.size());
    for (size_t li = 0; li < log.lines.size(); ++li) cursors[li] = uint32_t(log.lines[li].recs.size());
  }
  for (size_t li = 0; li < log.lines.size(); ++li) cursors[li] = uint32_t(upToNear(log.lines[li], tMs, cursors[li]));
  for (size_t li = 0; li < log.lines.size(); ++li) rebuildLine<Log>(h, log.lines[li], cursors[li], store, st);
}

// Moves one entity forward from the record applied (cursor) to its last record at or before
// tMs. False if the replayed store did not take it as the live store did.
template <typename Log>
bool forwardLine(const FeedHistory::Impl& h, const typename Log::Line& line, FeedKind kind, uint32_t& cursor,
                 int64_t tMs, FeedStore& store, ReplayStats& st) {
  if (cursor >= line.recs.size() || line.time(cursor) > tMs) return true;  // nothing new (most)
  const size_t n = upToNear(line, tMs, cursor);
  const size_t i = n - 1;
  cursor = uint32_t(n);
  const int64_t t = line.time(i);
  if constexpr (std::is_same_v<typename Log::Line, TrafficLine>) {
    if (line.gone(i)) return removeFrom(store, kind, line.id, t, st);
    return applyExpect(store, h.trafficMessage(line, i), t, IngestStatus::Accepted, st);
  } else {
    const GenericRec& r = line.recs[i];
    if (r.flags() & kRemoval) return removeFrom(store, kind, line.id, t, st);
    if (r.flags() & kGone) return applyExpect(store, line.message(i), t, IngestStatus::Removed, st);
    if constexpr (std::is_same_v<typename Log::Value, BusReport>) {
      // The interpolation state: the report before when the live store kept it, else none.
      const bool chained = (r.flags() & kChained) && i > 0;
      const auto present = [&] { return store.buses().count(line.id) > 0; };
      bool ok = true;
      if (chained) {
        const auto prev = line.message(i - 1);
        const auto it = store.buses().find(line.id);
        const bool holdsPrev = prev && it != store.buses().end() && it->second.meta.sequence == prev->sequence &&
                               it->second.meta.timestampMs == prev->timestampMs &&
                               it->second.meta.source == prev->source;
        if (!holdsPrev) {
          if (present()) ok = removeFrom(store, kind, line.id, line.time(i - 1), st) && ok;
          ok = applyExpect(store, prev, line.time(i - 1), IngestStatus::Accepted, st) && ok;
        }
      } else if (present()) {
        ok = removeFrom(store, kind, line.id, t, st) && ok;
      }
      ok = applyExpect(store, line.message(i), t, IngestStatus::Accepted, st) && ok;
      const auto it = store.buses().find(line.id);
      if (it == store.buses().end() || it->second.previous.has_value() != chained) {
        ++st.mismatches;
        ok = false;
      }
      return ok;
    } else {
      return applyExpect(store, line.message(i), t, IngestStatus::Accepted, st);
    }
  }
}

}  // namespace

// ---- FeedHistory --------------------------------------------------------------------------

FeedHistory::FeedHistory(FeedHistoryConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
FeedHistory::~FeedHistory() = default;

const FeedHistoryConfig& FeedHistory::config() const { return impl_->config; }

void FeedHistory::attach(FeedStore& live) {
  impl_->config.store = live.config();
  live.setChangeListener([this, &live](FeedKind kind, uint64_t id, const FeedMessage* m, int64_t nowMs) {
    record(kind, id, m, nowMs, &live);
  });
}

void FeedHistory::detach(FeedStore& live) { live.setChangeListener(nullptr); }

void FeedHistory::record(FeedKind kind, uint64_t id, const FeedMessage* message, int64_t nowMs, const FeedStore* live) {
  impl_->record(kind, id, message, nowMs, live);
}

void FeedHistory::clear() { impl_->clear(); }
bool FeedHistory::empty() const { return !impl_->any; }
int64_t FeedHistory::oldestMs() const { return impl_->start; }
int64_t FeedHistory::newestMs() const { return impl_->newest; }

int64_t FeedHistory::thinnedBeforeMs() const {
  return impl_->cuts.empty() ? impl_->start : std::max(impl_->cuts.front(), impl_->start);
}

int64_t FeedHistory::trafficResolutionMs(int64_t tMs) const {
  const auto& res = impl_->config.trafficResolutionsMs;
  for (size_t s = res.size(); s-- > 0;)
    if (tMs < impl_->cuts[s] && impl_->cuts[s] > impl_->start) return res[s];
  return 0;
}

size_t FeedHistory::bytes() const { return impl_->bytes(); }
size_t FeedHistory::records() const { return impl_->recordCount; }

size_t FeedHistory::entities() const {
  size_t n = 0;
  forEachLog(impl_->logs, [&](const auto& log, FeedKind) { n += log.lines.size(); });
  return n;
}

uint64_t FeedHistory::generation() const { return impl_->generation; }

void FeedHistory::replayInto(FeedStore& out, int64_t tMs) const {
  out = FeedStore(replayConfig(impl_->config.store));
  ReplayStats st;
  std::vector<uint32_t> cursors;
  forEachLog(impl_->logs, [&](const auto& log, FeedKind) { rebuildLog(*impl_, log, tMs, out, cursors, false, st); });
  out.prune(tMs);
}

// ---- FeedReplayer -------------------------------------------------------------------------

FeedReplayer::FeedReplayer(const FeedHistory& history)
    : history_(history), store_(replayConfig(history.config().store)), cursors_(kKinds) {}
FeedReplayer::~FeedReplayer() = default;

void FeedReplayer::rebuild(int64_t tMs) {
  const FeedHistory::Impl& h = *history_.impl_;
  store_ = FeedStore(replayConfig(h.config.store));
  ReplayStats st;
  const bool hints = valid_ && generation_ == h.generation;  // the last seek's positions still hold
  forEachLog(h.logs, [&](const auto& log, FeedKind kind) {
    rebuildLog(h, log, tMs, store_, cursors_[size_t(kind)], hints, st);
  });
  store_.prune(tMs);
  stats_.rebuilt = true;
  stats_.applied += st.applied;
  stats_.mismatches += st.mismatches;
  generation_ = h.generation;
  timeMs_ = tMs;
  valid_ = true;
}

const FeedStore& FeedReplayer::seek(int64_t tMs) {
  stats_ = {};
  const FeedHistory::Impl& h = *history_.impl_;
  if (!valid_ || generation_ != h.generation || tMs < timeMs_) {
    rebuild(tMs);
    return store_;
  }
  ReplayStats st;
  bool ok = true;
  forEachLog(h.logs, [&](const auto& log, FeedKind kind) {
    using Log = std::decay_t<decltype(log)>;
    std::vector<uint32_t>& cur = cursors_[size_t(kind)];
    cur.resize(log.lines.size(), 0);  // entities new since the last seek
    for (size_t li = 0; li < log.lines.size() && ok; ++li)
      ok = forwardLine<Log>(h, log.lines[li], kind, cur[li], tMs, store_, st);
  });
  stats_.applied = st.applied;
  stats_.mismatches = st.mismatches;
  if (!ok) {
    rebuild(tMs);  // the store took a change otherwise than the live one (see mismatches)
    return store_;
  }
  store_.prune(tMs);
  timeMs_ = tMs;
  return store_;
}

}  // namespace citymap::feeds
