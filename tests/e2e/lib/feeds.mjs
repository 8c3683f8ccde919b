// Helpers for the browser tests and benchmarks of the live feeds: the broker of
// tools/broker/start.sh (its broker.env, stop and restart on the same ports), the feed
// simulator as a child process, publishing with the publisher's credentials (mosquitto_pub),
// and waiting for window.citymap.state.feed to satisfy a condition.
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './browser.mjs';

const run = promisify(execFile);
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The broker's connection settings from <dir>/broker.env (written by tools/broker/start.sh). */
export function readBrokerEnv(dir) {
  const file = path.join(dir, 'broker.env');
  const env = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  for (const k of ['MQTT_HOST', 'MQTT_PORT', 'MQTT_WS_PORT', 'MQTT_USER', 'MQTT_PASSWORD_FILE']) {
    if (!env[k]) throw new Error(`${file}: ${k} is missing`);
  }
  return { ...env, file, dir, wsUrl: `ws://${env.MQTT_HOST}:${env.MQTT_WS_PORT}/` };
}

/** Stops the broker of `dir` (tools/broker/stop.sh: SIGTERM, the retained state is saved). */
export async function stopBroker(dir) {
  await run('bash', [path.join(REPO, 'tools/broker/stop.sh')], { env: { ...process.env, CITYMAP_BROKER_DIR: dir } });
}

/** Starts the broker of `dir` again on the ports of its broker.env. */
export async function restartBroker(env) {
  await run('bash', [path.join(REPO, 'tools/broker/start.sh')], {
    env: {
      ...process.env,
      CITYMAP_BROKER_DIR: env.dir,
      CITYMAP_MQTT_BIND: env.MQTT_HOST,
      CITYMAP_MQTT_PORT: env.MQTT_PORT,
      CITYMAP_MQTT_WS_PORT: env.MQTT_WS_PORT,
    },
  });
}

/** Today's date in Da Nang (UTC+7) as YYYY-MM-DD, for --start <day>THH:MM. */
export function danangDay(now = Date.now()) {
  return new Date(now + 7 * 3600e3).toISOString().slice(0, 10);
}

/**
 * Starts citymap-feedsim against the broker of `env` (readBrokerEnv). Resolves once it has
 * connected (its "SIMULATED" line), with {child, log()}; the child is stopped by stopSim or at
 * cleanup. Options: bin, dataDir, scenario, speedup, start, duration (s), args (more).
 */
export async function startSim({ bin, dataDir, env, scenario = 'normal', speedup = 1, start, duration = 300, args = [] }) {
  const argv = ['--data-dir', dataDir, '--broker-env', env.file, '--scenario', scenario, '--speedup', String(speedup),
    '--duration', String(duration), ...args];
  if (start) argv.push('--start', start);
  const child = spawn(bin, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => {
    log += d;
    if (process.env.CITYMAP_VERBOSE) process.stderr.write(d);
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.exited = exited;
  onCleanup(() => stopSim(child));
  await new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (log.includes('SIMULATED')) {
        clearInterval(t);
        resolve();
      }
    }, 50);
    exited.then(({ code, signal }) => {
      clearInterval(t);
      reject(new Error(`citymap-feedsim exited (${code ?? signal}) before connecting:\n${log}`));
    });
  });
  return { child, log: () => log };
}

/** SIGTERM (the simulator clears its retained alerts and flushes), SIGKILL after 10 s. */
export async function stopSim(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10000);
  await child.exited;
  clearTimeout(t);
}

/** Publishes `payload` (a Buffer) to `topic` as the publisher (QoS 1, not retained). */
export async function publishAsPublisher(env, topic, payload, { retain = false } = {}) {
  const file = path.join(env.dir, `payload-${process.pid}-${Date.now()}.bin`);
  fs.writeFileSync(file, payload);
  try {
    const password = fs.readFileSync(env.MQTT_PASSWORD_FILE, 'utf8').split('\n')[0];
    const args = ['-h', env.MQTT_HOST, '-p', env.MQTT_PORT, '-u', env.MQTT_USER, '-P', password, '-q', '1',
      '-t', topic, '-f', file];
    if (retain) args.push('-r');
    await run('mosquitto_pub', args);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * Subscribes anonymously to `topic` for `ms` and resolves with the number of messages
 * received (retained ones included).
 */
export function countMessages(env, topic, ms) {
  return new Promise((resolve, reject) => {
    const child = spawn('mosquitto_sub', ['-h', env.MQTT_HOST, '-p', env.MQTT_PORT, '-t', topic, '-v', '-W',
      String(Math.ceil(ms / 1000))], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    child.stdout.on('data', (d) => (lines += String(d).split('\n').filter(Boolean).length));
    child.on('error', reject);
    child.on('exit', () => resolve(lines));
  });
}

/**
 * Waits until `check(feed)` (run in the page on window.citymap.state.feed, a function or its
 * source) is truthy; returns the feed. Throws with the last feed state after `timeout` ms.
 */
export async function waitForFeed(page, check, { timeout = 60000, what = 'feed condition', problems = null } = {}) {
  const src = typeof check === 'function' ? check.toString() : check;
  const t0 = Date.now();
  let last = null;
  while (true) {
    const r = await page.evaluate((s) => {
      const feed = window.citymap && window.citymap.state && window.citymap.state.feed;
      if (!feed) return { ok: false, feed: null };
      const f = JSON.parse(JSON.stringify(feed));
      return { ok: !!(0, eval)(`(${s})`)(f), feed: f };
    }, src);
    last = r.feed;
    if (r.ok) return r.feed;
    if (problems && problems.errors.some((e) => /\[pageerror\]|\[crash\]/.test(e))) {
      throw new Error(`page error while waiting for ${what}: ${problems.errors.find((e) => /pageerror|crash/.test(e))}`);
    }
    if (Date.now() - t0 > timeout) {
      const brief = last ? { ...last, alerts: `${last.alerts.length} alert(s)` } : null;
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; feed: ${JSON.stringify(brief)}`);
    }
    await new Promise((r2) => setTimeout(r2, 200));
  }
}

/** Console errors that a lost broker connection causes by design (the browser logs them). */
export const isWebSocketFailure = (line) => /WebSocket connection to .* failed/.test(line);
