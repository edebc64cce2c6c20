// The WebHook pages of seed 004, driven as a person would: add, search and filter, modify,
// enable/disable, delete, and what survives a reload.
import { test, expect, unique, createWebhook } from './fixtures';

test('adds a webhook from the form and lists it', async ({ page, list, form }) => {
  const name = unique('Ops pager');
  await list.goto();
  await list.addButton.click();
  await expect(page).toHaveURL(/\/webhooks\/new$/);
  await expect(page.getByRole('heading', { name: 'Add WebHook' })).toBeVisible();

  await form.type('Alarms').check();
  await form.name.fill(name);
  await form.url.fill('https://pager.example.com/hooks/ops');
  await form.language.selectOption({ label: 'Chinese' });
  await form.authType.selectOption({ label: 'Bearer token' });
  await page.getByLabel('Token').fill('tok-0123456789abcdefXYZ');
  await form.eventType('Host lost connection').check();
  await form.eventType('Host recovery timeout').check();
  await expect(page.getByText('2 selected')).toBeVisible();
  await form.submit.click();

  await expect(page.getByRole('status').filter({ hasText: `WebHook “${name}” added.` })).toBeVisible();
  await expect(page).toHaveURL(/\/webhooks$/);
  const row = list.row(name);
  await expect(row).toContainText('Alarms');
  await expect(row).toContainText('https://pager.example.com/hooks/ops');
  await expect(row).toContainText('Host lost connection, Host recovery timeout');
  await expect(row).toContainText('Bearer token');
  await expect(row).toContainText('Active');

  // The secret was stored but is never shown in full.
  const res = await page.request.get(`/api/v1/webhooks?search=${encodeURIComponent(name)}`);
  const [saved] = (await res.json()).results;
  expect(saved.language).toBe('zh-CN');
  expect(saved.auth).toEqual({ type: 'bearer', token: '••••••••fXYZ' });
});

test('shows errors beside the fields as you type and on submit, keeping what was typed', async ({ page, form }) => {
  await page.goto('/webhooks/new');
  await form.url.fill('ftp://files.example.com');
  await form.url.blur();
  await expect(form.url).toHaveAttribute('aria-invalid', 'true');
  await expect(form.url).toHaveAccessibleDescription('The URL must start with http:// or https://.');

  await form.url.fill('https://ok.example.com/hook');
  await expect(form.url).toHaveAttribute('aria-invalid', 'false');

  // Submit with the name and event types missing: nothing is sent, errors appear, focus moves.
  await form.submit.click();
  await expect(form.name).toHaveAccessibleDescription('This field is required.');
  await expect(page.getByText('Select at least one event type.')).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'Please correct the highlighted fields.' })).toBeVisible();
  await expect(form.name).toBeFocused();
  await expect(form.url).toHaveValue('https://ok.example.com/hook');
});

test('a name already taken is reported by the server beside the Name field', async ({ page, request, form }) => {
  const name = unique('Taken');
  await createWebhook(request, { name });
  await page.goto('/webhooks/new');
  await form.name.fill(name.toUpperCase());
  await form.url.fill('https://dup.example.com/x');
  await form.eventType('Configuration changed').check();
  await form.submit.click();

  await expect(form.name).toHaveAccessibleDescription(/already exists/);
  await expect(page.getByRole('alert').filter({ hasText: 'Please correct the highlighted fields.' })).toBeVisible();
  // Nothing typed is lost.
  await expect(page).toHaveURL(/\/webhooks\/new$/);
  await expect(form.name).toHaveValue(name.toUpperCase());
  await expect(form.url).toHaveValue('https://dup.example.com/x');
  await expect(form.eventType('Configuration changed')).toBeChecked();
  // Editing the field clears the server's verdict.
  await form.name.fill(unique('Fresh'));
  await expect(form.name).toHaveAttribute('aria-invalid', 'false');
});

test('search and filters live in the URL and survive a reload', async ({ page, request, list }) => {
  const tag = unique('flt').replace(' ', '-');
  await createWebhook(request, { name: `${tag} alpha`, type: 'events' });
  await createWebhook(request, { name: `${tag} beta`, type: 'alarms' });
  await createWebhook(request, { name: `${tag} gamma`, type: 'alarms', enabled: false });

  await list.goto();
  await list.search.fill(tag);
  await expect(page).toHaveURL(new RegExp(`search=${tag}`));
  await expect(list.rows).toHaveCount(4); // header + 3

  await list.filter('Type').selectOption({ label: 'Alarms' });
  await expect(page).toHaveURL(/type=alarms/);
  await expect(list.rows).toHaveCount(3);

  await list.filter('Enable').selectOption({ label: 'Disabled' });
  await expect(page).toHaveURL(/enabled=false/);
  await expect(list.rows).toHaveCount(2);
  await expect(list.row(`${tag} gamma`)).toContainText('Disabled');

  await page.reload();
  await expect(list.search).toHaveValue(tag);
  await expect(list.filter('Type')).toHaveValue('alarms');
  await expect(list.filter('Enable')).toHaveValue('false');
  await expect(list.rows).toHaveCount(2);

  // A shared link opens the same view; going back restores the previous one.
  await page.goto(`/webhooks?search=${tag}&type=events`);
  await expect(list.rows).toHaveCount(2);
  await expect(list.row(`${tag} alpha`)).toBeVisible();
  await page.goBack();
  await expect(list.filter('Enable')).toHaveValue('false');
  await expect(list.rows).toHaveCount(2);
});

test('pages through results with the page kept in the URL', async ({ page, request, list }) => {
  const tag = unique('pg').replace(' ', '-');
  for (let i = 0; i < 23; i++) await createWebhook(request, { name: `${tag} ${String(i).padStart(2, '0')}` });
  await list.goto(`?search=${tag}&sort=name`);
  await expect(page.getByText('Showing 1–20 of 23')).toBeVisible();
  await page.getByRole('navigation', { name: 'Pagination' }).getByRole('link', { name: 'Next' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByText('Showing 21–23 of 23')).toBeVisible();
  await expect(list.rows).toHaveCount(4);
  await expect(list.row(`${tag} 22`)).toBeVisible();
});

test('modifies a webhook with the form prefilled, keeping its secret', async ({ page, request, list, form }) => {
  const name = unique('Modify me');
  const created = await createWebhook(request, { name, auth: { type: 'bearer', token: 'secret-token-0123456789' } });
  await list.goto(`?search=${encodeURIComponent(name)}`);
  await list.row(name).getByRole('link', { name: 'Modify', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Modify WebHook' })).toBeVisible();
  await expect(form.name).toHaveValue(name);
  await expect(form.url).toHaveValue('https://hooks.example.com/in');
  await expect(page.getByLabel('Token')).toHaveValue('••••••••6789');
  await expect(form.eventType('Host lost connection')).toBeChecked();

  await form.url.fill('https://hooks.example.com/changed');
  await form.eventType('Host recovered').check();
  await form.submit.click();
  await expect(page.getByRole('status').filter({ hasText: `WebHook “${name}” saved.` })).toBeVisible();
  await expect(list.row(name)).toContainText('https://hooks.example.com/changed');

  const after = await (await request.get(`/api/v1/webhooks/${created.id}`)).json();
  expect(after.version).toBe(created.version + 1);
  expect(after.event_types).toEqual(['host.lost_connection', 'host.recovered']);
  expect(after.auth.token).toBe('••••••••6789');
});

test('cancel asks before discarding unsaved changes', async ({ page, form }) => {
  await page.goto('/webhooks/new');
  await form.cancel.click();
  await expect(page).toHaveURL(/\/webhooks$/); // nothing typed: no question

  await page.goto('/webhooks/new');
  await form.name.fill('Half-typed');
  await form.cancel.click();
  const dialog = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Keep editing' }).click();
  await expect(dialog).toBeHidden();
  await expect(form.name).toHaveValue('Half-typed');

  await form.cancel.click();
  await dialog.getByRole('button', { name: 'Discard' }).click();
  await expect(page).toHaveURL(/\/webhooks$/);
});

test('disables and enables a webhook from its row', async ({ page, request, list }) => {
  const name = unique('Toggle');
  await createWebhook(request, { name });
  await list.goto(`?search=${encodeURIComponent(name)}`);
  const row = list.row(name);
  await expect(row).toContainText('Active');

  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByRole('status').filter({ hasText: `WebHook “${name}” disabled.` })).toBeVisible();
  await expect(row.getByRole('button', { name: 'Enable' })).toBeVisible();
  await expect(row).toContainText('Disabled');

  await row.getByRole('button', { name: 'Enable' }).click();
  await expect(page.getByRole('status').filter({ hasText: `WebHook “${name}” enabled.` })).toBeVisible();
  await expect(row).toContainText('Active');
  await expect(row).toContainText('Enabled');
});

test('deletes a webhook only after confirmation', async ({ page, request, list }) => {
  const name = unique('Delete me');
  const created = await createWebhook(request, { name });
  await list.goto(`?search=${encodeURIComponent(name)}`);

  await list.row(name).getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this webhook?' });
  await expect(dialog).toContainText('This action cannot be undone.');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(list.row(name)).toBeVisible();

  await list.row(name).getByRole('button', { name: 'Delete' }).click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('status').filter({ hasText: `WebHook “${name}” deleted.` })).toBeVisible();
  await expect(list.row(name)).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'No webhook matches these filters' })).toBeVisible();
  expect((await request.get(`/api/v1/webhooks/${created.id}`)).status()).toBe(404);
});

test('switches the whole console to Chinese and remembers it', async ({ page, list }) => {
  await list.goto();
  await page.getByLabel('Language', { exact: true }).selectOption('zh-CN');
  await expect(page.getByRole('link', { name: '添加 WebHook' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.reload();
  await expect(page.getByRole('link', { name: '添加 WebHook' })).toBeVisible();
  await page.getByRole('link', { name: '添加 WebHook' }).click();
  await expect(page.getByLabel('告警消息语言', { exact: true })).toBeVisible();
  await page.getByLabel('语言', { exact: true }).selectOption('en');
  await expect(page.getByRole('heading', { name: 'Add WebHook' })).toBeVisible();
});

test('switches to the dark theme and remembers it', async ({ page, list }) => {
  await list.goto();
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  const dark = (await toggle.getAttribute('aria-pressed')) === 'true';
  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', dark ? 'light' : 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', dark ? 'light' : 'dark');
});

test('says so when the server cannot be reached, and recovers on retry', async ({ page, list }) => {
  await page.route('**/api/v1/webhooks?**', (route) => route.abort('connectionrefused'));
  await page.route('**/api/v1/webhooks', (route) => route.abort('connectionrefused'));
  await list.goto();
  await expect(page.getByRole('alert').getByRole('heading', { name: 'The server cannot be reached' })).toBeVisible();
  await page.unrouteAll();
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('table')).toBeVisible();
});

test('a stale link to a deleted webhook says it is gone', async ({ page, request }) => {
  const created = await createWebhook(request, { name: unique('Gone') });
  await request.delete(`/api/v1/webhooks/${created.id}`);
  await page.goto(`/webhooks/${created.id}/edit`);
  await expect(page.getByRole('heading', { name: 'This webhook does not exist or was deleted.' })).toBeVisible();
});

test('takes the README screenshot of the list', async ({ page, request, list }) => {
  await list.goto('?sort=name');
  await expect(page.getByRole('table')).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/webhook-list.png' });
});
