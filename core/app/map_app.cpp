#include "app/map_app.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "geo/mercator.hpp"
#include "live/traffic_state.hpp"
#include "style/style.hpp"
#include "ui/label_fonts.hpp"

namespace citymap::app {

namespace {
constexpr size_t kFrameHistory = 120;
}

MapApp::MapApp(Platform& platform, AppConfig config) : platform_(platform), config_(std::move(config)) {
  visible_.fill(true);
  feedUi_.english = config_.english;
  // ImGui's context exists even without the panels: its font atlas rasterises the map's labels.
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // no imgui.ini next to the user's files
  ImGui::StyleColorsLight();
}

MapApp::~MapApp() {
  imgui_.reset();
  ImGui::DestroyContext();
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
  imgui_ = std::make_unique<render::ImGuiRenderer>();
  if (auto ui = imgui_->init(); !ui) {
    status_.error = ui.error();
    platform_.publishStatus(status_);
    return false;
  }
  source_ = source::openSource(config_.tilesetUrl,
                                [this](const std::string& url, std::optional<source::ByteRange> range,
                                       source::BytesCallback done) { platform_.fetch(url, range, std::move(done)); });
  source_->open([this](Result<tile::Tileset> tileset) { onTileset(std::move(tileset)); });
  for (size_t i = 0; i < overlays_.size(); ++i) openOverlay(i);
  loadUiFont();
  invalidate();
  return true;
}

// The UI font and the label fonts (one ImGui atlas). The map is not idle until the font file
// has been answered: labels are drawn with the final font from the first idle frame on.
void MapApp::loadUiFont() {
  if (config_.uiFontUrl.empty()) {
    applyFonts({});  // ImGui's built-in (ASCII) font
    return;
  }
  fontPending_ = true;
  platform_.fetch(config_.uiFontUrl, std::nullopt, [this](Result<std::vector<uint8_t>> bytes) {
    fontPending_ = false;
    if (!bytes || bytes->size() < 12) {
      std::fprintf(stderr, "citymap: UI font %s: %s\n", config_.uiFontUrl.c_str(),
                   bytes ? "empty file" : bytes.error().c_str());
      fontBytes_.clear();
    } else {
      fontBytes_ = std::move(bytes).value();
    }
    applyFonts(fontBytes_);
    invalidate();
  });
}

void MapApp::applyFonts(std::span<const uint8_t> ttf) {
  ui::FontBuild fonts = ui::buildFonts(ttf, 15.f, style::labelSizes(style::defaultStyle()), float(camera_.pixelRatio()));
  if (!ttf.empty() && !fonts.trueType)
    std::fprintf(stderr, "citymap: UI font %s: %s\n", config_.uiFontUrl.c_str(), fonts.error.c_str());
  labelFonts_ = std::move(fonts.labels);
  fontsDpr_ = camera_.pixelRatio();
  renderer_.setLabelAtlas(fonts.width, fonts.height, fonts.atlas);
  imgui_->rebuildFonts();
  labeler_.clear();
}

// Text labels over the base map (placed anew each frame; they fade in and out).
void MapApp::drawLabels() {
  if (!pyramid_ || labelFonts_.empty()) return;
  const style::Style& style = style::defaultStyle();
  scene::labelTiles(pyramid_->drawList(), labelTiles_);
  const auto& placed = labeler_.place(labelTiles_, camera_, style, labelFonts_, visible_, platform_.nowMs());
  labels::buildLabelBatch(placed, style, labelFonts_, camera_.pixelRatio(), labelBatch_);
  renderer_.drawLabels(labelBatch_);
}

void MapApp::addOverlay(const std::string& tilesetUrl, const std::string& label) {
  auto o = std::make_unique<Overlay>();
  o->info.url = tilesetUrl;
  o->info.label = label.empty() ? tilesetUrl : label;
  overlays_.push_back(std::move(o));
  if (started_) openOverlay(overlays_.size() - 1);
}

std::vector<MapApp::OverlayInfo> MapApp::overlays() const {
  std::vector<OverlayInfo> out;
  for (const auto& o : overlays_) out.push_back(o->info);
  return out;
}

void MapApp::openOverlay(size_t i) {
  Overlay& o = *overlays_[i];
  if (o.source) return;
  o.source = source::openSource(o.info.url, [this](const std::string& url, std::optional<source::ByteRange> range,
                                                   source::BytesCallback done) {
    platform_.fetch(url, range, std::move(done));
  });
  o.source->open([this, i](Result<tile::Tileset> tileset) {
    Overlay& ov = *overlays_[i];
    if (!tileset) {
      ov.info.error = tileset.error();
      status_.error = ov.info.label + ": " + tileset.error();
    } else {
      ov.pyramid = std::make_unique<scene::TilePyramid>(std::move(tileset).value(), style::overlayStyle(), 32u << 20);
      ov.info.ready = true;
    }
    invalidate();
  });
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
  pyramid_ = std::make_unique<scene::TilePyramid>(std::move(tileset).value(), style::defaultStyle(), 96u << 20,
                                                  &featureIndex_);
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
  // Live data redraws a few times a second at most, without making the map "busy": idle still
  // means the view is complete.
  platform_.requestFrameIn(250);
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
    if (feeds_.queued() > 0) platform_.requestFrameIn(50);
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

// Live traffic colours (a texture, rebuilt when traffic changed, new roads were seen or reports
// aged) and the markers (rebuilt every frame), then the next frame's timing: buses move, ages
// and fading change, so a map with live data keeps drawing a few times a second.
void MapApp::updateTraffic(int64_t nowMs) {
  const feeds::FeedCounters& c = feeds_.counters();
  const uint64_t version = c.accepted + c.removed;
  const double now = double(nowMs);
  const bool showTraffic = feedUi_.layers.traffic && feeds_.count(feeds::FeedKind::Traffic) > 0;
  if (showTraffic) {
    const bool changed = version != trafficVersion_ || featureIndex_.size() != trafficSlots_ || !trafficShown_;
    // At most once per frame (~0.15 ms for 30,000 roads natively, one texture upload); every
    // 2 s anyway, as reports fade with age.
    if (changed || now - lastTrafficMs_ >= 2000) {
      live::buildTrafficState(feeds_, featureIndex_, nowMs, trafficState_);
      renderer_.setFeatureState(trafficState_);
      trafficVersion_ = version;
      trafficSlots_ = featureIndex_.size();
      lastTrafficMs_ = now;
      trafficShown_ = true;
    }
  } else if (trafficShown_) {
    trafficState_.clear();
    renderer_.setFeatureState(trafficState_);
    trafficShown_ = false;
  }
}

void MapApp::drawLive(int64_t nowMs) {
  live::buildLiveBatch(feeds_, featureIndex_, camera_, nowMs, feedUi_.layers, liveBatch_);
  renderer_.drawLive(liveBatch_);

  if (feeds_.totalCount() > 0 || feeds_.queued() > 0 || status_.feed.connection.state == feeds::ConnectionState::Reconnecting) {
    const bool moving = feedUi_.layers.buses && feeds_.count(feeds::FeedKind::Bus) > 0 && camera_.zoom() >= 11;
    platform_.requestFrameIn(moving ? 100 : 1000);
  }
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

  const int64_t nowMs = int64_t(platform_.epochMs());
  ui::FeedPanelModel feed;
  feed.connection = status_.feed.connection;
  feed.newestAgeMs = status_.feed.newestAgeMs;
  feed.entities = status_.feed.entities;
  feed.received = status_.feed.received;
  feed.dropped = status_.feed.dropped;
  feed.droppedMalformed = status_.feed.droppedMalformed;
  feed.simulated = status_.feed.simulated;
  feed.alerts = feeds_.alerts(nowMs);
  if (cursor_ && !dragFrom_)
    if (const auto pick = live::pickLive(feeds_, featureIndex_, camera_, nowMs, feedUi_.layers, *cursor_))
      feed.tooltip = ui::describeEntity(feeds_, *pick, nowMs, feedUi_.english);

  ImGui::NewFrame();
  const ui::PanelActions a = ui::drawMapPanel(model, visible_, float(camera_.width()), float(camera_.height()));
  const bool showFeedUi = status_.feed.connection.state != feeds::ConnectionState::Off || feeds_.totalCount() > 0;
  const ui::FeedPanelActions fa = showFeedUi ? ui::drawFeedPanel(feed, feedUi_, float(camera_.width()), float(camera_.height()))
                                             : ui::FeedPanelActions{};
  ImGui::Render();
  imgui_->draw(ImGui::GetDrawData());

  const geo::ScreenPoint middle{camera_.width() / 2, camera_.height() / 2};
  if (a.zoomIn) camera_.zoomAround(middle, std::round(camera_.zoom()) + 1);
  if (a.zoomOut) camera_.zoomAround(middle, std::round(camera_.zoom()) - 1);
  if (a.resetView && pyramid_) camera_.jumpTo(config_.center.value_or(pyramid_->tileset().center),
                                              config_.zoom.value_or(pyramid_->tileset().centerZoom));
  if (fa.showOnMap) camera_.jumpTo({fa.showOnMap->lng, fa.showOnMap->lat}, std::max(camera_.zoom(), 15.0));
  if (a.zoomIn || a.zoomOut || a.resetView || a.layersChanged || fa.changed || fa.showOnMap) invalidate();
}

void MapApp::frame() {
  const double t0 = platform_.nowMs();
  dirty_ = false;
  static const std::vector<scene::DrawTile> kNoTiles;
  updateFeeds();
  // Fonts are rasterised for the screen's pixel ratio: again when it changed (another monitor,
  // browser zoom).
  if (imgui_ && !fontPending_ && fontsDpr_ != camera_.pixelRatio()) applyFonts(fontBytes_);
  if (pyramid_) pyramid_->update(camera_, [this](const geo::TileID& id) { requestTile(id); });
  for (auto& o : overlays_) {
    if (!o->pyramid) continue;
    Overlay* ov = o.get();
    ov->pyramid->update(camera_, [this, ov](const geo::TileID& id) {
      ov->source->fetchTile(id, [this, ov, id](Result<std::vector<uint8_t>> bytes) {
        if (!ov->pyramid->onTileData(id, std::move(bytes))) ov->info.error = ov->pyramid->stats().lastError;
        invalidate();
      });
    });
  }
  const int64_t nowMs = int64_t(platform_.epochMs());
  const style::Style& base = style::defaultStyle();
  updateTraffic(nowMs);  // before the tiles: roads that just loaded get their colours at once
  renderer_.beginFrame(camera_, base.background);
  renderer_.drawTiles(base, pyramid_ ? pyramid_->drawList() : kNoTiles, visible_);
  for (const auto& o : overlays_)
    if (o->pyramid) renderer_.drawTiles(style::overlayStyle(), o->pyramid->drawList(), visible_);
  drawLabels();
  drawLive(nowMs);
  renderer_.endFrame();
  if (config_.showUi) drawUi();

  const double t1 = platform_.nowMs();
  frameTimes_.push_back(t1 - t0);
  presentTimes_.push_back(t1);
  if (frameTimes_.size() > kFrameHistory) frameTimes_.pop_front();
  if (presentTimes_.size() > kFrameHistory) presentTimes_.pop_front();

  ++status_.framesDrawn;
  if (labeler_.fading()) {  // the next frame continues the fades
    dirty_ = true;
    platform_.requestFrame();
  }
  // ImGui sizes auto-resizing windows from the previous frame's content: after a change, one
  // more frame lets the panel fit what it now shows (without counting as a new change).
  if (config_.showUi && (status_.framesDrawn < 3 || uiFollowUp_)) {
    uiFollowUp_ = false;
    dirty_ = true;
    platform_.requestFrame();
  }
  status_.tilesLoaded = pyramid_ ? pyramid_->stats().loaded : 0;
  bool overlaysComplete = true;
  for (const auto& o : overlays_) overlaysComplete &= !o->source || (o->pyramid ? o->pyramid->complete() : !o->info.error.empty());
  status_.idle = status_.ready && !dirty_ && pyramid_ && pyramid_->complete() && overlaysComplete && !fontPending_;
  const geo::LngLat c = camera_.centerLngLat();
  status_.zoom = camera_.zoom();
  status_.lng = c.lng;
  status_.lat = c.lat;
  platform_.publishStatus(status_);
}

}  // namespace citymap::app
