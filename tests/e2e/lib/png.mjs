// PNG files and image comparison for the citymap browser tests, on pngjs (the codec: every
// standard PNG read as 8-bit RGBA) and pixelmatch (the per-pixel comparison and its diff image),
// as MapLibre's render tests use them.
import pixelmatch from 'pixelmatch';
import pngjs from 'pngjs';

const { PNG } = pngjs;

/** @returns {{width:number,height:number,data:Uint8Array}} RGBA, 8 bits per channel */
export function decodePNG(buf) {
  let png;
  try {
    png = PNG.sync.read(buf);
  } catch (e) {
    throw new Error(`not a valid PNG file: ${e.message}`);
  }
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
}

/** Encodes 8-bit RGBA {width, height, data} as PNG. */
export function encodePNG({ width, height, data }) {
  if (data.length !== width * height * 4) throw new Error('encodePNG: data size does not match width*height*4');
  return PNG.sync.write({ width, height, data: Buffer.from(data.buffer, data.byteOffset, data.length) });
}

/**
 * Compares two RGBA images of the same size with pixelmatch. A pixel differs when its colour
 * distance (pixelmatch's perceptual YIQ distance, 0..1) exceeds `tolerance`; anti-aliased pixels
 * count too (includeAA), so the fraction of differing pixels is that of every changed pixel.
 * maxDelta is the largest channel difference (0..1), for the log.
 * @returns {{width, height, total, diffCount, diffFraction, maxDelta, diff:{width,height,data}}}
 */
export function compareImages(actual, expected, { tolerance = 0.1 } = {}) {
  if (actual.width !== expected.width || actual.height !== expected.height) {
    throw new Error(`size mismatch: actual ${actual.width}x${actual.height}, expected ${expected.width}x${expected.height}`);
  }
  const { width, height } = actual;
  const diff = new Uint8Array(width * height * 4);
  const diffCount = pixelmatch(actual.data, expected.data, diff, width, height, { threshold: tolerance, includeAA: true });
  let maxDelta = 0;
  for (let i = 0; i < actual.data.length; i++) maxDelta = Math.max(maxDelta, Math.abs(actual.data[i] - expected.data[i]));
  const total = width * height;
  return { width, height, total, diffCount, diffFraction: total ? diffCount / total : 0, maxDelta: maxDelta / 255, diff: { width, height, data: diff } };
}

/** Colour statistics for smoke tests: distinct RGBA colours and the most common colour's share. */
export function colorStats(img) {
  const counts = new Map();
  const d = img.data;
  for (let i = 0; i < d.length; i += 4) {
    const key = ((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]) >>> 0;
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  let topKey = 0;
  let top = 0;
  for (const [k, c] of counts) {
    if (c > top) {
      top = c;
      topKey = k;
    }
  }
  const total = img.width * img.height;
  const hex = '#' + topKey.toString(16).padStart(8, '0');
  return { distinct: counts.size, dominantFraction: total ? top / total : 1, dominantColor: hex, total };
}
