#include "labels/halo_atlas.hpp"

#include <algorithm>
#include <cmath>

namespace citymap::labels {

std::vector<uint8_t> makeHaloAtlas(const uint8_t* alpha, int width, int height, float radius,
                                   std::span<const TexelRect> sources) {
  const size_t n = size_t(std::max(0, width)) * size_t(std::max(0, height));
  std::vector<uint8_t> out(n * 2, 0);
  if (!alpha || n == 0) return out;
  for (size_t i = 0; i < n; ++i) out[2 * i] = out[2 * i + 1] = alpha[i];
  if (radius <= 0) return out;
  // The disc's offsets with their antialiased weight (0..256).
  const int reach = int(std::ceil(radius + 0.5f));
  struct Offset {
    int dx, dy;
    uint32_t weight;
  };
  std::vector<Offset> offsets;
  for (int dy = -reach; dy <= reach; ++dy)
    for (int dx = -reach; dx <= reach; ++dx) {
      const float w = std::clamp(radius + 0.5f - std::hypot(float(dx), float(dy)), 0.f, 1.f);
      if (w > 0 && (dx || dy)) offsets.push_back({dx, dy, uint32_t(std::lround(w * 256))});
    }
  // Each covered texel spreads its coverage over the disc around it (max). A fully covered
  // texel whose 8 neighbours are fully covered too adds nothing: for every target a neighbour is
  // nearer. So only the glyphs' edges do work.
  const auto at = [&](int x, int y) -> uint32_t {
    return x < 0 || y < 0 || x >= width || y >= height ? 0 : alpha[size_t(y) * size_t(width) + size_t(x)];
  };
  const auto spread = [&](const TexelRect& r) {
    for (int y = std::max(0, r.y0); y < std::min(height, r.y1); ++y) {
      for (int x = std::max(0, r.x0); x < std::min(width, r.x1); ++x) {
        const uint32_t a = alpha[size_t(y) * size_t(width) + size_t(x)];
        if (a == 0) continue;
        if (a == 255 && at(x - 1, y - 1) == 255 && at(x, y - 1) == 255 && at(x + 1, y - 1) == 255 &&
            at(x - 1, y) == 255 && at(x + 1, y) == 255 && at(x - 1, y + 1) == 255 && at(x, y + 1) == 255 &&
            at(x + 1, y + 1) == 255)
          continue;
        for (const Offset& o : offsets) {
          const int tx = x + o.dx, ty = y + o.dy;
          if (tx < 0 || ty < 0 || tx >= width || ty >= height) continue;
          uint8_t& h = out[2 * (size_t(ty) * size_t(width) + size_t(tx)) + 1];
          const uint32_t v = (a * o.weight + 128) >> 8;
          if (v > h) h = uint8_t(std::min(255u, v));
        }
      }
    }
  };
  if (sources.empty()) {
    spread({0, 0, width, height});
  } else {
    for (const TexelRect& r : sources) spread(r);
  }
  return out;
}

}  // namespace citymap::labels
