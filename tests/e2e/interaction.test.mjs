// Drag pans with the pointer; the wheel zooms around the cursor. Checked against Web Mercator
// math on window.citymap.state (centre and zoom) in headless Chromium.
//   CITYMAP_SITE=build/wasm/site CITYMAP_FIXTURES=build/native/tests/render/fixtures node --test tests/e2e/interaction.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { collectProblems, launch, resolveUrl, runCleanup, waitForIdle } from './lib/browser.mjs';

const site = process.env.CITYMAP_SITE || path.resolve('build/wasm/site');
const fixtures = process.env.CITYMAP_FIXTURES || path.resolve('build/native/tests/render/fixtures');
const missing = !fs.existsSync(path.join(site, 'index.html')) || !fs.existsSync(path.join(fixtures, 'basic'));

// Web Mercator, world units of 512 px tiles at zoom z (as core/geo).
const toWorld = ({ lng, lat }) => {
  const s = Math.sin((lat * Math.PI) / 180);
  return { x: 0.5 + lng / 360, y: 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI) };
};
const worldSize = (zoom) => 512 * 2 ** zoom;
const W = 640, H = 480;

test('drag pans and the wheel zooms around the cursor', { skip: missing && 'site or fixtures not built' }, async () => {
  try {
    const url = await resolveUrl({
      url: '?tiles=/fixtures/basic/&ui=0&feed=off&lng=108.21&lat=16.06&zoom=15',
      root: site,
      mounts: [`/fixtures=${fixtures}`],
    });
    const { page } = await launch({ width: W, height: H });
    const problems = collectProblems(page, { echo: false });
    await page.goto(url, { waitUntil: 'load' });
    await waitForIdle(page, { problems });
    const state = () => page.evaluate(() => ({ ...window.citymap.state, center: { ...window.citymap.state.center } }));
    const s0 = await state();
    assert.ok(Math.abs(s0.zoom - 15) < 1e-9);

    // Drag 120 px right and 40 px down: the map follows the pointer.
    await page.mouse.move(300, 200);
    await page.mouse.down();
    await page.mouse.move(360, 220, { steps: 4 });
    await page.mouse.move(420, 240, { steps: 4 });
    await page.waitForTimeout(250); // held still before the release: no glide (tests/e2e/touch.test.mjs flings)
    await page.mouse.up();
    await waitForIdle(page, { problems });
    const s1 = await state();
    const w0 = toWorld(s0.center), w1 = toWorld(s1.center);
    const px = worldSize(s0.zoom);
    assert.ok(Math.abs((w0.x - w1.x) * px - 120) < 0.5, `dx ${(w0.x - w1.x) * px}`);
    assert.ok(Math.abs((w0.y - w1.y) * px - 40) < 0.5, `dy ${(w0.y - w1.y) * px}`);

    // Wheel up at (500, 100): zoom in, with the world point under the cursor fixed.
    const cursor = { x: 500, y: 100 };
    const under = (s) => {
      const c = toWorld(s.center), ws = worldSize(s.zoom);
      return { x: c.x + (cursor.x - W / 2) / ws, y: c.y + (cursor.y - H / 2) / ws };
    };
    const before = under(s1);
    await page.mouse.move(cursor.x, cursor.y);
    await page.mouse.wheel(0, -150);
    await waitForIdle(page, { problems });
    const s2 = await state();
    assert.ok(s2.zoom > s1.zoom + 0.2, `zoom ${s1.zoom} -> ${s2.zoom}`);
    const after = under(s2);
    const err = Math.hypot(after.x - before.x, after.y - before.y) * worldSize(s2.zoom);
    assert.ok(err < 0.5, `point under the cursor moved by ${err} px`);
    assert.deepEqual(problems.errors, []);
  } finally {
    await runCleanup();
  }
});
