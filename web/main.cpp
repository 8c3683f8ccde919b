// The browser program: reads its options from the JSON object web/app.js passes as its one
// argument (built from the page's query string and hash), creates the WebGL 2 platform and the map app, and returns to
// the browser's event loop (the runtime stays alive).
#include <emscripten/emscripten.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "app/map_app.hpp"
#include "platform/web/web_platform.hpp"

namespace {
citymap::app::MapApp* gApp = nullptr;
}  // namespace

// The page's theme switch (web/app.js: ?theme=, else the system's prefers-color-scheme as it
// changes): 1 night, 0 day.
extern "C" EMSCRIPTEN_KEEPALIVE void citymap_set_theme(int night) {
  if (gApp) (void)gApp->setTheme(night ? "night" : "day");
}

namespace {

// The page's options (web/app.js): one JSON object, {"tiles", "lng", "lat", "zoom", "bearing",
// "ui", "lang", "select", "hide", "theme", "style"}, every key optional. A key of the wrong type
// is reported on the console and ignored.
citymap::app::AppConfig readOptions(const char* text, citymap::app::AppConfig config) {
  const auto j = nlohmann::json::parse(text ? text : "{}", nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    std::fprintf(stderr, "citymap: the page's options are not a JSON object: %s\n", text ? text : "(none)");
    return config;
  }
  const auto wrong = [](const char* key, const char* want) {
    std::fprintf(stderr, "citymap: option \"%s\" ignored: expected %s\n", key, want);
  };
  const auto number = [&](const char* key) -> std::optional<double> {
    const auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    if (it->is_number() && std::isfinite(it->get<double>())) return it->get<double>();
    wrong(key, "a number");
    return std::nullopt;
  };
  const auto string = [&](const char* key) -> std::optional<std::string> {
    const auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    wrong(key, "a string");
    return std::nullopt;
  };
  if (auto v = string("tiles")) config.tilesetUrl = *v;
  const auto lng = number("lng"), lat = number("lat");
  if (lng && lat) config.center = citymap::geo::LngLat{*lng, *lat};
  if (auto v = number("zoom")) config.zoom = *v;
  if (auto v = number("bearing")) config.bearing = *v;
  if (const auto it = j.find("ui"); it != j.end()) {
    if (it->is_boolean())
      config.showUi = it->get<bool>();
    else
      wrong("ui", "true or false");
  }
  if (auto v = string("lang")) config.english = *v == "en";
  if (auto v = string("select")) config.select = *v;
  if (auto v = string("hide")) config.hidden = *v;
  if (auto v = string("theme")) config.theme = *v == "night" ? "night" : "day";
  if (auto v = string("style")) config.styleUrl = *v;
  return config;
}

}  // namespace

int main(int argc, char** argv) {
  citymap::app::AppConfig defaults;
  defaults.drawAttribution = false;             // the page shows it as HTML, with a link (web/app.js)
  defaults.uiFontUrl = "fonts/citymap-ui.ttf";  // Latin + Vietnamese subset made at build time (assets/)
  defaults.iconSpriteUrl = "icons/sprite";      // Maki POI icons rasterised at build time (assets/icons)
  defaults.searchBox = false;                   // the page has a DOM search box (web/search.js)
  defaults.panelTop = 56;                       // below the page's toolbar
  defaults.styleUrl = "styles/citymap.json";    // assets/styles, copied into the site
  const citymap::app::AppConfig config = readOptions(argc > 1 ? argv[1] : nullptr, std::move(defaults));

  // Lives for the page's lifetime.
  auto* platform = new citymap::platform::WebPlatform();
  auto gl = platform->init("#map");
  if (!gl) {
    std::fprintf(stderr, "citymap: %s\n", gl.error().c_str());
    citymap::app::MapStatus status;
    status.error = gl.error();
    platform->publishStatus(status);
    return 1;
  }
  auto* app = new citymap::app::MapApp(*platform, config);
  gApp = app;
  platform->attach(*app);
  app->start();
  return 0;
}
