import path from 'node:path';
import { expect, test } from '@playwright/test';

const recordings = path.resolve('../shared/data/recordings');

test('upload BrainVision through the browser, watch the ingest, see traces and events', async ({ page }) => {
  await page.goto('/signin');
  await page.getByLabel('Email').fill('demo@brainglass.local');
  await page.getByLabel('Password').fill('brainglass-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Demo lab' }).click();
  await expect(page.getByRole('heading', { name: 'Upload a recording' })).toBeVisible();

  await page.getByLabel('Dataset name').first().fill('BrainVision sample');
  await page.getByLabel('Files to upload').setInputFiles(['test.vhdr', 'test.vmrk', 'test.eeg'].map((f) => path.join(recordings, f)));
  await page.getByRole('button', { name: 'Upload and ingest' }).click();
  await expect(page.getByRole('progressbar', { name: 'Upload of test.eeg' })).toBeVisible();

  await expect(page.getByRole('heading', { name: 'BrainVision sample' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('ready', { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('BrainVision · 32 channels · 1000 Hz · 7.9 s')).toBeVisible();
  await expect(page.getByRole('img', { name: 'Signal traces' })).toBeVisible();
  await expect(page.getByTestId('signal-window')).toContainText('0.000–7.900 s of 7.900 s');

  // Traces were drawn: the canvas is not blank.
  const inked = () =>
    page.getByRole('img', { name: 'Signal traces' }).evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
  await expect.poll(inked, { timeout: 30_000 }).toBeGreaterThan(2000);

  const events = page.getByRole('table', { name: 'Events' });
  await expect(events.getByRole('row')).toHaveCount(15);
  await expect(events.getByText('Stimulus/S253').first()).toBeVisible();

  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect(page.getByTestId('signal-window')).toContainText('1.975–5.925 s');

  // Epochs around two kinds of events, as a job; the new dataset appears in the lab.
  const epochEvents = page.getByRole('group', { name: /Events to cut around/ });
  await epochEvents.getByLabel('Stimulus/S253').check();
  await epochEvents.getByLabel('Event/254').check();
  await page.getByLabel('tmin (s)').fill('-0.1');
  await page.getByLabel('tmax (s)').fill('0.2');
  await page.getByRole('button', { name: 'Make epochs' }).click();
  await expect(page.getByRole('status')).toContainText('Started');
  await page.getByRole('link', { name: 'jobs page' }).click();
  const bar = page.getByRole('progressbar', { name: 'Progress of Epochs "BrainVision sample epochs"' });
  await expect(bar).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });
  await page.getByRole('link', { name: 'Demo lab' }).click();
  await page.getByRole('link', { name: 'BrainVision sample epochs' }).click();
  await expect(page.getByText('5 epochs × 32 channels × 301 samples at 1000 Hz, tmin -0.1 s')).toBeVisible();
});
