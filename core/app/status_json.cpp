#include "app/status_json.hpp"

#include <nlohmann/json.hpp>

namespace citymap::app {

namespace {

using json = nlohmann::json;

json shelters(const std::vector<HelpShelterSummary>& list) {
  json out = json::array();
  for (const HelpShelterSummary& s : list)
    out.push_back({{"id", s.id},
                   {"name", s.name},
                   {"state", s.state},
                   {"lng", s.lng},
                   {"lat", s.lat},
                   {"metres", s.metres},
                   {"seconds", s.seconds},
                   {"straightMetres", s.straightMetres},
                   {"capacity", s.capacity},
                   {"occupancy", s.occupancy},
                   {"straightLine", s.straightLine},
                   {"chosen", s.chosen}});
  return out;
}

json help(const HelpSummary& h) {
  if (h.mode.empty() && !h.pickingStart && h.message.empty()) return nullptr;
  json roads = json::array();
  for (const HelpRoadSummary& r : h.roads)
    roads.push_back({{"incident", r.incident},
                     {"name", r.name},
                     {"kind", r.kind},
                     {"title", r.title},
                     {"lng", r.lng},
                     {"lat", r.lat},
                     {"metres", r.metres}});
  return {{"mode", h.mode},
          {"origin", h.origin},
          {"originText", h.originText},
          {"lng", h.lng},
          {"lat", h.lat},
          {"pickingStart", h.pickingStart},
          {"loading", h.loading},
          {"error", h.error},
          {"message", h.message},
          {"shelters", shelters(h.shelters)},
          {"unknown", shelters(h.unknown)},
          {"roads", std::move(roads)},
          {"route",
           {{"metres", h.routeMetres},
            {"points", h.routePoints},
            {"straightLine", h.routeStraight},
            {"roads", h.routeRoads}}},
          {"computeMs", h.computeMs}};
}

json replay(const ReplaySummary& r) {
  return {{"available", r.available},
          {"oldestMs", r.oldestMs},
          {"newestMs", r.newestMs},
          {"tMs", r.tMs >= 0 ? json(r.tMs) : json(nullptr)},
          {"speed", r.speed},
          {"historyWanted", r.historyWanted},
          {"pastMessages", r.pastMessages},
          {"pastBytes", r.pastBytes},
          {"historyBytes", r.historyBytes}};
}

json selection(const UiSummary& u) {
  if (u.selection.empty()) return nullptr;
  json rows = json::array();
  for (const auto& [key, value] : u.cardRows) rows.push_back(json::array({key, value}));
  return {{"id", u.selection},  {"title", u.cardTitle},    {"subtitle", u.cardSubtitle}, {"kind", u.cardKind},
          {"live", u.cardLive}, {"rows", std::move(rows)}, {"lng", u.selectionLng},      {"lat", u.selectionLat}};
}

}  // namespace

std::string uiSummaryJson(const UiSummary& u) {
  const json j = {{"version", u.version},
                  {"lang", u.english ? "en" : "vi"},
                  {"theme", u.theme},
                  {"hidden", u.hidden},
                  {"title", u.title},
                  {"titleEn", u.titleEn},
                  {"searchReady", u.searchReady},
                  {"searchError", u.searchError},
                  {"help", help(u.help)},
                  {"replay", replay(u.replay)},
                  {"selection", selection(u)}};
  // Names come from the archive and feed messages: a bad byte is replaced, never an abort.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace citymap::app
