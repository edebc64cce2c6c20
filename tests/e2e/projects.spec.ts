// A webhook's project and tags (issue 10): set in the form, shown on the detail page, and the
// list's Project and Tag filters, kept in the URL like the other filters.
import { test, expect, unique, createWebhook } from './fixtures';

test('filters the list by project and tag, kept in the URL', async ({ page, request, list }) => {
  const key = unique('prj').replace(' ', '-');
  await createWebhook(request, { name: `${key} web`, project_id: key, tags: { env: 'prod' } });
  await createWebhook(request, { name: `${key} db`, project_id: `${key}-db`, tags: { env: 'dev' } });
  await createWebhook(request, { name: `${key} none`, tags: { env: 'prod' } });

  await list.goto(`?search=${key}`);
  await expect(list.rows).toHaveCount(4); // header + 3

  const project = list.filter('Project');
  await project.fill(key);
  await project.press('Enter');
  await expect(page).toHaveURL(new RegExp(`project_id=${key}(&|$)`));
  await expect(list.rows).toHaveCount(2);
  await expect(list.row(`${key} web`)).toBeVisible();

  // Cleared, then by tag; both survive a reload.
  await project.fill('');
  await project.press('Enter');
  await expect(page).not.toHaveURL(/project_id=/);
  await expect(list.rows).toHaveCount(4);
  const tag = list.filter('Tag');
  await tag.fill('env:prod');
  await tag.press('Enter');
  await expect(page).toHaveURL(/tag=env%3Aprod/);
  await expect(list.rows).toHaveCount(3);
  await expect(list.row(`${key} db`)).toHaveCount(0);
  await page.reload();
  await expect(list.filter('Tag')).toHaveValue('env:prod');
  await expect(list.rows).toHaveCount(3);

  // A shared link with both.
  await list.goto(`?search=${key}&project_id=${key}-db&tag=env:dev`);
  await expect(list.filter('Project')).toHaveValue(`${key}-db`);
  await expect(list.rows).toHaveCount(2);
  await expect(list.row(`${key} db`)).toBeVisible();

  // What the server would refuse is not applied: the field says why.
  await project.fill('Not A Project');
  await project.press('Enter');
  await expect(project).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Use lower-case letters, digits')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`project_id=${key}-db`));
  await tag.fill('no-colon');
  await tag.press('Enter');
  await expect(page.getByText('Enter the tag as key:value.')).toBeVisible();
  await expect(page).toHaveURL(/tag=env%3Adev|tag=env:dev/);
});

test('sets a webhook\'s project in the form and shows it with its tags', async ({ page, request, list }) => {
  const name = unique('Projected');
  const created = await createWebhook(request, { name, tags: { team: 'sre' } });
  await page.goto(`/webhooks/${created.id}/edit`);
  const field = page.getByLabel('Project', { exact: true });
  await expect(field).toHaveValue('');
  await field.fill('Billing');
  await expect(page.getByText('Use lower-case letters, digits')).toBeVisible();
  await field.fill('billing');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByRole('status').filter({ hasText: `WebHook “${name}” saved.` })).toBeVisible();

  await list.goto(`?project_id=billing&search=${encodeURIComponent(name)}`);
  await expect(list.rows).toHaveCount(2);
  const after = await (await request.get(`/api/v1/webhooks/${created.id}`)).json();
  expect(after.project_id).toBe('billing');
  expect(after.tags).toEqual({ team: 'sre' });

  await page.goto(`/webhooks/${created.id}`);
  await expect(page.getByRole('definition').filter({ hasText: /^billing$/ })).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: 'team: sre' })).toBeVisible();
});
