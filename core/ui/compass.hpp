#pragma once
// The compass: shown while the map is turned, its needle points north on screen; a tap or click
// turns the map back to north (the app animates it).
namespace citymap::ui {

// Draws the compass (between ImGui::NewFrame and ImGui::Render) at the bottom right, above the
// attribution. Returns true when it was pressed.
bool drawCompass(double bearingDeg, bool english, float viewportWidth, float viewportHeight);

}  // namespace citymap::ui
