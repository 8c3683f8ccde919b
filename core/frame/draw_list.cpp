#include "frame/draw_list.hpp"

#include <algorithm>
#include <cmath>

namespace citymap::frame {

namespace {

std::array<float, 4> premultiplied(style::Color c, float opacity) {
  const float a = c.a * opacity;
  return {c.r * a, c.g * a, c.b * a, a};
}

// The tile's target quad in clip space, computed in double from world corners: tiles sharing
// a corner get identical vertices (no cracks between turned tiles).
std::array<tess::Vec2, 4> clipQuad(const geo::Camera& cam, const geo::TileID& target) {
  const geo::WorldBox b = target.bounds();
  const geo::WorldPoint corners[4] = {{b.minx, b.miny}, {b.maxx, b.miny}, {b.maxx, b.maxy}, {b.minx, b.maxy}};
  std::array<tess::Vec2, 4> clip;
  for (int k = 0; k < 4; ++k) {
    const geo::ScreenPoint p = cam.worldToScreen(corners[k]);
    clip[k] = {float(p.x * 2 / cam.width() - 1), float(1 - p.y * 2 / cam.height())};
  }
  return clip;
}

}  // namespace

void beginFrame(DrawList& list, const geo::Camera& cam, style::Color background) {
  const double dpr = cam.pixelRatio();
  list.fbWidth = int(std::lround(cam.width() * dpr));
  list.fbHeight = int(std::lround(cam.height() * dpr));
  list.background = {background.r, background.g, background.b, background.a};
  list.deviceToClip = {list.fbWidth > 0 ? 2.f / float(list.fbWidth) : 0.f,
                       list.fbHeight > 0 ? -2.f / float(list.fbHeight) : 0.f};
  list.rotation = {float(cam.bearingCos()), float(cam.bearingSin())};
  list.tiles.clear();
  list.layers.clear();
  list.items.clear();
  list.steps.clear();
}

void addTiles(DrawList& list, const geo::Camera& cam, const style::Style& style,
              const std::vector<scene::DrawTile>& tiles, const style::GroupVisibility& visible, bool featureState) {
  Step step{Step::Kind::Tiles};
  step.firstTile = uint32_t(list.tiles.size());
  step.first = uint32_t(list.layers.size());
  // Without a bearing each tile is clipped by a scissor rectangle (free); turned tiles are not
  // rectangles: a stencil mask per tile (like MapLibre's tile clipping). Tiles past the 255th
  // stencil value (never seen in practice) keep the scissor around their turned box.
  const bool turned = cam.bearing() != 0;
  for (const scene::DrawTile& t : tiles) {
    if (!t.mesh) continue;
    TileTarget target;
    target.mesh = t.mesh;
    target.scissor = cam.tileScissor(t.target);
    const geo::TileTransform m = cam.tileTransform(t.mesh->id, t.mesh->extent);
    target.transform = {m.sx, m.xv, m.ox, m.yu, m.sy, m.oy};
    if (turned && step.maskedTiles < 255) {
      target.stencil = int(++step.maskedTiles);
      target.clip = clipQuad(cam, t.target);
    }
    list.tiles.push_back(std::move(target));
  }
  step.tileCount = uint32_t(list.tiles.size()) - step.firstTile;

  const double zoom = cam.zoom();
  const double dpr = cam.pixelRatio();
  for (size_t li = 0; li < style.layers.size(); ++li) {
    const style::Layer& layer = style.layers[li];
    if (!visible[size_t(layer.group)] || zoom < layer.minZoom || zoom >= layer.maxZoom) continue;
    if (layer.featureState && !featureState) continue;
    LayerDraw draw;
    draw.layer = uint32_t(li);
    draw.bucket = uint32_t(layer.bucket);
    const float opacity = layer.opacity.at(zoom);
    if (layer.isLine) {
      // Lines thinner than a device pixel are drawn one pixel wide and faded instead.
      const float w = float(layer.width.at(zoom) * dpr);
      const float fade = std::min(w, 1.f);
      draw.halfWidth = std::max(w, 1.f) / 2;
      if (layer.featureState) {
        draw.program = Program::Traffic;
        draw.opacity = opacity * fade;
      } else {
        draw.program = Program::Line;
        draw.color = premultiplied(layer.color.at(zoom), opacity * fade);
      }
    } else {
      draw.program = Program::Fill;
      draw.color = premultiplied(layer.color.at(zoom), opacity);
    }
    draw.firstItem = uint32_t(list.items.size());
    for (uint32_t i = step.firstTile; i < step.firstTile + step.tileCount; ++i) {
      const auto& buckets = list.tiles[i].mesh->buckets;
      if (draw.bucket >= buckets.size()) continue;
      const scene::BucketMesh& b = buckets[draw.bucket];
      if (b.empty() || (layer.featureState && b.slots.empty())) continue;
      list.items.push_back(i);
    }
    draw.itemCount = uint32_t(list.items.size()) - draw.firstItem;
    if (draw.itemCount) list.layers.push_back(draw);
  }
  step.count = uint32_t(list.layers.size()) - step.first;
  if (step.tileCount) list.steps.push_back(step);
}

void addMarkers(DrawList& list, const live::LiveBatch& batch) {
  if (batch.empty()) return;
  Step step{Step::Kind::Markers};
  step.markers = &batch;
  list.steps.push_back(step);
}

void addLabels(DrawList& list, const labels::LabelBatch& batch) {
  if (batch.empty()) return;
  Step step{Step::Kind::Labels};
  step.labels = &batch;
  list.steps.push_back(step);
}

RenderStats countDraws(const DrawList& list) {
  RenderStats s;
  for (const Step& step : list.steps) {
    switch (step.kind) {
      case Step::Kind::Tiles:
        s.drawCalls += int(step.maskedTiles);
        for (uint32_t l = step.first; l < step.first + step.count; ++l) {
          const LayerDraw& d = list.layers[l];
          s.drawCalls += int(d.itemCount);
          for (uint32_t k = d.firstItem; k < d.firstItem + d.itemCount; ++k) {
            const scene::BucketMesh& b = list.tiles[list.items[k]].mesh->buckets[d.bucket];
            s.triangles += (b.line.indices.empty() ? b.fill.indices.size() : b.line.indices.size()) / 3;
          }
        }
        break;
      case Step::Kind::Markers:
        ++s.drawCalls;
        s.triangles += step.markers->indices.size() / 3;
        break;
      case Step::Kind::Labels:
        ++s.drawCalls;
        s.triangles += step.labels->indices.size() / 3;
        break;
    }
  }
  return s;
}

}  // namespace citymap::frame
