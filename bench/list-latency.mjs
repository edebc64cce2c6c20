#!/usr/bin/env node
// Fills a running webhook-server with webhooks through its API, then measures the list endpoint
// against a trivial endpoint in the same run. bench/list-latency.sh starts and stops the server;
// run that, not this.
//
// Usage: node bench/list-latency.mjs BASE_URL [DB_FILE]
//        node bench/list-latency.mjs --compare LABEL=RESULT.json...   (side-by-side summary)
// DB_FILE (SQLite only) adds the database file's size to the fill line; without it (PostgreSQL)
// no size is read.
// Environment: BENCH_WEBHOOKS (default 10000), BENCH_REQUESTS (default 500),
//              BENCH_WARMUP (default 50), BENCH_CONCURRENCY (fill, default 16),
//              BENCH_RESULT_JSON (file to write the figures to, for --compare),
//              BENCH_AFTER_FILL (a shell command run between the fill and the measurement, e.g.
//                list-latency.sh's VACUUM ANALYZE on PostgreSQL; BENCH_AFTER_FILL_LABEL names it),
//              BENCH_MEASURE (latency, the default; or load: wrk rounds, see bench/list-load.mjs),
//              BENCH_NAMES (varied names, the default for latency; load: `load-N`, the default
//                for load), BENCH_FILL=0 (no fill: the server already holds BENCH_WEBHOOKS).
// Node built-ins only (and wrk for BENCH_MEASURE=load).

import { execSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

if (process.argv[2] === '--compare') {
  await compare(process.argv.slice(3));
  process.exit(0);
}

const base = process.argv[2];
const dbFile = process.argv[3];
if (!base || !/^http:\/\//.test(base)) {
  console.error('usage: node bench/list-latency.mjs http://127.0.0.1:PORT [DB_FILE]');
  console.error('       node bench/list-latency.mjs --compare LABEL=RESULT.json...');
  process.exit(2);
}
const envInt = (name, dflt, min, max) => {
  const v = Number.parseInt(process.env[name] ?? `${dflt}`, 10);
  if (!Number.isInteger(v) || v < min || v > max) {
    console.error(`${name} must be an integer in ${min}..${max}`);
    process.exit(2);
  }
  return v;
};
const WEBHOOKS = envInt('BENCH_WEBHOOKS', 10000, 1, 1_000_000);
const REQUESTS = envInt('BENCH_REQUESTS', 500, 1, 1_000_000);
const WARMUP = envInt('BENCH_WARMUP', 50, 0, 100_000);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 16, 1, 256);
/** `latency` (one connection, one request at a time) or `load` (wrk, many connections). */
const MEASURE = process.env.BENCH_MEASURE ?? 'latency';
if (!['latency', 'load'].includes(MEASURE)) {
  console.error('BENCH_MEASURE must be latency or load');
  process.exit(2);
}
/** `varied` names (teams, purposes, regions) or `load` names (`load-0`, `load-1`, …). */
const NAMES = process.env.BENCH_NAMES ?? (MEASURE === 'load' ? 'load' : 'varied');
if (!['varied', 'load'].includes(NAMES)) {
  console.error('BENCH_NAMES must be varied or load');
  process.exit(2);
}
const FILL = process.env.BENCH_FILL !== '0';

const url = new URL(base);

/** Sent with every request once signed in: an admin API token (see `signIn`). */
let auth = {};

/** One HTTP request on `agent`; resolves to the status, the body text and the time in ms. */
function request(agent, method, path, body, extra = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const start = performance.now();
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': payload.length, accept: 'application/json', ...auth, ...extra }
          : { accept: 'application/json', ...auth, ...extra },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - start }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// Data: deterministic (seeded), varied like a real fleet of webhooks.

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20260523);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const chance = (p) => rand() < p;

const EVENTS = [
  'resource.create', 'resource.delete', 'resource.update', 'config.change', 'attribute.change',
  'password.change', 'resource.sync_create', 'resource.sync_update', 'resource.sync_delete', 'operation.failed',
];
const ALARMS = [
  'host.lost_connection', 'host.recovery_timeout', 'host.recovered', 'host.cpu_high', 'host.memory_high',
  'host.disk_full', 'metric.threshold',
];
const TEAMS = [
  'ops', 'devops', 'secops', 'netops', 'billing', 'payments', 'platform', 'search', 'storage', 'identity',
  'mobile', 'web', 'data', 'ml', 'infra', 'sre', 'support', 'growth', 'finance', 'compliance',
];
const PURPOSES = ['pager', 'alerts', 'audit', 'sync', 'notify', 'archive', 'metrics', 'chat', 'ticketing', 'backup', 'cmdb'];
const HOSTS = [
  'hooks.example.com', 'alerts.example.org', 'ops.internal.example.net', 'ci.example.io', 'chat.example.com',
  'pager.example.com', 'events.acme.test', 'api.contoso.test', '10.20.30.40:8443', 'receiver.local:9000',
];
const REGIONS = ['eu-west', 'us-east', 'ap-south', 'cn-north', 'global'];
const VERBS = ['Forwards', 'Sends', 'Mirrors', 'Pushes', 'Relays'];
const WHATS = ['host alarms', 'configuration changes', 'resource lifecycle events', 'audit trail', 'failed operations'];
const WHERES = ['the on-call pager', 'the CMDB', 'the team chat', 'the SIEM', 'the ticketing system', 'a data lake'];

function sample(keys) {
  const n = 1 + Math.floor(rand() * Math.min(4, keys.length));
  const pool = [...keys];
  const out = [];
  for (let i = 0; i < n; i++) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  return out;
}

function webhook(i) {
  const team = pick(TEAMS);
  const purpose = pick(PURPOSES);
  const region = pick(REGIONS);
  const type = chance(0.4) ? 'alarms' : 'events';
  const style = rand();
  // `load` names: the issue's `search=load-1` then matches load-1, load-10…19, load-100…199, …
  // (1,111 of 2,000 webhooks; 11,111 of 100,000). The random sequence is the same either way.
  const name = NAMES === 'load' ? `load-${i}` :
    style < 0.5 ? `${team}-${purpose}-${i}` : style < 0.8 ? `${team[0].toUpperCase()}${team.slice(1)} ${purpose} ${region} #${i}` : `${region}/${team}/${purpose}/${i}`;
  const host = pick(HOSTS);
  const hook = {
    name,
    type,
    url: `${chance(0.9) ? 'https' : 'http'}://${host}/${team}/${purpose}/${(i * 2654435761 >>> 0).toString(16)}${chance(0.3) ? `?region=${region}` : ''}`,
    event_types: sample(type === 'alarms' ? ALARMS : chance(0.1) ? [...EVENTS, ...ALARMS] : EVENTS),
    enabled: chance(0.8),
    description: chance(0.2) ? '' : `${pick(VERBS)} ${pick(WHATS)} of ${team} (${region}) to ${pick(WHERES)}.`,
    batch_size: pick([1, 1, 10, 50, 100]),
    timeout: pick([5, 10, 10, 30]),
    // Not from the random sequence: the other fields stay what they were before projects.
    project_id: team,
  };
  if (chance(0.3)) hook.tags = { team, region };
  if (chance(0.2)) hook.headers = { 'X-Team': team };
  if (chance(0.25)) hook.auth = { type: 'bearer', token: `tok_${(i * 40503 >>> 0).toString(36)}${team}` };
  if (chance(0.1)) hook.language = 'zh-CN';
  return hook;
}

// ---------------------------------------------------------------------------------------------
// Fill.

async function fill() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const bodies = Array.from({ length: WEBHOOKS }, (_, i) => webhook(i));
  let next = 0;
  let failure = null;
  const start = performance.now();
  const worker = async () => {
    while (next < WEBHOOKS && !failure) {
      const i = next++;
      // Created disabled, then enabled: creating an enabled webhook waits for its VALIDATE
      // exchange, and these receivers' made-up hosts do not resolve here.
      const res = await request(agent, 'POST', '/api/v1/webhooks', { ...bodies[i], enabled: false });
      if (res.status !== 201) {
        failure = `POST webhook #${i}: HTTP ${res.status} ${res.text.slice(0, 300)}`;
      } else if (bodies[i].enabled) {
        const { id } = JSON.parse(res.text);
        const on = await request(agent, 'POST', `/api/v1/webhooks/${id}/enable`);
        if (on.status !== 200) failure = `enable webhook #${i}: HTTP ${on.status} ${on.text.slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  if (failure) throw new Error(failure);
  return seconds;
}

// ---------------------------------------------------------------------------------------------
// Measure.

const SCENARIOS = [
  { key: 'baseline', label: 'baseline: GET /api/v1/event-types (static JSON)', path: '/api/v1/event-types' },
  { key: 'a', label: '(a) first page, no filter (default sort -created_at)', path: '/api/v1/webhooks' },
  { key: 'b', label: '(b) search=ops & type=alarms, page 3', path: '/api/v1/webhooks?search=ops&type=alarms&page=3' },
  { key: 'c', label: '(c) event_type=host.lost_connection, sort=name', path: '/api/v1/webhooks?event_type=host.lost_connection&sort=name' },
  // Seed 001's search and stat: evaluated over every live webhook (src/search.rs), not in SQL.
  {
    key: 'd',
    label: '(d) POST search: type=alarms & project_id=ops, sort name, page of 20',
    method: 'POST',
    path: '/api/v1/webhooks/search',
    body: { query: { filter: [{ k: 'type', v: 'alarms' }, { k: 'project_id', v: 'ops' }], sort: { key: 'name' }, page: { start: 1, limit: 20 } } },
  },
  {
    key: 'e',
    label: '(e) POST search: keyword pager & tags.region=eu-west, only id+name',
    method: 'POST',
    path: '/api/v1/webhooks/search',
    body: { query: { keyword: 'pager', filter: [{ k: 'tags.region', v: 'eu-west' }], only: ['id', 'name'], page: { limit: 100 } } },
  },
  {
    key: 'f',
    label: '(f) POST stat: group_by project_id, status',
    method: 'POST',
    path: '/api/v1/webhooks/stat',
    body: { query: { group_by: ['project_id', 'status'] } },
  },
];

function stats(samples) {
  const s = [...samples].sort((x, y) => x - y);
  const rank = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { p50: rank(50), p99: rank(99), mean, max: s[s.length - 1], rps: 1000 / mean };
}

async function measure() {
  // One connection, one request at a time: the figures are latencies, not a load test.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples = Object.fromEntries(SCENARIOS.map((s) => [s.key, []]));
  const info = {};
  // Rounds interleave the scenarios so drift on the machine hits all of them alike.
  for (let round = 0; round < WARMUP + REQUESTS; round++) {
    for (const s of SCENARIOS) {
      const method = s.method ?? 'GET';
      const res = await request(agent, method, s.path, s.body);
      if (res.status !== 200) throw new Error(`${method} ${s.path}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
      if (round >= WARMUP) samples[s.key].push(res.ms);
      if (round === 0) {
        const body = JSON.parse(res.text);
        info[s.key] = {
          bytes: Buffer.byteLength(res.text),
          rows: Array.isArray(body) ? body.length : body.results.length,
          total: Array.isArray(body) ? null : (body.total_count ?? null),
        };
      }
    }
  }
  agent.destroy();
  return { samples, info };
}

// ---------------------------------------------------------------------------------------------

/**
 * Signs in as admin (the password list-latency.sh gives the server) and keeps an admin API token
 * for every later request, as a script would: each measured request pays its token lookup.
 */
async function signIn() {
  const password = process.env.BENCH_ADMIN_PASSWORD ?? 'bench-admin-password';
  const session = await request(undefined, 'POST', '/api/v1/session', { username: 'admin', password });
  if (session.status !== 200) throw new Error(`sign-in: HTTP ${session.status} ${session.text}`);
  const cookie = /wc_session=[^;]+/.exec((session.headers['set-cookie'] ?? []).join(';'))?.[0];
  const token = await request(undefined, 'POST', '/api/v1/tokens', { name: 'bench', role: 'admin' }, { cookie, 'x-requested-with': 'bench' });
  if (token.status !== 201) throw new Error(`creating the bench token: HTTP ${token.status} ${token.text}`);
  auth = { authorization: `Bearer ${JSON.parse(token.text).token}` };
}

await signIn();
const fillSeconds = FILL ? await fill() : 0;
const check = JSON.parse((await request(undefined, 'GET', '/api/v1/webhooks?page_size=1')).text);
if (check.total_count !== WEBHOOKS) throw new Error(`expected ${WEBHOOKS} webhooks, the list says ${check.total_count}`);
const size = (f) => (existsSync(f) ? statSync(f).size : 0);
const dbSize = dbFile && existsSync(dbFile) ? `, database file ${(size(dbFile) / 1048576).toFixed(1)} MiB + WAL ${(size(`${dbFile}-wal`) / 1048576).toFixed(1)} MiB` : '';
console.log(
  FILL
    ? `fill: ${WEBHOOKS.toLocaleString('en-US')} webhooks (${NAMES} names) via POST /api/v1/webhooks (created disabled, ~80 % then enabled), ` +
        `${CONCURRENCY} in flight: ${fillSeconds.toFixed(1)} s (${Math.round(WEBHOOKS / fillSeconds).toLocaleString('en-US')} webhooks/s)` +
        dbSize
    : `no fill (BENCH_FILL=0): the server already holds ${WEBHOOKS.toLocaleString('en-US')} webhooks${dbSize}`,
);

let afterFill = null;
if (process.env.BENCH_AFTER_FILL) {
  const start = performance.now();
  execSync(process.env.BENCH_AFTER_FILL, { stdio: ['ignore', 'inherit', 'inherit'] });
  afterFill = { label: process.env.BENCH_AFTER_FILL_LABEL || process.env.BENCH_AFTER_FILL, seconds: (performance.now() - start) / 1000 };
  console.log(`after the fill: ${afterFill.label}: ${afterFill.seconds.toFixed(1)} s`);
}

if (MEASURE === 'load') {
  const { measureLoad } = await import('./list-load.mjs');
  const result = await measureLoad({
    base,
    authorization: auth.authorization,
    request: (method, path) => request(undefined, method, path),
  });
  if (process.env.BENCH_RESULT_JSON) {
    const out = { ...result, webhooks: WEBHOOKS, names: NAMES, concurrency: CONCURRENCY, fill_seconds: fillSeconds, after_fill: afterFill };
    writeFileSync(process.env.BENCH_RESULT_JSON, `${JSON.stringify(out, null, 2)}\n`);
  }
  process.exit(0);
}

const { samples, info } = await measure();
const st = Object.fromEntries(SCENARIOS.map((s) => [s.key, stats(samples[s.key])]));
const b = st.baseline;
console.log(`latency: ${REQUESTS} sequential requests per query after ${WARMUP} warm-up, one keep-alive connection, interleaved`);
const cols = ['query', 'rows/total', 'bytes', 'p50 ms', 'p99 ms', 'mean ms', 'max ms', 'req/s', 'p50 ×base', 'p99 ×base', 'mean ×base'];
const rows = SCENARIOS.map((s) => {
  const x = st[s.key];
  const i = info[s.key];
  return [
    s.label,
    i.total === null ? `${i.rows}` : `${i.rows}/${i.total}`,
    `${i.bytes}`,
    x.p50.toFixed(3),
    x.p99.toFixed(3),
    x.mean.toFixed(3),
    x.max.toFixed(3),
    x.rps.toFixed(0),
    (x.p50 / b.p50).toFixed(1),
    (x.p99 / b.p99).toFixed(1),
    (x.mean / b.mean).toFixed(1),
  ];
});
printTable(cols, rows);

if (process.env.BENCH_RESULT_JSON) {
  const result = {
    webhooks: WEBHOOKS,
    requests: REQUESTS,
    warmup: WARMUP,
    concurrency: CONCURRENCY,
    fill_seconds: fillSeconds,
    after_fill: afterFill,
    scenarios: SCENARIOS.map((s) => ({ key: s.key, label: s.label, ...info[s.key], ...st[s.key] })),
  };
  writeFileSync(process.env.BENCH_RESULT_JSON, `${JSON.stringify(result, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------

function printTable(cols, rows) {
  const widths = cols.map((c, k) => Math.max(c.length, ...rows.map((r) => r[k].length)));
  const fmt = (r) => r.map((v, k) => (k === 0 ? v.padEnd(widths[k]) : v.padStart(widths[k]))).join('  ');
  console.log(fmt(cols));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(fmt(r));
}

/** The runs of `args` (LABEL=RESULT.json, as BENCH_RESULT_JSON wrote them) side by side. */
async function compare(args) {
  const runs = args.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq < 1) {
      console.error(`--compare takes LABEL=RESULT.json, not ${arg}`);
      process.exit(2);
    }
    return { label: arg.slice(0, eq), ...JSON.parse(readFileSync(arg.slice(eq + 1), 'utf8')) };
  });
  if (runs.length === 0) return;
  if (runs.some((r) => r.mode === 'load')) {
    const { compareLoad } = await import('./list-load.mjs');
    compareLoad(runs);
    return;
  }
  const first = runs[0];
  console.log(
    `summary: ${first.webhooks.toLocaleString('en-US')} webhooks, ${first.requests} requests per query; ` +
      `p50 / p99 in ms, ×base = ratio to the same backend's baseline` +
      (runs.length > 1 ? `, ×${runs[0].label} = p50 ratio to ${runs[0].label}` : ''),
  );
  const cols = ['query'];
  for (const [k, r] of runs.entries()) {
    cols.push(`${r.label} total`, `${r.label} p50`, `${r.label} p99`, 'p50 ×base', 'p99 ×base');
    if (k > 0) cols.push(`p50 ×${runs[0].label}`);
  }
  const rows = first.scenarios.map((s0) => {
    const row = [s0.label.split(':')[0].split(',')[0]];
    const baselineOf = (r) => r.scenarios.find((x) => x.key === 'baseline');
    for (const [k, r] of runs.entries()) {
      const s = r.scenarios.find((x) => x.key === s0.key);
      const b = baselineOf(r);
      if (!s) {
        row.push('-', '-', '-', '-', '-');
        if (k > 0) row.push('-');
        continue;
      }
      row.push(
        s.total === null ? `${s.rows}` : `${s.total}`,
        s.p50.toFixed(3),
        s.p99.toFixed(3),
        (s.p50 / b.p50).toFixed(1),
        (s.p99 / b.p99).toFixed(1),
      );
      if (k > 0) {
        const s1 = first.scenarios.find((x) => x.key === s0.key);
        row.push((s.p50 / s1.p50).toFixed(1));
      }
    }
    return row;
  });
  printTable(cols, rows);
  for (const r of runs) {
    console.log(
      `fill ${r.label}: ${r.fill_seconds.toFixed(1)} s (${Math.round(r.webhooks / r.fill_seconds).toLocaleString('en-US')} webhooks/s, ${r.concurrency} in flight)` +
        (r.after_fill ? `, then ${r.after_fill.label} (${r.after_fill.seconds.toFixed(1)} s)` : ''),
    );
  }
}
