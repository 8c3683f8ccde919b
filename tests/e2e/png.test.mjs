// node --test tests/e2e/png.test.mjs — the PNG codec (pngjs) and comparison (pixelmatch) as
// tests/e2e/lib/png.mjs wraps them for browser_test.mjs and the other browser tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodePNG, encodePNG, compareImages, colorStats } from './lib/png.mjs';

function makeImage(w, h, seed = 1) {
  const data = new Uint8Array(w * h * 4);
  let s = seed;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      s = (s * 1103515245 + 12345) >>> 0;
      data[i] = (x * 5) & 255;
      data[i + 1] = (y * 3) & 255;
      data[i + 2] = (s >>> 24) & 255; // noise exercises every filter
      data[i + 3] = x % 7 === 0 ? 128 : 255;
    }
  }
  return { width: w, height: h, data };
}

test('encode/decode round trip', () => {
  for (const [w, h] of [[1, 1], [3, 2], [64, 33], [257, 5]]) {
    const img = makeImage(w, h, w * 31 + h);
    const png = encodePNG(img);
    const back = decodePNG(png);
    assert.equal(back.width, w);
    assert.equal(back.height, h);
    assert.deepEqual(Buffer.from(back.data), Buffer.from(img.data));
  }
});

test('rejects non-PNG input', () => {
  assert.throws(() => decodePNG(Buffer.from('hello world, not a png')), /not a valid PNG/);
  const png = encodePNG(makeImage(8, 8));
  assert.throws(() => decodePNG(png.subarray(0, png.length - 30)), /not a valid PNG/); // cut off
});

test('compareImages: tolerance, fraction and diff image', () => {
  const a = makeImage(10, 10);
  const b = { ...a, data: Uint8Array.from(a.data) };
  let r = compareImages(a, b, { tolerance: 0.1 });
  assert.equal(r.diffCount, 0);
  assert.equal(r.maxDelta, 0);
  b.data[4 * 1] = (a.data[4 * 1] + 20) & 255; // a small change of red at pixel 1: tolerated
  b.data[4 * 55 + 1] = a.data[4 * 55 + 1] ^ 0x80; // large change at pixel 55
  r = compareImages(a, b, { tolerance: 0.1 });
  assert.equal(r.diffCount, 1);
  assert.equal(r.diffFraction, 0.01);
  assert.equal(r.maxDelta, 128 / 255);
  assert.deepEqual([...r.diff.data.subarray(4 * 55, 4 * 55 + 4)], [255, 0, 0, 255]); // differs: red
  const grey = [...r.diff.data.subarray(4, 8)]; // tolerated: a faded grey of the image
  assert.ok(grey[0] === grey[1] && grey[1] === grey[2] && grey[0] > 200, String(grey));
  r = compareImages(a, b, { tolerance: 0 });
  assert.equal(r.diffCount, 2);
  // a grey step of 40 levels differs at 0.1 and not at 0.2 (the distance grows with the change)
  const c = { ...a, data: Uint8Array.from(a.data) };
  for (let ch = 0; ch < 3; ch++) c.data[4 * 10 + ch] = Math.min(255, a.data[4 * 10 + ch] + 40);
  c.data[4 * 10 + 3] = 255;
  const d = { ...a, data: Uint8Array.from(c.data) };
  for (let ch = 0; ch < 3; ch++) d.data[4 * 10 + ch] -= 40;
  assert.equal(compareImages(c, d, { tolerance: 0.1 }).diffCount, 1);
  assert.equal(compareImages(c, d, { tolerance: 0.2 }).diffCount, 0);
  assert.throws(() => compareImages(a, makeImage(10, 11)), /size mismatch/);
});

test('colorStats', () => {
  const img = { width: 4, height: 1, data: Uint8Array.from([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 0, 0, 255]) };
  const s = colorStats(img);
  assert.equal(s.distinct, 2);
  assert.equal(s.dominantFraction, 0.75);
  assert.equal(s.dominantColor, '#000000ff');
});

// Decodes PNG variants written by ImageMagick (palette, grey, 16-bit, interlaced).
let convert = null;
try {
  if (/ImageMagick/.test(execFileSync('convert', ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))) convert = 'convert';
} catch {
  convert = null;
}
test('decodes PNG variants from ImageMagick', { skip: convert ? false : 'ImageMagick convert not installed' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citymap-png-test-'));
  try {
    const src = makeImage(23, 17);
    const srcPath = path.join(dir, 'src.png');
    fs.writeFileSync(srcPath, encodePNG(src));
    const variants = {
      'PNG24:rgb.png': ['-alpha', 'off'],
      'PNG48:rgb16.png': ['-alpha', 'off'],
      'PNG64:rgba16.png': [],
      'PNG32:interlaced.png': ['-interlace', 'PNG'],
      'PNG8:palette.png': ['-alpha', 'off', '-colors', '16'],
      'gray.png': ['-colorspace', 'Gray', '-alpha', 'off', '-depth', '8'],
      'gray4.png': ['-colorspace', 'Gray', '-alpha', 'off', '-depth', '4'],
    };
    for (const [out, opts] of Object.entries(variants)) {
      const file = path.join(dir, out.replace(/^.*:/, ''));
      execFileSync(convert, [srcPath, ...opts, out.includes(':') ? out.replace(/:.*$/, ':') + file : file]);
      const img = decodePNG(fs.readFileSync(file));
      assert.equal(img.width, 23, out);
      assert.equal(img.height, 17, out);
      // compare against ImageMagick's own RGBA rendering of the same file
      const rgba = execFileSync(convert, [file, '-depth', '8', 'RGBA:-']);
      assert.equal(rgba.length, img.data.length, out);
      const r = compareImages(img, { width: 23, height: 17, data: new Uint8Array(rgba) }, { tolerance: 1 / 255 });
      assert.equal(r.diffCount, 0, `${out}: ${r.diffCount} pixels differ (max ${r.maxDelta})`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
