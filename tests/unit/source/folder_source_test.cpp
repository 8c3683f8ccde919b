#include <gtest/gtest.h>

#include <string>

#include "../../support/fake_server.hpp"
#include "source/tile_source.hpp"

namespace citymap::source {
namespace {

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(FolderSource, ReadsTilesetAndTilesByPattern) {
  FakeServer server;
  server.files["tiles/tileset.json"] = text(R"({"format":"citymap-tiles","format_version":1,"minzoom":12,
    "maxzoom":16,"bounds":[108.1,16.0,108.3,16.1],"tile_path":"{z}/{x}/{y}.cmt","attribution":"A"})");
  server.files["tiles/16/52470/29805.cmt"] = Bytes{1, 2, 3};
  auto src = openSource("tiles", server.fetch());
  std::optional<tile::Tileset> opened;
  src->open([&](Result<tile::Tileset> t) {
    ASSERT_TRUE(t) << t.error();
    opened = t.value();
  });
  EXPECT_FALSE(opened);  // callbacks never run inside the call
  server.deliver();
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->attribution, "A");

  Result<Bytes> tileBytes = Error{"not called"};
  src->fetchTile({16, 52470, 29805}, [&](Result<Bytes> b) { tileBytes = std::move(b); });
  server.deliver();
  ASSERT_TRUE(tileBytes);
  EXPECT_EQ(tileBytes->size(), 3u);
  EXPECT_EQ(server.requested.back(), "tiles/16/52470/29805.cmt");
  EXPECT_GT(src->bytesFetched(), 3u);
}

TEST(FolderSource, ErrorsAreReported) {
  FakeServer server;
  auto src = openSource("nowhere/", server.fetch());
  std::string error;
  src->open([&](Result<tile::Tileset> t) { error = t ? "" : t.error(); });
  server.deliver();
  EXPECT_NE(error.find("tileset.json"), std::string::npos) << error;
  EXPECT_NE(error.find("404"), std::string::npos) << error;
}

}  // namespace
}  // namespace citymap::source
