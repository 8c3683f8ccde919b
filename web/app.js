// The page glue: checks for WebGL 2, turns the query string into program arguments, loads
// citymap.js/citymap.wasm, connects the live feeds (feed.js) and exposes window.citymap
// (state, jumpTo, frameTimes) to the page and to tests. Bundled with mqtt.js into the site's
// app.js by esbuild (web/CMakeLists.txt).
//
// window.citymap.state.feed (null until the core publishes it):
//   connection {state: off|connecting|connected|reconnecting, url, detail, attempt, retryInMs},
//   newestAgeMs (age of the newest accepted message, -1: none), entities {traffic, camera,
//   sensor, incident, bus, shelter}, received, accepted, dropped, droppedMalformed,
//   droppedUnknown, simulated, alerts [{id, severity (info|minor|moderate|severe|extreme),
//   kind (flood|storm|landslide|trafficJam|accident|roadClosure), titleVi, titleEn, lng, lat}]
//   most severe first, version (changes with everything above except newestAgeMs).
import { FeedTransport, feedUrlFromQuery, topicFilter } from './feed.js';
import { TEXT, announcement, pageLanguage } from './i18n.js';

function main() {
  const params = new URLSearchParams(window.location.search);
  const lang = pageLanguage(params, navigator.languages || [navigator.language]);
  const text = TEXT[lang];
  document.documentElement.lang = lang;
  const statusEl = document.getElementById('status');
  const canvas = document.getElementById('map');
  canvas.setAttribute('aria-label', text.map);
  statusEl.textContent = text.loading;
  const state = { ready: false, idle: false, framesDrawn: 0, tilesLoaded: 0, error: null, feed: null, lang };
  const citymap = (window.citymap = { state });

  function showError(message) {
    state.error = message;
    statusEl.textContent = message;
    statusEl.className = 'error';
  }

  if (!document.createElement('canvas').getContext('webgl2')) {
    document.getElementById('webgl-error').hidden = false;
    canvas.hidden = true;
    statusEl.textContent = '';
    state.error = 'WebGL 2 is not available';
    return;
  }

  const tiles = params.get('tiles') || 'tiles/danang.pmtiles';
  const args = ['--tiles', tiles];
  for (const key of ['lng', 'lat', 'zoom']) {
    const v = params.get(key);
    if (v !== null && v !== '' && isFinite(Number(v))) args.push('--' + key, String(Number(v)));
  }
  if (params.get('ui') === '0') args.push('--no-ui');
  args.push('--lang', lang); // the panel's and the alerts' language

  // The info area (bottom right): "Simulated data" while simulated feeds are shown, then the
  // data's credit line (from the tileset's metadata, published by the core), with a link.
  const infoEl = document.getElementById('info');
  const simulatedEl = document.getElementById('feed-simulated');
  const attributionEl = document.getElementById('attribution');
  simulatedEl.textContent = text.simulated;
  simulatedEl.title = text.simulatedTitle;
  const updateInfo = () => {
    infoEl.hidden = simulatedEl.hidden && attributionEl.textContent === '';
  };
  let attributionShown = '';
  function showAttribution(credit) {
    if (!credit || credit === attributionShown) return;
    attributionShown = credit;
    const osm = 'OpenStreetMap contributors';
    attributionEl.textContent = credit.replace(osm, '');
    if (credit.includes(osm)) {
      const link = document.createElement('a');
      link.href = 'https://www.openstreetmap.org/copyright';
      link.textContent = osm;
      link.rel = 'noopener';
      attributionEl.appendChild(link);
    }
    updateInfo();
  }

  // New alerts (by id) are announced once: severe and extreme ones in the assertive region
  // (role="alert"), the others in the polite one (role="status").
  const announcePolite = document.getElementById('feed-announce');
  const announceUrgent = document.getElementById('feed-alert');
  const seenAlerts = new Set();
  function showFeed(feed) {
    simulatedEl.hidden = !feed.simulated;
    updateInfo();
    const fresh = feed.alerts.filter((a) => !seenAlerts.has(a.id));
    if (!fresh.length) return;
    for (const a of fresh) seenAlerts.add(a.id);
    const urgent = fresh.filter((a) => a.severity === 'severe' || a.severity === 'extreme');
    const other = fresh.filter((a) => !(a.severity === 'severe' || a.severity === 'extreme'));
    if (urgent.length) announceUrgent.textContent = announcement(urgent, lang);
    if (other.length) announcePolite.textContent = announcement(other, lang);
  }

  // --- the wasm side of the feed: payloads are copied into the wasm heap once --------------
  const encoder = new TextEncoder();
  function feedMessage(topic, bytes) {
    const n = bytes.length;
    const room = topic.length * 3; // UTF-8 bytes at most
    const ptr = Module._malloc(n + room + 1);
    if (!ptr) return;
    const heap = Module.HEAPU8; // after malloc: the memory may have grown
    heap.set(bytes, ptr);
    const { written } = encoder.encodeInto(topic, heap.subarray(ptr + n, ptr + n + room));
    Module._citymap_feed_message(ptr + n, written, ptr, n);
    Module._free(ptr);
  }
  function cString(s) {
    const bytes = encoder.encode(s);
    const ptr = Module._malloc(bytes.length + 1);
    Module.HEAPU8.set(bytes, ptr);
    Module.HEAPU8[ptr + bytes.length] = 0;
    return ptr;
  }
  function feedConnection({ state: st, url, detail, attempt, retryInMs }) {
    const u = cString(url || '');
    const d = cString(detail || '');
    Module._citymap_feed_connection(st, u, d, attempt, retryInMs);
    Module._free(u);
    Module._free(d);
  }

  const feedConfig = feedUrlFromQuery(params, window.location);
  if (feedConfig.error) console.warn('citymap: ' + feedConfig.error);
  let transport = null;
  function startFeed() {
    if (!feedConfig.url || transport || state.error) return;
    transport = new FeedTransport({
      url: feedConfig.url,
      topic: topicFilter(params.get('city')),
      onMessage: feedMessage,
      onState: feedConnection,
    });
    citymap.feedTransport = transport;
    transport.start();
  }

  window.Module = {
    arguments: args,
    canvas,
    print: (line) => console.log(line),
    printErr: (line) => console.warn(line),
    onStatus: (s) => {
      const { feedChanged, ...rest } = s;
      Object.assign(state, rest);
      showAttribution(s.attribution);
      if (feedChanged && s.feed) showFeed(s.feed);
      if (s.error) showError(s.error);
      else if (s.ready) statusEl.textContent = s.idle ? '' : statusEl.textContent === '' ? '' : text.loadingTiles;
      document.documentElement.dataset.mapIdle = String(s.idle);
    },
    onAbort: (what) => showError('citymap stopped: ' + what),
    // After main(): the map app exists, messages have somewhere to go.
    postRun: [startFeed],
  };

  citymap.jumpTo = ({ lng, lat, zoom }) => Module._citymap_jump_to(lng, lat, zoom);
  citymap.frameTimes = () => {
    const n = Module._citymap_frame_time_count();
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = Module._citymap_frame_time(i);
    return out;
  };

  const script = document.createElement('script');
  script.src = 'citymap.js';
  script.onerror = () => showError('Could not load citymap.js');
  document.body.appendChild(script);
}

main();
