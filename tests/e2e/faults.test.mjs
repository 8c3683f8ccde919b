// Tile requests under network faults in the browser (issue 13), through a fault-injecting
// server (lib/fault_server.mjs) in front of the site, and under Chrome's "Slow 3G" throttling
// (CDP): failed answers (503, an HTML page, a cut-off body, a stall) are retried until the view
// is whole and drawn as a clean load draws it; requests for tiles that left the view are aborted;
// an archive that changes on the server mid-session is reopened, not mixed.
//   CITYMAP_SITE=build/wasm/site CITYMAP_FIXTURES=build/native/tests/render/fixtures \
//   CITYMAP_TILES=build/tiles node --test tests/e2e/faults.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { startServer } from '../../tools/serve/serve.mjs';
import { collectProblems, launch, onCleanup, runCleanup } from './lib/browser.mjs';
import { startFaultServer } from './lib/fault_server.mjs';
import { compareImages, decodePNG, encodePNG } from './lib/png.mjs';

const site = process.env.CITYMAP_SITE || path.resolve('build/wasm/site');
const fixtures = process.env.CITYMAP_FIXTURES || path.resolve('build/native/tests/render/fixtures');
const tiles = process.env.CITYMAP_TILES || path.resolve('build/tiles');
const out = process.env.CITYMAP_OUT || '';
const oldArchive = path.join(fixtures, 'basic.pmtiles');
const newArchive = path.join(fixtures, 'faults-changed.pmtiles');
const skip = !fs.existsSync(path.join(site, 'index.html')) ? 'no site (wasm build)'
  : !fs.existsSync(newArchive) ? `no fault fixtures in ${fixtures} (native build)` : false;
const danang = path.join(tiles, 'danang.pmtiles');

test.after(() => runCleanup());

const W = 512, H = 384;
const VIEW = { lng: 108.21, lat: 16.06, zoom: 15.55 };
const query = (v, extra = '') => `?tiles=/faulty/map.pmtiles&ui=0&feed=off&lng=${v.lng}&lat=${v.lat}&zoom=${v.zoom}${extra}`;

async function faultyServer(archive, opts = {}) {
  const site_ = await startServer({ root: site, port: 0, host: '127.0.0.1' });
  onCleanup(() => site_.close());
  const faulty = await startFaultServer({ upstream: site_.url, archive, ...opts });
  onCleanup(() => faulty.close());
  return faulty;
}

async function openPage(url, { stallMs = 1500, width = W, height = H } = {}) {
  const { page } = await launch({ width, height });
  const problems = collectProblems(page, { echo: false });
  await page.addInitScript((ms) => {
    window.citymapOptions = { fetchStallMs: ms };
  }, stallMs);
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

const tileState = (page) => page.evaluate(() => ({ ...window.citymap.state.tiles, idle: window.citymap.state.idle,
  ready: window.citymap.state.ready, error: window.citymap.state.error, status: document.getElementById('status').textContent }));

// Ready, idle, nothing in flight and nothing failed, twice in a row.
async function settled(page, timeout = 60000) {
  const t0 = Date.now();
  let streak = 0, s = null;
  while (Date.now() - t0 < timeout) {
    s = await tileState(page).catch(() => null);
    if (s && s.error) throw new Error('state.error: ' + s.error);
    const ok = s && s.ready && s.idle && s.failed === 0 && s.pending === 0;
    streak = ok ? streak + 1 : 0;
    if (streak >= 3) return { ms: Date.now() - t0, ...s };
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`not settled after ${timeout} ms: ${JSON.stringify(s)}`);
}

// With `view`: first away and back, so that label placement (which prefers the labels it
// showed before) starts afresh and does not depend on the order in which tiles arrived.
async function mapImage(page, name, view = null) {
  if (view) {
    await page.evaluate(() => window.citymap.jumpTo({ lng: 108.5, lat: 16.3, zoom: 16 }));
    await settled(page);
    await page.evaluate((v) => window.citymap.jumpTo(v), view);
    await settled(page);
  }
  const png = await page.locator('#map').screenshot();
  if (out) {
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, `faults-${name}.png`), png);
  }
  return decodePNG(png);
}

function sameImage(a, b, name) {
  const c = compareImages(a, b, { tolerance: 0.1 });
  if (out && c.diffCount) fs.writeFileSync(path.join(out, `faults-${name}-diff.png`), encodePNG(c.diff));
  return c;
}

test('failed tile answers (503, an HTML page, a cut-off body, a stall) are retried until the map is whole', { skip, timeout: 180000 }, async () => {
  // Every byte range past the header fails four times, once each way, then succeeds (the
  // backoff: about 1 + 2 + 4 + 8 s).
  const kinds = ['status503', 'html', 'truncate', 'stall'];
  const asked = new Map();
  const faulty = await faultyServer(oldArchive, {
    plan: ({ from }) => {
      if (from === 0) return null;
      const n = asked.get(from) || 0;
      asked.set(from, n + 1);
      return n < kinds.length ? kinds[n] : null;
    },
  });
  const flakyView = { ...VIEW, zoom: 16.2 };  // several tiles
  const { page } = await openPage(new URL(query(flakyView), faulty.url).href);
  const s = await settled(page);
  const image = await mapImage(page, 'flaky', flakyView);
  for (const k of kinds) assert.ok(faulty.stats.faults[k] > 0, `the ${k} fault was exercised: ${JSON.stringify(faulty.stats.faults)}`);
  const faults = Object.values(faulty.stats.faults).reduce((a, b) => a + b, 0);
  assert.ok(s.errors >= faults, `every fault is counted (${s.errors} errors for ${faults} faults)`);
  assert.ok(s.retries >= 1, 'tiles were asked again');
  assert.equal(s.status, '', 'nothing is reported as failing any more');
  console.log(`flaky: ${faults} faults ${JSON.stringify(faulty.stats.faults)}, ${s.errors} errors, ${s.retries} retries, settled in ${s.ms} ms`);

  // Drawn exactly as a clean load draws it.
  faulty.setPlan(() => null);
  const clean = await openPage(new URL(query(flakyView), faulty.url).href);
  const c = await settled(clean.page);
  assert.equal(c.errors, 0);
  const cmp = sameImage(image, await mapImage(clean.page, 'clean', flakyView), 'flaky');
  assert.ok(cmp.diffFraction < 0.002, `the retried map differs from a clean load in ${cmp.diffCount} pixels`);
});

test('while failed tiles wait for their retry, the status says so and a parent stands in', { skip, timeout: 120000 }, async () => {
  // The z16 tiles always fail; their z15 parents load.
  const faulty = await faultyServer(oldArchive);
  const { page } = await openPage(new URL(query({ ...VIEW, zoom: 15.2 }), faulty.url).href);
  await settled(page);
  const parentImage = await mapImage(page, 'parent');
  const failing = new Set();
  faulty.setPlan(({ from }) => (from > 0 ? (failing.add(from), 'status503') : null));
  await page.evaluate(() => window.citymap.jumpTo({ lng: 108.21, lat: 16.06, zoom: 16.2 }));
  let s;
  for (let i = 0; i < 100; i++) {
    s = await tileState(page);
    if (s.failed > 0 && s.idle) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(s.failed > 0, JSON.stringify(s));
  assert.match(s.status, /could not be loaded; trying again/);
  // No hole: the view is drawn from the z15 parents (not the background colour).
  const img = await mapImage(page, 'standin');
  const distinct = new Set();
  for (let i = 0; i < img.data.length; i += 4 * 97) distinct.add((img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2]);
  assert.ok(distinct.size > 5, 'the stand-in view shows the map');
  const cmpParent = compareImages(img, parentImage, { tolerance: 0.1 });
  assert.ok(cmpParent.diffFraction > 0.01, 'the view did zoom in');
  // Once the server answers again, the retries fill the view.
  faulty.setPlan(() => null);
  const done = await settled(page, 90000);
  assert.ok(done.retries >= 1);
});

test('requests for tiles that left the view are aborted', { skip, timeout: 120000 }, async () => {
  const faulty = await faultyServer(oldArchive, { delayMs: 1500 });
  const { page } = await openPage(new URL(query({ ...VIEW, zoom: 16.4 }), faulty.url).href, { stallMs: 20000 });
  await page.waitForFunction(() => window.citymap.state.ready && window.citymap.state.tiles.pending > 0);
  // Far out: the z16 tiles are no longer needed (nor parents of what is).
  await page.evaluate(() => window.citymap.jumpTo({ lng: 108.21, lat: 16.06, zoom: 12.5 }));
  const s = await settled(page);
  assert.ok(s.cancelled > 0, `cancelled: ${s.cancelled}`);
  // The server saw the browser abort them (the AbortController closed the requests).
  for (let i = 0; i < 30 && faulty.stats.aborted === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(faulty.stats.aborted > 0, `requests aborted at the server: ${faulty.stats.aborted}`);
  console.log(`cancel: ${s.cancelled} cancelled in the client, ${faulty.stats.aborted} aborted at the server`);
});

test('an archive that changes on the server mid-session is reopened, not mixed', { skip, timeout: 180000 }, async () => {
  const closer = { lng: 108.2105, lat: 16.0605, zoom: 16.4 };
  const faulty = await faultyServer(oldArchive);
  const old = await openPage(new URL(query(closer), faulty.url).href);
  await settled(old.page);
  const oldImage = await mapImage(old.page, 'old-version', closer);

  const { page } = await openPage(new URL(query(VIEW), faulty.url).href);
  await settled(page);
  faulty.swap(newArchive);
  await page.evaluate((v) => window.citymap.jumpTo(v), closer);
  const s = await settled(page);
  assert.equal(s.reloads, 1, JSON.stringify(s));
  const after = await mapImage(page, 'reloaded', closer);
  const view = await page.evaluate(() => ({ zoom: window.citymap.state.zoom, center: window.citymap.state.center }));
  assert.ok(Math.abs(view.zoom - closer.zoom) < 1e-6, 'the view stays where the user left it');

  const fresh = await openPage(new URL(query(closer), faulty.url).href);
  await settled(fresh.page);
  const expected = await mapImage(fresh.page, 'new-version', closer);
  const same = sameImage(after, expected, 'reloaded');
  assert.ok(same.diffFraction < 0.002, `the reloaded map differs from the new version in ${same.diffCount} pixels`);
  const differ = compareImages(oldImage, expected, { tolerance: 0.1 });
  assert.ok(differ.diffFraction > 0.05, 'the two versions look different (so the check means something)');
});

test('on Slow 3G the map loads, stays usable while it does, and settles without failures', { skip, timeout: 300000 }, async () => {
  const archive = fs.existsSync(danang) ? danang : oldArchive;
  const view = archive === danang ? { lng: 108.2208, lat: 16.0610, zoom: 15 } : VIEW;
  const faulty = await faultyServer(archive);
  const { page } = await launch({ width: 1024, height: 768 });
  collectProblems(page, { echo: false });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  // Chrome DevTools' "Slow 3G": 2 s round trips, 500 kbit/s each way (x0.8).
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 2000, downloadThroughput: (500 * 1024) / 8 * 0.8, uploadThroughput: (500 * 1024) / 8 * 0.8 });
  const t0 = Date.now();
  await page.goto(new URL(query(view, '&ui=1'), faulty.url).href, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.citymap && window.citymap.state.ready, null, { timeout: 240000 });
  const readyMs = Date.now() - t0;
  // Usable while tiles load: a drag moves the map at once, frames keep coming.
  const before = await page.evaluate(() => ({ c: window.citymap.state.center, f: window.citymap.state.framesDrawn }));
  await page.mouse.move(600, 400);
  await page.mouse.down();
  await page.mouse.move(450, 350, { steps: 8 });
  await page.mouse.up();
  const moved = await page.evaluate(() => ({ c: window.citymap.state.center, f: window.citymap.state.framesDrawn }));
  assert.ok(moved.c.lng > before.c.lng, 'the drag panned the map while it was loading');
  assert.ok(moved.f > before.f, 'frames were drawn meanwhile');
  const s = await settled(page, 240000);
  const totalMs = Date.now() - t0;
  console.log(`slow 3G (${path.basename(archive)}): ready after ${readyMs} ms, settled after ${totalMs} ms; ` +
    `${s.errors} errors, ${s.retries} retries, ${s.cancelled} cancelled, ${faulty.stats.archiveRequests} archive requests`);
  assert.equal(s.failed, 0);
});
