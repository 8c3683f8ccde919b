#pragma once
// The map application: camera, tile pyramid, renderer and UI wired into a frame loop driven by
// the platform. Input arrives in CSS pixels; the app decides what it means.
#include <deque>
#include <span>
#include <string_view>
#include <vector>
#include <memory>
#include <optional>
#include <string>

#include "app/platform.hpp"
#include "feeds/connection.hpp"
#include "feeds/feed_store.hpp"
#include "geo/camera.hpp"
#include "render/imgui_renderer.hpp"
#include "render/renderer.hpp"
#include "scene/tile_pyramid.hpp"
#include "source/tile_source.hpp"
#include "live/live_batch.hpp"
#include "scene/feature_index.hpp"
#include "labels/label_batch.hpp"
#include "labels/placement.hpp"
#include "ui/feed_panel.hpp"
#include "ui/map_panel.hpp"

namespace citymap::app {

struct AppConfig {
  std::string tilesetUrl = "tiles/danang.pmtiles";  // a .pmtiles archive, or a folder with tileset.json
  std::optional<geo::LngLat> center;  // default: the tileset's centre
  std::optional<double> zoom;
  bool showUi = true;
  // Draw the data's attribution in the canvas (off where the host page shows it itself).
  bool drawAttribution = true;
  // A TrueType font with Vietnamese glyphs for the UI and the map's labels (URL or path); empty:
  // ImGui's own font (ASCII only).
  std::string uiFontUrl;
  bool english = false;  // UI and alert language (default Vietnamese)
};

class MapApp {
 public:
  MapApp(Platform& platform, AppConfig config);
  ~MapApp();

  // Needs a current GL context. Starts loading the tileset; returns false on a GL failure.
  bool start();

  void resize(double widthCss, double heightCss, double pixelRatio);
  void pointerDown(double x, double y);
  void pointerMove(double x, double y);
  void pointerUp();
  void pointerLeave();
  // deltaY in CSS pixels as in WheelEvent (positive = scroll down = zoom out).
  void wheel(double x, double y, double deltaY);
  void jumpTo(geo::LngLat center, double zoom);

  // --- live feeds (docs/FEEDS.md) ---------------------------------------------------------
  // The one entry point every transport hands MQTT messages to (topic and raw payload; an
  // empty payload clears that entity). Cheap: queued in the bounded store queue, decoded at
  // the next frame.
  void feedMessage(std::string_view topic, std::span<const uint8_t> payload);
  // Transports report their connection state here; the UI shows it.
  void feedConnection(const feeds::ConnectionStatus& status);
  const feeds::FeedStore& feeds() const { return feeds_; }

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
  // True when the UI wants the mouse (the platform's ImGui backend fed it the event).
  bool uiWantsPointer() const;

  const MapStatus& status() const { return status_; }
  const geo::Camera& camera() const { return camera_; }
  const std::deque<double>& frameTimes() const { return frameTimes_; }
  const render::Renderer& renderer() const { return renderer_; }
  const scene::TilePyramid* pyramid() const { return pyramid_.get(); }

 private:
  void onTileset(Result<tile::Tileset> tileset);
  void requestTile(const geo::TileID& id);
  void invalidate();
  void drawUi();
  void updateFeeds();
  void updateTraffic(int64_t nowMs);
  void drawLive(int64_t nowMs);
  void loadUiFont();
  void applyFonts(std::span<const uint8_t> ttf);
  void drawLabels();
  void openOverlay(size_t i);

  Platform& platform_;
  AppConfig config_;
  geo::Camera camera_;
  render::Renderer renderer_;
  std::unique_ptr<render::ImGuiRenderer> imgui_;
  std::unique_ptr<source::TileSource> source_;
  std::unique_ptr<scene::TilePyramid> pyramid_;
  ui::LayerVisibility visible_;
  MapStatus status_;
  feeds::FeedStore feeds_;
  scene::FeatureIndex featureIndex_;
  live::LiveBatch liveBatch_;
  std::vector<uint32_t> trafficState_;
  uint64_t trafficVersion_ = ~0ull;
  size_t trafficSlots_ = 0;
  bool trafficShown_ = false;
  double lastTrafficMs_ = -1e9;
  ui::FeedPanelState feedUi_;
  labels::Labeler labeler_;
  labels::FontSet labelFonts_;
  labels::LabelBatch labelBatch_;
  std::vector<labels::LabelTile> labelTiles_;
  bool fontPending_ = false;  // the font file was asked for and has not arrived
  std::vector<uint8_t> fontBytes_;  // the TrueType font (empty: ImGui's built-in font)
  double fontsDpr_ = 0;             // the pixel ratio the fonts were rasterised for
  struct Overlay {
    OverlayInfo info;
    std::unique_ptr<source::TileSource> source;
    std::unique_ptr<scene::TilePyramid> pyramid;
  };
  std::vector<std::unique_ptr<Overlay>> overlays_;
  double lastPruneMs_ = 0;
  double lastFeedSummaryMs_ = -1e9;
  std::optional<geo::ScreenPoint> dragFrom_;
  std::optional<geo::ScreenPoint> cursor_;
  std::deque<double> frameTimes_;  // CPU ms of recent frames
  std::deque<double> presentTimes_;
  bool dirty_ = true;
  bool uiFollowUp_ = false;  // draw once more after a change so ImGui's auto-sizing settles
  bool started_ = false;
};

}  // namespace citymap::app
