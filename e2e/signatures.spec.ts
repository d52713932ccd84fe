import { expect, test } from '@playwright/test';

test('run the quick Level 1 preset on the demo dataset and open a contact importance map', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/signin');
  await page.getByLabel('Email').fill('demo@brainglass.local');
  await page.getByLabel('Password').fill('brainglass-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Demo lab' }).click();
  await page.getByRole('link', { name: 'Synthetic iEEG (planted signatures)', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Level 1: spectrotemporal signatures' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Run analysis' }).click();

  await expect(page.getByRole('heading', { name: 'Signatures of Synthetic iEEG (planted signatures)' })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Analysis progress' })).toBeVisible();
  await expect(page.getByTestId('threshold')).toBeVisible({ timeout: 400_000 });
  await expect(page.getByRole('table', { name: 'Contacts' }).getByRole('row')).toHaveCount(49);

  // The face column, best first: the top contact is a planted fusiform (BA37) contact.
  await page.getByRole('button', { name: 'Sort by F1 of face' }).click();
  const top = page.getByRole('table', { name: 'Contacts' }).getByRole('row').nth(1);
  await expect(top.getByRole('cell').nth(1)).toHaveText('BA37');

  // Whole brain and table select the same contact, and the URL holds the view: reloading keeps it.
  await page.getByRole('combobox', { name: 'Colour by F1 of' }).selectOption('face');
  await expect(page.getByRole('img', { name: /3D brain/ })).toBeVisible();
  const topName = (await top.getByRole('link').textContent())!;
  await top.getByRole('cell').nth(2).click();
  await expect(page).toHaveURL(new RegExp(`contact=${topName}`));
  await expect(page).toHaveURL(/category=face/);
  await page.reload();
  await expect(page.getByTestId('selected-contact')).toContainText(`Selected: ${topName}`);
  const selectedRow = page.getByRole('row', { selected: true });
  await expect(selectedRow).toContainText(topName);

  await selectedRow.getByRole('link').click();
  await page.getByRole('combobox', { name: 'Category' }).selectOption('1'); // face
  const map = page.getByRole('img', { name: 'Importance for face' });
  await expect(map).toBeVisible();
  const inked = await map.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n;
  });
  expect(inked).toBeGreaterThan(10_000);
  await expect(page.getByRole('table', { name: 'Confusion matrix' })).toBeVisible();

  const decoder = await page.request.get(await page.getByRole('link', { name: 'Download decoder (ONNX)' }).getAttribute('href') ?? '');
  expect(decoder.status()).toBe(200);
  expect((await decoder.body()).length).toBeGreaterThan(10_000);
});
