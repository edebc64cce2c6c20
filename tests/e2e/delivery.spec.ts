// Delivery as testers see it: Send Test on the form, Send from the list, the detail page with its
// attempts, Redeliver. Every request goes to a real receiver on 127.0.0.1.
import { test, expect, unique, createWebhook } from './fixtures';
import { Receiver } from './receiver';

let receiver: Receiver;
test.beforeEach(async () => {
  receiver = await Receiver.start();
});
test.afterEach(async () => {
  await receiver.stop();
});

test('Send Test on the add form shows what the receiver got and answered, saving nothing', async ({ page, context, form }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const name = unique('Send test');
  await page.goto('/webhooks/new');
  await form.name.fill(name);
  await form.url.fill(receiver.url);
  await form.eventType('Host lost connection').check();
  await page.getByRole('button', { name: 'Send Test' }).click();

  const report = page.getByRole('dialog', { name: `Test report · ${name}` });
  await expect(report).toContainText('Delivered');
  await expect(report).toContainText('HTTP 200');
  await expect(report).toContainText(`POST ${receiver.url}`);
  await expect(report).toContainText('"received": true');
  expect(receiver.received).toHaveLength(1);
  expect(receiver.received[0].headers['webhook-id']).toBeTruthy();
  expect(receiver.received[0].headers['x-webhook-event']).toBeTruthy();

  await report.getByRole('button', { name: 'Copy as curl' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'copied as a curl command' })).toBeVisible();
  const curl = await page.evaluate(() => navigator.clipboard.readText());
  expect(curl).toContain(`curl -X POST '${receiver.url}'`);

  await report.getByRole('button', { name: 'Close' }).click();
  await expect(report).toBeHidden();
  // Nothing was saved, and the form still holds everything.
  const found = await (await page.request.get(`/api/v1/webhooks?search=${encodeURIComponent(name)}`)).json();
  expect(found.total_count).toBe(0);
  await expect(form.name).toHaveValue(name);
});

test('Send Test reports a failing receiver precisely', async ({ page, form }) => {
  receiver.status = 500;
  await page.goto('/webhooks/new');
  await form.name.fill(unique('Failing'));
  await form.url.fill(receiver.url);
  await form.eventType('Configuration changed').check();
  await page.getByRole('button', { name: 'Send Test' }).click();
  const report = page.getByRole('dialog', { name: /Test report/ });
  await expect(report).toContainText('Not delivered');
  await expect(report).toContainText('HTTP 500');
});

test('Send from the list row delivers a sample event now', async ({ page, request, list }) => {
  const name = unique('Send row');
  await createWebhook(request, { name, url: receiver.url });
  const before = receiver.received.length; // the validation message sent on create
  await list.goto(`?search=${encodeURIComponent(name)}`);
  await list.row(name).getByRole('button', { name: 'Send' }).click();
  const report = page.getByRole('dialog', { name: `Test report · ${name}` });
  await expect(report).toContainText('Delivered');
  expect(receiver.received.length).toBe(before + 1);
});

test('the detail page shows deliveries with their attempts, and Redeliver sends the same message again', async ({ page, request, list }) => {
  const name = unique('Detail');
  const created = await createWebhook(request, { name, url: receiver.url, event_types: ['resource.update'] });
  const accepted = await request.post('/api/v1/events', {
    data: { type: 'resource.update', action: 'update', resource_type: 'host', resource_id: 'host-42', resource_details: { name: 'web-01' } },
  });
  expect(accepted.status()).toBe(202);
  await expect.poll(() => receiver.received.filter((r) => r.body.includes('host-42')).length).toBe(1);
  const first = receiver.received.find((r) => r.body.includes('host-42'))!;

  await list.goto(`?search=${encodeURIComponent(name)}`);
  await list.row(name).getByRole('link', { name }).click();
  await expect(page).toHaveURL(new RegExp(`/webhooks/${created.id}$`));
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();

  const delivery = page.locator('.delivery').filter({ hasText: 'Event' }).first();
  await expect(delivery).toContainText('Succeeded');
  await delivery.getByRole('button', { name: /Show attempts/ }).click();
  await expect(delivery.getByRole('heading', { name: /Attempt 1/ })).toBeVisible();
  await expect(delivery).toContainText('HTTP 200');
  await expect(delivery).toContainText('host-42');

  await delivery.getByRole('button', { name: 'Redeliver' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'queued again' })).toBeVisible();
  await expect.poll(() => receiver.received.filter((r) => r.body.includes('host-42')).length).toBe(2);
  const again = receiver.received.filter((r) => r.body.includes('host-42'))[1];
  expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
});

test('a failing receiver shows in the status and failure details', async ({ page, request }) => {
  receiver.status = 503;
  const name = unique('Failing detail');
  const created = await createWebhook(request, { name, url: receiver.url, event_types: ['host.lost_connection'] });
  await request.post('/api/v1/events', {
    data: { type: 'host.lost_connection', action: 'lost_connection', resource_type: 'host', resource_id: 'h-9' },
  });
  await expect.poll(() => receiver.received.filter((r) => r.body.includes('h-9')).length).toBeGreaterThan(0);
  await page.goto(`/webhooks/${created.id}`);
  await expect(page.getByText('Last failed status code')).toBeVisible({ timeout: 10_000 });
  await expect(page.locator('dd').filter({ hasText: /^503$/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /deliveries succeeded in the last 24 hours/ })).toBeVisible();
});

test('takes the README screenshot of a test report', async ({ page, form }) => {
  await page.goto('/webhooks/new');
  await form.name.fill('Ops pager');
  await form.url.fill(receiver.url);
  await form.eventType('Host lost connection').check();
  await page.getByRole('button', { name: 'Send Test' }).click();
  await expect(page.getByRole('dialog', { name: /Test report/ })).toContainText('Delivered');
  await page.screenshot({ path: 'docs/screenshots/test-report.png' });
});

test('Verify signature on an attempt says which secret signed it, before and after a rotation', async ({ page, request }) => {
  const name = unique('Verify');
  const created = await createWebhook(request, {
    name, url: receiver.url, event_types: ['resource.update'], enabled: false,
    auth: { type: 'signature', secret: 'whsec_dmVyaWZ5LWluLXRoZS1icm93c2VyLTEyMzQ1Ng==' },
  });
  expect((await request.post(`/api/v1/webhooks/${created.id}/enable`)).status()).toBe(200);
  const accepted = await request.post('/api/v1/events', {
    data: { type: 'resource.update', action: 'update', resource_type: 'host', resource_id: 'verify-1' },
  });
  expect(accepted.status()).toBe(202);
  await expect.poll(() => receiver.received.filter((r) => r.body.includes('verify-1')).length).toBe(1);

  await page.goto(`/webhooks/${created.id}`);
  const delivery = page.locator('.delivery').filter({ hasText: 'Event' }).first();
  await expect(delivery).toContainText('Succeeded');
  await delivery.getByRole('button', { name: /Show attempts/ }).click();
  await delivery.getByRole('button', { name: 'Verify signature' }).click();
  await expect(delivery.getByRole('status')).toHaveText('The signature matches the current secret.');

  expect((await request.post(`/api/v1/webhooks/${created.id}/rotate-secret`)).status()).toBe(200);
  await delivery.getByRole('button', { name: 'Verify signature' }).click();
  await expect(delivery.getByRole('status')).toContainText('matches the previous secret');
});
