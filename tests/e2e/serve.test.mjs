// node --test tests/e2e/serve.test.mjs
// Starts tools/serve/serve.mjs as a child process on a free port (--port 0) and checks MIME
// types, ranges, 416, traversal, gzip, conditional requests, HEAD, mounts and clean shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseRange, acceptsGzip } from '../../tools/serve/serve.mjs';

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
  fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>citymap</title>\n'.repeat(20));
  fs.writeFileSync(path.join(site, 'citymap.js'), jsText);
  // wasm magic + compressible padding
  fs.writeFileSync(path.join(site, 'citymap.wasm'), Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(4096)]));
  fs.writeFileSync(path.join(site, 'style.css'), 'body{margin:0}\n'.repeat(50));
  fs.writeFileSync(path.join(site, 'a.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
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
    '/citymap.js': 'text/javascript',
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

test('whole file, mount, directory index and redirect, 404', async () => {
  const r = await request('/tiles/14/13000/7000.cmt');
  assert.equal(r.status, 200);
  assert.equal(r.headers['accept-ranges'], 'bytes');
  assert.equal(Number(r.headers['content-length']), tileBytes.length);
  assert.deepEqual(r.body, tileBytes);
  const d = await request('/sub?x=1');
  assert.equal(d.status, 301);
  assert.equal(d.headers.location, '/sub/?x=1');
  assert.equal((await request('/sub/')).body.toString(), 'sub');
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

  // Ranges apply to the identity representation even when gzip is accepted.
  r = await request('/citymap.js', { headers: { Range: 'bytes=0-6', 'Accept-Encoding': 'gzip' } });
  assert.equal(r.status, 206);
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.body.toString(), 'console');

  // HEAD with a range
  r = await request(cmt, { method: 'HEAD', headers: { Range: 'bytes=0-99' } });
  assert.equal(r.status, 206);
  assert.equal(Number(r.headers['content-length']), 100);
  assert.equal(r.body.length, 0);

  // If-Range with a stale validator => whole file
  r = await request(cmt, { headers: { Range: 'bytes=0-9', 'If-Range': '"stale"' } });
  assert.equal(r.status, 200);
  assert.equal(r.body.length, 1000);
  const etag = (await request(cmt, { method: 'HEAD' })).headers.etag;
  r = await request(cmt, { headers: { Range: 'bytes=0-9', 'If-Range': etag } });
  assert.equal(r.status, 206);

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
  }
  const e = await request('/empty.json', { headers: { Range: 'bytes=0-' } });
  assert.equal(e.status, 416);
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

test('gzip for text and wasm when accepted, not for tiles', async () => {
  for (const p of ['/citymap.js', '/citymap.wasm', '/tiles/tileset.json', '/index.html']) {
    const plain = await request(p);
    const r = await request(p, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    assert.equal(r.status, 200, p);
    if (p === '/tiles/tileset.json' && r.headers['content-encoding'] === undefined) {
      // a tiny file is sent as is when gzip would not make it smaller
      assert.deepEqual(r.body, plain.body);
      continue;
    }
    assert.equal(r.headers['content-encoding'], 'gzip', p);
    assert.equal(r.headers.vary, 'Accept-Encoding', p);
    assert.equal(Number(r.headers['content-length']), r.body.length, p);
    assert.ok(r.body.length < plain.body.length, p);
    assert.deepEqual(zlib.gunzipSync(r.body), plain.body, p);
    assert.notEqual(r.headers.etag, plain.headers.etag, p);
  }
  // second request is served from the cache and is identical
  const a = await request('/citymap.js', { headers: { 'Accept-Encoding': 'gzip' } });
  const b = await request('/citymap.js', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.deepEqual(a.body, b.body);
  // refused gzip
  const q0 = await request('/citymap.js', { headers: { 'Accept-Encoding': 'gzip;q=0, deflate' } });
  assert.equal(q0.headers['content-encoding'], undefined);
  assert.equal(q0.body.toString(), jsText);
  // tiles never gzipped
  const t = await request('/tiles/14/13000/7000.cmt', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(t.headers['content-encoding'], undefined);
  // HEAD with gzip: same headers, no body
  const h = await request('/citymap.js', { method: 'HEAD', headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(h.headers['content-encoding'], 'gzip');
  assert.equal(h.headers['content-length'], a.headers['content-length']);
  assert.equal(h.body.length, 0);
});

test('ETag / Last-Modified revalidation: 304', async () => {
  const r = await request('/citymap.js');
  assert.ok(r.headers.etag);
  assert.ok(r.headers['last-modified']);
  let c = await request('/citymap.js', { headers: { 'If-None-Match': r.headers.etag } });
  assert.equal(c.status, 304);
  assert.equal(c.body.length, 0);
  c = await request('/citymap.js', { headers: { 'If-None-Match': `"x", ${r.headers.etag}` } });
  assert.equal(c.status, 304);
  c = await request('/citymap.js', { headers: { 'If-None-Match': '"other"' } });
  assert.equal(c.status, 200);
  c = await request('/citymap.js', { headers: { 'If-Modified-Since': r.headers['last-modified'] } });
  assert.equal(c.status, 304);
  c = await request('/citymap.js', { headers: { 'If-Modified-Since': new Date(0).toUTCString() } });
  assert.equal(c.status, 200);
  // gzip variant has its own validator
  const g = await request('/citymap.js', { headers: { 'Accept-Encoding': 'gzip' } });
  c = await request('/citymap.js', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': g.headers.etag } });
  assert.equal(c.status, 304);
  // a changed file gets a new validator
  fs.writeFileSync(path.join(site, 'citymap.js'), jsText + '//changed\n');
  const t = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(site, 'citymap.js'), t, t);
  c = await request('/citymap.js', { headers: { 'If-None-Match': r.headers.etag } });
  assert.equal(c.status, 200);
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

test('helpers: parseRange and acceptsGzip', () => {
  assert.deepEqual(parseRange('bytes=0-0', 10), { start: 0, end: 0 });
  assert.equal(parseRange(undefined, 10), null);
  assert.equal(parseRange('bytes=0-1,3-4', 10), 'multi');
  assert.equal(parseRange('bytes=10-', 10), 'unsatisfiable');
  assert.equal(acceptsGzip('gzip'), true);
  assert.equal(acceptsGzip('br;q=1, gzip;q=0.5'), true);
  assert.equal(acceptsGzip('identity'), false);
  assert.equal(acceptsGzip('*'), true);
  assert.equal(acceptsGzip('*;q=0'), false);
  assert.equal(acceptsGzip(undefined), false);
});

test('exits cleanly on SIGTERM', async () => {
  const code = await new Promise((resolve) => {
    child.once('exit', (c, sig) => resolve(c ?? sig));
    child.kill('SIGTERM');
  });
  assert.equal(code, 0);
});
