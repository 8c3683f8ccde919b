// A fault-injecting HTTP server for the browser tests of tile requests (tests/e2e/faults.test.mjs).
// Serves one PMTiles archive at /faulty/map.pmtiles itself (byte ranges, an ETag per version)
// and passes every other request through to an upstream server (the site). Which answers go
// wrong is up to `plan(request) -> fault | null`, where a fault is one of
//   'status503'  an HTTP 503
//   'html'       200 with an HTML error page (a captive portal or a proxy's page)
//   'truncate'   the right headers, half the body, then the connection is cut
//   'stall'      headers and body never come (the client's stall timeout must act)
// `delayMs` delays every archive answer (to keep requests in flight while the view moves).
// swap(file) serves another file from then on, with a new ETag (the archive changed).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

export async function startFaultServer({ upstream, archive, plan = () => null, delayMs = 0 }) {
  let bytes = fs.readFileSync(archive);
  let etag = `"${crypto.createHash('sha1').update(bytes).digest('hex').slice(0, 16)}"`;
  const stats = { archiveRequests: 0, faults: {}, aborted: 0, served: 0 };
  const open = new Set();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname !== '/faulty/map.pmtiles') return proxy(req, res);
    stats.archiveRequests++;
    let finished = false;
    res.on('finish', () => {
      finished = true;
      stats.served++;
    });
    res.on('close', () => {
      if (!finished) stats.aborted++; // the client went away (cancelled) or we cut it
    });
    const answer = () => {
      const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range || '');
      const from = m ? Number(m[1]) : 0;
      const to = m ? Math.min(Number(m[2]), bytes.length - 1) : bytes.length - 1;
      const body = bytes.subarray(from, to + 1);
      const fault = plan({ from, to, url: req.url });
      if (fault) stats.faults[fault] = (stats.faults[fault] || 0) + 1;
      if (fault === 'status503') {
        res.writeHead(503, { 'Content-Type': 'text/plain' });
        return res.end('busy\n');
      }
      if (fault === 'html') {
        const page = '<!doctype html><title>Oops</title><p>Something went wrong. Please try again later.</p>';
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(page) });
        return res.end(page);
      }
      if (fault === 'stall') return; // nothing, ever (the socket closes when the client aborts)
      const headers = {
        'Content-Type': 'application/octet-stream',
        'Content-Length': body.length,
        'Accept-Ranges': 'bytes',
        ETag: etag,
        'Cache-Control': 'no-cache',
      };
      if (m) headers['Content-Range'] = `bytes ${from}-${to}/${bytes.length}`;
      res.writeHead(m ? 206 : 200, headers);
      if (fault === 'truncate') {
        res.write(body.subarray(0, body.length >> 1));
        return setTimeout(() => res.socket && res.socket.destroy(), 20);
      }
      res.end(body);
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
  server.on('connection', (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });

  function proxy(req, res) {
    const up = new URL(upstream);
    const r = http.request(
      { host: up.hostname, port: up.port, path: req.url, method: req.method, headers: { ...req.headers, host: up.host } },
      (u) => {
        res.writeHead(u.statusCode, u.headers);
        u.pipe(res);
      },
    );
    r.on('error', () => res.destroy());
    req.pipe(r);
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    stats,
    setPlan(p) {
      plan = p;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    swap(file) {
      bytes = fs.readFileSync(file);
      etag = `"${crypto.createHash('sha1').update(bytes).digest('hex').slice(0, 16)}"`;
    },
    close() {
      for (const s of open) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
