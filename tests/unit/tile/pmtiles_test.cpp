// The PMTiles v3 reader (core/tile/pmtiles): tile ids against the spec's values, header and
// directory decoding against hand-built bytes, lookups, and rejection of truncated, corrupt and
// hostile input without crashes. Runs natively and in wasm (no filesystem).
#include "tile/pmtiles.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>

namespace citymap::tile::pmtiles {
namespace {

using Bytes = std::vector<uint8_t>;

// ---- Tile ids -------------------------------------------------------------------------------

uint64_t firstId(unsigned z) { return ((uint64_t(1) << (2 * z)) - 1) / 3; }  // (4^z - 1) / 3, z <= 31

TEST(PmtilesTileId, SpecValues) {
  // The table in spec/v3/spec.md, 4.1.
  EXPECT_EQ(tileId({0, 0, 0}), 0u);
  EXPECT_EQ(tileId({1, 0, 0}), 1u);
  EXPECT_EQ(tileId({1, 0, 1}), 2u);
  EXPECT_EQ(tileId({1, 1, 1}), 3u);
  EXPECT_EQ(tileId({1, 1, 0}), 4u);
  EXPECT_EQ(tileId({2, 0, 0}), 5u);
  EXPECT_EQ(tileId({12, 3423, 1763}), 19078479u);
  EXPECT_EQ(tileFromId(19078479), (geo::TileID{12, 3423, 1763}));
  EXPECT_EQ(tileFromId(4), (geo::TileID{1, 1, 0}));
}

TEST(PmtilesTileId, EachZoomStartsAtItsOriginAndEndsAtTheNorthEast) {
  for (unsigned z = 0; z <= kMaxTileIdZoom; ++z) {
    const uint32_t last = uint32_t((uint64_t(1) << z) - 1);
    EXPECT_EQ(tileId({uint8_t(z), 0, 0}), firstId(z)) << z;
    EXPECT_EQ(tileFromId(firstId(z)), (geo::TileID{uint8_t(z), 0, 0})) << z;
    // The curve of zoom z ends at (2^z - 1, 0), just before the next zoom's first id.
    if (z < kMaxTileIdZoom) {
      EXPECT_EQ(tileId({uint8_t(z), last, 0}), firstId(z + 1) - 1) << z;
    }
  }
}

TEST(PmtilesTileId, BijectiveAndContinuousUpToZoom8) {
  for (uint8_t z = 0; z <= 8; ++z) {
    const uint32_t n = 1u << z;
    std::vector<bool> seen(size_t(n) * n);
    for (uint32_t x = 0; x < n; ++x)
      for (uint32_t y = 0; y < n; ++y) {
        const uint64_t id = tileId({z, x, y});
        ASSERT_GE(id, firstId(z));
        ASSERT_LT(id - firstId(z), seen.size());
        ASSERT_FALSE(seen[id - firstId(z)]) << int(z) << "/" << x << "/" << y;
        seen[id - firstId(z)] = true;
        ASSERT_EQ(tileFromId(id), (geo::TileID{z, x, y}));
      }
    // A Hilbert curve moves to an edge neighbour at every step.
    for (uint64_t id = firstId(z) + 1; id < firstId(z) + uint64_t(n) * n; ++id) {
      const geo::TileID a = tileFromId(id - 1), b = tileFromId(id);
      const int64_t dx = int64_t(a.x) - b.x, dy = int64_t(a.y) - b.y;
      ASSERT_EQ(std::abs(dx) + std::abs(dy), 1) << id;
    }
  }
}

TEST(PmtilesTileId, RoundTripsAtHighZooms) {
  std::mt19937_64 rng(42);
  for (uint8_t z : {9, 12, 14, 15, 16, 20, 30, 31}) {
    const uint64_t n = uint64_t(1) << z;
    for (int i = 0; i < 2000; ++i) {
      const geo::TileID t{z, uint32_t(rng() % n), uint32_t(rng() % n)};
      const uint64_t id = tileId(t);
      ASSERT_GE(id, firstId(z));
      if (z < kMaxTileIdZoom) {
        ASSERT_LT(id, firstId(z + 1));
      }
      ASSERT_EQ(tileFromId(id), t) << t.path();
    }
  }
  // Da Nang at z16: ids grow with zoom, and neighbours along the curve stay close.
  const geo::TileID dragonBridge{16, 52470, 29805};
  EXPECT_EQ(tileFromId(tileId(dragonBridge)), dragonBridge);
  EXPECT_GT(tileId(dragonBridge), tileId(dragonBridge.parent()));
}

TEST(PmtilesTileId, OutOfRangeInputs) {
  EXPECT_EQ(tileId({1, 2, 0}), kInvalidTileId);
  EXPECT_EQ(tileId({1, 0, 2}), kInvalidTileId);
  EXPECT_EQ(tileId({32, 0, 0}), kInvalidTileId);
  EXPECT_EQ(tileId({255, 0, 0}), kInvalidTileId);
  // Every 64-bit id maps to some tile; those past zoom 31 are not valid TileIDs.
  for (uint64_t id : {firstId(31) + (uint64_t(1) << 62), UINT64_MAX - 1, UINT64_MAX}) {
    const geo::TileID t = tileFromId(id);
    EXPECT_EQ(t.z, 32) << id;
    EXPECT_FALSE(t.valid());
  }
  const geo::TileID lastOf31 = tileFromId(firstId(31) + (uint64_t(1) << 62) - 1);
  EXPECT_EQ(lastOf31.z, 31);
  EXPECT_EQ(lastOf31.x, (1u << 31) - 1);
  EXPECT_EQ(lastOf31.y, 0u);
}

// ---- Header ---------------------------------------------------------------------------------

void put64(Bytes& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + size_t(i)] = uint8_t(v >> (8 * i));
}
void put32(Bytes& b, size_t at, int32_t v) {
  const auto u = uint32_t(v);
  for (int i = 0; i < 4; ++i) b[at + size_t(i)] = uint8_t(u >> (8 * i));
}

// A header laid out byte by byte from the spec's table (independently of encodeHeader).
Bytes specHeader() {
  Bytes b(127, 0);
  std::memcpy(b.data(), "PMTiles", 7);
  b[7] = 3;
  put64(b, 8, 127);      // root offset
  put64(b, 16, 300);     // root length
  put64(b, 24, 427);     // metadata offset
  put64(b, 32, 350);     // metadata length
  put64(b, 40, 777);     // leaf offset
  put64(b, 48, 5000);    // leaf length
  put64(b, 56, 5777);    // data offset
  put64(b, 64, 123456);  // data length
  put64(b, 72, 21590);   // addressed tiles
  put64(b, 80, 21000);   // tile entries
  put64(b, 88, 20000);   // tile contents
  b[96] = 1;             // clustered
  b[97] = 1;             // internal compression none
  b[98] = 1;             // tile compression none
  b[99] = 0;             // tile type unknown
  b[100] = 12;
  b[101] = 16;
  put32(b, 102, 1077720757);  // 107.7720757 E
  put32(b, 106, 157457614);   // 15.7457614 N
  put32(b, 110, 1085087929);
  put32(b, 114, 163697968);
  b[118] = 14;
  put32(b, 119, 1082263184);
  put32(b, 123, -160563715);  // a southern latitude, to check the sign
  return b;
}

TEST(PmtilesHeader, ParsesTheSpecLayout) {
  const Bytes bytes = specHeader();
  auto h = parseHeader(bytes);
  ASSERT_TRUE(h) << h.error();
  EXPECT_EQ(h->rootOffset, 127u);
  EXPECT_EQ(h->rootLength, 300u);
  EXPECT_EQ(h->metadataOffset, 427u);
  EXPECT_EQ(h->metadataLength, 350u);
  EXPECT_EQ(h->leafOffset, 777u);
  EXPECT_EQ(h->leafLength, 5000u);
  EXPECT_EQ(h->dataOffset, 5777u);
  EXPECT_EQ(h->dataLength, 123456u);
  EXPECT_EQ(h->addressedTiles, 21590u);
  EXPECT_EQ(h->tileEntries, 21000u);
  EXPECT_EQ(h->tileContents, 20000u);
  EXPECT_TRUE(h->clustered);
  EXPECT_EQ(h->internalCompression, kCompressionNone);
  EXPECT_EQ(h->tileCompression, kCompressionNone);
  EXPECT_EQ(h->tileType, kTileTypeUnknown);
  EXPECT_EQ(h->minZoom, 12);
  EXPECT_EQ(h->maxZoom, 16);
  EXPECT_EQ(h->centerZoom, 14);
  EXPECT_NEAR(h->minLng, 107.7720757, 1e-9);
  EXPECT_NEAR(h->minLat, 15.7457614, 1e-9);
  EXPECT_NEAR(h->maxLng, 108.5087929, 1e-9);
  EXPECT_NEAR(h->maxLat, 16.3697968, 1e-9);
  EXPECT_NEAR(h->centerLng, 108.2263184, 1e-9);
  EXPECT_NEAR(h->centerLat, -16.0563715, 1e-9);
  // Encoding gives the same bytes back, and more bytes after the header are ignored.
  const auto encoded = encodeHeader(h.value());
  EXPECT_TRUE(std::equal(encoded.begin(), encoded.end(), bytes.begin()));
  Bytes longer = bytes;
  longer.resize(kInitialFetch, 0xab);
  EXPECT_TRUE(parseHeader(longer));
  EXPECT_TRUE(parseHeader(bytes, 5777 + 123456));
}

// The error for `bytes`, or "" if they parse.
std::string headerError(const Bytes& bytes, uint64_t fileSize = 0) {
  auto h = parseHeader(bytes, fileSize);
  return h ? std::string() : h.error();
}

Bytes with(Bytes b, size_t at, uint8_t v) {
  b[at] = v;
  return b;
}
Bytes with64(Bytes b, size_t at, uint64_t v) {
  put64(b, at, v);
  return b;
}

TEST(PmtilesHeader, RejectsEveryTruncation) {
  const Bytes full = specHeader();
  for (size_t n = 0; n < kHeaderSize; ++n) {
    const std::string err = headerError(Bytes(full.begin(), full.begin() + std::ptrdiff_t(n)));
    EXPECT_NE(err.find("not a PMTiles archive"), std::string::npos) << n << ": " << err;
  }
}

TEST(PmtilesHeader, RejectsWithClearMessages) {
  const Bytes ok = specHeader();
  const std::pair<Bytes, const char*> cases[] = {
      {with(ok, 0, 'X'), "not a PMTiles archive"},
      {with(ok, 6, 'S'), "not a PMTiles archive"},
      {with(ok, 7, 2), "version 2"},
      {with(ok, 7, 4), "version 4"},
      {with(ok, 96, 2), "clustered"},
      {with(ok, 97, kCompressionGzip), "internal compression gzip"},
      {with(ok, 97, kCompressionUnknown), "internal compression unknown"},
      {with(ok, 97, 9), "internal compression invalid"},
      {with(ok, 98, kCompressionZstd), "tile compression zstd"},
      {with(ok, 98, kCompressionBrotli), "tile compression brotli"},
      {with(ok, 98, kCompressionUnknown), "tile compression unknown"},
      {with(ok, 99, kTileTypeMvt), "tile type 1"},
      {with(ok, 100, 17), "min zoom 17 above max zoom 16"},
      {with(ok, 101, 31), "max zoom 31"},
      {with64(ok, 16, 0), "empty root directory"},
      {with64(ok, 8, 0), "root directory [0, +300) overlaps the header"},
      {with64(ok, 8, 16100), "past the first 16384"},
      {with64(ok, 16, 16384), "past the first 16384"},
      {with64(ok, 24, 100), "metadata [100, +350) overlaps the header"},
      {with64(ok, 40, UINT64_MAX - 10), "leaf directories"},
      {with64(ok, 64, UINT64_MAX), "tile data [5777, +18446744073709551615) overflows"},
  };
  for (const auto& [bytes, message] : cases) {
    const std::string err = headerError(bytes);
    EXPECT_NE(err.find(message), std::string::npos) << "expected '" << message << "', got '" << err << "'";
  }
  // A PMTiles v2 file starts with "PM" and a 2-byte version.
  Bytes v2(127, 0);
  v2[0] = 'P';
  v2[1] = 'M';
  v2[2] = 2;
  EXPECT_NE(headerError(v2).find("not a PMTiles archive"), std::string::npos);
  // Sections must lie inside the file when its size is known.
  EXPECT_NE(headerError(ok, 5777 + 123455).find("tile data [5777, +123456) reaches past the end of the file"),
            std::string::npos);
  EXPECT_NE(headerError(ok, 100).find("shorter than its header"), std::string::npos);
  EXPECT_NE(headerError(with64(ok, 32, 1u << 20), 200000).find("metadata"), std::string::npos);
  // Empty sections may point anywhere.
  EXPECT_EQ(headerError(with64(with64(ok, 48, 0), 40, UINT64_MAX), 5777 + 123456), "");
}

TEST(PmtilesHeader, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  Bytes b = specHeader();
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes m = b;
    for (int k = 0; k < 3; ++k) m[size_t(rng() % (m.size() - 8)) + 8] = uint8_t(rng());
    if (auto h = parseHeader(m, 1u << 20)) {
      ++accepted;
      EXPECT_LE(h->rootOffset + h->rootLength, kInitialFetch);
      EXPECT_LE(h->minZoom, h->maxZoom);
    }
  }
  EXPECT_GT(accepted, 0);
}

// ---- Directories ----------------------------------------------------------------------------

// The spec's steps by hand: count, delta tile ids, run lengths, lengths, offsets (+1, or 0
// when contiguous with the previous entry).
const Bytes kDirBytes = {
    6,                                           // entries
    0,    1,    9,   10, 0xcf, 0xba, 0x8c, 0x9,  // tile ids 0, 1, 10, 20, 19078499 (delta 19078479)
    50,                                          // ... and 19078549
    1,    3,    1,   0,  1,    1,                // run lengths (entry 3 is a leaf)
    100,  50,   100, 30, 0xac, 0x02, 7,          // lengths (300 takes two bytes)
    1,                                           // 0: offset 0
    0,                                           // 1: offset 100, right after entry 0
    1,                                           // 2: offset 0 again (same bytes as tile 0)
    1,                                           // 3: leaf at offset 0 of the leaf section
    0x97, 0x01,                                  // 4: offset 150 (151 takes two bytes)
    0,                                           // 5: offset 450, right after entry 4
};
const std::vector<Entry> kDirEntries = {
    {0, 0, 100, 1}, {1, 100, 50, 3}, {10, 0, 100, 1}, {20, 0, 30, 0}, {19078499, 150, 300, 1}, {19078549, 450, 7, 1},
};

TEST(PmtilesDirectory, DecodesHandBuiltBytes) {
  auto dir = parseDirectory(kDirBytes);
  ASSERT_TRUE(dir) << dir.error();
  EXPECT_EQ(dir.value(), kDirEntries);
  EXPECT_EQ(encodeDirectory(kDirEntries), kDirBytes);
}

TEST(PmtilesDirectory, RoundTripsLargeDirectories) {
  std::mt19937_64 rng(3);
  std::vector<Entry> entries;
  uint64_t id = 5, offset = 0;
  for (int i = 0; i < 5000; ++i) {
    const uint32_t run = rng() % 10 == 0 ? 0 : uint32_t(1 + rng() % 4);
    const uint32_t length = uint32_t(1 + rng() % 70000);
    const uint64_t at = rng() % 5 == 0 ? rng() % (offset + 1) : offset;  // some back-references
    entries.push_back({id, at, length, run});
    offset = std::max(offset, at + length);
    id += std::max<uint32_t>(run, 1) + rng() % 3 + (rng() % 50 == 0 ? uint64_t(1) << 40 : 0);
  }
  const Bytes bytes = encodeDirectory(entries);
  auto dir = parseDirectory(bytes);
  ASSERT_TRUE(dir) << dir.error();
  EXPECT_EQ(dir.value(), entries);
}

std::string dirError(const Bytes& bytes) {
  auto d = parseDirectory(bytes);
  return d ? std::string() : d.error();
}

TEST(PmtilesDirectory, RejectsEveryTruncationAndTrailingBytes) {
  for (size_t n = 0; n < kDirBytes.size(); ++n)
    EXPECT_NE(dirError(Bytes(kDirBytes.begin(), kDirBytes.begin() + std::ptrdiff_t(n))), "") << n;
  Bytes longer = kDirBytes;
  longer.push_back(0);
  EXPECT_NE(dirError(longer).find("1 trailing bytes"), std::string::npos);
}

TEST(PmtilesDirectory, RejectsHostileDirectories) {
  const std::pair<Bytes, const char*> cases[] = {
      {{0}, "no entries"},
      {{0x80}, "truncated or invalid entry count"},
      // 2^63 entries in a few bytes: refused before anything is allocated.
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0, 1, 1, 1}, "cannot fit"},
      {{3, 0, 0, 0, 0}, "cannot fit"},
      // 11-byte varint / a 10th byte carrying more than 64 bits.
      {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, "invalid entry count"},
      {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, "invalid entry count"},
      {{2, 5, 0, 1, 1, 10, 10, 1, 0}, "not strictly increasing"},
      {{2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 1, 1, 1, 10, 10, 1, 0}, "overflows"},
      {{2, 0, 3, 5, 1, 10, 10, 1, 0}, "runs overlap"},
      {{1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 10, 1}, "run length 4294967295"},
      {{1, 0, 0x80, 0x80, 0x80, 0x80, 0x10, 10, 1}, "run length 4294967296 too large"},
      {{1, 0, 1, 0, 1}, "bad length 0"},
      {{1, 0, 1, 0x80, 0x80, 0x80, 0x80, 0x10, 1}, "bad length 4294967296"},
      {{1, 0, 1, 10, 0}, "first entry has no offset"},
      {{1, 0, 1, 10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, "offset overflows"},
  };
  for (const auto& [bytes, message] : cases) {
    const std::string err = dirError(bytes);
    if (std::string(message) == "run length 4294967295") {
      EXPECT_EQ(err, "") << "the largest run length is allowed";
      continue;
    }
    EXPECT_NE(err.find(message), std::string::npos) << "expected '" << message << "', got '" << err << "'";
  }
}

TEST(PmtilesDirectory, RandomCorruptionNeverCrashes) {
  std::mt19937 rng(11);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes m = kDirBytes;
    const int kind = int(rng() % 3);
    if (kind == 0) m[rng() % m.size()] = uint8_t(rng());
    if (kind == 1) m.insert(m.begin() + std::ptrdiff_t(rng() % m.size()), uint8_t(rng()));
    if (kind == 2) m.erase(m.begin() + std::ptrdiff_t(rng() % m.size()));
    auto dir = parseDirectory(m);
    if (!dir) continue;
    ++accepted;
    const auto& d = dir.value();
    ASSERT_FALSE(d.empty());
    for (size_t k = 0; k < d.size(); ++k) {
      EXPECT_GT(d[k].length, 0u);
      if (k > 0) {
        EXPECT_LE(d[k - 1].tileId + d[k - 1].runLength, d[k].tileId);
      }
    }
  }
  EXPECT_GT(accepted, 0);
}

// ---- Lookups --------------------------------------------------------------------------------

TEST(PmtilesFind, TilesRunsAndLeaves) {
  const std::vector<Entry>& d = kDirEntries;  // 0; 1..3 (run); 10; leaf from 20; 19078499; 19078549
  EXPECT_EQ(find(d, 0), &d[0]);
  EXPECT_EQ(find(d, 1), &d[1]);
  EXPECT_EQ(find(d, 3), &d[1]);
  EXPECT_EQ(find(d, 4), nullptr);  // after the run
  EXPECT_EQ(find(d, 9), nullptr);
  EXPECT_EQ(find(d, 10), &d[2]);
  EXPECT_EQ(find(d, 11), nullptr);
  EXPECT_EQ(find(d, 20), &d[3]);  // a leaf covers everything up to the next entry
  EXPECT_EQ(find(d, 19078498), &d[3]);
  EXPECT_EQ(find(d, 19078499), &d[4]);
  EXPECT_EQ(find(d, 19078500), nullptr);
  EXPECT_EQ(find(d, 19078549), &d[5]);
  EXPECT_EQ(find(d, kInvalidTileId), nullptr);
  const std::vector<Entry> startsLate = {{5, 0, 1, 1}};
  EXPECT_EQ(find(startsLate, 4), nullptr);
  EXPECT_EQ(find({}, 0), nullptr);
  const std::vector<Entry> lastIsLeaf = {{7, 0, 9, 0}};
  EXPECT_EQ(find(lastIsLeaf, UINT64_MAX), &lastIsLeaf[0]);
}

TEST(PmtilesFind, RangesAreCheckedAgainstTheirSections) {
  Header h;
  h.leafOffset = 1000;
  h.leafLength = 30;
  h.dataOffset = 2000;
  h.dataLength = 457;
  auto t = tileRange(h, kDirEntries[4]);
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->offset, 2150u);
  EXPECT_EQ(t->length, 300u);
  EXPECT_TRUE(tileRange(h, kDirEntries[5]));                   // ends exactly at the end
  EXPECT_FALSE(tileRange(h, Entry{0, 450, 8, 1}));             // one byte past
  EXPECT_FALSE(tileRange(h, Entry{0, UINT64_MAX - 2, 8, 1}));  // overflow
  EXPECT_FALSE(tileRange(h, kDirEntries[3]));                  // a leaf is not a tile
  auto l = leafRange(h, kDirEntries[3]);
  ASSERT_TRUE(l) << l.error();
  EXPECT_EQ(l->offset, 1000u);
  EXPECT_EQ(l->length, 30u);
  EXPECT_FALSE(leafRange(h, kDirEntries[0]));       // a tile is not a leaf
  EXPECT_FALSE(leafRange(h, Entry{20, 1, 30, 0}));  // past the leaf section
}

// A whole archive in memory (header, root with a leaf pointer, metadata, leaf, data) resolved
// the way the client does it: header, root, find, leaf, find, tile.
struct MemoryArchive {
  Bytes bytes;
  std::map<uint64_t, Bytes> tiles;  // tile id -> content
};

MemoryArchive buildArchive(bool selfReferencingLeaf = false) {
  MemoryArchive a;
  // Tiles: 0/0/0, the four z1 tiles (1/1/0 shares bytes with 1/1/1: a run), and four z2 tiles.
  const auto blob = [](uint8_t seed, size_t n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = uint8_t(seed + i);
    return b;
  };
  std::vector<Entry> tileEntries;
  Bytes data;
  const auto addTile = [&](uint64_t id, const Bytes& content, uint32_t run) {
    tileEntries.push_back({id, data.size(), uint32_t(content.size()), run});
    for (uint32_t r = 0; r < run; ++r) a.tiles[id + r] = content;
    data.insert(data.end(), content.begin(), content.end());
  };
  addTile(0, blob(1, 40), 1);
  addTile(1, blob(2, 41), 1);
  addTile(2, blob(3, 42), 1);
  addTile(3, blob(4, 43), 2);  // ids 3 and 4
  addTile(5, blob(5, 44), 1);
  addTile(6, blob(6, 45), 1);
  addTile(9, blob(7, 46), 1);
  addTile(20, blob(8, 47), 1);
  // Root: the first three entries directly, the rest in one leaf.
  std::vector<Entry> root(tileEntries.begin(), tileEntries.begin() + 3);
  const Bytes leaf = encodeDirectory(std::span(tileEntries).subspan(3));
  root.push_back({tileEntries[3].tileId, 0, uint32_t(leaf.size()), 0});
  Bytes rootBytes = encodeDirectory(root);
  const std::string meta = R"({"format":"citymap-tiles"})";
  Header h;
  h.rootOffset = kHeaderSize;
  h.rootLength = rootBytes.size();
  h.metadataOffset = h.rootOffset + h.rootLength;
  h.metadataLength = meta.size();
  h.leafOffset = h.metadataOffset + h.metadataLength;
  h.leafLength = leaf.size();
  h.dataOffset = h.leafOffset + h.leafLength;
  h.dataLength = data.size();
  h.clustered = true;
  h.maxZoom = 2;
  Bytes leafBytes = leaf;
  if (selfReferencingLeaf) {
    // A hostile leaf holding one leaf pointer to its own bytes (5 bytes: count, id, run,
    // length, offset).
    leafBytes = encodeDirectory(std::vector<Entry>{{3, 0, 5, 0}});
    EXPECT_EQ(leafBytes.size(), 5u);
    root.back().length = uint32_t(leafBytes.size());
    rootBytes = encodeDirectory(root);
    h.rootLength = rootBytes.size();
    h.metadataOffset = h.rootOffset + h.rootLength;
    h.leafOffset = h.metadataOffset + h.metadataLength;
    h.leafLength = leafBytes.size();
    h.dataOffset = h.leafOffset + h.leafLength;
  }
  const auto header = encodeHeader(h);
  a.bytes.insert(a.bytes.end(), header.begin(), header.end());
  a.bytes.insert(a.bytes.end(), rootBytes.begin(), rootBytes.end());
  a.bytes.insert(a.bytes.end(), meta.begin(), meta.end());
  a.bytes.insert(a.bytes.end(), leafBytes.begin(), leafBytes.end());
  a.bytes.insert(a.bytes.end(), data.begin(), data.end());
  return a;
}

// Resolves a tile the way the client does; empty result = no tile; error on failures.
Result<Bytes> readTile(const Bytes& file, const geo::TileID& id) {
  const size_t head = std::min(file.size(), kInitialFetch);
  auto h = parseHeader(std::span(file).first(head), file.size());
  if (!h) return Error{h.error()};
  const ByteRange r = rootRange(h.value());
  auto dir = parseDirectory(std::span(file).subspan(size_t(r.offset), size_t(r.length)));
  for (int depth = 0; dir; ++depth) {
    const Entry* e = find(dir.value(), tileId(id));
    if (!e) return Bytes{};
    if (e->runLength > 0) {
      auto t = tileRange(h.value(), *e);
      if (!t) return Error{t.error()};
      return Bytes(file.begin() + std::ptrdiff_t(t->offset), file.begin() + std::ptrdiff_t(t->offset + t->length));
    }
    if (depth + 1 >= kMaxDirectoryDepth) return Error{"leaf directories nested too deeply"};
    auto l = leafRange(h.value(), *e);
    if (!l) return Error{l.error()};
    dir = parseDirectory(std::span(file).subspan(size_t(l->offset), size_t(l->length)));
  }
  return Error{dir.error()};
}

TEST(PmtilesArchive, ResolvesTilesThroughRootAndLeaf) {
  const MemoryArchive a = buildArchive();
  for (uint8_t z = 0; z <= 3; ++z)
    for (uint32_t x = 0; x < (1u << z); ++x)
      for (uint32_t y = 0; y < (1u << z); ++y) {
        const uint64_t id = tileId({z, x, y});
        auto t = readTile(a.bytes, {z, x, y});
        ASSERT_TRUE(t) << t.error();
        const auto it = a.tiles.find(id);
        EXPECT_EQ(t.value(), it == a.tiles.end() ? Bytes{} : it->second) << int(z) << "/" << x << "/" << y;
      }
  // The metadata is where the header says.
  auto h = parseHeader(a.bytes, a.bytes.size());
  ASSERT_TRUE(h);
  const ByteRange m = metadataRange(h.value());
  EXPECT_EQ(
      std::string(a.bytes.begin() + std::ptrdiff_t(m.offset), a.bytes.begin() + std::ptrdiff_t(m.offset + m.length)),
      R"({"format":"citymap-tiles"})");
}

TEST(PmtilesArchive, SelfReferencingLeafStopsAtTheDepthLimit) {
  const MemoryArchive a = buildArchive(/*selfReferencingLeaf=*/true);
  auto t = readTile(a.bytes, {2, 1, 1});
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().find("nested too deeply"), std::string::npos) << t.error();
  EXPECT_TRUE(readTile(a.bytes, {0, 0, 0}));  // entries in the root still work
}

TEST(PmtilesArchive, TruncatedArchivesFailCleanly) {
  const MemoryArchive a = buildArchive();
  for (size_t n = 0; n < a.bytes.size(); ++n) {
    const Bytes cut(a.bytes.begin(), a.bytes.begin() + std::ptrdiff_t(n));
    auto t = readTile(cut, {2, 1, 1});  // in the leaf
    EXPECT_FALSE(t) << n;
  }
}

}  // namespace
}  // namespace citymap::tile::pmtiles
