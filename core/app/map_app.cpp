#include "app/map_app.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>

#include "feeds/topic.hpp"
#include "geo/mercator.hpp"
#include "live/traffic_state.hpp"
#include "pick/highlight.hpp"
#include "render/renderer.hpp"
#include "style/style.hpp"
#include "style/style_json.hpp"
#include "tile/kinds.hpp"
#include "ui/compass.hpp"
#include "ui/hit_test.hpp"
#include "ui/label_fonts.hpp"

namespace citymap::app {

namespace {
constexpr size_t kFrameHistory = 120;
}

MapApp::MapApp(Platform& platform, AppConfig config, std::unique_ptr<frame::FrameRenderer> renderer)
    : platform_(platform), config_(std::move(config)), renderer_(std::move(renderer)) {
  if (!renderer_) renderer_ = std::make_unique<render::GlRenderer>();
  live_ = std::make_unique<LiveLayer>(*renderer_);
  help_ =
      std::make_unique<HelpLayer>(live_->store(), [this](const std::string& url, std::optional<source::ByteRange> range,
                                                         std::function<void(Result<std::vector<uint8_t>>)> done) {
        return platform_.fetch(url, range, [this, done = std::move(done)](Result<std::vector<uint8_t>> bytes) {
          done(std::move(bytes));
          invalidate();
        });
      });
  visible_.fill(true);
  feedUi_.english = config_.english;
  LabelLayer::Hooks lh;
  lh.fetch = platformFetch();
  lh.nowMs = [this] { return platform_.nowMs(); };
  lh.mark = [this](const char* milestone) { platform_.mark(milestone); };
  lh.changed = [this] { invalidate(); };
  lh.frameIn = [this](double ms) { platform_.requestFrameIn(ms); };
  labels_ = std::make_unique<LabelLayer>(config_.uiFontUrl, config_.iconSpriteUrl, *renderer_, std::move(lh));
  labels_->setEnglish(config_.english);
  if (!config_.hidden.empty()) setHiddenGroups(config_.hidden);
  if (!config_.select.empty()) select(config_.select);
  // ImGui's context exists even without the panels: its font atlas rasterises the map's labels.
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // no imgui.ini next to the user's files
  ImGui::StyleColorsLight();
  // The map starts with the built-in copy of the style file (no wait for a fetch); a fetched or
  // reloaded file replaces it.
  styleText_ = std::string(style::builtinStyleText());
  styleFile_ = "citymap.json (built in)";
  style_ = std::make_unique<style::Style>(style::defaultStyle());
  status_.theme = "day";
  if (config_.theme != "day") {
    const std::string theme = std::exchange(config_.theme, "day");
    (void)applyStyle(styleText_, styleFile_, theme);
  }
}

Result<bool> MapApp::applyStyle(std::string text, std::string file, std::string theme) {
  auto loaded = style::parseStyle(text, file, theme);
  if (!loaded) {
    status_.styleError = loaded.error();
    std::fprintf(stderr, "citymap: style: %s\n", loaded.error().c_str());
    invalidate();
    return Error{loaded.error()};
  }
  for (const std::string& w : loaded->warnings) std::fprintf(stderr, "citymap: style: warning: %s\n", w.c_str());
  auto next = std::make_unique<style::Style>(std::move(loaded->style));
  if (base_) base_->setStyle(*next);
  labels_->restyle(*style_, *next);
  style_ = std::move(next);  // the pyramids now point at the new style
  styleText_ = std::move(text);
  styleFile_ = std::move(file);
  config_.theme = std::move(theme);
  status_.theme = config_.theme;
  status_.ui.theme = config_.theme;
  status_.styleError.clear();
  ++status_.ui.version;
  dirty_ = true;
  invalidate();
  return true;
}

Result<bool> MapApp::setStyleText(std::string_view text, std::string_view file) {
  if (text == styleText_ && status_.styleError.empty()) return true;  // nothing changed
  return applyStyle(std::string(text), std::string(file), config_.theme);
}

Result<bool> MapApp::setTheme(std::string_view theme) {
  if (theme == config_.theme) return true;
  return applyStyle(styleText_, styleFile_, std::string(theme));
}

MapApp::~MapApp() {
  renderer_.reset();  // its UI part needs the ImGui context
  ImGui::DestroyContext();
}

bool MapApp::start() {
  if (started_) return true;
  started_ = true;
  auto ok = renderer_->init();
  if (!ok) {
    status_.error = ok.error();
    platform_.publishStatus(status_);
    return false;
  }
  platform_.mark("core-start");
  openBaseSource();
  for (size_t i = 0; i < overlays_.size(); ++i) openOverlay(i);
  labels_->load(camera_.pixelRatio());
  if (!config_.styleUrl.empty()) {
    platform_.fetch(config_.styleUrl, std::nullopt, [this](Result<std::vector<uint8_t>> bytes) {
      if (!bytes) {
        status_.styleError = config_.styleUrl + ": " + bytes.error();
        invalidate();
        return;
      }
      const std::string text(bytes->begin(), bytes->end());
      (void)setStyleText(text, config_.styleUrl);
    });
  }
  invalidate();
  return true;
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

source::Fetch MapApp::platformFetch() {
  return [this](const std::string& url, std::optional<source::ByteRange> range, source::BytesCallback done) {
    return platform_.fetch(url, range, std::move(done));
  };
}

TileLayer::Hooks MapApp::layerHooks() {
  TileLayer::Hooks h;
  h.fetch = platformFetch();
  h.cancel = [this](source::FetchId id) { platform_.cancelFetch(id); };
  h.changed = [this] { invalidate(); };
  h.nowMs = [this] { return platform_.nowMs(); };
  return h;
}

void MapApp::openOverlay(size_t i) {
  Overlay& o = *overlays_[i];
  if (o.layer) return;
  TileLayer::Hooks h = layerHooks();
  h.opened = [this, i](const tile::Tileset&, bool) { overlays_[i]->info.ready = true; };
  h.failed = [this, i](const std::string& error) {
    Overlay& ov = *overlays_[i];
    ov.info.error = error;
    status_.error = ov.info.label + ": " + error;
  };
  h.tileMeshed = [this, i](bool ok) {
    Overlay& ov = *overlays_[i];
    if (!ok) ov.info.error = ov.layer->error();
  };
  o.layer = std::make_unique<TileLayer>(o.info.url, style::overlayStyle(), 16u << 20, nullptr, std::move(h));
  o.layer->open();
}

void MapApp::openBaseSource() {
  TileLayer::Hooks h = layerHooks();
  h.opened = [this](const tile::Tileset& tileset, bool reload) { onTileset(tileset, reload); };
  h.failed = [this](const std::string& error) { status_.error = error; };
  h.tileFetched = [this] {
    if (!firstTileMarked_) platform_.mark("first-tile-fetched");
  };
  h.tileMeshed = [this](bool) {
    if (!std::exchange(firstTileMarked_, true)) platform_.mark("first-tile-meshed");
  };
  base_ = std::make_unique<TileLayer>(config_.tilesetUrl, *style_, scene::TilePyramid::kDefaultCacheBudget,
                                      &featureIndex_, std::move(h));
  base_->open();
}

const std::vector<scene::DrawTile>& MapApp::baseTiles() const {
  static const std::vector<scene::DrawTile> kNone;
  return base_ ? base_->tiles() : kNone;
}

void MapApp::onTileset(const tile::Tileset& tileset, bool reload) {
  // Overzoom past the data's maximum zoom; a little underzoom below its minimum.
  camera_.setZoomRange(tileset.minZoom - 1, 20);
  if (!reload) {
    camera_.jumpTo(config_.center.value_or(tileset.center), config_.zoom.value_or(tileset.centerZoom));
    if (config_.bearing) camera_.setBearing(*config_.bearing);
  }
  help_->setTileset(tileset, config_.tilesetUrl);
  status_.attribution = tileset.attribution;
  status_.ui.title = tileset.name;
  status_.ui.titleEn = tileset.nameEn;
  ++status_.ui.version;
  status_.ready = true;
  platform_.mark("archive-open");
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

void MapApp::pointerDown(int id, double x, double y, input::Device device, input::Button button, bool ctrl) {
  if (device == input::Device::Mouse || !cursor_) cursor_ = geo::ScreenPoint{x, y};
  // On a panel (as last drawn): the UI's pointer. ImGui gets it through the platform.
  if (config_.showUi && (ui::windowAt(float(x), float(y)) || (device == input::Device::Mouse && uiWantsPointer()))) {
    uiPointers_.push_back(id);
    invalidate();
    return;
  }
  flight_.reset();  // the user takes over
  gestures_.pointerDown(id, x, y, platform_.nowMs(), device, button, ctrl);
  invalidate();
}

void MapApp::pointerMove(int id, double x, double y) {
  if (id == 0) {
    cursor_ = geo::ScreenPoint{x, y};
    hoverStale_ = config_.hoverHighlight;
  }
  if (std::find(uiPointers_.begin(), uiPointers_.end(), id) == uiPointers_.end())
    gestures_.pointerMove(id, x, y, platform_.nowMs());
  invalidate();
}

void MapApp::pointerUp(int id, double x, double y) {
  if (const auto it = std::find(uiPointers_.begin(), uiPointers_.end(), id); it != uiPointers_.end()) {
    uiPointers_.erase(it);
  } else {
    gestures_.pointerUp(id, x, y, platform_.nowMs());
  }
  invalidate();
}

void MapApp::pointerCancel(int id) {
  if (const auto it = std::find(uiPointers_.begin(), uiPointers_.end(), id); it != uiPointers_.end())
    uiPointers_.erase(it);
  gestures_.pointerCancel(id);
  invalidate();
}

void MapApp::key(input::Key k) {
  flight_.reset();
  gestures_.key(k, platform_.nowMs());
  invalidate();
}

void MapApp::resetNorth() {
  flight_.reset();
  gestures_.resetNorth(platform_.nowMs());
  invalidate();
}

void MapApp::pointerLeave() {
  cursor_.reset();
  hover_.reset();
  invalidate();
}

void MapApp::wheel(double x, double y, double deltaY) {
  if (uiWantsPointer()) return;
  // About one zoom level per 300 px of scrolling (a mouse notch is ~100 px), capped per event.
  const double dz = std::clamp(-deltaY / 300.0, -1.0, 1.0);
  flight_.reset();
  hoverStale_ = config_.hoverHighlight;
  gestures_.zoomBy({x, y}, dz);
  invalidate();
}

void MapApp::jumpTo(geo::LngLat center, double zoom, std::optional<double> bearing) {
  if (!std::isfinite(center.lng) || !std::isfinite(center.lat) || !std::isfinite(zoom)) return;
  flight_.reset();
  gestures_.stop();
  camera_.jumpTo(center, zoom);
  if (bearing) camera_.setBearing(*bearing);
  invalidate();
}

void MapApp::flyTo(geo::LngLat center, double zoom) {
  if (!std::isfinite(center.lng) || !std::isfinite(center.lat) || !std::isfinite(zoom)) return;
  zoom = std::clamp(zoom, camera_.minZoom(), camera_.maxZoom());
  gestures_.stop();
  flight_.emplace(camera_.center(), camera_.zoom(), geo::toWorld(center), zoom,
                  std::max(camera_.width(), camera_.height()));
  flightStartMs_ = platform_.nowMs();
  invalidate();
}

void MapApp::setEnglish(bool english) {
  if (english == config_.english) return;
  config_.english = english;
  feedUi_.english = english;
  labels_->setEnglish(english);
  refreshCard();
  ++status_.ui.version;
  invalidate();
}

void MapApp::setHiddenGroups(std::string_view names) {
  visible_.fill(true);
  size_t start = 0;
  while (start <= names.size()) {
    const size_t end = std::min(names.find(',', start), names.size());
    const std::string_view name = names.substr(start, end - start);
    for (size_t g = 0; g < visible_.size(); ++g)
      if (name == ui::groupKey(style::Group(g))) visible_[g] = false;
    start = end + 1;
  }
  ++status_.ui.version;
  invalidate();
}

// --- search -------------------------------------------------------------------------------------

void MapApp::loadSearchIndex() {
  if (searchRequested_) return;
  searchRequested_ = true;
  std::string url = config_.searchUrl;
  if (url.empty()) {
    const std::string& t = config_.tilesetUrl;
    const std::string ext = ".pmtiles";
    if (t.size() > ext.size() && t.compare(t.size() - ext.size(), ext.size(), ext) == 0)
      url = t.substr(0, t.size() - ext.size()) + ".search.json";
    else
      url = t + (t.empty() || t.back() == '/' ? "" : "/") + "search.json";
  }
  platform_.fetch(url, std::nullopt, [this, url](Result<std::vector<uint8_t>> bytes) {
    if (!bytes) {
      searchError_ = (config_.english ? "Search is unavailable: " : "Không tìm kiếm được: ") + bytes.error();
    } else {
      auto index =
          search::SearchIndex::load(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
      if (!index) {
        searchError_ =
            (config_.english ? "Search is unavailable: " : "Không tìm kiếm được: ") + url + ": " + index.error();
        std::fprintf(stderr, "citymap: search index %s: %s\n", url.c_str(), index.error().c_str());
      } else {
        searchIndex_ = std::move(index).value();
      }
    }
    ++status_.ui.version;
    invalidate();
  });
}

namespace {

const char* searchTypeWords(std::string_view type, bool en) {
  if (type == "admin") return en ? "Administrative unit" : "Đơn vị hành chính";
  if (type == "place") return en ? "Place" : "Địa danh";
  if (type == "street") return en ? "Street" : "Đường phố";
  if (type == "area") return en ? "Area" : "Khu vực";
  if (type == "building") return en ? "Building" : "Tòa nhà";
  if (type == "bus_route") return en ? "Bus route" : "Tuyến xe buýt";
  if (type == "bus_stop") return en ? "Bus stop" : "Trạm xe buýt";
  if (type == "ioc") return en ? "IOC station" : "Trạm IOC";
  return en ? "Place" : "Địa điểm";
}

}  // namespace

std::vector<SearchResult> MapApp::search(std::string_view query, size_t limit) {
  std::vector<SearchResult> out;
  if (!searchIndex_) {
    loadSearchIndex();
    return out;
  }
  const bool en = config_.english;
  for (const search::SearchHit& hit : searchIndex_->search(query, camera_.centerLngLat(), limit)) {
    const search::SearchEntry& e = searchIndex_->entries()[hit.entry];
    SearchResult r;
    r.entry = hit.entry;
    const std::string& primary = en && !e.nameEn.empty() ? e.nameEn : e.name;
    const std::string& other = en && !e.nameEn.empty() ? e.name : e.nameEn;
    r.title = primary;
    r.type = std::string(search::entryTypeName(e.type));
    r.detail = searchTypeWords(r.type, en);
    if (!other.empty() && other != primary) r.detail += " · " + other;
    r.lng = e.point.lng;
    r.lat = e.point.lat;
    out.push_back(std::move(r));
  }
  return out;
}

void MapApp::chooseSearchResult(size_t entry) {
  if (!searchIndex_ || entry >= searchIndex_->entries().size()) return;
  const search::SearchEntry& e = searchIndex_->entries()[entry];
  Selection sel;
  sel.entry = entry;
  sel.point = geo::toWorld(e.point);
  sel.sinceMs = platform_.nowMs();
  if (!e.layer.empty()) {  // streets name one of their road pieces; updateSelection finds the street
    if (e.type == search::EntryType::Street) sel.street = e.name;
    sel.layer = e.layer;
    sel.id = e.id;
  } else {
    sel.layer = "place";
    sel.id = e.id;
    sel.resolved = true;  // not a map feature: the entry is all there is
  }
  selection_ = std::move(sel);
  refreshCard();
  flyTo(e.point, std::clamp(double(e.zoom), 14.0, 18.0));
  ++status_.ui.version;
}

// --- selection ----------------------------------------------------------------------------------

const std::vector<scene::DrawTile>& MapApp::tilesOf(int overlay) const {
  static const std::vector<scene::DrawTile> kNone;
  if (overlay >= 0)
    return size_t(overlay) < overlays_.size() && overlays_[size_t(overlay)]->layer
               ? overlays_[size_t(overlay)]->layer->tiles()
               : kNone;
  return pyramid() ? pyramid()->drawList() : kNone;
}

std::optional<std::pair<pick::Feature, int>> MapApp::pickAt(geo::ScreenPoint p, bool wardFallback) const {
  for (size_t i = overlays_.size(); i-- > 0;)
    if (overlays_[i]->layer)
      if (auto f = pick::pickFeature(overlays_[i]->layer->tiles(), camera_, style::overlayStyle(), visible_, p, false))
        return std::pair{std::move(*f), int(i)};
  if (!pyramid()) return std::nullopt;
  if (auto f = pick::pickFeature(pyramid()->drawList(), camera_, *style_, visible_, p, wardFallback))
    return std::pair{std::move(*f), -1};
  return std::nullopt;
}

void MapApp::selectAt(double x, double y) {
  if (!pyramid()) return;
  const geo::ScreenPoint p{x, y};
  if (help_->pickingStart) {  // "choose the start on the map"
    help_->pickingStart = false;
    const help::Origin o{geo::fromWorld(camera_.screenToWorld(p)), help::OriginSource::Point, {}};
    helpResult(help_->help().mode() == help::StormHelp::Mode::Roads ? help_->showRoads(o, config_.english)
                                                                    : help_->showShelters(o, config_.english));
    return;
  }
  const int64_t nowMs = shownNowMs();
  const feeds::FeedStore& shown = shownFeeds();
  Selection sel;
  sel.sinceMs = platform_.nowMs();
  sel.resolved = true;
  if (const auto live = live::pickLive(shown, featureIndex_, camera_, nowMs, feedUi_.layers, p)) {
    sel.layer = "live";
    sel.id = live->id;
    sel.live = live;
    if (const auto at = live::entityPosition(shown, featureIndex_, live->kind, live->id, nowMs))
      sel.point = geo::toWorld({at->lng, at->lat});
  } else if (auto picked = pickAt(p)) {
    std::optional<pick::Feature> f = std::move(picked->first);
    sel.overlay = picked->second;
    sel.layer = f->layer;
    sel.id = f->id;
    sel.ids = {f->id};
    sel.point = geo::toWorld(f->at);
    // A street: the whole named street lights up (its merged lines), and the link names it.
    if (sel.overlay < 0 && f->layer == tile::layer::kRoads && !f->name.empty()) {
      const auto street = pick::findStreet(pyramid()->drawList(), f->name);
      if (!street.empty()) {
        sel.layer = std::string(tile::layer::kRoadLabels);
        sel.id = street.front();
        sel.street = f->name;
        sel.ids = street;
      }
    }
    sel.feature = std::move(f);
  } else {
    if (selection_) clearSelection();
    return;
  }
  selection_ = std::move(sel);
  refreshCard();
  ++status_.ui.version;
  invalidate();
}

void MapApp::select(std::string_view layerAndId) {
  const size_t slash = layerAndId.find('/');
  if (slash == std::string_view::npos || slash == 0) return;
  const std::string_view idText = layerAndId.substr(slash + 1);
  // Digits only, at most 20, no overflow: ids are uint64.
  if (idText.empty() || idText.size() > 20 ||
      !std::all_of(idText.begin(), idText.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return;
  uint64_t id = 0;
  for (const char c : idText) {
    if (id > (UINT64_MAX - uint64_t(c - '0')) / 10) return;
    id = id * 10 + uint64_t(c - '0');
  }
  Selection sel;
  sel.layer = std::string(layerAndId.substr(0, slash));
  sel.id = id;
  sel.sinceMs = platform_.nowMs();
  if (sel.layer == "live" || sel.layer == tile::layer::kOverlay) return;  // live entities and local files: not restored
  selection_ = std::move(sel);
  if (selection_->layer == "place") loadSearchIndex();
  ++status_.ui.version;
  invalidate();
}

void MapApp::clearSelection() {
  if (!selection_) return;
  selection_.reset();
  card_ = {};
  selectHighlight_.clear();
  ++status_.ui.version;
  invalidate();
}

// Resolves a selection against the drawn tiles (a link or a search result: the tile may load
// later than the selection was made), keeps a street's highlight whole as more of it is drawn,
// follows a live entity, and keeps the live card's value current.
void MapApp::updateSelection() {
  if (!selection_ || !pyramid()) return;
  Selection& s = *selection_;
  const auto& tiles = pyramid()->drawList();
  const double now = platform_.nowMs();
  if (!s.resolved) {
    bool found = false;
    if (s.layer == "place") {
      if (searchIndex_)
        for (size_t i = 0; i < searchIndex_->entries().size() && !found; ++i)
          if (searchIndex_->entries()[i].type == search::EntryType::Place && searchIndex_->entries()[i].id == s.id) {
            s.entry = i;
            s.point = geo::toWorld(searchIndex_->entries()[i].point);
            found = true;
          }
    } else if (const auto street = s.street.empty() ? std::vector<uint64_t>{} : pick::findStreet(tiles, s.street);
               !street.empty()) {
      s.layer = std::string(tile::layer::kRoadLabels);  // a street chosen by search
      s.id = street.front();
      s.feature = pick::findFeature(tiles, s.layer, s.id);
      found = s.feature.has_value();
    } else if (auto f = pick::findFeature(tiles, s.layer, s.id)) {
      // A named road piece (a search result, an old link) or a merged street: the whole street.
      if ((s.layer == tile::layer::kRoads || s.layer == tile::layer::kRoadLabels) && !f->name.empty()) {
        const auto pieces = pick::findStreet(tiles, f->name);
        if (!pieces.empty()) {
          s.street = f->name;
          if (s.layer == tile::layer::kRoads) {
            s.layer = std::string(tile::layer::kRoadLabels);
            s.id = pieces.front();
            if (auto merged = pick::findFeature(tiles, s.layer, s.id)) f = std::move(merged);
          }
        }
      }
      if (!s.point) s.point = geo::toWorld(f->at);
      s.feature = std::move(f);
      found = true;
    }
    if (found) {
      s.resolved = true;
      s.notFound = false;
      refreshCard();
      ++status_.ui.version;
    } else if (!s.notFound && !flight_ && pyramid()->complete() && now - s.sinceMs > 3000 &&
               (s.layer != "place" || searchIndex_ || !searchError_.empty())) {
      // Not on the map here (a stale link, another zoom): say so, and keep looking as tiles load.
      s.notFound = true;
      refreshCard();
      ++status_.ui.version;
    } else if (!s.notFound) {
      platform_.requestFrameIn(std::max(50.0, 3000 - (now - s.sinceMs)));  // the map may be idle meanwhile
    }
  }
  // A street: every piece of it in the drawn tiles (more appear as the view moves).
  if (!s.street.empty() && s.overlay < 0) {
    auto ids = pick::findStreet(tiles, s.street);
    if (!ids.empty()) s.ids = std::move(ids);
  } else if (s.resolved && s.ids.empty() && s.feature) {
    s.ids = {s.feature->id};
  }
  // A live entity moves (buses) or stops reporting.
  if (s.live) {
    const auto at = live::entityPosition(shownFeeds(), featureIndex_, s.live->kind, s.live->id, shownNowMs());
    s.point = at ? std::optional(geo::toWorld({at->lng, at->lat})) : std::nullopt;
  }
  // The wards come from the admin polygons of the tile under the feature, which may load after
  // the feature was found (a long street, a flight): look again as tiles arrive.
  if (s.resolved && !s.wardsKnown && !s.live && s.point && tiles.size() != s.wardsTriedAt) refreshCard();
  if (s.live) refreshCard();
}

void MapApp::refreshCard() {
  if (!selection_) {
    card_ = {};
    return;
  }
  const Selection& s = *selection_;
  if (pyramid()) selection_->wardsTriedAt = pyramid()->drawList().size();
  const bool en = config_.english;
  ui::Card c;
  if (s.live) {
    const std::string text = ui::describeEntity(shownFeeds(), *s.live, shownNowMs(), en);
    const size_t nl = text.find('\n');
    c.title = text.substr(0, nl);
    c.kind = en ? "Live" : "Trực tiếp";
    if (nl != std::string::npos) c.live = text.substr(nl + 1);
    if (text.empty()) c.title = en ? "No longer reported" : "Không còn dữ liệu";
  } else if (s.feature) {
    const pick::Wards wards = s.point && pyramid() ? pick::wardsAt(pyramid()->drawList(), *s.point) : pick::Wards{};
    selection_->wardsKnown = !wards.ward2025.empty() || !wards.wardPre2025.empty();
    c = ui::describeFeature(*s.feature, wards, en);
    if (s.overlay >= 0 && size_t(s.overlay) < overlays_.size())
      c.rows.insert(c.rows.begin(), {en ? "Overlay" : "Lớp phủ", overlays_[size_t(s.overlay)]->info.label});
    // IOC stations and shelters with a live state: its value and age.
    if (s.feature->layer == tile::layer::kIoc) {
      for (const feeds::FeedKind k : {feeds::FeedKind::Sensor, feeds::FeedKind::Shelter}) {
        const std::string text = ui::describeEntity(shownFeeds(), {k, s.feature->id}, shownNowMs(), en);
        if (!text.empty()) c.live = text;
      }
    }
  } else if (s.entry && searchIndex_ && *s.entry < searchIndex_->entries().size()) {
    const search::SearchEntry& e = searchIndex_->entries()[*s.entry];
    c.title = en && !e.nameEn.empty() ? e.nameEn : e.name;
    const std::string& other = en && !e.nameEn.empty() ? e.name : e.nameEn;
    if (!other.empty() && other != c.title) c.subtitle = other;
    c.kind = searchTypeWords(search::entryTypeName(e.type), en);
    if (s.point && pyramid()) {
      const pick::Wards w = pick::wardsAt(pyramid()->drawList(), *s.point);
      selection_->wardsKnown = !w.ward2025.empty();
      if (!w.ward2025.empty()) c.rows.push_back({en ? "Ward" : "Phường/xã", w.ward2025});
    }
  } else if (s.notFound) {
    c.title = en ? "Not found on the map here" : "Không tìm thấy trên bản đồ";
    c.kind = s.layer + "/" + std::to_string(s.id);
  } else {
    c.title = en ? "Loading..." : "Đang tải...";
  }
  if (c.live != card_.live || c.title != card_.title || c.rows != card_.rows || c.kind != card_.kind)
    ++status_.ui.version;
  card_ = std::move(c);
}

void MapApp::publishUi() {
  UiSummary& u = status_.ui;
  u.english = config_.english;
  std::string hidden;
  for (size_t g = 0; g < visible_.size(); ++g)
    if (!visible_[g]) hidden += (hidden.empty() ? "" : ",") + std::string(ui::groupKey(style::Group(g)));
  if (hidden != u.hidden) {
    u.hidden = hidden;
    ++u.version;
  }
  if (u.searchReady != searchIndex_.has_value() || u.searchError != searchError_) {
    u.searchReady = searchIndex_.has_value();
    u.searchError = searchError_;
    ++u.version;
  }
  const std::string sel = selection_ ? selection_->layer + "/" + std::to_string(selection_->id) : "";
  if (sel != u.selection) {
    u.selection = sel;
    ++u.version;
  }
  publishHelp();
  if (u.version != uiVersion_) {
    uiVersion_ = u.version;
    u.cardTitle = card_.title;
    u.cardSubtitle = card_.subtitle;
    u.cardKind = card_.kind;
    u.cardLive = card_.live;
    u.cardRows = card_.rows;
    u.selectionLng = u.selectionLat = NAN;  // published as null
    if (selection_ && selection_->point) {
      const geo::LngLat p = geo::fromWorld(*selection_->point);
      u.selectionLng = p.lng;
      u.selectionLat = p.lat;
    }
  }
}

namespace {
const char* stateKey(route::ShelterState s) {
  switch (s) {
    case route::ShelterState::Open:
      return "open";
    case route::ShelterState::Full:
      return "full";
    case route::ShelterState::Closed:
      return "closed";
    case route::ShelterState::Unknown:
      break;
  }
  return "unknown";
}
const char* incidentKey(feeds::IncidentKind k) {
  switch (k) {
    case feeds::IncidentKind::Flood:
      return "flood";
    case feeds::IncidentKind::RoadClosure:
      return "roadClosure";
    case feeds::IncidentKind::Landslide:
      return "landslide";
    default:
      break;
  }
  return "other";
}
}  // namespace

// The help's and the time slider's summaries (bumping the UI version when they changed).
void MapApp::publishHelp() {
  UiSummary& u = status_.ui;
  const help::StormHelp& h = help_->help();
  const bool en = config_.english;
  HelpSummary next;
  static const char* const kModes[] = {"", "shelters", "roads"};
  static const char* const kOrigins[] = {"location", "point", "selection", "view"};
  next.mode = kModes[int(h.mode())];
  next.pickingStart = help_->pickingStart;
  next.message = helpMessage_;
  if (h.mode() != help::StormHelp::Mode::None) {
    next.origin = kOrigins[int(h.origin().source)];
    next.originText = ui::originText(h.origin(), en);
    next.lng = h.origin().point.lng;
    next.lat = h.origin().point.lat;
    next.loading = help_->graphLoading() || (!h.graph() && help_->graphError().empty());
    next.error = help_->graphError();
    next.computeMs = h.lastComputeMs();
    const auto shelter = [&](const help::ShelterRow& r, bool chosen) {
      HelpShelterSummary o;
      o.id = r.id;
      o.name = r.name;
      o.state = stateKey(r.state);
      o.lng = r.position.lng;
      o.lat = r.position.lat;
      o.metres = r.metres;
      o.seconds = r.seconds;
      o.straightMetres = r.straightMetres;
      o.capacity = r.capacity;
      o.occupancy = r.occupancy;
      o.straightLine = r.straightLine;
      o.chosen = chosen;
      return o;
    };
    for (size_t i = 0; i < h.shelters().size(); ++i) next.shelters.push_back(shelter(h.shelters()[i], i == h.chosen()));
    for (const help::ShelterRow& r : h.unknown()) next.unknown.push_back(shelter(r, false));
    for (const help::RoadRow& r : h.roads()) {
      const std::string& title =
          en ? (r.titleEn.empty() ? r.titleVi : r.titleEn) : (r.titleVi.empty() ? r.titleEn : r.titleVi);
      next.roads.push_back({r.incidentId, r.name, incidentKey(r.kind), title, r.at.lng, r.at.lat, r.metres});
    }
    if (const route::Route* r = h.route()) {
      next.routeMetres = r->metres;
      next.routeStraight = r->straightLine;
      for (const route::Leg& leg : r->legs) next.routePoints += int(leg.points.size());
      next.routeRoads = r->roadIds;
    }
  }
  const feeds::FeedHistory& hist = help_->history();
  ReplaySummary replay;
  replay.available = help_->hasHistory();
  replay.oldestMs = std::floor(double(help_->oldestMs()) / 5000) * 5000;
  replay.newestMs = std::floor(double(help_->newestMs()) / 5000) * 5000;
  replay.historyWanted = help_->historyWanted;
  replay.pastMessages = double(help_->pastMessages());
  replay.tMs = help_->replayTime() ? double(*help_->replayTime()) : -1;
  replay.speed = help_->speed();
  replay.historyBytes = u.replay.historyBytes;
  // The memory figure alone changing does not make a new version.
  const bool replayChanged = !(replay == u.replay);
  replay.historyBytes = double(hist.bytes());
  replay.pastBytes = double(help_->pastBytes());
  if (replayChanged || !(next == u.help)) {
    u.help = std::move(next);
    u.replay = replay;
    ++u.version;
  }
}

void MapApp::feedMessage(std::string_view topic, std::span<const uint8_t> payload) {
  // The hours before this client started, for the time slider (not live state).
  if (const auto part = feeds::parseHistoryTopic(topic)) {
    help_->addHistoryPart(part->windowStartMs, part->part, payload);
    platform_.requestFrameIn(100);
    return;
  }
  live_->enqueue(topic, payload, int64_t(platform_.epochMs()));
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
  if (live_->update(platform_.epochMs(), status_.feed)) platform_.requestFrameIn(50);
}

// Live traffic colours (the renderer's feature-state table) for the state shown.
void MapApp::updateTraffic(int64_t nowMs) {
  const double due =
      live_->updateTraffic(shownFeeds(), help_->replayVersion(), featureIndex_, feedUi_.layers.traffic, nowMs);
  if (due >= 0) platform_.requestFrameIn(due);
}

// The markers (rebuilt every frame), then the next frame's timing: buses move, ages and fading
// change, so a map with live data keeps drawing a few times a second.
void MapApp::drawLive(int64_t nowMs) {
  // The panels as last drawn: a storm's pointer and text keep out from under them.
  std::vector<live::ScreenBox> panels;
  if (config_.showUi)
    for (const ui::WindowRect& r : ui::windowRects()) panels.push_back({r.x, r.y, r.x + r.w, r.y + r.h});
  live_->draw(shownFeeds(), featureIndex_, camera_, nowMs, feedUi_.layers, config_.english, panels, help_->help(),
              labels_->fonts(), drawList_);
  const bool reconnecting = status_.feed.connection.state == feeds::ConnectionState::Reconnecting;
  if (const double next = live_->nextFrameMs(feedUi_.layers, reconnecting, camera_.zoom()); next >= 0)
    platform_.requestFrameIn(next);
}

void MapApp::drawUi() {
  ui::PanelModel model;
  model.english = config_.english;
  model.title = config_.english && !status_.ui.titleEn.empty() ? status_.ui.titleEn : status_.ui.title;
  model.searchBox = config_.searchBox;
  model.top = config_.panelTop;
  model.searchReady = searchIndex_.has_value();
  model.searchError = searchError_;
  for (const SearchResult& r : panelResults_) model.results.push_back({r.title, r.detail});
  model.zoom = camera_.zoom();
  if (cursor_) model.cursor = geo::fromWorld(camera_.screenToWorld(*cursor_));
  model.frameMs = frameTimes_.empty() ? 0 : frameTimes_.back();
  const double now = platform_.nowMs();
  model.fps =
      double(std::count_if(presentTimes_.begin(), presentTimes_.end(), [now](double t) { return now - t <= 1000; }));
  if (pyramid()) {
    const auto& s = pyramid()->stats();
    model.tilesLoaded = s.loaded;
    model.tilesPending = s.pending;
    model.tilesFailed = s.failed;
    model.lastError = s.lastError;
    if (config_.drawAttribution) model.attribution = pyramid()->tileset().attribution;
  }
  if (!status_.error.empty()) model.lastError = status_.error;
  model.styleError = status_.styleError;
  model.night = config_.theme == "night";
  model.drawCalls = renderer_->stats().drawCalls;
  model.triangles = renderer_->stats().triangles;

  const int64_t nowMs = shownNowMs();
  const feeds::FeedStore& shown = shownFeeds();
  ui::FeedPanelModel feed;
  feed.top = config_.panelTop;
  feed.summary = status_.feed;
  feed.alerts = shown.alerts(nowMs);
  feed.nowMs = nowMs;
  for (const auto& [id, e] : shown.storms())
    if (shown.fade(feeds::FeedKind::Storm, e.meta.timestampMs, nowMs) > 0) feed.storms.push_back(&e);
  std::sort(feed.storms.begin(), feed.storms.end(), [](const auto* a, const auto* b) {
    return a->value.windMs != b->value.windMs ? a->value.windMs > b->value.windMs : a->value.stormId < b->value.stormId;
  });
  if (cursor_ && !gestures_.active())
    if (const auto pick = live::pickLive(shown, featureIndex_, camera_, nowMs, feedUi_.layers, *cursor_))
      feed.tooltip = ui::describeEntity(shown, *pick, nowMs, feedUi_.english);
  // The help window keeps the bottom left: the bottom banners go right of it.
  if (help_->help().mode() != help::StormHelp::Mode::None || help_->pickingStart || !helpMessage_.empty())
    feed.leftInset = 360;
  feed.replay.available = help_->hasHistory();
  feed.replay.oldestMs = help_->oldestMs();
  feed.replay.newestMs = help_->newestMs();
  feed.replay.pastRequested = help_->historyWanted;
  feed.replay.pastMessages = help_->pastMessages();
  feed.replay.tMs = help_->replayTime();
  feed.replay.speed = help_->speed();
  ui::HelpPanelModel helpModel;
  helpModel.english = config_.english;
  helpModel.help = &help_->help();
  helpModel.hasSelection = selection_.has_value();
  helpModel.pickingStart = help_->pickingStart;
  helpModel.graphLoading = help_->graphLoading();
  helpModel.graphError = help_->graphError();
  helpModel.message = helpMessage_;
  helpModel.replaying = help_->replaying();

  // The GL renderer builds ImGui's font atlas when it uploads it; without one (NullRenderer) the
  // app does.
  if (!ImGui::GetIO().Fonts->IsBuilt()) ImGui::GetIO().Fonts->Build();
  ImGui::NewFrame();
  const ui::PanelActions a =
      ui::drawMapPanel(model, panelState_, visible_, float(camera_.width()), float(camera_.height()));
  ui::drawLegend(panelState_.legend, config_.english, float(camera_.width()), float(camera_.height()));
  bool closeCard = false;
  if (selection_ && !card_.title.empty())
    closeCard = ui::drawCard(card_, config_.english, float(camera_.width()), float(camera_.height())).close;
  if (!ImGui::GetIO().WantTextInput && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false))
    closeCard = true;
  // While the map is turned: the compass (back to north).
  const bool north = camera_.bearing() != 0 && ui::drawCompass(camera_.bearing(), config_.english,
                                                               float(camera_.width()), float(camera_.height()));
  const bool showFeedUi = status_.feed.connection.state != feeds::ConnectionState::Off || shown.totalCount() > 0;
  ui::FeedPanelActions fa = showFeedUi
                                ? ui::drawFeedPanel(feed, feedUi_, float(camera_.width()), float(camera_.height()))
                                : ui::FeedPanelActions{};
  ui::drawReplayBanner(feed.replay, config_.english, float(camera_.width()), float(camera_.height()), fa,
                       feed.leftInset);
  const ui::HelpPanelActions ha = ui::drawHelpPanel(helpModel, float(camera_.width()), float(camera_.height()));
  ImGui::Render();
  renderer_->drawUi(ImGui::GetDrawData());

  const geo::ScreenPoint middle{camera_.width() / 2, camera_.height() / 2};
  if (a.zoomIn) camera_.zoomAround(middle, std::round(camera_.zoom()) + 1);
  if (a.zoomOut) camera_.zoomAround(middle, std::round(camera_.zoom()) - 1);
  if (a.resetView) camera_.setBearing(config_.bearing.value_or(0));
  if (a.resetView && pyramid())
    camera_.jumpTo(config_.center.value_or(pyramid()->tileset().center),
                   config_.zoom.value_or(pyramid()->tileset().centerZoom));
  if (fa.showOnMap) flyTo({fa.showOnMap->lng, fa.showOnMap->lat}, std::max(camera_.zoom(), 15.0));
  if (fa.showStorm)  // the storm and its cone, as much as the map's zoom range shows
    if (const auto it = shown.storms().find(*fa.showStorm); it != shown.storms().end()) {
      const live::View v = live::stormView(it->second.value, camera_);
      flyTo(v.center, v.zoom);
    }
  // Again when the index arrives or the language changes, not only on a keystroke.
  const uint64_t searchKey = (searchIndex_ ? 2u : 0u) | (config_.english ? 1u : 0u);
  if (a.queryChanged || (panelState_.query[0] && searchKey != panelSearchKey_))
    panelResults_ = search(panelState_.query.data(), 8);
  panelSearchKey_ = searchKey;
  if (a.chosenResult && *a.chosenResult < panelResults_.size())
    chooseSearchResult(panelResults_[*a.chosenResult].entry);
  if (a.english) setEnglish(*a.english);
  if (a.night) (void)setTheme(*a.night ? "night" : "day");
  if (a.helpShelters) helpResult(helpShelters(std::nullopt));
  if (a.helpRoads) helpResult(helpRoads(std::nullopt));
  if (ha.close) helpClose();
  if (ha.pickStart) helpPickStart();
  if (ha.choose) helpChoose(*ha.choose);
  if (ha.showOnMap) flyTo({ha.showOnMap->lng, ha.showOnMap->lat}, std::max(camera_.zoom(), 16.0));
  if (fa.seek) replayAt(*fa.seek);
  if (fa.live) replayAt(std::nullopt);
  if (fa.speed) replaySpeed(*fa.speed);
  if (fa.loadPast) loadPastHistory();
  if (closeCard) clearSelection();
  if (north) resetNorth();
  if (a.changed || a.layersChanged || fa.changed || fa.showOnMap || fa.showStorm || closeCard || ha.changed)
    invalidate();
}

// --- storm help and replay -------------------------------------------------------------------------

help::Origin MapApp::helpOrigin(std::optional<geo::LngLat> location) const {
  if (location) return {*location, help::OriginSource::Location, {}};
  if (selection_ && selection_->point)
    return {geo::fromWorld(*selection_->point), help::OriginSource::Selection, card_.title};
  return {camera_.centerLngLat(), help::OriginSource::View, {}};
}

void MapApp::helpResult(const Result<bool>& r) {
  helpMessage_ = r ? std::string() : r.error();
  helpFitPending_ = bool(r);
  if (r) panelState_.collapse = true;  // the map panel folds away: room for the answer
  ++status_.ui.version;
  invalidate();
}

void MapApp::fitHelp() {
  const help::StormHelp& h = help_->help();
  if (!helpFitPending_ || h.mode() == help::StormHelp::Mode::None) return;
  if (h.mode() == help::StormHelp::Mode::Shelters && h.shelters().empty() && h.unknown().empty() &&
      help_->graphError().empty())
    return;  // not answered yet
  helpFitPending_ = false;
  const geo::WorldPoint o = geo::toWorld(h.origin().point);
  geo::WorldBox box{o.x, o.y, o.x, o.y};
  const auto grow = [&](geo::LngLat p) {
    const geo::WorldPoint w = geo::toWorld(p);
    box.minx = std::min(box.minx, w.x), box.maxx = std::max(box.maxx, w.x);
    box.miny = std::min(box.miny, w.y), box.maxy = std::max(box.maxy, w.y);
  };
  if (h.mode() == help::StormHelp::Mode::Shelters) {
    for (const help::ShelterRow& s : h.shelters()) grow(s.position);
    if (const route::Route* r = h.route())
      for (const route::Leg& leg : r->legs)
        for (const geo::LngLat& p : leg.points) grow(p);
  } else {
    for (size_t i = 0; i < std::min<size_t>(3, h.roads().size()); ++i) grow(h.roads()[i].at);
  }
  // The free part of the view (CSS px): what the panels as last drawn leave (each pushes in the
  // side it sits at), at least right of the help window on a desktop, below the sheet on a phone.
  const double W = camera_.width(), H = camera_.height();
  const bool compact = ui::compactLayout(float(W), float(H));
  double left = compact ? 40 : std::min(W * 0.6, selection_ ? 750.0 : 390.0), right = 60;
  double top = compact ? std::min(H * 0.62, H - 160) : 60, bottom = 50;
  if (config_.showUi)
    for (const ui::WindowRect& r : ui::windowRects()) {
      const double cx = r.x + r.w / 2, cy = r.y + r.h / 2;
      if (cx > W * 0.6)
        right = std::max(right, W - r.x + 10);
      else if (cx < W * 0.4)
        left = std::max(left, double(r.x + r.w) + 10);
      else if (cy > H / 2)
        bottom = std::max(bottom, H - r.y + 10);
      else
        top = std::max(top, double(r.y + r.h) + 10);
    }
  left = std::min(left, W - right - 160);
  top = std::min(top, H - bottom - 160);
  const double fw = std::max(80.0, W - left - right), fh = std::max(80.0, H - top - bottom);
  const double ca = std::abs(camera_.bearingCos()), sa = std::abs(camera_.bearingSin());
  const double bw = box.maxx - box.minx, bh = box.maxy - box.miny;
  const double sw = bw * ca + bh * sa, sh = bw * sa + bh * ca;
  const double scale = std::min(sw > 0 ? fw / sw : 1e300, sh > 0 ? fh / sh : 1e300);
  const double zoom = std::clamp(std::log2(scale / 512), camera_.minZoom(), 17.0);
  // The box's centre goes to the free part's centre: the world offset of that screen offset at
  // the current zoom (bearing included), scaled to the new zoom.
  const geo::ScreenPoint mid{W / 2, H / 2}, free{left + fw / 2, top + fh / 2};
  const geo::WorldPoint a = camera_.screenToWorld(mid), b = camera_.screenToWorld(free);
  const double k = std::exp2(camera_.zoom() - zoom);
  const geo::WorldPoint c{(box.minx + box.maxx) / 2 - (b.x - a.x) * k, (box.miny + box.maxy) / 2 - (b.y - a.y) * k};
  flyTo(geo::fromWorld(c), zoom);
}

Result<bool> MapApp::helpShelters(std::optional<geo::LngLat> location) {
  auto r = help_->showShelters(helpOrigin(location), config_.english);
  helpResult(r);
  return r;
}

Result<bool> MapApp::helpRoads(std::optional<geo::LngLat> location) {
  auto r = help_->showRoads(helpOrigin(location), config_.english);
  helpResult(r);
  return r;
}

void MapApp::helpPickStart() {
  help_->pickingStart = true;
  helpMessage_.clear();
  ++status_.ui.version;
  invalidate();
}

void MapApp::helpChoose(size_t shelter) {
  help_->choose(shelter);
  invalidate();
}

void MapApp::helpClose() {
  help_->close();
  help_->pickingStart = false;
  helpMessage_.clear();
  ++status_.ui.version;
  invalidate();
}

void MapApp::replayAt(std::optional<int64_t> tMs) {
  help_->replayAt(tMs);
  if (selection_ && selection_->live) refreshCard();
  invalidate();
}

void MapApp::loadPastHistory() {
  if (help_->historyWanted) return;
  help_->historyWanted = true;  // the page subscribes to the history chunks (state.ui.replay)
  ++status_.ui.version;
  invalidate();
}

void MapApp::replaySpeed(double speed) {
  help_->setSpeed(speed);
  invalidate();
}

void MapApp::contextLost() {
  contextLost_ = true;
  status_.idle = false;
  platform_.publishStatus(status_);
}

void MapApp::contextRestored() {
  if (!contextLost_ || !started_) return;
  auto ok = renderer_->restore();
  if (!ok) {
    status_.error = "the GL context came back broken: " + ok.error();
    platform_.publishStatus(status_);
    return;
  }
  contextLost_ = false;
  live_->contextRestored();    // the traffic colours go up again with the next frame
  labels_->contextRestored();  // and the fonts
  invalidate();
}

void MapApp::frame() {
  if (contextLost_) return;  // nothing can be drawn; contextRestored() asks for a frame
  const double t0 = platform_.nowMs();
  dirty_ = false;
  updateFeeds();
  // Gestures first (pans, pinches, glides, taps), then a flight.
  bool gliding = gestures_.update(camera_, platform_.nowMs());
  if (const auto tap = gestures_.takeTap()) selectAt(tap->x, tap->y);
  if (flight_) {
    const double t = platform_.nowMs() - flightStartMs_;
    const geo::Flight::Pose pose = flight_->at(t);
    camera_.setCenter(pose.center);
    camera_.setZoom(pose.zoom);
    if (t >= flight_->durationMs()) flight_.reset();  // this frame draws the goal: done
  }
  const double nowTicks = platform_.nowMs();
  double nextRetryMs = std::numeric_limits<double>::infinity();
  if (base_) {
    base_->update(camera_, nowTicks);
    nextRetryMs = base_->nextRetryMs();
  }
  for (auto& o : overlays_) {
    if (!o->layer) continue;
    o->layer->update(camera_, nowTicks);
    nextRetryMs = std::min(nextRetryMs, o->layer->nextRetryMs());
  }
  const bool tilesAsked = pyramid() && (pyramid()->stats().pending > 0 || pyramid()->complete());
  labels_->update(*style_, camera_.pixelRatio(), tilesAsked, !status_.error.empty());  // before the labels are placed
  // Failed tiles in view are asked again when their backoff runs out.
  if (std::isfinite(nextRetryMs)) platform_.requestFrameIn(std::max(0.0, nextRetryMs - nowTicks));
  if (help_->tick(platform_.epochMs())) platform_.requestFrameIn(50);  // a playing replay
  const int64_t nowMs = shownNowMs();
  help_->update(int64_t(platform_.epochMs()));  // the shelters, routes and roads follow the state shown
  fitHelp();
  const style::Style& base = *style_;
  updateTraffic(nowMs);  // before the tiles: roads that just loaded get their colours at once
  frame::beginFrame(drawList_, camera_, base.background.at(camera_.zoom()));
  const bool trafficState = live_->trafficShown();
  frame::addTiles(drawList_, camera_, base, baseTiles(), visible_, trafficState);
  for (const auto& o : overlays_)
    if (o->layer) frame::addTiles(drawList_, camera_, style::overlayStyle(), o->layer->tiles(), visible_, trafficState);
  updateSelection();
  if (hoverStale_ && pyramid()) {
    hoverStale_ = false;
    hover_.reset();
    if (cursor_ && !gestures_.active() && !uiWantsPointer())
      if (auto picked = pickAt(*cursor_, /*wardFallback=*/false))
        hover_ = Hover{picked->first.layer, {picked->first.id}, picked->second, picked->first.name};
  }
  if (hover_ && pyramid() &&
      !(selection_ && selection_->overlay == hover_->overlay &&
        ((selection_->layer == hover_->layer && selection_->ids == hover_->ids) ||
         (!selection_->street.empty() && selection_->street == hover_->name)))) {
    pick::buildHighlight(pick::featureGeometry(tilesOf(hover_->overlay), hover_->layer, hover_->ids), std::nullopt,
                         camera_, hoverHighlight_, /*hover=*/true);
    frame::addMarkers(drawList_, hoverHighlight_);
  }
  if (selection_ && pyramid()) {
    const pick::Geometry g = selection_->ids.empty() ? pick::Geometry{}
                                                     : pick::featureGeometry(tilesOf(selection_->overlay),
                                                                             selection_->layer, selection_->ids);
    pick::buildHighlight(g, selection_->point, camera_, selectHighlight_);
    frame::addMarkers(drawList_, selectHighlight_);
  }
  style::evaluateLabels(*style_, camera_.zoom());  // text sizes and colours that follow the zoom
  labels_->place(baseTiles(), camera_, *style_, visible_, config_.english, !firstIdleMarked_, drawList_);
  drawLive(nowMs);
  renderer_->execute(drawList_);
  if (config_.showUi) drawUi();

  const double t1 = platform_.nowMs();
  frameTimes_.push_back(t1 - t0);
  presentTimes_.push_back(t1);
  if (frameTimes_.size() > kFrameHistory) frameTimes_.pop_front();
  if (presentTimes_.size() > kFrameHistory) presentTimes_.pop_front();

  ++status_.framesDrawn;
  if (flight_ || gliding || labels_->fading()) {  // the next frame continues the motion or the fades
    dirty_ = true;
    platform_.requestFrame();
  }
  // ImGui sizes auto-resizing windows from the previous frame's content: after a change, one
  // more frame lets the panel fit what it now shows (without counting as a new change).
  if (config_.showUi && (status_.framesDrawn < 3 || uiFollowUp_ || ui::windowsSettling())) {
    uiFollowUp_ = false;
    dirty_ = true;
    platform_.requestFrame();
  }
  status_.tilesLoaded = pyramid() ? pyramid()->stats().loaded : 0;
  if (pyramid()) {
    const scene::PyramidStats& ps = pyramid()->stats();
    status_.tiles.pending = ps.pending;
    status_.tiles.failed = ps.failed;
  }
  if (base_) {  // counters over every version of the archive, also while one reopens
    status_.tiles.errors = base_->errors();
    status_.tiles.retries = base_->retries();
    status_.tiles.cancelled = base_->cancelled();
    status_.tiles.reloads = base_->reloads();
  }
  bool overlaysComplete = true;
  for (const auto& o : overlays_) overlaysComplete &= !o->layer || o->layer->settled();
  status_.idle =
      status_.ready && !dirty_ && pyramid() && pyramid()->complete() && overlaysComplete && !labels_->pending();
  if (pyramid() && pyramid()->complete() && !std::exchange(viewTilesMarked_, true)) platform_.mark("view-tiles-drawn");
  if (status_.idle && !std::exchange(firstIdleMarked_, true)) platform_.mark("first-idle");
  // The search index is not needed for the first view: it loads once that is drawn.
  if (status_.idle && !searchRequested_) loadSearchIndex();
  publishUi();
  const geo::LngLat c = camera_.centerLngLat();
  status_.zoom = camera_.zoom();
  status_.lng = c.lng;
  status_.lat = c.lat;
  status_.bearing = camera_.bearing();
  platform_.publishStatus(status_);
}

}  // namespace citymap::app
