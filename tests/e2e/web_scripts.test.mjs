// The page's own scripts (web/feed.js, web/i18n.js) under node: the reconnect policy is the
// core's (feeds::Backoff), the feed URL and topic come from the query string, the page language
// and the alert announcements.
import assert from 'node:assert/strict';
import test from 'node:test';
import { BACKOFF, State, backoffDelayMs, feedUrlFromQuery, stateNames, topicFilter } from '../../web/feed.js';
import { announcement, pageLanguage } from '../../web/i18n.js';

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
  assert.deepEqual(feedUrlFromQuery(q('feed=ws://127.0.0.1:1234/'), http), { url: 'ws://127.0.0.1:1234/' });
  assert.deepEqual(feedUrlFromQuery(q('feed=wss://broker.example.org/mqtt'), http), { url: 'wss://broker.example.org/mqtt' });
  assert.deepEqual(feedUrlFromQuery(q('feed=off'), http), { url: null });
  for (const bad of ['http://x/', 'nonsense', 'mqtt://host:1883']) {
    const r = feedUrlFromQuery(q('feed=' + encodeURIComponent(bad)), http);
    assert.equal(r.url, null);
    assert.match(r.error, /expected ws:\/\/host:port\/ or off/);
  }
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
