/**
 * `npm run bench:viewer [-- --url http://127.0.0.1:3000]`: time to first frame and frame rate while orbiting of
 * the 3D viewer (/viewer-bench) with 11,000 and with 100 contacts, in Chromium, against a server that is already
 * running (`npm start`); it builds nothing. Debian's chromium runs here with --disable-gpu, so WebGL is SwiftShader
 * (software): the numbers are a floor that a GPU beats by far, and their ratio says what the contacts cost.
 */
import { chromium } from '@playwright/test';
import type { ViewerStats } from '../../app/viewer-bench/viewer-bench';

const COUNTS = [11_000, 100];

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main() {
  const url = option('url', 'http://127.0.0.1:3000').replace(/\/$/, '');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const results: ViewerStats[] = [];
  try {
    // One untimed load first, so neither count pays for the server's first requests (route compilation, disk).
    const warmUp = await browser.newPage();
    await warmUp.goto(`${url}/viewer-bench?n=1`);
    await warmUp.waitForFunction(() => (window.__brainViewer?.frames ?? 0) > 0, null, { timeout: 300_000 });
    await warmUp.close();
    for (const n of COUNTS) {
      // A fresh context per run: no mesh served from the previous run's cache.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${url}/viewer-bench?n=${n}&bench=1`);
      await page.waitForFunction(() => window.__viewerStats, null, { timeout: 300_000 });
      const stats = (await page.evaluate(() => window.__viewerStats))!;
      results.push(stats);
      console.log(
        `${String(n).padStart(6)} contacts: first frame ${stats.firstFrameMs} ms, ${stats.fps} frames/s orbiting ` +
          `(${stats.frames} frames, ${stats.drawCalls} draw calls, ${stats.triangles.toLocaleString('en')} triangles)`,
      );
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const [many, few] = results;
  console.log(
    `11,000 vs 100 contacts: frame rate x${(many.fps / few.fps).toFixed(2)}, time to first frame x${(many.firstFrameMs / few.firstFrameMs).toFixed(2)}`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
