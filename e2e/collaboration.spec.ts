import { expect, test, type Browser, type Page } from '@playwright/test';

/**
 * Issue #8 end to end, two users in two labs: A (the demo user) annotates a contact's importance map with a box and
 * a tag and shares the analysis with B's lab; B sees it and replies; A publishes, a signed-out browser opens the
 * public page; v2 leaves v1 unchanged; a revoked reviewer link stops working.
 */
test.describe.configure({ mode: 'serial' });

const stamp = Date.now().toString(36);
const bob = { name: 'Bob Partner', email: `bob-partner-${stamp}@example.org`, password: 'bob partner password' };
const xss = 'Gamma burst after 100 ms <script>window.__xss = 1</script> <img src=x onerror="window.__xss = 1"> [click](javascript:window.__xss=1)';

let analysisUrl = '';
let contactUrl = '';
let bobLabId = '';
let publishedV1 = '';

async function newPage(browser: Browser) {
  return (await browser.newContext()).newPage();
}

async function signInDemo(page: Page) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill('demo@brainglass.local');
  await page.getByLabel('Password').fill('brainglass-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your labs' })).toBeVisible();
}

test('A runs a Level 1 analysis and B makes a lab', async ({ browser }) => {
  test.setTimeout(600_000);
  const a = await newPage(browser);
  await signInDemo(a);
  await a.getByRole('link', { name: 'Demo lab' }).click();
  await a.getByRole('link', { name: 'Synthetic iEEG (planted signatures)', exact: true }).click();
  await expect(a.getByRole('heading', { name: 'Level 1: spectrotemporal signatures' })).toBeVisible({ timeout: 60_000 });
  await a.getByRole('button', { name: 'Run analysis' }).click();
  await expect(a.getByTestId('threshold')).toBeVisible({ timeout: 400_000 });
  analysisUrl = a.url().split('?')[0]!;

  const b = await newPage(browser);
  await b.goto('/signup');
  await b.getByLabel('Name').fill(bob.name);
  await b.getByLabel('Email').fill(bob.email);
  await b.getByLabel('Password').fill(bob.password);
  await b.getByRole('button', { name: 'Create account' }).click();
  await expect(b.getByRole('button', { name: 'Create lab' })).toBeEnabled();
  await b.getByLabel('Lab name').fill('Partner lab');
  await b.getByRole('button', { name: 'Create lab' }).click();
  await expect(b.getByRole('heading', { name: 'Partner lab' })).toBeVisible();
  bobLabId = (await b.getByTestId('lab-id').textContent())!.trim();
  expect(bobLabId.length).toBeGreaterThan(10);
});

test('A annotates a box on a contact importance map and shares the analysis with B; B replies', async ({ browser }) => {
  const a = await newPage(browser);
  await signInDemo(a);
  await a.goto(analysisUrl);
  // Share with B's lab as editor (editors may annotate and reply; viewers only read).
  await a.getByLabel('Lab ID').fill(bobLabId);
  await a.getByLabel('Role').selectOption('editor');
  await a.getByRole('button', { name: 'Share' }).click();
  await expect(a.getByRole('list', { name: 'Labs it is shared with' })).toContainText('Partner lab');

  // The best face contact's importance map.
  await a.getByRole('button', { name: 'Sort by F1 of face' }).click();
  const href = await a.getByRole('table', { name: 'Contacts' }).getByRole('row').nth(1).getByRole('link').getAttribute('href');
  contactUrl = `${href!.split('?')[0]}?category=face`;
  await a.goto(contactUrl);
  const surface = a.getByTestId('annotate-heatmap');
  await expect(surface).toBeVisible();
  const box = (await surface.boundingBox())!;
  await a.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.2);
  await a.mouse.down();
  await a.mouse.move(box.x + box.width * 0.75, box.y + box.height * 0.45, { steps: 8 });
  await a.mouse.up();
  await a.getByLabel('Annotation').fill(xss);
  await a.getByLabel('Tags').fill('gamma, face');
  await a.getByRole('button', { name: 'Save annotation' }).click();
  const thread = a.getByTestId('annotation-thread').first();
  await expect(thread).toContainText('Gamma burst after 100 ms');
  await expect(thread).toContainText('gamma');
  await expect(a.getByTestId('annotation-box').first()).toBeVisible();
  // Markdown is rendered safely: the script and handlers did not run, and no javascript: link exists.
  expect(await a.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await expect(thread.locator('script, img[onerror], a[href^="javascript"]')).toHaveCount(0);

  const b = await newPage(browser);
  await b.goto('/signin');
  await b.getByLabel('Email').fill(bob.email);
  await b.getByLabel('Password').fill(bob.password);
  await b.getByRole('button', { name: 'Sign in' }).click();
  await expect(b.getByRole('heading', { name: 'Your labs' })).toBeVisible();
  await b.getByRole('link', { name: /Inbox/ }).click();
  await b.getByTestId('inbox-item').filter({ hasText: 'shared analysis' }).getByRole('link').click();
  await expect(b.getByTestId('threshold')).toBeVisible();
  await b.goto(contactUrl);
  const seen = b.getByTestId('annotation-thread').first();
  await expect(seen).toContainText('Gamma burst after 100 ms');
  await seen.getByLabel('Reply').fill('Same pattern in our patient 4.');
  await seen.getByRole('button', { name: 'Reply' }).click();
  await expect(seen).toContainText('Same pattern in our patient 4.');
  expect(await b.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

  await a.goto('/inbox');
  await expect(a.getByTestId('inbox-item').filter({ hasText: /repl/i }).first()).toBeVisible();
});

test('A publishes; a signed-out browser sees the brain and the heatmap; v2 leaves v1 unchanged', async ({ browser }) => {
  const a = await newPage(browser);
  await signInDemo(a);
  await a.goto(analysisUrl);
  await a.getByLabel('Title').fill('Face signatures, first look');
  await a.getByRole('button', { name: 'Publish', exact: true }).click();
  publishedV1 = (await a.getByTestId('published-url').first().getAttribute('href'))!;
  expect(publishedV1).toMatch(/\/p\/[a-z0-9-]+\/v1$/);

  const reader = await newPage(browser);
  await reader.goto(publishedV1);
  await expect(reader.getByTestId('published-version')).toContainText('v1');
  await expect(reader.getByRole('heading', { name: 'Face signatures, first look' })).toBeVisible();
  await expect(reader.getByTestId('published-brain')).toBeVisible();
  await expect(reader.getByTestId('published-heatmap')).toBeVisible();

  await a.getByLabel('Title').fill('Face signatures, revised');
  await a.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(a.getByRole('link', { name: /\/v2$/ })).toBeVisible();
  await reader.goto(publishedV1.replace(/v1$/, 'v2'));
  await expect(reader.getByRole('heading', { name: 'Face signatures, revised' })).toBeVisible();
  await reader.goto(publishedV1);
  await expect(reader.getByRole('heading', { name: 'Face signatures, first look' })).toBeVisible();
  await expect(reader.getByTestId('published-version')).toContainText('v1');
});

test('a reviewer link opens the analysis without an account, and stops at once when revoked', async ({ browser }) => {
  const a = await newPage(browser);
  await signInDemo(a);
  await a.goto(analysisUrl);
  await a.getByLabel('Label').fill('Reviewer 2');
  await a.getByRole('button', { name: 'Create link' }).click();
  const link = (await a.getByTestId('review-link').textContent())!;
  expect(link).toMatch(/\/r\/[\w-]{20,}$/);

  const reviewer = await newPage(browser);
  await reviewer.goto(link);
  await expect(reviewer.getByTestId('threshold')).toBeVisible();
  await expect(reviewer.getByRole('status').filter({ hasText: 'reviewer' })).toBeVisible();
  // Read-only: no sharing or publishing controls.
  await expect(reviewer.getByRole('button', { name: 'Share' })).toHaveCount(0);

  await a.getByRole('button', { name: 'Revoke link Reviewer 2' }).click();
  await expect(a.getByRole('button', { name: 'Revoke link Reviewer 2' })).toHaveCount(0);
  const again = await reviewer.request.get(link, { maxRedirects: 0 });
  expect(again.status()).toBe(410);
  await reviewer.reload();
  await expect(reviewer.getByText('Sign in first, or open a review link that is still valid')).toBeVisible();
  await expect(reviewer.getByTestId('threshold')).toHaveCount(0);
});
