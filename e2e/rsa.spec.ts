import { expect, test } from '@playwright/test';

test('run the Level 2 RSA on the visual-hierarchy demo dataset and see the alignment table', async ({ page }) => {
  test.setTimeout(480_000);
  await page.goto('/signin');
  await page.getByLabel('Email').fill('demo@brainglass.local');
  await page.getByLabel('Password').fill('brainglass-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Demo lab' }).click();
  await page.waitForURL(/\/labs\/[^/]+$/);
  // The demo draws this dataset in the background (network activations included): wait for it.
  const dataset = page.getByRole('link', { name: 'Synthetic iEEG, visual hierarchy (planted RSA)' });
  await expect(async () => {
    await page.reload();
    await expect(dataset).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 300_000 });
  await dataset.click();
  await expect(page.getByRole('heading', { name: 'Level 2: network layers along the visual hierarchy (RSA)' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Run RSA' }).click();

  await expect(page.getByRole('heading', { name: 'RSA of Synthetic iEEG, visual hierarchy (planted RSA)' })).toBeVisible();
  const trained = page.getByRole('table', { name: 'Alignment, Trained network' });
  await expect(trained).toBeVisible({ timeout: 400_000 });
  await expect(page.getByRole('table', { name: 'Alignment, Random-weights control' })).toBeVisible();
  // Bands x windows, as in the paper: five bands, three windows.
  await expect(trained.getByRole('row')).toHaveCount(6);
  await expect(trained.getByRole('row', { name: /low gamma/ })).toContainText('pairs');
  await expect(page.getByRole('img', { name: /RDM of/ })).toBeVisible();

  const csv = await page.request.get((await page.getByRole('link', { name: 'Alignment table (CSV)' }).getAttribute('href')) ?? '');
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain('low gamma,0.05,0.25,trained');
});
