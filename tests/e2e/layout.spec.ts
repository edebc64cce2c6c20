// The WebHook list fits its card: at 1280 px every column and every row action is visible without
// a sideways scroll; at 768 px every action is still reachable.
import { test, expect, unique, createWebhook } from './fixtures';

/** A webhook whose columns are as wide as they get: a long name, URL and several event types;
 * bearer auth by default, or `auth` (none: the widest label, "Unauthentication"). */
async function wideRow(request: Parameters<typeof createWebhook>[0], auth: Record<string, string> | undefined = { type: 'bearer', token: 'tok-0123456789abcdefXYZ' }) {
  const name = unique('Layout very long webhook name for the operations pager');
  await createWebhook(request, {
    name,
    url: `https://hooks.example.com/${'segment/'.repeat(12)}notify?token=abcdefghijklmnop`,
    event_types: ['host.lost_connection', 'host.recovery_timeout', 'resource.update'],
    ...(auth ? { auth } : {}),
  });
  return name;
}

/** The table's scroll and client widths, and whether the row's actions sit inside the table's box. */
async function fit(page: import('@playwright/test').Page, name: string) {
  return page.evaluate((name) => {
    const wrap = document.querySelector('.table-wrap') as HTMLElement;
    const row = [...document.querySelectorAll('tbody tr')].find((r) => r.textContent?.includes(name))!;
    const box = wrap.getBoundingClientRect();
    const actions = [...row.querySelectorAll('.row-actions > *')].map((b) => {
      const r = b.getBoundingClientRect();
      return { text: b.textContent?.trim(), inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 };
    });
    return { scroll: wrap.scrollWidth, client: wrap.clientWidth, actions };
  }, name);
}

for (const [label, auth] of [['bearer', undefined], ['no', { type: 'none' }]] as const) test(`at 1280 px the table needs no sideways scroll and every row action is visible (${label} auth)`, async ({ page, request, list }) => {
  const name = await wideRow(request, auth);
  await page.setViewportSize({ width: 1280, height: 800 });
  await list.goto(`?search=${encodeURIComponent(name)}`);
  await expect(list.row(name)).toBeVisible();
  const { scroll, client, actions } = await fit(page, name);
  expect(scroll, `table scroll width ${scroll} > client width ${client}`).toBeLessThanOrEqual(client);
  expect(actions.map((a) => a.text)).toEqual(['Modify', 'Disable', 'Send', 'Delete']);
  for (const a of actions) expect(a.inside, `${a.text} is cut off`).toBe(true);
});

test('at 768 px every row action is still reachable', async ({ page, request, list }) => {
  const name = await wideRow(request);
  await page.setViewportSize({ width: 768, height: 900 });
  await list.goto(`?search=${encodeURIComponent(name)}`);
  const row = list.row(name);
  for (const label of ['Disable', 'Send', 'Delete']) {
    const button = row.getByRole('button', { name: label });
    await button.scrollIntoViewIfNeeded();
    await expect(button).toBeInViewport();
  }
  await row.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
});
