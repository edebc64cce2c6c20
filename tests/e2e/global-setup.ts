// Starts the suite's webhook-server (tests/e2e/server.ts) with a known password for the first
// admin; hands the address to the tests through E2E_BASE_URL and the password through
// E2E_ADMIN_PASSWORD; signs the admin in and saves the session cookie as the storage state every
// test starts with (ADMIN_STATE).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ADMIN_STATE } from './paths';
import { adminPassword, adminState, startServer } from './server';

export default async function globalSetup() {
  adminPassword();
  const server = await startServer();
  process.env.E2E_BASE_URL = server.url;
  mkdirSync(dirname(ADMIN_STATE), { recursive: true });
  writeFileSync(ADMIN_STATE, JSON.stringify(await adminState(server.url)));
  return async () => server.stop();
}
