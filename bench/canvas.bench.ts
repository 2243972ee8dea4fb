/**
 * The canvas engine on the CVAT baseline scene (10,000 and 1,000 20-vertex polygons on a 4K
 * frame, 1920x1080 view): per-frame pan/zoom cost, the sharp re-render after settling, and hover
 * hit tests.
 */
import type { BenchContext } from './run';
import { serveBenchPage } from './pageServer';
import type { CanvasBenchResult } from './pages/canvas';
import type { Metrics } from './results';

export async function run({ browser }: BenchContext): Promise<Metrics> {
  const served = await serveBenchPage('canvas.ts');
  try {
    const results: CanvasBenchResult[] = [];
    for (const n of [10_000, 1_000]) {
      // A fresh context per size, like the baseline's fresh browser per run.
      const context = await browser.newContext({
        viewport: { width: 1920, height: 1080 },
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      await page.goto(served.url);
      await page.waitForFunction(() => 'runCanvasBench' in window);
      results.push(
        await page.evaluate(
          (count) =>
            (window as unknown as { runCanvasBench(n: number): Promise<CanvasBenchResult> }).runCanvasBench(
              count,
            ),
          n,
        ),
      );
      await context.close();
    }
    const metrics: Metrics = {};
    for (const r of results) {
      const k = r.n === 10_000 ? '10k' : '1k';
      const frameBudget = { budget: 16.7 };
      metrics[`panFrameP95Ms_${k}`] = {
        value: round(r.panWorkP95Ms),
        unit: 'ms',
        ...frameBudget,
        better: 'lower',
      };
      metrics[`zoomFrameP95Ms_${k}`] = {
        value: round(r.zoomWorkP95Ms),
        unit: 'ms',
        ...frameBudget,
        better: 'lower',
      };
      metrics[`panFrameIntervalP95Ms_${k}`] = {
        value: round(r.panIntervalP95Ms),
        unit: 'ms',
        better: 'lower',
      };
      metrics[`zoomFrameIntervalP95Ms_${k}`] = {
        value: round(r.zoomIntervalP95Ms),
        unit: 'ms',
        better: 'lower',
      };
      metrics[`sharpRenderMedianMs_${k}`] = {
        value: round(r.sharpRenderMedianMs),
        unit: 'ms',
        ...(r.n === 10_000 ? { budget: 100 } : {}),
        better: 'lower',
      };
      metrics[`sharpRenderP95Ms_${k}`] = { value: round(r.sharpRenderP95Ms), unit: 'ms', better: 'lower' };
      metrics[`hoverHitTestMedianMs_${k}`] = { value: round3(r.hitMedianMs), unit: 'ms', better: 'lower' };
      metrics[`hoverHitTestP95Ms_${k}`] = {
        value: round3(r.hitP95Ms),
        unit: 'ms',
        ...(r.n === 10_000 ? { budget: 1 } : {}),
        better: 'lower',
      };
      metrics[`setupMs_${k}`] = { value: Math.round(r.setupMs), unit: 'ms', better: 'lower' };
    }
    return metrics;
  } finally {
    await served.close();
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
