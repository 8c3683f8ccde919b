#pragma once
// What a frame draws, as data: the style evaluated at the camera's zoom into a list of steps
// (tile passes of layer draws, marker batches, label batches) with every uniform, scissor,
// tile transform and clip-mask value already computed. No GL here: the renderer only executes
// the list (render::GlRenderer), or counts it (frame::NullRenderer), and tests read it.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "geo/camera.hpp"
#include "labels/label_batch.hpp"
#include "live/live_batch.hpp"
#include "scene/tile_mesh.hpp"
#include "scene/tile_pyramid.hpp"
#include "style/style.hpp"
#include "tess/geometry.hpp"

namespace citymap::frame {

// The programs a layer draw uses (shaders/): flat fills, antialiased lines, lines coloured per
// feature from the feature-state table.
enum class Program : uint8_t { Fill, Line, Traffic };

// One tile of a pass: its mesh and where it goes.
struct TileTarget {
  std::shared_ptr<const scene::TileMesh> mesh;
  geo::PixelRect scissor;            // device pixels, origin bottom-left
  std::array<float, 6> transform{};  // rows of the 2x3 affine: tile units -> device pixels
  // A turned view clips each tile to its target's quad with a stencil mask: the mask's value
  // (1..255) and the quad's corners in clip space. 0: the scissor alone clips (bearing 0, or
  // past the 255th tile of a pass).
  int stencil = 0;
  std::array<tess::Vec2, 4> clip{};
};

// One style layer over the tiles of its pass that have something in its bucket.
struct LayerDraw {
  uint32_t layer = 0;  // index into the style's layers (for tests and debugging)
  Program program = Program::Fill;
  uint32_t bucket = 0;                    // index into the meshes' buckets
  std::array<float, 4> color{};           // premultiplied, opacity applied (Fill, Line)
  float halfWidth = 0;                    // device pixels (Line, Traffic)
  float opacity = 1;                      // Traffic: the per-feature colours are multiplied by it
  uint32_t firstItem = 0, itemCount = 0;  // DrawList::items: indices into DrawList::tiles
};

struct Step {
  enum class Kind : uint8_t { Tiles, Markers, Labels } kind;
  uint32_t first = 0, count = 0;               // Tiles: a range of DrawList::layers
  const live::LiveBatch* markers = nullptr;    // Markers (owned by the caller until executed)
  const labels::LabelBatch* labels = nullptr;  // Labels (sampling the label atlas)
  uint32_t firstTile = 0, tileCount = 0;       // Tiles: the pass's range of DrawList::tiles
  uint32_t maskedTiles = 0;                    // Tiles: how many of them carry a stencil mask
};

struct DrawList {
  int fbWidth = 0, fbHeight = 0;        // device pixels
  std::array<float, 4> background{};    // premultiplied clear colour
  std::array<float, 2> deviceToClip{};  // device px -> clip space scale (y flipped)
  std::array<float, 2> rotation{1, 0};  // the bearing's cos and sin (line extrusion)
  std::vector<TileTarget> tiles;
  std::vector<LayerDraw> layers;
  std::vector<uint32_t> items;
  std::vector<Step> steps;
};

// What executing a list costs: draw calls (one per layer and tile, one per clip mask, one per
// batch) and triangles. The GL renderer counts the same while it draws.
struct RenderStats {
  int drawCalls = 0;
  size_t triangles = 0;
  int gpuTiles = 0;
  size_t gpuBytes = 0;
};

// Starts a frame's list (clears it; keeps its allocations).
void beginFrame(DrawList& list, const geo::Camera& camera, style::Color background);
// A tile pass: `style`'s layers visible at the camera's zoom (their group shown, in their zoom
// range; feature-state layers only with `featureState`), each over the tiles whose bucket has
// geometry (feature-state layers: geometry with feature slots).
void addTiles(DrawList& list, const geo::Camera& camera, const style::Style& style,
              const std::vector<scene::DrawTile>& tiles, const style::GroupVisibility& visible, bool featureState);
// Markers in device pixels (live markers, highlights) and glyph quads: drawn in the order added.
void addMarkers(DrawList& list, const live::LiveBatch& batch);
void addLabels(DrawList& list, const labels::LabelBatch& batch);

RenderStats countDraws(const DrawList& list);

}  // namespace citymap::frame
