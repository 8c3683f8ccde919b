#!/usr/bin/env node
// citymap static file server (development, tests, benchmarks).
//
//   node tools/serve/serve.mjs --port 8080 --root build/site [--mount /tiles=DIR ...] [--host 127.0.0.1]
//
// Files are served by serve-handler (npm): MIME types (application/wasm for streaming
// compilation), single byte ranges (206 + Content-Range, 416 for unsatisfiable or malformed
// ranges), a content ETag with If-None-Match -> 304, refusal of paths that leave the root and of
// symlinks. Responses are compressed by compression (npm): brotli or gzip, as the client
// accepts, for compressible types (html, js, css, json, wasm, svg); never a ranged answer, so a
// PMTiles archive's byte ranges are always the file's own bytes. This file adds only what those
// two do not: mount points, the default Cache-Control, CORS / isolation headers, 405 for other
// methods, and the command line.
// Also importable: `import { startServer } from './serve.mjs'` (used by the browser tests).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import compression from 'compression';
import serveHandler from 'serve-handler';

/**
 * Starts the server. Resolves to {server, url, port, host, close()} once listening.
 * @param {object} o
 * @param {string} o.root            folder served at "/"
 * @param {Array<[string,string]>|Object<string,string>} [o.mounts]  URL prefix -> folder
 * @param {number} [o.port=8080]     0 picks a free port
 * @param {string} [o.host='127.0.0.1']
 * @param {boolean} [o.gzip=true]    compress (brotli or gzip) what is worth it
 * @param {string} [o.cacheControl='no-cache']
 * @param {boolean} [o.cors=false]   Access-Control-Allow-Origin: * (+ preflight)
 * @param {boolean} [o.isolate=false] COOP/COEP headers (cross-origin isolation for wasm threads)
 * @param {boolean|function} [o.log=false] log one line per request (to stderr or the function)
 */
export async function startServer(o) {
  const opts = {
    port: 8080,
    host: '127.0.0.1',
    gzip: true,
    cacheControl: 'no-cache',
    cors: false,
    isolate: false,
    log: false,
    ...o,
  };
  if (!opts.root) throw new Error('startServer: root is required');

  // Mount table, longest prefix first: one serve-handler configuration per folder.
  const mountList = Array.isArray(opts.mounts) ? opts.mounts : Object.entries(opts.mounts || {});
  const mounts = [];
  for (const [prefixIn, dir] of [['/', opts.root], ...mountList]) {
    const prefix = '/' + String(prefixIn).split('/').filter(Boolean).join('/');
    const abs = path.resolve(dir);
    try {
      if (!fs.statSync(abs).isDirectory()) throw new Error('not a directory');
    } catch (e) {
      throw new Error(`cannot serve ${prefix} from ${abs}: ${e.message}`);
    }
    mounts.push({ prefix, config: { public: abs, cleanUrls: false, directoryListing: false, symlinks: false, etag: true } });
  }
  mounts.sort((a, b) => b.prefix.length - a.prefix.length);

  // Never compress a ranged answer (its bytes are the file's, as Content-Range says). The icon
  // sprite's coverage (.alpha, raw bytes mime-db does not know) compresses about 5x.
  const compress = opts.gzip
    ? compression({
        filter: (req, res) =>
          !req.headers.range && (compression.filter(req, res) || /\.alpha$/.test(req.url.split('?')[0])),
      })
    : (req, res, next) => next();
  const logLine =
    typeof opts.log === 'function' ? opts.log : opts.log ? (s) => process.stderr.write(s + '\n') : null;

  function handle(req, res) {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (opts.cors) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range, Content-Encoding, ETag, Accept-Ranges');
    }
    if (opts.isolate) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    }
    if (req.method === 'OPTIONS' && opts.cors) {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || 'Range',
        'Access-Control-Max-Age': '600',
      });
      return res.end();
    }
    const plain = (status, msg, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : `${status} ${msg}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
    const raw = req.url || '/';
    if (/%00/.test(raw)) return plain(400, 'Bad Request');
    const q = raw.search(/[?#]/);
    const pathname = q >= 0 ? raw.slice(0, q) : raw;
    const m = mounts.find((x) => x.prefix === '/' || pathname === x.prefix || pathname.startsWith(x.prefix + '/'));
    let rest = m.prefix === '/' ? pathname : pathname.slice(m.prefix.length) || '/';
    if (rest.endsWith('/')) rest += 'index.html'; // a folder's index, never a listing
    req.url = rest + (q >= 0 ? raw.slice(q) : '');
    // A unit other than bytes is ignored (RFC 9110 14.2), not refused.
    if (req.headers.range && !/^\s*bytes\s*=/i.test(req.headers.range)) delete req.headers.range;
    res.setHeader('Cache-Control', opts.cacheControl);
    res.setHeader('Content-Type', 'application/octet-stream'); // tiles, archives: types mime-db does not know
    compress(req, res, () => {
      serveHandler(req, res, m.config, {
        createReadStream(file, streamOpts) {
          // serve-handler opens the file before it decides on 304 or 416: close it with the
          // response, and send no body (not the whole file) with a 416.
          if (res.statusCode === 416) {
            const writeHead = res.writeHead;
            res.writeHead = (status, headers) => writeHead.call(res, status, { ...headers, 'Content-Length': 0 });
            return Readable.from([]);
          }
          const stream = fs.createReadStream(file, streamOpts);
          res.once('close', () => stream.destroy());
          return stream;
        },
      }).catch((e) => {
        process.stderr.write(`citymap serve: ${req.method} ${raw}: ${e.stack || e}\n`);
        if (!res.headersSent) plain(500, 'Internal Server Error');
        else res.destroy();
      });
    });
  }

  const server = http.createServer((req, res) => {
    const t0 = process.hrtime.bigint();
    const url = req.url;
    if (logLine) {
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const enc = res.getHeader('Content-Encoding');
        logLine(`${req.method} ${url} ${res.statusCode} ${res.getHeader('Content-Length') ?? '-'}${enc ? ' ' + enc : ''} ${ms.toFixed(1)}ms`);
      });
    }
    handle(req, res);
  });
  server.keepAliveTimeout = 5000;

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const hostForUrl = addr.family === 'IPv6' || String(addr.family) === '6' ? `[${addr.address}]` : addr.address;
  const url = `http://${hostForUrl}:${addr.port}/`;
  return {
    server,
    url,
    port: addr.port,
    host: addr.address,
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// CLI

const USAGE = `usage: node tools/serve/serve.mjs --root DIR [options]

Static HTTP server for the citymap web client (site folder, tiles, archives).

options:
  --root DIR             folder served at "/" (required)
  --mount /PREFIX=DIR    also serve DIR under /PREFIX (repeatable), e.g. --mount /tiles=build/tiles
  --port N               port to listen on (default 8080; 0 = pick a free port)
  --host ADDR            address to bind (default 127.0.0.1)
  --cache-control VALUE  Cache-Control header for files (default "no-cache")
  --no-gzip              never compress responses (brotli or gzip otherwise)
  --cors                 send Access-Control-Allow-Origin: * (tiles served to another origin)
  --isolate              send COOP/COEP headers (cross-origin isolation, needed by wasm threads)
  --log                  log one line per request to stderr
  -h, --help             show this help

Prints "citymap: serving http://HOST:PORT/" once listening; exits cleanly on SIGINT/SIGTERM.`;

async function main(argv) {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        root: { type: 'string' },
        mount: { type: 'string', multiple: true, default: [] },
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        'cache-control': { type: 'string', default: 'no-cache' },
        'no-gzip': { type: 'boolean', default: false },
        cors: { type: 'boolean', default: false },
        isolate: { type: 'boolean', default: false },
        log: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    process.stderr.write(`serve: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (!args.root) {
    process.stderr.write(`serve: --root is required\n${USAGE}\n`);
    return 2;
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`serve: bad --port ${args.port}\n`);
    return 2;
  }
  const mounts = [];
  for (const m of args.mount) {
    const eq = m.indexOf('=');
    if (eq <= 0 || !m.startsWith('/')) {
      process.stderr.write(`serve: bad --mount ${m} (expected /PREFIX=DIR)\n`);
      return 2;
    }
    mounts.push([m.slice(0, eq), m.slice(eq + 1)]);
  }
  let srv;
  try {
    srv = await startServer({
      root: args.root,
      mounts,
      port,
      host: args.host,
      gzip: !args['no-gzip'],
      cacheControl: args['cache-control'],
      cors: args.cors,
      isolate: args.isolate,
      log: args.log,
    });
  } catch (e) {
    process.stderr.write(`serve: ${e.message}\n`);
    return 1;
  }
  process.stdout.write(`citymap: serving ${srv.url}\n`);
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (sig) => {
      if (stopping) return;
      stopping = true;
      if (args.log) process.stderr.write(`citymap: ${sig}, shutting down\n`);
      const force = setTimeout(() => resolve(0), 3000);
      force.unref();
      srv.close().then(() => resolve(0));
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`serve: ${e.stack || e}\n`);
      process.exit(1);
    },
  );
}
