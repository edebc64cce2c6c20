// The test object of the suite: baseURL points at the server global-setup started, every test
// starts signed in as the first admin, `request` (the API arrange steps) carries that session and
// the header the server wants on cookie-authenticated changes, and page objects locate elements
// as a person finds them (by role and label).
import { test as base, expect, type Browser, type Page, type Locator, type APIRequestContext } from '@playwright/test';
import { API_HEADERS } from './paths';

export { expect };

/** A name no other test uses. */
export const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A username no other test uses (letters, digits and `-` only). */
export const uniqueUsername = (prefix: string) => unique(prefix).replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();

export type Role = 'admin' | 'operator' | 'viewer';

/** Creates a user through the API as the admin (the arrange step); answers the password too. */
export async function createUser(request: APIRequestContext, role: Role, prefix = role) {
  const username = uniqueUsername(prefix);
  const password = `pw-${username}-0123456789`;
  const res = await request.post('/api/v1/users', { data: { username, display_name: `${role} ${username}`, role, password } });
  expect(res.status(), await res.text()).toBe(201);
  return { ...(await res.json()), password } as { id: string; username: string; display_name: string; role: Role; password: string };
}

/** A fresh browser context signed in as `username` (through the API, not the admin's state). */
export async function signedInContext(browser: Browser, username: string, password: string) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const res = await context.request.post('/api/v1/session', { data: { username, password }, headers: API_HEADERS });
  expect(res.status(), await res.text()).toBe(200);
  return context;
}

export type WebhookBody = {
  name: string;
  url?: string;
  type?: 'events' | 'alarms';
  enabled?: boolean;
  event_types?: string[];
  auth?: Record<string, string>;
  description?: string;
  project_id?: string;
  tags?: Record<string, string>;
};

/** Creates a webhook through the API (the arrange step of a test). */
export async function createWebhook(request: APIRequestContext, body: WebhookBody) {
  const res = await request.post('/api/v1/webhooks', {
    data: { url: 'https://hooks.example.com/in', event_types: ['host.lost_connection'], ...body },
  });
  expect(res.status(), await res.text()).toBe(201);
  return res.json();
}

export class WebhookList {
  readonly addButton: Locator;
  readonly search: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    // The empty state offers the same link again.
    this.addButton = page.getByRole('link', { name: 'Add WebHook' }).first();
    this.search = page.getByRole('searchbox', { name: 'Search' });
    this.rows = page.getByRole('table').getByRole('row');
  }

  async goto(query = '') {
    await this.page.goto(`/webhooks${query}`);
    await expect(this.page.getByRole('heading', { name: /./ }).or(this.page.getByRole('table'))).toBeVisible();
  }

  /** The table row of the webhook named `name`. */
  row(name: string): Locator {
    return this.page.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) });
  }

  filter(label: string): Locator {
    return this.page.getByLabel(label, { exact: true });
  }
}

export class WebhookForm {
  readonly name: Locator;
  readonly url: Locator;
  readonly language: Locator;
  readonly authType: Locator;
  readonly enable: Locator;
  readonly submit: Locator;
  readonly cancel: Locator;

  constructor(readonly page: Page) {
    this.name = page.getByLabel('Name', { exact: true });
    this.url = page.getByLabel('URL', { exact: true });
    this.language = page.getByLabel('Alarm Message Language', { exact: true });
    this.authType = page.getByLabel('Auth Type', { exact: true });
    this.enable = page.getByRole('switch', { name: 'Enable' });
    this.submit = page.getByRole('button', { name: 'Submit' });
    this.cancel = page.getByRole('button', { name: 'Cancel' });
  }

  type(kind: 'Events' | 'Alarms') {
    return this.page.getByRole('radio', { name: kind });
  }

  eventType(name: string) {
    return this.page.getByRole('checkbox', { name });
  }
}

export const test = base.extend<{ list: WebhookList; form: WebhookForm }>({
  baseURL: async ({}, use) => use(process.env.E2E_BASE_URL),
  // The admin's session (storageState, from the config) and the CSRF header, on every call.
  request: async ({ playwright }, use) => {
    const request = await playwright.request.newContext({ extraHTTPHeaders: API_HEADERS });
    await use(request);
    await request.dispose();
  },
  list: async ({ page }, use) => use(new WebhookList(page)),
  form: async ({ page }, use) => use(new WebhookForm(page)),
});
