// A webhook's history and the deleted webhooks (admins): the History section of the detail page
// (`GET /webhooks/{id}/versions`), the Deleted switch of the list (`?deleted=true`) and Restore
// (`POST /webhooks/{id}/restore`, 409 when the name is taken).
import { test, expect, unique, createWebhook } from './fixtures';

test('the detail page lists the webhook’s versions, newest first, with each change old → new', async ({ page, request }) => {
  const name = unique('History');
  const created = await createWebhook(request, { name });
  expect((await request.post(`/api/v1/webhooks/${created.id}/disable`)).status()).toBe(200);
  await page.goto(`/webhooks/${created.id}`);
  const history = page.getByRole('region', { name: 'History' });
  const versions = history.getByRole('listitem').filter({ hasText: /^Version \d+/ });
  await expect(versions.first()).toContainText('Version 2');
  await expect(versions.first()).toContainText('Disabled');
  await expect(versions.first()).toContainText('admin');
  await expect(versions.first()).toContainText('enabled: true → false');
  await expect(history).toContainText('Version 1');
  await expect(history).toContainText('Created');
});

test('an admin lists the deleted webhooks and restores one; a name taken meanwhile is refused with the server’s message', async ({ page, request, list }) => {
  const tag = unique('restore').replace(' ', '-');
  const gone = await createWebhook(request, { name: `${tag} gone` });
  const clash = await createWebhook(request, { name: `${tag} clash` });
  for (const w of [gone, clash]) expect((await request.delete(`/api/v1/webhooks/${w.id}`)).status()).toBe(204);
  // A live webhook takes the name of one of them.
  await createWebhook(request, { name: `${tag} clash` });

  await list.goto(`?search=${encodeURIComponent(tag)}`);
  await page.getByRole('switch', { name: 'Deleted webhooks' }).check();
  await expect(page).toHaveURL(/deleted=true/);
  const table = page.getByRole('table', { name: 'Deleted webhooks' });
  const row = (name: string) => table.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row(`${tag} gone`)).toContainText('admin');
  await expect(row(`${tag} clash`)).toBeVisible();
  // The deleted view has Restore only.
  await expect(table.getByRole('button', { name: 'Delete' })).toHaveCount(0);

  await row(`${tag} clash`).getByRole('button', { name: 'Restore' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: `A webhook named '${tag} clash' exists now` });
  await expect(refusal).toBeVisible();
  await expect(row(`${tag} clash`)).toBeVisible();

  await row(`${tag} gone`).getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByRole('status').filter({ hasText: `WebHook “${tag} gone” restored.` })).toBeVisible();
  await expect(row(`${tag} gone`)).toHaveCount(0);

  await page.getByRole('switch', { name: 'Deleted webhooks' }).uncheck();
  await expect(page).not.toHaveURL(/deleted=true/);
  await expect(list.row(`${tag} gone`)).toBeVisible();
});
