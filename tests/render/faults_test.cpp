// Network faults on the native platform, end to end through MapApp (EGL surfaceless, llvmpipe):
// an archive replaced under an open map is detected and reopened without mixing versions, and
// failed tile fetches are retried until the view is whole. The platform's version pinning is
// checked on its own first.
//   citymap_fault_tests (CITYMAP_FAULT_OLD / CITYMAP_FAULT_NEW name the two archives)
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/map_app.hpp"
#include "platform/egl/egl_context.hpp"
#include "platform/file/file_platform.hpp"

namespace citymap {
namespace {

namespace fs = std::filesystem;
using platform::FilePlatform;

constexpr int kW = 512, kH = 384;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// A scratch copy of an archive that a test may replace the way ingest does (write, rename).
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("citymap-faults-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
  std::string place(const std::string& from, const std::string& name) {
    const fs::path tmp = dir / (name + ".part");
    fs::copy_file(from, tmp, fs::copy_options::overwrite_existing);
    fs::rename(tmp, dir / name);
    return (dir / name).string();
  }
};

Result<std::vector<uint8_t>> fetchNow(FilePlatform& p, const std::string& url, uint64_t offset, uint64_t length) {
  Result<std::vector<uint8_t>> out = Error{"not answered"};
  p.fetch(url, source::ByteRange{offset, length}, [&](Result<std::vector<uint8_t>> r) { out = std::move(r); });
  p.poll();
  return out;
}

TEST(FilePlatform, RangedReadsArePinnedToTheVersionOpened) {
  Scratch s;
  const std::string url = s.place(env("CITYMAP_FAULT_OLD"), "map.pmtiles");
  FilePlatform p;
  ASSERT_TRUE(fetchNow(p, url, 0, 127));
  ASSERT_TRUE(fetchNow(p, url, 200, 100));
  s.place(env("CITYMAP_FAULT_NEW"), "map.pmtiles");  // replaced under the open archive
  const auto stale = fetchNow(p, url, 200, 100);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.errorCode(), ErrorCode::Changed);
  // Reading the header again pins the new version.
  ASSERT_TRUE(fetchNow(p, url, 0, 127));
  EXPECT_TRUE(fetchNow(p, url, 200, 100));
}

TEST(FilePlatform, CancelledFetchIsNeverAnswered) {
  FilePlatform p;
  int answers = 0;
  const source::FetchId a = p.fetch(env("CITYMAP_FAULT_OLD"), source::ByteRange{0, 10}, [&](auto) { ++answers; });
  p.fetch(env("CITYMAP_FAULT_OLD"), source::ByteRange{0, 10}, [&](auto) { ++answers; });
  p.cancelFetch(a);
  p.poll();
  EXPECT_EQ(answers, 1);
}

// Fails the first ranged read of each byte range past the header (directories and tiles) with
// an HTTP-like error, or with a cut-off body, like a flaky network.
class FlakyPlatform : public FilePlatform {
 public:
  source::FetchId fetch(const std::string& url, std::optional<source::ByteRange> range, FetchCallback done) override {
    if (range && range->offset > 0 && failed_.insert(range->offset).second) {
      ++faults;
      if (faults % 2) return answerLater(std::move(done), Error{url + ": HTTP 503"});
      return FilePlatform::fetch(url, source::ByteRange{range->offset, range->length / 2}, std::move(done));
    }
    return FilePlatform::fetch(url, range, std::move(done));
  }
  int faults = 0;

 private:
  std::set<uint64_t> failed_;
};

struct Map {
  explicit Map(FilePlatform& p, const std::string& url, double zoom = 15.55, geo::LngLat center = {108.21, 16.06})
      : platform(p) {
    app::AppConfig config;
    config.tilesetUrl = url;
    config.center = center;
    config.zoom = zoom;
    config.showUi = false;
    config.uiFontUrl = CITYMAP_UI_FONT;
    app = std::make_unique<app::MapApp>(platform, config);
    app->resize(kW, kH, 1);
  }
  // Draws until idle with nothing failed (retries wait for their backoff, in real time).
  bool settle(double seconds = 20) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      platform.runUntilIdle(*app);
      if (app->status().idle && app->status().tiles.failed == 0 && app->status().tiles.pending == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(int(std::min(50.0, platform.msUntilFrame()))));
    }
    return false;
  }
  std::vector<uint8_t> pixels() { return app->renderer().readPixels(kW, kH); }
  FilePlatform& platform;
  std::unique_ptr<app::MapApp> app;
};

// CITYMAP_FAULT_OUT: where to write the images compared (PPM), to look at them.
void save(const std::vector<uint8_t>& rgba, const std::string& name) {
  const std::string dir = env("CITYMAP_FAULT_OUT");
  if (dir.empty() || rgba.size() < size_t(kW * kH * 4)) return;
  std::FILE* f = std::fopen((dir + "/" + name + ".ppm").c_str(), "wb");
  if (!f) return;
  std::fprintf(f, "P6\n%d %d\n255\n", kW, kH);
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) std::fwrite(&rgba[size_t(y * kW + x) * 4], 1, 3, f);
  std::fclose(f);
}

size_t differing(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  size_t n = 0;
  for (size_t i = 0; i + 3 < a.size() && i + 3 < b.size(); i += 4)
    for (int c = 0; c < 4; ++c)
      if (std::abs(int(a[i + c]) - int(b[i + c])) > 8) {
        ++n;
        break;
      }
  return n;
}

class AppFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    if (env("CITYMAP_FAULT_OLD").empty() || env("CITYMAP_FAULT_NEW").empty())
      GTEST_SKIP() << "CITYMAP_FAULT_OLD/NEW are not set";
    auto ctx = platform::EglContext::create(kW, kH);
    if (!ctx) GTEST_FAIL() << "no headless GLES 3 context: " << ctx.error();
    gl_ = std::move(ctx).value();
  }
  std::unique_ptr<platform::EglContext> gl_;
};

// One map at a time: each MapApp owns the process's ImGui context while it lives.
std::vector<uint8_t> drawFresh(const std::string& url, geo::LngLat center, double zoom) {
  FilePlatform p;
  Map m(p, url, zoom, center);
  if (!m.app->start()) return {};
  if (!m.settle()) return {};
  return m.pixels();
}

TEST_F(AppFaults, ArchiveReplacedOnTheServerIsReopenedNotMixed) {
  const geo::LngLat closer{108.2105, 16.0605};
  std::vector<uint8_t> after;
  {
    Scratch s;
    const std::string url = s.place(env("CITYMAP_FAULT_OLD"), "map.pmtiles");
    FilePlatform p;
    Map m(p, url);
    ASSERT_TRUE(m.app->start());
    ASSERT_TRUE(m.settle()) << m.app->status().error;
    s.place(env("CITYMAP_FAULT_NEW"), "map.pmtiles");
    // Zooming in needs tiles the map does not have: their reads meet the new version.
    m.app->jumpTo(closer, 16.4, std::nullopt);
    ASSERT_TRUE(m.settle()) << m.app->status().error;
    EXPECT_EQ(m.app->status().tiles.reloads, 1u);
    EXPECT_TRUE(m.app->status().error.empty()) << m.app->status().error;
    EXPECT_DOUBLE_EQ(m.app->status().zoom, 16.4);  // the view stays where the user left it
    after = m.pixels();
  }
  // The same view drawn by fresh maps of each version: the reloaded map is the new one's, and
  // the two versions look different (so the comparison means something).
  const auto expected = drawFresh(env("CITYMAP_FAULT_NEW"), closer, 16.4);
  const auto oldImage = drawFresh(env("CITYMAP_FAULT_OLD"), closer, 16.4);
  ASSERT_FALSE(expected.empty());
  ASSERT_FALSE(oldImage.empty());
  save(after, "reloaded");
  save(expected, "new");
  save(oldImage, "old");
  EXPECT_LT(differing(after, expected), size_t(kW * kH / 500)) << "the reloaded map differs from the new archive's";
  EXPECT_GT(differing(oldImage, expected), size_t(kW * kH / 20)) << "the two versions should look different";
}

TEST_F(AppFaults, FailedTileFetchesAreRetriedUntilTheViewIsWhole) {
  FlakyPlatform flaky;
  Map m(flaky, env("CITYMAP_FAULT_OLD"), 16.2);
  ASSERT_TRUE(m.app->start());
  ASSERT_TRUE(m.settle()) << "tiles still failing: " << m.app->status().tiles.failed;
  const app::TileStatus& t = m.app->status().tiles;
  EXPECT_GT(flaky.faults, 2);
  EXPECT_GE(t.errors, uint64_t(flaky.faults) / 2);  // leaf directories count once per tile waiting on them
  EXPECT_GE(t.retries, 1u);
  EXPECT_EQ(t.failed, 0);
  const auto image = m.pixels();
  m.app.reset();
  const auto reference = drawFresh(env("CITYMAP_FAULT_OLD"), {108.21, 16.06}, 16.2);
  ASSERT_FALSE(reference.empty());
  EXPECT_LT(differing(image, reference), size_t(kW * kH / 500));
}

}  // namespace
}  // namespace citymap
