// The list under load (issue 12): wrk against the webhook list and against a trivial endpoint of
// the same server, in alternating rounds, so every ratio is measured in one run. Imported by
// bench/list-latency.mjs when BENCH_MEASURE=load (after its fill); bench/list-load.sh runs it.
//
// Environment: BENCH_LOAD_ROUNDS (default 2), BENCH_LOAD_SECONDS (10), BENCH_LOAD_THREADS (2),
//              BENCH_LOAD_CONNECTIONS (64), BENCH_LOAD_TARGETS (comma-separated keys of TARGETS;
//              default all), BENCH_SERVER_PID (the server's pid, for its CPU use per run).
// Needs wrk (Debian's `wrk`, 4.1.0). Node built-ins only.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** What wrk requests: the issue's page, the plain first page, and the trivial baseline. */
export const TARGETS = [
  { key: 'baseline', label: 'GET /api/v1/event-types (baseline)', path: '/api/v1/event-types' },
  { key: 'issue', label: 'GET /api/v1/webhooks?search=load-1&type=alarms&page=2&page_size=20', path: '/api/v1/webhooks?search=load-1&type=alarms&page=2&page_size=20' },
  { key: 'first', label: 'GET /api/v1/webhooks?page_size=20', path: '/api/v1/webhooks?page_size=20' },
];

const envInt = (name, dflt, min, max) => {
  const v = Number.parseInt(process.env[name] ?? `${dflt}`, 10);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be an integer in ${min}..${max}`);
  return v;
};

export function settings() {
  const keys = (process.env.BENCH_LOAD_TARGETS ?? TARGETS.map((t) => t.key).join(',')).split(',').map((k) => k.trim()).filter(Boolean);
  const targets = keys.map((k) => TARGETS.find((t) => t.key === k) ?? fail(`BENCH_LOAD_TARGETS: unknown target ${k}`));
  if (!targets.some((t) => t.key === 'baseline')) targets.unshift(TARGETS[0]);
  return {
    rounds: envInt('BENCH_LOAD_ROUNDS', 2, 1, 100),
    seconds: envInt('BENCH_LOAD_SECONDS', 10, 1, 3600),
    threads: envInt('BENCH_LOAD_THREADS', 2, 1, 64),
    connections: envInt('BENCH_LOAD_CONNECTIONS', 64, 1, 10_000),
    targets,
  };
}

function fail(message) {
  throw new Error(message);
}

/** CPU seconds the process has used (user + system), or null when it cannot be read. */
function cpuSeconds(pid) {
  const file = `/proc/${pid}/stat`;
  if (!pid || !existsSync(file)) return null;
  // Fields after the command (which may hold spaces) in parentheses; utime and stime are the
  // 14th and 15th fields, in clock ticks (100 per second on Linux).
  const rest = readFileSync(file, 'utf8').split(') ').pop().split(' ');
  return (Number(rest[11]) + Number(rest[12])) / 100;
}

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const toMs = (value, unit) => Number(value) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit] ?? Number.NaN);

/** wrk's report as numbers (ms for latencies). */
export function parseWrk(text) {
  const num = (re) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : 0;
  };
  const dist = {};
  for (const m of text.matchAll(/^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$/gm)) dist[m[1]] = toMs(m[2], m[3]);
  const latency = /^\s+Latency\s+([\d.]+)(us|ms|s|m)\s+([\d.]+)(us|ms|s|m)\s+([\d.]+)(us|ms|s|m)/m.exec(text);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const done = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(text);
  if (!done) throw new Error(`wrk printed no request count:\n${text}`);
  return {
    requests: Number(done[1]),
    seconds: toMs(done[2], done[3]) / 1000,
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    mean: latency ? toMs(latency[1], latency[2]) : null,
    max: latency ? toMs(latency[5], latency[6]) : null,
    p50: dist['50'] ?? null,
    p75: dist['75'] ?? null,
    p90: dist['90'] ?? null,
    p99: dist['99'] ?? null,
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/),
    socket_errors: sock ? sock.slice(1, 5).reduce((a, b) => a + Number(b), 0) : 0,
    socket_detail: sock ? `connect ${sock[1]}, read ${sock[2]}, write ${sock[3]}, timeout ${sock[4]}` : 'none',
  };
}

/** Runs wrk once against `url`; resolves to its parsed report. */
function wrk(cfg, url, authorization) {
  return new Promise((resolve, reject) => {
    const args = ['-t', `${cfg.threads}`, '-c', `${cfg.connections}`, '-d', `${cfg.seconds}s`, '--latency', '-H', `Authorization: ${authorization}`, url];
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', (e) => reject(new Error(`cannot run wrk (apt-get install -y wrk): ${e.message}`)));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${code}: ${err}${out}`));
      try {
        resolve(parseWrk(out));
      } catch (e) {
        reject(e);
      }
    });
    const stop = () => child.kill('SIGTERM');
    process.once('exit', stop);
  });
}

/**
 * The rounds: each round runs wrk on every target in turn (the baseline first), so drift on a
 * shared machine hits each target alike and every round has its own ratios.
 * `request(method, path)` is the caller's authenticated one-off request (for the checks).
 */
export async function measureLoad({ base, authorization, request }) {
  const cfg = settings();
  const pid = Number(process.env.BENCH_SERVER_PID) || null;
  // One plain request each first: 200, and what the page holds (rows, total, bytes).
  const info = {};
  for (const t of cfg.targets) {
    const res = await request('GET', t.path);
    if (res.status !== 200) throw new Error(`GET ${t.path}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    const body = JSON.parse(res.text);
    info[t.key] = {
      bytes: Buffer.byteLength(res.text),
      rows: Array.isArray(body) ? body.length : body.results.length,
      total: Array.isArray(body) ? null : body.total_count,
    };
  }
  console.log(
    `load: wrk -t${cfg.threads} -c${cfg.connections} -d${cfg.seconds}s --latency, ${cfg.rounds} round(s) of ${cfg.targets.map((t) => t.key).join(' → ')}; ` +
      `load average ${loadavg()} at the start`,
  );
  const runs = [];
  for (let round = 1; round <= cfg.rounds; round++) {
    for (const t of cfg.targets) {
      const cpu0 = cpuSeconds(pid);
      const r = await wrk(cfg, `${base}${t.path}`, authorization);
      const cpu1 = cpuSeconds(pid);
      runs.push({
        round,
        key: t.key,
        ...r,
        server_cpu: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / r.seconds,
        loadavg: loadavg(),
      });
    }
  }
  const result = { mode: 'load', ...cfg, targets: cfg.targets.map((t) => ({ ...t, ...info[t.key] })), runs };
  printLoad(result);
  return result;
}

const fmt = (x, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));
const int = (x) => Math.round(x).toLocaleString('en-US');

function ratioOf(result, run) {
  const b = result.runs.find((r) => r.round === run.round && r.key === 'baseline');
  return b && b.rps > 0 ? run.rps / b.rps : null;
}

/** Per round and target, then per target over the rounds. */
export function printLoad(result) {
  const cols = ['round', 'target', 'requests', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx', 'socket err', '÷ baseline', 'server CPU', 'load avg'];
  const rows = result.runs.map((r) => [
    `${r.round}`,
    r.key,
    int(r.requests),
    int(r.rps),
    fmt(r.p50),
    fmt(r.p90),
    fmt(r.p99),
    fmt(r.max),
    `${r.non2xx}`,
    `${r.socket_errors}`,
    r.key === 'baseline' ? '1' : fmt(ratioOf(result, r), 3),
    fmt(r.server_cpu),
    r.loadavg,
  ]);
  printTable(cols, rows);
  for (const t of result.targets) {
    console.log(`  ${t.key}: ${t.label} — ${t.rows} rows${t.total === null ? '' : ` of ${t.total}`}, ${int(t.bytes)} bytes`);
  }
  console.log('  server CPU: CPU seconds per wall second of the webhook-server process (1.00 = one core).');
  for (const line of summaryLines(result)) console.log(line);
}

/** "target: req/s a–b, p99 a–b ms, ratio a–b, errors n" over the rounds. */
function summaryLines(result, prefix = '') {
  const range = (xs, d) => {
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    return lo === hi ? fmt(lo, d) : `${fmt(lo, d)}–${fmt(hi, d)}`;
  };
  return result.targets.map((t) => {
    const rs = result.runs.filter((r) => r.key === t.key);
    const errors = rs.reduce((a, r) => a + r.non2xx + r.socket_errors, 0);
    const ratios = rs.map((r) => ratioOf(result, r)).filter((x) => x !== null);
    return (
      `${prefix}${t.key}: req/s ${range(rs.map((r) => r.rps), 0)}, p50 ${range(rs.map((r) => r.p50), 2)} ms, p99 ${range(rs.map((r) => r.p99), 2)} ms` +
      (t.key === 'baseline' ? '' : `, ÷ baseline ${range(ratios, 3)}`) +
      `, errors ${errors} (${rs.length} run${rs.length > 1 ? 's' : ''})`
    );
  });
}

/** Several load results (LABEL, result) side by side, one line per target and run. */
export function compareLoad(runs) {
  console.log('summary (per target, over the rounds of each case):');
  for (const r of runs) {
    console.log(`${r.label}, ${int(r.webhooks)} webhooks:`);
    for (const line of summaryLines(r, '  ')) console.log(line);
  }
}

function printTable(cols, rows) {
  const widths = cols.map((c, k) => Math.max(c.length, ...rows.map((r) => r[k].length)));
  const line = (r) => r.map((v, k) => (k <= 1 ? v.padEnd(widths[k]) : v.padStart(widths[k]))).join('  ');
  console.log(line(cols));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
