#!/usr/bin/env node
// citymap browser frame-time benchmark: time-to-idle, a scripted pan-and-zoom path driven by
// requestAnimationFrame, frame statistics, and the gzipped download size of the site's wasm + js.
// With --feed-rate N the same path runs twice: without live feeds, then with the simulator's
// load mode streaming N traffic updates per second through the broker into the page.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import {
  launch, collectProblems, resolveUrl, waitForIdle, canvasInfo, webglRenderer, num, UsageError,
  isInterrupted, runCli,
} from '../e2e/lib/browser.mjs';
import { readBrokerEnv, startSim, stopSim, waitForFeed } from '../e2e/lib/feeds.mjs';

const NAME = 'browser_frames';

// Pan-and-zoom path around Da Nang (lng 108.2145, lat 16.0600), zoom 13.5..17.
export const WAYPOINTS = [
  { lng: 108.2145, lat: 16.0600, zoom: 14.0 },
  { lng: 108.2260, lat: 16.0680, zoom: 15.5 },
  { lng: 108.2190, lat: 16.0730, zoom: 17.0 },
  { lng: 108.2050, lat: 16.0650, zoom: 16.0 },
  { lng: 108.1990, lat: 16.0520, zoom: 13.5 },
  { lng: 108.2145, lat: 16.0600, zoom: 14.0 },
];
export const DEFAULT_QUERY = '?lng=108.2145&lat=16.0600&zoom=14';

const USAGE = `usage: node tests/bench/browser_frames.mjs --url URL [options]

Loads the citymap page in headless Chromium (SwiftShader WebGL 2), measures the time from
navigation start to window.citymap.state ready+idle, then drives a ${WAYPOINTS.length}-waypoint pan-and-zoom
path (zoom 13.5..17 around lng 108.2145 lat 16.06) with window.citymap.jumpTo from
requestAnimationFrame for --duration seconds. Reports presented frames (rAF callbacks), fps,
median/p95 frame interval, the client's CPU frame times (window.citymap.frameTimes()) when
available, the time to settle after the path, and the gzip -9 size of the site's .wasm + .js.
JSON goes to stdout (and --json FILE), a one-line summary to stderr. The page loads with
feed=off (no live feeds) unless --feed-rate is given: then a second run of the same path has
citymap-feedsim --only traffic --traffic-rate N streaming into the page (report: withFeed).

options:
  --url URL              page to load (with --root it may be relative; default "${DEFAULT_QUERY}")
  --root DIR             serve DIR on a free loopback port (tools/serve/serve.mjs)
  --mount /PREFIX=DIR    with --root: also serve DIR under /PREFIX (repeatable), e.g. /tiles=DIR
  --duration S           length of the scripted path in seconds (default 10)
  --json FILE            also write the JSON report to FILE
  --width W --height H   viewport in CSS pixels (default 1280 x 720)
  --dpr N                device scale factor (default 1)
  --bearing DEG          the map turned by DEG degrees along the whole path (default 0)
  --timeout MS           time allowed to reach idle (initially and after the path; default 120000)
  --allow-errors         exit 0 even if the page reported console/page/request errors
  --cpu-profile PREFIX   record the main thread's CPU profile (V8 sampling) during the path:
                         PREFIX.nofeed.cpuprofile and, with --feed-rate, PREFIX.feed.cpuprofile
                         (open in Chromium's DevTools; wasm names need a --profiling-funcs build)
live feeds (all four needed for the second run):
  --feed-rate N          traffic updates per second for the second run (e.g. 5000)
  --broker-dir DIR       a running broker's folder (tools/broker/start.sh; its broker.env)
  --feedsim BIN          the citymap-feedsim binary
  --data-dir DIR         the Da Nang data folder (the simulator's road segments)
  --feedsim-arg ARG      one more argument for citymap-feedsim (repeatable), e.g.
                         --feedsim-arg=--traffic-copies --feedsim-arg=10 (10x the live entities)
  -h, --help             show this help

exit status: 0 measured, 1 failure (not idle in time, no jumpTo, page errors), 2 usage error.`;

function parse(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      root: { type: 'string' },
      mount: { type: 'string', multiple: true, default: [] },
      duration: { type: 'string', default: '10' },
      json: { type: 'string' },
      width: { type: 'string', default: '1280' },
      height: { type: 'string', default: '720' },
      dpr: { type: 'string', default: '1' },
      bearing: { type: 'string', default: '0' },
      timeout: { type: 'string', default: '120000' },
      'allow-errors': { type: 'boolean', default: false },
      'feed-rate': { type: 'string' },
      'broker-dir': { type: 'string' },
      feedsim: { type: 'string' },
      'data-dir': { type: 'string' },
      'cpu-profile': { type: 'string' },
      'feedsim-arg': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { help: true };
  if (!values.url && !values.root) throw new UsageError('--url (or --root) is required');
  const feedRate = values['feed-rate'] === undefined ? 0 : num(values['feed-rate'], 'feed-rate', { min: 1, max: 100000 });
  if (feedRate && !(values['broker-dir'] && values.feedsim && values['data-dir'])) {
    throw new UsageError('--feed-rate needs --broker-dir, --feedsim and --data-dir');
  }
  return {
    feedRate,
    brokerDir: values['broker-dir'],
    feedsim: values.feedsim,
    dataDir: values['data-dir'],
    url: values.url ?? (values.root ? DEFAULT_QUERY : undefined),
    root: values.root,
    mounts: values.mount,
    durationMs: num(values.duration, 'duration', { min: 0.5, max: 600 }) * 1000,
    json: values.json,
    width: num(values.width, 'width', { min: 1, max: 8192, integer: true }),
    height: num(values.height, 'height', { min: 1, max: 8192, integer: true }),
    dpr: num(values.dpr, 'dpr', { min: 0.25, max: 8 }),
    bearing: num(values.bearing, 'bearing', { min: -360, max: 360 }),
    timeout: num(values.timeout, 'timeout', { min: 1 }),
    allowErrors: values['allow-errors'],
    cpuProfile: values['cpu-profile'],
    feedsimArgs: values['feedsim-arg'],
  };
}

export function stats(values) {
  if (!values || values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const q = (p) => v[Math.min(v.length - 1, Math.max(0, Math.ceil(p * v.length) - 1))]; // nearest rank
  const r = (x) => Math.round(x * 1000) / 1000;
  return {
    count: v.length,
    mean: r(v.reduce((s, x) => s + x, 0) / v.length),
    median: r(q(0.5)),
    p95: r(q(0.95)),
    max: r(v[v.length - 1]),
  };
}

// In-page recorder installed before any page script: tracks when the state became ready and
// the start of the current idle period, in performance.now() ms (0 = navigation start).
function installRecorder() {
  const rec = (window.__citymapBench = { readyAt: null, idleSince: null, idleFirst: null });
  const tick = () => {
    const s = window.citymap && window.citymap.state;
    const now = performance.now();
    if (s) {
      if (s.ready && rec.readyAt === null) rec.readyAt = now;
      const idle = !!(s.ready && s.idle && (s.error === null || s.error === undefined));
      if (idle && rec.idleSince === null) rec.idleSince = now;
      if (idle && rec.idleFirst === null) rec.idleFirst = now;
      if (!idle) rec.idleSince = null;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

// In-page path driver: one jumpTo per animation frame, eased per segment.
export function drivePath({ waypoints, durationMs, bearing }) {
  return new Promise((resolve) => {
    const stamps = [];
    const errors = [];
    let start = null;
    const ease = (t) => t * t * (3 - 2 * t);
    const at = (t) => {
      const n = waypoints.length - 1;
      const x = Math.min(Math.max(t, 0), 1) * n;
      const i = Math.min(Math.floor(x), n - 1);
      const f = ease(x - i);
      const a = waypoints[i];
      const b = waypoints[i + 1];
      return { lng: a.lng + (b.lng - a.lng) * f, lat: a.lat + (b.lat - a.lat) * f, zoom: a.zoom + (b.zoom - a.zoom) * f, bearing };
    };
    const step = (ts) => {
      if (start === null) start = ts;
      stamps.push(ts);
      const elapsed = ts - start;
      try {
        window.citymap.jumpTo(at(elapsed / durationMs));
      } catch (e) {
        if (errors.length < 10) errors.push(String((e && e.message) || e));
      }
      if (elapsed >= durationMs) {
        resolve({ stamps, errors, pathEnd: performance.now() });
        return;
      }
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
}

// CPU time (ms, user + system) of the browser started with `userDataDir` and all its child
// processes (by Chromium's --type: renderer, gpu-process, utility...), plus `extraPids` (the
// feed simulator, the broker) by name; Linux /proc only, else null. CPU time per frame does not
// count the time a busy host steals, so it is steadier across runs than frames per second.
function cpuTimes(userDataDir, extraPids = {}) {
  let entries;
  try {
    entries = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  const hz = 100; // USER_HZ on Linux
  const info = new Map();
  for (const d of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Chromium's children rewrite their command line as one string: joined either way.
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
      info.set(Number(d), { ppid: Number(f[1]), ms: ((Number(f[11]) + Number(f[12])) * 1000) / hz, cmd });
    } catch {
      // gone meanwhile
    }
  }
  const roots = [...info].filter(([, p]) => p.cmd.includes(`--user-data-dir=${userDataDir} `) &&
    !p.cmd.includes(' --type=')).map(([pid]) => pid);
  if (roots.length === 0) return null;
  const out = { totalMs: 0, byProcess: {} };
  const add = (name, ms) => {
    out.byProcess[name] = Math.round((out.byProcess[name] ?? 0) + ms);
    out.totalMs = Math.round(out.totalMs + ms);
  };
  const inTree = (pid) => {
    for (let p = pid, n = 0; p > 1 && n < 64; p = info.get(p)?.ppid ?? 0, n++) if (roots.includes(p)) return true;
    return false;
  };
  for (const [pid, p] of info) {
    if (!inTree(pid)) continue;
    const type = / --type=(\S+)/.exec(p.cmd);
    add(type ? type[1] : 'browser', p.ms);
  }
  for (const [name, pid] of Object.entries(extraPids)) if (pid && info.has(pid)) add(name, info.get(pid).ms);
  return out;
}

function cpuDelta(a, b) {
  if (!a || !b) return null;
  const byProcess = {};
  for (const k of Object.keys(b.byProcess)) byProcess[k] = b.byProcess[k] - (a.byProcess[k] ?? 0);
  return { totalMs: b.totalMs - a.totalMs, byProcess };
}

async function downloadSizes(page, pageUrl) {
  const found = await page.evaluate(() => {
    const urls = performance.getEntriesByType('resource').map((e) => e.name);
    for (const s of document.scripts) if (s.src) urls.push(s.src);
    return urls;
  });
  const origin = new URL(pageUrl).origin;
  const pick = (u) => {
    try {
      const x = new URL(u);
      return x.origin === origin && /\.(wasm|m?js)$/i.test(x.pathname) ? x.origin + x.pathname : null;
    } catch {
      return null;
    }
  };
  let urls = [...new Set(found.map(pick).filter(Boolean))];
  if (urls.length === 0) urls = ['citymap.js', 'citymap.wasm'].map((f) => new URL(f, pageUrl).href);
  const files = [];
  for (const u of urls) {
    const res = await fetch(u, { signal: AbortSignal.timeout(30000) });
    if (!res.ok) continue;
    const body = Buffer.from(await res.arrayBuffer()); // fetch undoes any Content-Encoding
    files.push({ url: u, bytes: body.length, gzipBytes: zlib.gzipSync(body, { level: 9 }).length });
  }
  files.sort((a, b) => a.url.localeCompare(b.url));
  return {
    files,
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    gzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0),
  };
}

function withFeedParam(url, value) {
  const u = new URL(url);
  u.searchParams.set('feed', value);
  return u.href;
}

/**
 * One measurement in a fresh browser: load `url`, wait for idle (and, with `startFeed`, start
 * the stream then and wait until it flows: a streaming feed keeps drawing, so the map is not
 * idle any more), drive the path, settle. Returns {report, problems, failure?}.
 */
async function measure(o, url, { startFeed = null, simPid = null } = {}) {
  const feed = !!startFeed;
  const { context, page, browserVersion, userDataDir } = await launch({ width: o.width, height: o.height, dpr: o.dpr });
  const problems = collectProblems(page);
  await page.addInitScript(installRecorder);
  // Tile archive bytes on the wire (load + path): CDP's encoded length of every .pmtiles answer.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const archiveRequests = new Set();
  const tileBytes = { requests: 0, bytes: 0 };
  cdp.on('Network.requestWillBeSent', (e) => {
    if (/\.pmtiles(\?|$)/.test(e.request.url)) archiveRequests.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e) => {
    if (!archiveRequests.has(e.requestId)) return;
    tileBytes.requests++;
    tileBytes.bytes += e.encodedDataLength;
  });
  const renderer = await webglRenderer(page).catch(() => null);
  const report = {
    url,
    viewport: { width: o.width, height: o.height, dpr: o.dpr },
    bearing: o.bearing,
    chromium: browserVersion,
    webglRenderer: renderer,
  };
  try {
    let resp;
    try {
      resp = await page.goto(url, { waitUntil: 'load', timeout: o.timeout });
    } catch (e) {
      if (isInterrupted()) return { report, problems, failure: 'interrupted' };
      return { report, problems, failure: `navigation: ${e.message.split('\n')[0]}` };
    }
    if (resp && !resp.ok()) return { report, problems, failure: `HTTP ${resp.status()} for ${url}` };
    try {
      await waitForIdle(page, { timeout: o.timeout, problems, failOnErrors: false });
    } catch (e) {
      return { report, problems, failure: `initial load: ${e.message}` };
    }
    const rec = await page.evaluate(() => ({ ...window.__citymapBench }));
    report.timeToReadyMs = rec.readyAt === null ? null : Math.round(rec.readyAt);
    report.timeToIdleMs = rec.idleSince === null ? null : Math.round(rec.idleSince);
    report.timeToFirstIdleMs = rec.idleFirst === null ? null : Math.round(rec.idleFirst);
    // The archive's bytes for the first view alone (before any path): comparable with another
    // client's first view of the same place.
    report.firstViewArchive = { ...tileBytes };
    report.canvas = await canvasInfo(page);

    if (!(await page.evaluate(() => typeof window.citymap?.jumpTo === 'function'))) {
      return { report, problems, failure: 'window.citymap.jumpTo is not a function' };
    }
    const feedState = () => page.evaluate(() => {
      const f = window.citymap.state.feed;
      const w = window.citymap.state.feedWorker; // the feed worker's batches (web/app.js), when there is one
      return f ? {
        received: f.received, accepted: f.accepted, dropped: f.dropped, state: f.connection.state, t: performance.now(),
        batches: w ? w.batches : null, droppedInWorker: w ? w.droppedInWorker : null,
      } : null;
    });
    if (feed) {
      // Connected, and the stream is flowing (a second of it before the path starts).
      await startFeed();
      try {
        await waitForFeed(page, (f) => f.connection.state === 'connected' && f.received > 0,
          { what: 'the feed streaming', timeout: o.timeout, problems });
      } catch (e) {
        return { report, problems, failure: e.message };
      }
      await page.waitForTimeout(1000);
    }
    const feed0 = feed ? await feedState() : null;
    const startFrames = await page.evaluate(() => window.citymap.state.framesDrawn ?? null);
    if (o.cpuProfile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
      await cdp.send('Profiler.start');
    }
    const others = () => ({ feedsim: simPid ? simPid() : 0, broker: o.brokerPid ?? 0 });
    const cpu0 = cpuTimes(userDataDir, others());
    const drive = await page.evaluate(drivePath, { waypoints: WAYPOINTS, durationMs: o.durationMs, bearing: o.bearing });
    const cpuPath = cpuDelta(cpu0, cpuTimes(userDataDir, others()));
    if (o.cpuProfile) {
      const { profile } = await cdp.send('Profiler.stop');
      const file = `${o.cpuProfile}.${feed ? 'feed' : 'nofeed'}.cpuprofile`;
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(profile));
      report.cpuProfile = file;
    }
    const endFrames = await page.evaluate(() => window.citymap.state.framesDrawn ?? null);
    const feed1 = feed ? await feedState() : null;
    const cpu = await page.evaluate(() => {
      const f = window.citymap.frameTimes;
      if (typeof f !== 'function') return null;
      const a = f.call(window.citymap);
      return Array.isArray(a) || ArrayBuffer.isView(a) ? Array.from(a, Number) : null;
    });

    // Memory after the path: the wasm heap and the tile cache's share of it.
    report.memory = await page.evaluate(() => {
      const m = window.Module;
      return m && m._citymap_heap_bytes ? { heapBytes: m._citymap_heap_bytes(), tileCacheBytes: m._citymap_tile_cache_bytes() } : null;
    });
    if (feed && report.memory) report.memory.feedEntities = await page.evaluate(() => window.citymap.state.feed?.entities ?? null);
    const intervals = [];
    for (let i = 1; i < drive.stamps.length; i++) intervals.push(drive.stamps[i] - drive.stamps[i - 1]);
    const spanMs = drive.stamps.length > 1 ? drive.stamps[drive.stamps.length - 1] - drive.stamps[0] : 0;
    const frames = intervals.length; // frames presented during the path
    report.path = { durationMs: o.durationMs, waypoints: WAYPOINTS.length, jumpToErrors: drive.errors };
    report.frames = frames;
    // CPU of every process of the browser (and the feed's simulator and broker) during the path.
    if (cpuPath) report.cpuPath = { ...cpuPath, msPerFrame: frames > 0 ? Math.round((cpuPath.totalMs / frames) * 10) / 10 : null };
    report.fps = spanMs > 0 ? Math.round((frames / spanMs) * 1000 * 100) / 100 : null;
    report.frameIntervalMs = stats(intervals);
    report.clientFramesDrawn = startFrames !== null && endFrames !== null ? endFrames - startFrames : null;
    // frameTimes() holds the last frames: keep at most as many as were drawn during the path.
    const nCpu = Math.min(cpu ? cpu.length : 0, report.clientFramesDrawn ?? frames);
    report.cpuFrameMs = cpu && nCpu > 0 ? stats(cpu.slice(cpu.length - nCpu)) : null;
    if (feed0 && feed1) {
      const s = (feed1.t - feed0.t) / 1000;
      report.feed = {
        state: feed1.state,
        receivedDuringPath: feed1.received - feed0.received,
        receivedPerSecond: Math.round((feed1.received - feed0.received) / s),
        acceptedPerSecond: Math.round((feed1.accepted - feed0.accepted) / s),
        droppedDuringPath: feed1.dropped - feed0.dropped,
      };
      if (feed0.batches !== null && feed1.batches !== null) {
        const batches = feed1.batches - feed0.batches;
        report.feed.batchesPerSecond = Math.round((batches / s) * 10) / 10;
        report.feed.messagesPerBatch = batches > 0 ? Math.round((feed1.received - feed0.received) / batches) : null;
        report.feed.droppedInWorkerDuringPath = feed1.droppedInWorker - feed0.droppedInWorker;
      }
    }

    // Settle: time from the end of the path until the view is complete again (a streaming
    // feed keeps asking for frames, so the map may never be idle then: not measured).
    if (!feed) {
      try {
        await waitForIdle(page, { timeout: o.timeout, problems, failOnErrors: false });
        const r2 = await page.evaluate(() => ({ ...window.__citymapBench }));
        report.settleMs = r2.idleSince === null ? null : Math.max(0, Math.round(r2.idleSince - drive.pathEnd));
      } catch (e) {
        report.settleMs = null;
        report.settleError = e.message;
      }
      report.download = await downloadSizes(page, url);
    }
    report.archive = { ...tileBytes };
    if (drive.errors.length) return { report, problems, failure: `jumpTo threw: ${drive.errors[0]}` };
    return { report, problems };
  } finally {
    await context.close().catch(() => {});
  }
}

function summary(label, r) {
  const kib = (b) => (b / 1024).toFixed(1);
  const fi = r.frameIntervalMs;
  const cf = r.cpuFrameMs;
  return (
    `${NAME}${label}: ${r.fps ?? '?'} fps (${r.frames} frames), ` +
    `frame interval median ${fi ? fi.median.toFixed(1) : '?'} ms p95 ${fi ? fi.p95.toFixed(1) : '?'} ms, ` +
    `cpu frame ${cf ? `median ${cf.median.toFixed(2)} ms p95 ${cf.p95.toFixed(2)} ms` : 'n/a'}` +
    (r.cpuPath ? `, all processes ${r.cpuPath.msPerFrame} ms CPU per frame` : '') +
    (r.feed ? `, feed ${r.feed.receivedPerSecond} msg/s received (${r.feed.droppedDuringPath} dropped)` : '') +
    (r.feed && r.feed.batchesPerSecond !== undefined ? ` in ${r.feed.batchesPerSecond} batches/s` : '') +
    (r.timeToIdleMs !== undefined && !r.feed ? `, time-to-idle ${r.timeToIdleMs ?? '?'} ms` : '') +
    (r.settleMs !== undefined ? `, settle ${r.settleMs ?? '?'} ms` : '') +
    (r.archive ? `, archive ${kib(r.archive.bytes)} KiB in ${r.archive.requests} requests` : '') +
    (r.download ? `, wasm+js ${kib(r.download.gzipBytes)} KiB gzip (${kib(r.download.bytes)} KiB raw, ${r.download.files.length} files)` : '') +
    '\n'
  );
}

async function run(o) {
  const url = withFeedParam(await resolveUrl(o), 'off');
  const report = { tool: 'citymap-browser-frames', date: new Date().toISOString(), url, ok: false };
  const errors = [];
  const finish = (code, msg) => {
    if (msg) report.failure = msg;
    report.errors = errors.slice(0, 50);
    report.errorCount = errors.length;
    const text = JSON.stringify(report, null, 2);
    process.stdout.write(text + '\n');
    if (o.json) {
      fs.mkdirSync(path.dirname(path.resolve(o.json)), { recursive: true });
      fs.writeFileSync(o.json, text + '\n');
    }
    if (msg) process.stderr.write(`${NAME}: FAIL ${msg}\n`);
    return code;
  };

  const base = await measure(o, url);
  errors.push(...base.problems.errors);
  Object.assign(report, base.report);
  if (base.failure) return finish(1, base.failure);
  process.stderr.write(summary(o.feedRate ? ' (no feed)' : '', base.report));

  if (o.feedRate) {
    const env = readBrokerEnv(o.brokerDir);
    try {
      o.brokerPid = Number(fs.readFileSync(path.join(o.brokerDir, 'mosquitto.pid'), 'utf8').trim()) || 0;
    } catch {
      o.brokerPid = 0;
    }
    const budgetS = Math.ceil((o.timeout * 2 + o.durationMs) / 1000) + 60;
    let sim = null;
    const startFeed = async () => {
      sim = await startSim({
        bin: o.feedsim, dataDir: o.dataDir, env, duration: budgetS,
        args: ['--only', 'traffic', '--traffic-rate', String(o.feedRate), '--quiet', ...o.feedsimArgs],
      });
    };
    let withFeed;
    try {
      withFeed = await measure(o, withFeedParam(url, env.wsUrl), { startFeed, simPid: () => sim?.child?.pid ?? 0 });
    } finally {
      if (sim) await stopSim(sim.child);
    }
    errors.push(...withFeed.problems.errors);
    report.withFeed = { rate: o.feedRate, ...withFeed.report };
    if (withFeed.failure) return finish(1, `with feed: ${withFeed.failure}`);
    process.stderr.write(summary(` (${o.feedRate} updates/s)`, withFeed.report));
    const b = base.report, f = withFeed.report;
    report.feedImpact = {
      fps: [b.fps, f.fps],
      frameIntervalMedianMs: [b.frameIntervalMs?.median, f.frameIntervalMs?.median],
      frameIntervalP95Ms: [b.frameIntervalMs?.p95, f.frameIntervalMs?.p95],
      cpuFrameMedianMs: [b.cpuFrameMs?.median, f.cpuFrameMs?.median],
      cpuFrameP95Ms: [b.cpuFrameMs?.p95, f.cpuFrameMs?.p95],
      cpuPerFrameMs: [b.cpuPath?.msPerFrame, f.cpuPath?.msPerFrame],
      // With every core busy, frames per second go as 1 / CPU per frame: the fps ratio the CPU
      // work alone predicts, steadier than the measured one on a shared host.
      cpuFrameRateRatio: b.cpuPath && f.cpuPath ? Math.round((b.cpuPath.msPerFrame / f.cpuPath.msPerFrame) * 1000) / 1000 : null,
      fpsRatio: b.fps && f.fps ? Math.round((f.fps / b.fps) * 1000) / 1000 : null,
    };
  }
  report.ok = true;
  if (errors.length && !o.allowErrors) {
    return finish(1, `${errors.length} console/page/request error(s), first: ${errors[0].split('\n')[0]}`);
  }
  return finish(0);
}

// Run as a script only (tests/bench/maplibre_reference.mjs imports the shared path and helpers).
if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  runCli({ name: NAME, usage: USAGE, parse, run, budgetMs: (o) => (o.feedRate ? 2 : 1) * (o.timeout * 2 + o.durationMs + 180000) }).then(
    (code) => process.exit(code),
  );
}
