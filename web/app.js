// The page glue: checks for WebGL 2, turns the query string into program arguments, loads
// citymap.js/citymap.wasm and exposes window.citymap (state, jumpTo, frameTimes) to the page
// and to tests.
(function () {
  'use strict';
  const params = new URLSearchParams(window.location.search);
  const statusEl = document.getElementById('status');
  const state = { ready: false, idle: false, framesDrawn: 0, tilesLoaded: 0, error: null };
  const citymap = (window.citymap = { state });

  function showError(message) {
    state.error = message;
    statusEl.textContent = message;
    statusEl.className = 'error';
  }

  if (!document.createElement('canvas').getContext('webgl2')) {
    document.getElementById('webgl-error').hidden = false;
    document.getElementById('map').hidden = true;
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

  // The data's credit line (from the tileset's metadata, published by the core), with a link.
  let attributionShown = '';
  function showAttribution(text) {
    if (!text || text === attributionShown) return;
    attributionShown = text;
    const el = document.getElementById('attribution');
    const osm = 'OpenStreetMap contributors';
    el.textContent = text.replace(osm, '');
    if (text.includes(osm)) {
      const link = document.createElement('a');
      link.href = 'https://www.openstreetmap.org/copyright';
      link.textContent = osm;
      link.rel = 'noopener';
      el.appendChild(link);
    }
  }

  window.Module = {
    arguments: args,
    canvas: document.getElementById('map'),
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onStatus: (s) => {
      Object.assign(state, s);
      showAttribution(s.attribution);
      if (s.error) showError(s.error);
      else if (s.ready) statusEl.textContent = s.idle ? '' : statusEl.textContent === '' ? '' : 'Loading tiles…';
      document.documentElement.dataset.mapIdle = String(s.idle);
    },
    onAbort: (what) => showError('citymap stopped: ' + what),
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
})();
