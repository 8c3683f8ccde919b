#!/usr/bin/env node
// Builds the POI icon sprite at build time: Maki icons (npm @mapbox/maki, CC0) rasterised by
// rsvg-convert (Debian librsvg2-bin) into one atlas per pixel ratio, decoded with pngjs and
// written as the coverage the core needs (one byte per texel) plus a JSON index:
//
//   sprite@<r>x.json   {"width", "height", "pixelRatio", "icons": {name: {x, y, width, height}}}
//   sprite@<r>x.alpha  width * height bytes, row by row from the top: the icon's coverage
//
// Each cell holds the icon centred with room around it for the disc the map draws behind it
// (core/icons/sprite.hpp); the cell is `--cell` CSS pixels square. Nothing of Maki is kept in
// the repository: the icons are read from node_modules at build time.
//
//   node tools/sprite/make_sprite.mjs --maki node_modules/@mapbox/maki/icons \
//        --icons restaurant,shop,... --ratios 1,2 --out DIR
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';

const { values: opt } = parseArgs({
  options: {
    maki: { type: 'string' },
    icons: { type: 'string' },
    ratios: { type: 'string', default: '1,2' },
    cell: { type: 'string', default: '24' },
    out: { type: 'string' },
    rsvg: { type: 'string', default: 'rsvg-convert' },
  },
});
function fail(message) {
  console.error(`make_sprite: ${message}`);
  process.exit(2);
}
if (!opt.maki || !opt.icons || !opt.out) fail('needs --maki DIR --icons a,b,... --out DIR');
const names = [...new Set(opt.icons.split(',').map((s) => s.trim()).filter(Boolean))].sort();
if (!names.length) fail('--icons is empty');
const ratios = opt.ratios.split(',').map(Number);
if (ratios.some((r) => !(r > 0 && r <= 4))) fail(`bad --ratios ${opt.ratios}`);
const cellCss = Number(opt.cell);
if (!(cellCss >= 15 && cellCss <= 64)) fail(`bad --cell ${opt.cell}`);

// The drawing inside each icon file (Maki icons are 15 x 15 user units, one or a few paths).
function iconBody(name) {
  const file = path.join(opt.maki, `${name}.svg`);
  if (!fs.existsSync(file)) fail(`no Maki icon "${name}" (${file})`);
  const svg = fs.readFileSync(file, 'utf8');
  const open = svg.match(/<svg\b[^>]*>/);
  const close = svg.lastIndexOf('</svg>');
  if (!open || close < 0) fail(`${file} is not an SVG document`);
  const viewBox = open[0].match(/viewBox="([^"]+)"/);
  const box = viewBox ? viewBox[1].trim().split(/[\s,]+/).map(Number) : [0, 0, 15, 15];
  if (box.length !== 4 || box.some((v) => !Number.isFinite(v)) || box[2] <= 0 || box[3] <= 0)
    fail(`${file}: bad viewBox`);
  return { body: svg.slice(open.index + open[0].length, close), box };
}

const icons = names.map((name) => ({ name, ...iconBody(name) }));
fs.mkdirSync(opt.out, { recursive: true });
const columns = Math.ceil(Math.sqrt(icons.length));
const rows = Math.ceil(icons.length / columns);

for (const ratio of ratios) {
  const cell = Math.round(cellCss * ratio);
  const glyph = 15 * ratio;  // Maki's design size, in device pixels
  const width = columns * cell, height = rows * cell;
  const index = {};
  let groups = '';
  icons.forEach((icon, i) => {
    const x = (i % columns) * cell, y = Math.floor(i / columns) * cell;
    const scale = glyph / Math.max(icon.box[2], icon.box[3]);
    const ox = x + (cell - icon.box[2] * scale) / 2 - icon.box[0] * scale;
    const oy = y + (cell - icon.box[3] * scale) / 2 - icon.box[1] * scale;
    groups += `<g transform="translate(${ox} ${oy}) scale(${scale})" fill="#000">${icon.body}</g>\n`;
    index[icon.name] = { x, y, width: cell, height: cell };
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
              `viewBox="0 0 ${width} ${height}">\n${groups}</svg>\n`;
  const png = PNG.sync.read(execFileSync(opt.rsvg, ['--format=png'], { input: svg, maxBuffer: 64 << 20 }));
  if (png.width !== width || png.height !== height)
    fail(`rsvg-convert made ${png.width}x${png.height}, expected ${width}x${height}`);
  const alpha = Buffer.alloc(width * height);
  for (let p = 0; p < alpha.length; ++p) alpha[p] = png.data[p * 4 + 3];
  const stem = path.join(opt.out, `sprite@${ratio}x`);
  fs.writeFileSync(`${stem}.alpha`, alpha);
  fs.writeFileSync(`${stem}.json`, JSON.stringify({ width, height, pixelRatio: ratio, icons: index }, null, 1) + '\n');
}
console.log(`make_sprite: ${icons.length} icons, ratios ${ratios.join(', ')} -> ${opt.out}`);
