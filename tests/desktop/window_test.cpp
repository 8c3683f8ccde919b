// The desktop window (core/platform/glfw) under Xvfb, in process: the map survives being
// minimised and restored and its framebuffer being resized.
// - Minimised, nothing is drawn (frames asked for meanwhile wait); restored, the map is drawn
//   again exactly as before. Xvfb has no window manager, so glfwIconifyWindow changes nothing
//   there; the test then calls the platform's iconify handler itself, as GLFW's callback does.
// - Resized to a smaller window, the map keeps its centre: the new frame equals the middle of
//   the old one; resized back, it equals the old frame.
// Skipped without Xvfb. The base map is the ingest tests' synthetic streets.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#define GLFW_INCLUDE_ES3
#include <GLFW/glfw3.h>
#include <imgui.h>

#include "app/map_app.hpp"
#include "platform/glfw/glfw_platform.hpp"
#include "test_support.hpp"
#include "ui/hit_test.hpp"
#include "xvfb.hpp"

namespace citymap::desktop_test {
namespace {

namespace fs = std::filesystem;

constexpr geo::LngLat kCentre{108.2125, 16.0600};

struct Shot {
  int w = 0, h = 0;
  std::vector<uint8_t> rgba;
  const uint8_t* at(int x, int y) const { return &rgba[(size_t(y) * size_t(w) + size_t(x)) * 4]; }
};

// The fraction of pixels of `b` that match `a` shifted by (dx, dy) within 2 levels per channel.
double matching(const Shot& a, const Shot& b, int dx, int dy) {
  size_t same = 0;
  for (int y = 0; y < b.h; ++y)
    for (int x = 0; x < b.w; ++x) {
      const uint8_t *p = a.at(x + dx, y + dy), *q = b.at(x, y);
      bool ok = true;
      for (int c = 0; c < 3; ++c) ok = ok && std::abs(int(p[c]) - int(q[c])) <= 2;
      same += ok;
    }
  return double(same) / (double(b.w) * double(b.h));
}

size_t distinctColours(const Shot& s) {
  std::vector<uint32_t> seen;
  for (size_t i = 0; i + 3 < s.rgba.size() && seen.size() < 64; i += 4 * 97) {
    const uint32_t c = uint32_t(s.rgba[i]) << 16 | uint32_t(s.rgba[i + 1]) << 8 | s.rgba[i + 2];
    if (std::find(seen.begin(), seen.end(), c) == seen.end()) seen.push_back(c);
  }
  return seen.size();
}

class DesktopWindow : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    xvfb_ = std::make_unique<testing::Xvfb>(ingest_test::findProgram("Xvfb"));
    if (xvfb_->display().empty()) return;
    tmp_ = std::make_unique<ingest_test::TempDir>("desktop-window");
    const auto base = ingest_test::runIngest({"--quiet", "--out", (*tmp_ / "base.pmtiles").string(),
                                              CITYMAP_SOURCE_DIR "/tests/ingest/fixtures/synthetic.geojson"});
    ASSERT_EQ(base.exitCode, 0) << base.output;
  }
  static void TearDownTestSuite() {
    tmp_.reset();
    xvfb_.reset();
  }
  void SetUp() override {
    if (xvfb_->display().empty()) GTEST_SKIP() << "Xvfb not found or did not start";
  }

  // Lets the X server deliver what the window was asked to do (up to `ms`).
  static void pump(platform::GlfwPlatform& p, const std::function<bool()>& done, int ms = 2000) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!done() && std::chrono::steady_clock::now() < until) {
      glfwPollEvents();
      p.poll();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  static Shot shoot(platform::GlfwPlatform& p, app::MapApp& app) {
    EXPECT_TRUE(p.drawUntilIdle());
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(p.window(), &fw, &fh);
    app.frame();  // the frame just swapped out, drawn again into the back buffer to read it
    return {fw, fh, app.renderer().readPixels(fw, fh)};
  }

  // The synthetic map, centred, at z15.
  static app::AppConfig testMap() {
    app::AppConfig config;
    config.tilesetUrl = (*tmp_ / "base.pmtiles").string();
    config.center = kCentre;
    config.zoom = 15;
    return config;
  }

  static inline std::unique_ptr<testing::Xvfb> xvfb_;
  static inline std::unique_ptr<ingest_test::TempDir> tmp_;
};

TEST_F(DesktopWindow, SurvivesMinimiseRestoreAndResize) {
  auto created = platform::GlfwPlatform::create(800, 600, "citymap window test");
  ASSERT_TRUE(created) << created.error();
  platform::GlfwPlatform& p = **created;
  app::AppConfig config = testMap();
  config.showUi = false;
  config.drawAttribution = false;
  {
    app::MapApp app(p, config);
    p.attach(app);
    ASSERT_TRUE(app.start()) << app.status().error;
    const Shot before = shoot(p, app);
    ASSERT_EQ(before.w, 800);
    ASSERT_EQ(before.h, 600);
    ASSERT_GT(distinctColours(before), 3u) << "the map drew nothing";

    // Minimise: no frame is drawn while the window is away, even when the map asks for one.
    glfwIconifyWindow(p.window());
    pump(
        p, [&] { return p.iconified(); }, 300);
    if (!p.iconified()) p.setIconified(true);  // no window manager under Xvfb
    const uint64_t frames = app.status().framesDrawn;
    app.jumpTo(kCentre, 15.5);
    p.drawUntilIdle(20);
    EXPECT_EQ(app.status().framesDrawn, frames) << "frames were drawn into a minimised window";
    app.jumpTo(kCentre, 15);

    // Restore: drawn again, as before.
    glfwRestoreWindow(p.window());
    pump(
        p, [&] { return !p.iconified(); }, 300);
    if (p.iconified()) p.setIconified(false);
    const Shot restored = shoot(p, app);
    EXPECT_GT(app.status().framesDrawn, frames);
    ASSERT_EQ(restored.w, before.w);
    EXPECT_GE(matching(before, restored, 0, 0), 0.999);

    // A smaller framebuffer: the same centre, so the new frame is the middle of the old one.
    glfwSetWindowSize(p.window(), 640, 480);
    pump(p, [&] { return app.camera().width() == 640 && app.camera().height() == 480; });
    ASSERT_EQ(app.camera().width(), 640);
    ASSERT_EQ(app.camera().height(), 480);
    const Shot smaller = shoot(p, app);
    ASSERT_EQ(smaller.w, 640);
    ASSERT_EQ(smaller.h, 480);
    // Labels near the old frame's edges may be placed differently in the new one.
    EXPECT_GE(matching(before, smaller, 80, 60), 0.97);

    // And back.
    glfwSetWindowSize(p.window(), 800, 600);
    pump(p, [&] { return app.camera().width() == 800; });
    const Shot again = shoot(p, app);
    ASSERT_EQ(again.w, 800);
    EXPECT_GE(matching(before, again, 0, 0), 0.999);
    p.detach();
  }
}

// The panels by keyboard (ImGui's keyboard navigation): Ctrl+Tab puts the keyboard on a panel
// with a visible focus, Space presses its focused control (the first layer toggle); the
// arrows move the focus and do not pan the map meanwhile; Esc gives the keyboard back to the
// map, whose arrows pan again.
// The panels are drawn over the map (GL renderer's UI pass): the same view with and without them
// differs where the map panel is.
TEST_F(DesktopWindow, ThePanelsAreDrawnOverTheMap) {
  auto created = platform::GlfwPlatform::create(800, 600, "citymap panels test");
  ASSERT_TRUE(created) << created.error();
  platform::GlfwPlatform& p = **created;
  app::AppConfig config = testMap();
  const auto draw = [&](bool ui, std::vector<ui::WindowRect>* rects) {
    config.showUi = ui;
    app::MapApp app(p, config);
    p.attach(app);
    EXPECT_TRUE(app.start()) << app.status().error;
    const Shot shot = shoot(p, app);
    if (rects) *rects = ui::windowRects();
    p.detach();
    return shot;
  };
  std::vector<ui::WindowRect> rects;
  const Shot with = draw(true, &rects);
  const Shot without = draw(false, nullptr);
  ASSERT_FALSE(rects.empty()) << "no panel was laid out";
  ASSERT_EQ(with.rgba.size(), without.rgba.size());
  size_t inside = 0, differ = 0;
  for (const ui::WindowRect& r : rects)
    for (int y = std::max(0, int(r.y)); y < std::min(with.h, int(r.y + r.h)); ++y)
      for (int x = std::max(0, int(r.x)); x < std::min(with.w, int(r.x + r.w)); ++x) {
        const size_t i = (size_t(y) * size_t(with.w) + size_t(x)) * 4;
        ++inside;
        int d = 0;
        for (int c = 0; c < 3; ++c) d = std::max(d, std::abs(int(with.rgba[i + c]) - int(without.rgba[i + c])));
        differ += d > 12;
      }
  ASSERT_GT(inside, 1000u);
  EXPECT_GT(double(differ) / double(inside), 0.3)
      << differ << " of " << inside << " pixels under the panels changed: the UI was not drawn";
}

TEST_F(DesktopWindow, ThePanelsAreReachedAndUsedByKeyboard) {
  auto created = platform::GlfwPlatform::create(1024, 700, "citymap keyboard test");
  ASSERT_TRUE(created) << created.error();
  platform::GlfwPlatform& p = **created;
  app::AppConfig config = testMap();
  {
    app::MapApp app(p, config);
    p.attach(app);
    ASSERT_TRUE(app.start()) << app.status().error;
    app.feedConnection({feeds::ConnectionState::Off, "", "off"});
    ASSERT_TRUE(p.drawUntilIdle());
    // GLFW's key callback as installed: ImGui's backend, chained to the app's.
    const GLFWkeyfun keys = glfwSetKeyCallback(p.window(), nullptr);
    glfwSetKeyCallback(p.window(), keys);
    ASSERT_NE(keys, nullptr);
    const auto frames = [&] {
      for (int i = 0; i < 3; ++i) {
        p.requestFrame();
        p.drawUntilIdle(2);
      }
    };
    const auto key = [&](int k, int action, int mods = 0) {
      keys(p.window(), k, 0, action, mods);
      frames();
    };
    const auto tap = [&](int k, int mods = 0) {
      key(k, GLFW_PRESS, mods);
      key(k, GLFW_RELEASE, mods);
    };
    const geo::WorldPoint start = app.camera().center();

    key(GLFW_KEY_LEFT_CONTROL, GLFW_PRESS, GLFW_MOD_CONTROL);
    tap(GLFW_KEY_TAB, GLFW_MOD_CONTROL);
    key(GLFW_KEY_LEFT_CONTROL, GLFW_RELEASE);
    ASSERT_TRUE(ImGui::GetIO().NavActive) << "Ctrl+Tab put the keyboard on no panel";
    EXPECT_TRUE(ImGui::GetIO().WantCaptureKeyboard);
    // Move to a layer toggle and press it: some group is hidden now.
    std::string hidden;
    for (int i = 0; i < 12 && hidden.empty(); ++i) {
      tap(GLFW_KEY_DOWN);
      EXPECT_TRUE(ImGui::GetIO().NavVisible) << "the focus is not shown";
      tap(GLFW_KEY_SPACE);
      hidden = app.status().ui.hidden;
    }
    EXPECT_FALSE(hidden.empty()) << "no layer toggle was reached and pressed by keyboard";
    EXPECT_EQ(app.camera().center().x, start.x) << "the arrows panned the map while a panel had the keyboard";
    EXPECT_EQ(app.camera().center().y, start.y);

    // Esc: back to the map; its arrows pan again.
    tap(GLFW_KEY_ESCAPE);
    EXPECT_FALSE(ImGui::GetIO().WantCaptureKeyboard);
    tap(GLFW_KEY_RIGHT);
    for (int i = 0; i < 30; ++i) frames();  // the animated step
    EXPECT_GT(app.camera().center().x, start.x) << "the map's arrow keys did not come back";
    p.detach();
  }
}

}  // namespace
}  // namespace citymap::desktop_test
