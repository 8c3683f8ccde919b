// Golden-image render test: renders one case folder (case.json + tiles ingested from its
// inputs) headless on Mesa (EGL surfaceless, llvmpipe) and compares with expected.png.
//   citymap_render_test CASE_DIR TILES_DIR OUT_DIR [--update]
// On failure it writes OUT_DIR/actual.png and OUT_DIR/diff.png; --update rewrites expected.png.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include "app/map_app.hpp"
#include "feeds/feed_batch.hpp"
#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"
#include "frame/frame_renderer.hpp"
#include "platform/egl/egl_context.hpp"
#include "platform/file/file_platform.hpp"

namespace {

struct Image {
  int w = 0, h = 0;
  std::vector<uint8_t> rgba;
};

bool loadPng(const std::string& path, Image& out) {
  int n = 0;
  uint8_t* data = stbi_load(path.c_str(), &out.w, &out.h, &n, 4);
  if (!data) return false;
  out.rgba.assign(data, data + size_t(out.w) * size_t(out.h) * 4);
  stbi_image_free(data);
  return true;
}

bool savePng(const std::string& path, const Image& img) {
  return stbi_write_png(path.c_str(), img.w, img.h, 4, img.rgba.data(), img.w * 4) != 0;
}

// Feed messages from the case's JSON: {"kind": "traffic"|"sensor"|"incident"|"bus", ...fields}.
citymap::Result<std::vector<std::pair<std::string, std::vector<uint8_t>>>> feedMessages(const nlohmann::json& list,
                                                                                        int64_t nowMs,
                                                                                        uint64_t sequence = 0) {
  using namespace citymap::feeds;
  std::vector<std::pair<std::string, std::vector<uint8_t>>> out;
  for (const auto& j : list) {
    FeedMessage m;
    m.source = "render-test";
    m.sequence = ++sequence;
    m.timestampMs = nowMs;
    m.simulated = true;
    const std::string kind = j.value("kind", "");
    const auto lngLat = [](const nlohmann::json& p) { return LngLat{p.at(0).get<double>(), p.at(1).get<double>()}; };
    if (kind == "traffic") {
      m.payload = TrafficUpdate{j.at("segment").get<uint64_t>(), j.at("speed").get<float>(),
                                j.at("free_flow").get<float>(), Congestion(j.at("congestion").get<int>())};
    } else if (kind == "sensor") {
      SensorReading r;
      r.stationId = j.at("id").get<uint64_t>();
      r.kind = citymap::tile::IocKind::FloodStation;
      r.position = lngLat(j.at("position"));
      r.value = j.at("value").get<float>();
      r.thresholds = j.at("thresholds").get<std::vector<float>>();
      m.payload = r;
    } else if (kind == "incident") {
      Incident in;
      in.incidentId = j.at("id").get<uint64_t>();
      in.kind = IncidentKind(j.at("incident").get<int>());
      in.severity = Severity(j.at("severity").get<int>());
      in.point = lngLat(j.at("point"));
      for (const auto& p : j.value("area", nlohmann::json::array())) in.area.push_back(lngLat(p));
      in.titleVi = in.titleEn = j.value("title", "");
      in.startMs = nowMs - 60'000;
      in.expiryMs = nowMs + 3'600'000;
      for (const auto& id : j.value("segments", nlohmann::json::array())) in.segmentIds.push_back(id.get<uint64_t>());
      m.payload = in;
    } else if (kind == "bus") {
      BusReport b;
      b.vehicleId = j.at("id").get<uint64_t>();
      b.route = j.at("route").get<std::string>();
      b.position = lngLat(j.at("position"));
      b.bearingDeg = j.at("bearing").get<float>();
      m.payload = b;
    } else {
      return citymap::Error{"unknown feed message kind '" + kind + "'"};
    }
    out.emplace_back(feedTopic("danang", m.kind(), m.entityId()), encodeFeedMessage(m));
  }
  return out;
}

// What a frame's draw list holds, in words: each step's kind and size, each layer draw's layer
// and tile count. Equal for equal frames, whatever renderer executed them.
std::string describe(const citymap::frame::DrawList& list) {
  using citymap::frame::Step;
  std::ostringstream out;
  for (const Step& s : list.steps) {
    if (s.kind == Step::Kind::Tiles) {
      out << "tiles " << s.tileCount << " masked " << s.maskedTiles << ":";
      for (uint32_t l = s.first; l < s.first + s.count; ++l)
        out << " " << list.layers[l].layer << "x" << list.layers[l].itemCount;
    } else if (s.kind == Step::Kind::Markers) {
      out << "markers " << s.markers->indices.size();
    } else {
      out << "glyphs " << s.labels->indices.size();
    }
    out << "\n";
  }
  return out.str();
}

int fail(const std::string& message) {
  std::fprintf(stderr, "render test: %s\n", message.c_str());
  return 1;
}

// The app's configuration for a case (case.json).
citymap::app::AppConfig caseConfig(const nlohmann::json& spec, const std::string& caseDir,
                                   const std::string& tilesDir) {
  citymap::app::AppConfig config;
  config.tilesetUrl = tilesDir;
  config.center = citymap::geo::LngLat{spec.at("center")[0], spec.at("center")[1]};
  config.zoom = spec.at("zoom").get<double>();
  if (spec.contains("bearing")) config.bearing = spec.at("bearing").get<double>();  // degrees, default 0
  config.showUi = false;
  config.uiFontUrl = CITYMAP_UI_FONT;                  // the labels' font
  config.iconSpriteUrl = CITYMAP_ICONS_DIR "/sprite";  // the POI icons (assets/icons)
  // "theme": a theme of the style ("night"); "style": a style file in the case folder instead of
  // the default one (e.g. one layer type alone); "lang": "en" for English labels.
  config.theme = spec.value("theme", "day");
  if (spec.contains("style")) config.styleUrl = caseDir + "/" + spec.at("style").get<std::string>();
  config.english = spec.value("lang", "vi") == "en";
  return config;
}

}  // namespace

// --feed-batch CASE_DIR OUT_FILE: the case's live messages ("feed"), stamped now, framed as the
// browser's feed worker hands them to the core (feeds/feed_batch.hpp), for the browser golden
// test (tests/e2e/browser_test.mjs --feed-batch). With "feed_later" (replay): those messages,
// stamped 2 s later, in OUT_FILE.later, and OUT_FILE.json {"replayAtMs": T}, T between the two.
int writeBatch(const nlohmann::json& list, int64_t stampMs, uint64_t sequence, const std::string& file) {
  auto messages = feedMessages(list, stampMs, sequence);
  if (!messages) return fail("case.json feed: " + messages.error());
  std::vector<uint8_t> batch;
  for (const auto& [topic, payload] : messages.value())
    if (!citymap::feeds::appendFramedMessage(batch, topic, payload)) return fail("a message does not fit a frame");
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(batch.data()), std::streamsize(batch.size()));
  if (!out) return fail("cannot write " + file);
  std::printf("render test: %zu feed messages (%zu bytes) in %s\n", messages->size(), batch.size(), file.c_str());
  return 0;
}

int writeFeedBatch(const std::string& caseDir, const std::string& outFile) {
  std::ifstream caseFile(caseDir + "/case.json");
  const auto spec = nlohmann::json::parse(caseFile, nullptr, false);
  if (spec.is_discarded() || !spec.contains("feed")) return fail(caseDir + "/case.json has no \"feed\"");
  citymap::platform::FilePlatform platform;
  const auto now = int64_t(platform.epochMs());
  if (int rc = writeBatch(spec.at("feed"), now, 0, outFile)) return rc;
  std::filesystem::remove(outFile + ".later");
  std::filesystem::remove(outFile + ".json");
  if (!spec.contains("feed_later")) return 0;
  if (int rc = writeBatch(spec.at("feed_later"), now + 2000, 1000, outFile + ".later")) return rc;
  std::ofstream replay(outFile + ".json");
  replay << nlohmann::json{{"replayAtMs", now + 1000}}.dump() << "\n";
  return replay ? 0 : fail("cannot write " + outFile + ".json");
}

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--feed-batch") return writeFeedBatch(argv[2], argv[3]);
  if (argc < 4) return fail("usage: citymap_render_test CASE_DIR TILES_DIR OUT_DIR [--update | --time]");
  const std::string caseDir = argv[1], tilesDir = argv[2], outDir = argv[3];
  const bool update = argc > 4 && std::string(argv[4]) == "--update";
  // --time: no comparison; redraws the settled view 200 times and prints the CPU frame times.
  const bool timing = argc > 4 && std::string(argv[4]) == "--time";

  std::ifstream caseFile(caseDir + "/case.json");
  const auto spec = nlohmann::json::parse(caseFile, nullptr, false);
  if (spec.is_discarded()) return fail(caseDir + "/case.json is missing or not JSON");
  // size: CSS px; "dpr" (default 1): the images are size x dpr device pixels (hi-DPI).
  const double dpr = spec.value("dpr", 1.0);
  const int cssWidth = spec.at("size")[0], cssHeight = spec.at("size")[1];
  const int width = int(std::lround(cssWidth * dpr)), height = int(std::lround(cssHeight * dpr));
  const double threshold = spec.at("native").at("threshold"), allowed = spec.at("native").at("allowed_fraction");

  auto gl = citymap::platform::EglContext::create(width, height);
  if (!gl) return fail("no headless GLES 3 context: " + gl.error());

  const citymap::app::AppConfig config = caseConfig(spec, caseDir, tilesDir);
  // The same case without GL first (frame::NullRenderer: no context at all): the app runs to
  // idle, and its last frame's draw list must be the one the GL run executes below.
  std::string nullFrame;
  if (!update && !timing && !spec.contains("feed_later")) {
    citymap::platform::FilePlatform platform;
    citymap::app::MapApp app(platform, config, std::make_unique<citymap::frame::NullRenderer>());
    app.resize(cssWidth, cssHeight, dpr);
    if (!app.start()) return fail("without GL: " + app.status().error);
    if (spec.contains("feed")) {
      auto messages = feedMessages(spec.at("feed"), int64_t(platform.epochMs()));
      if (!messages) return fail("case.json feed: " + messages.error());
      for (const auto& [topic, payload] : messages.value()) app.feedMessage(topic, payload);
    }
    if (!platform.runUntilIdle(app)) return fail("without GL, the map never became idle: " + app.status().error);
    nullFrame = describe(app.drawList());
  }

  citymap::platform::FilePlatform platform;
  citymap::app::MapApp app(platform, config);
  app.resize(cssWidth, cssHeight, dpr);
  if (!app.start()) return fail(app.status().error);
  // Live feed messages (case.json "feed"), stamped with the current time so they are fresh.
  if (spec.contains("feed")) {
    auto messages = feedMessages(spec.at("feed"), int64_t(platform.epochMs()));
    if (!messages) return fail("case.json feed: " + messages.error());
    for (const auto& [topic, payload] : messages.value()) app.feedMessage(topic, payload);
  }
  if (!platform.runUntilIdle(app)) return fail("the map never became idle: " + app.status().error);
  if (!app.status().error.empty()) return fail(app.status().error);
  // "style_error": the case's style file is broken on purpose: the error must be reported (this
  // text in it, with the file's line and column) and the map keeps the style it had.
  if (spec.contains("style_error")) {
    const std::string want = spec.at("style_error").get<std::string>();
    if (app.status().styleError.find(want) == std::string::npos)
      return fail("expected a style error containing \"" + want + "\", got \"" + app.status().styleError + "\"");
    std::printf("render test %s: style error reported: %s\n", caseDir.c_str(), app.status().styleError.c_str());
  } else if (!app.status().styleError.empty()) {
    return fail("style error: " + app.status().styleError);
  }
  if (app.pyramid()->stats().failed > 0) return fail("tile errors: " + app.pyramid()->stats().lastError);
  // Replay (case.json "feed_later"): T is now, when the map shows "feed"; then later messages
  // change the live state (checked: the live image must no longer match the golden one); then
  // the time slider goes back to T, and the image must be the golden one again: the map shows
  // at T what the feed said at T.
  if (spec.contains("feed_later")) {
    const auto t = int64_t(platform.epochMs());
    while (int64_t(platform.epochMs()) < t + 20) {
    }
    auto later = feedMessages(spec.at("feed_later"), int64_t(platform.epochMs()), 1000);
    if (!later) return fail("case.json feed_later: " + later.error());
    for (const auto& [topic, payload] : later.value()) app.feedMessage(topic, payload);
    app.frame();  // live data does not make the map busy: draw it now
    if (!platform.runUntilIdle(app)) return fail("the map never became idle after feed_later");
    const Image now{width, height, app.renderer().readPixels(width, height)};
    savePng(outDir + "/live-later.png", now);
    Image expected;
    if (!loadPng(caseDir + "/expected.png", expected)) return fail("cannot read " + caseDir + "/expected.png");
    size_t changed = 0;
    for (size_t i = 0; i < now.rgba.size() && expected.rgba.size() == now.rgba.size(); i += 4)
      changed += std::abs(int(now.rgba[i]) - int(expected.rgba[i])) +
                     std::abs(int(now.rgba[i + 1]) - int(expected.rgba[i + 1])) >
                 60;
    if (changed < 200)
      return fail("feed_later changed only " + std::to_string(changed) +
                  " pixels: the replay check would prove nothing");
    app.replayAt(t);
    if (!app.helpLayer().replaying()) return fail("the history does not cover the time of feed");
    app.frame();
    if (!platform.runUntilIdle(app)) return fail("the map never became idle in replay");
    std::printf("render test %s: live state after feed_later differs in %zu pixels; replaying T\n", caseDir.c_str(),
                changed);
  }

  if (timing) {
    const citymap::geo::LngLat c = app.camera().centerLngLat();
    const double zoom = app.camera().zoom();
    std::vector<double> ms;
    for (int i = 0; i < 200; ++i) {
      app.jumpTo(c, zoom);  // the same view: a redraw
      app.frame();
      app.renderer().readPixels(1, 1);  // waits for the GPU: no queue builds up
      ms.push_back(app.frameTimes().back());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("render test %s: bearing %.0f, %d draw calls, CPU frame median %.3f ms, p90 %.3f ms\n", caseDir.c_str(),
                app.camera().bearing(), app.renderer().stats().drawCalls, ms[ms.size() / 2], ms[ms.size() * 9 / 10]);
    return 0;
  }
  // The GL renderer drew exactly the list: its own count of draw calls is the list's.
  const citymap::frame::RenderStats listed = citymap::frame::countDraws(app.drawList());
  const citymap::frame::RenderStats& drawn = app.renderer().stats();
  if (drawn.drawCalls != listed.drawCalls || drawn.triangles != listed.triangles) {
    std::ostringstream m;
    m << "the GL renderer made " << drawn.drawCalls << " draw calls (" << drawn.triangles
      << " triangles), the draw list has " << listed.drawCalls << " (" << listed.triangles << ")";
    return fail(m.str());
  }
  if (!nullFrame.empty() && nullFrame != describe(app.drawList()))
    return fail("the frame drawn without GL differs:\n" + nullFrame + "--- with GL:\n" + describe(app.drawList()));
  if (!nullFrame.empty())
    std::printf("render test %s: the frame without GL has the same draw list (%d draw calls)\n", caseDir.c_str(),
                listed.drawCalls);
  const Image actual{width, height, app.renderer().readPixels(width, height)};
  if (!savePng(outDir + "/actual.png", actual)) return fail("cannot write " + outDir + "/actual.png");
  const std::string expectedPath = caseDir + "/expected.png";
  if (update) {
    if (!savePng(expectedPath, actual)) return fail("cannot write " + expectedPath);
    std::printf("render test: updated %s\n", expectedPath.c_str());
    return 0;
  }
  Image expected;
  if (!loadPng(expectedPath, expected))
    return fail("cannot read " + expectedPath + " (run with --update to create it)");
  if (expected.w != width || expected.h != height)
    return fail("size mismatch: expected " + std::to_string(expected.w) + "x" + std::to_string(expected.h));

  // A pixel differs when any channel differs by more than threshold * 255.
  Image diff{width, height, std::vector<uint8_t>(actual.rgba.size())};
  size_t differing = 0;
  const int limit = int(threshold * 255);
  for (size_t i = 0; i < actual.rgba.size(); i += 4) {
    int d = 0;
    for (int c = 0; c < 3; ++c) d = std::max(d, std::abs(int(actual.rgba[i + c]) - int(expected.rgba[i + c])));
    const bool bad = d > limit;
    differing += bad;
    for (int c = 0; c < 3; ++c)
      diff.rgba[i + c] = bad ? (c == 0 ? 255 : 0) : uint8_t(255 - (255 - actual.rgba[i + c]) / 4);
    diff.rgba[i + 3] = 255;
  }
  const double fraction = double(differing) / (double(width) * height);
  std::printf("render test %s: %zu of %d pixels differ (%.4f%%, allowed %.4f%%)\n", caseDir.c_str(), differing,
              width * height, fraction * 100, allowed * 100);
  if (fraction > allowed) {
    savePng(outDir + "/diff.png", diff);
    return fail("image differs from " + expectedPath + "; see " + outDir + "/actual.png and diff.png");
  }
  return 0;
}
