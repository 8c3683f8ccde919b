// The phone layout (issue 9, items 4 and 5) on the real Da Nang map, in headless Chromium with a
// phone profile (isMobile, hasTouch, dpr 3), at 360x740 upright and 844x390 in landscape:
// - no DOM control is off-screen or on top of another, and the toolbar's controls are 44x44 CSS
//   px or more;
// - the ImGui windows (citymap_ui_rects) fit on the screen and overlap neither each other nor the
//   toolbar; the panels start as compact buttons of touch size;
// - choosing a search result ("cau rong" + Enter) shows the card in the DOM (section#card: the
//   title as a heading and a definition list), and the ImGui card then fits beside the rest;
// - screenshots (CITYMAP_OUT, default /tmp): mobile-360x740.png, mobile-360x740-card.png,
//   mobile-844x390.png, mobile-844x390-card.png.
//   CITYMAP_SITE=build/wasm/site CITYMAP_TILES=build/tiles node --test tests/e2e/mobile.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { collectProblems, launch, resolveUrl, runCleanup, waitForIdle } from './lib/browser.mjs';

const site = process.env.CITYMAP_SITE || path.resolve('build/wasm/site');
const tiles = process.env.CITYMAP_TILES || path.resolve('build/tiles');
const out = process.env.CITYMAP_OUT || '/tmp';
const missing =
  (!fs.existsSync(path.join(site, 'index.html')) && 'site not built') ||
  (!fs.existsSync(path.join(tiles, 'danang.pmtiles')) && `Da Nang tiles not found at ${tiles} (needs ../shared/data/danang)`);

const TOUCH = 44;

// The DOM controls and boxes a user sees (visually hidden ones are for screen readers).
async function domBoxes(page) {
  return page.evaluate(() => {
    const sel = '#toolbar input, #toolbar button, #search-results:not([hidden]), #status, #info, #toast';
    const boxes = [];
    for (const e of document.querySelectorAll(sel)) {
      const style = getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden' || e.closest('[hidden]')) continue;
      const r = e.getBoundingClientRect();
      if (r.width < 2 || r.height < 2) continue; // empty or visually hidden
      boxes.push({ name: e.id || e.tagName.toLowerCase(), x: r.x, y: r.y, w: r.width, h: r.height });
    }
    return boxes;
  });
}

const uiRects = (page) =>
  page.evaluate(() => {
    const ptr = Module._citymap_ui_rects();
    const heap = Module.HEAPU8;
    const text = new TextDecoder().decode(heap.subarray(ptr, heap.indexOf(0, ptr)));
    return JSON.parse(text).filter((r) => !r.name.startsWith('##Tooltip') && r.w > 0 && r.h > 0);
  });

const overlap = (a, b) => {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0.5 && h > 0.5;
};

function assertLayout(label, dom, imgui, W, H) {
  const all = [...dom.map((b) => ({ ...b, kind: 'dom' })), ...imgui.map((b) => ({ ...b, kind: 'imgui' }))];
  for (const b of all) {
    assert.ok(b.x >= -0.5 && b.y >= -0.5 && b.x + b.w <= W + 0.5 && b.y + b.h <= H + 0.5,
      `${label}: ${b.kind} ${b.name} off-screen: ${JSON.stringify(b)} in ${W}x${H}`);
  }
  for (let i = 0; i < all.length; i++)
    for (let j = i + 1; j < all.length; j++) {
      // The search box holds its own list and status; the toolbar's parts are checked apart.
      if (all[i].kind === 'dom' && all[j].kind === 'dom' && /search/.test(all[i].name) && /search/.test(all[j].name)) continue;
      assert.ok(!overlap(all[i], all[j]), `${label}: ${all[i].kind} ${all[i].name} overlaps ${all[j].kind} ${all[j].name}: ${JSON.stringify([all[i], all[j]])}`);
    }
}

async function settle(page, problems) {
  let last = null;
  for (let i = 0; i < 100; i++) {
    await waitForIdle(page, { problems, timeout: 90000 });
    const s = await page.evaluate(() => JSON.parse(JSON.stringify(window.citymap.state)));
    const key = `${s.zoom}/${s.center.lat}/${s.center.lng}/${s.ui && s.ui.version}`;
    if (key === last) return s;
    last = key;
    await page.waitForTimeout(150);
  }
  throw new Error('the map never settled');
}

test('phone layout at 360x740 and 390x844 portrait and 844x390 landscape (dpr 3 and 2, touch)', { skip: missing, timeout: 600000 }, async () => {
  try {
    for (const [W, H, dpr] of [[360, 740, 3], [390, 844, 2], [844, 390, 3]]) {
      const url = await resolveUrl({ url: '/?feed=off&lang=vi#15/16.06/108.2145', root: site, mounts: [`/tiles=${tiles}`] });
      const { page } = await launch({ width: W, height: H, dpr, isMobile: true, hasTouch: true });
      const problems = collectProblems(page, { echo: false });
      await page.goto(url, { waitUntil: 'load' });
      await waitForIdle(page, { problems, timeout: 120000 });
      assert.equal(await page.evaluate(() => window.innerWidth), W);

      // The toolbar: every control at least 44x44 CSS px, named for screen readers.
      for (const id of ['search', 'lang-toggle', 'copy-link']) {
        const box = await page.locator(`#${id}`).boundingBox();
        assert.ok(box && box.width >= TOUCH - 0.01 && box.height >= TOUCH - 0.01, `#${id} is ${JSON.stringify(box)}, under 44x44`);
      }
      for (const id of ['lang-toggle', 'copy-link']) {
        const name = await page.evaluate((i) => {
          const e = document.getElementById(i);
          return (e.getAttribute('aria-label') || e.textContent || '').trim();
        }, id);
        assert.ok(name.length > 2, `#${id} has no accessible name`);
      }

      // The panels start as compact buttons of touch size, nothing overlaps, all on screen.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      let imgui = await uiRects(page);
      const map = imgui.find((r) => r.name.includes('mapbutton'));
      assert.ok(map, `no compact map panel button: ${JSON.stringify(imgui)}`);
      assert.ok(map.w >= TOUCH && map.h >= TOUCH, `map panel button ${JSON.stringify(map)} under 44x44`);
      assert.ok(!imgui.some((r) => r.name.includes('###map') && !/button|sheet/.test(r.name)), 'the full map panel shows on a phone');
      assertLayout(`${W}x${H}`, await domBoxes(page), imgui, W, H);
      // Every visible text of the page (toolbar, attribution, status) is 14 CSS px or larger
      // (icon buttons set their text's size to 0: their text is only their accessible name).
      const small = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => {
        const own = [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
        const r = e.getBoundingClientRect();
        return own && r.width > 1 && r.height > 1 && getComputedStyle(e).visibility !== 'hidden' &&
          parseFloat(getComputedStyle(e).fontSize) > 0 && parseFloat(getComputedStyle(e).fontSize) < 14;
      }).map((e) => `${e.tagName}#${e.id}.${e.className} ${getComputedStyle(e).fontSize} "${e.textContent.trim().slice(0, 40)}"`));
      assert.deepEqual(small, [], `${W}x${H}: text under 14 px`);
      const shot = path.join(out, `mobile-${W}x${H}.png`);
      await page.screenshot({ path: shot });

      // A tap on the panel button opens the layers sheet (on screen, not over the toolbar).
      await page.touchscreen.tap(map.x + map.w / 2, map.y + map.h / 2);
      await page.waitForTimeout(300);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      imgui = await uiRects(page);
      assert.ok(imgui.some((r) => r.name.includes('mapsheet')), `the tap opened no layers sheet: ${JSON.stringify(imgui)}`);
      assertLayout(`${W}x${H} with the layers sheet`, await domBoxes(page), imgui, W, H);
      await page.screenshot({ path: path.join(out, `mobile-${W}x${H}-layers.png`) });
      const sheet = imgui.find((r) => r.name.includes('mapsheet'));
      assert.ok(sheet.h < H - 60, 'the sheet hides the whole map');
      // A tap on a layer toggle (the rows below the header, the language and the day/night
      // buttons, about 170 CSS px) hides that layer group; a second tap shows it again.
      let hidden = '';
      let rowY = 0;
      for (let y = sheet.y + 170; y < sheet.y + sheet.h - 60 && !hidden; y += 22) {
        await page.touchscreen.tap(sheet.x + sheet.w / 2, y);
        await page.waitForTimeout(250);
        hidden = await page.evaluate(() => window.citymap.state.ui.hidden);
        rowY = y;
      }
      assert.match(hidden, /^[a-z_]+$/, 'a tap on a toggle row hid one layer group');
      assert.equal(await page.evaluate(() => window.citymap.state.ui.lang), 'vi', 'no language button was hit');
      await page.touchscreen.tap(sheet.x + sheet.w / 2, rowY);
      await page.waitForFunction(() => window.citymap.state.ui.hidden === '', null, { timeout: 5000 });
      // Close whatever opened: Esc is not for ImGui's sheets, so reload a fresh page state instead.
      await page.reload({ waitUntil: 'load' });
      await waitForIdle(page, { problems, timeout: 120000 });

      // Search: "cau rong" + Enter selects Cầu Rồng; the card appears in the DOM.
      await page.waitForFunction(() => window.citymap.state.ui && window.citymap.state.ui.searchReady, null, { timeout: 60000 });
      await page.fill('#search', 'cau rong');
      await page.waitForFunction(() => document.querySelectorAll('#search-results li').length > 0, null, { timeout: 30000 });
      await page.press('#search', 'Enter');
      await settle(page, problems);
      await page.waitForFunction(() => document.querySelector('#card h2')?.textContent === 'Cầu Rồng', null, { timeout: 30000 });
      const card = await page.evaluate(() => {
        const c = document.getElementById('card');
        return { hidden: c.hidden, label: c.getAttribute('aria-label'), dt: c.querySelectorAll('dl dt').length, dd: c.querySelectorAll('dl dd').length };
      });
      assert.equal(card.hidden, false);
      assert.equal(card.label, 'Địa điểm đang chọn');
      assert.ok(card.dt > 0 && card.dt === card.dd, `card rows ${JSON.stringify(card)}`);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      imgui = await uiRects(page);
      assert.ok(imgui.some((r) => r.name === '##card'), `no ImGui card: ${JSON.stringify(imgui)}`);
      assertLayout(`${W}x${H} with the card`, await domBoxes(page), imgui, W, H);
      await page.screenshot({ path: path.join(out, `mobile-${W}x${H}-card.png`) });
      console.log(`# screenshots: ${shot} and -card, -layers`);
      assert.deepEqual(problems.errors, []);
    }
  } finally {
    await runCleanup();
  }
});
