/** 10k documents through the store into real IndexedDB (RxDB over Dexie), then queried and edited. */
import type { BenchContext } from './run';
import { serveBenchPage } from './pageServer';
import type { Metrics } from './results';

interface PageResult {
  insert10kMs: number;
  loadJob10kMs: number;
  frameLookupP95Ms: number;
  editPersistP95Ms: number;
}

export async function run({ browser }: BenchContext): Promise<Metrics> {
  const served = await serveBenchPage('storeBulk.ts');
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(served.url);
    await page.waitForFunction(() => 'runBench' in window);
    const r = await page.evaluate(() =>
      (window as unknown as { runBench(): Promise<PageResult> }).runBench(),
    );
    await context.close();
    return {
      bulkInsert10kFrameDocsMs: { value: Math.round(r.insert10kMs), unit: 'ms', better: 'lower' },
      loadJob10kFrameDocsMs: { value: Math.round(r.loadJob10kMs), unit: 'ms', budget: 2000, better: 'lower' },
      frameQueryP95Ms: { value: round(r.frameLookupP95Ms), unit: 'ms', better: 'lower' },
      editPersistP95Ms: { value: round(r.editPersistP95Ms), unit: 'ms', budget: 100, better: 'lower' },
    };
  } finally {
    await served.close();
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
