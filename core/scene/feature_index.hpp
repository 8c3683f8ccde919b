#pragma once
// What live feeds need to know about the map's features, learnt as tiles load:
// - slots: small dense numbers for the stable feature ids tiles carry, so geometry can name a
//   feature per vertex and a per-frame table indexed by slot can colour it (live traffic). Slots
//   are handed out on first sight and kept while the app runs (tiles come and go, ids stay): one
//   table for every tile, no per-tile state. Slot 0 means "no feature"; past kMaxSlots every new
//   id gets slot 0 (drawn without live state) rather than growing without bound.
// - anchors: where point features of the IOC layer are (stations, shelters), for feed messages
//   that name a feature without carrying its position (shelter status).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "geo/lnglat.hpp"

namespace citymap::scene {

class FeatureIndex {
 public:
  static constexpr uint32_t kMaxSlots = 1u << 20;  // a 1024 x 1024 state texture

  FeatureIndex() : ids_(1, 0) {}
  uint32_t slotFor(uint64_t id) {
    if (id == 0) return 0;
    const auto [it, inserted] = slots_.try_emplace(id, uint32_t(ids_.size()));
    if (inserted) {
      if (ids_.size() >= kMaxSlots) {
        slots_.erase(it);
        ++overflow_;
        return 0;
      }
      ids_.push_back(id);
    }
    return it->second;
  }
  // The slot of an id already seen; 0 if none (never hands out a new one).
  uint32_t find(uint64_t id) const {
    const auto it = slots_.find(id);
    return it == slots_.end() ? 0 : it->second;
  }
  // Slot -> id (index 0 holds 0).
  const std::vector<uint64_t>& ids() const { return ids_; }
  size_t size() const { return ids_.size(); }
  uint64_t overflow() const { return overflow_; }

  void setAnchor(uint64_t id, geo::WorldPoint p) {
    if (anchors_.size() < kMaxSlots || anchors_.count(id)) anchors_[id] = p;
  }
  std::optional<geo::WorldPoint> anchor(uint64_t id) const {
    const auto it = anchors_.find(id);
    return it == anchors_.end() ? std::nullopt : std::optional(it->second);
  }

 private:
  std::unordered_map<uint64_t, uint32_t> slots_;
  std::vector<uint64_t> ids_;
  uint64_t overflow_ = 0;
  std::unordered_map<uint64_t, geo::WorldPoint> anchors_;
};

}  // namespace citymap::scene
