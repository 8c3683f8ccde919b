// POI icons with their labels: the text keeps clear of the icon's disc, an icon needs its own
// room, and the icon's quad (symbol + disc from the label atlas) is centred on the point.
#include <gtest/gtest.h>

#include <cmath>

#include "label_samples.hpp"
#include "labels/label_batch.hpp"
#include "labels/placement.hpp"

namespace citymap::labels {
namespace {

using namespace testing;

// The test style with icons on the places (class 1) and the minor places (class 3).
style::Style iconStyle() {
  style::Style s = testStyle();
  for (size_t c : {size_t(1), size_t(3)}) {
    s.labels[c].iconSize = 20;
    s.labels[c].iconByKind[1] = "restaurant";
    s.labels[c].iconByKind[2] = "marker";
    s.labels[c].iconHalo = style::Color::hex(0x9c6b4e);
  }
  return s;
}

// The test fonts with two icons: a 24 px cell holding a 20 px disc.
FontSet iconFonts() {
  FontSet f = testFonts();
  f.icons.push_back({"marker", 24, 20, 0.5f, 0.5f, 0.6f, 0.6f});
  f.icons.push_back({"restaurant", 24, 20, 0.6f, 0.5f, 0.7f, 0.6f});
  return f;
}

TEST(LabelIcons, FontSetFindsIconsByName) {
  const FontSet f = iconFonts();
  EXPECT_EQ(f.findIcon("marker"), 0);
  EXPECT_EQ(f.findIcon("restaurant"), 1);
  EXPECT_EQ(f.findIcon("bus"), -1);
  EXPECT_EQ(f.findIcon(""), -1);
}

TEST(LabelIcons, TheTextKeepsClearOfTheIconsDisc) {
  const style::Style style = iconStyle();
  // z16: one tile unit is 1/8 px; the point at the view's centre (256, 256).
  const TileLabels labels = collect({{"pois", {point(1, 1, 2048, 2048, "Chợ Cồn")}}}, style);
  const LabelTile tiles[] = {{kTile, &labels}};
  double now = 0;
  {
    Labeler labeler;
    const auto& placed = settle(labeler, tiles, tileCamera(), style, iconFonts(), now);
    ASSERT_EQ(placed.size(), 1u);
    const PlacedLabel& l = placed[0];
    EXPECT_EQ(l.icon, 1);  // kind 1: "restaurant"
    EXPECT_FLOAT_EQ(l.iconX, 256);
    EXPECT_FLOAT_EQ(l.iconY, 256);
    // Right of the point, its left edge past the disc (radius 10) and a 2 px gap.
    EXPECT_FLOAT_EQ(l.x - l.width / 2, 256 + 12);
  }
  {
    // Without the sprite (or an icon of that name), no icon and the class's own gap (6 px).
    Labeler labeler;
    const auto& placed = settle(labeler, tiles, tileCamera(), style, testFonts(), now);
    ASSERT_EQ(placed.size(), 1u);
    EXPECT_EQ(placed[0].icon, -1);
    EXPECT_FLOAT_EQ(placed[0].x - placed[0].width / 2, 256 + 6);
  }
}

TEST(LabelIcons, AnIconNeedsItsOwnRoom) {
  const style::Style style = iconStyle();
  // z17 (a tile unit is 1/4 px): a place at (256, 256) and a minor place 30 px to its right,
  // where the place's label goes. The minor place's icon would sit under that label: neither
  // its icon nor its label shows.
  const TileLabels labels =
      collect({{"pois", {point(1, 1, 2048, 2048, "Chợ Cồn"), point(2, 2, 2048 + 4 * 30, 2048, "Ki-ốt")}}}, style);
  const LabelTile tiles[] = {{kTile, &labels}};
  Labeler labeler;
  double now = 0;
  const auto& placed = settle(labeler, tiles, tileCamera(kTile, 17), style, iconFonts(), now);
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].text, "Chợ Cồn");
  EXPECT_EQ(placed[0].icon, 1);

  // Far enough apart, both show with their icons, and no icon's disc overlaps another label.
  const TileLabels apart =
      collect({{"pois", {point(1, 1, 2048, 2048, "Chợ Cồn"), point(2, 2, 2048, 2048 + 4 * 60, "Ki-ốt")}}}, style);
  const LabelTile tiles2[] = {{kTile, &apart}};
  Labeler other;
  const auto& both = settle(other, tiles2, tileCamera(kTile, 17), style, iconFonts(), now);
  ASSERT_EQ(both.size(), 2u);
  for (const PlacedLabel& a : both) {
    ASSERT_GE(a.icon, 0);
    for (const PlacedLabel& b : both) {
      const float size = style.labels[b.labelClass].size;
      const bool apartX = a.iconX + 10 <= b.x - b.width / 2 || a.iconX - 10 >= b.x + b.width / 2;
      const bool apartY = a.iconY + 10 <= b.y - size / 2 || a.iconY - 10 >= b.y + size / 2;
      EXPECT_TRUE(apartX || apartY) << a.text << "'s icon under " << b.text;
    }
  }
}

TEST(LabelIcons, TheIconQuadIsCentredOnThePointWithTheSymbolOverTheDisc) {
  const style::Style style = iconStyle();
  const FontSet fonts = iconFonts();
  PlacedLabel l;
  l.text = "A";
  l.labelClass = 1;
  l.x = 130, l.y = 50, l.width = 6;
  l.icon = 0;
  l.iconX = 100, l.iconY = 50;
  l.opacity = 0.5f;
  LabelBatch batch;
  buildLabelBatch({l}, style, fonts, 2, batch);
  ASSERT_EQ(batch.vertices.size(), 2u * 4);  // the icon, then the text's glyph
  // The 24 px cell scaled so its 20 px disc is the class's 20 px: 24 CSS px = 48 device px.
  EXPECT_FLOAT_EQ(batch.vertices[0].x, (100 - 12) * 2);
  EXPECT_FLOAT_EQ(batch.vertices[0].y, (50 - 12) * 2);
  EXPECT_FLOAT_EQ(batch.vertices[2].x, (100 + 12) * 2);
  EXPECT_FLOAT_EQ(batch.vertices[2].y, (50 + 12) * 2);
  EXPECT_FLOAT_EQ(batch.vertices[0].u, 0.5f);
  EXPECT_FLOAT_EQ(batch.vertices[2].u, 0.6f);
  EXPECT_EQ(batch.vertices[0].color, packPremultiplied(style.labels[1].iconColor, 0.5f));
  EXPECT_EQ(batch.vertices[0].halo, packPremultiplied(style::Color::hex(0x9c6b4e), 0.5f));
  // A label without an icon draws its text only.
  l.icon = -1;
  buildLabelBatch({l}, style, fonts, 2, batch);
  EXPECT_EQ(batch.vertices.size(), 4u);
}

}  // namespace
}  // namespace citymap::labels
