#include "icons/sprite.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace citymap::icons {

using nlohmann::json;

const IconRect* Sprite::find(std::string_view name) const {
  const auto it = icons.find(name);
  return it == icons.end() ? nullptr : &it->second;
}

namespace {

constexpr int kMaxSide = 4096;

bool readInt(const json& j, const char* key, int lo, int hi, int& out) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return false;
  const auto v = it->get<int64_t>();
  if (v < lo || v > hi) return false;
  out = int(v);
  return true;
}

}  // namespace

Result<Sprite> parseSprite(std::string_view indexJson, std::span<const uint8_t> coverage) {
  const json j = json::parse(indexJson.begin(), indexJson.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{"icon sprite: the index is not valid JSON"};
  if (!j.is_object()) return Error{"icon sprite: the index is not a JSON object"};
  Sprite s;
  if (!readInt(j, "width", 1, kMaxSide, s.width) || !readInt(j, "height", 1, kMaxSide, s.height))
    return Error{"icon sprite: width and height must be whole numbers from 1 to 4096"};
  const auto ratio = j.find("pixelRatio");
  if (ratio == j.end() || !ratio->is_number() || !(ratio->get<double>() > 0 && ratio->get<double>() <= 8))
    return Error{"icon sprite: pixelRatio must be a number in (0, 8]"};
  s.pixelRatio = ratio->get<float>();
  if (coverage.size() != size_t(s.width) * size_t(s.height))
    return Error{"icon sprite: " + std::to_string(coverage.size()) + " coverage bytes for a " +
                 std::to_string(s.width) + "x" + std::to_string(s.height) + " sprite (cut off?)"};
  const auto icons = j.find("icons");
  if (icons == j.end() || !icons->is_object()) return Error{"icon sprite: \"icons\" must be an object"};
  for (const auto& [name, cell] : icons->items()) {
    IconRect r;
    if (name.empty()) return Error{"icon sprite: an icon has an empty name"};
    if (!cell.is_object() || !readInt(cell, "x", 0, s.width - 1, r.x) || !readInt(cell, "y", 0, s.height - 1, r.y) ||
        !readInt(cell, "width", 1, s.width - r.x, r.width) || !readInt(cell, "height", 1, s.height - r.y, r.height))
      return Error{"icon sprite: icon \"" + name + "\" needs x, y, width, height inside the " +
                   std::to_string(s.width) + "x" + std::to_string(s.height) + " image"};
    s.icons.emplace(name, r);
  }
  s.coverage.assign(coverage.begin(), coverage.end());
  return s;
}

std::vector<uint8_t> makeIconCell(const Sprite& sprite, const IconRect& cell, float discRadius) {
  std::vector<uint8_t> rg(size_t(cell.width) * size_t(cell.height) * 2);
  const float cx = float(cell.width) / 2, cy = float(cell.height) / 2;
  for (int y = 0; y < cell.height; ++y) {
    for (int x = 0; x < cell.width; ++x) {
      const size_t o = (size_t(y) * size_t(cell.width) + size_t(x)) * 2;
      rg[o] = sprite.coverage[size_t(cell.y + y) * size_t(sprite.width) + size_t(cell.x + x)];
      // Coverage of the texel by the disc: 1 inside, 0 outside, linear over one texel.
      const float d = std::hypot(float(x) + 0.5f - cx, float(y) + 0.5f - cy);
      rg[o + 1] = uint8_t(std::lround(255.f * std::clamp(discRadius + 0.5f - d, 0.f, 1.f)));
    }
  }
  return rg;
}

}  // namespace citymap::icons
