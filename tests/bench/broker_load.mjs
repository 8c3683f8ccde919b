#!/usr/bin/env node
// Broker load (issue 13, docs/FEEDS.md "Scaling past one broker"): how many browsers one
// Mosquitto broker serves while the typhoon scenario runs. One node process opens N mqtt.js
// WebSocket subscribers configured like the page's feed worker (web/feed_transport.js: MQTT 3.1.1,
// anonymous, clean session, QoS 0 subscription to citymap/v1/danang/#, keepalive 30 s) and checks
// that every one gets the whole retained state, then measures the delivery latency of probe
// messages at every client, the messages each receives, and the broker's CPU and memory.
//
// Everything runs on a broker of its own (tools/broker/start.sh in a temporary folder, free ports,
// its file-descriptor limit raised for N sockets) with the simulator started by tools/scenario.sh
// typhoon; both are stopped at the end, also on failure or Ctrl-C.
//
// Latency: a probe publisher (the publisher account of broker.env, MQTT/TCP, QoS 1, not retained)
// publishes citymap/v1/danang/probe/load every --probe-ms with its send time (performance.timeOrigin
// + performance.now(), sub-millisecond; publisher and subscribers share this process's clock).
// A page would count the probes as *unknown* and drop them. An observer outside this process
// (mosquitto_sub over MQTT/TCP, printing each probe's arrival time) receives the same probes: when
// its latency stays low while the clients' grows, the measuring process is the limit, not the
// broker. The probes show the broker's own forwarding delay, not a publisher's backlog: a
// saturated broker reads the simulator's socket more slowly and its messages queue up in the
// simulator (libmosquitto's unbounded queue), which probes on their own connection never see. So
// the feed messages' age is measured as well: arrival - timestamp_ms (core/feeds/feed.fbs; the
// simulator stamps a message with the wall time its simulated time maps to, so this is the age
// since it was made, ~0.1 s with few clients: its loop runs every 100 ms).
//
//   node tests/bench/broker_load.mjs [--clients 1000] [--seconds 60] [--out result.json]
//
// The test tests/e2e/broker_load.test.mjs runs the same code (runLoad) with a small count.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import mqtt from 'mqtt';
import { topicFilter } from '../../web/feed.js';

const run = promisify(execFile);
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PROBE_TOPIC = 'citymap/v1/danang/probe/load';
export const SKIP_CODE = 77;

export const DEFAULTS = Object.freeze({
  clients: 1000,
  seconds: 60,
  batch: 50, // clients opened at once while ramping up
  batchPauseMs: 100, // between batches (after the previous batch has subscribed or failed)
  probeMs: 200, // one probe every 200 ms: 5 per second, each delivered to every client
  speedup: 120, // tools/scenario.sh's typhoon default
  warmupS: 8, // after the simulator connected, before the first reference subscribes
  graceMs: 3000, // after the window, for probes still on their way
  connectTimeoutMs: 10000, // as the page
  subscribeTimeoutMs: 30000,
  feedsim: process.env.CITYMAP_FEEDSIM || path.join(REPO, 'build/native/tools/feedsim/citymap-feedsim'),
  dataDir: process.env.CITYMAP_DATA_DIR || path.resolve(REPO, '../shared/data/danang'),
  fdLimit: 0, // the broker's soft RLIMIT_NOFILE; 0: max(4096, 2 * clients + 1024), capped by the hard limit
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const round = (x, d = 1) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d);

// The scripts' environment: Debian installs mosquitto in /usr/sbin, which a user's PATH may lack.
const PATH = [...new Set([...String(process.env.PATH || '').split(':').filter(Boolean), '/usr/local/sbin', '/usr/sbin'])].join(':');
const childEnv = (extra) => ({ ...process.env, PATH, ...extra });

/** Why the load test cannot run here (a skip message), or null. */
export function missingPrerequisite({ dataDir = DEFAULTS.dataDir, feedsim = DEFAULTS.feedsim } = {}) {
  if (!fs.existsSync(path.join(dataDir, 'README.md'))) return `the Da Nang data is missing (${dataDir})`;
  const found = PATH.split(':').some((d) => fs.existsSync(path.join(d, 'mosquitto')));
  if (!found) return 'mosquitto is not installed (tools/bootstrap.sh installs it)';
  if (!fs.existsSync(feedsim)) return `citymap-feedsim is not built (${feedsim})`;
  return null;
}

/** Percentiles (nearest rank) of an array of numbers; null when empty. */
export function percentiles(values, ps = [50, 95, 99]) {
  const a = Float64Array.from(values).sort();
  const out = { n: a.length };
  for (const p of ps) out[`p${p}`] = a.length ? a[Math.min(a.length - 1, Math.max(0, Math.ceil((p / 100) * a.length) - 1))] : null;
  out.max = a.length ? a[a.length - 1] : null;
  return out;
}
const roundAll = (o, d = 1) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, k === 'n' ? v : round(v, d)]));

/** <dir>/broker.env (tools/broker/start.sh) as an object, plus wsUrl, tcpUrl and the password. */
export function readBrokerEnv(dir) {
  const env = {};
  for (const line of fs.readFileSync(path.join(dir, 'broker.env'), 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return {
    ...env,
    dir,
    wsUrl: `ws://${env.MQTT_HOST}:${env.MQTT_WS_PORT}/`,
    tcpUrl: `mqtt://${env.MQTT_HOST}:${env.MQTT_PORT}`,
    password: fs.readFileSync(env.MQTT_PASSWORD_FILE, 'utf8').split('\n')[0],
    pid: Number(fs.readFileSync(path.join(dir, 'mosquitto.pid'), 'utf8').trim()),
  };
}

/**
 * Starts a broker in `dir` on free ports with tools/broker/start.sh, its soft file-descriptor limit
 * raised to `fdLimit` (each WebSocket client is one socket; the usual default of 1024 is too few for
 * 1,000 clients), or set to it exactly with `exact` (to see what a lower limit does). Returns
 * readBrokerEnv(dir) plus the broker's effective limit.
 */
export async function startBroker(dir, fdLimit, exact = false) {
  const script = `want=${Number(fdLimit)}; hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then want=$hard; fi
if [ ${exact ? 1 : 0} = 1 ] || { [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt "$want" ]; }; then ulimit -Sn "$want"; fi
exec bash "$0"`;
  await run('bash', ['-c', script, path.join(REPO, 'tools/broker/start.sh')], {
    env: childEnv({ CITYMAP_BROKER_DIR: dir, CITYMAP_MQTT_PORT: '0', CITYMAP_MQTT_WS_PORT: '0' }),
  });
  const env = readBrokerEnv(dir);
  const limits = fs.readFileSync(`/proc/${env.pid}/limits`, 'utf8');
  const m = /Max open files\s+(\d+|unlimited)/.exec(limits);
  env.fdLimit = m ? m[1] : null;
  return env;
}

export async function stopBroker(dir) {
  await run('bash', [path.join(REPO, 'tools/broker/stop.sh')], { env: childEnv({ CITYMAP_BROKER_DIR: dir }) });
}

const simEnv = (o) => childEnv({
  CITYMAP_BROKER_DIR: o.brokerDir,
  CITYMAP_FEEDSIM_DIR: o.simDir,
  CITYMAP_FEEDSIM: o.feedsim,
  CITYMAP_DATA_DIR: o.dataDir,
});

/** tools/scenario.sh typhoon against the broker of brokerDir; resolves with the simulator's pid. */
export async function startTyphoon(o) {
  await run('bash', [path.join(REPO, 'tools/scenario.sh'), 'typhoon', '--speedup', String(o.speedup)], { env: simEnv(o) });
  return Number(fs.readFileSync(path.join(o.simDir, 'feedsim.pid'), 'utf8').trim());
}

export async function stopTyphoon(o) {
  await run('bash', [path.join(REPO, 'tools/scenario.sh'), 'stop'], { env: simEnv(o) });
}

// ---------------------------------------------------------------------------------------------
// Process sampling (/proc)

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux

function procCpuTicks(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime (fields 14 and 15)
  } catch {
    return null;
  }
}

/** [busy, total] jiffies of all CPUs (/proc/stat): the whole machine, other processes included. */
function systemTicks() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] || 0);
    const total = f.reduce((a, b) => a + b, 0);
    return [total - idle, total];
  } catch {
    return null;
  }
}

function procMemKb(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const get = (k) => Number((new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s) || [])[1] || NaN);
    return { rssKb: get('VmRSS'), hwmKb: get('VmHWM') };
  } catch {
    return { rssKb: null, hwmKb: null };
  }
}

/** Samples the broker's and simulator's CPU and memory and this process's CPU every second. */
class Sampler {
  constructor(pids) {
    this.pids = pids; // {broker, feedsim}
    this.samples = [];
    this.phase = 'start';
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
    this.take(); // baseline
    this.timer = setInterval(() => this.take(), 1000);
  }

  take() {
    const t = now();
    const cur = { t, node: process.cpuUsage(), system: systemTicks() };
    for (const [k, pid] of Object.entries(this.pids)) cur[k] = procCpuTicks(pid);
    const prev = this.prev;
    this.prev = cur;
    if (!prev) return;
    const dt = (t - prev.t) / 1000;
    const pct = (a, b) => (a == null || b == null ? null : round((100 * (a - b)) / CLK_TCK / dt));
    const mem = procMemKb(this.pids.broker);
    const sys = cur.system && prev.system ? (100 * (cur.system[0] - prev.system[0])) / Math.max(1, cur.system[1] - prev.system[1]) : null;
    this.samples.push({
      t: round((t - this.t0) / 1000, 2),
      phase: this.phase,
      brokerCpu: pct(cur.broker, prev.broker),
      brokerRssKb: mem.rssKb,
      brokerHwmKb: mem.hwmKb,
      feedsimCpu: pct(cur.feedsim, prev.feedsim),
      nodeCpu: round((cur.node.user + cur.node.system - prev.node.user - prev.node.system) / 1e4 / dt),
      nodeRssMb: round(process.memoryUsage().rss / 2 ** 20),
      feedsimRssKb: procMemKb(this.pids.feedsim).rssKb,
      systemCpu: round(sys * os.cpus().length), // % of one core, all processes
    });
  }

  /** Averages and maxima over the samples of `phase`. */
  summary(phase) {
    const s = this.samples.filter((x) => x.phase === phase);
    const avg = (k) => round(s.reduce((a, x) => a + (x[k] || 0), 0) / Math.max(1, s.length));
    const max = (k) => round(Math.max(...s.map((x) => x[k] || 0)));
    return {
      samples: s.length,
      brokerCpuAvgPct: avg('brokerCpu'),
      brokerCpuMaxPct: max('brokerCpu'),
      brokerRssEndMb: s.length ? round(s[s.length - 1].brokerRssKb / 1024) : null,
      brokerRssMaxMb: round(Math.max(...s.map((x) => x.brokerRssKb || 0)) / 1024),
      feedsimCpuAvgPct: avg('feedsimCpu'),
      nodeCpuAvgPct: avg('nodeCpu'),
      nodeCpuMaxPct: max('nodeCpu'),
      nodeRssMaxMb: max('nodeRssMb'),
      feedsimRssMaxMb: round(Math.max(...s.map((x) => x.feedsimRssKb || 0)) / 1024),
      // Everything on the machine, in % of one core (all cores: ${os.cpus().length}00 %); minus the
      // broker, this process and the simulator: what other processes took.
      systemCpuAvgPct: avg('systemCpu'),
      otherCpuAvgPct: round(avg('systemCpu') - avg('brokerCpu') - avg('nodeCpu') - avg('feedsimCpu')),
    };
  }

  stop() {
    clearInterval(this.timer);
    this.take();
    this.loop.disable();
  }
}

// ---------------------------------------------------------------------------------------------
// Subscribers

/**
 * The envelope's timestamp_ms (field 3 of table Message, core/feeds/feed.fbs) read straight from
 * the FlatBuffers bytes, or null when the buffer is not a CMF1 message that has one.
 */
export function feedTimestampMs(buf) {
  if (buf.length < 12 || buf.toString('latin1', 4, 8) !== 'CMF1') return null;
  const table = buf.readUInt32LE(0);
  if (table + 4 > buf.length) return null;
  const vtable = table - buf.readInt32LE(table);
  if (vtable < 0 || vtable + 4 > buf.length) return null;
  const vtableSize = buf.readUInt16LE(vtable);
  if (vtableSize < 12 || vtable + 12 > buf.length) return null;
  const off = buf.readUInt16LE(vtable + 10); // 4 + 2 * field index 3
  if (!off || table + off + 8 > buf.length) return null;
  return Number(buf.readBigInt64LE(table + off));
}

/** A histogram of milliseconds (1 ms bins up to 10 min) with nearest-rank percentiles. */
class MsHistogram {
  constructor(maxMs = 600000) {
    this.bins = new Uint32Array(maxMs + 1);
    this.n = 0;
    this.max = -Infinity;
    this.min = Infinity;
  }

  add(ms) {
    const b = Math.min(this.bins.length - 1, Math.max(0, Math.round(ms)));
    this.bins[b] += 1;
    this.n += 1;
    if (ms > this.max) this.max = ms;
    if (ms < this.min) this.min = ms;
  }

  percentiles(ps = [50, 95, 99]) {
    const out = { n: this.n };
    for (const p of ps) {
      const rank = Math.max(1, Math.ceil((p / 100) * this.n));
      let seen = 0;
      let v = null;
      for (let i = 0; i < this.bins.length && this.n; i++) {
        seen += this.bins[i];
        if (seen >= rank) {
          v = i;
          break;
        }
      }
      out[`p${p}`] = v;
    }
    out.max = this.n ? this.max : null;
    return out;
  }
}

const topicIds = new Map(); // topic → small integer (per-client maps of integers, not strings)
const topicNames = [];
function topicId(topic) {
  let id = topicIds.get(topic);
  if (id === undefined) {
    id = topicNames.length;
    topicIds.set(topic, id);
    topicNames.push(topic);
  }
  return id;
}

/**
 * One subscriber, configured like the page's FeedTransport (web/feed_transport.js) but without
 * reconnecting: a closed connection is counted as a disconnect and stays closed. `m` is the
 * shared measurement state (window, probes, latencies).
 */
class Subscriber {
  constructor(index, url, filter, m) {
    this.index = index;
    this.m = m;
    this.t0 = now();
    this.connackMs = null;
    this.subackMs = null;
    this.retained = new Map(); // topic id → arrival time (ms, performance.now())
    this.cleared = new Set(); // topic ids cleared live (empty retained message)
    this.messages = 0;
    this.live = 0; // feed messages (not probes, not retained) in the measuring window
    this.probes = 0; // probes of the window received
    this.lastProbeSeq = -1;
    this.probeOutOfOrder = 0;
    this.errors = [];
    this.closedAfterConnect = 0;
    this.failed = null; // why connecting or subscribing failed
    this.ending = false;
    this.settled = new Promise((resolve) => (this.settle = resolve));
    const c = mqtt.connect(url, {
      protocolVersion: 4,
      clean: true,
      clientId: `citymap-load-${process.pid}-${index}`,
      keepalive: 30,
      reconnectPeriod: 0,
      connectTimeout: DEFAULTS.connectTimeoutMs,
      resubscribe: false,
      queueQoSZero: false,
    });
    this.client = c;
    const subTimer = setTimeout(() => this.fail('no SUBACK in time'), DEFAULTS.subscribeTimeoutMs);
    c.on('connect', () => {
      this.connackMs = now() - this.t0;
      c.subscribe(filter, { qos: 0 }, (err, granted) => {
        clearTimeout(subTimer);
        if (err || !granted || !granted.length || granted[0].qos === 128) {
          this.fail(`subscription refused${err ? ': ' + err.message : ''}`);
          return;
        }
        this.subackMs = now() - this.t0;
        this.settle();
      });
    });
    c.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet));
    c.on('error', (e) => {
      if (this.errors.length < 5) this.errors.push(String((e && e.message) || e));
    });
    c.on('close', () => {
      clearTimeout(subTimer);
      if (this.ending) return;
      if (this.connackMs != null && !this.failed) this.closedAfterConnect += 1;
      if (this.subackMs == null) this.fail(this.errors[0] || 'closed before subscribing');
    });
  }

  fail(why) {
    if (!this.failed && this.subackMs == null) this.failed = why;
    this.settle();
  }

  onMessage(topic, payload, packet) {
    const t = now();
    this.messages += 1;
    const m = this.m;
    if (topic === PROBE_TOPIC) {
      if (payload.length < 16) return;
      const seq = payload.readDoubleLE(0);
      const sent = payload.readDoubleLE(8); // epoch ms
      if (seq < m.firstProbe || seq > m.lastProbe) return; // outside the window
      if (seq <= this.lastProbeSeq) this.probeOutOfOrder += 1;
      this.lastProbeSeq = seq;
      this.probes += 1;
      if (this.index < 0) return; // the references' probes are not counted in the latencies
      const latency = performance.timeOrigin + t - sent;
      m.latencies.push(latency);
      const i = seq - m.firstProbe;
      if (!(m.probeMax[i] >= latency)) m.probeMax[i] = latency;
      return;
    }
    const id = topicId(topic);
    if (packet.retain) {
      if (!this.retained.has(id)) this.retained.set(id, t);
      return;
    }
    if (payload.length === 0) this.cleared.add(id);
    if (!m.inWindow) return;
    this.live += 1;
    const ts = payload.length ? feedTimestampMs(payload) : null;
    if (ts == null) return;
    const age = performance.timeOrigin + t - ts;
    if (this.index >= 0) m.ages.add(age);
    else if (this.index === -1) m.refAges.push([t, age]);
  }

  end() {
    this.ending = true;
    this.client.removeAllListeners('message');
    this.client.end(true);
  }
}

/**
 * The retained topics every client must have received: retained at the reference that subscribed
 * before the load (`first`) and at the one after it (`last`), and never cleared in between
 * (`cleared`, seen live by the first). Topics added while the clients ramped up are not required
 * (a client that subscribed before they existed got them live). Arguments: iterables of topics.
 */
export function requiredTopics(first, last, cleared) {
  const after = new Set(last);
  const gone = new Set(cleared);
  return [...new Set(first)].filter((t) => after.has(t) && !gone.has(t));
}

/**
 * How much of `required` a client received retained: `retained` maps a topic to its arrival time,
 * `t0` is when the client started connecting. Returns {missing, fullMs} (fullMs: from t0 to the
 * last required topic, null when one is missing).
 */
export function retainedCoverage(retained, t0, required) {
  let missing = 0;
  let full = 0;
  for (const topic of required) {
    const t = retained.get(topic);
    if (t === undefined) missing += 1;
    else if (t - t0 > full) full = t - t0;
  }
  return { missing, fullMs: missing ? null : full };
}

/** Waits until `sub` has received no retained message for `quietMs` (its retained burst is over). */
async function retainedBurst(sub, quietMs = 1500, timeoutMs = 30000) {
  await sub.settled;
  if (sub.failed) return;
  const t0 = now();
  let last = -1;
  let lastChange = now();
  while (now() - t0 < timeoutMs) {
    if (sub.retained.size !== last) {
      last = sub.retained.size;
      lastChange = now();
    } else if (now() - lastChange >= quietMs) return;
    await sleep(100);
  }
}

function probePublisher(env) {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(env.tcpUrl, {
      protocolVersion: 4,
      clean: true,
      clientId: `citymap-load-probe-${process.pid}`,
      username: env.MQTT_USER,
      password: env.password,
      reconnectPeriod: 0,
      connectTimeout: 10000,
    });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
    c.once('close', () => reject(new Error('the probe publisher could not connect')));
  });
}

/**
 * The outside observer: mosquitto_sub (anonymous, MQTT/TCP) prints every probe with its arrival
 * time (%U, the system clock, as the probes' send time); latency() parses what it printed.
 */
function startObserver(env) {
  const child = spawn('mosquitto_sub', ['-h', env.MQTT_HOST, '-p', env.MQTT_PORT, '-q', '0', '-t', PROBE_TOPIC,
    '-i', `citymap-load-observer-${process.pid}`, '-F', '%U %x'], { stdio: ['ignore', 'pipe', 'ignore'], env: childEnv({}) });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.on('error', () => {});
  return {
    child,
    stop: () => child.kill('SIGTERM'),
    latencies(m) {
      const lat = [];
      for (const [, sec, hex] of out.matchAll(/(\d+\.\d+) ([0-9a-f]{32})/g)) {
        const p = Buffer.from(hex, 'hex');
        const seq = p.readDoubleLE(0);
        if (seq >= m.firstProbe && seq <= m.lastProbe) lat.push(Number(sec) * 1000 - p.readDoubleLE(8));
      }
      return lat;
    },
  };
}

function countLog(file, re) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter((l) => re.test(l)).length;
  } catch {
    return null;
  }
}

/**
 * The whole measurement: broker, simulator, reference subscriber, N clients ramped up in
 * batches, the window with probes, a second reference, the teardown (also on failure). Returns
 * the result object (written as JSON by main). `log(line)` reports progress.
 */
export async function runLoad(options = {}, log = () => {}) {
  const o = { ...DEFAULTS, ...options };
  const exactFd = !!o.fdLimit;
  if (!o.fdLimit) o.fdLimit = Math.max(4096, 2 * o.clients + 1024);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'citymap-broker-load-'));
  const brokerDir = path.join(work, 'broker');
  const simDir = path.join(work, 'feedsim');
  const sim = { brokerDir, simDir, feedsim: o.feedsim, dataDir: o.dataDir, speedup: o.speedup };
  const subs = [];
  const refs = [];
  let probe = null;
  let observer = null;
  let sampler = null;
  let brokerStarted = false;
  let simStarted = false;
  const cleanup = async () => {
    for (const s of [...refs, ...subs]) s.end();
    if (probe) probe.end(true);
    if (observer) observer.stop();
    if (sampler) sampler.stop();
    if (simStarted) await stopTyphoon(sim).catch((e) => log(`stopping the simulator: ${e.message}`));
    if (brokerStarted) await stopBroker(brokerDir).catch((e) => log(`stopping the broker: ${e.message}`));
    fs.rmSync(work, { recursive: true, force: true });
  };
  runLoad.cleanup = cleanup; // for a signal handler
  try {
    brokerStarted = true;
    const env = await startBroker(brokerDir, o.fdLimit, exactFd);
    log(`broker pid ${env.pid} ${env.wsUrl} (open files limit ${env.fdLimit})`);
    simStarted = true;
    const simPid = await startTyphoon(sim);
    log(`simulator pid ${simPid}: typhoon, speedup ${o.speedup}; warming up ${o.warmupS} s`);
    const t0 = now();
    sampler = new Sampler({ broker: env.pid, feedsim: simPid });
    sampler.t0 = t0;
    sampler.phase = 'warmup';
    await sleep(o.warmupS * 1000);

    const filter = topicFilter('danang');
    const m = {
      inWindow: false, firstProbe: Infinity, lastProbe: -Infinity, latencies: [], probeMax: [],
      ages: new MsHistogram(), refAges: [],
    };
    // Reference before the load: its retained set is the state every client must get.
    const first = new Subscriber(-1, env.wsUrl, filter, m);
    refs.push(first);
    await retainedBurst(first);
    if (first.failed) throw new Error(`reference subscriber: ${first.failed}`);
    log(`reference subscriber: ${first.retained.size} retained topics`);
    // The probe publisher and the observer connect before the load, as publishers do.
    probe = await probePublisher(env);
    observer = startObserver(env);

    // Ramp up in batches; each batch subscribes (or fails) before the next opens.
    sampler.phase = 'ramp';
    const rampStart = now();
    for (let i = 0; i < o.clients; i += o.batch) {
      const batch = [];
      for (let j = i; j < Math.min(o.clients, i + o.batch); j++) batch.push(new Subscriber(j, env.wsUrl, filter, m));
      subs.push(...batch);
      await Promise.all(batch.map((s) => s.settled));
      if ((i / o.batch) % 10 === 9 || i + o.batch >= o.clients) {
        log(`${subs.length} clients opened, ${subs.filter((s) => s.subackMs != null).length} subscribed, ` +
          `${subs.filter((s) => s.failed).length} failed (${round((now() - rampStart) / 1000)} s)`);
      }
      await sleep(o.batchPauseMs);
    }
    const rampS = (now() - rampStart) / 1000;

    // The measuring window: probes every probeMs; feed messages counted at every client.
    sampler.phase = 'window';
    log(`measuring for ${o.seconds} s`);
    const payload = Buffer.alloc(16);
    let seq = 0;
    m.firstProbe = 0;
    m.lastProbe = Math.floor((o.seconds * 1000) / o.probeMs) - 1;
    m.inWindow = true;
    const windowStart = now();
    let published = 0;
    await new Promise((resolve) => {
      const tick = () => {
        if (seq > m.lastProbe) {
          resolve();
          return;
        }
        payload.writeDoubleLE(seq, 0);
        payload.writeDoubleLE(performance.timeOrigin + now(), 8);
        probe.publish(PROBE_TOPIC, Buffer.from(payload), { qos: 1, retain: false }, (err) => {
          if (!err) published += 1;
        });
        seq += 1;
        setTimeout(tick, Math.max(0, windowStart + seq * o.probeMs - now()));
      };
      tick();
    });
    const windowS = (now() - windowStart) / 1000;
    m.inWindow = false;
    sampler.phase = 'grace';
    await sleep(o.graceMs);

    // A reference after the load: a topic retained before and after, and never cleared in
    // between, is one every client must have received retained.
    sampler.phase = 'after';
    const last = new Subscriber(-2, env.wsUrl, filter, m);
    refs.push(last);
    await retainedBurst(last);
    sampler.stop();

    const cleared = new Set(first.cleared);
    // Without the second reference (it could not connect: the broker is out of sockets) the
    // first's set less what was cleared (a retained topic goes only by an empty message).
    const stable = requiredTopics(first.retained.keys(), (last.failed ? first : last).retained.keys(), cleared);
    const probesSent = m.lastProbe + 1;
    const perClient = subs.map((s) => ({ s, ...retainedCoverage(s.retained, s.t0, stable) }));
    const subscribed = subs.filter((s) => s.subackMs != null);
    const complete = perClient.filter((c) => c.s.subackMs != null && c.missing === 0);
    const liveRef = first.live;
    const liveRatios = subscribed.map((s) => (liveRef ? s.live / liveRef : 1));
    const probeCounts = subscribed.map((s) => s.probes);
    const kinds = {};
    for (const id of stable) {
      const k = topicNames[id].split('/')[3];
      kinds[k] = (kinds[k] || 0) + 1;
    }
    const failures = {};
    for (const s of subs) if (s.failed) failures[s.failed] = (failures[s.failed] || 0) + 1;
    const expectedProbes = probesSent * subscribed.length;
    const receivedProbes = probeCounts.reduce((a, b) => a + b, 0);
    const lat = roundAll(percentiles(m.latencies), 1);
    const observed = roundAll(percentiles(observer.latencies(m)), 1);
    const fanout = roundAll(percentiles(m.probeMax.filter((x) => x != null)), 1);
    const logFile = path.join(brokerDir, 'mosquitto.log');
    // The simulator's own count of messages handed to libmosquitto, every 10 s.
    let simRates = [];
    try {
      simRates = [...fs.readFileSync(path.join(simDir, 'feedsim.log'), 'utf8').matchAll(/ (\d+) msg\/s /g)].map((x) => Number(x[1]));
    } catch {}
    // The reference's feed age through the window, in tenths: a backlog grows, a healthy one stays flat.
    const slices = [];
    for (let k = 0; k < 10; k++) {
      const a = windowStart + (k * windowS * 1000) / 10;
      const b = windowStart + ((k + 1) * windowS * 1000) / 10;
      const ages = m.refAges.filter(([t]) => t >= a && t < b).map(([, age]) => age);
      slices.push(round(percentiles(ages, [50]).p50, 0));
    }
    const result = {
      name: 'broker_load',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGb: round(os.totalmem() / 2 ** 30), node: process.version },
      config: {
        clients: o.clients, seconds: o.seconds, batch: o.batch, probeMs: o.probeMs, speedup: o.speedup,
        scenario: 'typhoon', filter, probeTopic: PROBE_TOPIC, brokerFdLimit: env.fdLimit,
        client: 'mqtt.js 3.1.1 over WebSocket, anonymous, clean session, QoS 0, keepalive 30 s, one node process',
      },
      ramp: {
        seconds: round(rampS),
        opened: subs.length,
        subscribed: subscribed.length,
        failed: subs.length - subscribed.length,
        failures,
        connackMs: roundAll(percentiles(subscribed.map((s) => s.connackMs)), 1),
        subackMs: roundAll(percentiles(subscribed.map((s) => s.subackMs)), 1),
      },
      retained: {
        referenceFirst: first.retained.size,
        referenceLast: last.failed ? `failed: ${last.failed}` : last.retained.size,
        clearedDuringRun: cleared.size,
        required: stable.length,
        requiredByKind: kinds,
        clientsComplete: complete.length,
        clientsIncomplete: subs.length - complete.length,
        missingTopicsTotal: perClient.reduce((a, c) => a + c.missing, 0),
        timeToFullMs: roundAll(percentiles(complete.map((c) => c.fullMs)), 1),
      },
      latency: {
        method: 'probe publisher (publisher account, MQTT/TCP QoS 1) → broker → every WebSocket client; send time in the payload',
        probesSent,
        probesPublishedAck: published,
        deliveriesExpected: expectedProbes,
        deliveriesReceived: receivedProbes,
        deliveryRatio: round(expectedProbes ? receivedProbes / expectedProbes : 1, 5),
        probeOutOfOrder: subs.reduce((a, s) => a + s.probeOutOfOrder, 0),
        ms: lat,
        lastClientMs: fanout, // per probe: the latency of the last client to receive it
        observerMs: observed, // mosquitto_sub over TCP, outside this process
        feedAge: {
          method: 'live feed messages at every client: receive time - timestamp_ms (made → received; ~0.1 s resolution)',
          ms: roundAll(m.ages.percentiles(), 0),
          referenceMedianByTenthOfWindowMs: slices,
        },
      },
      messages: {
        windowSeconds: round(windowS, 2),
        feedPerSecondReference: round(liveRef / windowS),
        perClientLive: roundAll(percentiles(subscribed.map((s) => s.live), [0, 1, 50]), 0),
        liveRatioToReference: roundAll(percentiles(liveRatios, [0, 1, 50]), 4),
        perClientTotal: roundAll(percentiles(subscribed.map((s) => s.messages), [0, 50]), 0),
        simulatorPublishedPerSecond: simRates,
        brokerDeliveriesPerSecond: round((subscribed.reduce((a, s) => a + s.live + s.probes, 0)) / windowS, 0),
      },
      disconnects: {
        clients: subs.filter((s) => s.closedAfterConnect > 0).length,
        total: subs.reduce((a, s) => a + s.closedAfterConnect, 0),
        referenceFirst: first.closedAfterConnect,
      },
      process: {
        ramp: sampler.summary('ramp'),
        window: sampler.summary('window'),
        brokerVmHwmMb: round(Math.max(...sampler.samples.map((x) => x.brokerHwmKb || 0)) / 1024),
        eventLoopDelayMs: roundAll({
          p50: sampler.loop.percentile(50) / 1e6, p99: sampler.loop.percentile(99) / 1e6, max: sampler.loop.max / 1e6,
        }),
      },
      brokerLog: {
        droppedOutgoing: countLog(logFile, /Outgoing messages are being dropped/),
        disconnected: countLog(logFile, /disconnected|Socket error|exceeded timeout/i),
        errors: countLog(logFile, /error/i),
      },
      samples: sampler.samples,
    };
    result.verdict = verdict(result);
    return result;
  } finally {
    await cleanup();
    runLoad.cleanup = null;
  }
}

/** Whether one broker (and this measuring process) was "fine" at this count, and why not. */
export function verdict(r) {
  const problems = [];
  if (r.ramp.failed) problems.push(`${r.ramp.failed} client(s) failed to connect/subscribe`);
  if (r.disconnects.total) problems.push(`${r.disconnects.total} disconnect(s)`);
  if (r.retained.clientsIncomplete) problems.push(`${r.retained.clientsIncomplete} client(s) without the full retained state`);
  if (r.latency.deliveryRatio < 0.999) problems.push(`probe delivery ${(100 * r.latency.deliveryRatio).toFixed(2)} %`);
  if (r.messages.liveRatioToReference.p1 != null && r.messages.liveRatioToReference.p1 < 0.99)
    problems.push(`1 % of clients got < ${(100 * r.messages.liveRatioToReference.p1).toFixed(1)} % of the reference's feed messages`);
  if (r.latency.ms.p95 == null || r.latency.ms.p95 > 1000) problems.push(`probe latency p95 ${r.latency.ms.p95} ms > 1 s`);
  // A backlog before the broker shows as feed messages getting older through the window. With
  // few clients their age is ~0.1 s; the simulator emits each 5-simulated-second step at once, so
  // with many clients a step's burst takes a while to fan out: 3 s for the p95 is the bound.
  const slices = r.latency.feedAge.referenceMedianByTenthOfWindowMs.filter((x) => x != null);
  const growth = slices.length >= 2 ? slices[slices.length - 1] - slices[0] : 0;
  const age = r.latency.feedAge.ms;
  if (growth > 1000) problems.push(`feed messages aged ${round(growth / 1000)} s more through the window (a backlog before the broker)`);
  else if (age.p95 != null && age.p95 > 3000) problems.push(`feed message age p95 ${age.p95} ms > 3 s (slow fan-out)`);
  if (r.process.window.brokerCpuAvgPct > 80) problems.push(`broker CPU ${r.process.window.brokerCpuAvgPct} % of a core`);
  if (r.process.window.nodeCpuAvgPct > 90) problems.push(`measuring process at ${r.process.window.nodeCpuAvgPct} % of a core (it may be the limit)`);
  return { fine: problems.length === 0, problems };
}

/** A readable summary of a result. */
export function summarize(r) {
  const w = r.process.window;
  const L = r.latency.ms;
  const lines = [
    `broker_load: ${r.config.clients} WebSocket clients, ${r.retained.required} retained topics required, ` +
      `typhoon ×${r.config.speedup}, ${r.messages.windowSeconds} s window (${r.machine.cpus} CPUs)`,
    `  ramp        ${r.ramp.subscribed}/${r.ramp.opened} subscribed in ${r.ramp.seconds} s` +
      `${r.ramp.failed ? `, failures ${JSON.stringify(r.ramp.failures)}` : ''}; CONNACK p50 ${r.ramp.connackMs.p50} ms, SUBACK p95 ${r.ramp.subackMs.p95} ms`,
    `  retained    ${r.retained.clientsComplete}/${r.ramp.opened} clients complete; time to full state ` +
      `p50 ${r.retained.timeToFullMs.p50} / p95 ${r.retained.timeToFullMs.p95} / max ${r.retained.timeToFullMs.max} ms`,
    `  latency     p50 ${L.p50} / p95 ${L.p95} / p99 ${L.p99} / max ${L.max} ms over ${L.n} deliveries ` +
      `(${(100 * r.latency.deliveryRatio).toFixed(2)} % of ${r.latency.deliveriesExpected}); last client per probe p95 ${r.latency.lastClientMs.p95} ms`,
    `  observer    (mosquitto_sub, TCP, outside node) p50 ${r.latency.observerMs.p50} / p95 ${r.latency.observerMs.p95} / max ${r.latency.observerMs.max} ms over ${r.latency.observerMs.n} probes`,
    `  feed age    p50 ${r.latency.feedAge.ms.p50} / p95 ${r.latency.feedAge.ms.p95} / max ${r.latency.feedAge.ms.max} ms; ` +
      `reference's median by tenth of the window: ${r.latency.feedAge.referenceMedianByTenthOfWindowMs.join(' ')}`,
    `  messages    feed ${r.messages.feedPerSecondReference}/s per client; per client min ${r.messages.perClientLive.p0} / ` +
      `median ${r.messages.perClientLive.p50} (reference ${Math.round(r.messages.feedPerSecondReference * r.messages.windowSeconds)}); ` +
      `broker sends ${r.messages.brokerDeliveriesPerSecond}/s; simulator ${r.messages.simulatorPublishedPerSecond.join(' ')} msg/s`,
    `  disconnects ${r.disconnects.total} (clients ${r.disconnects.clients}); broker log: ${r.brokerLog.droppedOutgoing} "dropped" lines`,
    `  broker      CPU avg ${w.brokerCpuAvgPct} % / max ${w.brokerCpuMaxPct} % of a core; RSS ${w.brokerRssEndMb} MiB ` +
      `(VmHWM ${r.process.brokerVmHwmMb} MiB); simulator ${w.feedsimCpuAvgPct} %`,
    `  node        CPU avg ${w.nodeCpuAvgPct} % / max ${w.nodeCpuMaxPct} %; RSS max ${w.nodeRssMaxMb} MiB; event loop delay p99 ${r.process.eventLoopDelayMs.p99} ms`,
    `  machine     all processes ${w.systemCpuAvgPct} % of one core (of ${r.machine.cpus * 100} %), others ${w.otherCpuAvgPct} %; simulator RSS max ${w.feedsimRssMaxMb} MiB`,
    `  verdict     ${r.verdict.fine ? 'fine' : 'NOT fine: ' + r.verdict.problems.join('; ')}`,
  ];
  return lines.join('\n');
}

const USAGE = `usage: node tests/bench/broker_load.mjs [options]

Starts a Mosquitto broker (tools/broker/start.sh, temporary folder, free ports) and the typhoon
scenario (tools/scenario.sh), opens N mqtt.js WebSocket subscribers like the page's feed worker,
checks that each receives the full retained state, measures probe latency at every client over
the window, samples the broker's CPU and memory, and prints a summary (JSON with --out).

options:
  --clients N        subscribers (default ${DEFAULTS.clients})
  --seconds S        measuring window (default ${DEFAULTS.seconds})
  --batch N          clients opened at once while ramping up (default ${DEFAULTS.batch})
  --probe-ms MS      one latency probe every MS (default ${DEFAULTS.probeMs})
  --speedup X        the typhoon's speed-up (default ${DEFAULTS.speedup}, as tools/scenario.sh)
  --fd-limit N       set the broker's open-files soft limit to N (default: raise it to at least
                     max(4096, 2N + 1024), capped by the hard limit)
  --out FILE         write the JSON result to FILE (default: print it)
  -h, --help

environment: CITYMAP_FEEDSIM (default build/native/tools/feedsim/citymap-feedsim),
CITYMAP_DATA_DIR (default ../shared/data/danang).
exit status: 0 measured (whatever the verdict), 1 failure, 2 usage, ${SKIP_CODE} skipped (no data, mosquitto or simulator).`;

async function main() {
  let args;
  try {
    args = parseArgs({
      options: {
        clients: { type: 'string' }, seconds: { type: 'string' }, batch: { type: 'string' },
        'probe-ms': { type: 'string' }, speedup: { type: 'string' }, 'fd-limit': { type: 'string' },
        out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    console.error(`${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const num = (v, d, name) => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) {
      console.error(`--${name}: expected a positive number, got ${v}\n\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  const options = {
    clients: Math.round(num(args.clients, DEFAULTS.clients, 'clients')),
    seconds: num(args.seconds, DEFAULTS.seconds, 'seconds'),
    batch: Math.round(num(args.batch, DEFAULTS.batch, 'batch')),
    probeMs: num(args['probe-ms'], DEFAULTS.probeMs, 'probe-ms'),
    speedup: num(args.speedup, DEFAULTS.speedup, 'speedup'),
    fdLimit: Math.round(num(args['fd-limit'], 0, 'fd-limit')),
  };
  const missing = missingPrerequisite();
  if (missing) {
    console.log(`SKIPPED: ${missing}`);
    process.exit(SKIP_CODE);
  }
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      console.error(`broker_load: ${sig}, stopping the simulator and the broker`);
      if (runLoad.cleanup) await runLoad.cleanup().catch(() => {});
      process.exit(130);
    });
  }
  const result = await runLoad(options, (line) => console.error(`[broker_load] ${line}`));
  const json = JSON.stringify(result, null, 1);
  if (args.out) fs.writeFileSync(args.out, json + '\n');
  else console.log(json);
  console.error(summarize(result));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`broker_load: ${e.stack || e}`);
    process.exit(1);
  });
}
