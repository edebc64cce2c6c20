// The end-to-end suite: real headless Chromium (Debian's, never a downloaded one) against a real
// webhook-server on a free port with a temporary database (see tests/e2e/global-setup.ts). Every
// test starts signed in as the first admin (ADMIN_STATE); the API helpers' `request` adds the
// header the server wants on cookie-authenticated changes (tests/e2e/fixtures.ts). The browser
// gets no extra header: the console must send it itself.
import { defineConfig } from '@playwright/test';
import { ADMIN_STATE } from './tests/e2e/paths';

export default defineConfig({
  testDir: 'tests/e2e',
  globalSetup: './tests/e2e/global-setup.ts',
  // One server and one database for the run; tests keep apart by unique names.
  workers: 1,
  timeout: 30_000,
  expect: { timeout: 7_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    storageState: ADMIN_STATE,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      ],
    },
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
