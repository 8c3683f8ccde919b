#!/usr/bin/env node
// Full-page screenshot of a page in headless Chromium (software WebGL 2), for humans.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  launch, collectProblems, resolveUrl, waitForIdle, num, UsageError, isInterrupted, runCli,
} from '../tests/e2e/lib/browser.mjs';

const NAME = 'screenshot';
const USAGE = `usage: node tools/screenshot.mjs URL out.png [options]

Opens URL in headless Chromium (SwiftShader WebGL 2) and saves a full-page screenshot.
Console messages, page errors and failed requests are printed.

options:
  --width W --height H   viewport in CSS pixels (default 1280 x 800)
  --dpr N                device scale factor (default 1)
  --wait-idle            wait for window.citymap.state.ready && idle first (citymap pages)
  --delay MS             extra wait before the screenshot (default 0)
  --timeout MS           navigation / idle timeout (default 60000)
  --root DIR             serve DIR on a free loopback port; URL may then be relative ("?zoom=15")
  --mount /PREFIX=DIR    with --root: also serve DIR under /PREFIX (repeatable)
  -h, --help             show this help

exit status: 0 screenshot written, 1 failure, 2 usage error.`;

function parse(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      width: { type: 'string', default: '1280' },
      height: { type: 'string', default: '800' },
      dpr: { type: 'string', default: '1' },
      'wait-idle': { type: 'boolean', default: false },
      delay: { type: 'string', default: '0' },
      timeout: { type: 'string', default: '60000' },
      root: { type: 'string' },
      mount: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return { help: true };
  if (positionals.length !== 2) throw new UsageError('expected exactly two arguments: URL out.png');
  return {
    url: positionals[0],
    out: positionals[1],
    root: values.root,
    mounts: values.mount,
    width: num(values.width, 'width', { min: 1, max: 8192, integer: true }),
    height: num(values.height, 'height', { min: 1, max: 8192, integer: true }),
    dpr: num(values.dpr, 'dpr', { min: 0.25, max: 8 }),
    waitIdle: values['wait-idle'],
    delay: num(values.delay, 'delay', { min: 0 }),
    timeout: num(values.timeout, 'timeout', { min: 1 }),
  };
}

async function run(o) {
  const url = await resolveUrl(o);
  const { page } = await launch({ width: o.width, height: o.height, dpr: o.dpr });
  const problems = collectProblems(page, { echoAll: true });
  const resp = await page.goto(url, { waitUntil: 'load', timeout: o.timeout });
  if (resp && !resp.ok()) console.log(`${NAME}: warning: HTTP ${resp.status()} for ${url}`);
  if (o.waitIdle) {
    try {
      const idle = await waitForIdle(page, { timeout: o.timeout, problems, failOnErrors: false });
      console.log(`${NAME}: idle after ${idle.ms} ms: ${JSON.stringify(idle.state)}`);
    } catch (e) {
      if (isInterrupted()) return 1;
      console.log(`${NAME}: warning: ${e.message} (taking the screenshot anyway)`);
    }
  }
  if (o.delay) await page.waitForTimeout(o.delay);
  fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
  await page.screenshot({ path: o.out, fullPage: true, timeout: 30000 });
  const n = problems.errors.length;
  console.log(`${NAME}: wrote ${o.out} (${url}, ${o.width}x${o.height} @dpr ${o.dpr}${n ? `, ${n} error(s) on the page` : ''})`);
  return 0;
}

runCli({ name: NAME, usage: USAGE, parse, run, budgetMs: (o) => o.timeout * 2 + 120000 }).then((code) =>
  process.exit(code),
);
