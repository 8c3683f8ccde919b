// Storm help in the browser (issue 10), on the real Da Nang archive (its walking graph) with the
// simulator's typhoon on a broker of the test's own: the toolbar's "Nearest shelter" with a mocked
// position on Bạch Đằng gives the three nearest open shelters in the DOM (a list with buttons)
// and a walking route drawn on the map; "route here" moves the route; the browser's location
// refused, or outside the city, says so and answers from the map's centre instead; the flooded
// roads list is sorted by distance. The time slider's state replays in the page too.
//   CITYMAP_SITE=... CITYMAP_TILES=... CITYMAP_BROKER_DIR=... CITYMAP_FEEDSIM=... CITYMAP_DATA_DIR=...
//   node --test tests/e2e/storm_help.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { collectProblems, launch, resolveUrl, runCleanup, waitForIdle } from './lib/browser.mjs';
import { readBrokerEnv, startSim, stopSim, waitForFeed } from './lib/feeds.mjs';

const site = process.env.CITYMAP_SITE || path.resolve('build/wasm/site');
const tiles = process.env.CITYMAP_TILES || path.resolve('build/tiles');
const brokerDir = process.env.CITYMAP_BROKER_DIR || path.resolve('build/broker');
const feedsim = process.env.CITYMAP_FEEDSIM || path.resolve('build/native/tools/feedsim/citymap-feedsim');
const dataDir = process.env.CITYMAP_DATA_DIR || path.resolve('../shared/data/danang');
const out = process.env.CITYMAP_OUT || path.resolve('build/e2e-out');

const missing = [
  [path.join(site, 'index.html'), 'the site'],
  [path.join(tiles, 'danang.pmtiles'), 'the Da Nang archive (needs ../shared/data/danang)'],
  [path.join(brokerDir, 'broker.env'), 'a running broker (tools/broker/start.sh)'],
  [feedsim, 'citymap-feedsim'],
].filter(([p]) => !fs.existsSync(p)).map(([, what]) => what);
const skip = missing.length ? `missing: ${missing.join(', ')}` : false;

test.after(() => runCleanup());

const HOTEL = { lng: 108.2240, lat: 16.0680 }; // a hotel on Bạch Đằng, by the Han river
const toRad = (d) => (d * Math.PI) / 180;
const metres = (a, b) => {
  const x = toRad(b.lng - a.lng) * Math.cos(toRad((a.lat + b.lat) / 2));
  const y = toRad(b.lat - a.lat);
  return 6371008.8 * Math.hypot(x, y);
};

let sim = null;
async function ensureSim() {
  if (sim) return;
  const env = readBrokerEnv(brokerDir);
  // Six hours into the typhoon: shelters open (they open 2 to 4 h in), floods and closures under
  // way; the six hours before published as history chunks (36 min of wall time at 10x).
  sim = await startSim({ bin: feedsim, dataDir, env, scenario: 'typhoon', speedup: 10, duration: 600, args: ['--skip-hours', '6', '--history-hours', '6'] });
}

async function openPage({ geolocation = null, permission = true, lang = 'en', width = 1024, height = 700 } = {}) {
  await ensureSim();
  const env = readBrokerEnv(brokerDir);
  const url = await resolveUrl({
    url: `?lng=${HOTEL.lng}&lat=${HOTEL.lat}&zoom=15&lang=${lang}&feed=${encodeURIComponent(env.wsUrl)}`,
    root: site,
    mounts: [`/tiles=${tiles}`],
  });
  const { context, page } = await launch({ width, height });
  if (permission) await context.grantPermissions(['geolocation']);
  else await context.clearPermissions();
  if (geolocation) await context.setGeolocation({ longitude: geolocation.lng, latitude: geolocation.lat, accuracy: 20 });
  const problems = collectProblems(page, { echo: false });
  await page.goto(url, { waitUntil: 'load' });
  await waitForIdle(page, { problems, timeout: 90000 });
  await waitForFeed(page, (f) => f.connection.state === 'connected' && f.entities.shelter >= 400, {
    what: '413 shelters reported', problems, timeout: 120000 });
  return { context, page, problems };
}

const helpState = (page) => page.evaluate(() => window.citymap.state.ui && window.citymap.state.ui.help);
async function waitForHelp(page, check, what, timeout = 30000) {
  const t0 = Date.now();
  let h = null;
  while (Date.now() - t0 < timeout) {
    h = await helpState(page);
    if (h && check(h)) return h;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for ${what}; help: ${JSON.stringify(h)}`);
}

test('nearest shelter from a mocked position: three open shelters, a route, a list with buttons', { skip, timeout: 300000 }, async () => {
  const { page, problems } = await openPage({ geolocation: HOTEL });
  await page.click('#shelter-button');
  const h = await waitForHelp(page, (x) => x.mode === 'shelters' && !x.loading && x.shelters.length > 0, 'shelters');
  assert.equal(h.origin, 'location');
  assert.ok(Math.abs(h.lng - HOTEL.lng) < 1e-6 && Math.abs(h.lat - HOTEL.lat) < 1e-6, `start ${h.lng},${h.lat}`);
  assert.equal(h.error, '');
  assert.equal(h.shelters.length, 3, JSON.stringify(h.shelters.map((s) => s.name)));
  for (const s of h.shelters) {
    assert.equal(s.state, 'open');
    assert.ok(s.occupancy < s.capacity || s.capacity === 0, `${s.name}: ${s.occupancy}/${s.capacity} is not full`);
    // A walk is never shorter than the straight line, and not absurdly longer in a city.
    const straight = metres(HOTEL, s);
    assert.ok(s.metres >= straight - 1 && s.metres < 4 * straight + 500, `${s.name}: walk ${s.metres} m, straight ${straight} m`);
    assert.ok(Math.abs(s.seconds - s.metres / 1.25) < s.seconds * 0.5, `${s.name}: ${s.seconds} s for ${s.metres} m`);
  }
  for (let i = 1; i < 3; i++) assert.ok(h.shelters[i].metres >= h.shelters[i - 1].metres, 'nearest first');
  assert.ok(h.shelters[0].chosen && !h.shelters[1].chosen);
  assert.ok(Math.abs(h.route.metres - h.shelters[0].metres) < 0.5);
  assert.ok(h.route.points > 2 && h.route.roads.length > 0, JSON.stringify(h.route));
  // Unknown shelters are listed apart and never as open.
  for (const s of h.unknown) assert.equal(s.state, 'unknown');

  // The DOM list: one item per shelter with its name, status and walking distance, and buttons.
  const dom = await page.evaluate(() => {
    const s = document.getElementById('help');
    return {
      hidden: s.hidden,
      heading: s.querySelector('h2')?.textContent,
      items: [...s.querySelectorAll('ul:not(.unknown) > li')].map((li) => ({
        id: li.dataset.shelter,
        text: li.textContent,
        buttons: [...li.querySelectorAll('button')].map((b) => b.textContent),
      })),
      status: document.getElementById('help-status').textContent,
      buttonTag: document.getElementById('shelter-button').tagName,
    };
  });
  assert.equal(dom.buttonTag, 'BUTTON');
  assert.equal(dom.hidden, false);
  assert.equal(dom.heading, 'Nearest open shelters');
  assert.deepEqual(dom.items.map((i) => i.id), h.shelters.map((s) => String(s.id)));
  assert.ok(dom.items[0].text.includes(h.shelters[0].name) && dom.items[0].text.includes('on foot'), dom.items[0].text);
  assert.deepEqual(dom.items[1].buttons, [`Route to ${h.shelters[1].name}`, 'Show on map']);
  assert.ok(dom.status.includes(h.shelters[0].name), dom.status);

  // The route is drawn: blue pixels (the route's colour) near the start on the canvas.
  await waitForIdle(page, { problems, timeout: 60000 });
  fs.mkdirSync(out, { recursive: true });
  await page.screenshot({ path: path.join(out, 'storm-help-shelters.png') });

  // "Route to" the second: the route goes there.
  await page.evaluate(() => document.querySelectorAll('#help ul:not(.unknown) > li')[1].querySelector('button').click());
  const h2 = await waitForHelp(page, (x) => x.shelters.length > 1 && x.shelters[1].chosen, 'the second shelter chosen');
  assert.ok(Math.abs(h2.route.metres - h2.shelters[1].metres) < 0.5, `route ${h2.route.metres} m to ${h2.shelters[1].metres} m`);

  // Flooded roads near me: nearest first.
  await page.evaluate(() => document.querySelector('#help button.other').click());
  const r = await waitForHelp(page, (x) => x.mode === 'roads', 'the flooded roads');
  for (let i = 1; i < r.roads.length; i++) assert.ok(r.roads[i].metres >= r.roads[i - 1].metres, 'roads nearest first');
  for (const road of r.roads) assert.ok(['flood', 'roadClosure', 'landslide'].includes(road.kind), road.kind);
  const roadItems = await page.evaluate(() => document.querySelectorAll('#help li[data-incident] button').length);
  assert.equal(roadItems, r.roads.length);
  assert.deepEqual(problems.errors, []);
  await page.context().close();
});

test('replay: the hours before the page opened, help as it was then, and back to live', { skip, timeout: 300000 }, async () => {
  const { page, problems } = await openPage({ geolocation: HOTEL });
  const ui = () => page.evaluate(() => window.citymap.state.ui);
  assert.equal((await ui()).replay.historyWanted, false, 'nothing asked before the user does');
  await page.evaluate(() => window.citymap.loadHistory());
  let u = null;
  for (const t0 = Date.now(); Date.now() - t0 < 60000; await page.waitForTimeout(200)) {
    u = await ui();
    if (u.replay.pastMessages > 1000 && u.replay.oldestMs < Date.now() - 30 * 60e3) break;
  }
  assert.ok(u.replay.pastMessages > 1000, `history arrived: ${JSON.stringify(u.replay)}`);
  assert.ok(u.replay.oldestMs < Date.now() - 30 * 60e3, `it reaches 30 min back: ${JSON.stringify(u.replay)}`);
  // The typhoon's first minutes: no shelter is open yet.
  const early = u.replay.oldestMs + 60e3;
  await page.evaluate((t) => window.citymap.replay(t, 0), early);
  await page.click('#shelter-button');
  const h = await waitForHelp(page, (x) => x.mode === 'shelters' && !x.loading, 'help in the replayed past');
  u = await ui();
  assert.equal(u.replay.tMs, early);
  assert.equal(h.shelters.length, 0, `no shelter open at the start: ${JSON.stringify(h.shelters.map((s) => s.name))}`);
  assert.match(await page.evaluate(() => window.citymap.shareUrl()), /[?&]t=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
  await waitForIdle(page, { problems, timeout: 60000 });
  await page.screenshot({ path: path.join(out, 'storm-help-replay.png') });
  // Back to live: the shelters open now come back.
  await page.evaluate(() => window.citymap.replay(null));
  const live = await waitForHelp(page, (x) => x.shelters.length === 3, 'three open shelters live');
  assert.ok(live.route.metres > 0);
  assert.equal((await ui()).replay.tMs, null);
  assert.deepEqual(problems.errors, []);
  await page.context().close();
});

test('location refused: says so and answers from the centre of the map', { skip, timeout: 300000 }, async () => {
  const { page, problems } = await openPage({ permission: false, lang: 'vi' });
  await page.click('#shelter-button');
  const h = await waitForHelp(page, (x) => x.mode === 'shelters' && !x.loading, 'shelters from the centre');
  assert.equal(h.origin, 'view');
  assert.ok(Math.abs(h.lng - HOTEL.lng) < 1e-4 && Math.abs(h.lat - HOTEL.lat) < 1e-4, 'the map centre');
  const texts = await page.evaluate(() => ({
    toast: document.getElementById('toast').textContent,
    message: document.querySelector('#help .message')?.textContent,
  }));
  assert.match(texts.toast, /từ chối quyền vị trí/);
  assert.equal(texts.message, texts.toast);
  assert.equal(h.shelters.length, 3);
  assert.deepEqual(problems.errors, []);
  await page.context().close();
});

test('a position outside the city: says so and answers from the centre of the map', { skip, timeout: 300000 }, async () => {
  const { page, problems } = await openPage({ geolocation: { lng: 105.8342, lat: 21.0278 } }); // Hà Nội
  await page.click('#shelter-button');
  const h = await waitForHelp(page, (x) => x.mode === 'shelters' && !x.loading, 'shelters from the centre');
  assert.equal(h.origin, 'view');
  const toast = await page.evaluate(() => document.getElementById('toast').textContent);
  assert.match(toast, /outside the area of this map/);
  assert.deepEqual(problems.errors, []);
  await stopSim(sim.child);
  await page.context().close();
});
