// Starts target/debug/webhook-server on 127.0.0.1:0 with a fresh database and the built console,
// with a known password for the first admin; hands the address to the tests through E2E_BASE_URL
// and the password through E2E_ADMIN_PASSWORD; signs the admin in through the API and saves the
// session cookie as the storage state every test starts with (ADMIN_STATE).
import { request } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ADMIN_STATE, API_HEADERS } from './paths';

export default async function globalSetup() {
  const bin = 'target/debug/webhook-server';
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run cargo build -p webhook-server`);
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run trunk build --release');
  const dir = mkdtempSync(join(tmpdir(), 'webhook-e2e-'));
  const password = (process.env.E2E_ADMIN_PASSWORD ??= 'e2e-admin-secret-0123');
  const server = spawn(bin, ['--listen', '127.0.0.1:0', '--database-url', `sqlite://${join(dir, 'e2e.db')}`, '--dist', 'dist'], {
    // Tests send to receivers on loopback, which the target policy refuses unless allowed.
    // Only loopback is reachable: the example.com URLs of the tests are never contacted.
    env: {
      ...process.env,
      WEBHOOK_ALLOW_TARGETS: '127.0.0.0/8',
      WEBHOOK_ONLY_ALLOWED_TARGETS: 'true',
      WEBHOOK_RETRY_SCHEDULE: '1s,2s',
      WEBHOOK_ADMIN_PASSWORD: password,
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
  process.env.E2E_BASE_URL = url;

  const api = await request.newContext({ baseURL: url, extraHTTPHeaders: API_HEADERS });
  const res = await api.post('/api/v1/session', { data: { username: 'admin', password } });
  if (res.status() !== 200) throw new Error(`signing in as admin failed: ${res.status()} ${await res.text()}`);
  mkdirSync(dirname(ADMIN_STATE), { recursive: true });
  await api.storageState({ path: ADMIN_STATE });
  await api.dispose();
  return async () => {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
}
