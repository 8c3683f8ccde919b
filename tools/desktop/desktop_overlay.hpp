#pragma once
// The desktop app's overlays (docs/OVERLAY.md): `--overlay FILE`, `--overlay-srs CRS` and files
// dropped onto the window. Each file is converted with the ingest library
// (ingest::buildOverlay: GDAL/PROJ, tiler, PMTiles writer) into an archive kept in memory, served
// to the app by the platform (GlfwPlatform::serve) and drawn above the map
// (MapApp::addOverlay). A one-line summary goes to stdout; an error goes to stderr and to the
// app's status line (the overlay's URL then answers with the error). The view jumps to an overlay
// that lies outside it.
#include <string>

#include "app/map_app.hpp"
#include "platform/glfw/glfw_platform.hpp"

namespace citymap::desktop {

class DesktopOverlays {
 public:
  // `assumeCrs`: the CRS of layers that declare none (--overlay-srs; "" = such files fail).
  DesktopOverlays(app::MapApp& app, platform::GlfwPlatform& platform, std::string assumeCrs);

  // Converts and adds `path`; false if it failed (the error is reported as above).
  bool open(const std::string& path);

 private:
  // Delivers the base tileset so that the map's default view is set before an overlay moves it.
  void waitForMap();

  app::MapApp& app_;
  platform::GlfwPlatform& platform_;
  std::string assumeCrs_;
  int opened_ = 0;
};

}  // namespace citymap::desktop
