// The page's own scripts (web/feed.js, web/feed_batch.js, web/i18n.js) under node: the
// reconnect policy is the core's (feeds::Backoff), the feed URL and topic come from the query
// string, the feed worker's batch framing and batching, the page language and the alert
// announcements.
import assert from 'node:assert/strict';
import test from 'node:test';
import {
  BACKOFF, State, allowedOrigins, backoffDelayMs, feedUrlFromQuery, historyFilter, originAllowed, stateNames, styleFromQuery,
  tilesFromQuery, topicFilter,
} from '../../web/feed.js';
import { BatchWriter, FRAME_HEADER_BYTES, FeedBatcher, MAX_TOPIC_BYTES, splitFeedBatch } from '../../web/feed_batch.js';
import { TEXT, announcement, pageLanguage } from '../../web/i18n.js';
import { GROUPS, KEYS, toggleHidden } from '../../web/controls.js';
import { formatHash, parseHash, precisionFor, shareUrl, throttle, validHidden, validSelection } from '../../web/share.js';

test('backoff: 500 ms initial, doubling, 30 s cap, full jitter (as core/feeds/connection.hpp)', () => {
  assert.deepEqual({ ...BACKOFF }, { initialMs: 500, maxMs: 30000 });
  // attempt n waits in [250, min(30000, 500 * 2^(n-1))]
  assert.equal(backoffDelayMs(1, 0), 250);
  assert.equal(backoffDelayMs(1, 1), 500);
  assert.equal(backoffDelayMs(2, 1), 1000);
  assert.equal(backoffDelayMs(3, 1), 2000);
  assert.equal(backoffDelayMs(7, 1), 30000); // 32000 capped
  assert.equal(backoffDelayMs(50, 1), 30000);
  assert.equal(backoffDelayMs(50, 0), 250);
  assert.equal(backoffDelayMs(3, 0.5), 250 + (2000 - 250) * 0.5);
  // Draws outside [0, 1] are clamped.
  assert.equal(backoffDelayMs(2, -3), 250);
  assert.equal(backoffDelayMs(2, 7), 1000);
  for (let n = 1; n < 20; n++) {
    for (const u of [0, 0.3, 0.999]) {
      const d = backoffDelayMs(n, u);
      assert.ok(d >= 250 && d <= 30000 && d <= 500 * 2 ** (n - 1), `attempt ${n}: ${d}`);
    }
  }
});

test('connection states are numbered as feeds::ConnectionState', () => {
  assert.deepEqual({ ...State }, { off: 0, connecting: 1, connected: 2, reconnecting: 3 });
  assert.deepEqual(stateNames, ['off', 'connecting', 'connected', 'reconnecting']);
});

test('feed URL from the query string', () => {
  const http = { protocol: 'http:', hostname: 'map.example.org' };
  const https = { protocol: 'https:', hostname: 'map.example.org' };
  const q = (s) => new URLSearchParams(s);
  assert.deepEqual(feedUrlFromQuery(q(''), http), { url: 'ws://map.example.org:9001/' });
  assert.deepEqual(feedUrlFromQuery(q(''), https), { url: 'wss://map.example.org:9001/' });
  assert.deepEqual(feedUrlFromQuery(q('feed=ws://map.example.org:1234/'), http), { url: 'ws://map.example.org:1234/' });
  // Another host only when the deployment allows its origin.
  const other = feedUrlFromQuery(q('feed=wss://broker.example.org/mqtt'), http);
  assert.equal(other.url, null);
  assert.equal(other.refused, true);
  assert.match(other.error, /refused, not this site's broker/);
  assert.deepEqual(feedUrlFromQuery(q('feed=wss://broker.example.org/mqtt'), http, allowedOrigins('wss://broker.example.org')),
    { url: 'wss://broker.example.org/mqtt' });
  assert.equal(feedUrlFromQuery(q('feed=wss://evil.example.net/'), http, allowedOrigins('wss://broker.example.org')).url, null);
  assert.equal(feedUrlFromQuery(q('feed=ws://127.0.0.1:1234/'), http).refused, true, 'not the page\'s host');
  assert.deepEqual(feedUrlFromQuery(q('feed=off'), http), { url: null });
  for (const bad of ['http://x/', 'nonsense', 'mqtt://host:1883']) {
    const r = feedUrlFromQuery(q('feed=' + encodeURIComponent(bad)), http);
    assert.equal(r.url, null);
    assert.match(r.error, /expected ws:\/\/host:port\/ or off/);
  }
});

test('tiles from a link: this site, or an allowed origin', () => {
  const loc = { protocol: 'https:', hostname: 'map.example.org', href: 'https://map.example.org/' };
  const q = (v) => new URLSearchParams(v);
  assert.deepEqual(tilesFromQuery(q(''), loc), { tiles: 'tiles/danang.pmtiles' });
  assert.deepEqual(tilesFromQuery(q('tiles=/fixtures/basic/'), loc), { tiles: '/fixtures/basic/' });
  assert.deepEqual(tilesFromQuery(q('tiles=https://map.example.org/x.pmtiles'), loc), { tiles: 'https://map.example.org/x.pmtiles' });
  const evil = tilesFromQuery(q('tiles=https://evil.example.net/fake.pmtiles'), loc);
  assert.equal(evil.tiles, 'tiles/danang.pmtiles');
  assert.equal(evil.refused, true);
  assert.deepEqual(tilesFromQuery(q('tiles=https://cdn.example.org/d.pmtiles'), loc, allowedOrigins('https://cdn.example.org nonsense')),
    { tiles: 'https://cdn.example.org/d.pmtiles' });
  assert.equal(originAllowed('//evil.example.net/x', loc), false, 'protocol-relative');
  assert.deepEqual(allowedOrigins(' wss://a.example.org/path  https://b.example.org:8443 bad '), ['wss://a.example.org', 'https://b.example.org:8443']);
  assert.equal(historyFilter('hue'), 'citymap/v1/hue-history/#');
});

test('style from a link: this site, or an allowed origin', () => {
  const loc = { protocol: 'https:', hostname: 'map.example.org', href: 'https://map.example.org/' };
  const q = (v) => new URLSearchParams(v);
  assert.deepEqual(styleFromQuery(q(''), loc), { style: 'styles/citymap.json' });
  assert.deepEqual(styleFromQuery(q('style=/case/style.json'), loc), { style: '/case/style.json' });
  const evil = styleFromQuery(q('style=https://evil.example.net/s.json'), loc);
  assert.equal(evil.style, 'styles/citymap.json');
  assert.equal(evil.refused, true);
  assert.match(evil.error, /refused/);
  assert.deepEqual(styleFromQuery(q('style=https://cdn.example.org/s.json'), loc, allowedOrigins('https://cdn.example.org')),
    { style: 'https://cdn.example.org/s.json' });
});

test('topic filter of a city', () => {
  assert.equal(topicFilter(null), 'citymap/v1/danang/#');
  assert.equal(topicFilter('hue'), 'citymap/v1/hue/#');
  assert.equal(topicFilter('da-nang-2'), 'citymap/v1/da-nang-2/#');
  // Not a valid city slug (docs/FEEDS.md): the default, never a wildcard or another tree.
  for (const bad of ['#', '+', 'a/b', 'DaNang', '', 'x'.repeat(33)]) assert.equal(topicFilter(bad), 'citymap/v1/danang/#');
});

test('page language: lang=vi|en, else the browser languages', () => {
  const q = (s) => new URLSearchParams(s);
  assert.equal(pageLanguage(q('lang=vi'), ['en-US']), 'vi');
  assert.equal(pageLanguage(q('lang=EN'), ['vi-VN']), 'en');
  assert.equal(pageLanguage(q(''), ['vi-VN', 'en']), 'vi');
  assert.equal(pageLanguage(q(''), ['en-GB', 'vi']), 'vi');
  assert.equal(pageLanguage(q(''), ['fr-FR', 'en']), 'en');
  assert.equal(pageLanguage(q('lang=de'), []), 'en');
});

test('alert announcements', () => {
  const a = (id, severity, titleVi, titleEn) => ({ id, severity, kind: 'flood', titleVi, titleEn, lng: 108.2, lat: 16 });
  assert.equal(announcement([], 'en'), '');
  const storm = a(1, 'severe', 'Bão đang tiến vào Đà Nẵng', 'Typhoon approaching Da Nang');
  assert.equal(announcement([storm], 'en'), 'Severe alert: Typhoon approaching Da Nang.');
  assert.equal(announcement([storm], 'vi'), 'Cảnh báo nghiêm trọng: Bão đang tiến vào Đà Nẵng.');
  // A missing title falls back to the other language.
  assert.equal(announcement([a(2, 'minor', '', 'Jam')], 'vi'), 'Cảnh báo nhẹ: Jam.');
  const five = [1, 2, 3, 4, 5].map((i) => a(i, 'moderate', `Lũ ${i}`, `Flood ${i}`));
  assert.equal(announcement(five, 'en'), 'Alert: Flood 1. Alert: Flood 2. Alert: Flood 3. 2 more alerts.');
  assert.equal(announcement(five, 'vi'), 'Cảnh báo: Lũ 1. Cảnh báo: Lũ 2. Cảnh báo: Lũ 3. Thêm 2 cảnh báo khác.');
});

// The reader's side of the framing, for the checks below (the real one is C++:
// core/feeds/feed_batch.cpp). Throws on anything that does not frame exactly.
function readBatch(buffer) {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 2) throw new Error(`truncated topic length at ${at}`);
    const t = view.getUint16(at, true);
    if (bytes.length - at - 2 < t + 4) throw new Error(`truncated topic or payload length at ${at}`);
    const topic = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(at + 2, at + 2 + t));
    const n = view.getUint32(at + 2 + t, true);
    const start = at + FRAME_HEADER_BYTES + t;
    if (bytes.length - start < n) throw new Error(`payload past the end at ${at}`);
    out.push({ topic, payload: Array.from(bytes.subarray(start, start + n)) });
    at = start + n;
  }
  return out;
}

test('feed batch framing: [u16 topic length][topic][u32 payload length][payload], little-endian', () => {
  const w = new BatchWriter(16);
  assert.equal(w.add('a/b', new Uint8Array([0xde, 0xad])), true);
  assert.equal(w.add('c', new Uint8Array(0)), true); // a retained clear
  assert.equal(w.count, 2);
  // The same bytes as the C++ test (tests/unit/feeds/feed_batch_test.cpp) reads.
  const a = 'a'.charCodeAt(0);
  assert.deepEqual(Array.from(new Uint8Array(w.take())),
    [3, 0, a, 0x2f, a + 1, 2, 0, 0, 0, 0xde, 0xad, 1, 0, a + 2, 0, 0, 0, 0]);
  assert.equal(w.size, 0);
  assert.equal(w.count, 0);
  assert.equal(w.take().byteLength, 0);

  // Multi-byte lengths (least significant byte first) and UTF-8 topics; the buffer grows.
  const topic = 'citymap/v1/đà-nẵng/sensor/7';
  const payload = new Uint8Array(0x010203).fill(7);
  assert.equal(w.add(topic, payload), true);
  const utf8 = new TextEncoder().encode(topic);
  const b = new Uint8Array(w.take());
  assert.equal(b.length, FRAME_HEADER_BYTES + utf8.length + payload.length);
  assert.deepEqual(Array.from(b.subarray(0, 2)), [utf8.length, 0]);
  assert.deepEqual(b.subarray(2, 2 + utf8.length), utf8);
  assert.deepEqual(Array.from(b.subarray(2 + utf8.length, 6 + utf8.length)), [0x03, 0x02, 0x01, 0x00]);

  // A topic longer than a u16 can say is refused and leaves the batch as it was.
  assert.equal(w.add('x', new Uint8Array([1])), true);
  assert.equal(w.add('é'.repeat(MAX_TOPIC_BYTES / 2 + 1), new Uint8Array([2])), false); // 65538 UTF-8 bytes
  assert.equal(w.add('a'.repeat(MAX_TOPIC_BYTES + 1), new Uint8Array([2])), false);
  assert.equal(w.add('t'.repeat(MAX_TOPIC_BYTES), new Uint8Array([3])), true); // the longest that fits
  const msgs = readBatch(w.take());
  assert.deepEqual(msgs.map((m) => [m.topic.length, m.payload]), [[1, [1]], [MAX_TOPIC_BYTES, [3]]]);
});

test('feed batch: many messages round trip in order; dropOldest keeps the newest', () => {
  const w = new BatchWriter(64);
  const sent = [];
  for (let i = 0; i < 500; i++) {
    const m = { topic: `citymap/v1/danang/traffic/${i}`, payload: Array.from({ length: i % 37 }, (_, k) => (i + k) & 255) };
    sent.push(m);
    assert.equal(w.add(m.topic, Uint8Array.from(m.payload)), true);
  }
  const size = w.size;
  const dropped = w.dropOldest(Math.floor(size / 2));
  assert.ok(dropped > 0 && dropped < 500);
  assert.ok(w.size <= size / 2);
  assert.equal(w.count, 500 - dropped);
  assert.deepEqual(readBatch(w.take()), sent.slice(dropped));
});

// A FeedBatcher on a fake clock; returns it with the posted batches (decoded).
function fakeBatcher(options = {}) {
  const timers = new Map();
  let next = 1;
  const posted = [];
  const b = new FeedBatcher({
    post: ({ buffer, count, dropped, superseded, received, updates }) =>
      posted.push({ messages: readBatch(buffer), count, dropped, superseded, received, updates }),
    setTimer: (f, ms) => {
      timers.set(next, { f, ms });
      return next++;
    },
    clearTimer: (id) => timers.delete(id),
    ...options,
  });
  const fire = () => {
    const pending = [...timers.entries()];
    timers.clear();
    for (const [, t] of pending) t.f();
  };
  return { b, posted, timers, fire };
}
const bytes = (n, v = 1) => new Uint8Array(n).fill(v);

test('feed batcher: one batch per interval, or as soon as it is full', () => {
  const { b, posted, timers, fire } = fakeBatcher({ intervalMs: 50, flushBytes: 1000 });
  b.add('a', bytes(10));
  b.add('b', bytes(10));
  assert.equal(posted.length, 0, 'nothing before the interval');
  assert.equal(timers.size, 1);
  assert.equal([...timers.values()][0].ms, 50);
  fire();
  assert.equal(posted.length, 1);
  assert.deepEqual(posted[0].messages.map((m) => m.topic), ['a', 'b']);
  assert.equal(posted[0].count, 2);
  assert.equal(posted[0].dropped, 0);
  b.ack();
  // A full batch goes at once and cancels its timer.
  b.add('c', bytes(500));
  b.add('d', bytes(500));
  assert.equal(posted.length, 2);
  assert.equal(timers.size, 0);
  assert.deepEqual(posted[1].messages.map((m) => m.topic), ['c', 'd']);
  fire(); // nothing pending: nothing posted
  assert.equal(posted.length, 2);
});

test('feed batcher: at most maxInFlight unacknowledged batches; then the oldest messages go', () => {
  const { b, posted, fire } = fakeBatcher({ intervalMs: 50, flushBytes: 100, maxInFlight: 2, maxPendingBytes: 1000 });
  b.add('1', bytes(100));
  b.add('2', bytes(100));
  assert.equal(posted.length, 2);
  b.add('3', bytes(100)); // the window is full: it waits
  fire();
  assert.equal(posted.length, 2);
  for (let i = 4; i <= 12; i++) b.add(String(i), bytes(100)); // 10 x 107 bytes > 1000: the oldest go
  assert.equal(posted.length, 2);
  b.ack();
  assert.equal(posted.length, 3, 'an ack lets the waiting batch go');
  const last = posted[2];
  assert.ok(last.dropped > 0, `dropped ${last.dropped}`);
  assert.equal(last.messages.length + last.dropped, 10);
  assert.equal(last.messages[last.messages.length - 1].topic, '12', 'the newest is kept');
  assert.ok(last.messages.length * 107 <= 1000);
  b.ack();
  b.ack();
  b.ack(); // more acks than batches do no harm
  assert.equal(b.inFlight, 0);
});

test('feed batcher: flushNow posts what is pending before a state change, even past the window', () => {
  const { b, posted, timers } = fakeBatcher({ intervalMs: 50, flushBytes: 10000, maxInFlight: 1 });
  b.flushNow();
  assert.equal(posted.length, 0, 'nothing pending, nothing posted');
  b.add('x', bytes(1));
  b.add('y', bytes(1));
  b.flushNow();
  assert.equal(posted.length, 1);
  assert.equal(timers.size, 0);
  b.add('z', bytes(1));
  b.flushNow(); // one already in flight: still posted (order with the state change matters more)
  assert.equal(posted.length, 2);
  assert.deepEqual(posted.map((p) => p.messages.map((m) => m.topic)), [['x', 'y'], ['z']]);
  // Topics too long to frame are counted as dropped.
  b.add('é'.repeat(MAX_TOPIC_BYTES), bytes(1));
  b.add('w', bytes(1));
  b.flushNow();
  assert.equal(posted[2].dropped, 1);
  assert.deepEqual(posted[2].messages.map((m) => m.topic), ['w']);
});

// A publisher's feed batch (core/feeds/feed.fbs "Batch", CMB1) of three traffic updates, the
// first segment again last: the bytes tests/unit/feeds/feed_update_batch_test.cpp writes
// (TheBytesTheWorkerTestReads). Change both together.
const GOLDEN_BATCH = Uint8Array.from(Buffer.from(
  '14000000434d42310000000008000800000004000800000004000000030000000401000080000000040000000effffff' +
  '04000000680000001c000000434d463100001200200000001c0014000c000b000a000400120000003000000000000101' +
  '026c50c4a00100000900000000000000040000000300000073696d000c00180010000c00080007000c00000000000003' +
  '000034420000b04109449208000000000000000086ffffff04000000680000001c000000434d46310000120020000000' +
  '1c0014000c000b000a000400120000003000000000000101016c50c4a001000008000000000000000400000003000000' +
  '73696d000c00180010000c00080007000c00000000000003000034420000a84105000000000100000000000000000600' +
  '080004000600000004000000680000001c000000434d463100001200200000001c0014000c000b000a00040012000000' +
  '3000000000000101006c50c4a00100000700000000000000040000000300000073696d000c00180010000c0008000700' +
  '0c00000000000003000034420000a0410944920800000000', 'hex'));
const BATCH_TOPIC = 'citymap/v1/danang/traffic/batch';
const seg = (id) => `citymap/v1/danang/traffic/${id}`;

test('feed batches: split into their messages on the entities\' topics, payloads as they are', () => {
  const parts = splitFeedBatch(BATCH_TOPIC, GOLDEN_BATCH);
  assert.ok(parts);
  assert.deepEqual(parts.map((p) => p.topic), [seg(143803401), seg('1099511627781'), seg(143803401)]);
  for (const p of parts) {
    assert.equal(p.payload.buffer, GOLDEN_BATCH.buffer, 'views, not copies');
    assert.equal(Buffer.from(p.payload.subarray(4, 8)).toString(), 'CMF1');
    assert.equal(p.payload.byteOffset % 8, 0, 'aligned as the writer put them');
  }
  // Ids past 2^53 stay exact.
  const big = GOLDEN_BATCH.slice();
  const at = Buffer.from(big).indexOf(Buffer.from([5, 0, 0, 0, 0, 1, 0, 0])); // (1 << 40) | 5, little-endian
  assert.ok(at > 0);
  big.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], at);
  assert.equal(splitFeedBatch(BATCH_TOPIC, big)[1].topic, seg('18446744073709551615'));
  // Inside a larger buffer (mqtt.js hands out views into its own).
  const inside = new Uint8Array(GOLDEN_BATCH.length + 13);
  inside.set(GOLDEN_BATCH, 5);
  assert.deepEqual(splitFeedBatch(BATCH_TOPIC, inside.subarray(5, 5 + GOLDEN_BATCH.length)).map((p) => p.topic), parts.map((p) => p.topic));
  // Not split (passed on whole, for the core to judge): another kind, another topic, a newer version.
  assert.equal(splitFeedBatch('citymap/v1/danang/sensor/batch', GOLDEN_BATCH), null);
  assert.equal(splitFeedBatch('citymap/v1/danang/lorry/batch', GOLDEN_BATCH), null);
  assert.equal(splitFeedBatch(seg(1), GOLDEN_BATCH), null);
  const cmb2 = GOLDEN_BATCH.slice();
  cmb2[7] = '2'.charCodeAt(0);
  assert.equal(splitFeedBatch(BATCH_TOPIC, cmb2), null);
});

test('feed batches: every truncation, bit flip and garbage is refused or split within bounds, never thrown', () => {
  for (let n = 0; n < GOLDEN_BATCH.length; n++) {
    const cut = GOLDEN_BATCH.slice(0, n);
    let parts;
    assert.doesNotThrow(() => { parts = splitFeedBatch(BATCH_TOPIC, cut); }, `cut at ${n}`);
    assert.equal(parts, null, `cut at ${n}`);
  }
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
  const inBounds = (parts, b) => parts === null ||
    parts.every((p) => p.payload.byteOffset >= b.byteOffset && p.payload.byteOffset + p.payload.length <= b.byteOffset + b.length);
  for (let i = 0; i < 5000; i++) {
    const b = GOLDEN_BATCH.slice();
    for (let k = 0; k <= i % 3; k++) b[Math.floor(rnd() * b.length)] ^= 1 << Math.floor(rnd() * 8);
    const parts = splitFeedBatch(BATCH_TOPIC, b);
    assert.ok(inBounds(parts, b), `flip ${i}`);
  }
  for (let i = 0; i < 2000; i++) {
    const b = Uint8Array.from({ length: 8 + Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256));
    b.set([0x43, 0x4d, 0x42, 0x31], 4); // CMB1
    assert.ok(inBounds(splitFeedBatch(BATCH_TOPIC, b), b));
  }
});

test('feed batcher: superseded updates of an entity coalesce, the newest in the place of its arrival', () => {
  const { b, posted, fire } = fakeBatcher({ intervalMs: 50, flushBytes: 1 << 20 });
  b.receive(seg(143803401), bytes(3, 1)); // a retained single message, superseded by the batch
  b.receive(seg(42), bytes(2, 2));
  assert.equal(b.receive(BATCH_TOPIC, GOLDEN_BATCH), 3);
  b.receive(seg(42), new Uint8Array(0)); // a retained clear supersedes the state before it
  fire();
  assert.equal(posted.length, 1);
  const [batch] = posted;
  assert.deepEqual(batch.messages.map((m) => m.topic), [seg('1099511627781'), seg(143803401), seg(42)]);
  assert.deepEqual(batch.messages[1].payload, Array.from(splitFeedBatch(BATCH_TOPIC, GOLDEN_BATCH)[2].payload));
  assert.deepEqual(batch.messages[2].payload, []);
  assert.equal(batch.count, 3);
  assert.deepEqual([batch.superseded, batch.received, batch.updates], [3, 4, 6]);
  // Only within a batch: the next one starts afresh.
  b.ack();
  b.receive(seg(42), bytes(1, 9));
  fire();
  assert.deepEqual(posted[1].messages.map((m) => m.topic), [seg(42)]);
  // A batch that cannot be split goes whole, and never coalesces (each is different news).
  const broken = GOLDEN_BATCH.slice(0, 100);
  b.ack();
  b.receive(BATCH_TOPIC, broken);
  b.receive(BATCH_TOPIC, broken);
  fire();
  assert.deepEqual(posted[2].messages.map((m) => m.topic), [BATCH_TOPIC, BATCH_TOPIC]);
  assert.equal(posted[2].superseded, 3);
});

test('feed batch writer: dropOldest and take skip superseded messages', () => {
  const w = new BatchWriter(64);
  for (let i = 0; i < 300; i++) assert.equal(w.add(seg(i % 100), Uint8Array.of(i & 255, i >> 8), true), true);
  assert.equal(w.count, 100);
  assert.equal(w.superseded, 200);
  const dropped = w.dropOldest(Math.floor(w.size / 2)); // the first half: all superseded
  assert.equal(dropped, 0);
  assert.equal(w.count, 100);
  w.add(seg(5), Uint8Array.of(9, 9), true); // still coalesces after the shift
  const msgs = readBatch(w.take());
  assert.equal(msgs.length, 100);
  assert.deepEqual(msgs.at(-1), { topic: seg(5), payload: [9, 9] });
  assert.deepEqual(msgs[0], { topic: seg(0), payload: [200, 0] });
  assert.equal(new Set(msgs.map((m) => m.topic)).size, 100);
  // Without coalescing (the default), every message stays.
  w.add('a', bytes(1));
  w.add('a', bytes(1));
  assert.equal(readBatch(w.take()).length, 2);
});

test('share links: the view in the hash as MapLibre writes it (#zoom/lat/lng[/bearing])', () => {
  assert.equal(precisionFor(15), 5);
  assert.equal(precisionFor(10), 4);
  assert.equal(formatHash({ zoom: 15.256, lat: 16.061123456, lng: 108.227912345 }), '#15.26/16.061123/108.227912');
  assert.equal(formatHash({ zoom: 12, lat: 16.0, lng: 108.2 }), '#12/16/108.2');
  assert.equal(formatHash({ zoom: 12, lat: 16, lng: 108.2, bearing: 30 }), '#12/16/108.2/30');
  assert.equal(formatHash({ zoom: 12, lat: 16, lng: 108.2, bearing: 360 }), '#12/16/108.2');
  assert.deepEqual(parseHash('#15.26/16.061123/108.227912'), { zoom: 15.26, lat: 16.061123, lng: 108.227912, bearing: 0 });
  assert.deepEqual(parseHash('#12/16/108.2/30'), { zoom: 12, lat: 16, lng: 108.2, bearing: 30 });
  for (const bad of ['', '#', '#15', '#15/16', '#a/b/c', '#15/91/108', '#15/16/181', '#30/16/108', '#15//108', '#1/2/3/4/5'])
    assert.equal(parseHash(bad), null, bad);
  // Round trip keeps the view to within a pixel.
  const v = { zoom: 16.5, lat: 16.0611234, lng: 108.2279876 };
  const back = parseHash(formatHash(v));
  assert.ok(Math.abs(back.lat - v.lat) < 1e-5 && Math.abs(back.lng - v.lng) < 1e-5);
});

test('share links: selection, hidden layers and language travel in the query', () => {
  assert.equal(validSelection('pois/123'), 'pois/123');
  assert.equal(validSelection('road_labels/9007199254740993'), 'road_labels/9007199254740993');
  for (const bad of ['pois', '/1', 'pois/', 'pois/1a', 'POIS/1', '../x/1', null, 5]) assert.equal(validSelection(bad), null, String(bad));
  assert.equal(validHidden('buildings,pois'), 'buildings,pois');
  assert.equal(validHidden('buildings,'), null);
  assert.equal(validHidden('<b>'), null);
  const loc = { pathname: '/', search: '?tiles=tiles/x.pmtiles&lng=1&lat=2&zoom=3&sel=pois/1', hash: '#1/2/3' };
  const ui = { lang: 'en', hidden: 'buildings', selection: { id: 'roads/42' } };
  assert.equal(shareUrl(loc, ui, { zoom: 15, lat: 16.06, lng: 108.22 }),
    '/?tiles=tiles/x.pmtiles&sel=roads/42&lang=en&hide=buildings#15/16.06/108.22');
  // No selection, no hidden layer: those parameters go; a live entity is not linked.
  assert.equal(shareUrl(loc, { lang: 'vi', hidden: '', selection: null }, null), '/?tiles=tiles/x.pmtiles&lang=vi#1/2/3');
  assert.equal(shareUrl(loc, { lang: 'vi', hidden: '', selection: { id: 'live/7' } }, null), '/?tiles=tiles/x.pmtiles&lang=vi#1/2/3');
  // Before the map has started (no ui yet): a shared link's parameters stay as they are.
  assert.equal(shareUrl({ ...loc, search: '?sel=pois/1&hide=buildings&lang=en' }, null, null), '/?sel=pois/1&hide=buildings&lang=en#1/2/3');
});

test('share links: the URL update is throttled with a trailing call', () => {
  let t = 0;
  const timers = [];
  const calls = [];
  const f = throttle((x) => calls.push(x), 300, () => t, (fn, ms) => timers.push({ fn, at: t + ms }));
  f(1);
  f(2);
  f(3);
  assert.deepEqual(calls, [1]);
  assert.equal(timers.length, 1);
  t = 300;
  timers.shift().fn();
  assert.deepEqual(calls, [1, 3]); // the last call came through
  t = 1000;
  f(4);
  assert.deepEqual(calls, [1, 3, 4]);
});

test('every page text exists in both languages', () => {
  assert.deepEqual(Object.keys(TEXT.en).sort(), Object.keys(TEXT.vi).sort());
});

test('map controls: layer toggles build the hidden-groups list in the core\'s order and names', () => {
  assert.equal(GROUPS.length, 11);
  assert.equal(toggleHidden('', 'water', false), 'water');
  assert.equal(toggleHidden('water', 'buildings', false), 'water,buildings');
  assert.equal(toggleHidden('buildings', 'water', false), 'water,buildings'); // the core's order
  assert.equal(toggleHidden('water,buildings', 'water', true), 'buildings');
  assert.equal(toggleHidden('water', 'water', false), 'water');
  assert.equal(toggleHidden(null, 'pois', true), '');
  assert.equal(toggleHidden('bogus', 'pois', false), 'pois'); // unknown names are dropped
  assert.deepEqual(KEYS, { zoomIn: 4, zoomOut: 5, resetNorth: 8 }); // input::Key
  assert.equal(TEXT.en.groups.length, GROUPS.length);
  assert.equal(TEXT.vi.groups.length, GROUPS.length);
});
