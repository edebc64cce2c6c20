#!/usr/bin/env node
// The first load as a browser sees it (issue 12, "first load"): Chromium opens /webhooks through
// a release webhook-server, signed in, with an empty cache, and this reports
//   - the bytes on the wire, per file (as sent: brotli where the server has a copy), the console's
//     files apart from its API calls;
//   - cold load → first rows painted, against a static HTML page of the same rows served by the
//     same server: the list as the console rendered it (its DOM, same stylesheet, scripts
//     removed), written once into a copy of dist/ as `rows.html`.
// Each round opens both in fresh browser contexts (no cache, no service worker), in alternating
// order; medians over the rounds. "Painted" is the second animation frame after the first row is in
// the document (one frame to lay out and paint it), found the same way on both pages by an
// observer added before any of the page's scripts run.
//
// Usage: node bench/first-paint.mjs [DIST_DIR]   (default dist/, from `make console`)
// Environment: WEBHOOK_SERVER (default target/release/webhook-server), BENCH_PAINT_ROUNDS (7),
//              BENCH_PAINT_WEBHOOKS (30: the list's first page of 20 is full).
// A report, not a test: exits 0 whatever the figures. Needs Debian's chromium and npm's
// Playwright (both installed by `make test`).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(process.argv[2] ?? join(root, 'dist'));
const bin = process.env.WEBHOOK_SERVER ?? join(root, 'target', 'release', 'webhook-server');
const rounds = Number(process.env.BENCH_PAINT_ROUNDS ?? 7);
const webhooks = Number(process.env.BENCH_PAINT_WEBHOOKS ?? 30);
const ROWS = 'table.table tbody tr';
const PASSWORD = 'first-paint-admin-0123';

for (const [what, path] of [['dist/index.html (make console)', join(dist, 'index.html')], ['the server (cargo build --release -p webhook-server)', bin]]) {
  if (!existsSync(path)) {
    console.error(`first-paint: ${path} is missing: build ${what} first`);
    process.exit(1);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'webhook-first-paint-'));
const served = join(tmp, 'dist');
cpSync(dist, served, { recursive: true });
let server;
let browser;
try {
  const url = await start();
  const cookie = await signIn(url);
  for (let i = 0; i < webhooks; i++) {
    await api(url, cookie, 'POST', '/api/v1/webhooks', {
      name: `first-paint-${String(i).padStart(3, '0')}`,
      url: `http://127.0.0.1:9/hook/${i}`,
      event_types: ['resource.create'],
      enabled: false,
    });
  }
  const expected = Math.min(webhooks, 20);

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const cookies = [{ name: cookie.name, value: cookie.value, url }];

  // The static page: the console's own rendering of the list, without its scripts.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies(cookies);
    const page = await context.newPage();
    await page.goto(`${url}/webhooks`);
    await page.waitForFunction((n) => document.querySelectorAll('table.table tbody tr').length >= n, expected);
    const html = await page.evaluate(() => {
      const doc = document.documentElement.cloneNode(true);
      doc.querySelectorAll('script, link[rel=modulepreload], link[rel=preload]').forEach((e) => e.remove());
      return `<!DOCTYPE html>\n${doc.outerHTML}`;
    });
    await context.close();
    const file = join(served, 'rows.html');
    writeFileSync(file, html);
    writeFileSync(`${file}.br`, brotliCompressSync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
    writeFileSync(`${file}.gz`, gzipSync(html, { level: 9 }));
  }

  const pages = { console: `${url}/webhooks`, static: `${url}/rows.html` };
  const times = { console: [], static: [] };
  const marks = {};
  let wire;
  for (let r = 0; r < rounds; r++) {
    for (const kind of r % 2 ? ['static', 'console'] : ['console', 'static']) {
      const m = await coldLoad(browser, cookies, pages[kind], expected);
      times[kind].push(m.painted);
      if (kind === 'console') for (const k of Object.keys(m.marks)) (marks[k] ??= []).push(m.marks[k]);
      if (kind === 'console') wire ??= m.files;
    }
  }
  report(times, wire, marks);
  if (process.env.BENCH_PAINT_TRACE !== '0') {
    for (const kind of ['console', 'static']) traced(kind, await coldLoad(browser, cookies, pages[kind], expected, true));
  }
} finally {
  await browser?.close();
  server?.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}

/** One cold load of `target` in a fresh context: when the rows were painted, and what came over the wire. */
async function coldLoad(browser, cookies, target, expected, trace = false) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addCookies(cookies);
  await context.addInitScript(({ selector, n }) => {
    const seen = () => {
      if (document.querySelectorAll(selector).length < n) return false;
      requestAnimationFrame(() => requestAnimationFrame(() => (window.__rowsPainted = performance.mark('rows-painted').startTime)));
      return true;
    };
    const observer = new MutationObserver(() => seen() && observer.disconnect());
    observer.observe(document, { childList: true, subtree: true });
  }, { selector: ROWS, n: expected });
  const page = await context.newPage();
  const finished = [];
  page.on('requestfinished', (request) => finished.push(request));
  if (trace) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm', 'blink.user_timing', 'loading'] });
  await page.goto(target);
  await page.waitForFunction(() => window.__rowsPainted !== undefined, null, { timeout: 30_000 });
  const painted = await page.evaluate(() => window.__rowsPainted);
  const events = trace ? JSON.parse(await browser.stopTracing()).traceEvents : undefined;
  // Where the time went: when the wasm had arrived, when the console's first API call left
  // (the wasm compiled and started), when the list's answer had arrived.
  const marks = await page.evaluate(() => {
    const entries = performance.getEntriesByType('resource');
    const first = (test, key) => entries.filter((e) => test(new URL(e.name).pathname)).map((e) => e[key]).sort((a, b) => a - b)[0];
    return {
      wasm: first((p) => p.endsWith('_bg.wasm'), 'responseEnd'),
      api: first((p) => p.startsWith('/api/'), 'startTime'),
      list: first((p) => p === '/api/v1/webhooks', 'responseEnd'),
    };
  });
  const files = [];
  for (const request of finished) {
    const sizes = await request.sizes();
    const response = await request.response();
    files.push({
      path: new URL(request.url()).pathname + new URL(request.url()).search,
      encoding: (await response?.headerValue('content-encoding')) ?? '',
      body: sizes.responseBodySize,
      headers: sizes.responseHeadersSize,
    });
  }
  await context.close();
  return { painted, files, marks, events };
}

/**
 * Where the main thread's time went in one more (traced) cold load of each page, from
 * navigation start to the rows painted: its busy time, its tasks of 20 ms or more with what took
 * most of each, and the trace events with the most self time (their duration less their nested
 * events'). Chromium's own names: FunctionCall and v8.* are the console's code (wasm and JS),
 * UpdateLayoutTree is style, Layout/PrePaint/Paint the rendering.
 */
function traced(kind, { painted, events }) {
  const mark = events.find((e) => e.name === 'rows-painted' && e.ph !== 'M');
  const main = events.filter((e) => e.pid === mark.pid && e.tid === mark.tid && e.ph === 'X' && e.dur !== undefined);
  const from = mark.ts - painted * 1000;
  const ms = (us) => (us / 1000).toFixed(1);
  const inWindow = main.filter((e) => e.ts >= from && e.ts <= mark.ts).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // Nesting by time: each event's children, and the top-level tasks.
  const stack = [];
  const tasks = [];
  for (const e of inWindow) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    if (stack.length) stack.at(-1).children.push(e);
    else tasks.push(e);
    e.children = [];
    stack.push(e);
  }
  const selfOf = (e) => e.dur - e.children.reduce((s, c) => s + c.dur, 0);
  // The `n` event names with the most self time among `es`, as "name ms, …".
  const top = (es, n) => {
    const by = new Map();
    for (const e of es) by.set(e.name, (by.get(e.name) ?? 0) + selfOf(e));
    return [...by].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, d]) => `${name} ${ms(d)}`).join(', ');
  };
  const nested = (t) => t.children.flatMap((c) => [c, ...nested(c)]);
  const busy = tasks.reduce((s, t) => s + t.dur, 0);
  console.log(`\none traced cold load of the ${kind} page: rows painted at ${painted.toFixed(1)} ms, main thread busy ${ms(busy)} ms of it`);
  for (const t of tasks.filter((t) => t.dur >= 20_000)) console.log(`  task at ${ms(t.ts - from).padStart(6)} ms: ${ms(t.dur).padStart(6)} ms (${top(nested(t), 3)})`);
  console.log(`  most self time: ${top(inWindow, 10)}`);
}

function report(times, files, marks) {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fmt = (n) => n.toLocaleString('en-US');
  const api = (f) => f.path.startsWith('/api/');
  console.log(`first paint: Chromium ${browser.version()}, ${rounds} rounds, ${webhooks} webhooks (${Math.min(webhooks, 20)} rows on the first page)`);
  console.log('\nbytes on the wire for a cold load of /webhooks (body as sent + response headers):');
  console.log(`${'request'.padEnd(72)} ${'encoding'.padEnd(8)} ${'body'.padStart(9)} ${'headers'.padStart(8)}`);
  for (const f of files) console.log(`${f.path.slice(0, 72).padEnd(72)} ${f.encoding.padEnd(8)} ${fmt(f.body).padStart(9)} ${fmt(f.headers).padStart(8)}`);
  const sum = (fs, k) => fs.reduce((s, f) => s + f[k], 0);
  const assets = files.filter((f) => !api(f));
  const calls = files.filter(api);
  console.log(`console files: ${assets.length}, bodies ${fmt(sum(assets, 'body'))} bytes (${(sum(assets, 'body') / 1000).toFixed(1)} KB), with headers ${fmt(sum(assets, 'body') + sum(assets, 'headers'))}`);
  console.log(`API calls: ${calls.length}, bodies ${fmt(sum(calls, 'body'))} bytes, with headers ${fmt(sum(calls, 'body') + sum(calls, 'headers'))}`);
  const all = sum(files, 'body') + sum(files, 'headers');
  console.log(`everything: ${fmt(all)} bytes (${(all / 1000).toFixed(1)} KB) against the 150 KB goal`);
  console.log('\ncold load → first rows painted (ms after navigation start):');
  for (const k of ['console', 'static']) console.log(`  ${k.padEnd(8)} median ${median(times[k]).toFixed(1)}  all ${times[k].map((t) => t.toFixed(1)).join(' ')}`);
  console.log(`  ratio console ÷ static (medians): ${(median(times.console) / median(times.static)).toFixed(2)}× (goal ≤ 2×)`);
  const at = (k) => (marks[k]?.every((t) => t !== undefined) ? `${median(marks[k]).toFixed(1)} ms` : '–');
  console.log(`  the console's load, medians: wasm arrived ${at('wasm')}, first API request ${at('api')} (the session, preloaded by index.html), list answered ${at('list')}, rows painted ${median(times.console).toFixed(1)} ms`);
}

async function start() {
  server = spawn(bin, ['--listen', '127.0.0.1:0', '--database-url', `sqlite://${join(tmp, 'db.sqlite')}`, '--dist', served,
    '--only-allowed-targets', '--allow-target', '127.0.0.0/8'], {
    env: { ...process.env, WEBHOOK_ADMIN_PASSWORD: PASSWORD, RUST_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((done, fail) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) done(m[1]);
    });
    server.on('exit', (code) => fail(new Error(`webhook-server exited with ${code}`)));
  });
}

async function signIn(url) {
  const res = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
  const [name, value] = res.headers.getSetCookie()[0].split(';')[0].split('=');
  return { name, value };
}

async function api(url, cookie, method, path, body) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'bench', Cookie: `${cookie.name}=${cookie.value}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
