#pragma once
// "What is this?": the card of a selected map feature (clicked, tapped or found by search), the
// words for every kind of feature in Vietnamese and English, and the map legend. The card reads
// a model the app fills (pick::Feature, the wards it lies in, the live state); it returns what
// the user asked for (close). ImGui only; no map access.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pick/feature_pick.hpp"

namespace citymap::ui {

struct Card {
  std::string title;     // the name in the UI language (else the other name, else the kind)
  std::string subtitle;  // the other language's name, if different
  std::string kind;      // what it is, in words
  std::vector<std::pair<std::string, std::string>> rows;  // label, value (ward, reference, height, ...)
  std::string live;                                       // the live state and its age (live entities), empty: none
};

// The card of a map feature in the UI language. `wards` from pick::wardsAt.
Card describeFeature(const pick::Feature& f, const pick::Wards& wards, bool english);

// A feature's kind in words ("Bridge", "Cầu"; "Primary road", "Đường chính"; "Storm shelter").
std::string kindWords(std::string_view layer, uint8_t kind, uint8_t flags, bool english);

struct CardActions {
  bool close = false;
};

// Draws the card at the bottom left (above the attribution); Esc or its close button closes it.
CardActions drawCard(const Card& card, bool english, float viewportWidth, float viewportHeight);

// The legend: every colour and symbol of the map and the live layers, in the UI language.
// `open` is the window's state (its close button clears it).
void drawLegend(bool& open, bool english, float viewportWidth, float viewportHeight);

}  // namespace citymap::ui
