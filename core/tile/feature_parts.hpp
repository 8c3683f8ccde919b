#pragma once
// A feature's parts (points per line or ring) and, for polygons, rings per polygon, with the
// short forms of tile format 2 (docs/TILE_FORMAT.md): `part_sizes` is left out when the feature
// is one part (all its coordinates), `polygon_ring_counts` when it is one polygon (all its parts:
// the outer ring, then its holes). Read them through partSizes() and ringCounts(), never through
// the raw vectors. decodeTile() has checked that the counts add up.
#include <cstdint>
#include <iterator>

#include "citymap/tile_generated.h"

namespace citymap::tile {

// A vector of counts, or a single implied count when the vector is absent.
class Counts {
 public:
  Counts(const flatbuffers::Vector<uint32_t>* v, uint32_t implied, bool hasImplied)
      : v_(v), implied_(implied), hasImplied_(hasImplied) {}
  uint32_t size() const { return v_ ? v_->size() : (hasImplied_ ? 1u : 0u); }
  bool empty() const { return size() == 0; }
  uint32_t operator[](uint32_t i) const { return v_ ? v_->Get(i) : implied_; }
  bool implied() const { return !v_; }

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = uint32_t;
    using difference_type = std::ptrdiff_t;
    using pointer = const uint32_t*;
    using reference = uint32_t;
    iterator(const Counts* c, uint32_t i) : c_(c), i_(i) {}
    uint32_t operator*() const { return (*c_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const Counts* c_;
    uint32_t i_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

 private:
  const flatbuffers::Vector<uint32_t>* v_;
  uint32_t implied_;
  bool hasImplied_;
};

// Points per part; absent: one part of all the coordinates (none without coordinates).
inline Counts partSizes(const fb::Feature& f) {
  const uint32_t points = f.coords() ? f.coords()->size() / 2 : 0;
  return {f.part_sizes(), points, points > 0};
}

// Rings per polygon (polygons only; empty for other types); absent: one polygon of all parts.
inline Counts ringCounts(const fb::Feature& f) {
  if (f.type() != fb::GeometryType::Polygon) return {nullptr, 0, false};
  const uint32_t parts = partSizes(f).size();
  return {f.polygon_ring_counts(), parts, parts > 0};
}

}  // namespace citymap::tile
