#include "ingest/merge.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <tuple>

namespace citymap::ingest {

namespace {

struct Piece {
  uint32_t feature;  // index into the feature list
  uint32_t part;
};

// End points are compared exactly: ways sharing an OSM node get bit-identical coordinates.
using NodeKey = std::pair<uint64_t, uint64_t>;
NodeKey nodeKey(const geo::WorldPoint& p) {
  uint64_t x, y;
  std::memcpy(&x, &p.x, sizeof x);
  std::memcpy(&y, &p.y, sizeof y);
  return {x, y};
}

struct UnionFind {
  std::vector<uint32_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  uint32_t find(uint32_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  }
  void unite(uint32_t a, uint32_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

// One piece end at a node: piece index, and whether it is the piece's start.
struct End {
  uint32_t piece;
  bool start;
};

// Chains the pieces of one connected group.
std::vector<Path> chain(const std::vector<Feature>& features, const std::vector<Piece>& pieces, bool oneway) {
  const auto path = [&](uint32_t i) -> const Path& { return features[pieces[i].feature].geom.parts[pieces[i].part]; };
  std::map<NodeKey, std::vector<End>> nodes;
  for (uint32_t i = 0; i < pieces.size(); ++i) {
    nodes[nodeKey(path(i).front())].push_back({i, true});
    nodes[nodeKey(path(i).back())].push_back({i, false});
  }
  // The other end at `node` if exactly two ends meet there and it may follow/precede.
  const auto partner = [&](const geo::WorldPoint& node, uint32_t self, bool selfStart) -> const End* {
    const auto& ends = nodes.at(nodeKey(node));
    if (ends.size() != 2) return nullptr;
    const End& other = ends[0].piece == self && ends[0].start == selfStart ? ends[1] : ends[0];
    if (other.piece == self) return nullptr;                 // a closed piece
    if (oneway && other.start == selfStart) return nullptr;  // would reverse a one-way piece
    return &other;
  };

  std::vector<bool> used(pieces.size(), false);
  std::vector<Path> out;
  for (uint32_t first = 0; first < pieces.size(); ++first) {
    if (used[first]) continue;
    used[first] = true;
    Path line = path(first);
    // Forward from the end of the line.
    uint32_t tail = first;
    bool tailForward = true;  // the tail piece is walked start -> end
    for (;;) {
      const End* next = partner(line.back(), tail, !tailForward);
      if (!next || used[next->piece]) break;
      used[next->piece] = true;
      const Path& p = path(next->piece);
      if (next->start)
        line.insert(line.end(), p.begin() + 1, p.end());
      else
        line.insert(line.end(), p.rbegin() + 1, p.rend());
      tail = next->piece;
      tailForward = next->start;
    }
    // Backward from the start of the line.
    uint32_t head = first;
    bool headForward = true;
    for (;;) {
      const End* prev = partner(line.front(), head, headForward);
      if (!prev || used[prev->piece]) break;
      used[prev->piece] = true;
      const Path& p = path(prev->piece);
      Path joined;
      joined.reserve(line.size() + p.size() - 1);
      if (!prev->start)
        joined.insert(joined.end(), p.begin(), p.end() - 1);
      else
        joined.insert(joined.end(), p.rbegin(), p.rend() - 1);
      joined.insert(joined.end(), line.begin(), line.end());
      line = std::move(joined);
      head = prev->piece;
      headForward = !prev->start;
    }
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace

MergeStats addRoadLabels(std::vector<Feature>& features, uint8_t labelMinZoom) {
  MergeStats stats;
  // Candidate features grouped by what must be equal.
  using GroupKey = std::tuple<std::string, std::string, uint8_t, uint8_t, int8_t, uint8_t>;
  std::map<GroupKey, std::vector<uint32_t>> groups;
  for (uint32_t i = 0; i < features.size(); ++i) {
    const Feature& f = features[i];
    if (f.layer != Layer::Roads || f.geom.type != GeomType::Line || f.name.empty() || f.geom.parts.empty()) continue;
    groups[{f.name, f.ref, f.kind, f.flags, f.zOrder, f.minZoom}].push_back(i);
    ++stats.pieces;
  }

  std::vector<Feature> labels;
  for (auto& [key, members] : groups) {
    const bool oneway = (std::get<3>(key) & tile::kFlagOneway) != 0;
    std::vector<Piece> pieces;
    std::vector<uint32_t> pieceOwner;  // index into members
    for (uint32_t m = 0; m < members.size(); ++m)
      for (uint32_t p = 0; p < features[members[m]].geom.parts.size(); ++p) {
        pieces.push_back({members[m], p});
        pieceOwner.push_back(m);
      }
    // Members sharing an end point are connected.
    UnionFind uf(members.size());
    std::map<NodeKey, uint32_t> firstAt;
    for (size_t i = 0; i < pieces.size(); ++i) {
      const Path& p = features[pieces[i].feature].geom.parts[pieces[i].part];
      for (const geo::WorldPoint* end : {&p.front(), &p.back()}) {
        auto [it, inserted] = firstAt.try_emplace(nodeKey(*end), pieceOwner[i]);
        if (!inserted) uf.unite(it->second, pieceOwner[i]);
      }
    }
    std::map<uint32_t, std::vector<uint32_t>> components;  // root -> members (in read order)
    for (uint32_t m = 0; m < members.size(); ++m) components[uf.find(m)].push_back(m);
    for (auto& [root, comp] : components) {
      ++stats.merged;
      Feature label;
      if (comp.size() == 1) {
        label = features[members[comp.front()]];  // a street of one piece
      } else {
        ++stats.groups;
        // Deterministic piece order: by id, then read order, then part.
        std::vector<Piece> compPieces;
        for (const uint32_t m : comp)
          for (uint32_t p = 0; p < features[members[m]].geom.parts.size(); ++p) compPieces.push_back({members[m], p});
        std::sort(compPieces.begin(), compPieces.end(), [&](const Piece& a, const Piece& b) {
          const Feature &fa = features[a.feature], &fb = features[b.feature];
          return std::tie(fa.id, fa.seq, a.part) < std::tie(fb.id, fb.seq, b.part);
        });
        label = features[compPieces.front().feature];  // the lowest id
        label.geom.parts = chain(features, compPieces, oneway);
        label.bbox = boundsOf(label.geom);
        for (const Piece& p : compPieces) {
          const Feature& f = features[p.feature];
          label.seq = std::min(label.seq, f.seq);
          label.osmId = label.osmId && f.osmId;
          if (label.nameEn.empty()) label.nameEn = f.nameEn;
        }
      }
      label.layer = Layer::RoadLabels;
      label.minZoom = std::max(label.minZoom, labelMinZoom);
      labels.push_back(std::move(label));
    }
  }
  // In read order, after the features they come from.
  std::stable_sort(labels.begin(), labels.end(), [](const Feature& a, const Feature& b) { return a.seq < b.seq; });
  features.reserve(features.size() + labels.size());
  for (Feature& f : labels) features.push_back(std::move(f));
  return stats;
}

}  // namespace citymap::ingest
