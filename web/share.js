// Share links: the view lives in the URL hash in MapLibre's format, #zoom/lat/lng (with
// /bearing once the map rotates); the language, the hidden layer groups and the selected feature
// travel in the query string (lang, hide, sel; t, the replayed time) beside the other parameters (tiles, feed, ...).
// Pure functions, tested under node (tests/e2e/web_scripts.test.mjs).

/** Decimals that keep a position to about a screen pixel at `zoom` (as MapLibre's hash). */
export function precisionFor(zoom) {
  return Math.max(0, Math.ceil((zoom * Math.LN2 + Math.log(512 / 360 / 0.5)) / Math.LN10));
}

const trim = (v, d) => String(Number(v.toFixed(d)));

/** '#15.25/16.0612/108.227' from a view; bearing only when it is not 0. */
export function formatHash({ zoom, lat, lng, bearing = 0 }) {
  const d = precisionFor(zoom);
  let h = `#${trim(zoom, 2)}/${trim(lat, d)}/${trim(lng, d)}`;
  const b = ((bearing % 360) + 360) % 360;
  if (b > 0.05 && b < 359.95) h += `/${trim(b, 1)}`;
  return h;
}

/** The view in a hash ('#zoom/lat/lng[/bearing]'), or null when it is not one. */
export function parseHash(hash) {
  const parts = String(hash || '').replace(/^#/, '').split('/');
  if (parts.length < 3 || parts.length > 4 || parts.some((p) => p.trim() === '')) return null;
  const [zoom, lat, lng, bearing = 0] = parts.map(Number);
  if (![zoom, lat, lng, bearing].every(Number.isFinite)) return null;
  if (zoom < 0 || zoom > 24 || Math.abs(lat) > 85.06 || Math.abs(lng) > 180) return null;
  return { zoom, lat, lng, bearing };
}

/** A selection id as links carry it: 'layer/digits' (a tile layer name and a feature id). */
export function validSelection(sel) {
  return typeof sel === 'string' && /^[a-z_]{1,32}\/\d{1,20}$/.test(sel) ? sel : null;
}

/** Hidden layer group names, validated: lower-case words separated by commas. */
export function validHidden(hide) {
  return typeof hide === 'string' && /^[a-z_]+(,[a-z_]+)*$/.test(hide) ? hide : null;
}

/**
 * The page's URL for the current state: `location` (href parts) with lang, hide and sel set
 * from `ui` (state.ui: lang, hidden, selection.id; null before the map has started: the
 * parameters stay as they are) and the hash from `view`.
 */
export function shareUrl(location, ui, view) {
  const params = new URLSearchParams(location.search);
  // The hash wins over the old lng/lat/zoom parameters: drop them.
  if (view || parseHash(location.hash)) for (const k of ['lng', 'lat', 'zoom', 'bearing']) params.delete(k);
  if (!ui) {
    const query = params.toString().replace(/%2F/g, '/').replace(/%2C/g, ',');
    return `${location.pathname}${query ? '?' + query : ''}${view ? formatHash(view) : location.hash || ''}`;
  }
  if (ui && ui.lang) params.set('lang', ui.lang);
  if (ui && ui.hidden) params.set('hide', ui.hidden);
  else params.delete('hide');
  const sel = ui && ui.selection && validSelection(ui.selection.id);
  if (sel && !sel.startsWith('live/') && !sel.startsWith('overlay/')) params.set('sel', sel); // not linkable
  else params.delete('sel');
  // The replayed time while the time slider is in the past.
  const t = ui && ui.replay && ui.replay.tMs != null ? formatTime(ui.replay.tMs) : null;
  if (t) params.set('t', t);
  else if (ui && ui.replay) params.delete('t');
  const query = params.toString().replace(/%2F/g, '/').replace(/%2C/g, ',').replace(/%3A/g, ':');
  return `${location.pathname}${query ? '?' + query : ''}${view ? formatHash(view) : location.hash || ''}`;
}

/** A replay time as links carry it (t=2026-12-05T02:10:00Z, UTC to the second), or null. */
export function formatTime(ms) {
  return Number.isFinite(ms) && ms >= 0 ? new Date(Math.round(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z') : null;
}

/** Epoch ms from a link's t (ISO 8601 with a zone, or epoch seconds), or null. */
export function parseTime(t) {
  if (typeof t !== 'string' || t.length > 40) return null;
  if (/^\d{9,11}$/.test(t)) return Number(t) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(t)) return null;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
}

/** Calls fn at most once per `ms`, the last call always coming through (trailing edge). */
export function throttle(fn, ms, now = () => Date.now(), setTimer = setTimeout) {
  let last = -Infinity;
  let pending = null;
  let args = null;
  return (...a) => {
    args = a;
    const wait = last + ms - now();
    if (wait <= 0 && !pending) {
      last = now();
      fn(...args);
      return;
    }
    if (!pending)
      pending = setTimer(() => {
        pending = null;
        last = now();
        fn(...args);
      }, Math.max(0, wait));
  };
}
