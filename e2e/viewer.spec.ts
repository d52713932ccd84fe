import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { colorTable } from '../lib/colormaps';

/** Pixels of a PNG as RGB bytes. */
async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * Whether a pixel is a shaded viridis colour: k x (a map colour) for a light factor k in the range the viewer's
 * lighting gives (0.4 ambient .. 1), within a few levels. Saturated only, so the grey cortex never counts.
 */
const viridis = colorTable('viridis', 64);
function isViridis(r: number, g: number, b: number): boolean {
  if (Math.max(r, g, b) - Math.min(r, g, b) < 40) return false;
  for (let i = 0; i < 64; i++) {
    const [cr, cg, cb] = [viridis[3 * i], viridis[3 * i + 1], viridis[3 * i + 2]];
    const k = (r * cr + g * cg + b * cb) / (cr * cr + cg * cg + cb * cb);
    if (k < 0.35 || k > 1.05) continue;
    if (Math.hypot(r - k * cr, g - k * cg, b - k * cb) < 14) return true;
  }
  return false;
}

test('3D viewer: cortex and coloured contacts drawn, hover names a contact, click selects it, PNG export', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto('/viewer-bench?n=200');
  await page.waitForFunction(() => (window.__brainViewer?.frames ?? 0) > 0, null, { timeout: 90_000 });

  const stage = page.getByRole('img', { name: /3D brain/ });
  const shot = await stage.screenshot();
  await testInfo.attach('viewer', { body: shot, contentType: 'image/png' });
  const { data, width, height } = await pixels(shot);

  // The brain: the middle of the view is mostly not the white background.
  let inked = 0;
  let total = 0;
  for (let y = Math.floor(height * 0.35); y < height * 0.65; y++) {
    for (let x = Math.floor(width * 0.35); x < width * 0.65; x++) {
      const p = 3 * (y * width + x);
      total++;
      if (data[p] < 240 || data[p + 1] < 240 || data[p + 2] < 240) inked++;
    }
  }
  expect(inked / total).toBeGreaterThan(0.6);

  // The contacts: pixels in viridis colours (seen from the left, about half of the 200 face the camera).
  let coloured = 0;
  for (let p = 0; p < data.length; p += 3) if (isViridis(data[p], data[p + 1], data[p + 2])) coloured++;
  expect(coloured).toBeGreaterThan(200);

  // A contact that is on screen and not hidden by the cortex.
  const target = await page.evaluate(() => {
    const viewer = window.__brainViewer!;
    for (let i = 0; i < 200; i++) {
      const at = viewer.screenPosition(i);
      if (at && viewer.pick(at.x, at.y) === i) return { ...at, name: viewer.electrode(i)!.name };
    }
    return null;
  });
  expect(target).not.toBeNull();
  const box = (await stage.boundingBox())!;
  await page.mouse.move(box.x + target!.x, box.y + target!.y);
  await expect(page.getByRole('tooltip')).toContainText(target!.name);

  await page.mouse.click(box.x + target!.x, box.y + target!.y);
  await expect(page.getByTestId('selected-contact')).toHaveText(`Selected: ${target!.name}`);

  await page.getByRole('combobox', { name: 'Image size' }).selectOption('1280x720');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PNG' }).click()]);
  const png = await readFile((await download.path())!);
  await testInfo.attach('export', { body: png, contentType: 'image/png' });
  const exported = await pixels(png);
  expect([exported.width, exported.height]).toEqual([1280, 720]);
  let exportedColoured = 0;
  for (let p = 0; p < exported.data.length; p += 3) if (isViridis(exported.data[p], exported.data[p + 1], exported.data[p + 2])) exportedColoured++;
  expect(exportedColoured).toBeGreaterThan(200);
});
