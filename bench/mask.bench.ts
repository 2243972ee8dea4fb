/**
 * Mask RLE kernels (TS vs wasm) on a 4000 x 3000 mask and brush-stroke frame time on a 4K
 * image, in Chromium.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MaskBenchResult } from './pages/mask';
import { serveBenchPage } from './pageServer';
import type { BenchContext } from './run';
import type { Metrics } from './results';

const ROOT = resolve(import.meta.dirname, '..');

export async function run({ browser }: BenchContext): Promise<Metrics> {
  execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { cwd: ROOT, stdio: 'pipe' });
  const wasm = readFileSync(resolve(ROOT, 'wasm', 'build', 'mask.wasm')).toString('base64');
  const served = await serveBenchPage('mask.ts');
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.goto(served.url);
    await page.waitForFunction(() => 'runBench' in window);
    const r = await page.evaluate(
      (bytes) => (window as unknown as { runBench(b: string): Promise<MaskBenchResult> }).runBench(bytes),
      wasm,
    );
    await context.close();
    const ms = (value: number, budget?: number) => ({
      value: Math.round(value * 10) / 10,
      unit: 'ms',
      better: 'lower' as const,
      ...(budget !== undefined ? { budget } : {}),
    });
    const count = (value: number) => ({ value, unit: 'runs', better: 'lower' as const });
    return {
      blobsRuns: count(r.blobs.runs),
      blobsEncodeTsMs: ms(r.blobs.tsEncodeMs),
      blobsEncodeWasmMs: ms(r.blobs.wasmEncodeMs),
      blobsDecodeTsMs: ms(r.blobs.tsDecodeMs),
      blobsDecodeWasmMs: ms(r.blobs.wasmDecodeMs),
      blobsFinishWasmMs: ms(r.finishBlobsMs),
      noiseRuns: count(r.noise.runs),
      noiseEncodeTsMs: ms(r.noise.tsEncodeMs),
      noiseEncodeWasmMs: ms(r.noise.wasmEncodeMs),
      noiseDecodeTsMs: ms(r.noise.tsDecodeMs),
      noiseDecodeWasmMs: ms(r.noise.wasmDecodeMs),
      brushFrame4kFitP50Ms: ms(r.strokeFitP50Ms),
      brushFrame4kFitP95Ms: ms(r.strokeFitP95Ms, 16.7),
      brushFrame4k1to1P50Ms: ms(r.stroke1to1P50Ms),
      brushFrame4k1to1P95Ms: ms(r.stroke1to1P95Ms, 16.7),
    };
  } finally {
    await served.close();
  }
}
