// A crafted link must not turn the city's map into someone else's (issue 13): feeds and tiles
// only from the page's host or the deployment's allowed origins (<meta
// name="citymap-allowed-origins">), anything else refused with a visible message; the page runs
// under its Content-Security-Policy without a violation.
//   CITYMAP_SITE=... CITYMAP_TILES=... node --test tests/e2e/links.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { collectProblems, launch, resolveUrl, runCleanup, waitForIdle } from './lib/browser.mjs';

const site = process.env.CITYMAP_SITE || path.resolve('build/wasm/site');
const tiles = process.env.CITYMAP_TILES || path.resolve('build/tiles');
const skip = !fs.existsSync(path.join(site, 'index.html')) ? 'no site (wasm build)'
  : !fs.existsSync(path.join(tiles, 'danang.pmtiles')) ? 'no Da Nang archive (needs ../shared/data/danang)' : false;

test.after(() => runCleanup());

async function open(query) {
  const base = await resolveUrl({ url: '', root: site, mounts: [`/tiles=${tiles}`] });
  const { page } = await launch({ width: 800, height: 600 });
  const problems = collectProblems(page, { echo: false });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (w) => requests.push(w.url()));
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(new URL(query, base).href, { waitUntil: 'load' });
  await waitForIdle(page, { problems, timeout: 90000, failOnErrors: false });
  return { page, problems, base, requests };
}

test('a link to another site\'s broker and tiles is refused, visibly; the city\'s map loads', { skip, timeout: 180000 }, async () => {
  // The page is on 127.0.0.1; "localhost" is the same machine but another origin.
  const port = new URL(await resolveUrl({ url: '', root: site, mounts: [`/tiles=${tiles}`] })).port;
  const { page, requests } = await open(
    `?lang=en&feed=${encodeURIComponent('ws://localhost:9/')}&tiles=${encodeURIComponent(`http://localhost:${port}/tiles/danang.pmtiles`)}#15/16.06/108.22`);
  const s = await page.evaluate(() => ({
    refused: window.citymap.state.refused,
    note: document.getElementById('refused').textContent,
    visible: document.getElementById('refused').checkVisibility(),
    role: document.getElementById('refused').getAttribute('role'),
    feed: window.citymap.state.feed && window.citymap.state.feed.connection.state,
    worker: !!window.citymap.state.feedWorker,
    tilesLoaded: window.citymap.state.tilesLoaded,
    title: window.citymap.state.ui && window.citymap.state.ui.title,
    csp: window.__cspViolations,
  }));
  assert.equal(s.refused.length, 2, JSON.stringify(s.refused));
  assert.match(s.refused.join(' '), /feed=ws:\/\/localhost:9\/: refused/);
  assert.match(s.refused.join(' '), /tiles=http:\/\/localhost:\d+\/tiles\/danang\.pmtiles: refused/);
  assert.ok(s.visible && s.role === 'alert', 'the refusal is shown and announced');
  assert.match(s.note, /another site/);
  assert.ok(!s.worker, 'no feed worker was started for the refused broker');
  assert.ok(s.tilesLoaded > 0, 'the city\'s own map is drawn instead');
  assert.deepEqual(s.csp, []);
  // Nothing was asked of the other origin; the city's archive was.
  assert.deepEqual(requests.filter((u) => new URL(u).hostname === 'localhost'), []);
  assert.ok(requests.some((u) => /127\.0\.0\.1:\d+\/tiles\/danang\.pmtiles$/.test(u)), requests.slice(0, 5).join(' '));
  await page.context().close();
});

test('the page\'s own links work under its Content-Security-Policy without a violation', { skip, timeout: 180000 }, async () => {
  const { page, problems } = await open('?lang=vi&feed=off&tiles=tiles/danang.pmtiles#15/16.06/108.22');
  const s = await page.evaluate(() => ({
    refused: window.citymap.state.refused,
    hidden: document.getElementById('refused').hidden,
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]').content,
    violations: window.__cspViolations,
    tilesLoaded: window.citymap.state.tilesLoaded,
  }));
  assert.deepEqual(s.refused, []);
  assert.equal(s.hidden, true);
  assert.match(s.csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(s.csp, /object-src 'none'/);
  assert.deepEqual(s.violations, []);
  assert.ok(s.tilesLoaded > 0);
  assert.deepEqual(problems.errors, []);
  await page.context().close();
});

test('?theme=night darkens the page\'s own controls with the map, and they follow a switch back to day', { skip, timeout: 180000 }, async () => {
  const { page } = await open('?lang=en&feed=off&theme=night#15/16.06/108.22');
  const look = () => page.evaluate(() => ({
    theme: window.citymap.state.ui && window.citymap.state.ui.theme,
    root: document.documentElement.dataset.theme,
    button: getComputedStyle(document.querySelector('#toolbar button')).backgroundColor,
    search: getComputedStyle(document.getElementById('search')).backgroundColor,
  }));
  const luminance = (css) => {
    const [r, g, b] = css.match(/\d+/g).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  };
  const night = await look();
  assert.equal(night.theme, 'night');
  assert.equal(night.root, 'night');
  assert.ok(luminance(night.button) < 0.3 && luminance(night.search) < 0.3, JSON.stringify(night));
  await page.evaluate(() => window.Module._citymap_set_theme(0)); // what the panel's Day button and the system's mode do
  await page.waitForFunction(() => window.citymap.state.ui && window.citymap.state.ui.theme === 'day', null, { timeout: 10000 });
  const day = await look();
  assert.equal(day.root, 'day');
  assert.ok(luminance(day.button) > 0.8, JSON.stringify(day));
});
