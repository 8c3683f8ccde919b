// The simulator's load mode (--traffic-rate, used by the browser benchmark), offline: N traffic
// updates per simulated second, cycling over the real road segments with new speeds on each
// pass, every one simulated and in sequence; published in batches on .../traffic/batch with
// each segment's state retained on its own topic now and then, or (--traffic-batch 1) every
// update as its own retained message.
//   CITYMAP_FEEDSIM=... CITYMAP_DATA_DIR=... node --test tests/e2e/feedsim_load.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

const feedsim = process.env.CITYMAP_FEEDSIM || path.resolve('build/native/tools/feedsim/citymap-feedsim');
const dataDir = process.env.CITYMAP_DATA_DIR || path.resolve('../shared/data/danang');
const skip = !fs.existsSync(feedsim) || !fs.existsSync(path.join(dataDir, 'README.md')) ? 'citymap-feedsim or the data missing' : false;

const dryRun = (args) =>
  execFileSync(feedsim, ['--data-dir', dataDir, '--start', '2026-01-01T08:00', ...args], {
    encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'],
  }).trim().split('\n').map((l) => JSON.parse(l));

test('--traffic-rate: N traffic updates per second over the road segments', { skip }, () => {
  const rate = 1000, seconds = 3;
  const msgs = dryRun(['--dry-run', String(seconds), '--only', 'traffic', '--traffic-rate', String(rate)]);
  assert.equal(msgs.length, rate * seconds);
  const segments = new Set();
  for (const [i, m] of msgs.entries()) {
    assert.equal(m.kind, 'traffic');
    assert.equal(m.simulated, true);
    assert.match(m.topic, /^citymap\/v1\/danang\/traffic\/\d+$/);
    assert.ok(m.speed_kmh >= 0 && m.speed_kmh <= 90, `speed ${m.speed_kmh}`);
    if (i > 0) {
      assert.equal(m.seq, msgs[i - 1].seq + 1, 'one sequence number per message');
      assert.ok(m.ts >= msgs[i - 1].ts);
    }
    segments.add(m.topic);
  }
  // Timestamps spread over the run at the rate.
  assert.ok(msgs.at(-1).ts - msgs[0].ts >= (seconds - 0.01) * 1000 - 1000 / rate);
  // More messages than segments: every segment comes round again, with another speed.
  assert.ok(segments.size > 100 && segments.size < msgs.length, `${segments.size} segments`);
  const first = msgs[0].topic;
  const again = msgs.filter((m) => m.topic === first);
  assert.ok(again.length >= 2);
  assert.ok(new Set(again.map((m) => m.speed_kmh)).size >= 2 || again.length < 3, 'speeds change between passes');
  // Deterministic for a seed.
  assert.deepEqual(dryRun(['--dry-run', '1', '--only', 'traffic', '--traffic-rate', '200']),
    dryRun(['--dry-run', '1', '--only', 'traffic', '--traffic-rate', '200']));
});

test('--traffic-copies K: K times the segments, copies under ids no map feature has', { skip }, () => {
  // One update per segment: a rate high enough for every entity of both runs within the second.
  const plain = dryRun(['--dry-run', '1', '--only', 'traffic', '--traffic-rate', '20000']);
  const tripled = dryRun(['--dry-run', '1', '--only', 'traffic', '--traffic-rate', '20000', '--traffic-copies', '3']);
  const ids = (msgs) => new Set(msgs.map((m) => BigInt(m.topic.split('/').pop())));
  const real = ids(plain);
  const all = ids(tripled);
  const n = real.size;
  assert.ok(n > 100 && n < 20000 / 3, `${n} segments`);
  assert.equal(all.size, 3 * n, 'three times the entities');
  const step = 1n << 46n;
  for (const id of all) {
    const copy = id / step;
    assert.ok(copy <= 2n, `copy ${copy} of ${id}`);
    assert.ok(real.has(id % step), `${id} is a copy of a real segment`);
    assert.ok(id < 1n << 53n, 'exact as a JavaScript number');
  }
  // The first pass goes over the real segments first, in the same order as without copies.
  assert.deepEqual(tripled.slice(0, n).map((m) => m.topic), plain.slice(0, n).map((m) => m.topic));
  for (const bad of ['0', '128'])
    assert.throws(() => dryRun(['--dry-run', '1', '--traffic-rate', '10', '--traffic-copies', bad]));
  // --retain-s 0: every update in a batch, none on its retained topic.
  const batchedOnly = dryRun(['--dry-run', '1', '--only', 'traffic', '--traffic-rate', '2000', '--retain-s', '0']);
  assert.equal(batchedOnly.length, 2000);
  assert.equal(batchedOnly.filter((m) => m.retain).length, 0);
});

test('--traffic-rate replaces the traffic model, the other feeds run as usual', { skip }, () => {
  const msgs = dryRun(['--dry-run', '1', '--traffic-rate', '100']);
  const kinds = new Set(msgs.map((m) => m.kind));
  assert.ok(kinds.has('sensor') && kinds.has('shelter'), [...kinds].join());
  assert.equal(msgs.filter((m) => m.kind === 'traffic').length, 100);
});

test('a dry run without --start is stamped at the scenario\'s start today, not in 1970', { skip }, () => {
  const msgs = execFileSync(feedsim, ['--data-dir', dataDir, '--scenario', 'typhoon', '--dry-run', '600'], {
    encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'],
  }).trim().split('\n').map((l) => JSON.parse(l));
  const now = Date.now();
  assert.ok(msgs.length > 100, `${msgs.length} messages`);
  for (const m of msgs) {
    assert.ok(m.ts > now - 2 * 86400e3 && m.ts < now + 2 * 86400e3, `timestamp ${m.ts} is today`);
    assert.ok(Number.isSafeInteger(m.seq) && m.seq > 0, `sequence ${m.seq}`);
  }
  const kinds = new Set(msgs.map((m) => m.kind));
  assert.ok(kinds.has('sensor') && kinds.has('shelter') && kinds.has('traffic'), [...kinds].join());
});

test('--traffic-rate is checked', { skip }, () => {
  for (const bad of ['0', '-5', 'lots']) {
    assert.throws(() => execFileSync(feedsim, ['--data-dir', dataDir, '--dry-run', '1', '--traffic-rate', bad], { stdio: 'pipe' }),
      (e) => e.status === 2 && /--traffic-rate/.test(String(e.stderr)));
  }
  for (const [flag, bad] of [['--traffic-batch', '0'], ['--traffic-batch', '2049'], ['--batch-ms', '-1'], ['--retain-s', '0.5'],
    ['--batch-bytes', '100'], ['--batch-bytes', '70000']]) {
    assert.throws(() => execFileSync(feedsim, ['--data-dir', dataDir, '--dry-run', '1', '--traffic-rate', '10', flag, bad], { stdio: 'pipe' }),
      (e) => e.status === 2 && String(e.stderr).includes(flag), `${flag} ${bad}`);
  }
});

test('load mode publishes batches on .../traffic/batch, each segment retained on its topic now and then', { skip }, () => {
  const rate = 2000, seconds = 12, retainS = 4;
  const msgs = dryRun(['--dry-run', String(seconds), '--only', 'traffic', '--traffic-rate', String(rate), '--retain-s', String(retainS)]);
  assert.equal(msgs.length, rate * seconds, 'every update published once');
  const segments = new Set(msgs.map((m) => m.topic));
  // The first pass goes retained (a subscriber's catch-up from the start), then batches.
  assert.ok(msgs.slice(0, segments.size).every((m) => m.retain), 'the first pass is retained');
  const batched = msgs.filter((m) => !m.retain);
  assert.ok(batched.length > 0.85 * msgs.length, `${batched.length} of ${msgs.length} in batches`);
  const sizes = new Map();
  let last = -1;
  for (const m of batched) {
    assert.equal(m.published, 'citymap/v1/danang/traffic/batch');
    assert.ok(m.batch >= last, 'batches in order');
    last = m.batch;
    sizes.set(m.batch, (sizes.get(m.batch) || 0) + 1);
  }
  // Under 3,900 bytes each by default (a traffic update is 112 bytes and ~24 of framing): 27.
  const median = (m) => [...m.values()].sort((a, b) => a - b)[m.size >> 1];
  assert.ok(Math.max(...sizes.values()) <= 28, 'batches under 3,900 bytes');
  assert.ok(median(sizes) >= 25, `median batch ${median(sizes)}`);
  assert.ok(batched.every((m) => m.bytes === 112));
  // Each segment again retained every 0.5..1.5 x retainS (plus the time a pass takes).
  const pass = (segments.size / rate) * 1000;
  const times = new Map();
  for (const m of msgs.filter((x) => x.retain)) times.set(m.topic, [...(times.get(m.topic) || []), m.ts]);
  assert.equal(times.size, segments.size);
  for (const [topic, ts] of times) {
    for (let i = 1; i < ts.length; i++) {
      const gap = ts[i] - ts[i - 1];
      assert.ok(gap >= retainS * 500 && gap <= retainS * 1500 + pass + 1, `${topic}: retained again after ${gap} ms`);
    }
  }
  assert.ok([...times.values()].filter((t) => t.length >= 2).length > 0.9 * segments.size, 'most segments retained again');
  // Sequences still increase per segment whichever way an update goes.
  const seq = new Map();
  for (const m of msgs) {
    assert.ok(!(seq.get(m.topic) >= m.seq));
    seq.set(m.topic, m.seq);
  }
});

test('load mode: --batch-bytes and --batch-ms bound the batches; at most 250 updates each', { skip }, () => {
  const sizesOf = (args) => {
    const sizes = new Map();
    for (const m of dryRun(['--dry-run', '4', '--only', 'traffic', '--traffic-rate', '2000', ...args]))
      if (!m.retain) sizes.set(m.batch, (sizes.get(m.batch) || 0) + 1);
    return [...sizes.values()].sort((a, b) => a - b);
  };
  // 50 ms of updates each: 100 at 2,000/s.
  let s = sizesOf(['--batch-bytes', '60000']);
  assert.ok(s[s.length >> 1] >= 95 && s.at(-1) <= 101, `median ${s[s.length >> 1]}, max ${s.at(-1)}`);
  s = sizesOf(['--batch-bytes', '60000', '--batch-ms', '1000']);
  assert.equal(s.at(-1), 250);
  s = sizesOf(['--traffic-batch', '10']);
  assert.equal(s.at(-1), 10);
});

test('--traffic-batch 1: the old mode, every update its own retained message', { skip }, () => {
  const msgs = dryRun(['--dry-run', '2', '--only', 'traffic', '--traffic-rate', '1000', '--traffic-batch', '1']);
  assert.equal(msgs.length, 2000);
  assert.ok(msgs.every((m) => m.retain && /^citymap\/v1\/danang\/traffic\/\d+$/.test(m.topic) && m.published === undefined));
});
