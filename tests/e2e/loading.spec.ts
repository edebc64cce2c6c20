// How the console's code arrives: the first screen (the WebHook list) loads the main module only;
// every other page fetches its own module the first time it opens (scripts/build-console.mjs), and a
// module that cannot be fetched brings the page back from the current build instead of breaking.
import { test, expect } from './fixtures';

/** The .wasm files the page fetches, by name. */
function wasmRequests(page) {
  const names: string[] = [];
  page.on('request', (r) => {
    const name = new URL(r.url()).pathname.slice(1);
    if (name.endsWith('.wasm')) names.push(name);
  });
  return names;
}

test('the list loads without the other pages’ code, which arrives when a page opens', async ({ page }) => {
  const wasm = wasmRequests(page);
  await page.goto('/webhooks');
  await expect(page.getByRole('link', { name: 'Add WebHook' }).first()).toBeVisible();
  expect(new Set(wasm).size, wasm.join(', ')).toBe(1);
  expect(wasm[0]).toMatch(/^webhook-console-[0-9a-f]{16}_bg\.wasm$/);

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Message subscriptions' }).click();
  await expect(page.getByRole('heading', { name: 'Message subscriptions' })).toBeVisible();
  expect(wasm.some((n) => n.startsWith('split___subscriptions_route_view_'))).toBe(true);
  expect(wasm.some((n) => n.startsWith('split___event_log_route_view_'))).toBe(false);

  // Back on the list, nothing is fetched again.
  const before = wasm.length;
  await page.goBack();
  await expect(page.getByRole('link', { name: 'Add WebHook' }).first()).toBeVisible();
  expect(wasm).toHaveLength(before);
});

test('a page whose code cannot be fetched brings the console back instead of breaking it', async ({ page }) => {
  // The first fetch of the events page's module fails, as after a server upgrade or a dropped
  // connection: the console reloads on the page it showed, and the next try opens the page.
  let fetches = 0;
  await page.route(/split___event_log_route_view_.*\.wasm$/, (route) =>
    fetches++ === 0 ? route.abort('connectionreset') : route.continue(),
  );
  let loads = 0;
  page.on('load', () => loads++);
  await page.goto('/webhooks');
  await expect(page.getByRole('link', { name: 'Add WebHook' }).first()).toBeVisible();
  const events = page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Events' });

  await events.click();
  await expect.poll(() => loads).toBe(2);
  await expect(page.getByRole('link', { name: 'Add WebHook' }).first()).toBeVisible();
  expect(page.url()).toMatch(/\/webhooks$/);

  await events.click();
  await expect(page.getByRole('heading', { name: 'Recent events' })).toBeVisible();
  expect(page.url()).toMatch(/\/events$/);
  expect(fetches).toBe(2);
});

test('a bar says the page is loading while its module arrives', async ({ page }) => {
  // A slow link: the subscriptions page's module takes a second.
  await page.route(/split___subscriptions_route_view_.*\.wasm$/, async (route) => {
    await new Promise((r) => setTimeout(r, 1000));
    await route.continue();
  });
  await page.goto('/webhooks');
  await expect(page.getByRole('link', { name: 'Add WebHook' }).first()).toBeVisible();
  const bar = page.getByRole('progressbar', { name: 'Loading the page' });
  await expect(bar).toBeHidden();

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Message subscriptions' }).click();
  await expect(bar).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Message subscriptions' })).toBeVisible();
  await expect(bar).toBeHidden();
});
