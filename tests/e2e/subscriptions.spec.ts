// Message subscriptions and the events log: route a topic to webhooks, test it, see the impact
// of a disable, follow an event end to end. Receivers are real, on 127.0.0.1.
import { test, expect, unique, createWebhook } from './fixtures';
import { Receiver } from './receiver';

let receiver: Receiver;
test.beforeEach(async () => {
  receiver = await Receiver.start();
});
test.afterEach(async () => {
  await receiver.stop();
});

/** The topic's list item on the subscriptions page. */
const topic = (page, name: string) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });

test('routes a topic to webhooks through the picker, tests it, and removes a receiver', async ({ page, request }) => {
  const a = unique('Topic A');
  const b = unique('Topic B');
  // Their own event types do not include the topic's: only the subscription can route to them.
  await createWebhook(request, { name: a, url: receiver.url, event_types: ['metric.threshold'] });
  await createWebhook(request, { name: b, url: receiver.url, event_types: ['metric.threshold'] });

  await page.goto('/subscriptions');
  const item = topic(page, 'Resource configuration adjustment');
  await expect(item).toBeVisible();
  for (const name of [a, b]) {
    await item.getByRole('searchbox').fill(name);
    await item.getByRole('button', { name: `+ ${name}` }).click();
    await expect(item.getByRole('list', { name: /Receivers/ }).getByText(name)).toBeVisible();
  }

  await item.getByRole('button', { name: 'Test' }).click();
  const progress = item.getByRole('status').filter({ hasText: 'Test event' });
  // It follows the topic's live view, not a poll.
  await expect(progress.getByRole('status').filter({ hasText: /^Live$/ })).toBeVisible();
  await expect(progress.getByRole('link', { name: a })).toBeVisible();
  await expect(progress.getByRole('link', { name: b })).toBeVisible();
  await expect(progress.getByText('Succeeded')).toHaveCount(2);
  await expect(progress.getByText(/by topic/).first()).toBeVisible();

  await item.getByRole('button', { name: `Remove ${b}` }).click();
  await expect(item.getByRole('list', { name: /Receivers/ }).getByText(b)).toHaveCount(0);
  await page.reload();
  await expect(topic(page, 'Resource configuration adjustment').getByRole('list', { name: /Receivers/ }).getByText(a)).toBeVisible();
});

test('warns before disabling a webhook that is a topic’s last receiver, and before disabling the topic', async ({ page, request, list }) => {
  const name = unique('Last receiver');
  const w = await createWebhook(request, { name, url: receiver.url, event_types: ['metric.threshold'] });
  const topics = (await (await request.get('/api/v1/subscriptions')).json()).results;
  const sync = topics.find((t) => t.event_types.includes('resource.sync_update'));
  await request.post(`/api/v1/subscriptions/${sync.id}/receivers`, { data: { webhook_id: w.id } });

  await list.goto(`?search=${encodeURIComponent(name)}`);
  await list.row(name).getByRole('button', { name: 'Disable' }).click();
  const dialog = page.getByRole('dialog', { name: 'Disable this webhook?' });
  await expect(dialog).toContainText(sync.name_en);
  await expect(dialog).toContainText('matching events in the last 7 days');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(list.row(name)).toContainText('Enabled');

  await page.goto('/subscriptions');
  const item = topic(page, sync.name_en);
  await item.getByRole('switch').click();
  const topicDialog = page.getByRole('dialog', { name: 'Disable this topic?' });
  await expect(topicDialog).toContainText(sync.name_en);
  await topicDialog.getByRole('button', { name: 'Disable' }).click();
  await expect(topic(page, sync.name_en).getByRole('switch')).toHaveAttribute('aria-checked', 'false');
  await topic(page, sync.name_en).getByRole('switch').click();
  await expect(topic(page, sync.name_en).getByRole('switch')).toHaveAttribute('aria-checked', 'true');
});

test('publishes a custom event and shows where it went', async ({ page, request }) => {
  const name = unique('Events page');
  await createWebhook(request, { name, url: receiver.url, event_types: ['password.change'] });
  await page.goto('/events');
  const editor = page.getByLabel('Publish a custom event (JSON)');
  await editor.fill('{"type": "nope", "action": "x"');
  await expect(editor).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Publish' })).toBeDisabled();

  await editor.fill(JSON.stringify({ type: 'password.change', action: 'update', resource_type: 'user', resource_id: 'u-77' }));
  await expect(editor).toHaveAttribute('aria-invalid', 'false');
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Event published' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: 'u-77' });
  await expect(row.getByRole('link', { name })).toBeVisible();
  await expect(row).toContainText('by its event types');
  await expect(row.getByText('Succeeded')).toBeVisible();
});
