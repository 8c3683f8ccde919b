#!/usr/bin/env node
// citymap browser test: golden-image comparison or smoke check of the map canvas in headless
// Chromium (software WebGL 2). See --help.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodePNG, encodePNG, compareImages, colorStats } from './lib/png.mjs';
import {
  launch, collectProblems, resolveUrl, waitForIdle, canvasInfo, webglRenderer, num, UsageError, isInterrupted, runCli,
} from './lib/browser.mjs';

const NAME = 'browser_test';
const USAGE = `usage: node tests/e2e/browser_test.mjs --url URL (--expected PNG | --smoke) [options]

Loads the citymap page in headless Chromium (SwiftShader WebGL 2), waits for
window.citymap.state.ready && idle && error === null, screenshots the #map canvas and
compares it with a golden PNG (or, with --smoke, checks that it is not blank).
Fails on any console error, uncaught page error, failed request or HTTP error response
(aborted requests and console warnings are printed but tolerated).

options:
  --url URL                page to test; with --root it may be relative (e.g. "?ui=0&zoom=15")
  --root DIR               serve DIR on a free loopback port (tools/serve/serve.mjs) and test there
  --mount /PREFIX=DIR      with --root: also serve DIR under /PREFIX (repeatable), e.g. /tiles=DIR
  --expected PNG           golden image to compare with
  --update                 write the screenshot to --expected instead of comparing
  --smoke                  no golden image: assert the canvas is not blank/uniform
  --min-colors N           smoke: minimum number of distinct colours (default 16)
  --max-dominant F         smoke: maximum share of the most common colour (default 0.95)
  --out DIR                where actual.png (always) and diff.png (on failure) go (default build/e2e-output)
  --tolerance T            per-pixel colour distance tolerated (pixelmatch threshold), 0..1 (default 0.1)
  --max-diff-fraction F    fail if more than this fraction of pixels differ (default 0.01)
  --width W --height H     viewport size in CSS pixels (default 800 x 600)
  --dpr N                  device scale factor (default 1); the drawing buffer must be CSS size x dpr
  --timeout MS             how long to wait for ready+idle (default 60000)
  --expect-console REGEX   fail unless a console message matches REGEX (within 10 s), e.g. a
                           reported style error
  --feed-batch FILE        live messages framed as the feed worker frames them (written by
                           citymap_render_test --feed-batch): handed to the page once it is idle
                           (window.citymap.feedBatch, no broker), then the map must take them all
                           and settle again before the screenshot; with FILE.later and FILE.json
                           (a replay case), the later messages must change the map, then the time
                           slider goes back to FILE.json's replayAtMs for the screenshot
  --verbose                echo every console message
  -h, --help               show this help

exit status: 0 pass, 1 fail, 2 usage error.`;

function parse(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      root: { type: 'string' },
      mount: { type: 'string', multiple: true, default: [] },
      expected: { type: 'string' },
      update: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      'min-colors': { type: 'string', default: '16' },
      'max-dominant': { type: 'string', default: '0.95' },
      out: { type: 'string', default: 'build/e2e-output' },
      tolerance: { type: 'string', default: '0.1' },
      'max-diff-fraction': { type: 'string', default: '0.01' },
      width: { type: 'string', default: '800' },
      height: { type: 'string', default: '600' },
      dpr: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '60000' },
      'expect-console': { type: 'string' },
      'feed-batch': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { help: true };
  if (!values.url && !values.root) throw new UsageError('--url (or --root) is required');
  if (!values.smoke && !values.expected) throw new UsageError('--expected PNG or --smoke is required');
  if (values.smoke && values.update) throw new UsageError('--update needs --expected, not --smoke');
  return {
    url: values.url,
    root: values.root,
    mounts: values.mount,
    expected: values.expected,
    update: values.update,
    smoke: values.smoke,
    minColors: num(values['min-colors'], 'min-colors', { min: 1, integer: true }),
    maxDominant: num(values['max-dominant'], 'max-dominant', { min: 0, max: 1 }),
    out: values.out,
    tolerance: num(values.tolerance, 'tolerance', { min: 0, max: 1 }),
    maxDiffFraction: num(values['max-diff-fraction'], 'max-diff-fraction', { min: 0, max: 1 }),
    width: num(values.width, 'width', { min: 1, max: 8192, integer: true }),
    height: num(values.height, 'height', { min: 1, max: 8192, integer: true }),
    dpr: num(values.dpr, 'dpr', { min: 0.25, max: 8 }),
    timeout: num(values.timeout, 'timeout', { min: 1 }),
    expectConsole: values['expect-console'] !== undefined ? compileRegex(values['expect-console']) : null,
    feedBatch: values['feed-batch'] ?? null,
    verbose: values.verbose,
  };
}

function compileRegex(source) {
  try {
    return new RegExp(source);
  } catch (e) {
    throw new UsageError(`--expect-console: ${e.message}`);
  }
}

// The messages in a framed batch ([u16 topic length][topic][u32 payload length][payload], little
// endian; core/feeds/feed_batch.hpp): their count, or an error if it does not frame exactly.
function countFramed(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let n = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new Error(`message ${n}: cut in its topic length`);
    at += 2 + view.getUint16(at, true);
    if (at + 4 > bytes.length) throw new Error(`message ${n}: cut in its payload length`);
    at += 4 + view.getUint32(at, true);
    if (at > bytes.length) throw new Error(`message ${n}: cut in its payload`);
    n += 1;
  }
  return n;
}

// Hands the batch to the idle page, waits until the core has accepted every message and drawn
// them, then until the map is idle again.
async function deliverFeed(page, file, { timeout, problems }) {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const count = countFramed(bytes) + (await page.evaluate(() => (window.citymap.state.feed ? window.citymap.state.feed.accepted : 0)));
  const before = await page.evaluate(() => window.citymap.state.framesDrawn);
  const taken = await page.evaluate((list) => window.citymap.feedBatch(new Uint8Array(list)), Array.from(bytes));
  if (taken === false) throw new Error('the page was not ready for feed messages');
  if (typeof taken !== 'number' || taken !== countFramed(bytes)) throw new Error(`the page took ${taken} of the batch's ${countFramed(bytes)} messages`);
  const until = Date.now() + timeout;
  for (;;) {
    const s = await page.evaluate(() => ({ feed: window.citymap.state.feed, frames: window.citymap.state.framesDrawn }));
    // The summary is refreshed 4 times a second; a few frames later the markers are drawn.
    if (s.feed && s.feed.accepted >= count && s.frames >= before + 3) break;
    if (Date.now() > until) throw new Error(`the core took ${s.feed ? s.feed.accepted : 0} of ${count} messages`);
    await page.waitForTimeout(100);
  }
  console.log(`${NAME}: ${countFramed(bytes)} feed messages delivered and accepted`);
  return waitForIdle(page, { timeout, problems });
}

// Replay (a case with feed_later): FILE.later holds later messages, FILE.json the time T between
// the two batches. The later messages must change the map (or the replay check proves nothing);
// then the time slider goes to T and the map must show what the feed said at T.
async function replayAfterLater(page, file, { timeout, problems, tolerance }) {
  const later = `${file}.later`;
  if (!fs.existsSync(later)) return null;
  const { replayAtMs } = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8'));
  const shot = async () => decodePNG(await page.locator('#map').screenshot({ timeout: 30000, animations: 'disabled', caret: 'hide' }));
  const live = await shot();
  await deliverFeed(page, later, { timeout, problems });
  const changed = compareImages(await shot(), live, { tolerance }).diffCount;
  if (changed < 200) throw new Error(`the later messages changed only ${changed} pixels: the replay check would prove nothing`);
  await page.evaluate((t) => window.citymap.replay(t, 0), replayAtMs);
  await page.waitForFunction(() => window.citymap.state.ui && window.citymap.state.ui.replay.tMs !== null, null, { timeout });
  console.log(`${NAME}: the later messages changed ${changed} pixels; replaying ${new Date(replayAtMs).toISOString()}`);
  return waitForIdle(page, { timeout, problems });
}

async function run(o) {
  const t0 = Date.now();
  const label = o.smoke ? 'smoke' : path.basename(o.expected);
  const fail = (msg) => {
    if (isInterrupted()) return 1;
    console.log(`${NAME}: FAIL ${label}: ${msg}`);
    return 1;
  };
  fs.mkdirSync(o.out, { recursive: true });
  const actualPath = path.join(o.out, 'actual.png');
  const diffPath = path.join(o.out, 'diff.png');
  fs.rmSync(diffPath, { force: true });

  const url = await resolveUrl(o);
  const { page, browserVersion } = await launch({ width: o.width, height: o.height, dpr: o.dpr });
  const problems = collectProblems(page, { echoAll: o.verbose });
  const renderer = await webglRenderer(page).catch(() => null);
  console.log(`${NAME}: ${url} (Chromium ${browserVersion}, WebGL 2: ${renderer ?? 'MISSING'}, ${o.width}x${o.height} @dpr ${o.dpr})`);

  try {
    const resp = await page.goto(url, { waitUntil: 'load', timeout: o.timeout });
    if (resp && !resp.ok()) return fail(`HTTP ${resp.status()} for ${url}`);
  } catch (e) {
    return fail(`navigation: ${e.message.split('\n')[0]}`);
  }
  let idle;
  try {
    idle = await waitForIdle(page, { timeout: o.timeout, problems });
  } catch (e) {
    return fail(e.message);
  }

  if (o.feedBatch) {
    try {
      idle = await deliverFeed(page, o.feedBatch, { timeout: o.timeout, problems });
      idle = (await replayAfterLater(page, o.feedBatch, { timeout: o.timeout, problems, tolerance: o.tolerance })) ?? idle;
    } catch (e) {
      return fail(`--feed-batch ${o.feedBatch}: ${e.message}`);
    }
  }

  if (o.expectConsole) {
    const until = Date.now() + 10000;
    while (!problems.console.some((l) => o.expectConsole.test(l)) && Date.now() < until) await page.waitForTimeout(100);
    const line = problems.console.find((l) => o.expectConsole.test(l));
    if (!line) return fail(`no console message matched ${o.expectConsole}`);
    console.log(`${NAME}: expected console message: ${line}`);
  }

  // Drawing buffer must match CSS size x devicePixelRatio (hi-DPI path).
  const c = await canvasInfo(page);
  if (!c) return fail('no canvas#map element');
  const wantW = Math.round(c.clientWidth * o.dpr);
  const wantH = Math.round(c.clientHeight * o.dpr);
  const slack = Number.isInteger(o.dpr) ? 0 : 1; // fractional dpr: allow floor/ceil rounding
  console.log(`${NAME}: canvas css ${c.clientWidth}x${c.clientHeight}, drawing buffer ${c.width}x${c.height}, devicePixelRatio ${c.dpr} (expected buffer ${wantW}x${wantH})`);
  if (Math.abs(c.width - wantW) > slack || Math.abs(c.height - wantH) > slack) {
    return fail(`canvas drawing buffer ${c.width}x${c.height} != css size x dpr ${wantW}x${wantH}`);
  }
  if (c.clientWidth !== c.innerWidth || c.clientHeight !== c.innerHeight) {
    console.log(`${NAME}: note: canvas ${c.clientWidth}x${c.clientHeight} does not fill the window ${c.innerWidth}x${c.innerHeight}`);
  }

  const shot = await page.locator('#map').screenshot({ timeout: 30000, animations: 'disabled', caret: 'hide' });
  // Problems raised while taking the screenshot count too.
  if (problems.errors.length) {
    fs.writeFileSync(actualPath, shot);
    return fail(`${problems.errors.length} console/page/request error(s):\n  ${problems.errors.join('\n  ')}`);
  }
  fs.writeFileSync(actualPath, shot);
  const actual = decodePNG(shot);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const where = `${actual.width}x${actual.height} px, idle after ${(idle.ms / 1000).toFixed(1)} s, ${idle.state.tilesLoaded ?? '?'} tiles, ${idle.state.framesDrawn ?? '?'} frames, total ${secs} s`;

  if (o.smoke) {
    const s = colorStats(actual);
    const info = `${s.distinct} distinct colours (min ${o.minColors}), most common ${s.dominantColor} covers ${(s.dominantFraction * 100).toFixed(1)}% (max ${(o.maxDominant * 100).toFixed(0)}%)`;
    if (s.distinct < o.minColors || s.dominantFraction > o.maxDominant) return fail(`canvas looks blank: ${info}; see ${actualPath}`);
    console.log(`${NAME}: PASS smoke: ${info}; ${where}`);
    return 0;
  }

  if (o.update) {
    fs.mkdirSync(path.dirname(path.resolve(o.expected)), { recursive: true });
    // Re-encode so goldens are plain 8-bit RGBA written by one encoder.
    fs.writeFileSync(o.expected, encodePNG(actual));
    console.log(`${NAME}: UPDATED ${o.expected} (${where})`);
    return 0;
  }

  if (!fs.existsSync(o.expected)) return fail(`expected image ${o.expected} does not exist (run with --update to create it); actual in ${actualPath}`);
  let expected;
  try {
    expected = decodePNG(fs.readFileSync(o.expected));
  } catch (e) {
    return fail(`cannot read ${o.expected}: ${e.message}`);
  }
  if (expected.width !== actual.width || expected.height !== actual.height) {
    return fail(`size ${actual.width}x${actual.height} != expected ${expected.width}x${expected.height}; actual in ${actualPath}`);
  }
  const r = compareImages(actual, expected, { tolerance: o.tolerance });
  const summary = `${r.diffCount}/${r.total} pixels differ (${(r.diffFraction * 100).toFixed(3)}%, max ${(o.maxDiffFraction * 100).toFixed(3)}%), max delta ${r.maxDelta.toFixed(3)}, tolerance ${o.tolerance}; ${where}`;
  if (r.diffFraction > o.maxDiffFraction) {
    fs.writeFileSync(diffPath, encodePNG(r.diff));
    return fail(`${summary}; see ${actualPath} and ${diffPath}`);
  }
  console.log(`${NAME}: PASS ${label}: ${summary}`);
  return 0;
}

runCli({
  name: NAME,
  usage: USAGE,
  parse,
  run,
  budgetMs: (o) => o.timeout * 2 + 120000,
  // Run bare by `node --test tests/e2e/` (the file name matches its pattern): not a test file.
  onUsageError: () => {
    if (process.argv.length > 2 || !process.env.NODE_TEST_CONTEXT) return undefined;
    console.log(`${NAME}: CLI tool, needs --url; nothing to do under node --test`);
    return 0;
  },
}).then((code) => process.exit(code));
