/**
 * The objects sidebar at 10,000 objects on one frame, in the real job view: opening the job until
 * the list shows, scrolling the list, and selecting an object from it (until the canvas shows
 * the selection). Budget: each interaction ≤ 100 ms (DESIGN.md). Opening includes the whole job.
 */
import type { BenchContext } from './run';
import { percentile, type Metrics } from './results';
import { serveAppWithBenchPage } from './sameOrigin';

interface SeedApi {
  seed(n: number, frames?: number): Promise<{ jobId: string }>;
}

const OBJECTS = 10_000;
const STEPS = 20;

export async function run({ browser }: BenchContext): Promise<Metrics> {
  const served = await serveAppWithBenchPage('jobSeed');
  try {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    await page.goto(served.pageUrl);
    await page.waitForFunction(() => 'seed' in window);
    const { jobId } = await page.evaluate((n) => (window as unknown as SeedApi).seed(n, 1), OBJECTS);

    const started = performance.now();
    await page.goto(`${served.url}/jobs/${jobId}`);
    await page.getByTestId('object-row').first().waitFor({ timeout: 60_000 });
    const openMs = performance.now() - started;
    await page.locator('[data-shown-frame="0"]').waitFor({ timeout: 60_000 });

    // A string, so the bundler's helpers (tsx keeps function names) don't leak into the page.
    const scrolls = (await page.evaluate(`(async () => {
      const viewport = document.querySelector('[data-testid="objects-viewport"]');
      const times = [];
      for (let i = 0; i < ${STEPS}; i++) {
        const t = performance.now();
        viewport.scrollTop = Math.random() * (viewport.scrollHeight - viewport.clientHeight);
        viewport.dispatchEvent(new Event('scroll'));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        times.push(performance.now() - t);
      }
      return times;
    })()`)) as number[];

    const selects: number[] = [];
    for (let i = 0; i < STEPS; i++) {
      const row = page.getByTestId('object-row').nth(i % 5);
      const id = await row.getAttribute('data-id');
      const t = performance.now();
      await row.dispatchEvent('pointerdown');
      await page.waitForFunction(
        (wanted) =>
          document.querySelector('[data-testid="canvas"]')?.getAttribute('data-selected') === wanted,
        id,
        { polling: 'raf' },
      );
      selects.push(performance.now() - t);
    }
    await context.close();
    const ms = (v: number) => Math.round(v * 10) / 10;
    return {
      openJob10kOnFrameMs: { value: Math.round(openMs), unit: 'ms', better: 'lower' },
      sidebarScrollP95Ms: { value: ms(percentile(scrolls, 95)), unit: 'ms', budget: 100, better: 'lower' },
      sidebarSelectP95Ms: { value: ms(percentile(selects, 95)), unit: 'ms', budget: 100, better: 'lower' },
    };
  } finally {
    await served.close();
  }
}
