// Shared helpers for the citymap browser tools: launching Debian's Chromium through
// playwright-core with software WebGL 2 (SwiftShader), collecting console/page/network problems,
// optionally serving a local site, waiting for the client's idle state, and cleanup.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../../tools/serve/serve.mjs';

export const CHROMIUM_PATH = process.env.CITYMAP_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ------------------------------------------------------------------------------------------
// Cleanup: every resource registers a closer; they run once, in reverse order, on normal exit
// paths (runCleanup) and on SIGINT/SIGTERM.
const cleanups = [];
let cleaning = null;
export function onCleanup(fn) {
  cleanups.push(fn);
}
export function runCleanup() {
  if (!cleaning) {
    cleaning = (async () => {
      while (cleanups.length) {
        const fn = cleanups.pop();
        try {
          await Promise.race([fn(), new Promise((r) => setTimeout(r, 10000).unref())]);
        } catch (e) {
          process.stderr.write(`cleanup: ${e.message}\n`);
        }
      }
    })();
  }
  return cleaning;
}
let interrupted = false;
/** True once SIGINT/SIGTERM/SIGHUP was received (errors after that are just the teardown). */
export function isInterrupted() {
  return interrupted;
}
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${sig}: closing the browser and cleaning up\n`);
    runCleanup().finally(() => process.exit(code));
  });
}

/** Hard deadline for a whole script: cleans up and exits 1 if it is reached. */
export function watchdog(ms, name) {
  const t = setTimeout(() => {
    process.stderr.write(`${name}: FAIL overall time limit of ${Math.round(ms / 1000)} s reached\n`);
    runCleanup().finally(() => process.exit(1));
  }, ms);
  t.unref();
  return t;
}

/**
 * The shared command-line frame of the browser scripts: parse (usage errors exit 2), --help,
 * an overall watchdog, run (exceptions exit 1 with a FAIL line), and cleanup on every path.
 * `budgetMs(o)` is the watchdog's limit; `onUsageError(e)` may return an exit code to use
 * instead of reporting the usage error (or undefined).
 */
export async function runCli({ name, usage, parse, run, budgetMs, onUsageError }) {
  let o;
  try {
    o = parse(process.argv.slice(2));
  } catch (e) {
    const code = onUsageError ? onUsageError(e) : undefined;
    if (code !== undefined) return code;
    process.stderr.write(`${name}: ${e.message} (see --help)\n`);
    return 2;
  }
  if (o.help) {
    console.log(usage);
    return 0;
  }
  watchdog(budgetMs(o), name);
  try {
    return await run(o);
  } catch (e) {
    if (isInterrupted()) return 1;
    console.log(`${name}: FAIL ${e.message.split('\n')[0]}`);
    if (o.verbose && e.stack) process.stderr.write(e.stack + '\n');
    return 1;
  } finally {
    await runCleanup();
  }
}

// ------------------------------------------------------------------------------------------

/**
 * If `root` is given, serves it (and mounts) on a free loopback port and resolves `url`
 * against it (so url may be relative, e.g. "?ui=0&zoom=15"). Otherwise returns url as is.
 */
export async function resolveUrl({ url, root, mounts = [] }) {
  // Without the wasm build there is no site: skipped (ctest's SKIP_RETURN_CODE 77), not failed.
  if (root && !fs.existsSync(path.join(root, 'index.html'))) {
    console.log(`SKIPPED: no site at ${root} (cmake --preset wasm && cmake --build --preset wasm)`);
    process.exit(77);
  }
  if (!root) {
    if (!url) throw new Error('--url (or --root) is required');
    return new URL(url).href;
  }
  const parsedMounts = mounts.map((m) => {
    const eq = m.indexOf('=');
    if (eq <= 0 || !m.startsWith('/')) throw new Error(`bad --mount ${m} (expected /PREFIX=DIR)`);
    return [m.slice(0, eq), m.slice(eq + 1)];
  });
  const srv = await startServer({ root, mounts: parsedMounts, port: 0, host: '127.0.0.1' });
  onCleanup(() => srv.close());
  return new URL(url || '', srv.url).href;
}

/**
 * Launches Chromium with a fresh temporary profile. Returns {context, page, browserVersion}.
 * isMobile/hasTouch: a phone profile (tests/e2e/mobile.test.mjs).
 * The profile folder and the browser are removed/closed by runCleanup().
 */
export async function launch({ width = 800, height = 600, dpr = 1, headless = true, extraArgs = [], isMobile = false, hasTouch = false } = {}) {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'citymap-chromium-'));
  onCleanup(() => fs.promises.rm(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width, height },
    deviceScaleFactor: dpr,
    isMobile, // a phone profile: meta viewport honoured, touch events (hasTouch)
    hasTouch,
    timeout: 60000,
    acceptDownloads: false,
    serviceWorkers: 'block',
    // Signals are handled here (runCleanup), so that the profile folder is removed too.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  onCleanup(() => context.close());
  const page = context.pages()[0] || (await context.newPage());
  const browserVersion = context.browser()?.version() ?? null;
  return { context, page, browserVersion, userDataDir };
}

/**
 * Records console messages, uncaught page errors and failed requests.
 * errors: console errors, page errors, failed requests and HTTP >= 400 responses;
 * notes: warnings and aborted requests (a client may cancel tile loads on purpose).
 */
export function collectProblems(page, { echo = true, echoAll = false } = {}) {
  const problems = { errors: [], notes: [], console: [] };
  const say = (s) => echo && process.stderr.write(s + '\n');
  page.on('console', (msg) => {
    const type = msg.type();
    const loc = msg.location();
    const where = loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : '';
    const line = `[console.${type}] ${msg.text()}${where}`;
    problems.console.push(line);
    if (type === 'error') {
      problems.errors.push(line);
      say(line);
    } else if (type === 'warning') {
      problems.notes.push(line);
      say(line);
    } else if (echoAll) say(line);
  });
  page.on('pageerror', (err) => {
    const line = `[pageerror] ${err.stack || err.message || err}`;
    problems.errors.push(line);
    say(line);
  });
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText || 'failed';
    const line = `[requestfailed] ${req.method()} ${req.url()}: ${why}`;
    if (/ERR_ABORTED/.test(why)) problems.notes.push(line);
    else problems.errors.push(line);
    say(line);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) {
      const line = `[http ${res.status()}] ${res.request().method()} ${res.url()}`;
      problems.errors.push(line);
      say(line);
    }
  });
  page.on('crash', () => {
    problems.errors.push('[crash] the page crashed');
    say('[crash] the page crashed');
  });
  return problems;
}

/** Reads the page contract's state and whether the WebGL-missing message is shown. */
export async function readState(page) {
  return page.evaluate(() => {
    const c = window.citymap;
    const s = c && c.state;
    const el = document.getElementById('webgl-error');
    let webglError = null;
    if (el) {
      const visible = typeof el.checkVisibility === 'function' ? el.checkVisibility() : el.offsetParent !== null;
      if (visible) webglError = (el.textContent || '').trim() || 'webgl-error element shown';
    }
    return {
      hasApi: !!c,
      state: s ? { ready: !!s.ready, idle: !!s.idle, framesDrawn: s.framesDrawn, tilesLoaded: s.tilesLoaded, error: s.error ?? null } : null,
      webglError,
    };
  });
}

/**
 * Waits until window.citymap.state is ready && idle && error === null, stably (two consecutive
 * polls and again after two animation frames). Throws early on a state error, the WebGL error
 * element, or (if failOnErrors) any collected problem.
 */
export async function waitForIdle(page, { timeout = 60000, problems = null, failOnErrors = true, pollMs = 100 } = {}) {
  const t0 = Date.now();
  let last = null;
  let streak = 0;
  while (true) {
    if (failOnErrors && problems && problems.errors.length) {
      throw new Error(`page reported ${problems.errors.length} error(s) while loading, first: ${problems.errors[0].split('\n')[0]}`);
    }
    last = await readState(page);
    if (last.webglError) throw new Error(`page shows #webgl-error: ${last.webglError}`);
    if (last.state && last.state.error !== null) throw new Error(`citymap.state.error: ${last.state.error}`);
    const ok = last.state && last.state.ready && last.state.idle;
    streak = ok ? streak + 1 : 0;
    if (streak >= 2) {
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      last = await readState(page);
      if (last.state && last.state.ready && last.state.idle && last.state.error === null) {
        return { ms: Date.now() - t0, state: last.state };
      }
      streak = 0;
    }
    if (Date.now() - t0 > timeout) {
      const what = !last.hasApi ? 'window.citymap is missing' : `state ${JSON.stringify(last.state)}`;
      throw new Error(`not ready+idle after ${timeout} ms (${what})`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Drawing-buffer vs CSS size of the map canvas. */
export async function canvasInfo(page, selector = '#map') {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    if (!c) return null;
    return {
      width: c.width,
      height: c.height,
      clientWidth: c.clientWidth,
      clientHeight: c.clientHeight,
      dpr: window.devicePixelRatio,
      innerWidth: window.innerWidth,
      innerHeight: window.innerHeight,
    };
  }, selector);
}

/** WebGL 2 renderer string as seen by a throwaway canvas (null when WebGL 2 is missing). */
export async function webglRenderer(page) {
  return page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const r = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return String(r);
  });
}

/** Number option parsing with a clear message. */
export function num(value, name, { min = -Infinity, max = Infinity, integer = false } = {}) {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`bad --${name} ${value}`);
  }
  return n;
}

export class UsageError extends Error {}
