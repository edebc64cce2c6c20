// Starting a real webhook-server for the suite: target/debug/webhook-server on 127.0.0.1:0 with a
// fresh database and the built console. global-setup starts the suite's server; a test that needs
// other settings (e.g. a short auto-disable delay) starts one of its own.
//
// The database is a SQLite file in a temporary directory, or, when E2E_POSTGRES names a
// PostgreSQL server (`postgres://USER@HOST:PORT/postgres`; `make test` runs the operations spec
// that way under scripts/with-postgres.sh), a new database on it, created with psql.
import { request } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_HEADERS } from './paths';

export type Server = { url: string; stop: () => void };

/** The first admin's password on every server the suite starts. */
export const adminPassword = () => (process.env.E2E_ADMIN_PASSWORD ??= 'e2e-admin-secret-0123');

/** Starts a server; `env` adds to or overrides the environment (WEBHOOK_* settings). */
export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const bin = 'target/debug/webhook-server';
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run cargo build -p webhook-server`);
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run make console');
  const dir = mkdtempSync(join(tmpdir(), 'webhook-e2e-'));
  const server = spawn(bin, ['--listen', '127.0.0.1:0', '--database-url', database(dir), '--dist', 'dist'], {
    // Tests send to receivers on loopback, which the target policy refuses unless allowed.
    // Only loopback is reachable: the example.com URLs of the tests are never contacted.
    env: {
      ...process.env,
      WEBHOOK_ALLOW_TARGETS: '127.0.0.0/8',
      WEBHOOK_ONLY_ALLOWED_TARGETS: 'true',
      WEBHOOK_RETRY_SCHEDULE: '1s,2s',
      WEBHOOK_ADMIN_PASSWORD: adminPassword(),
      RUST_LOG: 'warn',
      // Every instance on one PostgreSQL database must share the key; one key for all of ours.
      WEBHOOK_SECRET_KEY: 'ZTJlLXRlc3RzLXNlY3JldC1rZXktMzItYnl0ZXMtISE=',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('webhook-server did not start within 20 s')), 20_000);
      let out = '';
      server.stdout!.on('data', (chunk) => {
        out += chunk;
        const m = out.match(/listening on (http:\/\/\S+)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      server.on('exit', (code) => reject(new Error(`webhook-server exited with ${code}`)));
    });
    return { url, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

/** A fresh database's URL: a SQLite file in `dir`, or a new database on E2E_POSTGRES. */
function database(dir: string): string {
  const server = process.env.E2E_POSTGRES;
  if (!server) return `sqlite://${join(dir, 'e2e.db')}`;
  const name = `webhook_e2e_${randomBytes(6).toString('hex')}`;
  execFileSync('psql', [server, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE ${name}`]);
  return server.replace(/\/[^/]*$/, `/${name}`);
}

/** Signs the first admin in through the API: the browser state (session cookie) to start with. */
export async function adminState(url: string) {
  const api = await request.newContext({ baseURL: url, extraHTTPHeaders: API_HEADERS });
  const res = await api.post('/api/v1/session', { data: { username: 'admin', password: adminPassword() } });
  if (res.status() !== 200) throw new Error(`signing in as admin failed: ${res.status()} ${await res.text()}`);
  const state = await api.storageState();
  await api.dispose();
  return state;
}
