// node --test tests/e2e/serve.test.mjs
// Starts tools/serve/serve.mjs as a child process on a free port (--port 0) and checks MIME
// types, ranges, 416, traversal, compression, conditional requests, HEAD, mounts and clean
// shutdown: what the page and the browser tests rely on (serve-handler + compression underneath).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../tools/serve/serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const serveJs = path.resolve(here, '../../tools/serve/serve.mjs');

let tmp;
let site;
let tiles;
let child;
let base; // http://127.0.0.1:PORT
const tileBytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 255));
const jsText = 'console.log("citymap");\n'.repeat(200);

// Raw HTTP request (no automatic decompression, raw path kept as written).
function request(pathname, { method = 'GET', headers = {} } = {}) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path: pathname, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(10000, () => req.destroy(new Error('request timeout')));
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'citymap-serve-test-'));
  site = path.join(tmp, 'site');
  tiles = path.join(tmp, 'tiles');
  fs.mkdirSync(path.join(site, 'sub'), { recursive: true });
  fs.mkdirSync(path.join(tiles, '14', '13000'), { recursive: true });
  fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>citymap</title>\n'.repeat(60));
  fs.writeFileSync(path.join(site, 'citymap.js'), jsText);
  // wasm magic + compressible padding
  fs.writeFileSync(path.join(site, 'citymap.wasm'), Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(4096)]));
  fs.writeFileSync(path.join(site, 'style.css'), 'body{margin:0}\n'.repeat(100));
  fs.writeFileSync(path.join(site, 'a.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  fs.writeFileSync(path.join(site, 'sprite@1x.alpha'), Buffer.alloc(9216, 7));
  fs.writeFileSync(path.join(site, 'sub', 'index.html'), 'sub');
  fs.writeFileSync(path.join(site, 'empty.json'), '');
  fs.writeFileSync(path.join(tiles, 'tileset.json'), JSON.stringify({ name: 'test', minzoom: 0, maxzoom: 14 }));
  fs.writeFileSync(path.join(tiles, '14', '13000', '7000.cmt'), tileBytes);
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'top secret');
  fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(site, 'link-out.txt'));

  child = spawn(process.execPath, [serveJs, '--port', '0', '--root', site, '--mount', `/tiles=${tiles}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + stderr)), 10000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /citymap: serving (http:\/\/\S+\/)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
});

after(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('MIME types', async () => {
  const cases = {
    '/': 'text/html',
    '/index.html': 'text/html',
    '/citymap.js': 'application/javascript',
    '/citymap.wasm': 'application/wasm',
    '/style.css': 'text/css',
    '/a.png': 'image/png',
    '/tiles/tileset.json': 'application/json',
    '/tiles/14/13000/7000.cmt': 'application/octet-stream',
  };
  for (const [p, type] of Object.entries(cases)) {
    const r = await request(p);
    assert.equal(r.status, 200, p);
    assert.ok(r.headers['content-type'].startsWith(type), `${p}: ${r.headers['content-type']}`);
    assert.equal(r.headers['cache-control'], 'no-cache', p);
  }
});

test('whole file, mount, directory index, 404', async () => {
  const r = await request('/tiles/14/13000/7000.cmt');
  assert.equal(r.status, 200);
  assert.equal(r.headers['accept-ranges'], 'bytes');
  assert.equal(Number(r.headers['content-length']), tileBytes.length);
  assert.deepEqual(r.body, tileBytes);
  assert.equal((await request('/sub/?x=1')).body.toString(), 'sub');
  assert.equal((await request('/sub')).status, 404); // a folder without its slash: no listing
  assert.equal((await request('/nope.js')).status, 404);
  assert.equal((await request('/tiles/')).status, 404); // no listing
  const e = await request('/empty.json');
  assert.equal(e.status, 200);
  assert.equal(e.body.length, 0);
});

test('range requests: 206 with Content-Range', async () => {
  const cmt = '/tiles/14/13000/7000.cmt';
  let r = await request(cmt, { headers: { Range: 'bytes=10-19' } });
  assert.equal(r.status, 206);
  assert.equal(r.headers['content-range'], `bytes 10-19/${tileBytes.length}`);
  assert.equal(Number(r.headers['content-length']), 10);
  assert.deepEqual(r.body, tileBytes.subarray(10, 20));

  r = await request(cmt, { headers: { Range: 'bytes=990-' } });
  assert.equal(r.status, 206);
  assert.equal(r.headers['content-range'], 'bytes 990-999/1000');
  assert.deepEqual(r.body, tileBytes.subarray(990));

  r = await request(cmt, { headers: { Range: 'bytes=-5' } });
  assert.equal(r.status, 206);
  assert.equal(r.headers['content-range'], 'bytes 995-999/1000');
  assert.deepEqual(r.body, tileBytes.subarray(995));

  r = await request(cmt, { headers: { Range: 'bytes=900-5000' } }); // end clamped
  assert.equal(r.status, 206);
  assert.equal(r.headers['content-range'], 'bytes 900-999/1000');
  assert.equal(r.body.length, 100);

  // Ranges apply to the identity representation even when compression is accepted.
  for (const enc of ['gzip', 'br', 'gzip, deflate, br']) {
    r = await request('/citymap.js', { headers: { Range: 'bytes=0-6', 'Accept-Encoding': enc } });
    assert.equal(r.status, 206, enc);
    assert.equal(r.headers['content-encoding'], undefined, enc);
    assert.equal(r.body.toString(), 'console', enc);
  }

  // HEAD with a range
  r = await request(cmt, { method: 'HEAD', headers: { Range: 'bytes=0-99' } });
  assert.equal(r.status, 206);
  assert.equal(Number(r.headers['content-length']), 100);
  assert.equal(r.body.length, 0);

  // The same validator on whole and ranged answers (the page pins ranged reads to it)
  const etag = (await request(cmt, { method: 'HEAD' })).headers.etag;
  assert.ok(etag);
  r = await request(cmt, { headers: { Range: 'bytes=500-509' } });
  assert.equal(r.headers.etag, etag);

  // Non-byte unit is ignored
  r = await request(cmt, { headers: { Range: 'items=0-1' } });
  assert.equal(r.status, 200);
});

test('unsatisfiable or malformed byte ranges: 416', async () => {
  const cmt = '/tiles/14/13000/7000.cmt';
  for (const range of ['bytes=1000-', 'bytes=5000-6000', 'bytes=20-10', 'bytes=abc', 'bytes=-0', 'bytes=-', 'bytes=']) {
    const r = await request(cmt, { headers: { Range: range } });
    assert.equal(r.status, 416, range);
    assert.equal(r.headers['content-range'], 'bytes */1000', range);
    assert.equal(r.body.length, 0, range); // no body (not the whole file)
  }
  const e = await request('/empty.json', { headers: { Range: 'bytes=0-' } });
  assert.equal(e.status, 200); // an empty file has no ranges: served whole
  assert.equal(e.body.length, 0);
});

test('directory traversal is blocked', async () => {
  const attempts = [
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/sub/../../secret.txt',
    '/tiles/../../secret.txt',
    '/tiles/%2e%2e/%2e%2e/secret.txt',
    '/tiles/..%2f..%2fsecret.txt',
    '/link-out.txt', // symlink leading out of the root
    '/%00',
    '/%E0%A4%A',
  ];
  for (const p of attempts) {
    const r = await request(p);
    assert.ok([400, 403, 404].includes(r.status), `${p} -> ${r.status}`);
    assert.ok(!r.body.toString().includes('top secret'), p);
  }
});

function decode(r) {
  const enc = r.headers['content-encoding'];
  if (enc === 'br') return zlib.brotliDecompressSync(r.body);
  if (enc === 'gzip') return zlib.gunzipSync(r.body);
  assert.equal(enc, undefined);
  return r.body;
}

test('brotli or gzip for text and wasm when accepted, not for tiles', async () => {
  for (const [p, accept, want] of [
    ['/citymap.js', 'gzip', 'gzip'],
    ['/citymap.wasm', 'gzip', 'gzip'],
    ['/index.html', 'gzip', 'gzip'],
    ['/style.css', 'gzip, deflate, br', 'br'], // what Chromium sends: brotli wins
    ['/citymap.wasm', 'gzip, deflate, br, zstd', 'br'],
    ['/citymap.js', 'br;q=0, gzip', 'gzip'],
    ['/sprite@1x.alpha', 'gzip, deflate, br', 'br'], // the icon sprite's coverage bytes
  ]) {
    const plain = await request(p);
    const r = await request(p, { headers: { 'Accept-Encoding': accept } });
    assert.equal(r.status, 200, p);
    assert.equal(r.headers['content-encoding'], want, `${p} ${accept}`);
    assert.match(r.headers.vary, /Accept-Encoding/, p);
    assert.ok(r.body.length < plain.body.length, p);
    assert.deepEqual(decode(r), plain.body, p);
  }
  // a tiny file is sent as is (below the size where compression pays)
  const tiny = await request('/tiles/tileset.json', { headers: { 'Accept-Encoding': 'gzip, br' } });
  assert.equal(tiny.headers['content-encoding'], undefined);
  // the same bytes every time
  const a = await request('/citymap.js', { headers: { 'Accept-Encoding': 'gzip' } });
  const b = await request('/citymap.js', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.deepEqual(a.body, b.body);
  // refused compression
  const q0 = await request('/citymap.js', { headers: { 'Accept-Encoding': 'gzip;q=0, deflate;q=0, br;q=0' } });
  assert.equal(q0.headers['content-encoding'], undefined);
  assert.equal(q0.body.toString(), jsText);
  // tiles and archives never (binary, read by byte range)
  const t = await request('/tiles/14/13000/7000.cmt', { headers: { 'Accept-Encoding': 'gzip, br' } });
  assert.equal(t.headers['content-encoding'], undefined);
  assert.deepEqual(t.body, tileBytes);
  // --no-gzip: never compressed
  const srv = await startServer({ root: site, port: 0, gzip: false });
  try {
    const u = new URL(srv.url);
    const r = await new Promise((resolve, reject) => {
      http.get({ host: u.hostname, port: u.port, path: '/citymap.js', headers: { 'Accept-Encoding': 'gzip, br' } }, resolve).on('error', reject);
    });
    r.resume();
    assert.equal(r.headers['content-encoding'], undefined);
  } finally {
    await srv.close();
  }
});

test('ETag revalidation: 304', async () => {
  const r = await request('/citymap.js');
  assert.ok(r.headers.etag);
  let c = await request('/citymap.js', { headers: { 'If-None-Match': r.headers.etag } });
  assert.equal(c.status, 304);
  assert.equal(c.body.length, 0);
  c = await request('/citymap.js', { headers: { 'If-None-Match': '"other"' } });
  assert.equal(c.status, 200);
  // the compressed answer revalidates with the same validator
  const g = await request('/citymap.js', { headers: { 'Accept-Encoding': 'gzip' } });
  c = await request('/citymap.js', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': g.headers.etag } });
  assert.equal(c.status, 304);
  assert.equal(c.body.length, 0);
  // many revalidations do not leak open files (serve-handler opens the file before it answers 304)
  const openFiles = () => fs.readdirSync(`/proc/${child.pid}/fd`).length;
  const before = openFiles();
  for (let i = 0; i < 50; i++) {
    assert.equal((await request('/citymap.js', { headers: { 'If-None-Match': r.headers.etag } })).status, 304);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(openFiles() - before < 10, `${openFiles() - before} more open files after 50 answers 304`);
  // a changed file gets a new validator
  fs.writeFileSync(path.join(site, 'citymap.js'), jsText + '//changed\n');
  const t = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(site, 'citymap.js'), t, t);
  c = await request('/citymap.js', { headers: { 'If-None-Match': r.headers.etag } });
  assert.equal(c.status, 200);
  assert.notEqual(c.headers.etag, r.headers.etag);
  assert.ok(c.body.toString().endsWith('//changed\n'));
  const g2 = await request('/citymap.js', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.ok(zlib.gunzipSync(g2.body).toString().endsWith('//changed\n'));
});

test('HEAD and methods', async () => {
  const h = await request('/citymap.wasm', { method: 'HEAD' });
  assert.equal(h.status, 200);
  assert.equal(Number(h.headers['content-length']), 4104);
  assert.equal(h.body.length, 0);
  const p = await request('/citymap.wasm', { method: 'POST' });
  assert.equal(p.status, 405);
  assert.equal(p.headers.allow, 'GET, HEAD');
});

test('CORS and isolation headers, bad mounts', async () => {
  const srv = await startServer({ root: site, mounts: { '/tiles': tiles }, port: 0, cors: true, isolate: true, cacheControl: 'max-age=60' });
  try {
    const u = new URL(srv.url);
    const get = (p, method = 'GET') =>
      new Promise((resolve, reject) => {
        http.request({ host: u.hostname, port: u.port, path: p, method }, (res) => {
          res.resume();
          resolve(res);
        }).on('error', reject).end();
      });
    const r = await get('/tiles/tileset.json');
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(r.headers['cache-control'], 'max-age=60');
    const pre = await get('/tiles/tileset.json', 'OPTIONS');
    assert.equal(pre.statusCode, 204);
    assert.match(pre.headers['access-control-allow-methods'], /GET/);
  } finally {
    await srv.close();
  }
  await assert.rejects(startServer({ root: path.join(tmp, 'nope'), port: 0 }), /cannot serve \/ from/);
});

test('exits cleanly on SIGTERM', async () => {
  const code = await new Promise((resolve) => {
    child.once('exit', (c, sig) => resolve(c ?? sig));
    child.kill('SIGTERM');
  });
  assert.equal(code, 0);
});
