#include "app/map_app.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "geo/mercator.hpp"
#include "style/style.hpp"

namespace citymap::app {

namespace {
constexpr size_t kFrameHistory = 120;
}

MapApp::MapApp(Platform& platform, AppConfig config) : platform_(platform), config_(std::move(config)) {
  visible_.fill(true);
  if (config_.showUi) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // no imgui.ini next to the user's files
    ImGui::StyleColorsLight();
  }
}

MapApp::~MapApp() {
  if (config_.showUi) {
    imgui_.reset();
    ImGui::DestroyContext();
  }
}

bool MapApp::start() {
  if (started_) return true;
  started_ = true;
  auto ok = renderer_.init();
  if (!ok) {
    status_.error = ok.error();
    platform_.publishStatus(status_);
    return false;
  }
  if (config_.showUi) {
    imgui_ = std::make_unique<render::ImGuiRenderer>();
    if (auto ui = imgui_->init(); !ui) {
      status_.error = ui.error();
      platform_.publishStatus(status_);
      return false;
    }
  }
  source_ = source::openSource(config_.tilesetUrl,
                                [this](const std::string& url, std::optional<source::ByteRange> range,
                                       source::BytesCallback done) { platform_.fetch(url, range, std::move(done)); });
  source_->open([this](Result<tile::Tileset> tileset) { onTileset(std::move(tileset)); });
  invalidate();
  return true;
}

void MapApp::onTileset(Result<tile::Tileset> tileset) {
  if (!tileset) {
    status_.error = tileset.error();
    invalidate();
    return;
  }
  // Overzoom past the data's maximum zoom; a little underzoom below its minimum.
  camera_.setZoomRange(tileset->minZoom - 1, 20);
  camera_.jumpTo(config_.center.value_or(tileset->center), config_.zoom.value_or(tileset->centerZoom));
  status_.attribution = tileset->attribution;
  pyramid_ = std::make_unique<scene::TilePyramid>(std::move(tileset).value(), style::defaultStyle());
  status_.ready = true;
  invalidate();
}

void MapApp::requestTile(const geo::TileID& id) {
  source_->fetchTile(id, [this, id](Result<std::vector<uint8_t>> bytes) {
    if (!pyramid_->onTileData(id, std::move(bytes)))
      std::fprintf(stderr, "citymap: %s\n", pyramid_->stats().lastError.c_str());
    invalidate();
  });
}

void MapApp::invalidate() {
  dirty_ = true;
  uiFollowUp_ = config_.showUi;
  status_.idle = false;
  platform_.requestFrame();
}

void MapApp::resize(double widthCss, double heightCss, double pixelRatio) {
  camera_.setViewport(widthCss, heightCss, pixelRatio);
  invalidate();
}

bool MapApp::uiWantsPointer() const { return config_.showUi && ImGui::GetIO().WantCaptureMouse; }

void MapApp::pointerDown(double x, double y) {
  cursor_ = geo::ScreenPoint{x, y};
  if (!uiWantsPointer()) dragFrom_ = cursor_;
  invalidate();
}

void MapApp::pointerMove(double x, double y) {
  if (dragFrom_) {
    camera_.panBy(x - dragFrom_->x, y - dragFrom_->y);
    dragFrom_ = geo::ScreenPoint{x, y};
  }
  cursor_ = geo::ScreenPoint{x, y};
  invalidate();
}

void MapApp::pointerUp() {
  dragFrom_.reset();
  invalidate();
}

void MapApp::pointerLeave() {
  cursor_.reset();
  invalidate();
}

void MapApp::wheel(double x, double y, double deltaY) {
  if (uiWantsPointer()) return;
  // About one zoom level per 300 px of scrolling (a mouse notch is ~100 px), capped per event.
  const double dz = std::clamp(-deltaY / 300.0, -1.0, 1.0);
  camera_.zoomAround({x, y}, camera_.zoom() + dz);
  invalidate();
}

void MapApp::jumpTo(geo::LngLat center, double zoom) {
  camera_.jumpTo(center, zoom);
  invalidate();
}

void MapApp::feedMessage(std::string_view topic, std::span<const uint8_t> payload) {
  feeds_.enqueue(topic, payload, int64_t(platform_.epochMs()));
  invalidate();
}

void MapApp::feedConnection(const feeds::ConnectionStatus& status) {
  if (status_.feed.connection == status) return;
  status_.feed.connection = status;
  ++status_.feed.version;
  invalidate();
}

// Applies queued messages and refreshes the summary the host page and the tests read.
void MapApp::updateFeeds() {
  const double now = platform_.epochMs();
  const int64_t nowMs = int64_t(now);
  // Bounded work per frame; what is left stays queued (the queue itself is bounded).
  if (feeds_.queued() > 0) {
    feeds_.drain(nowMs, 20'000);
    if (feeds_.queued() > 0) invalidate();
  }
  if (now - lastPruneMs_ > 1000) {
    feeds_.prune(nowMs);
    lastPruneMs_ = now;
  }
  // The summary is rebuilt at most 4 times a second.
  if (now - lastFeedSummaryMs_ < 250) return;
  lastFeedSummaryMs_ = now;
  FeedSummary& f = status_.feed;
  FeedSummary next;
  next.connection = f.connection;
  next.newestAgeMs = feeds_.newestTimestampMs() > 0 ? std::max(0.0, now - double(feeds_.newestTimestampMs())) : -1;
  for (int k = 0; k < feeds::kFeedKindCount; ++k) next.entities[size_t(k)] = int(feeds_.count(feeds::FeedKind(k)));
  const feeds::FeedCounters& c = feeds_.counters();
  next.received = c.received;
  next.accepted = c.accepted;
  next.dropped = c.dropped();
  next.droppedMalformed = c.droppedMalformed;
  next.droppedUnknown = c.droppedUnknown;
  next.simulated = feeds_.sawSimulated();
  for (const auto* a : feeds_.alerts(nowMs)) {
    AlertSummary s;
    s.id = a->value.incidentId;
    s.severity = int(a->value.severity);
    s.kind = int(a->value.kind);
    s.titleVi = a->value.titleVi;
    s.titleEn = a->value.titleEn;
    std::optional<feeds::LngLat> p = a->value.point;
    if (!p && !a->value.area.empty()) p = a->value.area.front();
    if (p) {
      s.hasPosition = true;
      s.lng = p->lng;
      s.lat = p->lat;
    }
    next.alerts.push_back(std::move(s));
  }
  // The age alone changing (every call) does not count as a new version.
  const bool changed = next.entities != f.entities || next.received != f.received || next.simulated != f.simulated ||
                       next.alerts != f.alerts || (next.newestAgeMs < 0) != (f.newestAgeMs < 0);
  next.version = f.version + (changed ? 1 : 0);
  f = std::move(next);
}

void MapApp::drawUi() {
  ui::PanelModel model;
  model.zoom = camera_.zoom();
  if (cursor_) model.cursor = geo::fromWorld(camera_.screenToWorld(*cursor_));
  model.frameMs = frameTimes_.empty() ? 0 : frameTimes_.back();
  const double now = platform_.nowMs();
  model.fps = double(std::count_if(presentTimes_.begin(), presentTimes_.end(), [now](double t) { return now - t <= 1000; }));
  if (pyramid_) {
    const auto& s = pyramid_->stats();
    model.tilesLoaded = s.loaded;
    model.tilesPending = s.pending;
    model.tilesFailed = s.failed;
    model.lastError = s.lastError;
    if (config_.drawAttribution) model.attribution = pyramid_->tileset().attribution;
  }
  if (!status_.error.empty()) model.lastError = status_.error;
  model.drawCalls = renderer_.stats().drawCalls;
  model.triangles = renderer_.stats().triangles;

  ImGui::NewFrame();
  const ui::PanelActions a = ui::drawMapPanel(model, visible_, float(camera_.width()), float(camera_.height()));
  ImGui::Render();
  imgui_->draw(ImGui::GetDrawData());

  const geo::ScreenPoint middle{camera_.width() / 2, camera_.height() / 2};
  if (a.zoomIn) camera_.zoomAround(middle, std::round(camera_.zoom()) + 1);
  if (a.zoomOut) camera_.zoomAround(middle, std::round(camera_.zoom()) - 1);
  if (a.resetView && pyramid_) camera_.jumpTo(config_.center.value_or(pyramid_->tileset().center),
                                              config_.zoom.value_or(pyramid_->tileset().centerZoom));
  if (a.zoomIn || a.zoomOut || a.resetView || a.layersChanged) invalidate();
}

void MapApp::frame() {
  const double t0 = platform_.nowMs();
  dirty_ = false;
  static const std::vector<scene::DrawTile> kNoTiles;
  updateFeeds();
  if (pyramid_) pyramid_->update(camera_, [this](const geo::TileID& id) { requestTile(id); });
  renderer_.render({camera_, style::defaultStyle(), pyramid_ ? pyramid_->drawList() : kNoTiles, visible_});
  if (config_.showUi) drawUi();

  const double t1 = platform_.nowMs();
  frameTimes_.push_back(t1 - t0);
  presentTimes_.push_back(t1);
  if (frameTimes_.size() > kFrameHistory) frameTimes_.pop_front();
  if (presentTimes_.size() > kFrameHistory) presentTimes_.pop_front();

  ++status_.framesDrawn;
  // ImGui sizes auto-resizing windows from the previous frame's content: after a change, one
  // more frame lets the panel fit what it now shows (without counting as a new change).
  if (config_.showUi && (status_.framesDrawn < 3 || uiFollowUp_)) {
    uiFollowUp_ = false;
    dirty_ = true;
    platform_.requestFrame();
  }
  status_.tilesLoaded = pyramid_ ? pyramid_->stats().loaded : 0;
  status_.idle = status_.ready && !dirty_ && pyramid_ && pyramid_->complete();
  const geo::LngLat c = camera_.centerLngLat();
  status_.zoom = camera_.zoom();
  status_.lng = c.lng;
  status_.lat = c.lat;
  platform_.publishStatus(status_);
}

}  // namespace citymap::app
