// Operating webhooks day to day (issue 11) on the detail page: the deliveries follow the live view
// (Server-Sent Events), Pause holds deliveries and Resume sends them, fire drills, the silence
// report and the auto-disable warning. Every request goes to a real receiver on 127.0.0.1; events
// are posted through the API as a producer would.
import { test, expect, unique, createWebhook } from './fixtures';
import { Receiver } from './receiver';
import { API_HEADERS } from './paths';
import { adminState, startServer } from './server';
import type { APIRequestContext, Page } from '@playwright/test';

let receiver: Receiver;
test.beforeEach(async () => {
  receiver = await Receiver.start();
});
test.afterEach(async () => {
  await receiver.stop();
});

/** Posts one `resource.update` event for `resourceId`. */
async function postEvent(request: APIRequestContext, resourceId: string, type = 'resource.update') {
  const res = await request.post('/api/v1/events', {
    data: { type, action: 'update', resource_type: 'host', resource_id: resourceId },
  });
  expect(res.status(), await res.text()).toBe(202);
}

/** How many requests the receiver got that carry `marker`. */
const got = (marker: string) => receiver.received.filter((r) => r.body.includes(marker)).length;

/** Opens the detail page and waits until its live view is connected. */
async function openLive(page: Page, id: string, name: string) {
  await page.goto(`/webhooks/${id}`);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /^Live$/ })).toBeVisible();
}

test('the detail page shows a new delivery live, within a second or two of the event', async ({ page, request }) => {
  const name = unique('Live');
  const created = await createWebhook(request, { name, url: receiver.url, event_types: ['resource.update'] });
  await openLive(page, created.id, name);
  const events = page.locator('.delivery').filter({ hasText: 'Event' });
  await expect(events).toHaveCount(0);

  const marker = `live-${Date.now()}`;
  await postEvent(request, marker);
  // The page's fallback refresh is 30 s: only the live view can show it this soon.
  await expect(events).toHaveCount(1, { timeout: 2_000 });
  await expect(events.first()).toContainText('Succeeded', { timeout: 2_000 });
  expect(got(marker)).toBe(1);
});

test('Pause holds deliveries and the receiver gets nothing; Resume sends them, in order', async ({ page, request }) => {
  const name = unique('Pause');
  const created = await createWebhook(request, { name, url: receiver.url, event_types: ['resource.update'] });
  await openLive(page, created.id, name);
  const panel = page.getByRole('region', { name: 'Pause and resume' });
  // 5 per second: each send (a loopback POST) ends well before the next one starts, so the
  // receiver sees the start order even on a busy machine (at 50/s they overlapped and crossed).
  await panel.getByLabel('Resume rate (per second)').fill('5');
  await panel.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'paused: its deliveries are held' })).toBeVisible();
  await expect(panel).toContainText('Paused · 0 held');

  const marker = `held-${Date.now()}`;
  for (const n of [1, 2, 3]) await postEvent(request, `${marker}-${n}`);
  await expect(panel).toContainText('Paused · 3 held');
  const held = page.locator('.delivery').filter({ hasText: 'Event' });
  await expect(held).toHaveCount(3);
  await expect(held.first()).toContainText('Pending');
  // Well past the first retry of the schedule (1 s): still nothing went out.
  await page.waitForTimeout(1_500);
  expect(got(marker)).toBe(0);

  await panel.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'resumed: held deliveries go out at 5 per second' })).toBeVisible();
  await expect.poll(() => got(marker)).toBe(3);
  const order = receiver.received.filter((r) => r.body.includes(marker)).map((r) => r.body.match(/held-\d+-(\d)/)![1]);
  expect(order).toEqual(['1', '2', '3']);
  await expect(held.filter({ hasText: 'Succeeded' })).toHaveCount(3);
  await expect(panel).not.toContainText('held');
  await expect(panel.getByRole('button', { name: 'Pause' })).toBeVisible();
});

test('a drill schedule is saved with its next run, and Run drill now adds a row to the drill history', async ({ page, request }) => {
  const name = unique('Drill');
  const created = await createWebhook(request, { name, url: receiver.url, event_types: ['resource.update'] });
  await page.goto(`/webhooks/${created.id}`);
  const drill = page.getByRole('region', { name: 'Fire drill' });
  await expect(drill).toContainText('No drill is scheduled.');
  await expect(drill).toContainText('No drill has run yet.');

  const form = drill.getByRole('form', { name: 'Schedule' });
  await form.getByLabel('Frequency').selectOption({ label: 'Weekly' });
  await form.getByLabel('Day', { exact: true }).selectOption({ label: 'Wednesday' });
  const time = form.getByLabel('Time (UTC, HH:MM)');
  await time.fill('9:3');
  await expect(form.getByText('Must be HH:MM')).toBeVisible();
  await expect(form.getByRole('button', { name: 'Save schedule' })).toBeDisabled();
  await time.fill('09:30');
  await form.getByRole('button', { name: 'Save schedule' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Drill schedule saved.' })).toBeVisible();
  await expect(drill).toContainText('Every Wednesday at 09:30 UTC');
  await expect(drill.getByText('Next run')).toBeVisible();
  const stored = await (await request.get(`/api/v1/webhooks/${created.id}/drill`)).json();
  expect(stored.schedule).toEqual({ enabled: true, frequency: 'weekly', weekday: 'wed', time: '09:30' });
  expect(new Date(stored.next_run_at).getUTCDay()).toBe(3);

  const before = receiver.received.length;
  await drill.getByRole('button', { name: 'Run drill now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The drill was delivered (HTTP 200' })).toBeVisible();
  const history = drill.getByRole('table', { name: 'Drill history' });
  const rows = history.getByRole('row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('Succeeded');
  await expect(rows.nth(1)).toContainText('200');
  await expect(rows.nth(1)).toContainText('by hand');
  expect(receiver.received.length).toBe(before + 1);

  await form.getByRole('button', { name: 'Remove schedule' }).click();
  await expect(drill).toContainText('No drill is scheduled.');
});

test('the silence report names an event type that saw no event in 30 days', async ({ page, request }) => {
  const name = unique('Silent');
  // Nothing in the suite posts resource.sync_delete.
  const created = await createWebhook(request, { name, url: receiver.url, event_types: ['resource.update', 'resource.sync_delete'] });
  await postEvent(request, `silence-${Date.now()}`);
  await page.goto(`/webhooks/${created.id}`);
  const report = page.getByRole('region', { name: 'Silence report' });
  await expect(report).toContainText('No event of these types arrived in the last 30 days');
  await expect(report.getByRole('listitem')).toContainText(['Resource synchronized: deleted']);
  await expect(report).not.toContainText('Resource updated');
  await expect(report).toContainText('Last delivery');
});

test('a webhook whose every attempt fails says when it will be disabled unless a delivery succeeds', async ({ page, request }) => {
  receiver.status = 500;
  const name = unique('Failing');
  const created = await createWebhook(request, { name, url: receiver.url, event_types: ['resource.update'] });
  await postEvent(request, `failing-${Date.now()}`);
  await expect.poll(() => receiver.received.length).toBeGreaterThan(1);
  await page.goto(`/webhooks/${created.id}`);
  await expect(page.getByText(/Every delivery attempt has failed since .+: this webhook will be disabled on .+ unless a delivery succeeds\./)).toBeVisible();
  const { auto_disable_at, failing_since } = await (await request.get(`/api/v1/webhooks/${created.id}/notices`)).json();
  expect(Date.parse(auto_disable_at) - Date.parse(failing_since)).toBe(5 * 86_400_000);
});

test('a webhook failing for --auto-disable-after is disabled with a notice on the list and detail page until acknowledged', async ({ browser, playwright }) => {
  // A server of its own: seconds instead of days, checked every second.
  const server = await startServer({ WEBHOOK_AUTO_DISABLE_AFTER: '4s', WEBHOOK_AUTO_DISABLE_INTERVAL: '1s' });
  const state = await adminState(server.url);
  const api = await playwright.request.newContext({ baseURL: server.url, storageState: state, extraHTTPHeaders: API_HEADERS });
  const context = await browser.newContext({ baseURL: server.url, storageState: state });
  try {
    receiver.status = 500;
    const name = unique('Dead');
    const created = await createWebhook(api, { name, url: receiver.url, enabled: false, event_types: ['resource.update'] });
    expect((await api.post(`/api/v1/webhooks/${created.id}/enable`)).status()).toBe(200);
    await postEvent(api, `dead-${Date.now()}`);
    const page = await context.newPage();
    await page.goto(`/webhooks/${created.id}`);
    await expect(page.getByText(/this webhook will be disabled on .+ unless a delivery succeeds/)).toBeVisible();
    // The server's check runs every second; the notice is there once it has disabled it.
    const open = async () => (await (await api.get(`/api/v1/webhooks/${created.id}/notices`)).json()).notices.length;
    await expect.poll(open, { timeout: 15_000 }).toBe(1);
    await page.reload();
    const notice = page.getByRole('alert').filter({ hasText: 'Disabled by the server' });
    await expect(notice).toBeVisible();
    await expect(page.getByRole('button', { name: 'Enable', exact: true })).toBeVisible();

    await page.goto(`/webhooks?search=${encodeURIComponent(name)}`);
    const row = page.getByRole('row').filter({ hasText: name });
    await expect(row).toContainText('auto-disabled');
    // Routed like any event: the Webhook health topic and the events log have it.
    const events = await (await api.get('/api/v1/events?type=webhook.auto_disabled')).json();
    expect(events.results.some((e) => e.resource_id === created.id)).toBe(true);

    await page.goto(`/webhooks/${created.id}`);
    await notice.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Notice acknowledged.' })).toBeVisible();
    await expect(notice).toHaveCount(0);
    await page.goto(`/webhooks?search=${encodeURIComponent(name)}`);
    await expect(row).toContainText('Disabled');
    await expect(row).not.toContainText('auto-disabled');
  } finally {
    await context.close();
    await api.dispose();
    server.stop();
  }
});

test('the detail page says how far back the history goes', async ({ page, request }) => {
  const name = unique('Retention');
  const created = await createWebhook(request, { name, url: receiver.url });
  await page.goto(`/webhooks/${created.id}`);
  const { retention_days } = await (await request.get('/api/v1/retention')).json();
  await expect(page.getByText(`History goes back ${retention_days} days.`)).toBeVisible();
});

test('Disable on the detail page says how it differs from Pause before it disables', async ({ page, request }) => {
  const name = unique('Disable hint');
  const created = await createWebhook(request, { name, url: receiver.url });
  await page.goto(`/webhooks/${created.id}`);
  await page.getByRole('button', { name: 'Disable', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Disable this webhook?' });
  await expect(dialog).toContainText('events are not queued while disabled. To hold them during maintenance, use Pause');
  await dialog.getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByRole('button', { name: 'Enable', exact: true })).toBeVisible();
});

test('the list shows “paused · N held” beside a paused webhook’s status, still fitting 1280 px', async ({ page, request, list }) => {
  const name = unique('Paused row');
  const created = await createWebhook(request, {
    name, url: receiver.url, event_types: ['resource.update'], auth: { type: 'bearer', token: 'tok-0123456789abcdefXYZ' },
  });
  expect((await request.post(`/api/v1/webhooks/${created.id}/pause`)).status()).toBe(200);
  await postEvent(request, `row-${Date.now()}`);
  await list.goto(`?search=${encodeURIComponent(name)}`);
  await expect(list.row(name)).toContainText('paused · 1 held');
  const { scroll, client } = await page.evaluate(() => {
    const wrap = document.querySelector('.table-wrap') as HTMLElement;
    return { scroll: wrap.scrollWidth, client: wrap.clientWidth };
  });
  expect(scroll, `table scroll width ${scroll} > client width ${client}`).toBeLessThanOrEqual(client);
  expect((await request.post(`/api/v1/webhooks/${created.id}/resume`)).status()).toBe(200);
});

test('the events page shows a new event and its delivery live, without a reload', async ({ page, request }) => {
  const name = unique('Events live');
  await createWebhook(request, { name, url: receiver.url, event_types: ['resource.update'] });
  await page.goto('/events');
  await expect(page.getByRole('status').filter({ hasText: /^Live$/ })).toBeVisible();
  const marker = `events-live-${Date.now()}`;
  await postEvent(request, marker);
  const row = page.getByRole('row').filter({ hasText: marker });
  // The page's fallback refresh is 30 s: only the live view can show it this soon.
  await expect(row).toBeVisible({ timeout: 2_000 });
  await expect(row.getByRole('listitem').filter({ hasText: name })).toContainText('Succeeded', { timeout: 3_000 });
});

test('the list filters the webhooks no event reached in the last N days', async ({ page, request, list }) => {
  const prefix = unique('Quiet');
  await createWebhook(request, { name: `${prefix} busy`, url: receiver.url, event_types: ['resource.update'] });
  await createWebhook(request, { name: `${prefix} idle`, url: receiver.url, event_types: ['host.disk_full'] });
  await postEvent(request, `quiet-${Date.now()}`);
  await list.goto(`?search=${encodeURIComponent(prefix)}`);
  await expect(list.row(`${prefix} busy`)).toBeVisible();
  await expect(list.row(`${prefix} idle`)).toBeVisible();

  await list.filter('Activity').selectOption({ label: 'No event in 7 days' });
  await expect(page).toHaveURL(/silent_days=7/);
  await expect(list.row(`${prefix} idle`)).toBeVisible();
  await expect(list.row(`${prefix} busy`)).toHaveCount(0);
  // A shared link keeps it, with a number of days the select does not offer.
  await list.goto(`?search=${encodeURIComponent(prefix)}&silent_days=12`);
  await expect(list.filter('Activity')).toHaveValue('12');
  await expect(list.row(`${prefix} idle`)).toBeVisible();
  await expect(list.row(`${prefix} busy`)).toHaveCount(0);
});
