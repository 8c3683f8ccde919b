// A lost WebGL context (phones drop it when a tab goes to the background) comes back as it was:
// the real Da Nang map with its labels, a selection's highlight and card, and the panels is
// screenshotted, the context is lost and restored through WEBGL_lose_context, and the map after
// the restore must match the one before.
//   CITYMAP_SITE=build/wasm/site CITYMAP_TILES=build/tiles node --test tests/e2e/context_loss.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { collectProblems, launch, resolveUrl, runCleanup, waitForIdle } from './lib/browser.mjs';
import { compareImages, decodePNG, encodePNG } from './lib/png.mjs';

const site = process.env.CITYMAP_SITE || path.resolve('build/wasm/site');
const tiles = process.env.CITYMAP_TILES || path.resolve('build/tiles');
const out = process.env.CITYMAP_OUT || '/tmp';
const missing =
  (!fs.existsSync(path.join(site, 'index.html')) && 'site not built') ||
  (!fs.existsSync(path.join(tiles, 'danang.pmtiles')) && `Da Nang tiles not found at ${tiles} (needs ../shared/data/danang)`);

test('the map comes back as it was after the WebGL context is lost and restored', { skip: missing, timeout: 300000 }, async () => {
  try {
    const url = await resolveUrl({ url: '/?feed=off&lang=en&sel=pois/2779327705#16.5/16.0612/108.2262/20', root: site, mounts: [`/tiles=${tiles}`] });
    const { page } = await launch({ width: 800, height: 600 });
    const problems = collectProblems(page, { echo: false });
    await page.goto(url, { waitUntil: 'load' });
    await waitForIdle(page, { problems, timeout: 90000 });
    await page.waitForFunction(() => window.citymap.state.ui && window.citymap.state.ui.selection && window.citymap.state.ui.selection.title === 'Dragon Bridge', null, { timeout: 30000 });
    await page.waitForTimeout(500); // the label fades settle
    await waitForIdle(page, { problems });
    const before = decodePNG(await page.locator('#map').screenshot());
    const framesBefore = await page.evaluate(() => window.citymap.state.framesDrawn);

    const lost = await page.evaluate(() => {
      const gl = document.getElementById('map').getContext('webgl2');
      window.__lose = gl.getExtension('WEBGL_lose_context');
      window.__lose.loseContext();
      return gl.isContextLost();
    });
    assert.equal(lost, true);
    await page.waitForTimeout(300);
    const during = await page.evaluate(() => window.citymap.state.idle);
    assert.equal(during, false, 'a lost context is not an idle, complete map');
    await page.evaluate(() => window.__lose.restoreContext());
    await page.waitForFunction((n) => window.citymap.state.framesDrawn > n && window.citymap.state.idle, framesBefore, { timeout: 60000 });
    await page.waitForTimeout(500);
    await waitForIdle(page, { problems });
    const after = decodePNG(await page.locator('#map').screenshot());
    const cmp = compareImages(after, before, { tolerance: 0.1 });
    fs.writeFileSync(path.join(out, 'context-before.png'), encodePNG(before));
    fs.writeFileSync(path.join(out, 'context-after.png'), encodePNG(after));
    assert.ok(cmp.diffFraction < 0.002, `${(cmp.diffFraction * 100).toFixed(3)}% of the pixels differ after the restore`);
    const s = await page.evaluate(() => window.citymap.state);
    assert.equal(s.error, null);
    assert.equal(s.ui.selection.title, 'Dragon Bridge');
    assert.deepEqual(problems.errors, []);
  } finally {
    await runCleanup();
  }
});
