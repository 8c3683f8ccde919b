// The browser program: reads its options from the arguments web/citymap.js passes (built from
// the page's query string), creates the WebGL 2 platform and the map app, and returns to the
// browser's event loop (the runtime stays alive).
#include <emscripten/emscripten.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/map_app.hpp"
#include "platform/web/web_platform.hpp"

namespace {
citymap::app::MapApp* gApp = nullptr;
}

// The page's theme switch (web/app.js: ?theme=, else the system's prefers-color-scheme as it
// changes): 1 night, 0 day.
extern "C" EMSCRIPTEN_KEEPALIVE void citymap_set_theme(int night) {
  if (gApp) (void)gApp->setTheme(night ? "night" : "day");
}

int main(int argc, char** argv) {
  citymap::app::AppConfig config;
  config.drawAttribution = false;             // the page shows it as HTML, with a link (web/app.js)
  config.uiFontUrl = "fonts/citymap-ui.ttf";  // Latin + Vietnamese subset made at build time (assets/)
  config.iconSpriteUrl = "icons/sprite";      // Maki POI icons rasterised at build time (assets/icons)
  config.searchBox = false;                   // the page has a DOM search box (web/search.js)
  config.panelTop = 56;                       // below the page's toolbar
  config.styleUrl = "styles/citymap.json";    // assets/styles, copied into the site
  double lng = NAN, lat = NAN;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const char* next = i + 1 < argc ? argv[i + 1] : nullptr;
    if (arg == "--tiles" && next)
      config.tilesetUrl = argv[++i];
    else if (arg == "--lng" && next)
      lng = std::atof(argv[++i]);
    else if (arg == "--lat" && next)
      lat = std::atof(argv[++i]);
    else if (arg == "--zoom" && next)
      config.zoom = std::atof(argv[++i]);
    else if (arg == "--bearing" && next)
      config.bearing = std::atof(argv[++i]);
    else if (arg == "--no-ui")
      config.showUi = false;
    else if (arg == "--lang" && next)
      config.english = std::string_view(argv[++i]) == "en";
    else if (arg == "--select" && next)
      config.select = argv[++i];
    else if (arg == "--hide" && next)
      config.hidden = argv[++i];
    else if (arg == "--theme" && next)
      config.theme = std::string_view(argv[++i]) == "night" ? "night" : "day";
    else if (arg == "--style" && next)
      config.styleUrl = argv[++i];
  }
  if (lng == lng && lat == lat) config.center = citymap::geo::LngLat{lng, lat};

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
