/**
 * Opening big jobs in the real app: a job holding 50,000 objects must open in ≤ 2 s (from
 * navigation to the frame and its objects shown), and edits made in the view must be persisted
 * (annotations and undo history in IndexedDB) with p95 ≤ 100 ms.
 */
import type { BenchContext } from './run';
import { percentile, type Metrics } from './results';
import { serveAppWithBenchPage } from './sameOrigin';

interface SeedApi {
  seed(n: number, frames?: number): Promise<{ jobId: string }>;
}

const EDITS = 30;

export async function run({ browser }: BenchContext): Promise<Metrics> {
  const served = await serveAppWithBenchPage('jobSeed');
  try {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    await page.goto(served.pageUrl);
    await page.waitForFunction(() => 'seed' in window);
    // 50k objects spread over 50 frames (1,000 on the frame that opens), as a long job has them.
    const { jobId } = await page.evaluate(() => (window as unknown as SeedApi).seed(50_000, 50));

    const started = performance.now();
    await page.goto(`${served.url}/jobs/${jobId}`);
    await page.locator('[data-shown-frame="0"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('object-row').first().waitFor({ timeout: 60_000 });
    const openMs = performance.now() - started;

    const persist: number[] = [];
    const select = page.getByTestId('object-row').first().getByTestId('object-label');
    const labels = ['car', 'person'];
    for (let i = 0; i < EDITS; i++) {
      const t = performance.now();
      await select.selectOption({ label: labels[i % 2]! });
      await page.waitForFunction(
        () => document.querySelector('[data-testid="save-state"]')?.textContent?.trim() === 'Saved',
        undefined,
        { polling: 'raf' },
      );
      persist.push(performance.now() - t);
    }
    await context.close();
    return {
      openJob50kObjectsMs: { value: Math.round(openMs), unit: 'ms', budget: 2000, better: 'lower' },
      editPersistedP95Ms: {
        value: Math.round(percentile(persist, 95) * 10) / 10,
        unit: 'ms',
        budget: 100,
        better: 'lower',
      },
      editPersistedMedianMs: {
        value: Math.round(percentile(persist, 50) * 10) / 10,
        unit: 'ms',
        better: 'lower',
      },
    };
  } finally {
    await served.close();
  }
}
