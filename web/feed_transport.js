// The live-feed transport (docs/FEEDS.md): MQTT over WebSocket with mqtt.js, as an anonymous,
// read-only subscriber of citymap/v1/<city>/#. Runs in the feed worker (feed_worker.js): every
// message (topic + payload bytes) goes to onMessage, every connection state change to onState.
//
// Reconnects follow the core's policy (feeds::Backoff in core/feeds/connection.hpp: 500 ms
// initial, doubling, 30 s cap, random in [250 ms, cap]; backoffDelayMs in feed.js); mqtt.js' own
// reconnect is off. Each attempt is a fresh clean session that subscribes again, so the broker's
// retained messages bring the whole current picture back (catch-up) before the live updates.
import mqtt from 'mqtt';
import { State, backoffDelayMs } from './feed.js';

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
    this.extraTopics = []; // more subscriptions (the history chunks), on every connect
  }

  /** Subscribes to another filter now (if connected) and on every later connect. */
  addTopic(topic) {
    if (this.extraTopics.includes(topic)) return;
    this.extraTopics.push(topic);
    if (this.client && this.client.connected) this.client.subscribe(topic, { qos: 0 });
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
        for (const t of this.extraTopics) client.subscribe(t, { qos: 0 });
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
