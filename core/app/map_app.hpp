#pragma once
// The map application: camera, tile pyramid, renderer and UI wired into a frame loop driven by
// the platform. Input arrives in CSS pixels; the app decides what it means.
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/help_layer.hpp"
#include "app/label_layer.hpp"
#include "app/live_layer.hpp"
#include "app/platform.hpp"
#include "app/tile_layer.hpp"
#include "feeds/connection.hpp"
#include "feeds/feed_store.hpp"
#include "frame/draw_list.hpp"
#include "frame/frame_renderer.hpp"
#include "geo/camera.hpp"
#include "geo/flight.hpp"
#include "icons/sprite.hpp"
#include "input/gestures.hpp"
#include "labels/label_batch.hpp"
#include "labels/placement.hpp"
#include "live/live_batch.hpp"
#include "pick/feature_pick.hpp"
#include "scene/feature_index.hpp"
#include "scene/tile_pyramid.hpp"
#include "search/search_index.hpp"
#include "source/tile_source.hpp"
#include "ui/feature_card.hpp"
#include "ui/feed_panel.hpp"
#include "ui/help_panel.hpp"
#include "ui/map_panel.hpp"

namespace citymap::app {

struct AppConfig {
  std::string tilesetUrl = "tiles/danang.pmtiles";  // a .pmtiles archive, or a folder with tileset.json
  std::optional<geo::LngLat> center;                // default: the tileset's centre
  std::optional<double> zoom;
  std::optional<double> bearing;  // degrees clockwise from north at the top (default 0)
  bool showUi = true;
  // Draw the data's attribution in the canvas (off where the host page shows it itself).
  bool drawAttribution = true;
  // A TrueType font with Vietnamese glyphs for the UI and the map's labels (URL or path); empty:
  // ImGui's own font (ASCII only).
  std::string uiFontUrl;
  // The POI icon sprite (assets/icons): URL or path without the "@<ratio>x.json" / ".alpha"
  // ending (the ratio is picked for the screen); empty: no icons.
  std::string iconSpriteUrl;
  bool english = false;  // UI, alert and label language (default Vietnamese)
  // ImGui's search box in the panel (the browser page has a DOM one instead).
  bool searchBox = true;
  float panelTop = 10;
  // Highlight what the pointer is over (a mouse: the desktop).
  bool hoverHighlight = false;  // CSS px from the top to the map panel (room for a host page's toolbar)
  // The search index (docs/ARCHITECTURE.md, search); empty: beside the tileset
  // ("x.pmtiles" -> "x.search.json", a folder -> "search.json").
  std::string searchUrl;
  // A feature to select once its tile is loaded ("layer/id", as MapStatus::selection names it).
  std::string select;
  // Layer groups hidden at the start (ui::groupKey names, comma-separated).
  std::string hidden;
  // The style file (docs/MAP_STYLE.md), fetched at start; empty: the built-in copy of
  // assets/styles/citymap.json only (the map starts with that copy either way).
  std::string styleUrl;
  // The style's theme: "day" (the file's own look) or one of its citymap:themes ("night").
  std::string theme = "day";
};

// One search result for a host page (the DOM list) or the ImGui list.
struct SearchResult {
  size_t entry = 0;    // index into the search index, for chooseSearchResult
  std::string title;   // the name in the UI language
  std::string detail;  // the kind in words and the other language's name
  std::string type;    // the index's type (admin, street, poi, ...)
  double lng = 0, lat = 0;
};

class MapApp {
 public:
  // `renderer`: what executes the frames' draw lists; default: GL (render::GlRenderer).
  // frame::NullRenderer runs the whole app without a GL context.
  MapApp(Platform& platform, AppConfig config, std::unique_ptr<frame::FrameRenderer> renderer = nullptr);
  ~MapApp();

  // Needs a current GL context (with the GL renderer). Starts loading the tileset; returns false on a GL failure.
  bool start();

  void resize(double widthCss, double heightCss, double pixelRatio);
  // Pointers (a mouse, fingers): ids tell fingers apart. The gestures (core/input) turn them
  // into pans, pinches, twists, glides, taps and double taps; a pointer that goes down on a
  // panel belongs to the UI and never moves the map.
  void pointerDown(int id, double x, double y, input::Device device = input::Device::Mouse,
                   input::Button button = input::Button::Primary, bool ctrl = false);
  void pointerMove(int id, double x, double y);
  void pointerUp(int id, double x, double y);
  void pointerCancel(int id);
  void pointerLeave();
  // Keyboard control of the map (arrows, +/-, Shift+arrows); Esc closes the card.
  void key(input::Key key);
  void escape() { clearSelection(); }
  // The compass: back to north, animated.
  void resetNorth();
  // deltaY in CSS pixels as in WheelEvent (positive = scroll down = zoom out).
  void wheel(double x, double y, double deltaY);
  void jumpTo(geo::LngLat center, double zoom, std::optional<double> bearing = std::nullopt);
  // An animated move (at most about 1 s); input or a jump cancels it.
  void flyTo(geo::LngLat center, double zoom);

  // --- language ---------------------------------------------------------------------------------
  // The UI, the alerts, the cards and the map's labels (English names where the data has them).
  void setEnglish(bool english);
  bool english() const { return config_.english; }

  // --- style (docs/MAP_STYLE.md) ---------------------------------------------------------------
  // A style file's text (`file` names it in errors). On an error the style in use stays, the
  // error is shown in the panel and MapStatus::styleError, and returned.
  Result<bool> setStyleText(std::string_view text, std::string_view file);
  // Switches the theme of the current style file ("day", "night"); an unknown theme is an error
  // and the theme in use stays.
  Result<bool> setTheme(std::string_view theme);
  const std::string& theme() const { return config_.theme; }
  const style::Style& style() const { return *style_; }

  // --- search -----------------------------------------------------------------------------------
  // Results for a query, best first (empty until the index has loaded: MapStatus::ui.searchReady;
  // the first query starts loading it if the map has not yet).
  std::vector<SearchResult> search(std::string_view query, size_t limit = 8);
  // Flies to a result, highlights it and opens its card.
  void chooseSearchResult(size_t entry);

  // --- selection (the card) ---------------------------------------------------------------------
  // Picks what is drawn at a CSS pixel (a click or tap): a live marker, else a map feature.
  void selectAt(double x, double y);
  // Selects a feature by "layer/id" once a drawn tile holds it (a shared link).
  void select(std::string_view layerAndId);
  void clearSelection();

  // --- layers -----------------------------------------------------------------------------------
  // Hides the groups named (ui::groupKey names, comma-separated) and shows the others.
  void setHiddenGroups(std::string_view names);

  // --- live feeds (docs/FEEDS.md) ---------------------------------------------------------
  // The one entry point every transport hands MQTT messages to (topic and raw payload; an
  // empty payload clears that entity). Cheap: queued in the bounded store queue, decoded at
  // the next frame.
  void feedMessage(std::string_view topic, std::span<const uint8_t> payload);
  // Transports report their connection state here; the UI shows it.
  void feedConnection(const feeds::ConnectionStatus& status);
  const feeds::FeedStore& feeds() const { return live_->store(); }

  // --- storm help and replay (issue 10; app/help_layer) ----------------------------------------
  // The nearest open shelters (with a walking route to the first), or the flooded and closed
  // roads, from `location` (the device's position) if given, else from the selected place, else
  // from the map's centre. Fails with a message in the UI language when the start is outside
  // the map's area (the message is also shown in the help panel).
  Result<bool> helpShelters(std::optional<geo::LngLat> location);
  Result<bool> helpRoads(std::optional<geo::LngLat> location);
  // The next tap or click on the map chooses the start (of the open help, or of shelters).
  void helpPickStart();
  void helpChoose(size_t shelter);
  void helpClose();
  // The time slider: the state at tMs (epoch ms, clamped to the recorded window); nullopt: live.
  void replayAt(std::optional<int64_t> tMs);
  // Plays the replay at `speed` times real time (0: pause; up to 60x in the UI).
  void replaySpeed(double speed);
  // Asks for the hours before this client started (the page subscribes to the history chunks).
  void loadPastHistory();
  const HelpLayer& helpLayer() const { return *help_; }

  // --- overlays -------------------------------------------------------------------------------
  // Draws a tileset (folder or .pmtiles, tile layer "overlay") above the map with
  // style::overlayStyle() (docs/OVERLAY.md). `label` names it in the UI.
  void addOverlay(const std::string& tilesetUrl, const std::string& label);
  struct OverlayInfo {
    std::string label, url, error;
    bool ready = false;
  };
  std::vector<OverlayInfo> overlays() const;

  // Renders if anything changed. Called by the platform when a frame was requested.
  void frame();
  // The GL context was lost (a phone put the tab away): nothing is drawn until it is restored;
  // then every GPU resource is rebuilt from the CPU-side state and the map redraws as before.
  void contextLost();
  void contextRestored();
  // True when the UI wants the mouse (the platform's ImGui backend fed it the event).
  bool uiWantsPointer() const;

  const MapStatus& status() const { return status_; }
  const geo::Camera& camera() const { return camera_; }
  const std::deque<double>& frameTimes() const { return frameTimes_; }
  // The labels on the map in the last frame (tests read their texts).
  const std::vector<labels::PlacedLabel>& placedLabels() const { return labels_->placed(); }
  const frame::FrameRenderer& renderer() const { return *renderer_; }
  // The last frame's draw list (what it drew, GL-free).
  const frame::DrawList& drawList() const { return drawList_; }
  // The base map's pyramid (null until its tileset opened).
  const scene::TilePyramid* pyramid() const { return base_ ? base_->pyramid() : nullptr; }

 private:
  // The base map's tileset opened (again, after the archive changed: `reload`).
  void onTileset(const tile::Tileset& tileset, bool reload);
  TileLayer::Hooks layerHooks();
  source::Fetch platformFetch();  // the platform's fetch, for the layers
  // Parses `text` with `theme` and puts the result in use (tiles re-meshed if the buckets
  // differ, fonts rebuilt if the label sizes do).
  Result<bool> applyStyle(std::string text, std::string file, std::string theme);
  std::unique_ptr<style::Style> style_;
  std::string styleText_, styleFile_;
  void invalidate();
  void drawUi();
  void updateFeeds();
  void updateTraffic(int64_t nowMs);
  void drawLive(int64_t nowMs);
  void openOverlay(size_t i);
  void loadSearchIndex();
  void updateSelection();
  void refreshCard();
  void publishUi();
  void publishHelp();
  // The feed state the map shows (live, or replayed at the slider's time) and its clock.
  const feeds::FeedStore& shownFeeds() const { return help_->shown(); }
  int64_t shownNowMs() const { return help_->shownNowMs(int64_t(platform_.epochMs())); }
  help::Origin helpOrigin(std::optional<geo::LngLat> location) const;
  void helpResult(const Result<bool>& r);
  // Once the answer to a new help request is there: the view moves to show the start, the route
  // and the shelters (or the nearest roads) in the part of the map the help panel leaves free.
  void fitHelp();
  bool helpFitPending_ = false;

  Platform& platform_;
  AppConfig config_;
  geo::Camera camera_;
  std::unique_ptr<frame::FrameRenderer> renderer_;
  frame::DrawList drawList_;  // built by frame(), executed by renderer_ at its end
  // The base map (its archive, reopened when it changed on the server) and the overlays.
  std::unique_ptr<TileLayer> base_;
  void openBaseSource();
  // The base map's tiles as drawn (the old version's while a reload is under way).
  const std::vector<scene::DrawTile>& baseTiles() const;
  ui::LayerVisibility visible_;
  MapStatus status_;
  // The live feeds: their store, traffic colours and markers.
  std::unique_ptr<LiveLayer> live_;
  std::unique_ptr<HelpLayer> help_;  // records the live store; replays it
  std::string helpMessage_;          // why the last help request was refused
  uint64_t helpVersion_ = ~0ull;
  std::optional<int64_t> replayPublished_;
  scene::FeatureIndex featureIndex_;
  ui::FeedPanelState feedUi_;
  std::unique_ptr<LabelLayer> labels_;  // the fonts, the icons and the labels over the base map
  struct Overlay {
    OverlayInfo info;
    std::unique_ptr<TileLayer> layer;
  };
  std::vector<std::unique_ptr<Overlay>> overlays_;
  // Search: the index loads after the first complete view (or at the first query).
  std::optional<search::SearchIndex> searchIndex_;
  bool searchRequested_ = false;
  std::string searchError_;
  std::vector<SearchResult> panelResults_;
  uint64_t panelSearchKey_ = 0;  // index loaded and language when the panel's results were made
  ui::PanelState panelState_;
  std::optional<geo::Flight> flight_;
  double flightStartMs_ = 0;
  // The selected feature: what a link names (layer/id), what is highlighted, the card.
  struct Selection {
    std::string layer;  // tile layer, "live" for a live entity, "place" for a search-only entry
    uint64_t id = 0;
    int overlay = -1;           // the overlay it belongs to (index into overlays_), -1: the base map
    std::string street;         // a street chosen by search: its name in road_labels
    std::vector<uint64_t> ids;  // highlighted features of `layer`
    std::optional<pick::Feature> feature;
    std::optional<live::LivePick> live;
    std::optional<geo::WorldPoint> point;  // where it is (search entry, live marker, picked point)
    std::optional<size_t> entry;           // the search entry it came from
    bool resolved = false;                 // found in the tiles (or needs no tile)
    bool notFound = false;                 // not found after the map settled (still looked for)
    bool wardsKnown = false;               // the card names the wards (their tiles were loaded)
    size_t wardsTriedAt = SIZE_MAX;        // tiles drawn when the wards were last looked up
    double sinceMs = 0;
  };
  std::optional<Selection> selection_;
  ui::Card card_;
  live::LiveBatch hoverHighlight_, selectHighlight_;
  struct Hover {
    std::string layer;
    std::vector<uint64_t> ids;
    int overlay = -1;
    std::string name;
  };
  // The drawn tiles of the base map (overlay -1) or of an overlay.
  const std::vector<scene::DrawTile>& tilesOf(int overlay) const;
  // The topmost feature at a point: overlays (drawn above) first, then the base map.
  // `wardFallback`: over empty map, the ward (a click), or nothing (hover).
  std::optional<std::pair<pick::Feature, int>> pickAt(geo::ScreenPoint p, bool wardFallback = true) const;
  std::optional<Hover> hover_;
  bool hoverStale_ = false;  // the pointer moved: pick again at the next frame
  uint64_t uiVersion_ = 1;
  input::GestureModel gestures_;
  std::vector<int> uiPointers_;  // pointers that went down on a panel: the UI's, not the map's
  std::optional<geo::ScreenPoint> cursor_;
  std::deque<double> frameTimes_;  // CPU ms of recent frames
  std::deque<double> presentTimes_;
  bool dirty_ = true;
  bool uiFollowUp_ = false;  // draw once more after a change so ImGui's auto-sizing settles
  bool started_ = false;
  // Startup milestones marked once each (Platform::mark).
  bool firstTileMarked_ = false, viewTilesMarked_ = false, firstIdleMarked_ = false;
  bool contextLost_ = false;
};

}  // namespace citymap::app
