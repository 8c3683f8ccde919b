// JavaScript side of core/platform/web: fetch() and status publishing (with the live feeds'
// summary). Linked with --js-library; the functions are called from C++ (see web_platform.cpp).
mergeInto(LibraryManager.library, {
  // offset < 0 fetches the whole resource; otherwise `length` bytes from `offset` with an HTTP
  // Range request (a server that ignores Range answers 200 with everything: we slice).
  citymap_js_fetch: function (id, urlPtr, offset, length) {
    const url = UTF8ToString(urlPtr);
    const ranged = offset >= 0;
    const fail = (message) => {
      const len = lengthBytesUTF8(message) + 1;
      const ptr = _malloc(len);
      stringToUTF8(message, ptr, len);
      _citymap_fetch_done(id, 0, 0, ptr);
      _free(ptr);
    };
    const init = ranged ? { headers: { Range: 'bytes=' + offset + '-' + (offset + length - 1) } } : undefined;
    fetch(url, init)
      .then((response) => {
        if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
        return response.arrayBuffer().then((buffer) => ({ buffer, whole: response.status !== 206 }));
      })
      .then(({ buffer, whole }) => {
        let bytes = new Uint8Array(buffer);
        if (ranged && whole) bytes = bytes.subarray(offset, offset + length);
        const ptr = _malloc(Math.max(1, bytes.length));
        HEAPU8.set(bytes, ptr);
        _citymap_fetch_done(id, ptr, bytes.length, 0);
        _free(ptr);
      })
      .catch((err) => fail(String(err && err.message ? err.message : err)));
  },

  // feedJsonPtr: the feed summary (JSON) when it changed, else 0: the last one is kept and only
  // its newestAgeMs is updated. uiJsonPtr likewise: the UI summary (language, hidden layers,
  // selection and its card) when it changed.
  citymap_js_publish_status: function (ready, idle, frames, tiles, errorPtr, zoom, lng, lat, bearing, attributionPtr,
                                       feedAgeMs, feedJsonPtr, uiJsonPtr) {
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
