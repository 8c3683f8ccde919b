#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "../../support/fake_server.hpp"
#include "../../support/test_tiles.hpp"
#include "source/tile_source.hpp"
#include "tile/pmtiles.hpp"

namespace citymap::source {
namespace {

namespace pm = tile::pmtiles;

constexpr geo::TileID kA{16, 52470, 29805}, kB{16, 52471, 29805}, kC{16, 52470, 29806};

// header | root | metadata | leaves | data. Tile A is in the root; B and C through one leaf.
Bytes buildArchive() {
  const Bytes a = testing::sampleTile(kA), b = testing::sampleTile(kB), c = testing::sampleTile(kC);
  const std::string meta = R"({"format":"citymap-tiles","format_version":1,"minzoom":16,"maxzoom":16,
    "bounds":[108.20,16.05,108.23,16.07],"center":[108.21,16.06,16],"attribution":"© OpenStreetMap contributors"})";
  std::vector<pm::Entry> leaf{{pm::tileId(kB), a.size(), uint32_t(b.size()), 1},
                              {pm::tileId(kC), a.size() + b.size(), uint32_t(c.size()), 1}};
  std::sort(leaf.begin(), leaf.end());
  const Bytes leafBytes = pm::encodeDirectory(leaf);
  std::vector<pm::Entry> root{{pm::tileId(kA), 0, uint32_t(a.size()), 1},
                              {leaf.front().tileId, 0, uint32_t(leafBytes.size()), 0}};
  std::sort(root.begin(), root.end());
  const Bytes rootBytes = pm::encodeDirectory(root);

  pm::Header h;
  h.rootOffset = pm::kHeaderSize;
  h.rootLength = rootBytes.size();
  h.metadataOffset = h.rootOffset + h.rootLength;
  h.metadataLength = meta.size();
  h.leafOffset = h.metadataOffset + h.metadataLength;
  h.leafLength = leafBytes.size();
  h.dataOffset = h.leafOffset + h.leafLength;
  h.dataLength = a.size() + b.size() + c.size();
  h.addressedTiles = h.tileEntries = h.tileContents = 3;
  h.clustered = true;
  h.minZoom = h.maxZoom = h.centerZoom = 16;
  h.minLng = 108.20, h.minLat = 16.05, h.maxLng = 108.23, h.maxLat = 16.07, h.centerLng = 108.21, h.centerLat = 16.06;
  const auto header = pm::encodeHeader(h);
  Bytes out(size_t(h.dataOffset + h.dataLength));
  std::memcpy(out.data(), header.data(), header.size());
  std::memcpy(out.data() + h.rootOffset, rootBytes.data(), rootBytes.size());
  std::memcpy(out.data() + h.metadataOffset, meta.data(), meta.size());
  std::memcpy(out.data() + h.leafOffset, leafBytes.data(), leafBytes.size());
  uint64_t at = h.dataOffset;
  for (const Bytes* part : {&a, &b, &c}) {
    std::memcpy(out.data() + at, part->data(), part->size());
    at += part->size();
  }
  return out;
}

struct Opened {
  FakeServer server;
  std::unique_ptr<TileSource> src;
  std::optional<Result<tile::Tileset>> tileset;
};

std::unique_ptr<Opened> open(Bytes archive) {
  auto o = std::make_unique<Opened>();
  o->server.files["city.pmtiles"] = std::move(archive);
  o->src = openSource("city.pmtiles", o->server.fetch(), o->server.cancel());
  o->src->open([p = o.get()](Result<tile::Tileset> t) { p->tileset = std::move(t); });
  o->server.deliver();
  return o;
}

Result<Bytes> fetchTile(Opened& o, geo::TileID id) {
  Result<Bytes> out = Error{"not answered"};
  o.src->fetchTile(id, [&](Result<Bytes> b) { out = std::move(b); });
  o.server.deliver();
  return out;
}

TEST(ArchiveSource, OpensWithOneRangeRequest) {
  auto o = open(buildArchive());
  ASSERT_TRUE(o->tileset && *o->tileset) << (o->tileset ? o->tileset->error() : "no answer");
  EXPECT_EQ((*o->tileset)->attribution, "© OpenStreetMap contributors");
  EXPECT_EQ((*o->tileset)->minZoom, 16);
  EXPECT_EQ(o->server.rangeRequests, 1);  // header, root directory and metadata in the first 16 KiB
}

TEST(ArchiveSource, ReadsTilesFromRootAndLeafDirectories) {
  const Bytes archive = buildArchive();
  auto o = open(archive);
  ASSERT_TRUE(*o->tileset);
  for (const geo::TileID id : {kA, kB, kC}) {
    auto bytes = fetchTile(*o, id);
    ASSERT_TRUE(bytes) << bytes.error();
    EXPECT_EQ(*bytes, testing::sampleTile(id)) << id.path();
  }
  // Header+root+metadata, one leaf (cached for the second tile), three tiles.
  EXPECT_EQ(o->server.rangeRequests, 1 + 1 + 3);
  EXPECT_GE(o->src->bytesFetched(), archive.size() - 16);
}

TEST(ArchiveSource, MissingTileIsEmptyNotAnError) {
  auto o = open(buildArchive());
  auto bytes = fetchTile(*o, {16, 1, 1});
  ASSERT_TRUE(bytes) << bytes.error();
  EXPECT_TRUE(bytes->empty());
}

TEST(ArchiveSource, CorruptArchivesAreErrors) {
  Bytes bad = buildArchive();
  bad[0] = 'X';  // magic
  auto o = open(bad);
  ASSERT_TRUE(o->tileset);
  EXPECT_FALSE(*o->tileset);

  const Bytes whole = buildArchive();
  auto truncated = open(Bytes(whole.begin(), whole.begin() + 100));
  ASSERT_TRUE(truncated->tileset);
  EXPECT_FALSE(*truncated->tileset);

  // A leaf directory cut short: the tiles behind it fail, the others still load.
  Bytes archive = buildArchive();
  const auto header = pm::parseHeader(archive);
  ASSERT_TRUE(header);
  std::memset(archive.data() + header->leafOffset, 0xff, size_t(header->leafLength));
  auto o2 = open(archive);
  ASSERT_TRUE(*o2->tileset);
  EXPECT_FALSE(fetchTile(*o2, kB));
  EXPECT_TRUE(fetchTile(*o2, kA));
}

TEST(ArchiveSource, CancelledTileIsNeverAnsweredAndItsFetchIsAborted) {
  auto o = open(buildArchive());
  ASSERT_TRUE(o->tileset && *o->tileset);
  // A tile in the root directory: its range fetch is in flight and gets aborted.
  int answers = 0;
  const RequestId a = o->src->fetchTile(kA, [&](Result<Bytes>) { ++answers; });
  ASSERT_NE(a, 0u);
  ASSERT_EQ(o->server.queue.size(), 1u);
  const FetchId inFlight = o->server.queue.front().id;
  o->src->cancel(a);
  EXPECT_EQ(o->server.cancelled, std::vector<FetchId>{inFlight});
  o->server.deliver();
  EXPECT_EQ(answers, 0);
  // A tile behind a leaf directory, cancelled while the leaf loads: the leaf still arrives (it
  // is shared and cached) but the tile is never fetched nor answered.
  const RequestId b = o->src->fetchTile(kB, [&](Result<Bytes>) { ++answers; });
  const size_t before = o->server.requested.size();
  o->src->cancel(b);
  o->server.deliver();
  EXPECT_EQ(answers, 0);
  EXPECT_EQ(o->server.requested.size(), before);  // no tile request after the leaf
  // The source still answers new requests (C through the cached leaf).
  const auto c = fetchTile(*o, kC);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(*c, testing::sampleTile(kC));
  // Cancelling an answered or unknown request does nothing.
  o->src->cancel(a);
  o->src->cancel(12345);
}

TEST(ArchiveSource, DestroyingTheSourceCancelsItsFetches) {
  auto o = open(buildArchive());
  int answers = 0;
  o->src->fetchTile(kA, [&](Result<Bytes>) { ++answers; });
  o->src->fetchTile(kB, [&](Result<Bytes>) { ++answers; });
  ASSERT_EQ(o->server.queue.size(), 2u);
  o->src.reset();
  EXPECT_EQ(o->server.cancelled.size(), 2u);
  EXPECT_TRUE(o->server.queue.empty());
  o->server.deliver();
  EXPECT_EQ(answers, 0);
}

TEST(ArchiveSource, AChangedArchiveIsReportedAsChanged) {
  auto o = open(buildArchive());
  // The platform says the file changed under the open archive (another ETag).
  FakeServer& server = o->server;
  Result<Bytes> out = Error{"not answered"};
  o->src->fetchTile(kB, [&](Result<Bytes> b) { out = std::move(b); });
  ASSERT_EQ(server.queue.size(), 1u);  // the leaf directory
  server.queue.front().result = Error{"city.pmtiles: changed on the server", ErrorCode::Changed};
  server.deliver();
  ASSERT_FALSE(out);
  EXPECT_EQ(out.errorCode(), ErrorCode::Changed);  // kept through the leaf lookup
  EXPECT_NE(out.error().find("leaf directory"), std::string::npos);
}

}  // namespace
}  // namespace citymap::source
