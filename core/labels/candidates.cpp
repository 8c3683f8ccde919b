#include "labels/candidates.hpp"

#include <algorithm>
#include <cmath>

#include "geo/camera.hpp"
#include "labels/polylabel.hpp"
#include "tile/feature_parts.hpp"

namespace citymap::labels {

namespace {

using Placement = style::LabelClass::Placement;
using tess::Vec2;

bool inside(Vec2 p, float extent) { return p.x >= 0 && p.y >= 0 && p.x <= extent && p.y <= extent; }

bool classTakes(const style::LabelClass& c, const fb::Feature& f) {
  const fb::GeometryType want = c.placement == Placement::Point  ? fb::GeometryType::Point
                                : c.placement == Placement::Line ? fb::GeometryType::Line
                                                                 : fb::GeometryType::Polygon;
  return f.type() == want && f.kind() < 32 && (c.kindMask & (1u << f.kind())) != 0;
}

// The label's text: the name, else the reference (a road number).
std::string_view labelText(const fb::Feature& f) {
  if (f.name() && f.name()->size() > 0) return f.name()->string_view();
  if (f.ref() && f.ref()->size() > 0) return f.ref()->string_view();
  return {};
}

class Collector {
 public:
  Collector(const tile::TileData& tile, TileLabels& out) : tile_(tile), out_(out) {}

  void feature(const fb::Feature& f, const style::LabelClass& c, uint16_t cls) {
    const std::string_view text = labelText(f);
    if (text.empty() || text.size() > 200 || !f.coords() || f.coords()->size() == 0) return;
    text_ = text;
    textEn_ = f.name_en() && f.name_en()->size() > 0 && f.name_en()->size() <= 200 ? f.name_en()->string_view() : text;
    textOffset_ = UINT32_MAX;
    cls_ = cls;
    kind_ = uint8_t(f.kind());  // < 32: classTakes
    id_ = f.id();
    switch (c.placement) {
      case Placement::Point:
        points(f);
        break;
      case Placement::Line:
        lines(f, c);
        break;
      case Placement::Area:
        areas(f);
        break;
    }
  }

 private:
  LabelCandidate& add(Vec2 anchor, Placement placement, uint64_t key) {
    if (textOffset_ == UINT32_MAX) {  // the texts once per feature
      textOffset_ = uint32_t(out_.text.size());
      out_.text.append(text_);
      textEnOffset_ = textOffset_;
      if (textEn_ != text_) {
        textEnOffset_ = uint32_t(out_.text.size());
        out_.text.append(textEn_);
      }
    }
    LabelCandidate& c = out_.candidates.emplace_back();
    c.featureId = id_;
    c.key = key;
    c.text = textOffset_;
    c.textLength = uint32_t(text_.size());
    c.textEn = textEnOffset_;
    c.textEnLength = uint32_t(textEn_.size());
    c.labelClass = cls_;
    c.kind = kind_;
    c.placement = placement;
    c.anchor = anchor;
    return c;
  }

  Vec2 coord(uint32_t i) const { return {float(coords().Get(2 * i)), float(coords().Get(2 * i + 1))}; }
  const flatbuffers::Vector<int16_t>& coords() const { return *feature_->coords(); }

  // World position quantised to ~1/16 tile unit at z16: the same anchor always gets the same key.
  uint64_t positionKey(Vec2 p) const {
    const geo::TileID id = tile_.id();
    const double n = std::exp2(double(id.z));
    const double x = (id.x + p.x / out_.extent) / n, y = (id.y + p.y / out_.extent) / n;
    return (uint64_t(x * double(1u << 31)) << 32) ^ uint64_t(y * double(1u << 31));
  }

  void points(const fb::Feature& f) {
    feature_ = &f;
    const uint32_t n = uint32_t(coords().size() / 2);
    for (uint32_t i = 0; i < n; ++i) {
      const Vec2 p = coord(i);
      if (!inside(p, out_.extent)) continue;  // in the buffer: the neighbour tile has it
      add(p, Placement::Point, mixKey(mixKey(id_, cls_), n > 1 ? positionKey(p) : 0));
    }
  }

  void lines(const fb::Feature& f, const style::LabelClass& c) {
    feature_ = &f;
    const float spacing = std::max(16.f, c.spacing) * out_.extent / float(geo::kTileSizePx);
    uint32_t start = 0;
    for (uint32_t size : tile::partSizes(f)) {
      const uint32_t first = start;
      start += size;
      if (size < 2) continue;
      part_.clear();
      for (uint32_t i = first; i < first + size; ++i) {
        const Vec2 p = coord(i);
        if (part_.empty() || p.x != part_.back().x || p.y != part_.back().y) part_.push_back(p);
      }
      if (part_.size() < 2) continue;
      cumulative_.assign(1, 0.f);
      for (size_t i = 1; i < part_.size(); ++i)
        cumulative_.push_back(cumulative_.back() +
                              std::hypot(part_[i].x - part_[i - 1].x, part_[i].y - part_[i - 1].y));
      const float length = cumulative_.back();
      if (length < spacing / 4) continue;  // a stub (a street's end in the buffer)
      const int count = std::max(1, int(std::lround(length / spacing)));
      uint32_t pointsAt = UINT32_MAX;
      size_t seg = 0;
      for (int k = 0; k < count; ++k) {
        const float at = (float(k) + 0.5f) * length / float(count);
        while (seg + 2 < cumulative_.size() && cumulative_[seg + 1] < at) ++seg;
        const float segLen = cumulative_[seg + 1] - cumulative_[seg];
        const float t = segLen > 0 ? (at - cumulative_[seg]) / segLen : 0;
        const Vec2 a = part_[seg], b = part_[seg + 1];
        const Vec2 p{a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
        if (!inside(p, out_.extent)) continue;
        if (pointsAt == UINT32_MAX) {  // the part's points once, if any anchor is kept
          pointsAt = uint32_t(out_.points.size());
          out_.points.insert(out_.points.end(), part_.begin(), part_.end());
        }
        LabelCandidate& l = add(p, Placement::Line, mixKey(mixKey(id_, cls_), positionKey(p)));
        l.line = pointsAt;
        l.lineLength = uint32_t(part_.size());
        l.segment = uint32_t(seg);
        l.rank = length - std::abs(at - length / 2);
      }
    }
  }

  void areas(const fb::Feature& f) {
    feature_ = &f;
    const tile::Counts sizes = tile::partSizes(f);
    uint32_t part = 0, offset = 0;
    for (uint32_t ringCount : tile::ringCounts(f)) {
      rings_.clear();
      for (uint32_t r = 0; r < ringCount; ++r, ++part) {
        const uint32_t n = sizes[part];
        ring_.clear();
        for (uint32_t i = 0; i < n; ++i) ring_.push_back(coord(offset + i));
        offset += n;
        Ring clipped = clipRing(ring_, out_.extent);
        if (r == 0 && clipped.empty()) {  // the outer ring is outside the tile: skip the polygon
          for (++r, ++part; r < ringCount; ++r, ++part) offset += sizes[part];
          break;
        }
        if (!clipped.empty()) rings_.push_back(std::move(clipped));
      }
      if (rings_.empty()) continue;
      const Pole pole = poleOfInaccessibility(rings_, out_.extent / 128);
      if (pole.distance < out_.extent / 64) continue;  // a sliver of the area in this tile
      const geo::TileID id = tile_.id();
      LabelCandidate& l = add(pole.point, Placement::Area, mixKey(mixKey(id_, cls_), id.key()));
      l.rank = pole.distance;
    }
  }

  const tile::TileData& tile_;
  TileLabels& out_;
  const fb::Feature* feature_ = nullptr;
  std::string_view text_, textEn_;
  uint32_t textOffset_ = UINT32_MAX, textEnOffset_ = 0;
  uint16_t cls_ = 0;
  uint8_t kind_ = 0;
  uint64_t id_ = 0;
  std::vector<Vec2> part_, ring_;
  std::vector<float> cumulative_;
  std::vector<Ring> rings_;
};

}  // namespace

uint64_t mixKey(uint64_t a, uint64_t b) {
  uint64_t z = a ^ (b + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

size_t TileLabels::byteSize() const {
  return sizeof(*this) + text.capacity() + points.capacity() * sizeof(tess::Vec2) +
         candidates.capacity() * sizeof(LabelCandidate);
}

TileLabels collectLabels(const tile::TileData& tile, const style::Style& style) {
  TileLabels out;
  out.id = tile.id();
  out.extent = float(tile.extent());
  if (style.labels.empty()) return out;
  Collector collector(tile, out);
  for (size_t c = 0; c < style.labels.size(); ++c) {
    const style::LabelClass& cls = style.labels[c];
    const fb::Layer* layer = tile.layer(cls.sourceLayer);
    if (!layer || !layer->features()) continue;
    for (const fb::Feature* f : *layer->features())
      if (classTakes(cls, *f)) collector.feature(*f, cls, uint16_t(c));
  }
  return out;
}

}  // namespace citymap::labels
