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

Vec2 lerp(Vec2 a, Vec2 b, float t) { return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t}; }

float wrapAngle(float a) {
  while (a > kPi) a -= 2 * kPi;
  while (a <= -kPi) a += 2 * kPi;
  return a;
}

// The point `d` along `path` (`distances`: from its start to each point), clamped to its ends.
Vec2 pointAt(std::span<const Vec2> path, std::span<const float> distances, float d) {
  const auto it = std::upper_bound(distances.begin(), distances.end(), d);
  if (it == distances.begin()) return path.front();
  if (it == distances.end()) return path.back();
  const size_t i = size_t(it - distances.begin());
  const float len = distances[i] - distances[i - 1];
  return lerp(path[i - 1], path[i], len > 0 ? (d - distances[i - 1]) / len : 0);
}

void measure(std::span<const Vec2> path, std::vector<float>& distances) {
  distances.assign(1, 0.f);
  for (size_t i = 1; i < path.size(); ++i)
    distances.push_back(distances.back() + std::hypot(path[i].x - path[i - 1].x, path[i].y - path[i - 1].y));
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
  const uint64_t textHash = hashText(text);
  const uint64_t featureKey = mixKey(c.featureId, c.labelClass);
  if (c.placement != Placement::Line && std::find(features_.begin(), features_.end(), featureKey) != features_.end())
    return false;  // the same feature from another tile
  if (repeated(textHash, ref.x, ref.y, cls.repeatDistance)) return false;
  float width;
  if (c.placement == Placement::Line) {
    shapeLine(*info.font, text, info.scale, shaped_);
    width = shaped_.width;
  } else {
    width = textWidth(*info.font, text, info.scale);
  }
  if (width <= 0) return false;
  const float pad = kPadding;
  const float halfH = cls.size / 2 + pad, halfW = width / 2 + pad;

  out.text = text;
  out.labelClass = c.labelClass;
  out.width = width;
  out.key = c.key;
  out.angle = 0;
  boxes_.clear();

  if (c.placement == Placement::Point) {
    // With an icon, the text keeps clear of its disc, and the disc must be free too.
    const int icon = c.kind < info.icons.size() ? info.icons[c.kind] : -1;
    const float iconR = icon >= 0 ? cls.iconSize / 2 : 0;
    const float r = icon >= 0 ? std::max(info.offset, iconR + 2) : info.offset;
    if (icon >= 0) {
      const Box ib{ref.x - iconR, ref.y - iconR, ref.x + iconR, ref.y + iconR};
      if (grid_.hits(ib)) return false;
    }
    // Right, left, below, above; the side it was shown on last frame first (no jumping about).
    const Vec2 centres[] = {{ref.x + r + halfW - pad, ref.y},
                            {ref.x - r - halfW + pad, ref.y},
                            {ref.x, ref.y + r + halfH - pad},
                            {ref.x, ref.y - r - halfH + pad}};
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
    // The marker (or the icon) itself stays clear of other labels.
    const float marker = icon >= 0 ? iconR : std::max(0.f, r - 3);
    boxes_.push_back({ref.x - marker, ref.y - marker, ref.x + marker, ref.y + marker});
    out.icon = int16_t(icon);
    out.iconX = ref.x, out.iconY = ref.y;
  } else if (c.placement == Placement::Area) {
    if (ref.rankPx < std::max(cls.size, width / 4)) return false;  // the area is too small here
    const Box b{ref.x - halfW, ref.y - halfH, ref.x + halfW, ref.y + halfH};
    if (!insideView(b, viewW, viewH) || grid_.hits(b)) return false;
    out.x = ref.x, out.y = ref.y;
    boxes_.push_back(b);
  } else if (!placeAlongLine(ref, tile, c, cls, viewW, viewH, out)) {
    return false;
  }
  for (const Box& b : boxes_) grid_.insert(b);
  if (c.placement != Placement::Line) features_.push_back(featureKey);
  if (cls.repeatDistance > 0) addRepeat(textHash, ref.x, ref.y);  // anchors, as repeated() compares
  return true;
}

bool Labeler::placeAlongLine(const Ref& ref, const TileLabels& tile, const LabelCandidate& c,
                             const style::LabelClass& cls, float viewW, float viewH, PlacedLabel& out) {
  if (c.line + c.lineLength > tile.points.size() || c.segment + 1 >= c.lineLength) return false;
  const std::span<const Vec2> line(tile.points.data() + c.line, c.lineLength);
  const float pad = kPadding, width = shaped_.width, half = width / 2 + pad;
  // The line on screen (tile directions turned by the bearing) from `half` before the anchor to
  // `half` after it; false if it ends first.
  const auto toScreen = [&](Vec2 p) {
    const float dx = (p.x - c.anchor.x) * ref.unit, dy = (p.y - c.anchor.y) * ref.unit;
    return Vec2{ref.x + dx * rotCos_ + dy * rotSin_, ref.y + dy * rotCos_ - dx * rotSin_};
  };
  const auto walk = [&](int dir) {
    back_.clear();
    Vec2 cur{ref.x, ref.y};
    float left = half;
    for (int64_t i = dir < 0 ? int64_t(c.segment) : int64_t(c.segment) + 1; i >= 0 && i < int64_t(line.size());
         i += dir) {
      const Vec2 p = toScreen(line[size_t(i)]);
      const float d = std::hypot(p.x - cur.x, p.y - cur.y);
      if (d < 1e-3f) continue;  // a point on the anchor
      if (d >= left) {
        back_.push_back(lerp(cur, p, left / d));
        return true;
      }
      left -= d;
      back_.push_back(p);
      cur = p;
    }
    return false;
  };
  if (!walk(-1)) return false;
  path_.assign(back_.rbegin(), back_.rend());
  path_.push_back({ref.x, ref.y});
  if (!walk(+1)) return false;
  path_.insert(path_.end(), back_.begin(), back_.end());
  measure(path_, distances_);
  const float total = distances_.back(), start = total / 2 - width / 2;
  // Upright: the text reads left to right, its ends' chord pointing in [-pi/2, pi/2).
  Vec2 first = pointAt(path_, distances_, start), last = pointAt(path_, distances_, start + width);
  if (last.x < first.x || (last.x == first.x && last.y >= first.y)) {
    std::reverse(path_.begin(), path_.end());
    measure(path_, distances_);
    std::swap(first, last);
  }
  const float chordAngle = std::atan2(last.y - first.y, last.x - first.x);
  // Not too sharp: the line turns at most kMaxAngle within any window of 3/5 of the text size
  // (the turns at the path's inner points, summed over a sliding window).
  const float window = cls.size * 0.6f;
  turns_.clear();
  float before = std::atan2(path_[1].y - path_[0].y, path_[1].x - path_[0].x);
  for (size_t i = 1; i + 1 < path_.size(); ++i) {
    const float after = std::atan2(path_[i + 1].y - path_[i].y, path_[i + 1].x - path_[i].x);
    turns_.push_back(wrapAngle(after - before));
    before = after;
  }
  float sum = 0;
  for (size_t i = 0, j = 0; j < turns_.size(); ++j) {  // turns_[k] is at path_[k + 1]
    sum += turns_[j];
    while (distances_[j + 1] - distances_[i + 1] > window) sum -= turns_[i++];
    if (std::abs(sum) > kMaxAngle) return false;
  }
  // Each glyph centred on the line at its advance, turned with the line under it.
  lineGlyphs_.clear();
  for (const ShapedLine::Cluster& k : shaped_.clusters) {
    const float at = start + k.x + k.advance / 2, reach = std::max(k.advance / 2, 0.5f);
    const Vec2 centre = pointAt(path_, distances_, at);
    const Vec2 a = pointAt(path_, distances_, at - reach), b = pointAt(path_, distances_, at + reach);
    const float angle = std::atan2(b.y - a.y, b.x - a.x);
    if (!lineGlyphs_.empty() && std::abs(wrapAngle(angle - lineGlyphs_.back().angle)) > kMaxAngle) return false;
    if (std::abs(wrapAngle(angle - chordAngle)) > kPi / 2) return false;  // would read upside down
    // The glyph's box (its advance by the text size, turned), with the padding.
    const float cosA = std::abs(std::cos(angle)), sinA = std::abs(std::sin(angle));
    const float hx = cosA * k.advance / 2 + sinA * cls.size / 2 + pad;
    const float hy = sinA * k.advance / 2 + cosA * cls.size / 2 + pad;
    const Box box{centre.x - hx, centre.y - hy, centre.x + hx, centre.y + hy};
    if (!insideView(box, viewW, viewH)) return false;
    // Two glyphs share a box (half the collision queries; it covers both) when they are turned
    // alike.
    if (lineGlyphs_.size() % 2 == 1 && std::abs(wrapAngle(angle - lineGlyphs_.back().angle)) < 0.2f) {
      Box& pair = boxes_.back();
      pair = {std::min(pair.x0, box.x0), std::min(pair.y0, box.y0), std::max(pair.x1, box.x1),
              std::max(pair.y1, box.y1)};
    } else {
      if (!boxes_.empty() && grid_.hits(boxes_.back())) return false;
      boxes_.push_back(box);
    }
    lineGlyphs_.push_back({centre.x, centre.y, angle});
  }
  if (!boxes_.empty() && grid_.hits(boxes_.back())) return false;
  const Vec2 mid = pointAt(path_, distances_, total / 2);
  out.x = mid.x, out.y = mid.y;
  out.angle = chordAngle;
  return true;
}

const std::vector<PlacedLabel>& Labeler::place(std::span<const LabelTile> tiles, const geo::Camera& camera,
                                               const style::Style& style, const FontSet& fonts,
                                               const GroupVisibility& visible, double nowMs) {
  out_.clear();
  glyphs_.clear();
  glyphRanges_.clear();
  stats_ = {};
  const double dt = lastMs_ < 0 ? 16 : std::max(0.0, nowMs - lastMs_);  // the first frame: one frame's step
  lastMs_ = nowMs;
  for (auto& [key, s] : shown_) {
    s.wasPlaced = s.placed;
    s.placed = false;
  }
  fonts_ = &fonts;
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
    info.markers =
        c.placement == style::LabelClass::Placement::Point && visible[size_t(c.group)] && zoom >= c.markerMinZoom;
    info.active = info.font && visible[size_t(c.group)] && visible[size_t(style::Group::Labels)] && zoom >= c.minZoom &&
                  zoom < c.maxZoom;
    if (info.active) info.scale = c.size / info.font->size();
    info.icons.fill(-1);
    if (info.active && c.hasIcons())
      for (size_t k = 0; k < info.icons.size(); ++k) info.icons[k] = int16_t(fonts.findIcon(c.iconByKind[k]));
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
    const float tx0 = float((tb.minx - b.minx) / span * labels->extent),
                tx1 = float((tb.maxx - b.minx) / span * labels->extent);
    const float ty0 = float((tb.miny - b.miny) / span * labels->extent),
                ty1 = float((tb.maxy - b.miny) / span * labels->extent);
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
    s.icon = p.icon;
    s.placed = true;
    s.glyphs.clear();
    const uint32_t glyphsAt = uint32_t(glyphs_.size());
    if (c.placement == style::LabelClass::Placement::Line) {
      glyphs_.insert(glyphs_.end(), lineGlyphs_.begin(), lineGlyphs_.end());
      for (const LineGlyph& g : lineGlyphs_) s.glyphs.push_back({g.x - ref.x, g.y - ref.y, g.angle});
    }
    glyphRanges_.emplace_back(glyphsAt, uint32_t(glyphs_.size()) - glyphsAt);
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
      p.icon = s.icon < int(fonts.icons.size()) ? s.icon : int16_t(-1);  // fonts rebuilt meanwhile
      p.iconX = float(a.x), p.iconY = float(a.y);
      if (p.labelClass < style.labels.size()) {
        const uint32_t glyphsAt = uint32_t(glyphs_.size());
        for (const LineGlyph& g : s.glyphs) glyphs_.push_back({float(a.x) + g.x, float(a.y) + g.y, g.angle});
        glyphRanges_.emplace_back(glyphsAt, uint32_t(s.glyphs.size()));
        out_.push_back(p);
        ++stats_.fadingOut;
      }
    }
    ++it;
  }
  for (size_t i = 0; i < size_t(stats_.placed); ++i) out_[i].opacity = shown_[out_[i].key].opacity;
  for (size_t i = 0; i < out_.size(); ++i)  // glyphs_ is complete: it moves no more
    out_[i].glyphs = std::span<const LineGlyph>(glyphs_.data() + glyphRanges_[i].first, glyphRanges_[i].second);
  return out_;
}

}  // namespace citymap::labels
