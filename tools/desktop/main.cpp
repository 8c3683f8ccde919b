// citymap desktop app: the same core as the browser client in a GLFW window (OpenGL ES 3).
//   citymap-desktop [--tiles PATH] [--lng X --lat Y --zoom Z --bearing DEG] [--size WxH] [--no-ui]
//                   [--screenshot out.png]   (draw until idle, save the window, exit)
//                   [--feed mqtt://host:port | off]   (live feeds, docs/FEEDS.md)
//                   [--overlay FILE]... [--overlay-srs CRS]   (GIS files over the map, docs/OVERLAY.md)
//                   [--lang vi|en] [--select LAYER/ID] [--hide GROUPS]
//                   [--style FILE] [--theme day|night]   (the map style, reloaded on change: docs/MAP_STYLE.md)
//   --help lists every option (CLI11).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include <CLI/CLI.hpp>

#include "desktop_feed.hpp"
#include "desktop_overlay.hpp"
#include "desktop_style.hpp"
#include "ingest/config.hpp"
#include "platform/glfw/glfw_platform.hpp"

int main(int argc, char** argv) {
  citymap::app::AppConfig config;
  config.tilesetUrl = "build/tiles/danang.pmtiles";
  config.uiFontUrl = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";  // fonts-noto-core: Vietnamese glyphs
  config.iconSpriteUrl = CITYMAP_ICONS_DIR "/sprite";                        // built by assets/icons
  config.hoverHighlight = true;
  std::string screenshot, feedArg, overlaySrs, lang = "vi", size = "1280x800", stylePath = CITYMAP_STYLE_FILE;
  std::vector<std::string> overlayFiles;
  int width = 1280, height = 800;
  double lng = NAN, lat = NAN, zoom = NAN, bearing = NAN;
  bool noUi = false;

  CLI::App cli{"citymap desktop app: the map of Da Nang in a window"};
  cli.add_option("--tiles", config.tilesetUrl, "a .pmtiles archive or a folder with tileset.json")
      ->capture_default_str();
  cli.add_option("--lng", lng, "longitude of the view's centre");
  cli.add_option("--lat", lat, "latitude of the view's centre");
  cli.add_option("--zoom", zoom, "zoom level");
  cli.add_option("--bearing", bearing, "degrees clockwise from north at the top");
  cli.add_option("--size", size, "window size WxH")->capture_default_str();
  cli.add_flag("--no-ui", noUi, "the map only, without panels");
  cli.add_option("--screenshot", screenshot, "draw until every tile is shown, save the frame as PNG, exit");
  cli.add_option("--feed", feedArg,
                 "live feeds from an MQTT broker, mqtt://host:port, or off (default: the broker of "
                 "build/broker/broker.env if present, else mqtt://127.0.0.1:1883)");
  cli.add_option("--overlay", overlayFiles,
                 "draw any vector file GDAL reads (GeoJSON, GeoPackage, Shapefile, KML, OSM, ...) above the map, "
                 "reprojected; repeatable. Files dropped onto the window are opened the same way.");
  cli.add_option("--overlay-srs", overlaySrs, "the CRS of overlay layers that declare none (EPSG:5899, a PROJ string)");
  cli.add_option("--lang", lang, "the language of the UI, the cards and the map's labels")
      ->check(CLI::IsMember({"vi", "en"}))
      ->capture_default_str();
  cli.add_option("--select", config.select, "open the card of a feature (as share links name it, e.g. pois/123)");
  cli.add_option("--hide", config.hidden, "hide layer groups, comma-separated (water,landuse,buildings,roads,...)");
  cli.add_option("--style", stylePath, "the style file (docs/MAP_STYLE.md); reloaded whenever it changes on disk")
      ->capture_default_str();
  cli.add_option("--theme", config.theme, "the style's theme")
      ->check(CLI::IsMember({"day", "night"}))
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  config.showUi = !noUi;
  config.english = lang == "en";
  if (std::sscanf(size.c_str(), "%dx%d", &width, &height) != 2 || width < 64 || height < 64) {
    std::fprintf(stderr, "citymap-desktop: --size wants WxH, e.g. 1280x800\n");
    return 2;
  }
  if (zoom == zoom) config.zoom = zoom;
  if (bearing == bearing) config.bearing = bearing;
  if (lng == lng && lat == lat) config.center = citymap::geo::LngLat{lng, lat};
  if (!overlaySrs.empty())
    if (auto ok = citymap::ingest::validateCrs(overlaySrs); !ok) {
      std::fprintf(stderr, "citymap-desktop: --overlay-srs: %s\n", ok.error().c_str());
      return 2;
    }
  const auto feedBroker = citymap::desktop::feedEndpoint(feedArg);
  if (!feedBroker) {
    std::fprintf(stderr, "citymap-desktop: --feed: %s\n", feedBroker.error().c_str());
    return 2;
  }

  auto platform = citymap::platform::GlfwPlatform::create(width, height, "citymap · Da Nang");
  if (!platform) {
    std::fprintf(stderr, "citymap-desktop: %s\n", platform.error().c_str());
    return 1;
  }
  citymap::app::MapApp app(*platform.value(), config);
  platform.value()->attach(app);
  // Detach before the app (and its ImGui context) is destroyed, on every path out.
  struct Detach {
    citymap::platform::GlfwPlatform& p;
    ~Detach() { p.detach(); }
  } detachFirst{*platform.value()};
  if (!app.start()) {
    std::fprintf(stderr, "citymap-desktop: %s\n", app.status().error.c_str());
    return 1;
  }
  // The style file: read now (the built-in copy draws meanwhile) and again whenever it changes.
  citymap::desktop::StyleWatcher style(app, stylePath);
  style.poll();
  // Overlays: the --overlay files now, dropped files when they come.
  citymap::desktop::DesktopOverlays overlays(app, *platform.value(), overlaySrs);
  for (const std::string& file : overlayFiles) overlays.open(file);
  platform.value()->setDropHandler([&overlays](const std::vector<std::string>& paths) {
    for (const std::string& path : paths) overlays.open(path);
  });
  // The live feed: its transport wakes the GLFW loop, whose idle hook hands messages to the app.
  std::unique_ptr<citymap::desktop::DesktopFeed> feed;
  if (*feedBroker) {
    auto f = citymap::desktop::DesktopFeed::start(app, **feedBroker, &citymap::platform::GlfwPlatform::wake);
    if (!f) {
      std::fprintf(stderr, "citymap-desktop: --feed: %s\n", f.error().c_str());
      return 2;
    }
    feed = std::move(f).value();
    platform.value()->setIdleHook([&feed, &style] {
      feed->pump();
      style.tick();
    });
  } else {
    platform.value()->setIdleHook([&style] { style.tick(); });
    app.feedConnection({citymap::feeds::ConnectionState::Off, "", "turned off (--feed off)"});
  }
  if (screenshot.empty()) {
    platform.value()->run();
    if (feed) feed->logSummary();
    return 0;
  }
  if (feed) {
    // Up to 5 s for the connection and the retained state, then the feed holds still for the shot.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!feed->settled(1000) && std::chrono::steady_clock::now() < until) {
      platform.value()->drawUntilIdle(1);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    platform.value()->setIdleHook({});
    feed->logSummary();
  }
  const bool idle = platform.value()->drawUntilIdle();
  if (!app.status().error.empty()) {
    std::fprintf(stderr, "citymap-desktop: %s\n", app.status().error.c_str());
    return 1;
  }
  const auto& cam = app.camera();
  const int fw = int(std::lround(cam.width() * cam.pixelRatio())),
            fh = int(std::lround(cam.height() * cam.pixelRatio()));
  // Read back the frame that was just drawn (front buffer after the swap = the back buffer of
  // the next frame, so draw once more without swapping).
  app.frame();
  const auto pixels = app.renderer().readPixels(fw, fh);
  if (!stbi_write_png(screenshot.c_str(), fw, fh, 4, pixels.data(), fw * 4)) {
    std::fprintf(stderr, "citymap-desktop: cannot write %s\n", screenshot.c_str());
    return 1;
  }
  std::printf("citymap-desktop: wrote %s (%dx%d, %s)\n", screenshot.c_str(), fw, fh, idle ? "idle" : "NOT idle");
  return idle ? 0 : 1;
}
