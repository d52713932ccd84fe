import { expect, test, type Browser, type Page } from '@playwright/test';

const stamp = Date.now().toString(36);
const alice = { name: 'Alice Owner', email: `alice-${stamp}@example.org`, password: 'alice password 123' };
const bob = { name: 'Bob Viewer', email: `bob-${stamp}@example.org`, password: 'bob password 1234' };

async function signUp(page: Page, user: typeof alice) {
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

async function newPage(browser: Browser) {
  return (await browser.newContext()).newPage();
}

test.describe.configure({ mode: 'serial' });

let labUrl = '';
let inviteLink = '';

test('sign up, create a lab and make an invitation link', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await signUp(page, alice);
  await expect(page.getByRole('heading', { name: 'Your labs' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create lab' })).toBeEnabled(); // hydrated
  await page.getByLabel('Lab name').fill('Ventral Stream Lab');
  await page.getByRole('button', { name: 'Create lab' }).click();
  await expect(page.getByRole('heading', { name: 'Ventral Stream Lab' })).toBeVisible();
  labUrl = page.url();
  await page.getByRole('button', { name: 'Create invitation link' }).click();
  inviteLink = await page.getByLabel('Invitation link').inputValue();
  expect(inviteLink).toMatch(/\/invite\/[\w-]{20,}$/);
});

test('a second user accepts the invitation and sees the lab as a viewer', async ({ browser }) => {
  const page = await newPage(browser);
  await page.goto(inviteLink);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await signUp(page, bob);
  await expect(page.getByText('You are invited to Ventral Stream Lab as viewer')).toBeVisible();
  await page.getByRole('button', { name: 'Accept and join' }).click();
  await expect(page.getByRole('heading', { name: 'Ventral Stream Lab' })).toBeVisible();
  await expect(page.getByText('you are viewer')).toBeVisible();
  // The link is single-use.
  await page.goto(inviteLink);
  await expect(page.getByText('This invitation link has already been used; ask for a new one')).toBeVisible();
});

test('the owner starts a job and watches its progress bar reach 100 %', async ({ page }) => {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(alice.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('.error-message')).toHaveText('Wrong email or password');
  await page.getByLabel('Password').fill(alice.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your labs' })).toBeVisible();

  await page.goto(`${labUrl}/jobs`);
  await expect(page.getByText('live')).toBeVisible();
  await page.getByLabel('Dataset name').fill('E2E synthetic');
  await page.getByLabel('Trials per category').fill('40');
  await page.getByRole('button', { name: 'Start job' }).click();
  const bar = page.getByRole('progressbar', { name: 'Progress of Generate "E2E synthetic"' });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute('aria-valuenow', '100', { timeout: 90_000 });
  await expect(page.locator('tr', { has: bar }).getByText('succeeded')).toBeVisible();
  await page.goto(labUrl);
  await expect(page.getByRole('cell', { name: /^E2E synthetic/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete dataset E2E synthetic' })).toBeVisible();
});

test('a viewer cannot delete: no button, and the server refuses', async ({ browser }) => {
  const page = await newPage(browser);
  await page.goto('/signin');
  await page.getByLabel('Email').fill(bob.email);
  await page.getByLabel('Password').fill(bob.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your labs' })).toBeVisible();
  await page.goto(labUrl);
  await expect(page.getByRole('cell', { name: /^E2E synthetic/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /Delete dataset/ })).toHaveCount(0);

  const labId = labUrl.split('/').pop()!;
  const list = await page.request.get(`/api/trpc/datasets.list?input=${encodeURIComponent(JSON.stringify({ json: { labId } }))}`);
  const datasetId = (await list.json()).result.data.json[0].id as string;
  const attempt = await page.request.post('/api/trpc/datasets.delete', { data: { json: { labId, datasetId } } });
  expect(attempt.status()).toBe(403);
  expect((await attempt.json()).error.json.message).toBe('This needs the editor role in the lab; you are a viewer');
  await page.reload();
  await expect(page.getByRole('cell', { name: /^E2E synthetic/ })).toBeVisible();
});

test('a signed-out visitor is sent to sign in and sees nothing of the lab', async ({ browser }) => {
  const page = await newPage(browser);
  await page.goto(labUrl);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
  const labId = labUrl.split('/').pop()!;
  const res = await page.request.get(`/api/trpc/labs.get?input=${encodeURIComponent(JSON.stringify({ json: { labId } }))}`);
  expect(res.status()).toBe(401);
});
