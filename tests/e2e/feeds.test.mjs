// Live feeds in the browser, end to end: the simulator publishes to a real Mosquitto broker,
// the page subscribes over WebSocket (mqtt.js in its feed worker) and the core's feed summary reaches
// window.citymap.state.feed; alerts are announced in the ARIA live regions; the broker goes
// away and comes back; malformed payloads are counted and dropped; anonymous clients cannot
// publish.
//   CITYMAP_SITE=... CITYMAP_FIXTURES=... CITYMAP_BROKER_DIR=... CITYMAP_FEEDSIM=... CITYMAP_DATA_DIR=...
//   node --test tests/e2e/feeds.test.mjs
// (ctest starts the broker: fixture browser_feeds_broker in tests/e2e/CMakeLists.txt.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import mqtt from 'mqtt';
import { collectProblems, launch, resolveUrl, runCleanup, waitForIdle } from './lib/browser.mjs';
import {
  countMessages, danangDay, isWebSocketFailure, publishAsPublisher, readBrokerEnv, restartBroker, startSim, stopBroker,
  stopSim, waitForFeed,
} from './lib/feeds.mjs';

const site = process.env.CITYMAP_SITE || path.resolve('build/wasm/site');
const fixtures = process.env.CITYMAP_FIXTURES || path.resolve('build/native/tests/render/fixtures');
const brokerDir = process.env.CITYMAP_BROKER_DIR || path.resolve('build/broker');
const feedsim = process.env.CITYMAP_FEEDSIM || path.resolve('build/native/tools/feedsim/citymap-feedsim');
const dataDir = process.env.CITYMAP_DATA_DIR || path.resolve('../shared/data/danang');

const missing = [
  [path.join(site, 'index.html'), 'the site'],
  [path.join(fixtures, 'basic'), 'the render fixtures'],
  [path.join(brokerDir, 'broker.env'), 'a running broker (tools/broker/start.sh)'],
  [feedsim, 'citymap-feedsim'],
  [path.join(dataDir, 'README.md'), 'the Da Nang data'],
].filter(([p]) => !fs.existsSync(p)).map(([, what]) => what);
const skip = missing.length ? `missing: ${missing.join(', ')}` : false;

test.after(() => runCleanup());

// A page on the synthetic fixture tiles (the feeds are Da Nang's; the map under them does not
// matter here), subscribed to the test broker.
async function openPage(env, { lang = 'en', extra = '' } = {}) {
  const url = await resolveUrl({
    url: `?tiles=/fixtures/basic/&ui=0&lng=108.21&lat=16.06&zoom=14&lang=${lang}&feed=${encodeURIComponent(env.wsUrl)}${extra}`,
    root: site,
    mounts: [`/fixtures=${fixtures}`],
  });
  const { page } = await launch({ width: 640, height: 480 });
  const problems = collectProblems(page, { echo: false });
  // Every MQTT packet the page (its feed worker) sends, to check what it says to the broker.
  const sent = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(Buffer.from(f.payload))));
  await page.goto(url, { waitUntil: 'load' });
  await waitForIdle(page, { problems, timeout: 60000 });
  return { page, problems, sent };
}

// MQTT packets of the frames a page sent: [type, flags byte of a CONNECT (else null)].
function mqttPackets(frames) {
  const out = [];
  for (const f of frames) {
    let at = 0;
    while (at < f.length) {
      const type = f[at] >> 4;
      let len = 0, mul = 1, i = at + 1;
      for (; i < f.length; i++, mul *= 128) {
        len += (f[i] & 127) * mul;
        if (!(f[i] & 128)) break;
      }
      const body = i + 1;
      // CONNECT: protocol name (2 + 4 bytes "MQTT"), level, then the connect flags.
      out.push([type, type === 1 ? f[body + 7] : null]);
      at = body + len;
    }
  }
  return out;
}

// Publishes once as an anonymous MQTT 3.1.1 client over WebSocket, as the page's transport
// connects; resolves with 'sent' or the error.
function publishAnonymously(wsUrl, topic, payload) {
  return new Promise((resolve) => {
    const client = mqtt.connect(wsUrl, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10000 });
    const done = (result) => {
      client.end(true);
      resolve(result);
    };
    client.on('error', (e) => done(String((e && e.message) || e)));
    client.on('connect', () => {
      client.publish(topic, payload, { qos: 1, retain: true }, (err) => done(err ? String(err.message || err) : 'sent'));
    });
  });
}

const regions = (page) =>
  page.evaluate(() => ({
    polite: document.getElementById('feed-announce').textContent,
    urgent: document.getElementById('feed-alert').textContent,
    politeRole: document.getElementById('feed-announce').getAttribute('role'),
    urgentRole: document.getElementById('feed-alert').getAttribute('role'),
    simulatedNote: (() => {
      const el = document.getElementById('feed-simulated');
      return el.checkVisibility() ? el.textContent : null;
    })(),
    attribution: document.getElementById('attribution').textContent,
    lang: document.documentElement.lang,
  }));

test('normal day: the page connects and shows the simulated feeds', { skip, timeout: 180000 }, async () => {
  const env = readBrokerEnv(brokerDir);
  // 08:00 local: buses are on the road whatever the time the test runs.
  const sim = await startSim({ bin: feedsim, dataDir, env, scenario: 'normal', start: `${danangDay()}T08:00`, duration: 150 });
  const { page, problems, sent } = await openPage(env);
  const feed = await waitForFeed(
    page,
    (f) => f.connection.state === 'connected' && f.simulated && f.entities.traffic > 0 && f.entities.sensor >= 45 &&
      f.entities.shelter > 0 && f.entities.bus > 0,
    { what: 'connected with traffic, sensors, shelters and buses', problems, timeout: 90000 },
  );
  assert.equal(feed.connection.url, env.wsUrl);
  assert.equal(feed.connection.attempt, 0);
  assert.ok(feed.accepted > 0 && feed.received >= feed.accepted, JSON.stringify(feed));
  assert.ok(feed.newestAgeMs >= 0 && feed.newestAgeMs < 60000, `newestAgeMs ${feed.newestAgeMs}`);
  const r = await regions(page);
  assert.equal(r.simulatedNote, 'Simulated data');
  assert.equal(r.politeRole, 'status');
  assert.equal(r.urgentRole, 'alert');
  // The page connects anonymously (no user name, no password: publisher credentials never
  // reach the browser), subscribes, and never publishes.
  const packets = mqttPackets(sent);
  const connects = packets.filter(([type]) => type === 1);
  assert.ok(connects.length >= 1, `the page's CONNECT was seen (${packets.length} packets)`);
  for (const [, flags] of connects) assert.equal(flags & 0xc0, 0, 'CONNECT without user name or password');
  assert.ok(packets.some(([type]) => type === 8), 'the page subscribed (SUBSCRIBE seen)');
  assert.deepEqual(packets.filter(([type]) => type === 3), [], 'the page never publishes');
  await stopSim(sim.child);
  assert.deepEqual(problems.errors, []);
  await page.context().close();
});

test('typhoon: alerts in Vietnamese and English, announced in the ARIA live regions', { skip, timeout: 180000 }, async () => {
  const env = readBrokerEnv(brokerDir);
  const sim = await startSim({ bin: feedsim, dataDir, env, scenario: 'typhoon', speedup: 60, duration: 150 });
  for (const lang of ['en', 'vi']) {
    const { page, problems } = await openPage(env, { lang });
    const feed = await waitForFeed(
      page,
      (f) => f.connection.state === 'connected' && f.simulated && f.alerts.length > 0 && f.entities.sensor >= 45,
      { what: 'typhoon alerts', problems, timeout: 90000 },
    );
    for (const a of feed.alerts) {
      assert.ok(a.titleVi && a.titleEn, `alert ${a.id} has both titles: ${JSON.stringify(a)}`);
      assert.ok(['info', 'minor', 'moderate', 'severe', 'extreme'].includes(a.severity), a.severity);
      assert.ok(Number.isSafeInteger(a.id) && a.id > 0, String(a.id));
    }
    const storm = feed.alerts.find((a) => a.kind === 'storm');
    assert.ok(storm, `a storm alert: ${JSON.stringify(feed.alerts.map((a) => a.titleEn))}`);
    // The announcement (once the page has handled this summary) names an alert in the page's language.
    let r;
    for (let i = 0; i < 50; i++) {
      r = await regions(page);
      if (r.polite || r.urgent) break;
      await page.waitForTimeout(100);
    }
    assert.equal(r.lang, lang);
    const titles = feed.alerts.map((a) => (lang === 'vi' ? a.titleVi : a.titleEn));
    const spoken = `${r.urgent} ${r.polite}`;
    assert.ok(titles.some((t) => spoken.includes(t)), `ARIA regions ${JSON.stringify(r)} name one of ${JSON.stringify(titles)}`);
    if (storm.severity === 'severe' || storm.severity === 'extreme') assert.ok(r.urgent.length > 0, 'severe: role=alert region');
    assert.equal(r.simulatedNote, lang === 'vi' ? 'Dữ liệu mô phỏng' : 'Simulated data');
    // A click on an alert's marker opens its card: a live entity with its current state.
    const placed = feed.alerts.find((a) => a.lng !== null && a.lat !== null);
    assert.ok(placed, 'an alert with a position');
    await page.evaluate(({ lng, lat }) => window.citymap.jumpTo({ lng, lat, zoom: 15 }), placed);
    await waitForIdle(page, { problems, timeout: 60000 });
    await page.mouse.click(320, 240);
    await page.waitForFunction(() => window.citymap.state.ui && window.citymap.state.ui.selection, null, { timeout: 10000 });
    const card = await page.evaluate(() => window.citymap.state.ui.selection);
    assert.match(card.id, /^live\/\d+$/, JSON.stringify(card));
    assert.equal(card.kind, lang === 'vi' ? 'Trực tiếp' : 'Live');
    assert.ok(card.title.length > 0 && card.live.length > 0, JSON.stringify(card));
    assert.ok(Math.abs(card.lng - placed.lng) < 0.002 && Math.abs(card.lat - placed.lat) < 0.002, JSON.stringify(card));
    assert.deepEqual(problems.errors, []);
    await page.context().close();
  }
  await stopSim(sim.child);
});

test('the broker goes away and comes back: reconnecting, then connected with the retained state', { skip, timeout: 180000 }, async () => {
  const env = readBrokerEnv(brokerDir);
  const sim = await startSim({ bin: feedsim, dataDir, env, scenario: 'normal', start: `${danangDay()}T08:00`, duration: 150 });
  const { page, problems } = await openPage(env);
  const before = await waitForFeed(page, (f) => f.connection.state === 'connected' && f.entities.sensor >= 45,
    { what: 'connected', problems });
  try {
    await stopBroker(env.dir);
    const lost = await waitForFeed(page, (f) => f.connection.state === 'reconnecting' && f.connection.attempt >= 1,
      { what: 'reconnecting', problems, timeout: 30000 });
    assert.ok(lost.connection.detail.length > 0, 'a reason is given');
    assert.ok(lost.connection.retryInMs >= 250 && lost.connection.retryInMs <= 30000, `retry in ${lost.connection.retryInMs} ms`);
    // Stay away long enough for a few backoff steps.
    await page.waitForTimeout(2500);
  } finally {
    await restartBroker(env);
  }
  const back = await waitForFeed(
    page,
    `(f) => f.connection.state === 'connected' && f.connection.attempt === 0 && f.received >= ${before.received + 45}`,
    { what: 'connected again with the retained catch-up', problems, timeout: 60000 },
  );
  assert.ok(back.entities.sensor >= 45);
  await stopSim(sim.child);
  // The browser itself logs the refused WebSocket connections; nothing else may go wrong.
  assert.deepEqual(problems.errors.filter((e) => !isWebSocketFailure(e)), []);
  await page.context().close();
});

test('batched traffic: the worker splits the publishers\' batches; a malformed batch is counted, never applied', { skip, timeout: 180000 }, async () => {
  const env = readBrokerEnv(brokerDir);
  const { page, problems } = await openPage(env);
  await waitForFeed(page, (f) => f.connection.state === 'connected', { what: 'connected', problems });
  // The load mode: 2,000 updates/s in batches on .../traffic/batch, the first pass retained.
  const sim = await startSim({ bin: feedsim, dataDir, env, duration: 60, args: ['--only', 'traffic', '--traffic-rate', '2000', '--quiet'] });
  try {
    const feed = await waitForFeed(page, (f) => f.entities.traffic >= 700 && f.received > 6000,
      { what: 'traffic from the batches', problems, timeout: 60000 });
    assert.ok(feed.accepted > 6000, JSON.stringify(feed));
    // Many updates per MQTT message once the retained catch-up is in, split in the worker
    // (~27 per batch, and a few retained singles); nothing framed badly.
    const w0 = await page.evaluate(() => ({ ...window.citymap.state.feedWorker }));
    await new Promise((r) => setTimeout(r, 3000));
    const worker = await page.evaluate(() => ({ ...window.citymap.state.feedWorker }));
    const updates = worker.updatesInWorker - w0.updatesInWorker, mqttMessages = worker.mqttMessages - w0.mqttMessages;
    assert.ok(updates > 3000 && updates > 8 * mqttMessages, JSON.stringify({ updates, mqttMessages, worker }));
    assert.equal(worker.malformedBatches, 0);
    assert.ok(worker.supersededInWorker >= 0);
    // A batch the worker cannot split goes to the core, which refuses it whole with a reason.
    const before = await page.evaluate(() => window.citymap.state.feed.droppedMalformed);
    const broken = Buffer.concat([Buffer.from([8, 0, 0, 0]), Buffer.from('CMB1'), Buffer.alloc(60, 0xff)]);
    await publishAsPublisher(env, 'citymap/v1/danang/traffic/batch', broken);
    await waitForFeed(page, `(f) => f.droppedMalformed >= ${before + 1}`, { what: 'the broken batch counted', problems, timeout: 30000 });
    const after = await page.evaluate(() => window.citymap.state.feed);
    assert.equal(after.connection.state, 'connected');
  } finally {
    await stopSim(sim);
  }
  assert.deepEqual(problems.errors, []);
});

test('malformed and unknown payloads are counted and dropped; anonymous publishes are refused', { skip, timeout: 120000 }, async () => {
  const env = readBrokerEnv(brokerDir);
  const { page, problems } = await openPage(env);
  const before = await waitForFeed(page, (f) => f.connection.state === 'connected', { what: 'connected', problems });
  const junk = [
    Buffer.from('abc'), // too short
    Buffer.from('definitely not a flatbuffer, just text'),
    Buffer.concat([Buffer.from([8, 0, 0, 0]), Buffer.from('CMF1'), Buffer.alloc(40, 0xff)]), // corrupt
  ];
  for (const [i, payload] of junk.entries()) {
    await publishAsPublisher(env, `citymap/v1/danang/sensor/${900001 + i}`, payload);
  }
  // A newer format (identifier CMF2): unknown, not malformed.
  await publishAsPublisher(env, 'citymap/v1/danang/sensor/900010',
    Buffer.concat([Buffer.from([8, 0, 0, 0]), Buffer.from('CMF2'), Buffer.alloc(16)]));
  const after = await waitForFeed(
    page,
    `(f) => f.droppedMalformed >= ${before.droppedMalformed + junk.length} && f.droppedUnknown >= ${before.droppedUnknown + 1}`,
    { what: 'the junk counted', problems, timeout: 30000 },
  );
  assert.equal(after.connection.state, 'connected');
  assert.ok(after.dropped >= before.dropped + junk.length + 1);

  // Anonymous clients may not publish. The page's own connection lives in its feed worker, which
  // has no way to publish at all; an anonymous MQTT-over-WebSocket client like it (mqtt.js, on
  // the same listener) tries: the broker drops it, so a fresh subscriber sees nothing on that
  // topic, neither live nor retained.
  const topic = 'citymap/v1/danang/sensor/900099';
  const seen = countMessages(env, topic, 3000);
  await new Promise((r) => setTimeout(r, 500));
  const published = await publishAnonymously(env.wsUrl, topic, Buffer.from('anonymous'));
  assert.ok(published === 'sent' || /not authori[sz]ed/i.test(published), published);
  assert.equal(await seen, 0, 'the anonymous publish must not reach subscribers');
  assert.equal(await countMessages(env, topic, 1000), 0, 'nor be retained');
  // Positive control: the same subscription does see a message from the publisher account, so
  // the zero above means refused, not "nothing could have been seen".
  const control = 'citymap/v1/danang/sensor/900098';
  const controlSeen = countMessages(env, control, 3000);
  await new Promise((r) => setTimeout(r, 500));
  await publishAsPublisher(env, control, Buffer.from('control'));
  assert.equal(await controlSeen, 1, 'the publisher account\'s message reaches the same kind of subscriber');

  // The page's transport counters: everything arrived in well-framed batches.
  const worker = await page.evaluate(() => ({ ...window.citymap.state.feedWorker }));
  assert.ok(worker.batches > 0 && worker.messages >= junk.length + 1, JSON.stringify(worker));
  assert.equal(worker.malformedBatches, 0);
  assert.equal(worker.droppedInWorker, 0);
  // The core's entry point refuses a batch that does not frame (a topic length running past
  // its end) and applies nothing of it.
  const refused = await page.evaluate(() => {
    const bytes = [1, 0, 0x61, 0, 0, 0, 0, /* then: */ 9, 0, 0x61]; // one message, then a 9-byte topic with 1 byte left
    const ptr = Module._malloc(bytes.length);
    Module.HEAPU8.set(bytes, ptr);
    const n = Module._citymap_feed_batch(ptr, bytes.length);
    const whole = Module._citymap_feed_batch(ptr, 7); // the first message alone frames (topic "a": not a feed topic, dropped as unknown)
    Module._free(ptr);
    return { n, whole };
  });
  assert.deepEqual(refused, { n: -1, whole: 1 });

  const state = await page.evaluate(() => ({ error: window.citymap.state.error, ready: window.citymap.state.ready }));
  assert.deepEqual(state, { error: null, ready: true });
  assert.deepEqual(problems.errors, []);
  await page.context().close();
});
