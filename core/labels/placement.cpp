#include "labels/placement.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>

namespace citymap::labels {

namespace {

using Placement = style::LabelClass::Placement;
using tess::Vec2;

constexpr size_t kRepeatBuckets = 256;
constexpr float kPi = std::numbers::pi_v<float>;

uint64_t hashText(std::string_view s) { return std::hash<std::string_view>()(s); }

bool insideView(const Box& b, float w, float h) { return b.x0 >= 0 && b.y0 >= 0 && b.x1 <= w && b.y1 <= h; }

// Walks `length` tile units from `from` (on segment [seg, seg + 1]) towards the start (dir -1) or
// the end (dir +1) of `line`; appends the vertices passed to `path`. False if the line ends first.
bool walk(std::span<const Vec2> line, uint32_t seg, Vec2 from, float length, int dir, Vec2& end,
          std::vector<Vec2>& path) {
  Vec2 cur = from;
  int64_t next = dir < 0 ? int64_t(seg) : int64_t(seg) + 1;
  while (next >= 0 && next < int64_t(line.size())) {
    const Vec2 p = line[size_t(next)];
    const float d = std::hypot(p.x - cur.x, p.y - cur.y);
    if (d >= length) {
      const float t = d > 0 ? length / d : 0;
      end = {cur.x + (p.x - cur.x) * t, cur.y + (p.y - cur.y) * t};
      return true;
    }
    length -= d;
    cur = p;
    path.push_back(p);
    next += dir;
  }
  return false;
}

}  // namespace

void Labeler::clear() {
  shown_.clear();
  out_.clear();
  lastMs_ = -1;
  fading_ = false;
  stats_ = {};
}

bool Labeler::repeated(uint64_t textHash, float x, float y, float distance) const {
  if (distance <= 0 || repeats_.empty()) return false;
  const float d2 = distance * distance;
  for (const RepeatEntry& e : repeats_[textHash % kRepeatBuckets])
    if (e.textHash == textHash && (e.x - x) * (e.x - x) + (e.y - y) * (e.y - y) < d2) return true;
  return false;
}

void Labeler::addRepeat(uint64_t textHash, float x, float y) {
  repeats_[textHash % kRepeatBuckets].push_back({textHash, x, y});
}

bool Labeler::tryPlace(const Ref& ref, const TileLabels& tile, const style::LabelClass& cls, const ClassInfo& info,
                       float viewW, float viewH, PlacedLabel& out, int8_t& variant) {
  const LabelCandidate& c = tile.candidates[ref.candidate];
  const std::string_view text = tile.textOf(c, english_);
  const float width = textWidth(*info.font, text, info.scale);
  if (width <= 0) return false;
  const float pad = kPadding;
  const float halfH = cls.size / 2 + pad, halfW = width / 2 + pad;
  const uint64_t textHash = hashText(text);
  const uint64_t featureKey = mixKey(c.featureId, c.labelClass);
  if (c.placement != Placement::Line &&
      std::find(features_.begin(), features_.end(), featureKey) != features_.end())
    return false;  // the same feature from another tile
  if (repeated(textHash, ref.x, ref.y, cls.repeatDistance)) return false;

  out.text = text;
  out.labelClass = c.labelClass;
  out.width = width;
  out.key = c.key;
  out.angle = 0;
  boxes_.clear();

  if (c.placement == Placement::Point) {
    const float r = info.offset;
    // Right, left, below, above; the side it was shown on last frame first (no jumping about).
    const Vec2 centres[] = {{ref.x + r + halfW - pad, ref.y}, {ref.x - r - halfW + pad, ref.y},
                            {ref.x, ref.y + r + halfH - pad}, {ref.x, ref.y - r - halfH + pad}};
    const int8_t first = ref.variant >= 0 && ref.variant < 4 ? ref.variant : 0;
    bool found = false;
    for (int k = 0; k < 4 && !found; ++k) {
      const int8_t v = k == 0 ? first : int8_t(k <= first ? k - 1 : k);
      const Vec2 m = centres[v];
      const Box b{m.x - halfW, m.y - halfH, m.x + halfW, m.y + halfH};
      if (!insideView(b, viewW, viewH) || grid_.hits(b) || markers_.hits(b, ref.priority)) continue;
      out.x = m.x, out.y = m.y;
      boxes_.push_back(b);
      variant = v;
      found = true;
    }
    if (!found) return false;
    const float marker = std::max(0.f, r - 3);  // the marker itself stays clear of other labels
    boxes_.push_back({ref.x - marker, ref.y - marker, ref.x + marker, ref.y + marker});
  } else if (c.placement == Placement::Area) {
    if (ref.rankPx < std::max(cls.size, width / 4)) return false;  // the area is too small here
    const Box b{ref.x - halfW, ref.y - halfH, ref.x + halfW, ref.y + halfH};
    if (!insideView(b, viewW, viewH) || grid_.hits(b)) return false;
    out.x = ref.x, out.y = ref.y;
    boxes_.push_back(b);
  } else {
    // Along the line: the text's ends at +-half its width from the anchor, measured on the line.
    if (c.line + c.lineLength > tile.points.size() || c.segment + 1 >= c.lineLength) return false;
    const std::span<const Vec2> line(tile.points.data() + c.line, c.lineLength);
    const float half = (width / 2 + pad) / ref.unit;
    Vec2 a, b;
    path_.clear();
    if (!walk(line, c.segment, c.anchor, half, -1, a, path_)) return false;
    if (!walk(line, c.segment, c.anchor, half, +1, b, path_)) return false;
    // Straight enough: every vertex under the text within a few pixels of the chord.
    const float cx = b.x - a.x, cy = b.y - a.y, chord = std::hypot(cx, cy);
    if (chord < half * 2 * 0.9f) return false;
    const float maxDev = std::max(1.5f, cls.size * 0.22f) / ref.unit;
    for (const Vec2& p : path_)
      if (std::abs((p.x - a.x) * cy - (p.y - a.y) * cx) / chord > maxDev) return false;
    // On screen the chord turns with the bearing (tile directions to screen directions).
    float angle = std::atan2(-cx * rotSin_ + cy * rotCos_, cx * rotCos_ + cy * rotSin_);
    if (angle >= kPi / 2) angle -= kPi;
    if (angle < -kPi / 2) angle += kPi;
    const float ux = std::cos(angle), uy = std::sin(angle);
    const float mx = ((a.x + b.x) / 2 - c.anchor.x) * ref.unit, my = ((a.y + b.y) / 2 - c.anchor.y) * ref.unit;
    const geo::ScreenPoint mid{ref.x + mx * rotCos_ + my * rotSin_, ref.y - mx * rotSin_ + my * rotCos_};
    out.x = float(mid.x), out.y = float(mid.y);
    out.angle = angle;
    // Squares of the text's height, half a side apart along it, cover the rotated text (and
    // its padding) at any angle.
    const float side = cls.size + 2 * pad, run = std::max(0.f, width + 2 * pad - side);
    const int n = 1 + int(std::ceil(run / (side / 2)));
    const float step = n > 1 ? run / float(n - 1) : 0;
    for (int i = 0; i < n; ++i) {
      const float t = -run / 2 + step * float(i);
      const float x = out.x + ux * t, y = out.y + uy * t;
      const Box box{x - side / 2, y - side / 2, x + side / 2, y + side / 2};
      if (!insideView(box, viewW, viewH) || grid_.hits(box)) return false;
      boxes_.push_back(box);
    }
  }
  for (const Box& b : boxes_) grid_.insert(b);
  if (c.placement != Placement::Line) features_.push_back(featureKey);
  if (cls.repeatDistance > 0) addRepeat(textHash, ref.x, ref.y);  // anchors, as repeated() compares
  return true;
}

const std::vector<PlacedLabel>& Labeler::place(std::span<const LabelTile> tiles, const geo::Camera& camera,
                                               const style::Style& style, const FontSet& fonts,
                                               const GroupVisibility& visible, double nowMs) {
  out_.clear();
  stats_ = {};
  const double dt = lastMs_ < 0 ? 16 : std::max(0.0, nowMs - lastMs_);  // the first frame: one frame's step
  lastMs_ = nowMs;
  for (auto& [key, s] : shown_) {
    s.wasPlaced = s.placed;
    s.placed = false;
  }
  const float viewW = float(camera.width()), viewH = float(camera.height());
  grid_.reset(viewW, viewH);
  markers_.reset(viewW, viewH);
  if (repeats_.size() != kRepeatBuckets) repeats_.resize(kRepeatBuckets);
  for (auto& r : repeats_) r.clear();
  features_.clear();

  // Which classes show now, with which font.
  const double zoom = camera.zoom();
  classes_.assign(style.labels.size(), {});
  bool any = false;
  for (size_t i = 0; i < style.labels.size(); ++i) {
    const style::LabelClass& c = style.labels[i];
    ClassInfo& info = classes_[i];
    info.font = fonts.forSize(c.size);
    info.offset = c.offset.at(zoom);
    info.markers = c.placement == style::LabelClass::Placement::Point && visible[size_t(c.group)] && zoom >= c.markerMinZoom;
    info.active = info.font && visible[size_t(c.group)] && visible[size_t(style::Group::Labels)] && zoom >= c.minZoom &&
                  zoom < c.maxZoom;
    if (info.active) info.scale = c.size / info.font->size();
    any |= info.active || info.markers;
  }

  refs_.clear();
  const double worldSize = camera.worldSizePx();
  rotCos_ = float(camera.bearingCos());
  rotSin_ = float(camera.bearingSin());
  for (uint32_t t = 0; any && t < tiles.size(); ++t) {
    const TileLabels* labels = tiles[t].labels;
    if (!labels || labels->candidates.empty()) continue;
    const geo::WorldBox b = labels->id.bounds();
    const double span = b.maxx - b.minx;
    const float unit = float(span / labels->extent * worldSize);
    const geo::ScreenPoint origin = camera.worldToScreen({b.minx, b.miny});
    // The target's area in this tile's units.
    const geo::WorldBox tb = tiles[t].target.bounds();
    const float tx0 = float((tb.minx - b.minx) / span * labels->extent), tx1 = float((tb.maxx - b.minx) / span * labels->extent);
    const float ty0 = float((tb.miny - b.miny) / span * labels->extent), ty1 = float((tb.maxy - b.miny) / span * labels->extent);
    for (uint32_t i = 0; i < labels->candidates.size(); ++i) {
      const LabelCandidate& c = labels->candidates[i];
      if (c.labelClass >= classes_.size()) continue;
      const ClassInfo& info = classes_[c.labelClass];
      if (!info.active && !info.markers) continue;
      if (c.anchor.x < tx0 || c.anchor.x >= tx1 || c.anchor.y < ty0 || c.anchor.y >= ty1) {
        // Anchors on the tile's far edges belong to the tile itself when it is its own target.
        if (!(tiles[t].target == labels->id)) continue;
      }
      // Tile directions turned to the screen's by the bearing (worldToScreen's rotation).
      const float x = float(origin.x + (c.anchor.x * rotCos_ + c.anchor.y * rotSin_) * unit);
      const float y = float(origin.y + (c.anchor.y * rotCos_ - c.anchor.x * rotSin_) * unit);
      if (x < 0 || y < 0 || x > viewW || y > viewH) continue;
      if (info.markers) {
        // The marker's radius is the offset less the 2 px gap; 1 px less again so that a label
        // beside its own marker never touches it through rounding.
        const float m = std::max(0.f, info.offset - 3);
        markers_.insert({x - m, y - m, x + m, y + m}, style.labels[c.labelClass].priority);
      }
      if (!info.active) continue;
      const auto it = shown_.find(c.key);
      const bool wasShown = it != shown_.end() && it->second.wasPlaced;
      refs_.push_back({t, i, x, y, unit, c.rank * unit, style.labels[c.labelClass].priority, wasShown,
                       wasShown ? it->second.variant : int8_t(-1), c.key});
    }
  }
  stats_.candidates = int(refs_.size());
  std::sort(refs_.begin(), refs_.end(), [](const Ref& a, const Ref& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    if (a.wasShown != b.wasShown) return a.wasShown;
    if (a.rankPx != b.rankPx) return a.rankPx > b.rankPx;
    return a.key < b.key;
  });

  for (const Ref& ref : refs_) {
    const TileLabels& tile = *tiles[ref.tile].labels;
    const LabelCandidate& c = tile.candidates[ref.candidate];
    PlacedLabel p;
    int8_t variant = -1;
    if (!tryPlace(ref, tile, style.labels[c.labelClass], classes_[c.labelClass], viewW, viewH, p, variant)) continue;
    Shown& s = shown_[c.key];
    s.variant = variant;
    if (s.text.size() != p.text.size() || s.text != p.text) s.text.assign(p.text);
    s.anchor = camera.screenToWorld({ref.x, ref.y});
    s.dx = p.x - ref.x;
    s.dy = p.y - ref.y;
    s.angle = p.angle;
    s.width = p.width;
    s.labelClass = p.labelClass;
    s.placed = true;
    p.text = s.text;  // outlives the tiles
    out_.push_back(p);
  }
  stats_.placed = int(out_.size());

  // Fades: placed labels towards 1, the others towards 0 at their last place, then dropped.
  const float step = float(dt / kFadeMs);
  fading_ = false;
  for (auto it = shown_.begin(); it != shown_.end();) {
    Shown& s = it->second;
    s.opacity = s.placed ? (appearAtOnce_ ? 1.f : std::min(1.f, s.opacity + step)) : std::max(0.f, s.opacity - step);
    if (!s.placed && s.opacity <= 0) {
      it = shown_.erase(it);
      continue;
    }
    if (s.opacity < 1) fading_ = true;
    if (!s.placed) {
      const geo::ScreenPoint a = camera.worldToScreen(s.anchor);
      PlacedLabel p;
      p.text = s.text;
      p.labelClass = s.labelClass;
      p.x = float(a.x) + s.dx;
      p.y = float(a.y) + s.dy;
      p.angle = s.angle;
      p.width = s.width;
      p.opacity = s.opacity;
      p.key = it->first;
      if (p.labelClass < style.labels.size()) {
        out_.push_back(p);
        ++stats_.fadingOut;
      }
    }
    ++it;
  }
  for (size_t i = 0; i < size_t(stats_.placed); ++i) out_[i].opacity = shown_[out_[i].key].opacity;
  return out_;
}

}  // namespace citymap::labels
