// Sign-in and roles as people meet them: the sign-in page, what a viewer and an operator see,
// Settings (users, API tokens, the audit log) for admins, signing out, and a session that ends
// while the console is open. Users other than the first admin are created through the API in the
// arrange step and sign in in a fresh browser context, never touching the suite's admin session.
import { test, expect, unique, createWebhook, createUser, signedInContext } from './fixtures';
import { API_HEADERS } from './paths';
import { Receiver } from './receiver';

const adminPassword = () => process.env.E2E_ADMIN_PASSWORD!;
const noState = { storageState: { cookies: [], origins: [] } };

test('signs in through the sign-in page; a wrong password shows the server’s message and keeps the username', async ({ browser }) => {
  const context = await browser.newContext(noState);
  const page = await context.newPage();
  await page.goto('/webhooks');
  await expect(page).toHaveURL(/\/login\?next=%2Fwebhooks$/);
  // No page of the console shows before signing in.
  await expect(page.getByRole('link', { name: 'Add WebHook' })).toHaveCount(0);

  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong username or password.' })).toBeVisible();
  await expect(page.getByLabel('Username')).toHaveValue('admin');
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel('Password').fill(adminPassword());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/webhooks$/);
  const topbar = page.getByRole('banner');
  await expect(topbar).toContainText('Admin');
  await expect(topbar.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Add WebHook' }).first()).toBeVisible();
  await context.close();
});

test('a viewer sees no Add, Modify, Delete or Send on the list and the detail page, and the forms say why', async ({ browser, request }) => {
  const name = unique('Viewer sees');
  const webhook = await createWebhook(request, { name });
  const viewer = await createUser(request, 'viewer');
  const context = await signedInContext(browser, viewer.username, viewer.password);
  const page = await context.newPage();

  await page.goto(`/webhooks?search=${encodeURIComponent(name)}`);
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row).toBeVisible();
  await expect(page.getByRole('banner')).toContainText('Viewer');
  await expect(page.getByRole('link', { name: 'Add WebHook' })).toHaveCount(0);
  for (const action of ['Modify', 'Delete', 'Send', 'Disable', 'Enable']) {
    await expect(row.getByRole('button', { name: action }).or(row.getByRole('link', { name: action }))).toHaveCount(0);
  }
  await expect(page.getByRole('switch', { name: 'Deleted webhooks' })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' })).toHaveCount(0);

  await row.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Deliveries' })).toBeVisible();
  for (const action of ['Modify', 'Send', 'Disable', 'Recover']) {
    await expect(page.getByRole('button', { name: action }).or(page.getByRole('link', { name: action }))).toHaveCount(0);
  }

  await page.goto(`/webhooks/${webhook.id}/edit`);
  await expect(page.getByRole('heading', { name: 'You may not do this' })).toBeVisible();
  await expect(page.getByText('Only admins modify webhooks.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Submit' })).toHaveCount(0);
  await page.goto('/webhooks/new');
  await expect(page.getByText('Only admins add webhooks.')).toBeVisible();
  await page.goto('/settings');
  await expect(page.getByText('Only admins manage users, API tokens and the audit log.')).toBeVisible();

  // Subscriptions and events: read only.
  await page.goto('/subscriptions');
  await expect(page.getByRole('heading', { name: 'Message subscriptions' })).toBeVisible();
  await expect(page.getByRole('switch')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Test', exact: true })).toHaveCount(0);
  await page.goto('/events');
  await expect(page.getByRole('heading', { name: 'Recent events' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Publish' })).toHaveCount(0);
  await context.close();
});

test('an operator can Send and disable but sees no Modify or Delete', async ({ browser, request }) => {
  const receiver = await Receiver.start();
  try {
    const name = unique('Operator sends');
    await createWebhook(request, { name, url: receiver.url });
    const operator = await createUser(request, 'operator');
    const context = await signedInContext(browser, operator.username, operator.password);
    const page = await context.newPage();
    await page.goto(`/webhooks?search=${encodeURIComponent(name)}`);
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
    await expect(row.getByRole('button', { name: 'Send' })).toBeVisible();
    await expect(row.getByRole('button', { name: 'Disable' })).toBeVisible();
    await expect(row.getByRole('link', { name: 'Modify' })).toHaveCount(0);
    await expect(row.getByRole('button', { name: 'Delete' })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Add WebHook' })).toHaveCount(0);

    await row.getByRole('button', { name: 'Send' }).click();
    const report = page.getByRole('dialog', { name: `Test report · ${name}` });
    await expect(report).toContainText('Delivered');
    // The receiver got the validation message when the webhook was added, then the Send.
    expect(receiver.received.filter((r) => r.headers['x-webhook-event'] !== 'VALIDATE')).toHaveLength(1);
    await report.getByRole('button', { name: 'Close' }).click();

    // The topic's Test is theirs too, but not the topic's switch.
    await page.goto('/subscriptions');
    await expect(page.getByRole('button', { name: 'Test', exact: true }).first()).toBeVisible();
    await expect(page.getByRole('switch')).toHaveCount(0);
    await context.close();
  } finally {
    await receiver.stop();
  }
});

test('an admin adds a user and creates a token on Settings, and the audit log shows both', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const username = unique('ops').replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  await page.goto('/webhooks');
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  const addUser = page.getByRole('form', { name: 'Add user' });

  // A username that is taken: the server's message beside the field, nothing typed lost.
  await addUser.getByLabel('Username').fill('ADMIN');
  await addUser.getByLabel('Display name').fill('Ops on call');
  await addUser.getByLabel('Password').fill('a-long-password-1');
  await addUser.getByRole('button', { name: 'Add user' }).click();
  await expect(addUser.getByLabel('Username')).toHaveAttribute('aria-invalid', 'true');
  await expect(addUser.getByLabel('Username')).toHaveAccessibleDescription(/./);
  await expect(addUser.getByLabel('Display name')).toHaveValue('Ops on call');

  await addUser.getByLabel('Username').fill(username);
  await addUser.getByLabel('Role').selectOption({ label: 'Operator' });
  await addUser.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('status').filter({ hasText: `User “${username}” added.` })).toBeVisible();
  const userRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: username }) });
  await expect(userRow).toContainText('Ops on call');
  await expect(userRow.getByLabel(`Role of ${username}`)).toHaveValue('operator');

  // Disable, then the role: each a toast and a row that says so.
  await userRow.getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByRole('status').filter({ hasText: `User “${username}” disabled` })).toBeVisible();
  await expect(userRow).toContainText('Disabled');
  await userRow.getByLabel(`Role of ${username}`).selectOption('viewer');
  await expect(page.getByRole('status').filter({ hasText: `${username} is now Viewer.` })).toBeVisible();

  // A token: shown once, with Copy.
  const tokenName = unique('CI publisher');
  await page.getByRole('link', { name: 'API tokens' }).click();
  await expect(page).toHaveURL(/\/settings\/tokens$/);
  const create = page.getByRole('form', { name: 'Create token' });
  await create.getByLabel('Name').fill(tokenName);
  await create.getByLabel('Role').selectOption({ label: 'Publisher' });
  await create.getByRole('button', { name: 'Create token' }).click();
  const reveal = page.getByRole('dialog', { name: `Token “${tokenName}” created` });
  await expect(reveal).toContainText('it will not be shown again');
  const secret = await reveal.getByLabel('Token').inputValue();
  expect(secret).toMatch(/^whc_/);
  await reveal.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The token was copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await reveal.getByRole('button', { name: 'Done' }).click();
  await expect(reveal).toBeHidden();
  const tokenRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: tokenName }) });
  await expect(tokenRow).toContainText('Publisher');
  await expect(tokenRow).toContainText(secret.slice(0, 12));
  // The full token is gone from the page once the dialog closed.
  expect(await page.content()).not.toContain(secret);

  // The audit log, filtered in the URL.
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByLabel('Action').fill('user.create');
  await page.getByLabel('Action').press('Enter');
  await expect(page).toHaveURL(/\/settings\/audit\?action=user\.create$/);
  const audit = page.getByRole('table', { name: 'Audit log' });
  // Only the creation is left once the filter applies (the user's changes were user.modify).
  await expect(audit.getByText('user.modify')).toHaveCount(0);
  const created = audit.getByRole('row').filter({ hasText: username });
  await expect(created).toContainText('user.create');
  await expect(created).toContainText('admin');
  await expect(created).toContainText('Success');
  await expect(created).toContainText('role: — → operator');

  await page.getByLabel('Target type').selectOption('token');
  await page.getByLabel('Action').fill('token.create');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/target_type=token/);
  await expect(audit.getByText('user.create')).toHaveCount(0);
  await expect(audit.getByRole('row').filter({ hasText: tokenName })).toContainText('role: — → publisher');
  await page.reload();
  await expect(page.getByLabel('Action')).toHaveValue('token.create');
  await expect(page.getByRole('row').filter({ hasText: tokenName })).toBeVisible();

  // Revoke asks first.
  await page.getByRole('link', { name: 'API tokens' }).click();
  await tokenRow.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog', { name: 'Revoke this token?' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Token “${tokenName}” revoked.` })).toBeVisible();
  await expect(tokenRow).toHaveCount(0);
});

test('an admin resets a password and deletes a user after confirmation', async ({ page, request, browser }) => {
  const user = await createUser(request, 'viewer', 'reset');
  await page.goto('/settings/users');
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: user.username }) });
  await row.getByRole('button', { name: 'Reset password' }).click();
  const dialog = page.getByRole('dialog', { name: `Reset the password of ${user.username}` });
  await dialog.getByLabel('New password').fill('short');
  await dialog.getByRole('button', { name: 'Reset password' }).click();
  await expect(dialog.getByLabel('New password')).toHaveAccessibleDescription('At least 10 characters.');
  const fresh = 'a-brand-new-password-42';
  await dialog.getByLabel('New password').fill(fresh);
  await dialog.getByRole('button', { name: 'Reset password' }).click();
  await expect(page.getByRole('status').filter({ hasText: `The password of ${user.username} was reset.` })).toBeVisible();
  await expect(dialog).toBeHidden();
  (await signedInContext(browser, user.username, fresh)).close();

  await row.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete this user?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('status').filter({ hasText: `User “${user.username}” deleted.` })).toBeVisible();
  await expect(row).toHaveCount(0);
});

test('Sign out returns to the sign-in page, and the API then answers 401', async ({ browser }) => {
  // A session of its own: signing out must not end the suite's admin session.
  const context = await signedInContext(browser, 'admin', adminPassword());
  const page = await context.newPage();
  await page.goto('/webhooks');
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect((await context.request.get('/api/v1/session')).status()).toBe(401);
  expect((await context.request.get('/api/v1/webhooks')).status()).toBe(401);
  await context.close();
});

test('a session that ends while the console is open leads to /login?next=… and back after signing in', async ({ browser, request }) => {
  const viewer = await createUser(request, 'viewer', 'expiry');
  const context = await signedInContext(browser, viewer.username, viewer.password);
  const page = await context.newPage();
  await page.goto('/webhooks');
  await expect(page.getByRole('heading', { name: /./ }).or(page.getByRole('table'))).toBeVisible();

  // Signed out behind the console's back; its next call is answered 401.
  expect((await context.request.delete('/api/v1/session', { headers: API_HEADERS })).status()).toBe(204);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Events' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fevents$/);
  await page.getByLabel('Username').fill(viewer.username);
  await page.getByLabel('Password').fill(viewer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/events$/);
  await expect(page.getByRole('heading', { name: 'Recent events' })).toBeVisible();

  // The same on a fresh load, with the query kept.
  expect((await context.request.delete('/api/v1/session', { headers: API_HEADERS })).status()).toBe(204);
  await page.goto('/webhooks?search=abc');
  await expect(page).toHaveURL(/\/login\?next=%2Fwebhooks%3Fsearch%3Dabc$/);
  await page.getByLabel('Username').fill(viewer.username);
  await page.getByLabel('Password').fill(viewer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/webhooks\?search=abc$/);
  await expect(page.getByRole('searchbox', { name: 'Search' })).toHaveValue('abc');
  await context.close();
});

test('the sign-in page only returns to paths of this site', async ({ browser }) => {
  const context = await browser.newContext(noState);
  const page = await context.newPage();
  await page.goto('/login?next=' + encodeURIComponent('//evil.example.com/x'));
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(adminPassword());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/webhooks$/);
  await context.close();
});
