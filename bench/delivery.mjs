#!/usr/bin/env node
// Delivery throughput and latency of the release webhook-server on SQLite and on PostgreSQL (one
// instance, and several instances sharing one database), each next to the raw rate of signed
// POSTs from node to the same receiver, measured in the same run on the same machine.
//
//   (a) throughput: EVENTS events posted in chunks to POST /api/v1/events, fanned out to WEBHOOKS
//       webhooks at a local receiver; deliveries/s until all have arrived and until all are
//       recorded as succeeded, once per case (SQLite modes; PostgreSQL with 1 and 3 instances,
//       the POSTs spread round-robin over the instances);
//   (b) latency: one event per POST at a fixed rate; accepted (202 received) → first arrival of
//       each delivery at the receiver, p50/p99;
//   (c) raw: the same node client sends signed 1 KB POSTs (Standard Webhooks headers, HMAC-SHA256
//       computed here) straight to the receiver, as fast as it can with the worker's concurrency
//       (right before and right after each throughput run, which is compared with their mean),
//       and at (b)'s request rate for a latency reference.
//
// The receiver is a second node process (this file with --receiver) so that it has an event
// loop of its own. Every server runs on 127.0.0.1:0 on a fresh store: an SQLite file in a
// temporary directory, or a PostgreSQL database created for the case (psql CREATE DATABASE) and
// dropped after it. Nothing but 127.0.0.1 and the PostgreSQL server is contacted. Servers, the
// receiver, the directories and the databases are removed on every exit path.
//
// Usage: node bench/delivery.mjs                       (SQLite only, the PostgreSQL cases skipped)
//        scripts/with-postgres.sh node bench/delivery.mjs           (SQLite and a throwaway cluster)
// Environment: WEBHOOK_SERVER (binary; default: `cargo build --release -p webhook-server`, then
//              target/release/webhook-server), BENCH_EVENTS (5000), BENCH_CHUNK (100 events per
//              POST), BENCH_WEBHOOKS (4), BENCH_CONCURRENCY (32: the worker's and the raw
//              client's), BENCH_RATES (50,200 events/s, each
//              measured), BENCH_SECONDS (10), BENCH_RAW_SECONDS (5),
//              BENCH_MODES (SQLite cases, synchronous:commit batch; normal:256, the server's
//              defaults; e.g. full:1,full:256,normal:256; empty for none),
//              BENCH_POSTGRES (postgres://USER@HOST:PORT/DB to create the bench's databases on;
//              default WEBHOOK_TEST_POSTGRES, which scripts/with-postgres.sh sets; neither: the
//              PostgreSQL cases are skipped), BENCH_PG_INSTANCES (1,3: one case per count; empty
//              for none), BENCH_TIMEOUT (300 s, the longest wait for one phase), BENCH_RUST_LOG
//              (warn), BENCH_SERVER_LOGS (a directory to keep each server's stderr in),
//              BENCH_LATENCY_DUMP (a directory for (b)'s per-event times, UTC ms).
// Node built-ins only (and the psql client for CREATE / DROP DATABASE).

import { fork, spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Milliseconds on CLOCK_MONOTONIC, which every process on the machine shares. */
const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

if (process.argv[2] === '--receiver') {
  receiver();
} else {
  await main();
}

// ---------------------------------------------------------------------------------------------
// The receiver: answers every POST 200 as soon as its body is in, and notes it.

function receiver() {
  const SEQ = /"bench_seq":(\d+)/;
  const fresh = () => ({
    requests: 0,
    bytes: 0,
    duplicates: 0,
    ids: new Set(),
    times: [],
    arrivals: new Map(),
    sample: null,
    cpu: process.cpuUsage(),
  });
  let s = fresh();
  const note = (req, body, t) => {
    s.requests++;
    s.bytes += body.length;
    const id = req.headers['webhook-id'];
    if (id !== undefined) {
      if (s.ids.has(id)) {
        s.duplicates++;
        return;
      }
      s.ids.add(id);
    }
    s.times.push(t);
    const m = SEQ.exec(body.toString('latin1'));
    if (m) {
      const key = `${m[1]}${req.url}`;
      if (!s.arrivals.has(key)) s.arrivals.set(key, t);
    }
    if (s.sample === null) s.sample = { url: req.url, headers: req.headers, body: body.toString('utf8') };
  };
  const json = (res, value) => {
    const text = JSON.stringify(value);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const server = http.createServer((req, res) => {
    if (req.method === 'POST') {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const t = now();
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
        res.end('ok');
        note(req, Buffer.concat(chunks), t);
      });
      return;
    }
    if (req.url === '/reset') {
      s = fresh();
      return json(res, { ok: true });
    }
    if (req.url === '/stats') {
      const n = s.times.length;
      const at = (f) => (n ? s.times[Math.min(n - 1, Math.floor(f * n))] : null);
      const cpu = process.cpuUsage(s.cpu);
      return json(res, {
        requests: s.requests,
        unique: n,
        duplicates: s.duplicates,
        bytes: s.bytes,
        first: at(0),
        p10: at(0.1),
        p90: at(0.9),
        last: n ? s.times[n - 1] : null,
        cpu_ms: (cpu.user + cpu.system) / 1000,
      });
    }
    if (req.url === '/arrivals') return json(res, Object.fromEntries(s.arrivals));
    if (req.url === '/sample') return json(res, s.sample);
    res.writeHead(404);
    res.end();
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.maxRequestsPerSocket = 0;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  // Gone with the parent, whatever way it went.
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------------------------------------
// The driver.

async function main() {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const envInt = (name, dflt, min, max) => {
    const v = Number.parseInt(process.env[name] ?? `${dflt}`, 10);
    if (!Number.isInteger(v) || v < min || v > max) {
      console.error(`${name} must be an integer in ${min}..${max}`);
      process.exit(2);
    }
    return v;
  };
  const EVENTS = envInt('BENCH_EVENTS', 5000, 1, 1_000_000);
  const CHUNK = envInt('BENCH_CHUNK', 100, 1, 1000);
  const WEBHOOKS = envInt('BENCH_WEBHOOKS', 4, 1, 100);
  const CONCURRENCY = envInt('BENCH_CONCURRENCY', 32, 1, 1024);
  const RATES = (process.env.BENCH_RATES ?? '50,200').split(',').map((r) => {
    const v = Number(r.trim());
    if (!Number.isInteger(v) || v < 1 || v > 10_000) {
      console.error(`BENCH_RATES: '${r}' is not an integer in 1..10000`);
      process.exit(2);
    }
    return v;
  });
  const SECONDS = envInt('BENCH_SECONDS', 10, 1, 600);
  const RAW_SECONDS = envInt('BENCH_RAW_SECONDS', 5, 1, 600);
  const TIMEOUT = envInt('BENCH_TIMEOUT', 300, 10, 3600) * 1000;
  const list = (name, dflt) => (process.env[name] ?? dflt).split(',').map((x) => x.trim()).filter((x) => x !== '');
  const MODES = list('BENCH_MODES', 'normal:256').map((m) => {
    const [sync, batch] = m.split(':');
    if (!['full', 'normal'].includes(sync) || !/^[1-9][0-9]*$/.test(batch ?? '')) {
      console.error(`BENCH_MODES: '${m}' is not synchronous:commit-batch, e.g. full:1`);
      process.exit(2);
    }
    return { store: 'sqlite', instances: 1, sync, batch: Number(batch), label: `SQLite ${sync.toUpperCase()}, ${batch === '1' ? 'commit per attempt' : `group commit ≤${batch}`}` };
  });
  const PG_URL = process.env.BENCH_POSTGRES || process.env.WEBHOOK_TEST_POSTGRES || '';
  const PG_BATCH = 256; // the server's default --delivery-commit-batch
  const ADMIN_PASSWORD = 'bench-admin-password';
  const SECRET_KEY = randomBytes(32).toString('base64');
  const PG_CASES = list('BENCH_PG_INSTANCES', '1,3').map((n) => {
    if (!/^[1-9][0-9]?$/.test(n)) {
      console.error(`BENCH_PG_INSTANCES: '${n}' is not a number of instances in 1..99`);
      process.exit(2);
    }
    return { store: 'postgres', instances: Number(n), batch: PG_BATCH, label: `PostgreSQL ×${n}, group commit ≤${PG_BATCH}` };
  });
  const CASES = [...MODES, ...(PG_URL ? PG_CASES : [])];
  if (CASES.length === 0) {
    console.error('delivery: nothing to measure (BENCH_MODES and BENCH_PG_INSTANCES empty, or no PostgreSQL)');
    process.exit(2);
  }
  // Pads the event so that a delivered body is about 1 KB, like the raw POSTs.
  const PAD = 'x'.repeat(613);
  const RAW_BYTES = 1024;
  // POST /events in flight during (a); BENCH_CHUNK=1 BENCH_POSTERS=32 is issue 12's Svix setup
  // (one message per POST, 32 publishers).
  const POSTERS = envInt('BENCH_POSTERS', 2, 1, 1024);

  // Everything started is stopped on every way out: finally, signals, uncaught errors.
  const cleanups = new Map();
  let cleanupId = 0;
  const onCleanup = (fn) => {
    const id = cleanupId++;
    cleanups.set(id, fn);
    return () => cleanups.delete(id);
  };
  const cleanupNow = () => {
    for (const fn of [...cleanups.values()].reverse()) {
      try {
        fn();
      } catch {
        // best effort
      }
    }
    cleanups.clear();
  };
  process.on('exit', cleanupNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      console.error(`delivery: ${sig}, stopping`);
      cleanupNow();
      process.exit(130);
    });
  }

  // --- the server binary ---
  let server = process.env.WEBHOOK_SERVER;
  if (!server) {
    console.error('delivery: cargo build --release -p webhook-server');
    const built = spawnSync('cargo', ['build', '--release', '-p', 'webhook-server'], { cwd: root, stdio: ['ignore', 2, 2] });
    if (built.status !== 0) throw new Error('cargo build --release -p webhook-server failed');
    server = join(root, 'target/release/webhook-server');
  }
  if (!existsSync(server)) throw new Error(`no server binary at ${server}`);
  const help = spawnSync(server, ['--help'], { encoding: 'utf8' }).stdout ?? '';
  if (!help.includes('--delivery-commit-batch') || !help.includes('--sqlite-synchronous')) {
    throw new Error(`${server} has no --sqlite-synchronous / --delivery-commit-batch: rebuild it`);
  }
  if (PG_URL && !help.includes('postgres://')) throw new Error(`${server} does not take postgres:// URLs: rebuild it`);

  // --- HTTP ---
  /** Sent with every API request: the admin token of the current case (see `signIn`). */
  let auth = {};
  /** One request; resolves to the status, the body text and the time it took in ms. */
  function request(agent, port, method, path, body, headers = {}) {
    headers = { ...auth, ...headers };
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      const start = now();
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent,
          headers: payload
            ? { 'content-type': 'application/json', 'content-length': payload.length, ...headers }
            : headers,
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: now() - start, end: now() }));
          res.on('error', reject);
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }
  const getJson = async (agent, port, path) => {
    const r = await request(agent, port, 'GET', path);
    if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    return JSON.parse(r.text);
  };

  // --- the receiver process ---
  const rx = fork(fileURLToPath(import.meta.url), ['--receiver'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  onCleanup(() => rx.kill('SIGKILL'));
  const rport = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('the receiver did not start in 10 s')), 10_000);
    rx.once('message', (m) => {
      clearTimeout(t);
      resolve(m.port);
    });
    rx.once('exit', (code) => reject(new Error(`the receiver exited (${code})`)));
  });
  const control = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const rstats = () => getJson(control, rport, '/stats');
  const rreset = () => getJson(control, rport, '/reset');

  // --- the server process ---
  const clkTck = Number.parseInt(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout, 10) || 100;
  const cpuMsOf = (pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / clkTck; // utime + stime
    } catch {
      return Number.NaN;
    }
  };

  // --- PostgreSQL: a fresh database per case, through psql ---
  /** Runs one SQL command with psql on `url`; returns its unaligned output. */
  const psql = (url, sql) => {
    const r = spawnSync('psql', [url, '-X', '-v', 'ON_ERROR_STOP=1', '-Atqc', sql], { encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw new Error(`psql: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`psql ${JSON.stringify(sql)}: ${(r.stderr || '').trim()}`);
    return r.stdout.trim();
  };
  /** PG_URL with another database name. */
  const pgUrlOf = (database) => {
    const u = new URL(PG_URL);
    u.pathname = `/${database}`;
    return u.toString();
  };
  const redact = (url) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  let databases = 0;
  function createDatabase() {
    const name = `webhook_bench_${process.pid}_${++databases}`;
    psql(PG_URL, `CREATE DATABASE ${name}`);
    const drop = () => psql(PG_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    const unregister = onCleanup(drop);
    return {
      name,
      url: pgUrlOf(name),
      drop: () => {
        drop();
        unregister();
      },
    };
  }
  /**
   * CPU ms used so far by the whole PostgreSQL server when it runs on this machine (its postmaster
   * and every child, exited children included through the postmaster's cutime/cstime), or NaN.
   * The postmaster is found as the parent of the checkpointer in pg_stat_activity.
   */
  let postmaster;
  const pgCpuMs = () => {
    if (!PG_URL) return Number.NaN;
    try {
      if (postmaster === undefined) {
        const host = new URL(PG_URL).hostname.replace(/^\[|\]$/g, '');
        if (!['127.0.0.1', 'localhost', '::1', ''].includes(host)) throw new Error('not local');
        const pid = psql(PG_URL, "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'");
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        postmaster = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      }
      const fields = (pid) => {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      };
      const m = fields(postmaster);
      let ticks = Number(m[11]) + Number(m[12]) + Number(m[13]) + Number(m[14]);
      for (const e of readdirSync('/proc')) {
        if (!/^\d+$/.test(e)) continue;
        try {
          const f = fields(e);
          if (f[1] === postmaster) ticks += Number(f[11]) + Number(f[12]);
        } catch {
          // exited meanwhile: counted in the postmaster's cutime once reaped
        }
      }
      return (ticks * 1000) / clkTck;
    } catch {
      postmaster = null;
      return Number.NaN;
    }
  };

  // --- the servers of one case ---
  let serverRuns = 0;
  /** One server process on `databaseUrl`; `dir` holds its stderr. */
  async function startServer(c, dir, databaseUrl, instance) {
    const errFile = join(dir, `server-${instance}.err`);
    const errFd = openSync(errFile, 'w');
    const args = ['--listen', '127.0.0.1:0', '--database-url', databaseUrl, '--dist', join(dir, 'dist')];
    if (c.store === 'sqlite') args.push('--sqlite-synchronous', c.sync);
    args.push('--delivery-commit-batch', String(c.batch), '--delivery-concurrency', String(CONCURRENCY));
    const child = spawn(server, args, {
      env: {
        ...process.env,
        WEBHOOK_ALLOW_TARGETS: '127.0.0.0/8',
        WEBHOOK_ONLY_ALLOWED_TARGETS: 'true',
        WEBHOOK_ADMIN_PASSWORD: ADMIN_PASSWORD,
        // One key for every instance of a case (they share the database).
        WEBHOOK_SECRET_KEY: SECRET_KEY,
        RUST_LOG: process.env.BENCH_RUST_LOG ?? 'warn',
      },
      stdio: ['ignore', 'pipe', errFd],
    });
    closeSync(errFd);
    const kill9 = onCleanup(() => child.kill('SIGKILL'));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const errors = () => {
      try {
        return readFileSync(errFile, 'utf8').slice(-2000);
      } catch {
        return '';
      }
    };
    const port = await new Promise((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`the server did not report its address in 30 s\n${errors()}`)), 30_000);
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`the server exited (${code}) before listening\n${errors()}`));
      });
    });
    const stop = async () => {
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
      kill9();
      if (process.env.BENCH_SERVER_LOGS) {
        mkdirSync(process.env.BENCH_SERVER_LOGS, { recursive: true });
        const tag = c.store === 'sqlite' ? `sqlite-${c.sync}-${c.batch}` : `postgres-x${c.instances}`;
        copyFileSync(errFile, join(process.env.BENCH_SERVER_LOGS, `${tag}-${++serverRuns}-${instance}.err`));
      }
    };
    return { port, pid: child.pid, stop, log: () => (existsSync(errFile) ? readFileSync(errFile, 'utf8') : '') };
  }

  /**
   * Starts the case's servers on a fresh store: one on a new SQLite file, or `instances` on one new
   * PostgreSQL database (started together: one migrates, the others wait for its lock).
   */
  async function startServers(c) {
    const dir = mkdtempSync(join(os.tmpdir(), 'webhook-delivery-bench.'));
    mkdirSync(join(dir, 'dist'));
    const removeDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const db = c.store === 'postgres' ? createDatabase() : null;
    const started = await Promise.allSettled(
      Array.from({ length: c.instances }, (_, i) => startServer(c, dir, db ? db.url : `sqlite://${dir}/bench.db`, i)),
    );
    const servers = started.filter((s) => s.status === 'fulfilled').map((s) => s.value);
    const stop = async () => {
      await Promise.all(servers.map((s) => s.stop()));
      if (db) db.drop();
      rmSync(dir, { recursive: true, force: true });
      removeDir();
    };
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
      await stop();
      throw failed.reason;
    }
    await signIn(servers[0].port);
    return {
      ports: servers.map((s) => s.port),
      pids: servers.map((s) => s.pid),
      /** The port for the k-th POST: round-robin over the instances. */
      portFor: (k) => servers[k % servers.length].port,
      database: db?.name,
      /** ERROR lines in the servers' stderr so far, and how many of them are deadlocks. */
      errorLines: () => {
        const lines = servers.flatMap((s) => s.log().split('\n')).filter((l) => /\bERROR\b/.test(l));
        return { errors: lines.length, deadlocks: lines.filter((l) => l.includes('deadlock detected')).length, first: lines[0] ?? null };
      },
      stop,
    };
  }

  /**
   * Signs in as the case's admin and creates the API token every later request carries, as a
   * producer's script would (one token lookup per request, like any authenticated client).
   */
  async function signIn(port) {
    auth = {};
    const session = await request(undefined, port, 'POST', '/api/v1/session', { username: 'admin', password: ADMIN_PASSWORD });
    if (session.status !== 200) throw new Error(`sign-in: HTTP ${session.status} ${session.text}`);
    const cookie = /wc_session=[^;]+/.exec(session.headers['set-cookie']?.join(';') ?? '')?.[0];
    const token = await request(undefined, port, 'POST', '/api/v1/tokens', { name: 'bench', role: 'admin' }, { cookie, 'x-requested-with': 'bench' });
    if (token.status !== 201) throw new Error(`creating the bench token: HTTP ${token.status} ${token.text}`);
    auth = { authorization: `Bearer ${JSON.parse(token.text).token}` };
  }

  // --- the bench's webhooks and events ---
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const sign = (id, ts, body) => `v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}`;

  async function createWebhooks(api, port) {
    const ids = [];
    for (let i = 0; i < WEBHOOKS; i++) {
      const r = await request(api, port, 'POST', '/api/v1/webhooks', {
        name: `bench receiver ${i}`,
        url: `http://127.0.0.1:${rport}/hook/${i}`,
        event_types: ['resource.update'],
        batch_size: 1,
        auth: { type: 'signature', secret },
      });
      if (r.status !== 201) throw new Error(`creating a webhook: HTTP ${r.status} ${r.text.slice(0, 300)}`);
      ids.push(JSON.parse(r.text).id);
    }
    return ids;
  }
  const event = (seq) => ({
    type: 'resource.update',
    action: 'update',
    resource_type: 'host',
    resource_id: `host-${seq}`,
    resource_details: { bench_seq: seq, name: `bench-host-${seq % 100}`, status: 'running', pad: PAD },
  });

  /** Checks a delivered request's Standard Webhooks signature with the webhooks' secret. */
  function verifySample(sample) {
    if (!sample) throw new Error('nothing was delivered');
    const h = sample.headers;
    const expected = sign(h['webhook-id'], h['webhook-timestamp'], sample.body);
    if (!String(h['webhook-signature'] ?? '').split(' ').includes(expected)) {
      throw new Error(`the delivered signature does not verify: ${JSON.stringify(h)}`);
    }
  }

  const recordedCount = async (api, port, ids) => {
    let n = 0;
    for (const id of ids) {
      n += (await getJson(api, port, `/api/v1/webhooks/${id}/deliveries?status=succeeded&page_size=1`)).total_count;
    }
    return n;
  };

  // --- (a) throughput ---
  /** CPU ms so far of each server of a case, of the PostgreSQL server, and of this process. */
  const cpuNow = (srv) => ({ servers: srv.pids.map(cpuMsOf), pg: srv.database ? pgCpuMs() : Number.NaN, driver: process.cpuUsage() });
  const cpuSince = (srv, c0, receiverMs) => {
    const u = process.cpuUsage(c0.driver);
    const servers = srv.pids.map((pid, i) => cpuMsOf(pid) - c0.servers[i]);
    return {
      server: servers.reduce((a, b) => a + b, 0),
      servers,
      pg: srv.database ? pgCpuMs() - c0.pg : Number.NaN,
      receiver: receiverMs,
      driver: (u.user + u.system) / 1000,
    };
  };
  /** Connections the case's servers hold to their PostgreSQL database (pools and listeners). */
  const pgConnections = (srv) =>
    srv.database ? Number(psql(PG_URL, `SELECT count(*) FROM pg_stat_activity WHERE datname = '${srv.database}'`)) : null;

  // --- (a) throughput ---
  async function throughput(mode) {
    const srv = await startServers(mode);
    const api = new http.Agent({ keepAlive: true, maxSockets: POSTERS + 1 });
    try {
      const ids = await createWebhooks(api, srv.ports[0]); // each sends its VALIDATE call now
      await rreset();
      const expected = EVENTS * WEBHOOKS;
      const cpu0 = cpuNow(srv);
      const t0 = now();
      let next = 0;
      let posts = 0;
      let queued = 0;
      const poster = async () => {
        while (next < EVENTS) {
          const from = next;
          next = Math.min(EVENTS, next + CHUNK);
          const events = [];
          for (let seq = from; seq < next; seq++) events.push(event(seq));
          const r = await request(api, srv.portFor(posts++), 'POST', '/api/v1/events', { events });
          if (r.status !== 202) throw new Error(`POST /api/v1/events: HTTP ${r.status} ${r.text.slice(0, 300)}`);
          queued += JSON.parse(r.text).deliveries;
        }
      };
      await Promise.all(Array.from({ length: POSTERS }, poster));
      const tPosted = now();
      if (queued !== expected) throw new Error(`expected ${expected} deliveries queued, the server says ${queued}`);
      let st = await rstats();
      let tRecorded = null;
      let recorded = 0;
      let timedOut = false;
      while (tRecorded === null) {
        if (now() - t0 > TIMEOUT) {
          timedOut = true;
          break;
        }
        await sleep(250);
        st = await rstats();
        recorded = await recordedCount(api, srv.ports[0], ids);
        if (recorded >= expected) tRecorded = now();
      }
      const tEnd = now();
      const cpu = cpuSince(srv, cpu0, st.cpu_ms);
      const connections = pgConnections(srv);
      const log = srv.errorLines();
      const sample = await getJson(control, rport, '/sample');
      verifySample(sample);
      return {
        mode,
        expected,
        timedOut,
        postSeconds: (tPosted - t0) / 1000,
        arrived: st.unique,
        duplicates: st.duplicates,
        arrivedRate: st.unique / ((st.last - t0) / 1000),
        steadyRate: (0.8 * st.unique) / ((st.p90 - st.p10) / 1000),
        arrivedSeconds: (st.last - t0) / 1000,
        recorded,
        recordedSeconds: tRecorded === null ? null : (tRecorded - t0) / 1000,
        recordedRate: tRecorded === null ? null : expected / ((tRecorded - t0) / 1000),
        bodyBytes: st.bytes / Math.max(1, st.requests),
        cpu,
        connections,
        log,
        wall: tEnd - t0,
      };
    } finally {
      api.destroy();
      await srv.stop();
    }
  }

  // --- (b) latency ---
  const quantiles = (xs) => {
    const s = Float64Array.from(xs).sort();
    const q = (p) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] : Number.NaN);
    return { n: s.length, p50: q(0.5), p99: q(0.99), max: s.length ? s[s.length - 1] : Number.NaN };
  };

  /** Fires `total` requests open-loop at `perSecond` (never waiting for answers). */
  async function paced(total, perSecond, fire) {
    const start = now() + 20;
    const inflight = [];
    for (let i = 0; i < total; i++) {
      const at = start + (i * 1000) / perSecond;
      if (at > now()) await sleep(at - now());
      inflight.push(fire(i));
    }
    const results = await Promise.all(inflight);
    return { results, seconds: (now() - start) / 1000 };
  }

  async function waitArrivals(n, within) {
    const deadline = now() + within;
    let st = await rstats();
    while (st.unique < n && now() < deadline) {
      await sleep(50);
      st = await rstats();
    }
    return st;
  }

  async function latency(mode, rate) {
    const srv = await startServers(mode);
    const api = new http.Agent({ keepAlive: true, maxSockets: 64 });
    try {
      await createWebhooks(api, srv.ports[0]);
      await rreset();
      const total = rate * SECONDS;
      const sent = new Float64Array(total);
      const accepted = new Float64Array(total);
      const cpu0 = cpuNow(srv);
      const t0 = now();
      const { seconds } = await paced(total, rate, async (seq) => {
        sent[seq] = now();
        const r = await request(api, srv.portFor(seq), 'POST', '/api/v1/events', event(seq));
        if (r.status !== 202) throw new Error(`POST /api/v1/events: HTTP ${r.status} ${r.text.slice(0, 300)}`);
        accepted[seq] = r.end;
      });
      const st = await waitArrivals(total * WEBHOOKS, 60_000);
      const wall = now() - t0;
      const cpu = cpuSince(srv, cpu0, st.cpu_ms);
      const log = srv.errorLines();
      const arrivals = await getJson(control, rport, '/arrivals');
      const fromAccepted = [];
      const fromSent = [];
      const firstOfEvent = [];
      let early = 0;
      for (let seq = 0; seq < total; seq++) {
        let first = Infinity;
        for (let i = 0; i < WEBHOOKS; i++) {
          const t = arrivals[`${seq}/hook/${i}`];
          if (t === undefined) continue;
          fromAccepted.push(t - accepted[seq]);
          fromSent.push(t - sent[seq]);
          if (t < accepted[seq]) early++;
          first = Math.min(first, t);
        }
        if (first !== Infinity) firstOfEvent.push(first - accepted[seq]);
      }
      if (process.env.BENCH_LATENCY_DUMP) {
        // Per event: sent, 202 received and each webhook's first arrival, as UTC milliseconds
        // (to line up with the servers' logs, e.g. BENCH_SERVER_LOGS).
        const wall = Date.now() - now();
        const at = (t) => (t === undefined ? null : Math.round((t + wall) * 10) / 10);
        const rows = Array.from({ length: total }, (_, seq) => [
          seq,
          at(sent[seq]),
          at(accepted[seq]),
          ...Array.from({ length: WEBHOOKS }, (_, i) => at(arrivals[`${seq}/hook/${i}`])),
        ]);
        mkdirSync(process.env.BENCH_LATENCY_DUMP, { recursive: true });
        const file = join(process.env.BENCH_LATENCY_DUMP, `${mode.label ?? 'case'}-${rate}.json`.replace(/[^\w.-]+/g, '_'));
        writeFileSync(file, JSON.stringify(rows));
      }
      return {
        mode,
        rate,
        total,
        postRate: total / seconds,
        arrived: st.unique,
        duplicates: st.duplicates,
        accepted: quantiles(Array.from(accepted, (a, i) => a - sent[i])),
        fromAccepted: quantiles(fromAccepted),
        fromSent: quantiles(fromSent),
        firstOfEvent: quantiles(firstOfEvent),
        early,
        cpu,
        log,
        wall,
      };
    } finally {
      api.destroy();
      await srv.stop();
    }
  }

  // --- (c) raw signed POSTs ---
  let rawSeq = 0;
  const rawBody = (seq, pad) =>
    JSON.stringify({ action: 'update', resource_type: 'host', resource_details: { bench_seq: seq, pad }, result: 'succeed', Msg: 'raw' });
  const rawPad = 'x'.repeat(Math.max(0, RAW_BYTES - rawBody(0, '').length + 1));
  /** One signed 1 KB POST to the receiver, built and signed here as the server does. */
  function signedPost(agent, seq) {
    const body = rawBody(seq, rawPad.slice(String(seq).length)); // RAW_BYTES long
    const id = `msg_raw${rawSeq++}`;
    const ts = Math.floor(Date.now() / 1000);
    return request(agent, rport, 'POST', '/raw', Buffer.from(body), {
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': sign(id, ts, body),
      'x-webhook-event': 'HOST/UPDATE',
      'user-agent': 'webhook-console-bench',
    });
  }

  async function rawRate() {
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    try {
      const lanes = async (ms) => {
        const end = now() + ms;
        let n = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (now() < end) {
              const r = await signedPost(agent, n);
              if (r.status !== 200) throw new Error(`raw POST: HTTP ${r.status}`);
              n++;
            }
          }),
        );
        return n;
      };
      await lanes(500); // warm-up: connections, JIT
      await rreset();
      const cpu0 = process.cpuUsage();
      const t0 = now();
      const n = await lanes(RAW_SECONDS * 1000);
      const seconds = (now() - t0) / 1000;
      const st = await rstats();
      const u = process.cpuUsage(cpu0);
      return {
        rate: n / seconds,
        n,
        seconds,
        bodyBytes: st.bytes / Math.max(1, st.requests),
        cpu: { receiver: st.cpu_ms, driver: (u.user + u.system) / 1000 },
        wall: seconds * 1000,
      };
    } finally {
      agent.destroy();
    }
  }

  /** Raw signed POSTs at the request rate (b) makes the server deliver: sent → arrival. */
  async function rawLatency(rate) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    try {
      await rreset();
      const total = rate * WEBHOOKS * SECONDS;
      const sent = new Float64Array(total);
      const { results, seconds } = await paced(total, rate * WEBHOOKS, (seq) => {
        sent[seq] = now();
        return signedPost(agent, seq);
      });
      await waitArrivals(total, 30_000);
      const arrivals = await getJson(control, rport, '/arrivals');
      const oneWay = [];
      for (let seq = 0; seq < total; seq++) {
        const t = arrivals[`${seq}/raw`];
        if (t !== undefined) oneWay.push(t - sent[seq]);
      }
      return { rate, total, postRate: total / seconds, oneWay: quantiles(oneWay), roundTrip: quantiles(results.map((r) => r.ms)) };
    } finally {
      agent.destroy();
    }
  }

  /** fdatasync of 4 KiB appends in the temporary directory, for a second. */
  function fsyncRate() {
    const dir = mkdtempSync(join(os.tmpdir(), 'webhook-delivery-bench.'));
    const removeDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'fsync');
    const fd = openSync(file, 'w');
    const block = Buffer.alloc(4096, 1);
    let n = 0;
    const t0 = now();
    while (now() - t0 < 1000) {
      writeSync(fd, block);
      fdatasyncSync(fd);
      n++;
    }
    const rate = n / ((now() - t0) / 1000);
    closeSync(fd);
    unlinkSync(file);
    rmSync(dir, { recursive: true, force: true });
    removeDir();
    return rate;
  }

  // --- the run ---
  const fmt = (x, d = 0) => (x === null || Number.isNaN(x) ? '–' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
  const table = (cols, rows) => {
    const widths = cols.map((c, k) => Math.max(c.length, ...rows.map((r) => r[k].length)));
    const line = (r) => r.map((v, k) => (k === 0 ? v.padEnd(widths[k]) : v.padStart(widths[k]))).join('  ');
    console.log(line(cols));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(line(r));
  };
  const cores = (cpuMs, wallMs) => (Number.isFinite(cpuMs) ? (cpuMs / wallMs).toFixed(2) : '–');
  const logCell = (l) => `${fmt(l.errors)} (${fmt(l.deadlocks)})`;
  const cpuServers = (r) =>
    cores(r.cpu.server, r.wall) + (r.cpu.servers.length > 1 ? ` (${r.cpu.servers.map((ms) => cores(ms, r.wall)).join('+')})` : '');

  try {
    const git = spawnSync('git', ['-C', root, 'describe', '--always', '--dirty'], { encoding: 'utf8' }).stdout?.trim();
    console.log(
      `machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}; ` +
        `server ${server}${git ? ` (tree ${git})` : ''}`,
    );
    console.log(`disk: ${fmt(fsyncRate())} fdatasync/s of 4 KiB appends in ${os.tmpdir()}`);
    console.log(
      `setup: ${WEBHOOKS} webhooks (signature auth, batch_size 1) at a node receiver on 127.0.0.1 answering 200; ` +
        `worker concurrency ${CONCURRENCY}; RUST_LOG=${process.env.BENCH_RUST_LOG ?? 'warn'}`,
    );
    if (PG_URL) {
      const show = (name) => psql(PG_URL, `SHOW ${name}`);
      console.log(
        `postgres: ${redact(PG_URL)}, ${psql(PG_URL, 'SHOW server_version')}; fsync=${show('fsync')}, ` +
          `synchronous_commit=${show('synchronous_commit')}, max_connections=${show('max_connections')}; ` +
          `cases ${PG_CASES.map((c) => `×${c.instances}`).join(', ') || 'none'}, each on a new database`,
      );
    } else {
      console.log('postgres: SKIPPED (neither BENCH_POSTGRES nor WEBHOOK_TEST_POSTGRES is set; scripts/with-postgres.sh sets the latter)');
    }

    // The raw rate is measured right before and right after each throughput run and each run is
    // compared with the mean of its two: other load on the machine drifts over minutes.
    const rawLat = [];
    for (const rate of RATES) rawLat.push(await rawLatency(rate));
    const raws = [];
    const tp = [];
    const lat = [];
    for (const mode of CASES) {
      const before = await rawRate();
      const r = await throughput(mode);
      const after = await rawRate();
      raws.push({ label: `before ${mode.label}`, ...before }, { label: `after ${mode.label}`, ...after });
      tp.push({ ...r, raw: (before.rate + after.rate) / 2 });
      for (const rate of RATES) lat.push(await latency(mode, rate));
    }

    console.log();
    console.log(`(c) raw: signed ${fmt(raws[0].bodyBytes)}-byte POSTs, node → receiver, ${CONCURRENCY} in flight, ${RAW_SECONDS} s after 0.5 s warm-up`);
    table(
      ['run', 'requests', 'req/s', 'CPU receiver', 'CPU client'],
      raws.map((r) => [r.label, fmt(r.n), fmt(r.rate), cores(r.cpu.receiver, r.wall), cores(r.cpu.driver, r.wall)]),
    );
    console.log('  CPU columns: CPU seconds per wall second (1.00 = one core busy).');

    console.log();
    console.log(
      `(a) throughput: ${fmt(EVENTS)} events in POSTs of ${CHUNK} (${POSTERS} in flight) × ${WEBHOOKS} webhooks = ${fmt(EVENTS * WEBHOOKS)} deliveries of ` +
        `${fmt(tp[0]?.bodyBytes)} bytes; rates from the first POST`,
    );
    table(
      ['case', 'posted in s', 'all arrived s', 'arrived/s', '10–90 % /s', 'all recorded s', 'recorded/s', 'dups', 'raw req/s', 'arrived ÷ raw', 'recorded ÷ raw', 'CPU server', 'CPU PG', 'CPU receiver', 'CPU client', 'PG conns', 'errors (deadlocks)'],
      tp.map((r) => [
        r.mode.label + (r.timedOut ? ' (TIMED OUT)' : ''),
        fmt(r.postSeconds, 2),
        fmt(r.arrivedSeconds, 2),
        fmt(r.arrivedRate),
        fmt(r.steadyRate),
        r.recordedSeconds === null ? `– (${fmt(r.recorded)})` : fmt(r.recordedSeconds, 2),
        fmt(r.recordedRate),
        fmt(r.duplicates),
        fmt(r.raw),
        (r.arrivedRate / r.raw).toFixed(2),
        r.recordedRate === null ? '–' : (r.recordedRate / r.raw).toFixed(2),
        cpuServers(r),
        cores(r.cpu.pg, r.wall),
        cores(r.cpu.receiver, r.wall),
        cores(r.cpu.driver, r.wall),
        fmt(r.connections),
        logCell(r.log),
      ]),
    );
    console.log(
      '  arrived: unique webhook-ids at the receiver; recorded: deliveries the API lists as succeeded (polled every 250 ms);\n' +
        '  10–90 %: the rate between the 10th and 90th percentile arrival; dups: repeated webhook-ids; raw req/s: the mean\n' +
        '  of (c) right before and right after the run, which the ratios divide by; CPU: CPU seconds per wall second, first\n' +
        '  POST to all recorded (server: all instances, each in brackets; PG: the whole PostgreSQL server; client: this\n' +
        '  process, posting and polling); PG conns: connections to the case\'s database at the end (pools and listeners);\n' +
        '  errors: ERROR lines in the servers\' stderr, of which "deadlock detected".',
    );
    const firstError = [...tp, ...lat].find((r) => r.log.first)?.log.first;
    if (firstError) console.log(`  first server ERROR: ${firstError.slice(0, 400)}`);

    console.log();
    console.log(
      `(b) latency: one event per POST at a fixed rate (open loop) for ${SECONDS} s × ${WEBHOOKS} webhooks; the raw reference sends ` +
        `signed POSTs at ${WEBHOOKS}× that rate, the same request rate at the receiver; ms`,
    );
    const q = (x) => [fmt(x.p50, 2), fmt(x.p99, 2), fmt(x.max, 1)];
    const rows = [];
    for (const [k, rate] of RATES.entries()) {
      const raw = rawLat[k];
      for (const r of lat.filter((l) => l.rate === rate)) {
        rows.push([
          `${rate}/s ${r.mode.label}`,
          fmt(r.postRate),
          `${fmt(r.arrived)}/${fmt(r.total * WEBHOOKS)}`,
          fmt(r.accepted.p50, 2),
          fmt(r.accepted.p99, 2),
          ...q(r.fromAccepted),
          fmt(r.fromSent.p50, 2),
          fmt(r.fromSent.p99, 2),
          fmt(r.early),
          fmt(r.firstOfEvent.p50, 2),
          (r.fromAccepted.p50 / raw.oneWay.p50).toFixed(0),
          (r.fromAccepted.p99 / raw.oneWay.p99).toFixed(0),
          cpuServers(r),
          cores(r.cpu.pg, r.wall),
          logCell(r.log),
        ]);
      }
      rows.push([
        `${rate}/s raw signed POST, sent→arrival`,
        fmt(raw.postRate),
        `${fmt(raw.oneWay.n)}/${fmt(raw.total)}`,
        '',
        '',
        ...q(raw.oneWay),
        '',
        '',
        '',
        '',
        '1',
        '1',
        '',
        '',
        '',
      ]);
    }
    table(
      ['events/s, case', 'sent/s', 'arrived', 'POST→202 p50', 'p99', '202→arrival p50', 'p99', 'max', 'POST→arrival p50', 'p99', 'before 202', 'first of event p50', 'p50 ÷ raw', 'p99 ÷ raw', 'CPU server', 'CPU PG', 'errors (deadlocks)'],
      rows,
    );
    console.log(
      '  202→arrival: from the client receiving the 202 to each delivery\'s first attempt reaching the receiver, negative when it\n' +
        '  arrived first ("before 202" counts those); POST→arrival: from sending the POST; first of event: the earliest of an\n' +
        `  event's ${WEBHOOKS} deliveries, from its 202; ÷ raw: 202→arrival over the raw POSTs' sent→arrival at the same request rate.`,
    );
    console.log(`  raw round trips (client): ${rawLat.map((r) => `${r.rate * WEBHOOKS}/s p50 ${fmt(r.roundTrip.p50, 2)}, p99 ${fmt(r.roundTrip.p99, 2)}`).join('; ')}`);

    console.log();
    console.log(
      `summary: deliveries/s in (a) (${fmt(EVENTS * WEBHOOKS)} deliveries) and accepted (202) → first attempt in (b), ms, per delivery` +
        (PG_URL ? '' : '; PostgreSQL SKIPPED'),
    );
    const SLO = { rate: 200, p99: 50 }; // PostgreSQL's acceptance: p99 within 50 ms at 200 events/s
    table(
      ['case', 'arrived/s', 'recorded/s', 'dups', ...RATES.flatMap((rate) => [`${rate} ev/s p50`, 'p99', 'POST→202 p99']), ...(RATES.includes(SLO.rate) ? [`p99 ≤ ${SLO.p99} ms at ${SLO.rate}/s`] : [])],
      tp.map((t) => {
        const ls = RATES.map((rate) => lat.find((l) => l.mode === t.mode && l.rate === rate));
        const slo = lat.find((l) => l.mode === t.mode && l.rate === SLO.rate);
        return [
          t.mode.label,
          fmt(t.arrivedRate),
          fmt(t.recordedRate) + (t.timedOut ? ' (timed out)' : ''),
          fmt(t.duplicates),
          ...ls.flatMap((l) => [fmt(l.fromAccepted.p50, 1), fmt(l.fromAccepted.p99, 1), fmt(l.accepted.p99, 1)]),
          ...(slo ? [slo.arrived < slo.total * WEBHOOKS ? 'no (lost)' : slo.fromAccepted.p99 <= SLO.p99 ? 'yes' : 'no'] : []),
        ];
      }),
    );
  } finally {
    control.destroy();
    cleanupNow();
  }
}
