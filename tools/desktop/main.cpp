// citymap desktop app: the same core as the browser client in a GLFW window (OpenGL ES 3).
//   citymap-desktop [--tiles PATH] [--lng X --lat Y --zoom Z] [--size WxH] [--no-ui]
//                   [--screenshot out.png]   (draw until idle, save the window, exit)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include "platform/glfw/glfw_platform.hpp"

namespace {

void usage() {
  std::puts(
      "usage: citymap-desktop [--tiles PATH] [--lng X --lat Y] [--zoom Z] [--size WxH] [--no-ui]\n"
      "                       [--screenshot out.png]\n"
      "  --tiles PATH       a .pmtiles archive or a folder with tileset.json\n"
      "                     (default: build/tiles/danang.pmtiles)\n"
      "  --screenshot PNG   draw until every tile is shown, save the frame, exit");
}

}  // namespace

int main(int argc, char** argv) {
  citymap::app::AppConfig config;
  config.tilesetUrl = "build/tiles/danang.pmtiles";
  std::string screenshot;
  int width = 1280, height = 800;
  double lng = NAN, lat = NAN;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const char* next = i + 1 < argc ? argv[i + 1] : nullptr;
    if (a == "--help" || a == "-h") { usage(); return 0; }
    if (a == "--no-ui") { config.showUi = false; continue; }
    if (!next) { std::fprintf(stderr, "citymap-desktop: %s needs a value\n", argv[i]); return 2; }
    if (a == "--tiles") config.tilesetUrl = argv[++i];
    else if (a == "--lng") lng = std::atof(argv[++i]);
    else if (a == "--lat") lat = std::atof(argv[++i]);
    else if (a == "--zoom") config.zoom = std::atof(argv[++i]);
    else if (a == "--screenshot") screenshot = argv[++i];
    else if (a == "--size") {
      if (std::sscanf(argv[++i], "%dx%d", &width, &height) != 2 || width < 64 || height < 64) {
        std::fprintf(stderr, "citymap-desktop: --size wants WxH, e.g. 1280x800\n");
        return 2;
      }
    } else { std::fprintf(stderr, "citymap-desktop: unknown option %s\n", argv[i]); usage(); return 2; }
  }
  if (lng == lng && lat == lat) config.center = citymap::geo::LngLat{lng, lat};

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
  if (screenshot.empty()) {
    platform.value()->run();
    return 0;
  }
  const bool idle = platform.value()->drawUntilIdle();
  if (!app.status().error.empty()) {
    std::fprintf(stderr, "citymap-desktop: %s\n", app.status().error.c_str());
    return 1;
  }
  const auto& cam = app.camera();
  const int fw = int(std::lround(cam.width() * cam.pixelRatio())), fh = int(std::lround(cam.height() * cam.pixelRatio()));
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
