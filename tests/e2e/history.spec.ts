// A webhook's history and the deleted webhooks (admins): the History section of the detail page
// (`GET /webhooks/{id}/versions`), the Deleted switch of the list (`?deleted=true`) and Restore
// (`POST /webhooks/{id}/restore`, 409 when the name is taken).
//
// These routes are in the contract (crates/api) before the server has them. Each test asks the
// server first; while it answers 404 (or ignores `deleted=true`), the test answers those calls in
// the browser with the contract's shapes instead, so the console's side is tested either way, and
// against the real routes as soon as the server has them.
import { test, expect, unique, createWebhook } from './fixtures';

const now = () => new Date().toISOString();

/** A webhook as the list and GET answer it (the create answer without its validation). */
function asListed(created: Record<string, unknown>, deletedBy = 'admin') {
  const { validation: _, ...webhook } = created;
  return { ...webhook, updated_at: now(), updated_by: deletedBy };
}

test('the detail page lists the webhook’s versions, newest first, with each change old → new', async ({ page, request }) => {
  const name = unique('History');
  const created = await createWebhook(request, { name });
  expect((await request.post(`/api/v1/webhooks/${created.id}/disable`)).status()).toBe(200);
  const real = await request.get(`/api/v1/webhooks/${created.id}/versions`);
  if (real.status() === 404) {
    await page.route(`**/api/v1/webhooks/${created.id}/versions`, (route) =>
      route.fulfill({
        json: [
          {
            version: 2, action: 'disable', changed_at: now(), changed_by: 'admin',
            change: { fields_added: [], fields_updated: [{ name: 'enabled', old_value: true, new_value: false }], fields_deleted: [], previous_version: 1 },
          },
          {
            version: 1, action: 'create', changed_at: now(), changed_by: 'admin',
            change: { fields_added: [{ name: 'name', new_value: name }], fields_updated: [], fields_deleted: [], previous_version: null },
          },
        ],
      }),
    );
  }
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

test('a server without the history route gets a readable sentence, not an error', async ({ page, request }) => {
  const created = await createWebhook(request, { name: unique('No history') });
  await page.route(`**/api/v1/webhooks/${created.id}/versions`, (route) =>
    route.fulfill({ status: 404, json: { error: { code: 'not_found', message: 'There is no API endpoint at this path.' } } }),
  );
  await page.goto(`/webhooks/${created.id}`);
  await expect(page.getByRole('region', { name: 'History' })).toContainText('This server does not keep a history of versions yet.');
});

test('an admin lists the deleted webhooks and restores one; a name taken meanwhile is refused with the server’s message', async ({ page, request, list }) => {
  const tag = unique('restore').replace(' ', '-');
  const gone = await createWebhook(request, { name: `${tag} gone` });
  const clash = await createWebhook(request, { name: `${tag} clash` });
  for (const w of [gone, clash]) expect((await request.delete(`/api/v1/webhooks/${w.id}`)).status()).toBe(204);
  // A live webhook takes the name of one of them.
  await createWebhook(request, { name: `${tag} clash` });

  const probe = await (await request.get(`/api/v1/webhooks?deleted=true&search=${encodeURIComponent(tag)}`)).json();
  const real = probe.results.some((w: { id: string }) => w.id === gone.id);
  const taken = `A live webhook is already named “${tag} clash”.`;
  if (!real) {
    const deleted = new Map([gone, clash].map((w) => [w.id, asListed(w)]));
    await page.route((url) => url.pathname === '/api/v1/webhooks' && url.searchParams.get('deleted') === 'true', (route) =>
      route.fulfill({ json: { results: [...deleted.values()], total_count: deleted.size } }),
    );
    await page.route(/\/api\/v1\/webhooks\/[^/]+\/restore$/, (route) => {
      const id = new URL(route.request().url()).pathname.split('/')[4];
      if (id === clash.id) {
        return route.fulfill({ status: 409, json: { error: { code: 'conflict', message: taken, fields: { name: taken } } } });
      }
      const w = deleted.get(id)!;
      deleted.delete(id);
      return route.fulfill({ json: w });
    });
  }

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
  const refusal = page.getByRole('alert').filter({ hasText: real ? /./ : taken });
  await expect(refusal).toBeVisible();
  await expect(row(`${tag} clash`)).toBeVisible();

  await row(`${tag} gone`).getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByRole('status').filter({ hasText: `WebHook “${tag} gone” restored.` })).toBeVisible();
  await expect(row(`${tag} gone`)).toHaveCount(0);

  await page.getByRole('switch', { name: 'Deleted webhooks' }).uncheck();
  await expect(page).not.toHaveURL(/deleted=true/);
  if (real) await expect(list.row(`${tag} gone`)).toBeVisible();
});
