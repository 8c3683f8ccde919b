// JavaScript side of core/platform/web: fetch() and status publishing (with the live feeds'
// summary). Linked with --js-library; the functions are called from C++ (see web_platform.cpp).
mergeInto(LibraryManager.library, {
  // offset < 0 fetches the whole resource; otherwise `length` bytes from `offset` with an HTTP
  // Range request (a server that ignores Range answers 200 with everything: we slice). Each
  // fetch has an AbortController: citymap_js_cancel_fetch aborts it, and so does a stall (no
  // headers or body bytes for Module.citymapFetchStallMs, default 20 s). An HTML page where
  // bytes were asked for (a proxy's or server's error page) is an error, as is a short body.
  // Ranged reads are pinned to a version of the resource (ETag, else Last-Modified): the read
  // from offset 0 records it; a later ranged read that meets another version fails with
  // changed=1 so that the core reopens the archive instead of mixing two files. gzip: the range
  // is one gzip member (a compressed tile), inflated here with the browser's DecompressionStream.
  $citymapFetches: {},
  $citymapVersions: {},
  citymap_js_fetch__deps: ['$citymapFetches', '$citymapVersions'],
  citymap_js_fetch: function (id, urlPtr, offset, length, gzip) {
    const url = UTF8ToString(urlPtr);
    const ranged = offset >= 0;
    const controller = new AbortController();
    const stallMs = Module.citymapFetchStallMs || 20000;
    let timer = 0;
    const alive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new Error('no answer for ' + stallMs / 1000 + ' s')), stallMs);
    };
    citymapFetches[id] = controller;
    const finish = () => {
      clearTimeout(timer);
      const active = citymapFetches[id] === controller;
      delete citymapFetches[id];
      return active; // false: cancelled, the core no longer waits for it
    };
    const fail = (message, changed) => {
      if (!finish()) return;
      const len = lengthBytesUTF8(message) + 1;
      const ptr = _malloc(len);
      stringToUTF8(message, ptr, len);
      _citymap_fetch_done(id, 0, 0, ptr, changed ? 1 : 0);
      _free(ptr);
    };
    const readBody = async (response) => {
      // Read chunk by chunk: each one shows the transfer is alive (a slow network is not a stall).
      if (!response.body) return new Uint8Array(await response.arrayBuffer());
      const reader = response.body.getReader();
      const chunks = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        alive();
        chunks.push(value);
        size += value.length;
      }
      const all = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.length;
      }
      return all;
    };
    const run = async () => {
      alive();
      const init = { signal: controller.signal };
      if (ranged) init.headers = { Range: 'bytes=' + offset + '-' + (offset + length - 1) };
      // The page may have asked for this already (web/app.js: the archive's header, the font).
      const key = url + '|' + (ranged ? offset : -1) + '|' + (ranged ? length : 0);
      const early = Module.citymapPrefetch && Module.citymapPrefetch.get(key);
      let response = null;
      if (early) {
        Module.citymapPrefetch.delete(key); // used once: a retry fetches anew
        const answer = await early;
        if (answer instanceof Response) response = answer;
      }
      if (!response) response = await fetch(url, init);
      alive();
      if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
      const type = response.headers.get('Content-Type') || '';
      if (type.startsWith('text/html')) throw new Error(url + ': the server answered with a web page, not data');
      if (ranged) {
        const version = response.headers.get('ETag') || response.headers.get('Last-Modified');
        if (version) {
          if (offset === 0) citymapVersions[url] = version;
          else if (citymapVersions[url] && citymapVersions[url] !== version)
            return fail(url + ': changed on the server since it was opened', true);
        }
      }
      let bytes = await readBody(response);
      if (ranged && response.status !== 206) bytes = bytes.subarray(offset, offset + length);
      const expected = Number(response.headers.get('Content-Length'));
      if (response.status === 206 && expected > 0 && bytes.length < expected && !response.headers.get('Content-Encoding'))
        throw new Error(url + ': the answer was cut short (' + bytes.length + ' of ' + expected + ' bytes)');
      if (gzip) {
        if (bytes.length !== length) throw new Error(url + ': short read (' + bytes.length + ' of ' + length + ' bytes)');
        try {
          const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
          bytes = new Uint8Array(await new Response(inflated).arrayBuffer());
        } catch (e) {
          throw new Error(url + ': compressed tile at ' + offset + ': ' + (e && e.message ? e.message : e));
        }
      }
      if (!finish()) return;
      const ptr = _malloc(Math.max(1, bytes.length));
      HEAPU8.set(bytes, ptr);
      _citymap_fetch_done(id, ptr, bytes.length, 0, 0);
      _free(ptr);
    };
    run().catch((err) => {
      const reason = controller.signal.aborted && controller.signal.reason ? controller.signal.reason : err;
      fail(String(reason && reason.message ? reason.message : reason), false);
    });
  },

  citymap_js_mark: function (namePtr) {
    if (typeof performance !== 'undefined' && performance.mark) performance.mark('citymap:' + UTF8ToString(namePtr));
  },

  citymap_js_cancel_fetch__deps: ['$citymapFetches'],
  citymap_js_cancel_fetch: function (id) {
    const controller = citymapFetches[id];
    if (!controller) return;
    delete citymapFetches[id];
    controller.abort(new Error('cancelled'));
  },

  // feedJsonPtr: the feed summary (JSON) when it changed, else 0: the last one is kept and only
  // its newestAgeMs is updated. uiJsonPtr likewise: the UI summary (language, hidden layers,
  // selection and its card) when it changed.
  citymap_js_publish_status: function (ready, idle, frames, tiles, errorPtr, zoom, lng, lat, bearing, attributionPtr,
                                       feedAgeMs, feedJsonPtr, uiJsonPtr, tilesPending, tilesFailed, tileErrors,
                                       tileRetries, tilesCancelled, tilesetReloads) {
    if (feedJsonPtr) Module.citymapFeedSummary = JSON.parse(UTF8ToString(feedJsonPtr));
    if (uiJsonPtr) Module.citymapUi = JSON.parse(UTF8ToString(uiJsonPtr));
    const feed = Module.citymapFeedSummary;
    if (feed) feed.newestAgeMs = feedAgeMs;
    if (typeof Module.onStatus === 'function') {
      Module.onStatus({
        ready: !!ready,
        idle: !!idle,
        framesDrawn: frames,
        tilesLoaded: tiles,
        tiles: {
          loaded: tiles,
          pending: tilesPending,
          failed: tilesFailed,
          errors: tileErrors,
          retries: tileRetries,
          cancelled: tilesCancelled,
          reloads: tilesetReloads,
        },
        error: errorPtr ? UTF8ToString(errorPtr) : null,
        zoom: zoom,
        center: { lng: lng, lat: lat },
        bearing: bearing,
        attribution: UTF8ToString(attributionPtr),
        feed: feed || null,
        feedChanged: !!feedJsonPtr,
        ui: Module.citymapUi || null,
        uiChanged: !!uiJsonPtr,
      });
    }
  },
});
