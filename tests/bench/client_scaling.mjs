#!/usr/bin/env node
// How the web client scales (issue 12, goal 5): first view, frames, CPU per frame and memory
// against the archive's size and against the number of live entities, measured with
// tests/bench/browser_frames.mjs in one session on one machine, written as one JSON report.
//
//  - archives: each --archive NAME=FILE is served and opened with ?tiles=, the camera on the
//    default view (Hai Chau); one run each without a feed.
//  - live entities: for each K of --copies, browser_frames --feed-rate RATE with
//    citymap-feedsim --traffic-copies K --retain-s 0 (K times the city's road segments, copies
//    under ids no map feature has: stored and counted by the client, not drawn); each run has
//    its own no-feed reference, so the ratios compare like with like.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const NAME = 'client_scaling';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const USAGE = `usage: node tests/bench/client_scaling.mjs --site SITE [options]

options:
  --site DIR              the built site (build/wasm/site)
  --archive NAME=FILE     an archive to open (repeatable), e.g. danang=build/tiles/danang.pmtiles
  --copies LIST           live entity multipliers, e.g. "1 10 100" (needs the feed options)
  --rate N                traffic updates per second offered (default 5000)
  --broker-dir DIR --feedsim BIN --data-dir DIR   as for browser_frames.mjs --feed-rate
  --tiles DIR             the folder of danang.pmtiles, for the live runs (default build/tiles)
  --duration S            path length (default 10)
  --json FILE             write the report to FILE (also printed on stdout)
  -h, --help              show this help`;

function parse() {
  const { values } = parseArgs({
    options: {
      site: { type: 'string' }, archive: { type: 'string', multiple: true, default: [] },
      copies: { type: 'string', default: '' }, rate: { type: 'string', default: '5000' },
      'broker-dir': { type: 'string' }, feedsim: { type: 'string' }, 'data-dir': { type: 'string' },
      tiles: { type: 'string', default: 'build/tiles' }, duration: { type: 'string', default: '10' },
      json: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) { console.log(USAGE); process.exit(0); }
  const fail = (m) => { process.stderr.write(`${NAME}: ${m} (see --help)\n`); process.exit(2); };
  if (!values.site) fail('--site is required');
  const archives = values.archive.map((a) => {
    const eq = a.indexOf('=');
    if (eq <= 0 || !fs.existsSync(a.slice(eq + 1))) fail(`--archive ${a}: expected NAME=FILE of an existing file`);
    return { name: a.slice(0, eq), file: path.resolve(a.slice(eq + 1)) };
  });
  const copies = values.copies.split(/[\s,]+/).filter(Boolean).map(Number);
  if (copies.some((k) => !Number.isInteger(k) || k < 1 || k > 127)) fail('--copies: integers in 1..127');
  if (copies.length && !(values['broker-dir'] && values.feedsim && values['data-dir'])) fail('--copies needs --broker-dir, --feedsim and --data-dir');
  if (!archives.length && !copies.length) fail('nothing to measure: give --archive and/or --copies');
  return { ...values, archives, copies };
}

function frames(args) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${NAME}-`));
  const json = path.join(tmp, 'report.json');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(HERE, 'browser_frames.mjs'), ...args, '--json', json], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; process.stderr.write(d); });
    child.on('close', (code) => {
      let report = null;
      try { report = JSON.parse(fs.readFileSync(json, 'utf8')); } catch { /* none */ }
      fs.rmSync(tmp, { recursive: true, force: true });
      resolve({ code, report, stderr: err.slice(-2000) });
    });
  });
}

const pick = (r) => r && {
  firstViewMs: r.timeToFirstIdleMs ?? null,
  fps: r.fps ?? null,
  cpuFrameMedianMs: r.cpuFrameMs?.median ?? null,
  cpuPerFrameMs: r.cpuPath?.msPerFrame ?? null,
  heapMiB: r.memory ? Math.round((r.memory.heapBytes / 1048576) * 10) / 10 : null,
  tileCacheMiB: r.memory ? Math.round((r.memory.tileCacheBytes / 1048576) * 10) / 10 : null,
  archiveBytesOnWire: r.archive?.bytes ?? null,
  ...(r.feed ? { receivedPerSecond: r.feed.receivedPerSecond, dropped: r.feed.droppedDuringPath } : {}),
  ...(r.memory?.feedEntities ? { trafficEntities: r.memory.feedEntities.traffic } : {}),
};

async function main() {
  const o = parse();
  const common = ['--root', o.site, '--width', '1024', '--height', '768', '--duration', o.duration];
  const report = { tool: `citymap-${NAME}`, date: new Date().toISOString(), host: { cpus: os.cpus().length, loadavg: os.loadavg() }, archives: [], liveEntities: [] };
  for (const a of o.archives) {
    const dir = path.dirname(a.file);
    const r = await frames([...common, '--mount', `/scale=${dir}`, '--url', `?lng=108.2145&lat=16.0600&zoom=14&tiles=scale/${path.basename(a.file)}`]);
    report.archives.push({ name: a.name, archiveBytes: fs.statSync(a.file).size, ok: r.code === 0, ...pick(r.report) });
  }
  for (const k of o.copies) {
    const r = await frames([...common, '--mount', `/tiles=${o.tiles}`, '--feed-rate', o.rate, '--broker-dir', o['broker-dir'],
      '--feedsim', o.feedsim, '--data-dir', o['data-dir'], '--feedsim-arg=--traffic-copies', `--feedsim-arg=${k}`,
      '--feedsim-arg=--retain-s', '--feedsim-arg=0']);
    const noFeed = pick(r.report);
    const withFeed = pick(r.report?.withFeed);
    report.liveEntities.push({
      copies: k, ok: r.code === 0, noFeed, withFeed,
      fpsRatio: r.report?.feedImpact?.fpsRatio ?? null, cpuFrameRateRatio: r.report?.feedImpact?.cpuFrameRateRatio ?? null,
    });
  }
  const text = JSON.stringify(report, null, 2);
  process.stdout.write(text + '\n');
  if (o.json) fs.writeFileSync(o.json, text + '\n');
}

main();
