#include "route/shelters.hpp"

#include <algorithm>

namespace citymap::route {

NearestShelters nearestShelters(const RouteGraph& graph, geo::LngLat from, const ShelterStatusFn& status, size_t k,
                                const Avoid& avoid) {
  NearestShelters out;
  if (k == 0) return out;
  std::vector<ShelterChoice> open, unknown;
  for (const Shelter& s : graph.shelters()) {
    const ShelterState state = status ? status(s.id) : ShelterState::Unknown;
    if (state != ShelterState::Open && state != ShelterState::Unknown) continue;
    (state == ShelterState::Open ? open : unknown).push_back({&s, distanceMetres(from, s.position), {}});
  }
  const auto byStraightLine = [](const ShelterChoice& a, const ShelterChoice& b) {
    return a.straightMetres != b.straightMetres ? a.straightMetres < b.straightMetres : a.shelter->id < b.shelter->id;
  };
  const auto byWalk = [](const ShelterChoice& a, const ShelterChoice& b) {
    return a.route.metres != b.route.metres ? a.route.metres < b.route.metres : a.shelter->id < b.shelter->id;
  };
  std::sort(unknown.begin(), unknown.end(), byStraightLine);
  unknown.resize(std::min(unknown.size(), k));
  out.unknown = std::move(unknown);
  out.open = open.size();

  std::sort(open.begin(), open.end(), byStraightLine);
  const BlockedEdges blocked = blockEdges(graph, avoid);
  Router router(graph);
  for (ShelterChoice& c : open) {
    if (out.nearest.size() == k && c.straightMetres >= out.nearest.back().route.metres) break;
    c.route = router.route(from, c.shelter->position, blocked);
    ++out.routed;
    const auto at = std::upper_bound(out.nearest.begin(), out.nearest.end(), c, byWalk);
    if (size_t(at - out.nearest.begin()) >= k) continue;
    out.nearest.insert(at, std::move(c));
    if (out.nearest.size() > k) out.nearest.pop_back();
  }
  return out;
}

}  // namespace citymap::route
