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
 * The origins a link may point the page at (feeds and tiles): the page's own host (any port: the
 * broker's WebSocket listener is the same machine on port 9001) and the deployment's list, the
 * content of <meta name="citymap-allowed-origins"> (space-separated origins such as
 * wss://broker.example.org). Anything else would let a crafted link show someone else's alerts
 * as the city's.
 */
export function allowedOrigins(metaContent) {
  return String(metaContent || '').split(/\s+/).filter(Boolean).map((o) => {
    try {
      return new URL(o).origin;
    } catch {
      return null;
    }
  }).filter(Boolean);
}

/** True when `url` (absolute) is on the page's host or one of `allowed` origins. */
export function originAllowed(url, location, allowed = []) {
  let u;
  try {
    u = new URL(url, location.href || `${location.protocol}//${location.hostname}/`);
  } catch {
    return false;
  }
  if (u.hostname === location.hostname) return true;
  return allowed.includes(u.origin);
}

/**
 * The feed's broker URL from the page's query string: `feed=ws://host:port/` (ws or wss),
 * `feed=off` for none; by default the page's host on port 9001 (wss on an https page). A broker
 * elsewhere than the page's host or the allowed origins is refused.
 * Returns {url} or {url: null, error} (bad or refused value) or {url: null} (off).
 */
export function feedUrlFromQuery(params, location, allowed = []) {
  const v = params.get('feed');
  if (v === 'off' || v === '0' || v === 'none') return { url: null };
  if (v === null || v === '') {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return { url: `${scheme}://${location.hostname || '127.0.0.1'}:9001/` };
  }
  let u;
  try {
    u = new URL(v);
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new Error('not ws: or wss:');
  } catch (e) {
    return { url: null, error: `feed=${v}: expected ws://host:port/ or off (${e.message})` };
  }
  if (!originAllowed(u.href, location, allowed))
    return { url: null, refused: true, error: `feed=${v}: refused, not this site's broker (${u.host} is not an allowed origin)` };
  return { url: u.href };
}

/** The tile archive or folder a link names (`tiles=`): a path on this site, or an allowed origin. */
export function tilesFromQuery(params, location, allowed = [], fallback = 'tiles/danang.pmtiles') {
  const v = params.get('tiles');
  if (v === null || v === '') return { tiles: fallback };
  if (!originAllowed(v, location, allowed))
    return { tiles: fallback, refused: true, error: `tiles=${v}: refused, not this site's data (not an allowed origin)` };
  return { tiles: v };
}

/**
 * The style file of a link (`style` parameter, docs/MAP_STYLE.md): this site's or an allowed
 * origin's, else the site's own (a crafted link must not restyle the city's map from elsewhere).
 */
export function styleFromQuery(params, location, allowed = [], fallback = 'styles/citymap.json') {
  const v = params.get('style');
  if (v === null || v === '') return { style: fallback };
  if (!originAllowed(v, location, allowed))
    return { style: fallback, refused: true, error: `style=${v}: refused, not this site's style (not an allowed origin)` };
  return { style: v };
}

/** The history chunks' filter of a city (docs/FEEDS.md, "History topics"). */
export function historyFilter(city) {
  return `citymap/v1/${CITY.test(city || '') ? city : 'danang'}-history/#`;
}

/** The topic filter of a city (`city` query parameter, default danang). */
export function topicFilter(city) {
  return `citymap/v1/${CITY.test(city || '') ? city : 'danang'}/#`;
}
