#!/usr/bin/env node
// citymap static file server (development, tests, benchmarks). Dependency-free.
//
//   node tools/serve/serve.mjs --port 8080 --root build/site [--mount /tiles=DIR ...] [--host 127.0.0.1]
//
// Features: MIME types for the web client (wasm, js, html, json, cmt, png, css, ...), single
// HTTP byte ranges (206 + Content-Range, 416 for unsatisfiable/malformed byte ranges), gzip for
// text and wasm when the client accepts it (compressed bytes are cached per file version),
// ETag / Last-Modified with 304 revalidation (If-None-Match, If-Modified-Since, If-Range),
// HEAD, "Cache-Control: no-cache" by default, directory index.html, no directory traversal
// (paths that escape a root, lexically or through a symlink, are refused).
// Also importable: `import { startServer } from './serve.mjs'` (used by the browser tests).

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs, promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const gzipAsync = promisify(zlib.gzip);

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.cmt': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.data': 'application/octet-stream',
  '.pmtiles': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

// Types worth gzipping (everything else is sent as is: images, tiles and archives are binary
// formats that are either compressed already or read by byte range).
function isCompressible(type) {
  return /^text\/|^application\/(json|javascript|wasm|xml)|^image\/svg\+xml/.test(type);
}

export function mimeType(file) {
  return MIME_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

// ---------------------------------------------------------------------------------------------
// Request parsing helpers (exported for tests).

// Parses a Range header against a representation of `size` bytes.
// Returns null when the header should be ignored (absent, or not a "bytes" range), an object
// {start, end} (inclusive) for one satisfiable range, 'multi' for several ranges (served whole),
// or 'unsatisfiable' (=> 416) for a malformed or unsatisfiable byte range.
export function parseRange(header, size) {
  if (header == null) return null;
  const m = /^\s*([A-Za-z]+)\s*=(.*)$/.exec(header);
  if (!m) return 'unsatisfiable';
  if (m[1].toLowerCase() !== 'bytes') return null; // unknown unit: ignore (RFC 9110 14.2)
  const specs = m[2].split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (specs.length === 0) return 'unsatisfiable';
  const ranges = [];
  for (const spec of specs) {
    const r = /^(\d*)-(\d*)$/.exec(spec);
    if (!r || (r[1] === '' && r[2] === '')) return 'unsatisfiable';
    let start;
    let end;
    if (r[1] === '') {
      // suffix range: the last N bytes
      const n = Number(r[2]);
      if (n === 0 || size === 0) return 'unsatisfiable';
      start = Math.max(0, size - n);
      end = size - 1;
    } else {
      start = Number(r[1]);
      end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
      if (r[2] !== '' && Number(r[2]) < start) return 'unsatisfiable';
      if (start >= size) return 'unsatisfiable';
    }
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return 'unsatisfiable';
    ranges.push({ start, end });
  }
  return ranges.length === 1 ? ranges[0] : 'multi';
}

// True when Accept-Encoding allows gzip (q > 0 for "gzip" or, if gzip is not named, for "*").
export function acceptsGzip(header) {
  if (!header) return false;
  let gzip = null;
  let star = null;
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().split(';');
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    const n = name.trim().toLowerCase();
    if (n === 'gzip' || n === 'x-gzip') gzip = q;
    else if (n === '*') star = q;
  }
  if (gzip !== null) return gzip > 0;
  return star !== null && star > 0;
}

function etagMatches(header, etag) {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const weak = (t) => t.trim().replace(/^W\//, '');
  const want = weak(etag);
  return header.split(',').some((t) => weak(t) === want);
}

// Decodes the request target into path segments; returns null for a malformed target.
function decodeTarget(rawUrl) {
  let p = rawUrl;
  const q = p.search(/[?#]/);
  if (q >= 0) p = p.slice(0, q);
  if (!p.startsWith('/')) {
    // absolute-form (http://host/path) is allowed by HTTP/1.1
    try {
      p = new URL(p).pathname;
    } catch {
      return null;
    }
  }
  let decoded;
  try {
    decoded = decodeURIComponent(p);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  return decoded;
}

// Like res.writeHead, but the headers stay readable through res.getHeader (for the log).
function writeHead(res, status, headers) {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.writeHead(status);
}

function isInside(root, target) {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

// ---------------------------------------------------------------------------------------------

class GzipCache {
  constructor(maxBytes) {
    this.maxBytes = maxBytes;
    this.bytes = 0;
    this.map = new Map(); // file -> {key, promise, size}
  }

  get(file, key, load) {
    const hit = this.map.get(file);
    if (hit && hit.key === key) {
      this.map.delete(file); // LRU: move to the end
      this.map.set(file, hit);
      return hit.promise;
    }
    if (hit) this.drop(file);
    const entry = { key, size: 0, promise: null };
    entry.promise = load().then(
      (buf) => {
        if (this.map.get(file) === entry) {
          entry.size = buf ? buf.length : 0;
          this.bytes += entry.size;
          this.evict();
        }
        return buf;
      },
      (err) => {
        if (this.map.get(file) === entry) this.map.delete(file);
        throw err;
      },
    );
    this.map.set(file, entry);
    return entry.promise;
  }

  drop(file) {
    const e = this.map.get(file);
    if (!e) return;
    this.bytes -= e.size;
    this.map.delete(file);
  }

  evict() {
    for (const [file] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(file);
    }
  }
}

/**
 * Starts the server. Resolves to {server, url, port, host, close()} once listening.
 * @param {object} o
 * @param {string} o.root            folder served at "/"
 * @param {Array<[string,string]>|Object<string,string>} [o.mounts]  URL prefix -> folder
 * @param {number} [o.port=8080]     0 picks a free port
 * @param {string} [o.host='127.0.0.1']
 * @param {boolean} [o.gzip=true]
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
    gzipMaxFileBytes: 64 << 20,
    gzipCacheBytes: 256 << 20,
    ...o,
  };
  if (!opts.root) throw new Error('startServer: root is required');

  // Mount table: longest prefix first. Each root is resolved and realpath'ed once.
  const mountList = Array.isArray(opts.mounts) ? opts.mounts : Object.entries(opts.mounts || {});
  const mounts = [];
  for (const [prefixIn, dir] of [['/', opts.root], ...mountList]) {
    let prefix = '/' + String(prefixIn).split('/').filter(Boolean).join('/');
    const abs = path.resolve(dir);
    let real;
    try {
      real = await fsp.realpath(abs);
      if (!(await fsp.stat(real)).isDirectory()) throw new Error('not a directory');
    } catch (e) {
      throw new Error(`serve: cannot serve ${prefix} from ${abs}: ${e.message}`);
    }
    mounts.push({ prefix, dir: abs, real });
  }
  mounts.sort((a, b) => b.prefix.length - a.prefix.length);

  const gzCache = new GzipCache(opts.gzipCacheBytes);
  const logLine =
    typeof opts.log === 'function' ? opts.log : opts.log ? (s) => process.stderr.write(s + '\n') : null;

  function resolveFile(urlPath) {
    for (const m of mounts) {
      if (m.prefix === '/' || urlPath === m.prefix || urlPath.startsWith(m.prefix + '/')) {
        const rest = m.prefix === '/' ? urlPath : urlPath.slice(m.prefix.length);
        const full = path.resolve(m.dir, '.' + (rest.startsWith('/') ? rest : '/' + rest));
        return { mount: m, full, ok: isInside(m.dir, full) };
      }
    }
    return null;
  }

  function baseHeaders(extra) {
    const h = { 'X-Content-Type-Options': 'nosniff', ...extra };
    if (opts.cors) {
      h['Access-Control-Allow-Origin'] = '*';
      h['Access-Control-Expose-Headers'] = 'Content-Length, Content-Range, Content-Encoding, ETag, Accept-Ranges';
    }
    if (opts.isolate) {
      h['Cross-Origin-Opener-Policy'] = 'same-origin';
      h['Cross-Origin-Embedder-Policy'] = 'require-corp';
      h['Cross-Origin-Resource-Policy'] = 'cross-origin';
    }
    return h;
  }

  function sendError(res, status, msg, extra = {}) {
    const body = `${status} ${msg}\n`;
    writeHead(res, status, baseHeaders({
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      ...extra,
    }));
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }

  async function handle(req, res) {
    if (req.method === 'OPTIONS' && opts.cors) {
      writeHead(res, 204, baseHeaders({
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || 'Range',
        'Access-Control-Max-Age': '600',
      }));
      return res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
    }
    const urlPath = decodeTarget(req.url || '/');
    if (urlPath === null) return sendError(res, 400, 'Bad Request');
    const r = resolveFile(urlPath);
    if (!r || !r.ok) return sendError(res, 403, 'Forbidden');

    let file = r.full;
    let st;
    try {
      st = await fsp.stat(file);
      if (st.isDirectory()) {
        if (!urlPath.endsWith('/')) {
          // Redirect so that relative URLs in index.html resolve inside the folder.
          const q = (req.url || '').indexOf('?');
          const loc = encodeURI(urlPath + '/').replace(/\?/g, '%3F') + (q >= 0 ? req.url.slice(q) : '');
          writeHead(res, 301, baseHeaders({ Location: loc, 'Content-Length': 0 }));
          return res.end();
        }
        file = path.join(file, 'index.html');
        st = await fsp.stat(file);
      }
      if (!st.isFile()) return sendError(res, 404, 'Not Found');
      // Symlinks may not lead out of the mount's root.
      const real = await fsp.realpath(file);
      if (!isInside(r.mount.real, real)) return sendError(res, 403, 'Forbidden');
    } catch (e) {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return sendError(res, 404, 'Not Found');
      if (e.code === 'EACCES' || e.code === 'EPERM') return sendError(res, 403, 'Forbidden');
      throw e;
    }

    const type = mimeType(file);
    const size = st.size;
    const mtime = new Date(Math.floor(st.mtimeMs / 1000) * 1000);
    const version = `${size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}-${st.ino.toString(16)}`;
    const etag = `"${version}"`;
    const compressible = isCompressible(type);

    const headers = baseHeaders({
      'Content-Type': type,
      'Last-Modified': mtime.toUTCString(),
      'Cache-Control': opts.cacheControl,
      'Accept-Ranges': 'bytes',
    });
    if (compressible && opts.gzip) headers.Vary = 'Accept-Encoding';

    // Range (identity representation only).
    let range = parseRange(req.headers.range, size);
    if (range !== null && req.headers['if-range']) {
      const ir = req.headers['if-range'].trim();
      const ok = ir.startsWith('"') || ir.startsWith('W/')
        ? ir === etag // strong comparison
        : Date.parse(ir) === mtime.getTime();
      if (!ok) range = null;
    }
    if (range === 'multi') range = null; // multipart/byteranges not supported: send the whole file

    // Gzip decision (never for ranges).
    const wantGzip = opts.gzip && compressible && range === null && size > 0 &&
      size <= opts.gzipMaxFileBytes && acceptsGzip(req.headers['accept-encoding']);
    const repEtag = wantGzip ? `"${version}-gz"` : etag;
    headers.ETag = repEtag;

    // Conditional GET (If-None-Match wins over If-Modified-Since).
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const notModified = inm !== undefined
      ? etagMatches(inm, repEtag) || (wantGzip && etagMatches(inm, etag))
      : ims !== undefined && !Number.isNaN(Date.parse(ims)) && mtime.getTime() <= Date.parse(ims);
    if (notModified) {
      delete headers['Content-Type'];
      writeHead(res, 304, headers);
      return res.end();
    }

    if (range === 'unsatisfiable') {
      return sendError(res, 416, 'Range Not Satisfiable', { 'Content-Range': `bytes */${size}`, 'Accept-Ranges': 'bytes' });
    }

    if (wantGzip) {
      const gz = await gzCache.get(file, version, async () => {
        const raw = await fsp.readFile(file);
        const out = await gzipAsync(raw, { level: 9 });
        return out.length < raw.length ? out : null; // not worth it: remember that too
      });
      if (gz) {
        headers['Content-Encoding'] = 'gzip';
        headers['Content-Length'] = gz.length;
        writeHead(res, 200, headers);
        return res.end(req.method === 'HEAD' ? undefined : gz);
      }
      headers.ETag = etag;
    }

    let status = 200;
    let start = 0;
    let end = size - 1;
    if (range) {
      status = 206;
      ({ start, end } = range);
      headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    }
    headers['Content-Length'] = size === 0 ? 0 : end - start + 1;
    writeHead(res, status, headers);
    if (req.method === 'HEAD' || size === 0) return res.end();
    const stream = fs.createReadStream(file, { start, end });
    stream.on('error', (e) => res.destroy(e));
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  const server = http.createServer((req, res) => {
    const t0 = process.hrtime.bigint();
    if (logLine) {
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const len = res.getHeader('Content-Length');
        logLine(`${req.method} ${req.url} ${res.statusCode} ${len ?? '-'}${res.getHeader('Content-Encoding') ? ' gz' : ''} ${ms.toFixed(1)}ms`);
      });
    }
    handle(req, res).catch((e) => {
      process.stderr.write(`citymap serve: ${req.method} ${req.url}: ${e.stack || e}\n`);
      if (!res.headersSent) sendError(res, 500, 'Internal Server Error');
      else res.destroy();
    });
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
  --no-gzip              never gzip responses
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
