#!/usr/bin/env node
// citymap browser memory benchmark (issue 13): the Da Nang map in headless Chromium, panned and
// zoomed over the whole city for --minutes (real time; a fixed pseudo-random walk, a new
// waypoint every 4 s at zoom 12..17.5, driven through window.citymap.jumpTo every animation
// frame). Every 10 s it samples the wasm heap in use (malloc, _citymap_heap_bytes), the tile
// cache's share (_citymap_tile_cache_bytes), the wasm memory's size (it only grows), the JS heap
// (performance.memory) and the tile counters. Checks, like tests/bench/memory_soak.cpp, that the
// heap stays under --heap-budget-mb (default 104: the 40 MiB tile cache + 64) and does not grow
// from minute 2 on outside the cache (at most --growth-mb, default 2). JSON to stdout (--json).
//   node tests/bench/browser_memory.mjs --root build/wasm/site --mount /tiles=build/tiles [--minutes 5]
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { collectProblems, launch, num, resolveUrl, runCli, UsageError, waitForIdle } from '../e2e/lib/browser.mjs';

const NAME = 'browser_memory';
const USAGE = `usage: node tests/bench/browser_memory.mjs --root SITE --mount /tiles=DIR [--minutes 5] [--json FILE]
  [--heap-budget-mb 104] [--growth-mb 2] [--width 1024 --height 768]`;

function parse(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      root: { type: 'string' },
      mount: { type: 'string', multiple: true, default: [] },
      url: { type: 'string', default: '?lng=108.2145&lat=16.06&zoom=14&feed=off&ui=0' },
      minutes: { type: 'string', default: '5' },
      json: { type: 'string' },
      width: { type: 'string', default: '1024' },
      height: { type: 'string', default: '768' },
      'heap-budget-mb': { type: 'string', default: '104' },
      'growth-mb': { type: 'string', default: '2' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  if (!values.root) throw new UsageError('--root is required');
  return {
    root: values.root, mounts: values.mount, url: values.url, json: values.json,
    minutes: num(values.minutes, 'minutes', { min: 0.2, max: 60 }),
    width: num(values.width, 'width', { min: 100, integer: true }), height: num(values.height, 'height', { min: 100, integer: true }),
    heapBudget: num(values['heap-budget-mb'], 'heap-budget-mb', { min: 1 }) * 2 ** 20,
    growth: num(values['growth-mb'], 'growth-mb', { min: 0 }) * 2 ** 20,
  };
}

async function run(o) {
  const url = await resolveUrl({ url: o.url, root: o.root, mounts: o.mounts });
  const { page } = await launch({ width: o.width, height: o.height });
  const problems = collectProblems(page, { echo: false });
  await page.goto(url, { waitUntil: 'load' });
  await waitForIdle(page, { problems, timeout: 120000 });
  // The walk runs in the page (one jumpTo per animation frame); node samples.
  await page.evaluate((ms) => {
    let rng = 0x2545f491;
    const next = () => ((rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const box = { w: 108.10, e: 108.33, s: 15.95, n: 16.13 }; // Da Nang's urban districts
    const point = () => ({ lng: box.w + next() * (box.e - box.w), lat: box.s + next() * (box.n - box.s), zoom: 12 + next() * 5.5 });
    let from = point(), to = point(), t0 = performance.now();
    const end = t0 + ms;
    window.__walk = { frames: 0, legs: 0 };
    const step = (now) => {
      if (now > end) return;
      let t = (now - t0) / 4000;
      if (t >= 1) {
        from = to; to = point(); t0 = now; t = 0; window.__walk.legs++;
      }
      const s = t * t * (3 - 2 * t);
      window.citymap.jumpTo({ lng: from.lng + (to.lng - from.lng) * s, lat: from.lat + (to.lat - from.lat) * s, zoom: from.zoom + (to.zoom - from.zoom) * s });
      window.__walk.frames++;
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }, o.minutes * 60000);
  const samples = [];
  const start = Date.now();
  const sample = async () => {
    const s = await page.evaluate(() => ({
      heap: Module._citymap_heap_bytes(),
      cache: Module._citymap_tile_cache_bytes(),
      wasmMemory: Module.HEAP8.length,
      jsHeap: performance.memory ? performance.memory.usedJSHeapSize : null,
      tiles: window.citymap.state.tiles,
      frames: window.__walk.frames,
    }));
    samples.push({ minute: (Date.now() - start) / 60000, ...s });
  };
  while (Date.now() - start < o.minutes * 60000) {
    await sample();
    await new Promise((r) => setTimeout(r, Math.min(10000, o.minutes * 60000 - (Date.now() - start) + 50)));
  }
  await sample();
  const mib = (b) => Math.round((b / 2 ** 20) * 100) / 100;
  const at = (m) => samples.reduce((best, s) => (Math.abs(s.minute - m) < Math.abs(best.minute - m) ? s : best));
  const m2 = at(Math.min(2, o.minutes)), end = samples[samples.length - 1];
  const maxHeap = Math.max(...samples.map((s) => s.heap));
  const report = {
    minutes: o.minutes, viewport: [o.width, o.height], frames: end.frames, tiles: end.tiles,
    maxHeapMiB: mib(maxHeap), heapAt2MiB: mib(m2.heap), heapAtEndMiB: mib(end.heap),
    outsideCacheAt2MiB: mib(m2.heap - m2.cache), outsideCacheAtEndMiB: mib(end.heap - end.cache),
    wasmMemoryMiB: mib(end.wasmMemory), jsHeapMiB: end.jsHeap && mib(end.jsHeap), heapBudgetMiB: mib(o.heapBudget),
    samples: samples.map((s) => ({ minute: Math.round(s.minute * 100) / 100, heapMiB: mib(s.heap), cacheMiB: mib(s.cache),
      wasmMemoryMiB: mib(s.wasmMemory), jsHeapMiB: s.jsHeap && mib(s.jsHeap), loaded: s.tiles.loaded, frames: s.frames })),
  };
  const json = JSON.stringify(report, null, 1);
  console.log(json);
  if (o.json) fs.writeFileSync(o.json, json + '\n');
  const failures = [];
  if (maxHeap > o.heapBudget) failures.push(`the heap reached ${mib(maxHeap)} MiB (budget ${mib(o.heapBudget)})`);
  if (o.minutes >= 3 && end.heap - end.cache > m2.heap - m2.cache + o.growth)
    failures.push(`the heap outside the tile cache grew by ${mib(end.heap - end.cache - (m2.heap - m2.cache))} MiB from minute 2`);
  if (end.tiles.errors > 0) failures.push(`${end.tiles.errors} tile errors`);
  process.stderr.write(`${NAME}: ${failures.length ? 'FAIL ' + failures.join('; ') : 'ok'}: heap max ${mib(maxHeap)} MiB, ` +
    `at 2 min ${mib(m2.heap)}, at the end ${mib(end.heap)} (cache ${mib(end.cache)}), wasm memory ${mib(end.wasmMemory)} MiB, ` +
    `${end.frames} frames\n`);
  return failures.length ? 1 : 0;
}

process.exitCode = await runCli({ name: NAME, usage: USAGE, parse, run, budgetMs: (o) => o.minutes * 60000 + 300000 });
