// Phones and keyboards (issue 9): on a touch profile (isMobile, hasTouch, dpr 3) fingers are
// dispatched through CDP Input.dispatchTouchEvent; the results are checked against the Web
// Mercator math on window.citymap.state (centre, zoom, bearing):
// - a pinch zooms around the fingers' midpoint;
// - a two-finger twist sets the bearing;
// - a fling glides on after the finger lifts;
// - a double tap zooms in, a two-finger tap zooms out;
// - the keyboard pans, zooms and rotates.
//   CITYMAP_SITE=build/wasm/site CITYMAP_FIXTURES=build/native/tests/render/fixtures node --test tests/e2e/touch.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { collectProblems, launch, resolveUrl, runCleanup, waitForIdle } from './lib/browser.mjs';

const site = process.env.CITYMAP_SITE || path.resolve('build/wasm/site');
const fixtures = process.env.CITYMAP_FIXTURES || path.resolve('build/native/tests/render/fixtures');
const missing = !fs.existsSync(path.join(site, 'index.html')) || !fs.existsSync(path.join(fixtures, 'basic'));

const W = 360, H = 740;
const toWorld = ({ lng, lat }) => {
  const s = Math.sin((lat * Math.PI) / 180);
  return { x: 0.5 + lng / 360, y: 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI) };
};
const worldSize = (zoom) => 512 * 2 ** zoom;
// The world point under a screen point for a view {center, zoom, bearing} (as core/geo/camera).
function under(s, p) {
  const c = toWorld(s.center), ws = worldSize(s.zoom);
  const b = ((s.bearing || 0) * Math.PI) / 180;
  const dx = p.x - W / 2, dy = p.y - H / 2;
  return { x: c.x + (dx * Math.cos(b) - dy * Math.sin(b)) / ws, y: c.y + (dx * Math.sin(b) + dy * Math.cos(b)) / ws };
}
const px = (a, b, zoom) => Math.hypot(a.x - b.x, a.y - b.y) * worldSize(zoom);

async function open() {
  const url = await resolveUrl({
    url: '?tiles=/fixtures/basic/&ui=0&feed=off&lng=108.21&lat=16.06&zoom=15',
    root: site,
    mounts: [`/fixtures=${fixtures}`],
  });
  const { page } = await launch({ width: W, height: H, dpr: 3, isMobile: true, hasTouch: true });
  const problems = collectProblems(page, { echo: false });
  await page.goto(url, { waitUntil: 'load' });
  await waitForIdle(page, { problems });
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, points) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], i) => ({ x, y, id: i + 1 })) });
  const state = () => page.evaluate(() => JSON.parse(JSON.stringify(window.citymap.state)));
  return { page, problems, touch, state };
}

test('touch and keyboard gestures move the map as the fingers and keys say', { skip: missing && 'site or fixtures not built', timeout: 240000 }, async () => {
  try {
    const { page, problems, touch, state } = await open();

    // --- pinch: fingers 100 px apart spread to 200 px around (180, 400): +1 zoom there.
    let s0 = await state();
    const mid = { x: 180, y: 400 };
    const before = under(s0, mid);
    await touch('touchStart', [[130, 400], [230, 400]]);
    for (let i = 1; i <= 10; i++) {
      await touch('touchMove', [[130 - 5 * i, 400], [230 + 5 * i, 400]]);
      await page.waitForTimeout(16);
    }
    await touch('touchEnd', []);
    await waitForIdle(page, { problems });
    let s = await state();
    assert.ok(Math.abs(s.zoom - (s0.zoom + 1)) < 1e-6, `pinch zoom ${s0.zoom} -> ${s.zoom}`);
    assert.ok(px(under(s, mid), before, s.zoom) < 1, `the midpoint moved ${px(under(s, mid), before, s.zoom)} px`);
    assert.ok(Math.abs(s.bearing || 0) < 1e-9, `no twist, no rotation: ${s.bearing}`);

    // --- twist: two fingers turn 40 degrees clockwise around (180, 370): the map turns with them.
    s0 = s;
    const c = { x: 180, y: 370 }, r = 90;
    const at = (deg) => {
      const a = (deg * Math.PI) / 180;
      return [[c.x - r * Math.cos(a), c.y - r * Math.sin(a)], [c.x + r * Math.cos(a), c.y + r * Math.sin(a)]];
    };
    const pinned = under(s0, c);
    await touch('touchStart', at(0));
    for (let d = 4; d <= 40; d += 4) {
      await touch('touchMove', at(d));
      await page.waitForTimeout(16);
    }
    await touch('touchEnd', []);
    await waitForIdle(page, { problems });
    s = await state();
    assert.ok(Math.abs(s.bearing - 320) < 0.5, `bearing ${s.bearing} (expected 320: the fingers turned 40° clockwise)`);
    assert.ok(px(under(s, c), pinned, s.zoom) < 1.5, `the twist's centre moved ${px(under(s, c), pinned, s.zoom)} px`);

    // --- keyboard: Shift+Up back to north, + zooms in, arrows pan, Shift+arrows rotate.
    await page.focus('#map');
    await page.keyboard.press('Shift+ArrowUp');
    await waitForIdle(page, { problems });
    s = await state();
    assert.ok(Math.abs(s.bearing) < 1e-6 || Math.abs(s.bearing - 360) < 1e-6, `north again: ${s.bearing}`);
    const z = s.zoom;
    await page.keyboard.press('+');
    await waitForIdle(page, { problems });
    s = await state();
    assert.ok(Math.abs(s.zoom - (z + 1)) < 1e-6, `+ : ${z} -> ${s.zoom}`);
    s0 = s;
    await page.keyboard.press('ArrowRight');
    await waitForIdle(page, { problems });
    s = await state();
    const moved = (toWorld(s.center).x - toWorld(s0.center).x) * worldSize(s.zoom);
    assert.ok(Math.abs(moved - 100) < 0.5, `ArrowRight moved the view ${moved} px east`);
    await page.keyboard.press('Shift+ArrowRight');
    await waitForIdle(page, { problems });
    s = await state();
    assert.ok(Math.abs(s.bearing - 15) < 1e-6, `Shift+ArrowRight: bearing ${s.bearing}`);
    await page.keyboard.press('Shift+ArrowUp');
    await page.keyboard.press('-');
    await waitForIdle(page, { problems });

    // --- fling: a quick swipe glides on after the finger lifts.
    s0 = await state();
    await touch('touchStart', [[80, 500]]);
    for (let i = 1; i <= 6; i++) {
      await touch('touchMove', [[80 + 25 * i, 500]]);
      await page.waitForTimeout(8);
    }
    await touch('touchEnd', []); // at once, as a flick
    await waitForIdle(page, { problems });
    s = await state();
    // The map followed the finger 150 px, then glided on in the same direction.
    const flung = (toWorld(s0.center).x - toWorld(s.center).x) * worldSize(s.zoom);
    assert.ok(flung - 150 > 20, `glided on ${flung - 150} px after the release`);
    assert.ok(Math.abs(toWorld(s0.center).y - toWorld(s.center).y) * worldSize(s.zoom) < 1, 'along the fling');

    // --- double tap zooms in by one around the tap; a two-finger tap zooms back out.
    s0 = await state();
    const tapAt = { x: 120, y: 300 };
    const tapped = under(s0, tapAt);
    for (let i = 0; i < 2; i++) {
      await touch('touchStart', [[tapAt.x, tapAt.y]]);
      await touch('touchEnd', []);
      await page.waitForTimeout(60);
    }
    await waitForIdle(page, { problems });
    s = await state();
    assert.ok(Math.abs(s.zoom - (s0.zoom + 1)) < 1e-6, `double tap: ${s0.zoom} -> ${s.zoom}`);
    assert.ok(px(under(s, tapAt), tapped, s.zoom) < 1, 'double tap zooms around the tap');
    await touch('touchStart', [[100, 300], [220, 300]]);
    await page.waitForTimeout(30);
    await touch('touchEnd', []);
    await waitForIdle(page, { problems });
    s = await state();
    assert.ok(Math.abs(s.zoom - s0.zoom) < 1e-6, `two-finger tap: back to ${s0.zoom}, got ${s.zoom}`);
    assert.deepEqual(problems.errors, []);
  } finally {
    await runCleanup();
  }
});
