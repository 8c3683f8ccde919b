// The browser's live feeds (docs/FEEDS.md), what both sides of the transport share: the
// connection states, the reconnect policy, the broker URL and topic filter from the page's query
// string. No mqtt.js here: the page bundle (app.js) imports this file, the MQTT client itself
// runs in the feed worker (feed_worker.js, feed_transport.js).

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

/** The history chunks' filter of a city (docs/FEEDS.md, "History topics"). */
export function historyFilter(city) {
  return `citymap/v1/${CITY.test(city || '') ? city : 'danang'}-history/#`;
}

/** The topic filter of a city (`city` query parameter, default danang). */
export function topicFilter(city) {
  return `citymap/v1/${CITY.test(city || '') ? city : 'danang'}/#`;
}
