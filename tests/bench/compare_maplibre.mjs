#!/usr/bin/env node
// citymap against MapLibre GL JS on the same machine in the same session (issue 12): runs
// tests/bench/browser_frames.mjs (citymap) and tests/bench/maplibre_reference.mjs alternately,
// N rounds, and reports the medians and the ratios citymap / MapLibre.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const NAME = 'compare_maplibre';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_VIEW = '?lng=108.2145&lat=16.0600&zoom=14';
const DRAGON_BRIDGE = '?lng=108.2270&lat=16.0610&zoom=15';

const USAGE = `usage: node tests/bench/compare_maplibre.mjs --site SITE --tiles TILES [options]

Runs, per round, citymap's tests/bench/browser_frames.mjs (--root SITE --mount /tiles=TILES) and
tests/bench/maplibre_reference.mjs (GDAL MVT of the same OSM data, maplibre-gl from node_modules),
alternating which goes first, each as: the default view (z14) + the ${'10'} s path, then the issue's
first view (z15 at the Dragon Bridge, first view only for MapLibre; a 0.5 s path for citymap, whose
script always drives one, after the first view's tile bytes are counted). Prints medians and ratios
citymap/MapLibre of: first view ms (both views), frames on the path, tile bytes on the wire (load +
path, and the z15 first view alone), and the download (gzip -9).
Run it niced on a shared machine:  nice -n 10 node tests/bench/compare_maplibre.mjs ...

options:
  --site DIR             citymap's built site (e.g. build/wasm/site)
  --tiles DIR            the folder holding danang.pmtiles (e.g. build/tiles)
  --runs N               rounds (default 3)
  --duration S           path length (default 10)
  --width W --height H   viewport (default 1024 x 768)
  --json FILE            write the comparison (with every run's report) to FILE
  --data-dir DIR         passed to maplibre_reference.mjs
  --keep DIR             keep each run's JSON report in DIR
  -h, --help             show this help`;

function parse() {
  const { values } = parseArgs({
    options: {
      site: { type: 'string' }, tiles: { type: 'string' }, runs: { type: 'string', default: '3' },
      duration: { type: 'string', default: '10' }, width: { type: 'string', default: '1024' },
      height: { type: 'string', default: '768' }, json: { type: 'string' }, 'data-dir': { type: 'string' },
      keep: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) { console.log(USAGE); process.exit(0); }
  if (!values.site || !values.tiles) { process.stderr.write(`${NAME}: --site and --tiles are required (see --help)\n`); process.exit(2); }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) { process.stderr.write(`${NAME}: bad --runs\n`); process.exit(2); }
  return { ...values, runs };
}

function runScript(script, args, jsonFile) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(HERE, script), ...args, '--json', jsonFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => {
      let report = null;
      try { report = JSON.parse(fs.readFileSync(jsonFile, 'utf8')); } catch { /* no report */ }
      const last = err.trim().split('\n').filter((l) => /^(browser_frames|maplibre_reference)/.test(l)).pop() ?? '';
      process.stderr.write(`  ${script} ${args.filter((a) => a.startsWith('?')).join(' ')}: exit ${code}${last ? `\n    ${last}` : ''}\n`);
      if (code !== 0 && code !== null) process.stderr.write(err.split('\n').slice(-15).join('\n') + '\n');
      resolve({ code, report });
    });
  });
}

const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const gz = (f) => (fs.existsSync(f) ? zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length : 0);

async function main() {
  const o = parse();
  const tmp = o.keep ? path.resolve(o.keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'citymap-compare-'));
  fs.mkdirSync(tmp, { recursive: true });
  const common = ['--width', o.width, '--height', o.height];
  const cm = (q, dur) => ['--root', o.site, '--mount', `/tiles=${o.tiles}`, '--url', q, '--duration', dur, ...common];
  const ml = (q, extra) => ['--url', q, ...common, ...(o['data-dir'] ? ['--data-dir', o['data-dir']] : []), ...extra];
  const rounds = [];
  for (let i = 0; i < o.runs; i++) {
    process.stderr.write(`${NAME}: round ${i + 1}/${o.runs}\n`);
    const jobs = {
      cmPath: () => runScript('browser_frames.mjs', cm(DEFAULT_VIEW, o.duration), path.join(tmp, `citymap_path_${i}.json`)),
      cmDragon: () => runScript('browser_frames.mjs', cm(DRAGON_BRIDGE, '0.5'), path.join(tmp, `citymap_dragon_${i}.json`)),
      mlPath: () => runScript('maplibre_reference.mjs', ml(DEFAULT_VIEW, ['--duration', o.duration]), path.join(tmp, `maplibre_path_${i}.json`)),
      mlDragon: () => runScript('maplibre_reference.mjs', ml(DRAGON_BRIDGE, ['--first-view-only']), path.join(tmp, `maplibre_dragon_${i}.json`)),
    };
    // Alternate which client goes first.
    const order = i % 2 === 0 ? ['cmPath', 'mlPath', 'cmDragon', 'mlDragon'] : ['mlPath', 'cmPath', 'mlDragon', 'cmDragon'];
    const r = {};
    for (const k of order) r[k] = await jobs[k]();
    rounds.push(r);
  }

  // citymap's download figure is its .wasm + .js; the CSS and page are added for the second row.
  const cmExtra = gz(path.join(o.site, 'citymap.css')) + gz(path.join(o.site, 'index.html'));
  const pick = {
    'first view z14 (ms)': [(r) => r.cmPath?.timeToFirstIdleMs, (r) => r.mlPath?.timeToFirstIdleMs],
    'first view z15 Dragon Bridge (ms)': [(r) => r.cmDragon?.timeToFirstIdleMs, (r) => r.mlDragon?.timeToFirstIdleMs],
    'frames on the path': [(r) => r.cmPath?.frames, (r) => r.mlPath?.frames],
    'fps on the path': [(r) => r.cmPath?.fps, (r) => r.mlPath?.fps],
    'settle after the path (ms)': [(r) => r.cmPath?.settleMs, (r) => r.mlPath?.settleMs],
    'tile bytes, load + path': [(r) => r.cmPath?.archive?.bytes, (r) => r.mlPath?.archive?.bytes],
    'tile requests, load + path': [(r) => r.cmPath?.archive?.requests, (r) => r.mlPath?.archive?.requests],
    'tile bytes, z15 first view': [(r) => r.cmDragon?.firstViewArchive?.bytes, (r) => r.mlDragon?.archive?.bytes],
    'tile requests, z15 first view': [(r) => r.cmDragon?.firstViewArchive?.requests, (r) => r.mlDragon?.archive?.requests],
    'download gzip: code (wasm+js / maplibre js)': [(r) => r.cmPath?.download?.gzipBytes, (r) => r.mlPath?.download?.jsGzipBytes],
    'download gzip: code + css + page': [
      (r) => (r.cmPath?.download ? r.cmPath.download.gzipBytes + cmExtra : null), (r) => r.mlPath?.download?.gzipBytes],
  };
  const reports = rounds.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.report])));
  const figures = {};
  for (const [name, [fc, fm]] of Object.entries(pick)) {
    const c = reports.map(fc);
    const m = reports.map(fm);
    const mc = median(c);
    const mm = median(m);
    figures[name] = { citymap: c, maplibre: m, citymapMedian: mc, maplibreMedian: mm,
      ratio: mc !== null && mm ? Math.round((mc / mm) * 1000) / 1000 : null };
  }
  const failures = rounds.flatMap((r, i) => Object.entries(r).filter(([, v]) => v.code !== 0).map(([k, v]) => `round ${i + 1} ${k}: exit ${v.code}${v.report?.failure ? ` (${v.report.failure})` : ''}`));
  const out = {
    tool: 'citymap-compare-maplibre', date: new Date().toISOString(), runs: o.runs,
    site: o.site, tiles: o.tiles, viewport: { width: Number(o.width), height: Number(o.height), dpr: 1 },
    views: { default: DEFAULT_VIEW, dragonBridge: DRAGON_BRIDGE }, durationS: Number(o.duration),
    maplibre: reports.find((r) => r.mlPath)?.mlPath?.maplibre ?? null,
    chromium: reports.find((r) => r.cmPath)?.cmPath?.chromium ?? null,
    figures, failures, reports,
  };
  const w = 44;
  const fmt = (x) => (x === null || x === undefined ? '-' : Number.isInteger(x) ? x.toLocaleString('en-US') : x.toFixed(1));
  let table = `${'figure (medians of ' + o.runs + ')'.padEnd(0)}`.padEnd(w) + 'citymap'.padStart(12) + 'MapLibre'.padStart(12) + 'ratio'.padStart(8) + '\n';
  for (const [name, f] of Object.entries(figures)) {
    table += name.padEnd(w) + fmt(f.citymapMedian).padStart(12) + fmt(f.maplibreMedian).padStart(12) + (f.ratio === null ? '-' : f.ratio.toFixed(2)).padStart(8) + '\n';
  }
  process.stdout.write(table);
  if (failures.length) process.stdout.write(`failures:\n  ${failures.join('\n  ')}\n`);
  if (o.json) {
    fs.mkdirSync(path.dirname(path.resolve(o.json)), { recursive: true });
    fs.writeFileSync(o.json, JSON.stringify(out, null, 2) + '\n');
  }
  if (!o.keep) fs.rmSync(tmp, { recursive: true, force: true });
  return failures.length ? 1 : 0;
}

main().then((c) => process.exit(c), (e) => { process.stderr.write(`${NAME}: FAIL ${e.stack || e}\n`); process.exit(1); });
