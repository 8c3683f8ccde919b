// The simulator's load mode (--traffic-rate, used by the browser benchmark), offline: N traffic
// updates per simulated second, cycling over the real road segments with new speeds on each
// pass, every one simulated and in sequence.
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
});
