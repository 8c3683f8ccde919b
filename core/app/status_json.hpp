#pragma once
// The status a host page mirrors (window.citymap.state.ui, web/app.js documents the fields),
// as JSON written with nlohmann. The feed part is feeds::toJson (feeds/feed_summary.hpp).
#include <string>

#include "app/platform.hpp"

namespace citymap::app {

// The UI summary: language, hidden groups, title, search state, storm help (null when closed),
// the time slider (tMs null when live) and the selection with its card (null when none).
std::string uiSummaryJson(const UiSummary& ui);

}  // namespace citymap::app
