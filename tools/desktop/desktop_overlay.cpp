#include "desktop_overlay.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <utility>

#include "geo/mercator.hpp"
#include "ingest/overlay.hpp"

namespace citymap::desktop {

DesktopOverlays::DesktopOverlays(app::MapApp& app, platform::GlfwPlatform& platform, std::string assumeCrs)
    : app_(app), platform_(platform), assumeCrs_(std::move(assumeCrs)) {}

void DesktopOverlays::waitForMap() {
  // Each poll() delivers the fetches queued so far (the archive's header, then its metadata).
  for (int i = 0; i < 100 && !app_.status().ready && app_.status().error.empty(); ++i)
    if (platform_.poll() == 0) break;
}

bool DesktopOverlays::open(const std::string& path) {
  waitForMap();
  const std::string name = std::filesystem::path(path).filename().string();
  // A URL of our own for the archive in memory (".pmtiles": the app reads it as an archive).
  const std::string url = "overlay:" + std::to_string(++opened_) + ".pmtiles";
  ingest::OverlayOptions options;
  options.assumeCrs = assumeCrs_;
  options.threads = std::max(1u, std::thread::hardware_concurrency());
  auto overlay = ingest::buildOverlay(path, options);
  if (!overlay) {
    std::fprintf(stderr, "citymap-desktop: overlay %s: %s\n", path.c_str(), overlay.error().c_str());
    // The app shows it in its status line (after the file's name) when it opens the overlay's URL.
    std::string message = overlay.error();
    if (message.starts_with(path + ": ")) message.erase(0, path.size() + 2);
    platform_.serve(url, Error{message});
    app_.addOverlay(url, name);
    return false;
  }
  std::printf("citymap-desktop: %s\n", ingest::overlaySummary(*overlay).c_str());
  std::fflush(stdout);

  // Jump to the overlay when none of it is in view: its centre, zoomed to fit (90 % of the view).
  const geo::WorldPoint nw = geo::toWorld({overlay->west, overlay->north});
  const geo::WorldPoint se = geo::toWorld({overlay->east, overlay->south});
  const geo::WorldBox box{nw.x, nw.y, se.x, se.y};
  const geo::WorldBox view = app_.camera().visibleBounds();
  const bool visible = box.minx <= view.maxx && box.maxx >= view.minx && box.miny <= view.maxy && box.maxy >= view.miny;
  const double wide = std::max(box.maxx - box.minx, 1e-12), high = std::max(box.maxy - box.miny, 1e-12);
  const double fit =
      std::log2(0.9 * std::min(app_.camera().width() / (512 * wide), app_.camera().height() / (512 * high)));
  const double zoom = std::clamp(fit, 0.0, 16.0);
  const geo::LngLat centre = geo::fromWorld({(box.minx + box.maxx) / 2, (box.miny + box.maxy) / 2});

  platform_.serve(url, std::move(overlay->archive));
  app_.addOverlay(url, name);
  if (!visible) {
    std::printf("citymap-desktop: overlay %s is outside the view: going to %.5f, %.5f at z%.1f\n", name.c_str(),
                centre.lng, centre.lat, zoom);
    app_.jumpTo(centre, zoom);
  }
  return true;
}

}  // namespace citymap::desktop
