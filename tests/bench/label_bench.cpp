// Text labels on real Da Nang tiles: candidate collection (once per tile, when it is meshed),
// per-frame placement over central Hai Chau at z14, z15.5 and z17 in a 1280x800 view (the camera
// pans a little every iteration, as in a drag), glyph quads for the placed labels, and the font
// build (ImGui rasterising the UI and label fonts, plus the baked halo). Built natively and to
// wasm.
//   citymap_label_bench TILESET [FONT.ttf] [google-benchmark flags]
#include <benchmark/benchmark.h>
#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "geo/mercator.hpp"
#include "labels/halo_atlas.hpp"
#include "labels/label_batch.hpp"
#include "labels/placement.hpp"
#include "local_files.hpp"
#include "scene/tile_mesh.hpp"
#include "source/tile_source.hpp"
#include "style/style.hpp"
#include "tile/tile_reader.hpp"
#include "ui/label_fonts.hpp"

namespace {

using namespace citymap;

constexpr double kWidth = 1280, kHeight = 800;
const geo::LngLat kCentre{108.2145, 16.0600};

std::map<int, std::vector<tile::TileData>> gTiles;  // by zoom
std::map<int, std::vector<std::shared_ptr<const scene::TileMesh>>> gMeshes;
std::vector<uint8_t> gFont;
labels::FontSet gFonts;

using bench::drain;
using bench::fetchFile;

geo::Camera cameraAt(double zoom) {
  geo::Camera c;
  c.setViewport(kWidth, kHeight, 1);
  c.setZoomRange(0, 22);
  c.jumpTo(kCentre, zoom);
  return c;
}

// The tiles a view at `zoom` draws (tile zoom floor(zoom), the data's 16 at most), with a margin
// for the pan.
size_t loadTiles(const std::string& tileset) {
  auto src = source::openSource(tileset, fetchFile);
  bool opened = false;
  src->open([&](Result<tile::Tileset> t) {
    opened = t.ok();
    if (!t) std::printf("NOTE: %s\n", t.error().c_str());
  });
  drain();
  if (!opened) return 0;
  size_t n = 0;
  for (int z : {14, 15, 16}) {
    const double view = z == 16 ? 16 : z + 0.5;
    const geo::Camera cam = cameraAt(view);
    geo::WorldBox box = cam.visibleBounds();
    const double margin = 300 / cam.worldSizePx();
    box = {box.minx - margin, box.miny - margin, box.maxx + margin, box.maxy + margin};
    for (const auto& id : geo::tilesCovering(box, uint8_t(z)))
      src->fetchTile(id, [id, z, &n](Result<source::Bytes> bytes) {
        if (!bytes || bytes->empty()) return;
        auto t = tile::decodeTile(std::move(bytes).value(), id);
        if (!t) return;
        gMeshes[z].push_back(scene::buildTileMesh(t.value(), style::defaultStyle()));
        gTiles[z].push_back(std::move(t).value());
        ++n;
      });
    drain();
  }
  return n;
}

// Real font metrics: ImGui rasterises the fonts as the app does (needs an ImGui context).
bool loadFonts(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  gFont.assign(std::istreambuf_iterator<char>(f), {});
  ImGui::CreateContext();
  const auto sizes = style::labelSizes(style::defaultStyle());
  // The POI icons as the app has them (placement and batches include the icons' quads).
  std::optional<icons::Sprite> sprite;
  {
    std::ifstream index(CITYMAP_ICONS_DIR "/sprite@1x.json"),
        coverage(CITYMAP_ICONS_DIR "/sprite@1x.alpha", std::ios::binary);
    const std::string json((std::istreambuf_iterator<char>(index)), {});
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(coverage)), {});
    if (auto s = icons::parseSprite(json, bytes)) {
      sprite = std::move(s).value();
    } else {
      std::printf("NOTE: no icon sprite in %s (%s): labels without icons\n", CITYMAP_ICONS_DIR, s.error().c_str());
    }
  }
  ui::FontBuild fonts = ui::buildFonts(gFont, 15, sizes, 1, sprite ? &*sprite : nullptr);
  if (!fonts.trueType) return false;
  gFonts = std::move(fonts.labels);
  return true;
}

void BM_CollectLabels(benchmark::State& state) {
  const auto& tiles = gTiles[16];
  size_t candidates = 0;
  for (auto _ : state) {
    candidates = 0;
    for (const auto& t : tiles) candidates += labels::collectLabels(t, style::defaultStyle()).candidates.size();
  }
  state.counters["tiles"] = double(tiles.size());
  state.counters["candidates"] = double(candidates);
}

// One frame's placement while panning: the camera moves 7 px per frame along a 400 px loop.
void placeLabels(benchmark::State& state, double zoom, bool batch) {
  const int tileZoom = std::min(16, int(std::floor(zoom)));
  std::vector<labels::LabelTile> tiles;
  for (const auto& m : gMeshes[tileZoom]) tiles.push_back({m->id, &m->labels});
  geo::Camera cam = cameraAt(zoom);
  const geo::WorldPoint start = cam.center();
  labels::Labeler labeler;
  labels::LabelBatch out;
  labels::GroupVisibility visible;
  visible.fill(true);
  double now = 0;
  int frame = 0;
  size_t placed = 0, glyphs = 0;
  for (auto _ : state) {
    const double t = (frame++ % 120) / 120.0 * 2 * 3.14159265358979;
    cam.setCenter({start.x + 200 * std::cos(t) / cam.worldSizePx(), start.y + 200 * std::sin(t) / cam.worldSizePx()});
    now += 16;
    const auto& labels = labeler.place(tiles, cam, style::defaultStyle(), gFonts, visible, now);
    placed = labels.size();
    if (batch) {
      labels::buildLabelBatch(labels, style::defaultStyle(), gFonts, 1, out);
      glyphs = out.indices.size() / 6;
    }
    benchmark::DoNotOptimize(labels.data());
  }
  state.counters["tiles"] = double(tiles.size());
  state.counters["candidates"] = double(labeler.stats().candidates);
  state.counters["labels"] = double(placed);
  if (batch) state.counters["glyphs"] = double(glyphs);
}

// The halo alone (a 1024 x 1024 atlas, as at a pixel ratio of 2).
void BM_HaloAtlas(benchmark::State& state) {
  ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
  ui::buildFonts(gFont, 15, style::labelSizes(style::defaultStyle()), 2);
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  atlas.GetTexDataAsAlpha8(&pixels, &w, &h);
  for (auto _ : state) benchmark::DoNotOptimize(labels::makeHaloAtlas(pixels, w, h, 3).data());
  state.counters["texels"] = double(w) * h;
}

void BM_BuildFonts(benchmark::State& state) {
  const auto sizes = style::labelSizes(style::defaultStyle());
  const float dpr = float(state.range(0));
  int w = 0, h = 0;
  for (auto _ : state) {
    ui::FontBuild fonts = ui::buildFonts(gFont, 15, sizes, dpr);
    w = fonts.width;
    h = fonts.height;
    benchmark::DoNotOptimize(fonts.atlas.data());
  }
  state.counters["atlas_w"] = w;
  state.counters["atlas_h"] = h;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: citymap_label_bench TILESET [FONT.ttf] [benchmark flags]\n");
    return 2;
  }
  const std::string tileset = argv[1];
  std::string font = CITYMAP_UI_FONT;
  int used = 1;
  if (argc > 2 && std::string(argv[2]).rfind("--", 0) != 0) {
    font = argv[2];
    used = 2;
  }
  if (!loadFonts(font)) {
    std::printf("NOTE: no font at %s (fonts-noto-core); label benchmarks skipped\n", font.c_str());
    return 0;
  }
  if (loadTiles(tileset) == 0) {
    std::printf(
        "NOTE: no real tiles in %s (build them with tools/run.sh or the 'danang_tiles' target);"
        " only the font benchmark runs\n",
        tileset.c_str());
  } else {
    std::printf("Real Da Nang tiles from %s: z14 %zu, z15 %zu, z16 %zu\n", tileset.c_str(), gTiles[14].size(),
                gTiles[15].size(), gTiles[16].size());
    benchmark::RegisterBenchmark("BM_CollectLabels/z16", BM_CollectLabels)->Unit(benchmark::kMillisecond);
    for (double z : {14.0, 15.5, 16.0, 17.0}) {
      const std::string name = "BM_PlaceLabels/z" + std::to_string(z).substr(0, z == 15.5 ? 4 : 2);
      benchmark::RegisterBenchmark(name.c_str(), [z](benchmark::State& s) {
        placeLabels(s, z, false);
      })->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark((name + "+glyphs").c_str(), [z](benchmark::State& s) {
        placeLabels(s, z, true);
      })->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::RegisterBenchmark("BM_HaloAtlas/dpr2", BM_HaloAtlas)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_BuildFonts/dpr", BM_BuildFonts)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
  std::vector<char*> args{argv[0]};
  for (int i = used + 1; i < argc; ++i) args.push_back(argv[i]);
  int n = int(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
