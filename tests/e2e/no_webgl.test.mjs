// Without WebGL 2 the page must say so clearly instead of failing silently.
//   CITYMAP_SITE=build/wasm/site node --test tests/e2e/no_webgl.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { launch, resolveUrl, runCleanup } from './lib/browser.mjs';

const site = process.env.CITYMAP_SITE || path.resolve('build/wasm/site');

test('a browser without WebGL 2 gets a clear message', { skip: !fs.existsSync(path.join(site, 'index.html')) && `no site at ${site}` }, async () => {
  try {
    const url = await resolveUrl({ url: '?lng=108.2145&lat=16.06&zoom=15', root: site });
    const { page } = await launch({ extraArgs: ['--disable-webgl2', '--disable-webgl'] });
    await page.goto(url, { waitUntil: 'load' });
    const box = page.locator('#webgl-error');
    await box.waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await box.innerText(), /needs WebGL 2/);
    assert.equal(await page.locator('#map').isVisible(), false);
    const state = await page.evaluate(() => window.citymap.state);
    assert.equal(state.ready, false);
    assert.match(state.error, /WebGL 2/);
  } finally {
    await runCleanup();
  }
});
