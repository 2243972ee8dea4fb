/**
 * App shell: first visit over loopback, reload with the network cut (service worker), and the
 * JavaScript a first visit downloads, gzipped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchContext } from './run';
import { median, type Metrics } from './results';

const RUNS = 5;

export async function run({ browser, serverUrl }: BenchContext): Promise<Metrics> {
  const firstLoads: number[] = [];
  const offlineReloads: number[] = [];
  let jsGzip = 0;
  let jsFiles = 0;
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ serviceWorkers: 'allow' });
    const page = await context.newPage();
    const scripts = new Set<string>();
    page.on('response', (r) => {
      const url = new URL(r.url());
      if (url.pathname.endsWith('.js') && r.request().resourceType() === 'script') scripts.add(url.pathname);
    });
    let t = performance.now();
    await page.goto(serverUrl);
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await page.locator('text=/No projects yet|Create project/').first().waitFor();
    firstLoads.push(performance.now() - t);
    if (i === 0) {
      for (const path of scripts) {
        jsGzip += gzipSync(readFileSync(join('build', path))).length;
        jsFiles++;
      }
    }
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    t = performance.now();
    await page.reload();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await page.locator('text=/No projects yet|Create project/').first().waitFor();
    offlineReloads.push(performance.now() - t);
    await context.close();
  }
  return {
    firstLoadMedianMs: { value: round(median(firstLoads)), unit: 'ms', budget: 2000, better: 'lower' },
    offlineReloadMedianMs: {
      value: round(median(offlineReloads)),
      unit: 'ms',
      budget: 1000,
      better: 'lower',
    },
    initialJsGzipKB: { value: round(jsGzip / 1024), unit: 'KB', budget: 300, better: 'lower' },
    initialJsFiles: { value: jsFiles, unit: 'files', better: 'lower' },
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
