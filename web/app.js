// The page glue: checks for WebGL 2, turns the query string into the program's options (one JSON object), loads
// citymap.js/citymap.wasm, starts the live feeds' worker (feed_worker.js) and exposes
// window.citymap (state, jumpTo, frameTimes) to the page and to tests. Bundled by esbuild into
// the site's app.js (web/CMakeLists.txt); mqtt.js is not in it but in the worker's bundle.
//
// window.citymap.state.tiles: the base map's requests: loaded, pending, failed (in view, waiting
//   for a retry with backoff; a parent tile stands in), errors, retries, cancelled (the view moved
//   away), reloads (the archive changed on the server and was opened again).
// window.citymap.state.feed (null until the core publishes it):
//   connection {state: off|connecting|connected|reconnecting, url, detail, attempt, retryInMs},
//   newestAgeMs (age of the newest accepted message, -1: none), entities {traffic, camera,
//   sensor, incident, bus, shelter, storm}, received, accepted, dropped, droppedMalformed,
//   droppedUnknown, simulated, alerts [{id, severity (info|minor|moderate|severe|extreme),
//   kind (flood|storm|landslide|trafficJam|accident|roadClosure), titleVi, titleEn, lng, lat}]
//   most severe first, version (changes with everything above except newestAgeMs).
// window.citymap.state.ui (null until the core publishes it): lang (vi|en), theme (day|night), hidden (hidden layer
//   groups, comma-separated), title/titleEn (the city's name from the archive), searchReady,
//   searchError, selection (null, or {id: "layer/id", title, subtitle, kind, live, rows
//   [[label, value]], lng, lat}: the open card), help (null, or {mode: shelters|roads|"",
//   origin: location|point|selection|view, originText, lng, lat, pickingStart, loading, error,
//   message, shelters [{id, name, state: open|full|closed|unknown, lng, lat, metres, seconds,
//   straightMetres, capacity, occupancy, straightLine, chosen}] nearest open first, unknown
//   [same, by straight line], roads [{incident, name, kind, title, lng, lat, metres}], route
//   {metres, points, straightLine, roads [ids]}, computeMs}), replay {available, oldestMs,
//   newestMs, tMs (null: live), speed, historyWanted (the hours before the page opened were
//   asked for), pastMessages, pastBytes, historyBytes}, version.
// window.citymap.state.feedWorker (the transport's own counters, while a feed runs):
//   batches and messages handed to the core, malformedBatches (refused by the core's framing
//   check, nothing of them applied), droppedInWorker (messages the worker had no room for),
//   supersededInWorker (coalesced away), mqttMessages and updatesInWorker (received; docs/FEEDS.md).
import {
  State, allowedOrigins, feedUrlFromQuery, historyFilter, styleFromQuery, tilesFromQuery, topicFilter,
} from './feed.js';
import { TEXT, announcement, pageLanguage } from './i18n.js';
import { showAlertsPanel, showCardPanel } from './panels.js';
import { MapControls } from './controls.js';
import { SearchBox } from './search.js';
import { HelpPanel } from './help.js';
import { parseHash, parseTime, shareUrl, throttle, validHidden, validSelection } from './share.js';

function main() {
  performance.mark('citymap:app-start'); // startup milestones: tests/bench/first_view.mjs
  const params = new URLSearchParams(window.location.search);
  let lang = pageLanguage(params, navigator.languages || [navigator.language]);
  let text = TEXT[lang];
  document.documentElement.lang = lang;
  const statusEl = document.getElementById('status');
  const canvas = document.getElementById('map');
  canvas.setAttribute('aria-label', text.map);
  canvas.addEventListener('contextmenu', (e) => e.preventDefault()); // right-drag rotates the map
  statusEl.textContent = text.loading;
  const state = { ready: false, idle: false, framesDrawn: 0, tilesLoaded: 0, error: null, feed: null, lang };
  const citymap = (window.citymap = { state });

  function showError(message) {
    state.error = message;
    statusEl.textContent = message;
    statusEl.className = 'error';
  }

  // Feeds and tiles only from this site's host or the deployment's allowed origins: a crafted
  // link must not turn the city's map into someone else's (web/feed.js).
  const allowed = allowedOrigins(document.querySelector('meta[name="citymap-allowed-origins"]')?.content);
  const tilesChoice = tilesFromQuery(params, window.location, allowed);
  const refusals = [];
  if (tilesChoice.refused) refusals.push(tilesChoice.error);
  const tiles = tilesChoice.tiles;
  const styleChoice = styleFromQuery(params, window.location, allowed);
  if (styleChoice.refused) refusals.push(styleChoice.error);

  // The first view waits for the archive's header and root directory (its first 16 KiB) and for
  // the label font: ask for them now, while citymap.wasm downloads and compiles, instead of once
  // the core runs. library_citymap.js answers the core's first fetch of the same URL and range
  // with these (Module.citymapPrefetch); a failed one is simply fetched again.
  const prefetch = new Map();
  const early = (url, offset, length) => {
    const init = offset >= 0 ? { headers: { Range: `bytes=${offset}-${offset + length - 1}` } } : {};
    const answer = fetch(url, init).catch((e) => e);
    prefetch.set(`${url}|${offset}|${length}`, answer);
  };
  if (/\.pmtiles$/i.test(new URL(tiles, window.location.href).pathname)) early(tiles, 0, 16384);
  early('fonts/citymap-ui.ttf', -1, 0);
  // The POI icons (MapApp::loadIconSprite asks for the same files by the screen's pixel ratio).
  const sprite = `icons/sprite@${(window.devicePixelRatio || 1) >= 1.5 ? 2 : 1}x`;
  early(`${sprite}.json`, -1, 0);
  early(`${sprite}.alpha`, -1, 0);

  // The map's WebGL 2 context, made here with the attributes the core asks for
  // (WebPlatform::init in core/platform/web/web_platform.cpp): the core's request then gets this
  // same context. Checking with a throwaway context cost a second context, which takes hundreds
  // of milliseconds with a software GPU.
  const gl = canvas.getContext('webgl2', {
    alpha: false, depth: false, stencil: true, antialias: false, premultipliedAlpha: true,
    powerPreference: 'high-performance',
  });
  if (!gl) {
    document.getElementById('webgl-error').hidden = false;
    canvas.hidden = true;
    statusEl.textContent = '';
    state.error = 'WebGL 2 is not available';
    return;
  }
  // The program's options: one JSON object (web/main.cpp parses it with nlohmann).
  const options = { tiles };
  // The view: the hash (#zoom/lat/lng, share links) wins over lng/lat/zoom parameters.
  const hashView = parseHash(window.location.hash);
  if (hashView) Object.assign(options, { lng: hashView.lng, lat: hashView.lat, zoom: hashView.zoom, bearing: hashView.bearing });
  else
    for (const key of ['lng', 'lat', 'zoom', 'bearing']) {
      const v = params.get(key);
      if (v !== null && v !== '' && isFinite(Number(v))) options[key] = Number(v);
    }
  if (params.get('ui') === '0') {
    options.ui = false; // a bare map (embeds, golden images): no panels, no toolbar
    document.getElementById('toolbar').hidden = true;
    document.getElementById('map-controls').hidden = true;
  }
  options.lang = lang; // the panel's, the alerts' and the labels' language
  const sel = validSelection(params.get('sel'));
  if (sel) options.select = sel;
  const hide = validHidden(params.get('hide'));
  if (hide) options.hide = hide;
  // The map's theme (docs/MAP_STYLE.md): ?theme=night|day, else the system's dark mode, followed
  // as it changes while the page is open.
  const themeParam = params.get('theme');
  const darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  options.theme = themeParam === 'night' || themeParam === 'day' ? themeParam : darkQuery && darkQuery.matches ? 'night' : 'day';
  options.style = styleChoice.style;
  if (themeParam !== 'night' && themeParam !== 'day' && darkQuery && darkQuery.addEventListener)
    darkQuery.addEventListener('change', (e) => {
      if (ready()) Module._citymap_set_theme(e.matches ? 1 : 0);
    });

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
    showAlertsPanel(feed, lang); // the alerts in the DOM (web/panels.js)
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

  // --- the live feed: MQTT runs in a worker (feed_worker.js), which transfers batches of
  // framed messages (feed_batch.js); each batch is copied into the wasm heap once and handed to
  // the core in one call.
  const encoder = new TextEncoder();
  const feedStats = { batches: 0, messages: 0, malformedBatches: 0, droppedInWorker: 0, supersededInWorker: 0, mqttMessages: 0, updatesInWorker: 0 };
  function feedBatch(buffer) {
    const bytes = new Uint8Array(buffer);
    const ptr = Module._malloc(Math.max(bytes.length, 1));
    if (!ptr) return -1;
    Module.HEAPU8.set(bytes, ptr); // after malloc: the memory may have grown
    const delivered = Module._citymap_feed_batch(ptr, bytes.length);
    Module._free(ptr);
    feedStats.batches += 1;
    if (delivered < 0) feedStats.malformedBatches += 1;
    else feedStats.messages += delivered;
    return delivered; // messages handed over; negative: the batch did not frame
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

  const feedConfig = feedUrlFromQuery(params, window.location, allowed);
  if (feedConfig.error) console.warn('citymap: ' + feedConfig.error);
  if (feedConfig.refused) refusals.push(feedConfig.error);
  // Refused links say so where everybody sees it, and stay in the state for tests.
  state.refused = refusals;
  if (refusals.length) {
    const note = document.getElementById('refused');
    note.textContent = `${text.refused} ${refusals.join(' ')}`;
    note.hidden = false;
  }
  let worker = null;
  function startFeed() {
    if (!feedConfig.url || worker || state.error) return;
    const failed = (why) => {
      console.error('citymap: the feed worker failed: ' + why);
      if (worker) worker.terminate();
      feedConnection({ state: State.off, url: feedConfig.url, detail: 'feed worker failed: ' + why, attempt: 0, retryInMs: 0 });
    };
    try {
      worker = new Worker('feed_worker.js');
    } catch (e) {
      failed(String((e && e.message) || e));
      return;
    }
    state.feedWorker = feedStats;
    worker.onmessage = (event) => {
      const m = event.data;
      if (m.type === 'batch') {
        feedBatch(m.buffer);
        feedStats.droppedInWorker = m.dropped;
        Object.assign(feedStats, { supersededInWorker: m.superseded, mqttMessages: m.received, updatesInWorker: m.updates });
        worker.postMessage({ type: 'ack' });
      } else if (m.type === 'state') {
        feedConnection(m.status);
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      failed(event.message || 'cannot load feed_worker.js');
    };
    worker.postMessage({ type: 'start', url: feedConfig.url, topic: topicFilter(params.get('city')) });
  }

  // --- the toolbar: search (web/search.js), language, share link ----------------------------
  const cStringAt = (ptr) => {
    const heap = Module.HEAPU8;
    const end = heap.indexOf(0, ptr);
    return new TextDecoder().decode(heap.subarray(ptr, end));
  };
  const ready = () => typeof Module._citymap_search === 'function' && state.ready;
  const searchBox = new SearchBox({
    input: document.getElementById('search'),
    list: document.getElementById('search-results'),
    status: document.getElementById('search-status'),
    text,
    search: (q) => {
      if (!ready()) return [];
      const ptr = cString(q);
      const out = JSON.parse(cStringAt(Module._citymap_search(ptr, 8)));
      Module._free(ptr);
      return out;
    },
    pending: () => (!state.ui || !state.ui.searchReady ? (state.ui && state.ui.searchError) || text.searchLoading : null),
    choose: (entry) => {
      if (ready()) Module._citymap_choose_result(entry);
      document.getElementById('map').focus();
    },
  });
  // --- storm help (web/help.js) and the replayed time --------------------------------------
  const shelterButton = document.getElementById('shelter-button');
  const roadsButton = document.getElementById('roads-button');
  const help = new HelpPanel({
    section: document.getElementById('help'),
    status: document.getElementById('help-status'),
    geolocation: navigator.geolocation,
    call: (kind, lng, lat) => (ready() ? cStringAt(Module._citymap_help(kind === 'roads' ? 1 : 0, lng, lat)) : ''),
    action: (n) => ready() && Module._citymap_help_action(n),
    flyTo: (v) => citymap.flyTo(v),
    toast: (m) => showToast(m),
  });
  shelterButton.addEventListener('click', () => help.ask('shelters'));
  roadsButton.addEventListener('click', () => help.ask('roads'));
  citymap.help = help;
  // A link's t=: replayed as soon as the history reaches back to it (the history starts when the
  // page opened; an older time shows the oldest state kept).
  let pendingTime = parseTime(params.get('t'));
  let historyAsked = false;
  citymap.loadHistory = () => ready() && Module._citymap_replay(-2, NaN);
  citymap.replay = (tMs, speed) => ready() && Module._citymap_replay(tMs == null ? NaN : tMs, speed == null ? NaN : speed);
  const langButton = document.getElementById('lang-toggle');
  const copyButton = document.getElementById('copy-link');
  const toast = document.getElementById('toast');
  const selectionAnnounce = document.getElementById('selection-announce');
  function applyTexts() {
    text = TEXT[lang];
    document.documentElement.lang = lang;
    canvas.setAttribute('aria-label', text.map);
    searchBox.setText(text);
    langButton.textContent = text.otherLanguage;
    langButton.title = text.otherLanguageTitle;
    langButton.lang = lang === 'vi' ? 'en' : 'vi';
    copyButton.textContent = text.copyLink;
    copyButton.title = text.copyLinkTitle;
    shelterButton.textContent = text.shelterButton;
    shelterButton.title = text.shelterButtonTitle;
    roadsButton.textContent = text.roadsButton;
    help.setLanguage(lang);
    simulatedEl.textContent = text.simulated;
    simulatedEl.title = text.simulatedTitle;
  }
  langButton.addEventListener('click', () => {
    if (ready()) Module._citymap_set_english(lang === 'vi' ? 1 : 0);
  });
  let toastTimer = 0;
  function showToast(message) {
    toast.textContent = message;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (toast.hidden = true), 4000);
  }
  const currentUrl = () =>
    new URL(shareUrl(window.location, state.ui, state.ready ? { zoom: state.zoom, lat: state.center.lat, lng: state.center.lng, bearing: state.bearing || 0 } : null), window.location.href).href;
  copyButton.addEventListener('click', async () => {
    const link = currentUrl();
    citymap.lastCopiedLink = link;
    try {
      await navigator.clipboard.writeText(link);
      showToast(text.copied);
    } catch {
      showToast(`${text.copyFailed} ${link}`); // no clipboard access (permissions, http): show it
    }
  });
  // The URL follows the view (throttled, history.replaceState: no history entry per move).
  let lastUrl = '';
  const updateUrl = throttle(() => {
    const url = shareUrl(window.location, state.ui, { zoom: state.zoom, lat: state.center.lat, lng: state.center.lng, bearing: state.bearing || 0 });
    if (url !== lastUrl) {
      lastUrl = url;
      history.replaceState(history.state, '', url);
    }
  }, 300);
  // A hash typed or pasted by the user moves the map there.
  window.addEventListener('hashchange', () => {
    const v = parseHash(window.location.hash);
    if (v && ready()) Module._citymap_jump_to(v.lng, v.lat, v.zoom, v.bearing);
  });
  // Esc closes the card (the search box handles its own Esc first).
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && ready() && state.ui && state.ui.selection) {
      const empty = cString('');
      Module._citymap_select(empty);
      Module._free(empty);
    }
  });
  function showUi(ui, previous) {
    // The page's own controls follow the map's theme (the panel's Day/Night, the system's mode).
    if (ui.theme) document.documentElement.dataset.theme = ui.theme;
    if (ui.lang !== lang) {
      lang = ui.lang;
      applyTexts();
    }
    if ((ui.searchReady && !(previous && previous.searchReady)) || (ui.searchError && !(previous && previous.searchError)))
      searchBox.refresh();
    const title = lang === 'en' && ui.titleEn ? ui.titleEn : ui.title;
    if (title) document.title = `citymap · ${title}`;
    // The card, for screen readers (it is drawn in the canvas): name, kind, wards, attributes.
    const sel = ui.selection;
    const card = sel && sel.title && sel.kind ? [sel.title, sel.subtitle, sel.kind, sel.live, ...sel.rows.map(([k, v]) => `${k}: ${v}`)].filter(Boolean).join('. ') : '';
    const before = previous && previous.selection;
    const cardBefore = before && before.title && before.kind ? `${before.title}/${before.kind}/${before.rows.length}` : '';
    if (card && `${sel.title}/${sel.kind}/${sel.rows.length}` !== cardBefore) selectionAnnounce.textContent = text.selected(card);
    showCardPanel(ui, lang); // the card in the DOM (web/panels.js)
    help.render(ui.help);
    // The time slider asked for the hours before the page opened: subscribe to them. A link with
    // t= before the page opened asks too.
    if (pendingTime != null && ui.replay && !ui.replay.historyWanted && pendingTime < Date.now() - 60000) citymap.loadHistory();
    if (ui.replay && ui.replay.historyWanted && worker && !historyAsked) {
      historyAsked = true;
      worker.postMessage({ type: 'history', topic: historyFilter(params.get('city')) });
    }
    if (pendingTime != null && ui.replay && ui.replay.available && ui.replay.newestMs > ui.replay.oldestMs &&
        (pendingTime >= ui.replay.oldestMs || ui.replay.pastMessages > 0)) {
      Module._citymap_replay(pendingTime, NaN);
      pendingTime = null;
    }
    controls.update(ui); // the layer toggles and buttons for keyboards (web/controls.js)
  }
  const withCString = (s, fn) => {
    const ptr = cString(s);
    fn(ptr);
    Module._free(ptr);
  };
  const controls = new MapControls(document.getElementById('map-controls'), {
    setHidden: (csv) => ready() && withCString(csv, (p) => Module._citymap_set_hidden(p)),
    key: (k) => ready() && Module._citymap_key(k),
    closeCard: () => ready() && withCString('', (p) => Module._citymap_select(p)),
  });
  applyTexts();

  window.Module = {
    arguments: [JSON.stringify(options)],
    // A tile or directory request with no progress for this long is aborted and retried
    // (window.citymapOptions.fetchStallMs, for embedding pages and tests).
    citymapFetchStallMs: Number(window.citymapOptions?.fetchStallMs) || 20000,
    citymapPrefetch: prefetch,
    canvas,
    print: (line) => console.log(line),
    printErr: (line) => console.warn(line),
    onStatus: (s) => {
      const { feedChanged, uiChanged, ...rest } = s;
      const previousUi = state.ui;
      Object.assign(state, rest);
      if (uiChanged && s.ui) showUi(s.ui, previousUi);
      if (s.ready && s.ui) updateUrl();
      showAttribution(s.attribution);
      if (feedChanged && s.feed) showFeed(s.feed);
      if (s.error) showError(s.error);
      else if (s.ready && s.tiles && s.tiles.failed > 0) statusEl.textContent = text.tilesRetrying(s.tiles.failed);
      else if (s.ready) statusEl.textContent = s.idle ? '' : statusEl.textContent === '' ? '' : text.loadingTiles;
      document.documentElement.dataset.mapIdle = String(s.idle);
    },
    onAbort: (what) => showError('citymap stopped: ' + what),
    onRuntimeInitialized: () => performance.mark('citymap:wasm-ready'),
    // After main(): the map app exists and has started loading, messages have somewhere to go;
    // the worker's script (with mqtt.js) loads in parallel with the tiles.
    postRun: [startFeed],
  };

  citymap.jumpTo = ({ lng, lat, zoom, bearing }) => ready() && Module._citymap_jump_to(lng, lat, zoom, bearing);
  citymap.flyTo = ({ lng, lat, zoom }) => ready() && Module._citymap_fly_to(lng, lat, zoom);
  citymap.search = searchBox;
  citymap.labels = () => (ready() ? JSON.parse(cStringAt(Module._citymap_labels())) : []);
  // Live messages framed as the feed worker frames them (feed_batch.js), handed to the core as
  // one batch: for pages that get IOC data another way, and for tests (no broker needed). Returns
  // the number of messages handed over (negative: a malformed batch; false: not ready yet).
  citymap.feedBatch = (bytes) => ready() && feedBatch(bytes);
  citymap.shareUrl = currentUrl;
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
