#include "tile/pmtiles.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <string>

namespace citymap::tile::pmtiles {

namespace {

constexpr uint8_t kMagic[7] = {'P', 'M', 'T', 'i', 'l', 'e', 's'};
constexpr uint8_t kVersion = 3;

uint64_t readU64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

int32_t readI32(const uint8_t* p) {
  const uint32_t u = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
  int32_t v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

void writeU64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i));
}

void writeI32(uint8_t* p, double degrees) {
  const double scaled = std::clamp(std::round(degrees * 1e7), double(INT32_MIN), double(INT32_MAX));
  const auto u = static_cast<uint32_t>(static_cast<int32_t>(scaled));
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(u >> (8 * i));
}

const char* compressionName(uint8_t c) {
  switch (c) {
    case kCompressionUnknown:
      return "unknown";
    case kCompressionNone:
      return "none";
    case kCompressionGzip:
      return "gzip";
    case kCompressionBrotli:
      return "brotli";
    case kCompressionZstd:
      return "zstd";
    default:
      return "invalid";
  }
}

std::string str(uint64_t v) { return std::to_string(v); }

// A section [offset, offset + length) of the archive.
const char* checkSection(uint64_t offset, uint64_t length, uint64_t fileSize) {
  if (length == 0) return nullptr;
  if (offset < kHeaderSize) return "overlaps the header";
  if (offset > UINT64_MAX - length) return "overflows";
  if (fileSize != 0 && offset + length > fileSize) return "reaches past the end of the file";
  return nullptr;
}

// Little-endian base-128 varint (protobuf encoding).
class VarintReader {
 public:
  explicit VarintReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  bool read(uint64_t& out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= bytes_.size()) return false;
      const uint8_t b = bytes_[pos_++];
      if (shift == 63 && (b & 0x7e) != 0) return false;  // more than 64 bits
      v |= uint64_t(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        out = v;
        return true;
      }
    }
    return false;  // an 11th byte would be needed
  }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

void writeVarint(std::vector<uint8_t>& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(uint8_t(v) | 0x80);
    v >>= 7;
  }
  out.push_back(uint8_t(v));
}

// Hilbert curve of side n = 2^k: rotate/flip a quadrant (the textbook d2xy/xy2d helpers).
void rotate(uint64_t n, uint64_t& x, uint64_t& y, uint64_t rx, uint64_t ry) {
  if (ry == 0) {
    if (rx == 1) {
      x = n - 1 - x;
      y = n - 1 - y;
    }
    std::swap(x, y);
  }
}

// Number of tiles in zooms 0 .. z-1, i.e. (4^z - 1) / 3; z <= 32.
uint64_t firstIdOfZoom(unsigned z) {
  uint64_t acc = 0;
  for (unsigned i = 0; i < z; ++i) acc += uint64_t(1) << (2 * i);
  return acc;
}

}  // namespace

Result<Header> parseHeader(std::span<const uint8_t> bytes, uint64_t fileSize) {
  if (bytes.size() < kHeaderSize)
    return Error{"not a PMTiles archive: " + str(bytes.size()) + " bytes, the header needs " + str(kHeaderSize)};
  const uint8_t* p = bytes.data();
  if (std::memcmp(p, kMagic, sizeof kMagic) != 0) return Error{"not a PMTiles archive (no \"PMTiles\" magic)"};
  if (p[7] != kVersion) return Error{"PMTiles version " + str(p[7]) + " is not supported (only version 3)"};
  if (fileSize != 0 && fileSize < kHeaderSize) return Error{"PMTiles archive shorter than its header"};
  Header h;
  h.rootOffset = readU64(p + 8);
  h.rootLength = readU64(p + 16);
  h.metadataOffset = readU64(p + 24);
  h.metadataLength = readU64(p + 32);
  h.leafOffset = readU64(p + 40);
  h.leafLength = readU64(p + 48);
  h.dataOffset = readU64(p + 56);
  h.dataLength = readU64(p + 64);
  h.addressedTiles = readU64(p + 72);
  h.tileEntries = readU64(p + 80);
  h.tileContents = readU64(p + 88);
  const uint8_t clustered = p[96];
  h.internalCompression = p[97];
  h.tileCompression = p[98];
  h.tileType = p[99];
  h.minZoom = p[100];
  h.maxZoom = p[101];
  h.minLng = readI32(p + 102) / 1e7;
  h.minLat = readI32(p + 106) / 1e7;
  h.maxLng = readI32(p + 110) / 1e7;
  h.maxLat = readI32(p + 114) / 1e7;
  h.centerZoom = p[118];
  h.centerLng = readI32(p + 119) / 1e7;
  h.centerLat = readI32(p + 123) / 1e7;

  if (clustered > 1) return Error{"PMTiles header: clustered flag " + str(clustered) + " is neither 0 nor 1"};
  h.clustered = clustered == 1;
  if (h.internalCompression != kCompressionNone)
    return Error{std::string("PMTiles internal compression ") + compressionName(h.internalCompression) +
                 " is not supported (directories and metadata must be uncompressed)"};
  if (h.tileCompression != kCompressionNone && h.tileCompression != kCompressionGzip)
    return Error{std::string("PMTiles tile compression ") + compressionName(h.tileCompression) +
                 " is not supported (tiles must be uncompressed or gzip)"};
  if (h.tileType != kTileTypeUnknown)
    return Error{"PMTiles tile type " + str(h.tileType) + " is not citymap tiles (expected 0, unknown/other)"};
  if (h.minZoom > h.maxZoom)
    return Error{"PMTiles header: min zoom " + str(h.minZoom) + " above max zoom " + str(h.maxZoom)};
  if (h.maxZoom > 30) return Error{"PMTiles header: max zoom " + str(h.maxZoom) + " is above 30"};
  if (h.rootLength == 0) return Error{"PMTiles header: empty root directory"};
  const struct {
    const char* name;
    uint64_t offset, length;
  } sections[] = {{"root directory", h.rootOffset, h.rootLength},
                  {"metadata", h.metadataOffset, h.metadataLength},
                  {"leaf directories", h.leafOffset, h.leafLength},
                  {"tile data", h.dataOffset, h.dataLength}};
  for (const auto& s : sections)
    if (const char* err = checkSection(s.offset, s.length, fileSize))
      return Error{std::string("PMTiles header: ") + s.name + " [" + str(s.offset) + ", +" + str(s.length) + ") " +
                   err};
  if (h.rootOffset + h.rootLength > kInitialFetch)
    return Error{"PMTiles header: root directory ends at byte " + str(h.rootOffset + h.rootLength) +
                 ", past the first " + str(kInitialFetch)};
  return h;
}

std::array<uint8_t, kHeaderSize> encodeHeader(const Header& h) {
  std::array<uint8_t, kHeaderSize> b{};
  uint8_t* p = b.data();
  std::memcpy(p, kMagic, sizeof kMagic);
  p[7] = kVersion;
  writeU64(p + 8, h.rootOffset);
  writeU64(p + 16, h.rootLength);
  writeU64(p + 24, h.metadataOffset);
  writeU64(p + 32, h.metadataLength);
  writeU64(p + 40, h.leafOffset);
  writeU64(p + 48, h.leafLength);
  writeU64(p + 56, h.dataOffset);
  writeU64(p + 64, h.dataLength);
  writeU64(p + 72, h.addressedTiles);
  writeU64(p + 80, h.tileEntries);
  writeU64(p + 88, h.tileContents);
  p[96] = h.clustered ? 1 : 0;
  p[97] = h.internalCompression;
  p[98] = h.tileCompression;
  p[99] = h.tileType;
  p[100] = h.minZoom;
  p[101] = h.maxZoom;
  writeI32(p + 102, h.minLng);
  writeI32(p + 106, h.minLat);
  writeI32(p + 110, h.maxLng);
  writeI32(p + 114, h.maxLat);
  p[118] = h.centerZoom;
  writeI32(p + 119, h.centerLng);
  writeI32(p + 123, h.centerLat);
  return b;
}

Result<std::vector<Entry>> parseDirectory(std::span<const uint8_t> bytes) {
  VarintReader r(bytes);
  uint64_t count = 0;
  if (!r.read(count)) return Error{"PMTiles directory: truncated or invalid entry count"};
  if (count == 0) return Error{"PMTiles directory: no entries"};
  // Every entry takes at least one byte in each of the four columns.
  if (count > r.remaining() / 4)
    return Error{"PMTiles directory: " + str(count) + " entries cannot fit in " + str(bytes.size()) + " bytes"};
  std::vector<Entry> dir(static_cast<size_t>(count));
  uint64_t id = 0;
  for (size_t i = 0; i < dir.size(); ++i) {
    uint64_t delta = 0;
    if (!r.read(delta)) return Error{"PMTiles directory: truncated or invalid tile ids"};
    if (i > 0 && delta == 0) return Error{"PMTiles directory: tile ids not strictly increasing at entry " + str(i)};
    if (delta > UINT64_MAX - id) return Error{"PMTiles directory: tile id overflows at entry " + str(i)};
    id += delta;
    dir[i].tileId = id;
  }
  for (size_t i = 0; i < dir.size(); ++i) {
    uint64_t run = 0;
    if (!r.read(run)) return Error{"PMTiles directory: truncated or invalid run lengths"};
    if (run > UINT32_MAX) return Error{"PMTiles directory: run length " + str(run) + " too large at entry " + str(i)};
    dir[i].runLength = uint32_t(run);
    if (run > UINT64_MAX - dir[i].tileId || (i > 0 && dir[i - 1].tileId + dir[i - 1].runLength > dir[i].tileId))
      return Error{"PMTiles directory: runs overlap at entry " + str(i)};
  }
  for (size_t i = 0; i < dir.size(); ++i) {
    uint64_t length = 0;
    if (!r.read(length)) return Error{"PMTiles directory: truncated or invalid lengths"};
    if (length == 0 || length > UINT32_MAX)
      return Error{"PMTiles directory: bad length " + str(length) + " at entry " + str(i)};
    dir[i].length = uint32_t(length);
  }
  for (size_t i = 0; i < dir.size(); ++i) {
    uint64_t v = 0;
    if (!r.read(v)) return Error{"PMTiles directory: truncated or invalid offsets"};
    if (v == 0) {
      if (i == 0) return Error{"PMTiles directory: first entry has no offset"};
      const Entry& prev = dir[i - 1];
      if (prev.offset > UINT64_MAX - prev.length)
        return Error{"PMTiles directory: offset overflows at entry " + str(i)};
      dir[i].offset = prev.offset + prev.length;
    } else {
      dir[i].offset = v - 1;
    }
    if (dir[i].offset > UINT64_MAX - dir[i].length)
      return Error{"PMTiles directory: offset overflows at entry " + str(i)};
  }
  if (r.remaining() != 0) return Error{"PMTiles directory: " + str(r.remaining()) + " trailing bytes"};
  return dir;
}

std::vector<uint8_t> encodeDirectory(std::span<const Entry> entries) {
  assert(!entries.empty());
  std::vector<uint8_t> out;
  out.reserve(entries.size() * 6 + 8);
  writeVarint(out, entries.size());
  uint64_t last = 0;
  for (const Entry& e : entries) {
    assert(&e == entries.data() || e.tileId > last);
    writeVarint(out, e.tileId - last);
    last = e.tileId;
  }
  for (const Entry& e : entries) writeVarint(out, e.runLength);
  for (const Entry& e : entries) {
    assert(e.length > 0);
    writeVarint(out, e.length);
  }
  uint64_t next = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    writeVarint(out, i > 0 && e.offset == next ? 0 : e.offset + 1);
    next = e.offset + e.length;
  }
  return out;
}

uint64_t tileId(const geo::TileID& id) {
  if (id.z > kMaxTileIdZoom) return kInvalidTileId;
  const uint64_t n = uint64_t(1) << id.z;
  if (id.x >= n || id.y >= n) return kInvalidTileId;
  uint64_t x = id.x, y = id.y, d = 0;
  for (uint64_t s = n / 2; s > 0; s /= 2) {
    const uint64_t rx = (x & s) ? 1 : 0;
    const uint64_t ry = (y & s) ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    rotate(n, x, y, rx, ry);
  }
  return firstIdOfZoom(id.z) + d;
}

geo::TileID tileFromId(uint64_t id) {
  unsigned z = 0;
  uint64_t first = 0;  // first id of zoom z
  while (z < 32 && id - first >= (uint64_t(1) << (2 * z))) {
    first += uint64_t(1) << (2 * z);
    ++z;
  }
  // Zoom 32 has 2^64 positions; every id left over lies on it.
  uint64_t t = id - first, x = 0, y = 0;
  for (uint64_t s = 1; z > 0 && s <= (uint64_t(1) << (z - 1)); s *= 2) {
    const uint64_t rx = 1 & (t / 2);
    const uint64_t ry = 1 & (t ^ rx);
    rotate(s, x, y, rx, ry);
    x += s * rx;
    y += s * ry;
    t /= 4;
  }
  return {uint8_t(z), uint32_t(x), uint32_t(y)};
}

const Entry* find(const std::vector<Entry>& dir, uint64_t tileId) {
  // The last entry starting at or before tileId.
  const auto it =
      std::upper_bound(dir.begin(), dir.end(), tileId, [](uint64_t id, const Entry& e) { return id < e.tileId; });
  if (it == dir.begin()) return nullptr;
  const Entry& e = *std::prev(it);
  if (e.runLength == 0) return &e;  // a leaf: its entries start at e.tileId
  return tileId - e.tileId < e.runLength ? &e : nullptr;
}

namespace {

Result<ByteRange> rangeIn(uint64_t sectionOffset, uint64_t sectionLength, const Entry& e, const char* what) {
  if (e.length == 0 || e.offset > sectionLength || e.length > sectionLength - e.offset)
    return Error{std::string("PMTiles: ") + what + " [" + str(e.offset) + ", +" + str(e.length) +
                 ") lies outside its section (" + str(sectionLength) + " bytes)"};
  if (sectionOffset > UINT64_MAX - e.offset - e.length)
    return Error{std::string("PMTiles: ") + what + " offset overflows"};
  return ByteRange{sectionOffset + e.offset, e.length};
}

}  // namespace

Result<ByteRange> tileRange(const Header& h, const Entry& e) {
  if (e.runLength == 0) return Error{"PMTiles: a leaf directory entry is not a tile"};
  return rangeIn(h.dataOffset, h.dataLength, e, "tile");
}

Result<ByteRange> leafRange(const Header& h, const Entry& e) {
  if (e.runLength != 0) return Error{"PMTiles: a tile entry is not a leaf directory"};
  return rangeIn(h.leafOffset, h.leafLength, e, "leaf directory");
}

}  // namespace citymap::tile::pmtiles
