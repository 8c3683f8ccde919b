// Residents and tourists on the real Da Nang map (issue 8), in headless Chromium:
// - search: "cau rong", "dragon bridge", "bach dang", "hai chau" land within 100 m of the right
//   place with the feature selected and its card open; a street far from the centre is found;
// - a Vietnamese input method's composition runs no query until compositionend;
// - a click on a known building opens its card;
// - the language switch changes a map label's text, the card and the page's own texts;
// - the copied link reproduces the view, selection, hidden layers and language in a fresh
//   browser.
//   CITYMAP_SITE=build/wasm/site CITYMAP_TILES=build/tiles node --test tests/e2e/search_share.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { collectProblems, launch, resolveUrl, runCleanup, waitForIdle } from './lib/browser.mjs';

const site = process.env.CITYMAP_SITE || path.resolve('build/wasm/site');
const tiles = process.env.CITYMAP_TILES || path.resolve('build/tiles');
const index = path.join(tiles, 'danang.search.json');
const missing =
  (!fs.existsSync(path.join(site, 'index.html')) && 'site not built') ||
  (!fs.existsSync(path.join(tiles, 'danang.pmtiles')) && `Da Nang tiles not found at ${tiles} (needs ../shared/data/danang)`);

const W = 1024, H = 768;
const metres = (a, b) => {
  const k = 111320;
  return Math.hypot((a.lng - b.lng) * k * Math.cos((a.lat * Math.PI) / 180), (a.lat - b.lat) * k);
};

async function openMap(query, hash, { lang = 'vi' } = {}) {
  const url = await resolveUrl({ url: `/?feed=off&lang=${lang}${query}${hash}`, root: site, mounts: [`/tiles=${tiles}`] });
  const { page, context } = await launch({ width: W, height: H });
  const problems = collectProblems(page, { echo: false });
  await page.goto(url, { waitUntil: 'load' });
  await waitForIdle(page, { problems, timeout: 90000 });
  return { page, context, problems, url };
}

const state = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.citymap.state)));

// Waits until the map is idle and no flight runs (the camera stopped where the search sent it).
async function settle(page, problems) {
  let last = null;
  for (let i = 0; i < 100; i++) {
    await waitForIdle(page, { problems, timeout: 90000 });
    const s = await state(page);
    const key = `${s.zoom}/${s.center.lat}/${s.center.lng}/${s.ui && s.ui.version}`;
    if (key === last) return s;
    last = key;
    await page.waitForTimeout(150);
  }
  throw new Error('the map never settled');
}

async function searchFor(page, problems, q) {
  await page.fill('#search', '');
  await page.fill('#search', q);
  await page.waitForFunction(() => document.querySelectorAll('#search-results li').length > 0, null, { timeout: 30000 });
  const options = await page.$$eval('#search-results li', (lis) =>
    lis.map((li) => ({ title: li.querySelector('.title').textContent, detail: li.querySelector('.detail').textContent, selected: li.getAttribute('aria-selected') })));
  assert.equal(await page.getAttribute('#search', 'aria-expanded'), 'true');
  await page.press('#search', 'Enter');
  const s = await settle(page, problems);
  return { options, s };
}

test('search, cards, language and share links on the Da Nang map', { skip: missing, timeout: 600000 }, async () => {
  try {
    const { page, problems } = await openMap('', '#15/16.06/108.2145');
    await page.waitForFunction(() => window.citymap.state.ui && window.citymap.state.ui.searchReady, null, { timeout: 60000 });

    // --- search -------------------------------------------------------------------------------
    const dragon = { lng: 108.2279, lat: 16.0611 }; // the middle of Cầu Rồng over the Hàn
    for (const q of ['cau rong', 'dragon bridge']) {
      const { options, s } = await searchFor(page, problems, q);
      assert.equal(options[0].title, 'Cầu Rồng', `${q}: ${JSON.stringify(options)}`);
      const d = metres(s.center, dragon);
      assert.ok(d < 100, `${q}: landed ${d.toFixed(0)} m from Cầu Rồng`);
      assert.ok(s.ui.selection, `${q}: nothing selected`);
      assert.equal(s.ui.selection.title, 'Cầu Rồng');
      assert.match(s.ui.selection.subtitle, /Dragon Bridge/);
      // The ward it is in (the bridge's middle lies in An Hải, east of the river's boundary line).
      assert.ok(s.ui.selection.rows.some(([k, v]) => k === 'Phường/xã' && /^Phường /.test(v)), JSON.stringify(s.ui.selection));
    }
    {
      const { options, s } = await searchFor(page, problems, 'bach dang');
      assert.equal(options[0].title, 'Đường Bạch Đằng', JSON.stringify(options));
      // Bạch Đằng runs north-south along the Hàn's west bank (lng ~108.2241 between 16.042 and 16.083).
      assert.ok(s.center.lat > 16.042 && s.center.lat < 16.083, `lat ${s.center.lat}`);
      const d = metres(s.center, { lng: 108.2241, lat: s.center.lat });
      assert.ok(d < 100, `landed ${d.toFixed(0)} m from Bạch Đằng`);
      assert.equal(s.ui.selection.title, 'Đường Bạch Đằng');
      assert.match(s.ui.selection.id, /^road_labels\/\d+$/);
    }
    {
      const { options, s } = await searchFor(page, problems, 'hai chau');
      assert.match(options[0].title, /Hải Châu/, JSON.stringify(options));
      // Inside the 2025 ward of Hải Châu (its extent), within 100 m of the result's point.
      assert.ok(s.center.lng > 108.2026 && s.center.lng < 108.2271 && s.center.lat > 16.0559 && s.center.lat < 16.0963,
        JSON.stringify(s.center));
      assert.match(s.ui.selection.title, /Hải Châu/);
    }

    {
      // A street far from the centre (Thanh Khê), from the citywide one-way street segments:
      // found, flown to, and labelled on the map.
      const { options, s } = await searchFor(page, problems, 'dien bien phu');
      assert.match(options[0].title, /Điện Biên Phủ/, JSON.stringify(options));
      assert.ok(s.center.lng < 108.207 && s.center.lat > 16.06 && s.center.lat < 16.07, JSON.stringify(s.center));
      assert.match(s.ui.selection.title, /Điện Biên Phủ/);
      const labels = await page.evaluate(() => window.citymap.labels());
      assert.ok(labels.some((t) => /Điện Biên Phủ/.test(t)), `labels: ${labels.slice(0, 40)}`);
    }
    // The city's name comes from the archive's metadata.
    {
      const s = await state(page);
      assert.equal(s.ui.title, 'Đà Nẵng');
      assert.equal(s.ui.titleEn, 'Da Nang');
      assert.equal(await page.title(), 'citymap · Đà Nẵng');
    }

    // --- composition (Telex: "cau" -> "cầu"): no query until compositionend ----------------
    await page.fill('#search', '');
    await page.focus('#search');
    const cdp = await page.context().newCDPSession(page);
    const before = await page.evaluate(() => window.citymap.search.queries);
    await cdp.send('Input.imeSetComposition', { text: 'c', selectionStart: 1, selectionEnd: 1 });
    await cdp.send('Input.imeSetComposition', { text: 'ca', selectionStart: 2, selectionEnd: 2 });
    await cdp.send('Input.imeSetComposition', { text: 'cầu', selectionStart: 3, selectionEnd: 3 });
    const mid = await page.evaluate(() => ({ q: window.citymap.search.queries, v: document.getElementById('search').value }));
    assert.equal(mid.v, 'cầu', 'the composition reached the input');
    assert.equal(mid.q, before, 'a query ran mid-composition');
    await cdp.send('Input.insertText', { text: 'cầu' }); // commits: compositionend
    await page.waitForFunction((b) => window.citymap.search.queries > b, before, { timeout: 10000 });
    const after = await page.evaluate(() => ({ q: window.citymap.search.queries, n: document.querySelectorAll('#search-results li').length }));
    assert.equal(after.q, before + 1, 'exactly one query after compositionend');
    assert.ok(after.n > 0, 'the composed query found results');
    await page.press('#search', 'Escape');

    // --- the language switch: labels, the card and the page's texts ------------------------
    await searchFor(page, problems, 'cau rong');
    let labels = await page.evaluate(() => window.citymap.labels());
    assert.ok(labels.includes('Cầu Rồng'), `vi labels: ${labels.slice(0, 30)}`);
    assert.ok(!labels.includes('Dragon Bridge'));
    await page.click('#lang-toggle');
    await page.waitForFunction(() => window.citymap.state.ui.lang === 'en', null, { timeout: 10000 });
    let s = await settle(page, problems);
    labels = await page.evaluate(() => window.citymap.labels());
    assert.ok(labels.includes('Dragon Bridge'), `en labels: ${labels.slice(0, 30)}`);
    assert.equal(s.ui.selection.title, 'Dragon Bridge');
    assert.equal(s.ui.selection.subtitle, 'Cầu Rồng');
    assert.equal(await page.textContent('#copy-link'), 'Copy link');
    assert.equal(await page.getAttribute('#search', 'placeholder'), 'Search places, streets, stops…');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.title(), 'citymap · Da Nang');
    await page.screenshot({ path: path.join(process.env.CITYMAP_OUT || '/tmp', 'citymap-search-en.png') });

    // --- the keyboard reaches every map control (web/controls.js) after the toolbar ---------
    await page.focus('#copy-link');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'layer-water');
    const panel = await page.locator('#map-controls').boundingBox();
    assert.ok(panel && panel.width > 150 && panel.height > 200, `the controls show while focused: ${JSON.stringify(panel)}`);
    await page.keyboard.press('Space');
    await page.waitForFunction(() => window.citymap.state.ui.hidden === 'water', null, { timeout: 5000 });
    await page.keyboard.press('Space');
    await page.waitForFunction(() => window.citymap.state.ui.hidden === '', null, { timeout: 5000 });
    const zoomBefore = (await state(page)).zoom;
    await page.focus('#zoom-in');
    await page.keyboard.press('Enter');
    await page.waitForFunction((z) => Math.abs(window.citymap.state.zoom - (z + 1)) < 1e-6, zoomBefore, { timeout: 5000 });
    await page.focus('#zoom-out');
    await page.keyboard.press('Enter');
    await page.waitForFunction((z) => Math.abs(window.citymap.state.zoom - z) < 1e-6, zoomBefore, { timeout: 5000 });
    await settle(page, problems);

    // --- share: the link reproduces view, selection, hidden layers, language ---------------
    await page.evaluate(() => {
      const ptr = Module._malloc(16);
      Module.HEAPU8.set(new TextEncoder().encode('buildings\0'), ptr);
      Module._citymap_set_hidden(ptr);
      Module._free(ptr);
    });
    s = await settle(page, problems);
    assert.equal(s.ui.hidden, 'buildings');
    await page.waitForTimeout(400); // the URL follows the view, throttled
    const hash = await page.evaluate(() => window.location.hash);
    assert.match(hash, /^#\d+(\.\d+)?\/16\.06\d*\/108\.22\d*$/);
    await page.click('#copy-link');
    const link = await page.evaluate(() => window.citymap.lastCopiedLink);
    assert.ok(link && link.includes('sel=') && link.includes('lang=en') && link.includes('hide=buildings'), link);
    const original = s;
    assert.deepEqual(problems.errors, []);

    const { page: fresh, problems: freshProblems } = await (async () => {
      const { page: p, context } = await launch({ width: W, height: H });
      const pr = collectProblems(p, { echo: false });
      await p.goto(link, { waitUntil: 'load' });
      await waitForIdle(p, { problems: pr, timeout: 90000 });
      return { page: p, context, problems: pr };
    })();
    await fresh.waitForFunction(() => window.citymap.state.ui && window.citymap.state.ui.selection && window.citymap.state.ui.selection.title !== 'Loading...', null, { timeout: 30000 });
    const r = await settle(fresh, freshProblems);
    assert.equal(r.ui.lang, 'en');
    assert.equal(r.ui.hidden, 'buildings');
    assert.equal(r.ui.selection.id, original.ui.selection.id);
    assert.equal(r.ui.selection.title, 'Dragon Bridge');
    assert.ok(Math.abs(r.zoom - original.zoom) < 0.01, `zoom ${r.zoom} vs ${original.zoom}`);
    assert.ok(metres(r.center, original.center) < 2, `centre moved ${metres(r.center, original.center)} m`);
    assert.deepEqual(freshProblems.errors, []);

    // --- a click on a known building opens its card ----------------------------------------
    // A named building of the index with nothing else (a POI, a stop, a station) near it.
    const entries = JSON.parse(fs.readFileSync(index, 'utf8')).entries;
    const others = entries.filter((e) => ['poi', 'bus_stop', 'ioc'].includes(e.type));
    const building = entries.find((e) => e.type === 'building' && others.every((o) => metres(o, e) > 40));
    assert.ok(building, 'a named building in the index');
    await fresh.evaluate(({ lng, lat }) => window.citymap.jumpTo({ lng, lat, zoom: 18 }), building);
    await fresh.evaluate(() => {
      const ptr = Module._malloc(2);
      Module.HEAPU8[ptr] = 0;
      Module._citymap_set_hidden(ptr); // show every layer again
      Module._citymap_select(ptr); // and close the card
      Module._free(ptr);
    });
    await settle(fresh, freshProblems);
    await fresh.mouse.click(W / 2, H / 2);
    await fresh.waitForFunction(() => window.citymap.state.ui.selection && /^buildings\//.test(window.citymap.state.ui.selection.id), null, { timeout: 10000 });
    const b = await state(fresh);
    assert.equal(b.ui.selection.id, `buildings/${building.id}`);
    assert.equal(b.ui.selection.kind, 'Building');
    assert.equal(b.ui.selection.title, building.name_en || building.name);
    await fresh.screenshot({ path: path.join(process.env.CITYMAP_OUT || '/tmp', 'citymap-building-card.png') });
    // Esc closes it.
    await fresh.focus('#map');
    await fresh.keyboard.press('Escape');
    await fresh.waitForFunction(() => window.citymap.state.ui.selection === null, null, { timeout: 10000 });
    assert.deepEqual(freshProblems.errors, []);
  } finally {
    await runCleanup();
  }
});
