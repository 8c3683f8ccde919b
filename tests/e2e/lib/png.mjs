// Minimal PNG codec and image comparison for the citymap browser tests (dependency-free).
//
// decodePNG: every standard PNG (colour types 0/2/3/4/6, bit depths 1..16, Adam7 or not),
//            returned as 8-bit RGBA.
// encodePNG: 8-bit RGBA, adaptive per-row filter, zlib level 9.
// compareImages: per-pixel maximum channel difference (0..1) against a tolerance; builds a diff
//            image (differences in red over a faded greyscale of the actual image).
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let crcTable = null;
function crc32(buf) {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(buf) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = crcTable[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** @returns {{width:number,height:number,data:Uint8Array}} RGBA, 8 bits per channel */
export function decodePNG(buf) {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file');
  let off = 8;
  let ihdr = null;
  let palette = null;
  let trns = null;
  const idat = [];
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    if (off + 12 + len > buf.length) throw new Error(`PNG: truncated ${type} chunk`);
    const body = buf.subarray(off + 8, off + 8 + len);
    off += 12 + len;
    if (type === 'IHDR') {
      ihdr = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        depth: body[8],
        colorType: body[9],
        interlace: body[12],
      };
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') trns = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
  }
  if (!ihdr) throw new Error('PNG: missing IHDR');
  const { width, height, depth, colorType, interlace } = ihdr;
  const channels = CHANNELS[colorType];
  if (!channels || ![1, 2, 4, 8, 16].includes(depth)) throw new Error(`PNG: unsupported colour type ${colorType} / depth ${depth}`);
  if (colorType === 3 && !palette) throw new Error('PNG: palette image without PLTE');
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const bitsPP = channels * depth;
  const bpp = Math.max(1, bitsPP >> 3); // bytes per complete pixel (filter unit)
  const out = new Uint8Array(width * height * 4);
  const maxV = (1 << Math.min(depth, 8)) - 1;

  let pos = 0;
  // Decodes one (sub)image of w x h pixels, placing pixel (x, y) at (x0 + x*dx, y0 + y*dy).
  function pass(w, h, x0, y0, dx, dy) {
    if (w === 0 || h === 0) return;
    const stride = Math.ceil((w * bitsPP) / 8);
    let prev = new Uint8Array(stride);
    let cur = new Uint8Array(stride);
    for (let y = 0; y < h; y++) {
      if (pos + 1 + stride > raw.length) throw new Error('PNG: truncated image data');
      const filter = raw[pos++];
      for (let i = 0; i < stride; i++) {
        const x = raw[pos + i];
        const a = i >= bpp ? cur[i - bpp] : 0;
        const b = prev[i];
        const c = i >= bpp ? prev[i - bpp] : 0;
        let v;
        switch (filter) {
          case 0: v = x; break;
          case 1: v = x + a; break;
          case 2: v = x + b; break;
          case 3: v = x + ((a + b) >> 1); break;
          case 4: v = x + paeth(a, b, c); break;
          default: throw new Error(`PNG: bad filter ${filter}`);
        }
        cur[i] = v & 255;
      }
      pos += stride;
      // unpack samples
      const sample = (idx) => {
        if (depth === 8) return cur[idx];
        if (depth === 16) return (cur[idx * 2] << 8) | cur[idx * 2 + 1];
        const bit = idx * depth;
        return (cur[bit >> 3] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
      };
      const to8 = (v) => (depth === 16 ? v >> 8 : depth === 8 ? v : Math.round((v * 255) / maxV));
      for (let x = 0; x < w; x++) {
        const o = ((y0 + y * dy) * width + (x0 + x * dx)) * 4;
        const s = x * channels;
        let r, g, b, al = 255;
        if (colorType === 0) {
          const v = sample(s);
          r = g = b = to8(v);
          if (trns && trns.length >= 2 && v === trns.readUInt16BE(0)) al = 0;
        } else if (colorType === 2) {
          const vr = sample(s), vg = sample(s + 1), vb = sample(s + 2);
          r = to8(vr); g = to8(vg); b = to8(vb);
          if (trns && trns.length >= 6 && vr === trns.readUInt16BE(0) && vg === trns.readUInt16BE(2) && vb === trns.readUInt16BE(4)) al = 0;
        } else if (colorType === 3) {
          const idx = sample(s);
          r = palette[idx * 3]; g = palette[idx * 3 + 1]; b = palette[idx * 3 + 2];
          if (trns && idx < trns.length) al = trns[idx];
        } else if (colorType === 4) {
          r = g = b = to8(sample(s));
          al = to8(sample(s + 1));
        } else {
          r = to8(sample(s)); g = to8(sample(s + 1)); b = to8(sample(s + 2)); al = to8(sample(s + 3));
        }
        out[o] = r; out[o + 1] = g; out[o + 2] = b; out[o + 3] = al;
      }
      [prev, cur] = [cur, prev];
    }
  }

  if (interlace === 0) pass(width, height, 0, 0, 1, 1);
  else {
    // Adam7: [x0, y0, dx, dy] per pass
    const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
    for (const [x0, y0, dx, dy] of passes) {
      pass(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy), x0, y0, dx, dy);
    }
  }
  return { width, height, data: out };
}

function chunk(type, body) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** Encodes 8-bit RGBA {width, height, data} as PNG. */
export function encodePNG({ width, height, data }) {
  if (data.length !== width * height * 4) throw new Error('encodePNG: data size does not match width*height*4');
  const stride = width * 4;
  const rawOut = Buffer.alloc((stride + 1) * height);
  const cand = Array.from({ length: 5 }, () => new Uint8Array(stride));
  const zero = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? data.subarray((y - 1) * stride, y * stride) : zero;
    let best = 0;
    let bestScore = Infinity;
    for (let f = 0; f < 5; f++) {
      const c = cand[f];
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= 4 ? row[i - 4] : 0;
        const b = prev[i];
        const cc = i >= 4 ? prev[i - 4] : 0;
        let p;
        switch (f) {
          case 0: p = 0; break;
          case 1: p = a; break;
          case 2: p = b; break;
          case 3: p = (a + b) >> 1; break;
          default: p = paeth(a, b, cc);
        }
        const v = (row[i] - p) & 255;
        c[i] = v;
        score += v < 128 ? v : 256 - v;
      }
      if (score < bestScore) {
        bestScore = score;
        best = f;
      }
    }
    rawOut[y * (stride + 1)] = best;
    rawOut.set(cand[best], y * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rawOut, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Compares two RGBA images of the same size. A pixel differs when the largest absolute channel
 * difference (R, G, B or A, scaled to 0..1) exceeds `tolerance`.
 * @returns {{width, height, total, diffCount, diffFraction, maxDelta, diff:{width,height,data}}}
 */
export function compareImages(actual, expected, { tolerance = 0.1 } = {}) {
  if (actual.width !== expected.width || actual.height !== expected.height) {
    throw new Error(`size mismatch: actual ${actual.width}x${actual.height}, expected ${expected.width}x${expected.height}`);
  }
  const { width, height } = actual;
  const a = actual.data;
  const e = expected.data;
  const diff = new Uint8Array(width * height * 4);
  const limit = tolerance * 255;
  let diffCount = 0;
  let maxDelta = 0;
  for (let i = 0; i < a.length; i += 4) {
    const d = Math.max(
      Math.abs(a[i] - e[i]),
      Math.abs(a[i + 1] - e[i + 1]),
      Math.abs(a[i + 2] - e[i + 2]),
      Math.abs(a[i + 3] - e[i + 3]),
    );
    if (d > maxDelta) maxDelta = d;
    if (d > limit) {
      diffCount++;
      diff[i] = 255; diff[i + 1] = 0; diff[i + 2] = 0;
    } else if (d > 0) {
      // below the tolerance but not identical: pale yellow, so anti-aliasing noise is visible
      diff[i] = 255; diff[i + 1] = 230; diff[i + 2] = 120;
    } else {
      // faded greyscale of the actual image
      const l = 0.299 * a[i] + 0.587 * a[i + 1] + 0.114 * a[i + 2];
      const v = Math.round(255 - (255 - l) * 0.25);
      diff[i] = v; diff[i + 1] = v; diff[i + 2] = v;
    }
    diff[i + 3] = 255;
  }
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
