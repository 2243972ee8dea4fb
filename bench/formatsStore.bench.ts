/**
 * Dataset import into IndexedDB and export from it, in headless Chromium on the app's origin,
 * through the app's built `io` worker as the dialogs run it: COCO 1.0 with 100,000 annotations
 * on 5,000 images, and CVAT for images 1.1 with 100,000 shapes. Import = file to the worker,
 * parse, check against the task, write (one bulk write of 5,000 frame documents); export = read
 * the task from IndexedDB, write the zip, chunks back to the page. Budgets: import ≤ 10 s,
 * export ≤ 5 s. Median of 2 runs each; one more run in the page times the parts.
 */
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { BenchContext } from './run';
import { median, type Metrics } from './results';
import { serveAppWithBenchPage } from './sameOrigin';

interface RoundResult {
  importMs: number;
  parseMs: number;
  exportMs: number;
  readMs: number;
  archiveBytes: number;
  exportBytes: number;
  stored: number;
}

interface BenchApi {
  formatsStore(formatId: string): Promise<RoundResult>;
  formatsStoreWorker(formatId: string, workerUrl: string): Promise<RoundResult>;
}

function ioWorkerUrl(): string {
  const dir = resolve('build/_app/immutable/workers');
  const file = readdirSync(dir).find((f) => /^io\.worker-.*\.js$/.test(f));
  if (!file) throw new Error(`no io worker in ${dir}; run npm run build first`);
  return `/_app/immutable/workers/${file}`;
}

const RUNS = Number(process.env.FORMATS_STORE_RUNS ?? 2);

export async function run({ browser }: BenchContext): Promise<Metrics> {
  const served = await serveAppWithBenchPage('formatsStore');
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(served.pageUrl);
    await page.waitForFunction(() => 'formatsStore' in window);
    const metrics: Metrics = {};
    for (const [formatId, key] of [
      ['coco', 'coco'],
      ['cvat-images', 'cvatXml'],
    ] as const) {
      const url = ioWorkerUrl();
      const rounds: RoundResult[] = [];
      for (let i = 0; i < RUNS; i++) {
        rounds.push(
          await page.evaluate(
            ([id, worker]) => (window as unknown as BenchApi).formatsStoreWorker(id, worker),
            [formatId, url] as const,
          ),
        );
      }
      const parts = await page.evaluate((id) => (window as unknown as BenchApi).formatsStore(id), formatId);
      const stored = rounds[0]!.stored;
      if (stored !== 100_000) throw new Error(`${formatId}: ${stored} objects stored, expected 100000`);
      metrics[`${key}Import100kMs`] = {
        value: Math.round(median(rounds.map((r) => r.importMs))),
        unit: 'ms',
        budget: 10_000,
        better: 'lower',
      };
      metrics[`${key}Export100kMs`] = {
        value: Math.round(median(rounds.map((r) => r.exportMs))),
        unit: 'ms',
        budget: 5000,
        better: 'lower',
      };
      metrics[`${key}ImportParseMs`] = {
        value: Math.round(median(rounds.map((r) => r.parseMs))),
        unit: 'ms',
        better: 'lower',
      };
      metrics[`${key}ImportInPageMs`] = { value: Math.round(parts.importMs), unit: 'ms', better: 'lower' };
      metrics[`${key}ExportInPageMs`] = { value: Math.round(parts.exportMs), unit: 'ms', better: 'lower' };
      metrics[`${key}ExportReadStoreMs`] = {
        value: Math.round(parts.readMs),
        unit: 'ms',
        better: 'lower',
      };
      metrics[`${key}ArchiveMB`] = {
        value: Math.round(rounds[0]!.archiveBytes / 1e5) / 10,
        unit: 'MB',
        better: 'lower',
      };
    }
    await context.close();
    // The machine is shared: wall times stretch with its load; record it beside them.
    metrics.loadAverage1m = { value: Math.round(loadavg()[0]! * 10) / 10, unit: 'load', better: 'lower' };
    return metrics;
  } finally {
    await served.close();
  }
}
