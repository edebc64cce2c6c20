// Monitoring › Inbound WebHook as people use it: an admin creates an Alertmanager inbound webhook
// with a plugin option, finds it in the list, and on its page sends the plugin's sample through
// the real receive path and follows the routed alert to its event; Regenerate key changes the
// URL and the old one stops working; Disable shows DISABLED and refuses posts; a viewer sees no
// Create, Regenerate or Send sample. Everything runs against the real webhook-server.
import { test, expect, unique, createUser, signedInContext, type Page } from './fixtures';
import type { APIRequestContext, Locator } from '@playwright/test';

/** Creates an inbound webhook through the API (the arrange step); answers it as an admin sees it. */
async function createInbound(request: APIRequestContext, name: string, options: Record<string, unknown> = { dedup_window: 0 }) {
  const res = await request.post('/api/v1/inbound-webhooks', { data: { name, plugin_id: 'alertmanager', options } });
  expect(res.status(), await res.text()).toBe(201);
  return res.json() as Promise<{ webhook_id: string; webhook_url: string; access_key: string }>;
}

/** An Alertmanager notification, as Alertmanager 0.25 posts it. */
function alertmanagerPayload(alertname: string) {
  const alert = {
    status: 'firing',
    labels: { alertname, instance: 'web-9', severity: 'warning' },
    annotations: { summary: `${alertname} on web-9` },
    startsAt: new Date().toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prom.local/graph',
    fingerprint: Math.random().toString(16).slice(2, 18),
  };
  return {
    receiver: 'console', status: 'firing', alerts: [alert], groupLabels: { alertname }, commonLabels: alert.labels,
    commonAnnotations: alert.annotations, externalURL: 'http://am.local', version: '4', groupKey: `{}:{alertname="${alertname}"}`, truncatedAlerts: 0,
  };
}

class InboundDetailPage {
  readonly url: Locator;
  readonly sendSample: Locator;
  readonly sample: Locator;
  readonly requests: Locator;

  constructor(readonly page: Page) {
    this.url = page.getByLabel('Webhook URL', { exact: true });
    this.sendSample = page.getByRole('button', { name: 'Send sample' });
    this.sample = page.getByRole('region', { name: 'Sample request' });
    this.requests = page.getByRole('table', { name: 'Recent requests' });
  }

  async goto(id: string) {
    await this.page.goto(`/inbound/${id}`);
    await expect(this.url).not.toHaveValue('');
  }
}

test('creates an Alertmanager inbound webhook with an option; Send sample routes its alert to an event', async ({ page, request }) => {
  const name = unique('Alertmanager prod');
  await page.goto('/webhooks');
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Inbound WebHook' }).click();
  await expect(page.getByRole('heading', { name: 'Inbound webhooks', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'Create inbound webhook' }).click();

  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Plugin', { exact: true }).selectOption('alertmanager');
  const dedup = page.getByLabel('Dedup window (seconds)');
  await expect(dedup).toHaveAttribute('placeholder', /\d+/);
  // Checked as typed, by the option's schema.
  await dedup.fill('-1');
  await expect(page.getByText('Between 0 and')).toBeVisible();
  await dedup.fill('0');
  await expect(page.getByText('Between 0 and')).toHaveCount(0);
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByLabel('Tag key').fill('env');
  await page.getByLabel('Tag value').fill('prod');
  await page.getByRole('button', { name: 'Submit' }).click();

  // The new webhook's page: its URL and a ready Alertmanager receiver.
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/inbound\/[^/]+$/);
  const detail = new InboundDetailPage(page);
  const url = await detail.url.inputValue();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/inbound\/[^/]+\/[^/]+\/events$/);
  const snippet = page.getByLabel('Alertmanager configuration: The key in the URL');
  await expect(snippet).toContainText(`url: '${url}'`);
  await expect(snippet).toContainText('send_resolved: true');
  await expect(page.getByLabel('Alertmanager configuration: Or: the key in the Authorization header')).toContainText('credentials:');
  await expect(page.getByText('dedup_window = 0').first()).toBeVisible();
  await expect(page.getByText('env=prod')).toBeVisible();

  // Listed, with its plugin and state; the search lives in the URL.
  await page.goto('/inbound');
  await page.getByRole('searchbox', { name: 'Search' }).fill(name);
  await expect(page).toHaveURL(/keyword=/);
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row).toContainText('Alertmanager');
  await expect(row).toContainText('ENABLED');
  await expect(page.getByRole('table', { name: 'Inbound webhooks' }).getByRole('row')).toHaveCount(2);
  await row.getByRole('link', { name }).click();

  // Send sample: the plugin's sample through the real receive path, shown inline.
  await detail.sendSample.click();
  await expect(detail.sample).toContainText('Accepted');
  await expect(detail.sample).toContainText('CPU high on web-1');
  await expect(detail.sample).toContainText('Routed as event');
  const eventLink = detail.sample.getByRole('link').filter({ hasText: /./ }).first();
  await expect(eventLink).toHaveAttribute('href', /^\/events\?id=/);
  await expect(detail.requests.getByRole('row')).toHaveCount(2);
  await expect(detail.requests).toContainText('sample');
  const eventId = (await eventLink.textContent())!.trim();

  await eventLink.click();
  await expect(page.getByRole('heading', { name: `Event ${eventId}` })).toBeVisible();
  await expect(page.getByRole('region', { name: `Event ${eventId}` })).toContainText('web-1');

  // The counters moved.
  await page.goto('/inbound');
  await page.getByRole('searchbox', { name: 'Search' }).fill(name);
  await expect(row).toContainText('1 · 0 errors');
});

test('the server’s field errors show beside the field and nothing typed is lost', async ({ page, request }) => {
  const name = unique('Taken name');
  await createInbound(request, name);
  await page.goto('/inbound/new');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Dedup window (seconds)').fill('120');
  await page.getByLabel('Project ID').fill('project-web');
  await page.getByRole('button', { name: 'Submit' }).click();
  const nameError = page.locator('#inb-name-error');
  await expect(nameError).not.toBeEmpty();
  await expect(page.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Dedup window (seconds)')).toHaveValue('120');
  await expect(page.getByLabel('Project ID')).toHaveValue('project-web');
  await expect(page).toHaveURL(/\/inbound\/new$/);
});

test('requests from a monitoring system show what their alerts became; each row opens to headers and body', async ({ page, request }) => {
  const name = unique('Posted to');
  const w = await createInbound(request, name);
  // The snippet's alternative: the key as a bearer token, not in the path.
  const bare = w.webhook_url.replace(`/${w.access_key}/events`, '/events');
  const posted = await request.post(bare, { data: alertmanagerPayload('DiskFull'), headers: { Authorization: `Bearer ${w.access_key}` } });
  expect(posted.status(), await posted.text()).toBe(202);
  const bad = await request.post(w.webhook_url, { data: '{"alerts": "not a list"}', headers: { 'content-type': 'application/json' } });
  expect(bad.status()).toBe(422);

  const detail = new InboundDetailPage(page);
  await detail.goto(w.webhook_id);
  await expect(detail.requests.getByRole('row')).toHaveCount(3);
  const parseError = detail.requests.getByRole('row').filter({ hasText: 'Parse error' });
  await parseError.getByRole('button', { name: /Show request/ }).click();
  await expect(detail.requests.getByRole('alert')).toContainText('The plugin could not parse it');

  const accepted = detail.requests.getByRole('row').filter({ hasText: 'Accepted' });
  await accepted.getByRole('button', { name: /Show request/ }).click();
  await expect(detail.requests).toContainText('DiskFull on web-9');
  await expect(detail.requests).toContainText('Routed as event');
  await expect(detail.requests).toContainText('content-type');
  await expect(detail.requests.getByLabel('Body').last()).toContainText('"alertname": "DiskFull"');
  await expect(page.getByText('2 · 1 errors')).toBeVisible();
});

test('Regenerate key changes the URL, and the old one stops working at once', async ({ page, request }) => {
  const name = unique('Rotated');
  const w = await createInbound(request, name);
  const detail = new InboundDetailPage(page);
  await detail.goto(w.webhook_id);
  await expect(detail.url).toHaveValue(w.webhook_url);

  await page.getByRole('button', { name: 'Regenerate key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Regenerate the access key?' });
  await expect(dialog).toContainText(name);
  await dialog.getByRole('button', { name: 'Regenerate' }).click();
  await expect(dialog).toBeHidden();
  await expect(detail.url).not.toHaveValue(w.webhook_url);
  const fresh = await detail.url.inputValue();
  expect(fresh).toMatch(new RegExp(`/inbound/${w.webhook_id}/[^/]+/events$`));

  const old = await request.post(w.webhook_url, { data: alertmanagerPayload('Old') });
  expect(old.status()).toBe(404);
  const now = await request.post(fresh, { data: alertmanagerPayload('New') });
  expect(now.status(), await now.text()).toBe(202);
});

test('Disable shows DISABLED, filters as DISABLED, and the URL refuses alerts', async ({ page, request }) => {
  const name = unique('Switched off');
  const w = await createInbound(request, name);
  const detail = new InboundDetailPage(page);
  await detail.goto(w.webhook_id);
  const head = page.getByRole('heading', { name, level: 1 }).locator('..');
  await expect(head).toContainText('ENABLED');
  await page.getByRole('button', { name: 'Disable', exact: true }).click();
  await expect(head).toContainText('DISABLED');
  await expect(page.getByRole('button', { name: 'Enable', exact: true })).toBeVisible();

  const refused = await request.post(w.webhook_url, { data: alertmanagerPayload('WhileOff') });
  expect(refused.status()).toBe(403);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(detail.requests).toContainText('Refused: disabled');

  await page.goto(`/inbound?keyword=${encodeURIComponent(name)}`);
  await page.getByLabel('State', { exact: true }).selectOption('DISABLED');
  await expect(page).toHaveURL(/state=DISABLED/);
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row).toContainText('DISABLED');
  await page.getByLabel('State', { exact: true }).selectOption('ENABLED');
  await expect(row).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'No inbound webhook matches these filters' })).toBeVisible();

  // The project filter: this one has none, so a project hides it, in the URL too.
  await page.getByLabel('State', { exact: true }).selectOption('');
  await expect(row).toHaveCount(1);
  await page.getByLabel('Project ID').fill('project-nope');
  await page.getByLabel('Project ID').press('Enter');
  await expect(page).toHaveURL(/project_id=project-nope/);
  await expect(row).toHaveCount(0);
  await page.getByLabel('Project ID').fill('');
  await page.getByLabel('Project ID').press('Enter');
  await expect(row).toHaveCount(1);

  // Delete from the list, after a confirmation.
  await row.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this inbound webhook?' });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(row).toHaveCount(0);
  expect((await request.get(`/api/v1/inbound-webhooks/${w.webhook_id}`)).status()).toBe(404);
});

test('a viewer sees the inbound webhooks but no Create, Regenerate, Send sample or full key', async ({ browser, request }) => {
  const name = unique('Viewer reads');
  const w = await createInbound(request, name);
  const viewer = await createUser(request, 'viewer');
  const context = await signedInContext(browser, viewer.username, viewer.password);
  const page = await context.newPage();

  await page.goto(`/inbound?keyword=${encodeURIComponent(name)}`);
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row).toBeVisible();
  await expect(page.getByRole('link', { name: 'Create inbound webhook' })).toHaveCount(0);
  for (const action of ['Modify', 'Delete', 'Disable', 'Enable']) {
    await expect(row.getByRole('button', { name: action }).or(row.getByRole('link', { name: action }))).toHaveCount(0);
  }

  await row.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Recent requests' })).toBeVisible();
  for (const action of ['Regenerate key', 'Send sample', 'Verify plugin', 'Disable', 'Delete', 'Modify']) {
    await expect(page.getByRole('button', { name: action }).or(page.getByRole('link', { name: action }))).toHaveCount(0);
  }
  const url = page.getByLabel('Webhook URL', { exact: true });
  await expect(url).not.toHaveValue(w.webhook_url);
  await expect(url).toHaveValue(/…/);
  await expect(page.getByText('Only admins see the full URL and key.')).toBeVisible();

  await page.goto('/inbound/new');
  await expect(page.getByText('Only admins create inbound webhooks.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Submit' })).toHaveCount(0);
  await context.close();
});

test('an operator verifies the plugin and sends a sample, but may not modify or regenerate', async ({ browser, request }) => {
  const name = unique('Operator checks');
  const w = await createInbound(request, name);
  const operator = await createUser(request, 'operator');
  const context = await signedInContext(browser, operator.username, operator.password);
  const page = await context.newPage();
  const detail = new InboundDetailPage(page);
  await detail.goto(w.webhook_id);
  await page.getByRole('button', { name: 'Verify plugin' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The plugin accepts these options.' })).toBeVisible();
  await detail.sendSample.click();
  await expect(detail.sample).toContainText('Routed as event');
  for (const action of ['Regenerate key', 'Delete', 'Modify']) {
    await expect(page.getByRole('button', { name: action }).or(page.getByRole('link', { name: action }))).toHaveCount(0);
  }
  await context.close();
});

test('Modify saves the name and tags, and the plugin’s version, options and upgrade mode', async ({ page, request }) => {
  const name = unique('To modify');
  const w = await createInbound(request, name);
  await page.goto(`/inbound/${w.webhook_id}`);
  await page.getByRole('link', { name: 'Modify' }).click();
  await expect(page.getByRole('heading', { name: 'Modify inbound webhook' })).toBeVisible();
  // The plugin is fixed once created.
  await expect(page.getByLabel('Plugin', { exact: true })).toBeDisabled();
  await expect(page.getByLabel('Dedup window (seconds)')).toHaveValue('0');

  const renamed = `${name} renamed`;
  await page.getByLabel('Name', { exact: true }).fill(renamed);
  await page.getByLabel('Dedup window (seconds)').fill('60');
  await page.getByLabel('Upgrade mode').selectOption('MANUAL');
  await expect(page.getByLabel('Version', { exact: true })).toHaveValue('1.1.0');
  await page.getByLabel('Version', { exact: true }).selectOption('1.0.0');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByLabel('Tag key').fill('team');
  await page.getByLabel('Tag value').fill('sre');
  await page.getByRole('button', { name: 'Submit' }).click();

  await expect(page.getByRole('heading', { name: renamed, level: 1 })).toBeVisible();
  await expect(page.getByText('dedup_window = 60').first()).toBeVisible();
  await expect(page.getByText('team=sre')).toBeVisible();
  await expect(page.getByText('Prometheus Alertmanager 1.0.0')).toBeVisible();
  const stored = await (await request.get(`/api/v1/inbound-webhooks/${w.webhook_id}`)).json();
  expect(stored.name).toBe(renamed);
  expect(stored.tags).toEqual({ team: 'sre' });
  expect(stored.plugin_info.options.dedup_window).toBe(60);
  expect(stored.plugin_info.upgrade_mode).toBe('MANUAL');
  expect(stored.plugin_info.version).toBe('1.0.0');

  // Cancel with unsaved changes asks first.
  await page.getByRole('link', { name: 'Modify' }).click();
  await page.getByLabel('Name', { exact: true }).fill('something else');
  await page.getByRole('button', { name: 'Cancel' }).click();
  const discard = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
  await discard.getByRole('button', { name: 'Discard' }).click();
  await expect(page.getByRole('heading', { name: renamed, level: 1 })).toBeVisible();
});
