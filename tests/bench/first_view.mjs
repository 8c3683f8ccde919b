#!/usr/bin/env node
// citymap first-view profile: where the time from navigation to the first complete view goes.
// Loads the page once per run in headless Chromium with the V8 sampling profiler on, and
// reports (JSON to stdout and --json FILE, a readable timeline on stderr):
//  - milestones in performance.now() ms from navigation start: the page's own marks
//    (performance.mark('citymap:...') set by web/app.js and web/library_citymap.js), the first
//    frame with the state ready, and the first frame ready + idle (the first view);
//  - every resource fetched before the first view (start, end, bytes on the wire), so the
//    critical path of downloads is visible (wasm, fonts, the archive's header and tile ranges);
//  - CPU time by category up to the first view (wasm, JS, GC, idle) and the top functions by
//    self time. Function names in wasm need a build with names (--profiling-funcs); otherwise
//    they show as wasm-function[N].
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { launch, collectProblems, resolveUrl, num, UsageError, runCli } from '../e2e/lib/browser.mjs';

const NAME = 'first_view';
const DEFAULT_QUERY = '?lng=108.2270&lat=16.0610&zoom=15&feed=off';

const USAGE = `usage: node tests/bench/first_view.mjs (--url URL | --root DIR [--mount /P=DIR]) [options]

Profiles the first view of the citymap page (default view: z15 at the Dragon Bridge,
"${DEFAULT_QUERY}"): milestones, fetches and CPU time from navigation to the first frame that
is ready and idle. Repeats --runs times in fresh browser profiles and reports each run and the
medians of the milestones.

options:
  --url URL            page to load (with --root it may be relative)
  --root DIR           serve DIR on a free loopback port (tools/serve/serve.mjs)
  --mount /PREFIX=DIR  with --root: also serve DIR under /PREFIX (repeatable)
  --runs N             page loads (default 3)
  --width W --height H viewport (default 1024 x 768)
  --top N              functions listed by self time (default 25)
  --json FILE          also write the JSON report to FILE
  --timeout MS         time allowed for the first view (default 60000)
  -h, --help           show this help
exit status: 0 measured, 1 failure, 2 usage error.`;

function parse(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      root: { type: 'string' },
      mount: { type: 'string', multiple: true, default: [] },
      runs: { type: 'string', default: '3' },
      width: { type: 'string', default: '1024' },
      height: { type: 'string', default: '768' },
      top: { type: 'string', default: '25' },
      json: { type: 'string' },
      timeout: { type: 'string', default: '60000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  if (!values.url && !values.root) throw new UsageError('--url (or --root) is required');
  return {
    url: values.url ?? DEFAULT_QUERY,
    root: values.root,
    mounts: values.mount,
    runs: num(values.runs, 'runs', { min: 1, max: 50, integer: true }),
    width: num(values.width, 'width', { min: 1, max: 8192, integer: true }),
    height: num(values.height, 'height', { min: 1, max: 8192, integer: true }),
    top: num(values.top, 'top', { min: 1, max: 500, integer: true }),
    json: values.json,
    timeout: num(values.timeout, 'timeout', { min: 1000 }),
  };
}

// Installed before any page script: the first frame with the state ready, and ready + idle.
function installRecorder() {
  const rec = (window.__citymapFirstView = { readyAt: null, idleAt: null, frames: 0 });
  const tick = () => {
    const s = window.citymap && window.citymap.state;
    rec.frames++;
    if (s) {
      const now = performance.now();
      if (s.ready && rec.readyAt === null) rec.readyAt = now;
      if (s.ready && s.idle && (s.error === null || s.error === undefined) && rec.idleAt === null) {
        rec.idleAt = now;
        performance.mark('citymap:first-view');
      }
    }
    if (rec.idleAt === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

// Self time per node of a V8 CPU profile, limited to samples before `endUs` (profile clock).
function selfTimes(profile, endUs) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    const next = t + dt;
    if (next > endUs) break;
    const id = profile.samples[i];
    // Each sample stands for the interval up to the next one.
    const span = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(id, (self.get(id) ?? 0) + span);
    t = next;
  }
  const out = [];
  for (const [id, ms] of self) {
    const n = byId.get(id);
    out.push({ ms, fn: n.callFrame.functionName || '(anonymous)', url: n.callFrame.url || '' });
  }
  return out;
}

function category({ fn, url }) {
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(program)') return 'browser (program)';
  if (fn === '(root)') return 'browser (program)';
  if (url.endsWith('.wasm') || /^\$?wasm-function|^\$/.test(fn) || url.startsWith('wasm://')) return 'wasm';
  if (url.endsWith('citymap.js')) return 'emscripten glue (citymap.js)';
  if (url.endsWith('app.js')) return 'app.js';
  return url ? `js ${url.split('/').pop()}` : 'native/other';
}

async function profileOnce(opts, url) {
  const { context, page } = await launch({ width: opts.width, height: opts.height });
  try {
    const problems = collectProblems(page, { echo: false });
    await page.addInitScript(installRecorder);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
    await cdp.send('Profiler.start');
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__citymapFirstView && window.__citymapFirstView.idleAt !== null, null, {
      timeout: opts.timeout,
      polling: 50,
    });
    const { profile } = await cdp.send('Profiler.stop');
    if (problems.errors.length) throw new Error(`page errors: ${problems.errors[0]}`);
    const page_ = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const rec = window.__citymapFirstView;
      return {
        timeOrigin: performance.timeOrigin,
        readyAt: rec.readyAt,
        idleAt: rec.idleAt,
        domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
        marks: performance
          .getEntriesByType('mark')
          .filter((m) => m.name.startsWith('citymap:'))
          .map((m) => ({ name: m.name.slice(8), at: m.startTime })),
        resources: performance
          .getEntriesByType('resource')
          .filter((r) => r.startTime <= rec.idleAt)
          .map((r) => ({
            name: r.name.replace(location.origin, ''),
            type: r.initiatorType,
            start: r.startTime,
            end: r.responseEnd,
            bytes: r.transferSize,
          })),
      };
    });
    // The profile clock is monotonic microseconds; the page mark 'first-view' ends the window.
    // Profile samples start at Profiler.start, shortly before navigation; page time 0 is the
    // navigation start. Limit by duration: samples within (profile start + idle + slack).
    const endUs = profile.startTime + (page_.idleAt + 50) * 1000;
    const fns = selfTimes(profile, endUs);
    const cats = {};
    const merged = new Map();
    for (const f of fns) {
      const c = category(f);
      cats[c] = (cats[c] ?? 0) + f.ms;
      const key = `${f.fn} ${f.url.split('/').pop()}`;
      merged.set(key, (merged.get(key) ?? 0) + f.ms);
    }
    const top = [...merged.entries()]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, opts.top)
      .map(([fn, ms]) => ({ fn, ms: Math.round(ms * 10) / 10 }));
    for (const k of Object.keys(cats)) cats[k] = Math.round(cats[k]);
    return {
      readyMs: Math.round(page_.readyAt),
      firstViewMs: Math.round(page_.idleAt),
      domContentLoadedMs: page_.domContentLoaded === null ? null : Math.round(page_.domContentLoaded),
      marks: page_.marks.map((m) => ({ name: m.name, at: Math.round(m.at) })),
      resources: page_.resources.map((r) => ({
        ...r,
        start: Math.round(r.start),
        end: Math.round(r.end),
      })),
      cpuMs: cats,
      top,
    };
  } finally {
    await context.close().catch(() => {});
  }
}

function median(values) {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (!v.length) return null;
  return v[Math.floor((v.length - 1) / 2)];
}

async function run(opts) {
  const url = await resolveUrl({ url: opts.url, root: opts.root, mounts: opts.mounts });
  const runs = [];
  for (let i = 0; i < opts.runs; i++) runs.push(await profileOnce(opts, url));
  const markNames = [...new Set(runs.flatMap((r) => r.marks.map((m) => m.name)))];
  const medianMarks = Object.fromEntries(
    markNames.map((n) => [n, median(runs.map((r) => r.marks.find((m) => m.name === n)?.at))]),
  );
  const cats = [...new Set(runs.flatMap((r) => Object.keys(r.cpuMs)))];
  const report = {
    tool: 'citymap-first-view',
    date: new Date().toISOString(),
    url,
    viewport: { width: opts.width, height: opts.height },
    runs: runs.length,
    median: {
      readyMs: median(runs.map((r) => r.readyMs)),
      firstViewMs: median(runs.map((r) => r.firstViewMs)),
      marks: medianMarks,
      cpuMs: Object.fromEntries(cats.map((c) => [c, median(runs.map((r) => r.cpuMs[c] ?? 0))])),
    },
    each: runs,
  };
  // Readable timeline of the median run (by first view).
  const mid = [...runs].sort((a, b) => a.firstViewMs - b.firstViewMs)[Math.floor((runs.length - 1) / 2)];
  const lines = [`first view ${report.median.firstViewMs} ms (ready ${report.median.readyMs} ms), median of ${runs.length}`];
  lines.push('median run timeline (ms from navigation):');
  const events = [
    ...mid.marks.map((m) => ({ at: m.at, text: `mark ${m.name}` })),
    ...mid.resources.map((r) => ({ at: r.start, text: `fetch ${r.name} -> ${r.end} ms, ${r.bytes} B` })),
    { at: mid.readyMs, text: 'state ready' },
    { at: mid.firstViewMs, text: 'FIRST VIEW (ready + idle)' },
  ].sort((a, b) => a.at - b.at);
  for (const e of events) lines.push(`  ${String(e.at).padStart(6)}  ${e.text}`);
  lines.push(`CPU ms to first view: ${JSON.stringify(mid.cpuMs)}`);
  lines.push('top self time:');
  for (const t of mid.top) lines.push(`  ${t.ms.toFixed(1).padStart(8)}  ${t.fn}`);
  process.stderr.write(lines.join('\n') + '\n');
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(report, null, 2));
  process.stdout.write(JSON.stringify(report.median) + '\n');
  return 0;
}

process.exitCode = await runCli({ name: NAME, usage: USAGE, parse, run, budgetMs: (o) => o.runs * (o.timeout + 30000) + 60000 });
