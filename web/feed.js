// The browser's live-feed transport (docs/FEEDS.md): MQTT over WebSocket with mqtt.js, as an
// anonymous, read-only subscriber of citymap/v1/<city>/#. Every message (topic + payload
// bytes) goes to onMessage, every connection state change to onState; app.js hands both to
// the core (citymap_feed_message / citymap_feed_connection).
//
// Reconnects follow the core's policy (feeds::Backoff in core/feeds/connection.hpp: 500 ms
// initial, doubling, 30 s cap, random in [250 ms, cap]); mqtt.js' own reconnect is off. Each attempt is
// a fresh clean session that subscribes again, so the broker's retained messages bring the
// whole current picture back (catch-up) before the live updates.
import mqtt from 'mqtt';

// feeds::ConnectionState
export const State = Object.freeze({ off: 0, connecting: 1, connected: 2, reconnecting: 3 });
export const stateNames = ['off', 'connecting', 'connected', 'reconnecting'];

// feeds::Backoff: attempt n (1-based) waits a uniformly random time in
// [initial/2, min(max, initial * 2^(n-1))].
export const BACKOFF = Object.freeze({ initialMs: 500, maxMs: 30000 });
export function backoffDelayMs(attempt, unit, { initialMs, maxMs } = BACKOFF) {
  let cap = initialMs;
  for (let i = 1; i < attempt && cap < maxMs; i++) cap *= 2;
  cap = Math.min(cap, maxMs);
  const low = initialMs / 2;
  return low + (Math.max(cap, low) - low) * Math.min(Math.max(unit, 0), 1);
}

const CITY = /^[a-z0-9-]{1,32}$/;

/**
 * The feed's broker URL from the page's query string: `feed=ws://host:port/` (ws or wss),
 * `feed=off` for none; by default the page's host on port 9001 (wss on an https page).
 * Returns {url} or {url: null, error} (bad value) or {url: null} (off).
 */
export function feedUrlFromQuery(params, location) {
  const v = params.get('feed');
  if (v === 'off' || v === '0' || v === 'none') return { url: null };
  if (v === null || v === '') {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return { url: `${scheme}://${location.hostname || '127.0.0.1'}:9001/` };
  }
  try {
    const u = new URL(v);
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new Error('not ws: or wss:');
    return { url: u.href };
  } catch (e) {
    return { url: null, error: `feed=${v}: expected ws://host:port/ or off (${e.message})` };
  }
}

/** The topic filter of a city (`city` query parameter, default danang). */
export function topicFilter(city) {
  return `citymap/v1/${CITY.test(city || '') ? city : 'danang'}/#`;
}

export class FeedTransport {
  /**
   * url: ws(s)://host:port/; topic: the subscription filter; onMessage(topic, Uint8Array);
   * onState({state, url, detail, attempt, retryInMs}); random: () => [0, 1) for the jitter.
   */
  constructor({ url, topic, onMessage, onState, random = Math.random, connectTimeoutMs = 10000 }) {
    this.url = url;
    this.topic = topic;
    this.onMessage = onMessage;
    this.onState = onState;
    this.random = random;
    this.connectTimeoutMs = connectTimeoutMs;
    this.client = null;
    this.timer = null;
    this.attempt = 0; // reconnect attempts since the last successful connection
    this.stopped = true;
    this.status = null;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.report(State.connecting, '', 0);
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
    this.drop();
    this.report(State.off, '', 0);
  }

  report(state, detail, retryInMs) {
    const s = { state, url: this.url, detail, attempt: this.attempt, retryInMs: Math.round(retryInMs) };
    const p = this.status;
    if (p && p.state === s.state && p.detail === s.detail && p.attempt === s.attempt && p.retryInMs === s.retryInMs) return;
    this.status = s;
    this.onState(s);
  }

  drop() {
    const c = this.client;
    this.client = null;
    if (c) {
      c.removeAllListeners();
      c.on('error', () => {}); // late errors of a discarded client are not ours
      c.end(true);
    }
  }

  open() {
    this.drop();
    let client;
    try {
      client = mqtt.connect(this.url, {
        protocolVersion: 4,
        clean: true,
        clientId: 'citymap-web-' + Math.floor(this.random() * 0xffffffff).toString(16).padStart(8, '0'),
        keepalive: 30,
        reconnectPeriod: 0, // our own backoff (scheduleReconnect)
        connectTimeout: this.connectTimeoutMs,
        resubscribe: false,
        queueQoSZero: false,
      });
    } catch (e) {
      this.scheduleReconnect(String((e && e.message) || e));
      return;
    }
    this.client = client;
    let lastError = '';
    let subscribed = false;
    client.on('connect', () => {
      if (this.client !== client) return;
      client.subscribe(this.topic, { qos: 0 }, (err, granted) => {
        if (this.client !== client) return;
        const refused = err || !granted || !granted.length || granted[0].qos === 128;
        if (refused) {
          this.scheduleReconnect(`subscription to ${this.topic} refused${err ? ': ' + err.message : ''}`);
          return;
        }
        subscribed = true;
        this.attempt = 0;
        this.report(State.connected, '', 0);
      });
    });
    client.on('message', (topic, payload) => {
      if (this.client !== client) return;
      this.onMessage(topic, payload);
    });
    client.on('error', (e) => {
      lastError = String((e && e.message) || e || '');
    });
    client.on('close', () => {
      if (this.client !== client || this.stopped) return;
      const why = lastError || (subscribed ? 'connection lost' : 'cannot connect to the feed broker');
      this.scheduleReconnect(why);
    });
  }

  scheduleReconnect(detail) {
    this.drop();
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.attempt += 1;
    const delay = backoffDelayMs(this.attempt, this.random());
    this.report(State.reconnecting, detail, delay);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.open();
    }, delay);
  }
}
