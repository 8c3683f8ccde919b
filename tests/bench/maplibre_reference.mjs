#!/usr/bin/env node
// MapLibre GL JS reference for the citymap browser benchmarks (issue 12): the same Hai Chau data,
// tiled at run time by GDAL (ogr2ogr -f MVT, zooms 12-16, gzip-compressed .pbf, as
// tests/bench/ingest_vs_mvt.sh builds them), drawn by maplibre-gl from node_modules with a style
// roughly like citymap's (tests/bench/maplibre_reference/style.json), measured like
// tests/bench/browser_frames.mjs: navigation -> first `idle`, frames on the same rAF-driven path,
// tile bytes on the wire, and the gzip -9 size of what the page downloads.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync, spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  launch, collectProblems, waitForIdle, canvasInfo, webglRenderer, num, UsageError, isInterrupted, runCli,
  onCleanup,
} from '../e2e/lib/browser.mjs';
import { WAYPOINTS, DEFAULT_QUERY, stats, drivePath } from './browser_frames.mjs';

const NAME = 'maplibre_reference';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const PAGE_DIR = path.join(HERE, 'maplibre_reference');
const MAPLIBRE_DIR = path.join(REPO, 'node_modules/maplibre-gl');
const MINZOOM = 12;
const MAXZOOM = 16;
// The OSM extract's layers and the citywide GeoJSON, as in tests/bench/ingest_vs_mvt.sh.
const OSM_FILE = 'osm/osm_haichau_center_2026.osm';
const GEOJSON_FILE = 'osm/osm_landuse_water.geojson';
const OSM_LAYERS = ['lines', 'multipolygons', 'points'];
const TILE_RE = /\/tiles\/\d+\/\d+\/\d+\.pbf(\?|$)/;
export const VIEWS = {
  default: DEFAULT_QUERY,
  dragonBridge: '?lng=108.2270&lat=16.0610&zoom=15',
  z17: '?lng=108.2225&lat=16.0612&zoom=17', // west end of the Dragon Bridge
  z17Path: '?lng=108.2190&lat=16.0730&zoom=17', // the path's z17 waypoint: north of the OSM extract
};

const USAGE = `usage: node tests/bench/maplibre_reference.mjs [options]

Builds (or reuses) GDAL MVT tiles of the Hai Chau OSM extract + the citywide landuse/water GeoJSON
(zooms ${MINZOOM}-${MAXZOOM}, gzip .pbf) in --cache-dir, serves them with Content-Encoding: gzip next
to maplibre-gl ${readMaplibreVersion() ?? '(not installed: npm ci)'} and a small page, then in headless
Chromium (SwiftShader) measures what tests/bench/browser_frames.mjs measures for citymap: time from
navigation start to MapLibre's first 'idle' event, presented frames on the same
${WAYPOINTS.length}-waypoint path (map.jumpTo from requestAnimationFrame), the time to settle, the tile
bytes on the wire (encodedDataLength of the .pbf answers, worker included, load + path) and the gzip -9 size of
maplibre-gl's JS (main + worker) + CSS + the page + its style. JSON to stdout (and --json FILE).

options:
  --url QUERY            the view to open (default "${DEFAULT_QUERY}"; the issue's view:
                         "${VIEWS.dragonBridge}")
  --first-view-only      measure the first view only (no path)
  --duration S           length of the path in seconds (default 10)
  --width W --height H   viewport in CSS pixels (default 1280 x 720, as browser_frames)
  --dpr N                device scale factor (default 1)
  --bearing DEG          the map turned by DEG degrees along the whole path (default 0)
  --json FILE            also write the JSON report to FILE
  --data-dir DIR         the Da Nang data folder (default $CITYMAP_DATA_DIR, else ../shared/data/danang)
  --cache-dir DIR        where the tiles are built and kept (default build/maplibre_reference;
                         rebuilt when an input's size or mtime or GDAL's version changes)
  --screenshots DIR      instead of measuring: PNGs (1024x768 unless --width/--height) of the z14,
                         z15 (Dragon Bridge) and z17 views and of the path's z17 waypoint
  --serve PORT           instead of measuring: serve the page on 127.0.0.1:PORT until interrupted
  --timeout MS           time allowed to reach idle (default 120000)
  --allow-errors         exit 0 even if the page reported console/page/request errors
  -h, --help             show this help

exit status: 0 measured, 1 failure, 2 usage error, 77 data, GDAL or maplibre-gl missing.`;

function readMaplibreVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(MAPLIBRE_DIR, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

function parse(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string', default: DEFAULT_QUERY },
      'first-view-only': { type: 'boolean', default: false },
      duration: { type: 'string', default: '10' },
      width: { type: 'string', default: '1280' },
      height: { type: 'string', default: '720' },
      dpr: { type: 'string', default: '1' },
      bearing: { type: 'string', default: '0' },
      json: { type: 'string' },
      'data-dir': { type: 'string' },
      'cache-dir': { type: 'string' },
      screenshots: { type: 'string' },
      serve: { type: 'string' },
      timeout: { type: 'string', default: '120000' },
      'allow-errors': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { help: true };
  if (!values.url.startsWith('?')) throw new UsageError('--url must be a query string ("?lng=..&lat=..&zoom=..")');
  return {
    query: values.url,
    firstViewOnly: values['first-view-only'],
    durationMs: num(values.duration, 'duration', { min: 0.5, max: 600 }) * 1000,
    width: num(values.width, 'width', { min: 1, max: 8192, integer: true }),
    height: num(values.height, 'height', { min: 1, max: 8192, integer: true }),
    dpr: num(values.dpr, 'dpr', { min: 0.25, max: 8 }),
    bearing: num(values.bearing, 'bearing', { min: -360, max: 360 }),
    json: values.json,
    dataDir: path.resolve(values['data-dir'] ?? process.env.CITYMAP_DATA_DIR ?? path.join(REPO, '../shared/data/danang')),
    cacheDir: path.resolve(values['cache-dir'] ?? path.join(REPO, 'build/maplibre_reference')),
    screenshots: values.screenshots,
    servePort: values.serve === undefined ? null : num(values.serve, 'serve', { min: 0, max: 65535, integer: true }),
    timeout: num(values.timeout, 'timeout', { min: 1 }),
    allowErrors: values['allow-errors'],
  };
}

function skip(msg) {
  console.log(`SKIPPED: ${msg}`);
  process.exit(77);
}

// ------------------------------------------------------------------------------------------
// Tiles: ogr2ogr -f MVT over a VRT of the OSM layers + the GeoJSON layer, cached by input stamp.

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err.slice(-2000)}`))));
  });
}

const xml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function buildTiles(o) {
  const osm = path.join(o.dataDir, OSM_FILE);
  const geojson = path.join(o.dataDir, GEOJSON_FILE);
  for (const f of [osm, geojson]) if (!fs.existsSync(f)) skip(`benchmark data not found (${f})`);
  let gdal;
  try {
    gdal = execFileSync('ogr2ogr', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    skip('ogr2ogr (GDAL) not installed');
  }
  const stamp = {
    gdal, minzoom: MINZOOM, maxzoom: MAXZOOM, layers: OSM_LAYERS,
    inputs: [osm, geojson].map((f) => { const st = fs.statSync(f); return { f, size: st.size, mtimeMs: st.mtimeMs }; }),
  };
  const key = crypto.createHash('sha256').update(JSON.stringify(stamp)).digest('hex').slice(0, 16);
  const out = path.join(o.cacheDir, `mvt-${key}`);
  const t0 = Date.now();
  let built = false;
  if (!fs.existsSync(path.join(out, 'metadata.json'))) {
    fs.mkdirSync(o.cacheDir, { recursive: true });
    const tmp = fs.mkdtempSync(path.join(o.cacheDir, 'build-'));
    onCleanup(() => fsp.rm(tmp, { recursive: true, force: true }));
    const geoLayer = path.basename(geojson, '.geojson');
    const vrt = [
      '<OGRVRTDataSource>',
      ...OSM_LAYERS.map((l) => `  <OGRVRTLayer name="${l}"><SrcDataSource>${xml(osm)}</SrcDataSource><SrcLayer>${l}</SrcLayer></OGRVRTLayer>`),
      `  <OGRVRTLayer name="${geoLayer}"><SrcDataSource>${xml(geojson)}</SrcDataSource><SrcLayer>${geoLayer}</SrcLayer></OGRVRTLayer>`,
      '</OGRVRTDataSource>',
    ].join('\n');
    fs.writeFileSync(path.join(tmp, 'input.vrt'), vrt + '\n');
    process.stderr.write(`${NAME}: building MVT tiles (ogr2ogr -f MVT, z${MINZOOM}-${MAXZOOM}, COMPRESS=YES) into ${out}\n`);
    await run('ogr2ogr', ['-f', 'MVT', path.join(tmp, 'mvt'), path.join(tmp, 'input.vrt'),
      '-dsco', `MINZOOM=${MINZOOM}`, '-dsco', `MAXZOOM=${MAXZOOM}`, '-dsco', 'COMPRESS=YES']);
    fs.writeFileSync(path.join(tmp, 'mvt', 'stamp.json'), JSON.stringify(stamp, null, 2) + '\n');
    // Older builds (other stamps) are dropped; the new one appears atomically.
    for (const d of fs.readdirSync(o.cacheDir)) {
      if (d.startsWith('mvt-')) fs.rmSync(path.join(o.cacheDir, d), { recursive: true, force: true });
    }
    fs.renameSync(path.join(tmp, 'mvt'), out);
    built = true;
  }
  let count = 0;
  let bytes = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.pbf')) { count++; bytes += fs.statSync(p).size; }
    }
  };
  walk(out);
  const meta = JSON.parse(fs.readFileSync(path.join(out, 'metadata.json'), 'utf8'));
  const bounds = String(meta.bounds || '').split(',').map(Number);
  return {
    dir: out, built, buildMs: built ? Date.now() - t0 : 0, count, gzipBytes: bytes, gdal,
    bounds: bounds.length === 4 && bounds.every(Number.isFinite) ? bounds : null,
    inputs: stamp.inputs.map((i) => path.relative(o.dataDir, i.f)),
  };
}

// ------------------------------------------------------------------------------------------
// Server: the page, its style, maplibre-gl's dist files, the label font, and the tiles with
// Content-Encoding: gzip (204 for the tiles GDAL left out as empty). ETag + no-cache, as
// tools/serve/serve.mjs answers citymap's files; text is gzipped (level 9); serve.mjs (npm compression) answers brotli when asked, so
// citymap's text is, if anything, a little smaller than this reference's.

function fontFile() {
  const candidates = [
    path.join(REPO, 'build/wasm/site/fonts/citymap-ui.ttf'),
    '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf',
    '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  ];
  return candidates.find((f) => fs.existsSync(f)) ?? null;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.ttf': 'font/ttf',
};

export async function startReferenceServer(tiles, { port = 0 } = {}) {
  const font = fontFile();
  const gzCache = new Map();
  const files = {
    '/': path.join(PAGE_DIR, 'index.html'),
    '/index.html': path.join(PAGE_DIR, 'index.html'),
    '/maplibre-gl/maplibre-gl.mjs': path.join(MAPLIBRE_DIR, 'dist/maplibre-gl.mjs'),
    '/maplibre-gl/maplibre-gl-worker.mjs': path.join(MAPLIBRE_DIR, 'dist/maplibre-gl-worker.mjs'),
    '/maplibre-gl/maplibre-gl.css': path.join(MAPLIBRE_DIR, 'dist/maplibre-gl.css'),
  };
  if (font) files['/fonts/citymap-ui.ttf'] = font;
  let origin = null;
  const styleBody = () => {
    const style = JSON.parse(fs.readFileSync(path.join(PAGE_DIR, 'style.json'), 'utf8'));
    const src = style.sources.osm;
    src.tiles = src.tiles.map((t) => origin + t);
    if (tiles.bounds) src.bounds = tiles.bounds;
    if (font) style['font-faces'] = Object.fromEntries(Object.entries(style['font-faces']).map(([k, v]) => [k, origin + v]));
    else delete style['font-faces'];
    return Buffer.from(JSON.stringify(style));
  };
  const send = (req, res, status, headers, body) => {
    res.writeHead(status, { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const gzipOk = (req) => /\bgzip\b/.test(req.headers['accept-encoding'] || '');
  const handler = async (req, res) => {
    const p = new URL(req.url, 'http://x').pathname;
    const m = /^\/tiles\/(\d+)\/(\d+)\/(\d+)\.pbf$/.exec(p);
    if (m) {
      const f = path.join(tiles.dir, m[1], m[2], `${m[3]}.pbf`);
      let st;
      try { st = await fsp.stat(f); } catch { return send(req, res, 204, {}, undefined); }
      const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
      if (req.headers['if-none-match'] === etag) return send(req, res, 304, { ETag: etag });
      const gz = await fsp.readFile(f); // GDAL's COMPRESS=YES tiles are gzip streams
      const headers = { 'Content-Type': 'application/vnd.mapbox-vector-tile', ETag: etag, Vary: 'Accept-Encoding' };
      if (gzipOk(req)) return send(req, res, 200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': gz.length }, gz);
      const raw = zlib.gunzipSync(gz);
      return send(req, res, 200, { ...headers, 'Content-Length': raw.length }, raw);
    }
    let body;
    let type;
    let version;
    if (p === '/style.json') {
      body = styleBody();
      type = TYPES['.json'];
      version = crypto.createHash('sha1').update(body).digest('hex').slice(0, 16);
    } else if (files[p]) {
      const st = await fsp.stat(files[p]);
      version = `${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}`;
      body = await fsp.readFile(files[p]);
      type = TYPES[path.extname(files[p])] || 'application/octet-stream';
    } else {
      return send(req, res, 404, { 'Content-Type': 'text/plain' }, '404 Not Found\n');
    }
    const compress = /^text\/|json/.test(type) && gzipOk(req);
    const etag = `"${version}${compress ? '-gz' : ''}"`;
    if (req.headers['if-none-match'] === etag) return send(req, res, 304, { ETag: etag });
    if (compress) {
      const k = p + etag;
      if (!gzCache.has(k)) gzCache.set(k, zlib.gzipSync(body, { level: 9 }));
      body = gzCache.get(k);
    }
    const headers = { 'Content-Type': type, ETag: etag, 'Content-Length': body.length };
    if (compress) Object.assign(headers, { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
    return send(req, res, 200, headers, body);
  };
  const server = http.createServer((req, res) => {
    handler(req, res).catch((e) => { if (!res.headersSent) send(req, res, 500, {}, String(e)); else res.destroy(); });
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
  origin = `http://127.0.0.1:${server.address().port}`;
  const close = () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); });
  onCleanup(close);
  return { url: origin + '/', origin, font, files, styleBody, close };
}

// The gzip -9 size of everything the page downloads except tiles and the font: maplibre-gl's
// main and worker modules (the JS), its CSS, the page and the style.
function downloadSizes(srv) {
  const entries = [
    ['js', '/maplibre-gl/maplibre-gl.mjs'], ['js', '/maplibre-gl/maplibre-gl-worker.mjs'],
    ['css', '/maplibre-gl/maplibre-gl.css'], ['page', '/index.html'], ['page', '/style.json'],
  ];
  const files = entries.map(([kind, u]) => {
    const body = u === '/style.json' ? srv.styleBody() : fs.readFileSync(srv.files[u]);
    return { url: u, kind, bytes: body.length, gzipBytes: zlib.gzipSync(body, { level: 9 }).length };
  });
  const sum = (k, f = () => true) => files.filter(f).reduce((s, x) => s + x[k], 0);
  return {
    files,
    bytes: sum('bytes'),
    gzipBytes: sum('gzipBytes'),
    jsBytes: sum('bytes', (f) => f.kind === 'js'),
    jsGzipBytes: sum('gzipBytes', (f) => f.kind === 'js'),
  };
}

// ------------------------------------------------------------------------------------------

async function measure(o, url, srv) {
  const { context, page, browserVersion } = await launch({ width: o.width, height: o.height, dpr: o.dpr });
  const problems = collectProblems(page);
  // Tile bytes on the wire (load + path). MapLibre fetches tiles in its web worker, which a page
  // CDP session does not see; Playwright attaches to workers and its request sizes come from the
  // same CDP Network.loadingFinished encodedDataLength that browser_frames sums for citymap
  // (responseBodySize = encodedDataLength - responseHeadersSize).
  const tileBytes = { requests: 0, bytes: 0 };
  const pending = new Set();
  context.on('requestfinished', (req) => {
    if (!TILE_RE.test(req.url())) return;
    const p = req.sizes().then((s) => {
      tileBytes.requests++;
      tileBytes.bytes += s.responseBodySize + s.responseHeadersSize;
    }, () => {}).finally(() => pending.delete(p));
    pending.add(p);
  });
  const settled = async () => { while (pending.size) await Promise.all([...pending]); return { ...tileBytes }; };
  const renderer = await webglRenderer(page).catch(() => null);
  const report = {
    url, viewport: { width: o.width, height: o.height, dpr: o.dpr }, bearing: o.bearing,
    chromium: browserVersion, webglRenderer: renderer,
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
    const rec = await page.evaluate(() => ({ ...window.__mlref }));
    report.timeToReadyMs = rec.loadAt === null ? null : Math.round(rec.loadAt); // MapLibre's 'load' event
    report.timeToIdleMs = rec.idleFirst === null ? null : Math.round(rec.idleFirst);
    report.timeToFirstIdleMs = report.timeToIdleMs; // navigation start -> the first 'idle' event
    report.firstView = await settled();
    report.canvas = await canvasInfo(page, 'canvas.maplibregl-canvas');
    if (o.firstViewOnly) {
      report.archive = report.firstView;
      return { report, problems };
    }

    const startFrames = await page.evaluate(() => window.citymap.state.framesDrawn);
    const drive = await page.evaluate(drivePath, { waypoints: WAYPOINTS, durationMs: o.durationMs, bearing: o.bearing });
    const endFrames = await page.evaluate(() => window.citymap.state.framesDrawn);
    const intervals = [];
    for (let i = 1; i < drive.stamps.length; i++) intervals.push(drive.stamps[i] - drive.stamps[i - 1]);
    const spanMs = drive.stamps.length > 1 ? drive.stamps[drive.stamps.length - 1] - drive.stamps[0] : 0;
    report.path = { durationMs: o.durationMs, waypoints: WAYPOINTS.length, jumpToErrors: drive.errors };
    report.frames = intervals.length;
    report.fps = spanMs > 0 ? Math.round((intervals.length / spanMs) * 1000 * 100) / 100 : null;
    report.frameIntervalMs = stats(intervals);
    report.clientFramesDrawn = endFrames - startFrames; // MapLibre 'render' events during the path
    report.cpuFrameMs = null; // MapLibre has no per-frame CPU time API
    try {
      await waitForIdle(page, { timeout: o.timeout, problems, failOnErrors: false });
      const r2 = await page.evaluate(() => ({ ...window.__mlref }));
      report.settleMs = r2.idleLast === null ? null : Math.max(0, Math.round(r2.idleLast - drive.pathEnd));
    } catch (e) {
      report.settleMs = null;
      report.settleError = e.message;
    }
    report.download = downloadSizes(srv);
    report.archive = await settled(); // the key browser_frames uses: here the .pbf tiles, load + path
    if (drive.errors.length) return { report, problems, failure: `jumpTo threw: ${drive.errors[0]}` };
    return { report, problems };
  } finally {
    await context.close().catch(() => {});
  }
}

async function screenshots(o, srv) {
  fs.mkdirSync(o.screenshots, { recursive: true });
  const views = [['z14', VIEWS.default], ['z15_dragon_bridge', VIEWS.dragonBridge], ['z17', VIEWS.z17], ['z17_path_waypoint', VIEWS.z17Path]];
  for (const [name, q] of views) {
    const { context, page } = await launch({ width: o.width, height: o.height, dpr: o.dpr });
    const problems = collectProblems(page);
    await page.goto(new URL(q, srv.url).href, { waitUntil: 'load', timeout: o.timeout });
    await waitForIdle(page, { timeout: o.timeout, problems, failOnErrors: false });
    const out = path.join(o.screenshots, `maplibre_${name}.png`);
    await page.screenshot({ path: out, timeout: 30000 });
    process.stderr.write(`${NAME}: wrote ${out}${problems.errors.length ? ` (${problems.errors.length} page errors)` : ''}\n`);
    await context.close().catch(() => {});
  }
  return 0;
}

async function main(o) {
  const version = readMaplibreVersion();
  if (!version) skip(`maplibre-gl not installed in ${MAPLIBRE_DIR} (npm ci)`);
  const tiles = await buildTiles(o);
  const srv = await startReferenceServer(tiles, { port: o.servePort ?? 0 });
  if (!srv.font) process.stderr.write(`${NAME}: warning: no font found, labels are not drawn\n`);
  if (o.servePort !== null) {
    process.stderr.write(`${NAME}: serving ${srv.url}${DEFAULT_QUERY.slice(1) ? DEFAULT_QUERY : ''} (Ctrl-C stops)\n`);
    await new Promise(() => {});
  }
  if (o.screenshots) {
    o.width = o.width === 1280 && o.height === 720 ? 1024 : o.width;
    o.height = o.height === 720 ? 768 : o.height;
    return screenshots(o, srv);
  }
  const url = new URL(o.query, srv.url).href;
  const report = {
    tool: 'citymap-maplibre-reference', date: new Date().toISOString(), url, ok: false,
    maplibre: version,
    tiles: {
      dir: tiles.dir, builtNow: tiles.built, buildMs: tiles.buildMs, count: tiles.count, gzipBytes: tiles.gzipBytes,
      zooms: [MINZOOM, MAXZOOM], gdal: tiles.gdal, inputs: tiles.inputs, contentEncoding: 'gzip',
    },
    labels: srv.font ? `font-faces: ${path.relative(REPO, srv.font)}` : null,
  };
  const finish = (code, msg, errors = []) => {
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
  const m = await measure(o, url, srv);
  Object.assign(report, m.report);
  if (m.failure) return finish(1, m.failure, m.problems.errors);
  const r = report;
  const kib = (b) => (b / 1024).toFixed(1);
  process.stderr.write(
    `${NAME}: maplibre-gl ${version}, first idle ${r.timeToFirstIdleMs} ms` +
    (r.frames !== undefined ? `, ${r.fps} fps (${r.frames} frames), frame interval median ${r.frameIntervalMs?.median?.toFixed(1)} ms p95 ${r.frameIntervalMs?.p95?.toFixed(1)} ms, settle ${r.settleMs} ms` : '') +
    `, tiles ${kib(r.archive.bytes)} KiB in ${r.archive.requests} requests` +
    (r.download ? `, js+css+page ${kib(r.download.gzipBytes)} KiB gzip (js ${kib(r.download.jsGzipBytes)} KiB)` : '') + '\n',
  );
  report.ok = true;
  if (m.problems.errors.length && !o.allowErrors) {
    return finish(1, `${m.problems.errors.length} console/page/request error(s), first: ${m.problems.errors[0].split('\n')[0]}`, m.problems.errors);
  }
  return finish(0, undefined, m.problems.errors);
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  runCli({ name: NAME, usage: USAGE, parse, run: main, budgetMs: (o) => o.timeout * 2 + o.durationMs + 300000 }).then(
    (code) => process.exit(code),
  );
}
