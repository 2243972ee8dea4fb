/**
 * AI: each built-in detector per frame, automatic annotation throughput (decode + BlazeFace +
 * mapping, 1920-px photos), and first-use vs cached load time of every built-in model file, on
 * the wasm backend in headless Chromium. Needs the built models (`npm run build`).
 */
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BUILTIN_MODELS } from '../src/lib/ai/models';
import { serveBundledPage } from '../tests/helpers/bundlePage';
import type { BenchContext } from './run';
import type { Metrics } from './results';

const ROOT = resolve(import.meta.dirname, '..');

export async function run({ browser }: BenchContext): Promise<Metrics> {
  const models = join(ROOT, 'static', 'models');
  if (!existsSync(join(models, 'blazeface.onnx')))
    throw new Error('Built-in models missing: run `npm run build`.');
  const files = mkdtempSync(join(tmpdir(), 'loupe-ai-bench-'));
  symlinkSync(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist'), join(files, 'ort'));
  symlinkSync(models, join(files, 'models'));
  symlinkSync(join(ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo'), join(files, 'photos'));
  const served = await serveBundledPage(join(import.meta.dirname, 'pages', 'ai.ts'), { files, minify: true });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(served.url);
    await page.waitForFunction(() => 'runBench' in window);
    const descriptors = BUILTIN_MODELS.map((m) => ({
      ...m,
      files: m.files.map((f) => ({ ...f, url: `/files${f.url}` })),
    }));
    const photos = [1, 2, 3, 4, 5, 6].map((i) => `/files/photos/sample${i}.jpg`);
    const r = await page.evaluate(
      ([d, p]) =>
        (window as unknown as { runBench(...a: unknown[]): Promise<Record<string, number>> }).runBench(d, p),
      [descriptors, photos] as const,
    );
    await context.close();
    const metrics: Metrics = {};
    const ms = (value: number, budget?: number) => ({
      value: Math.round(value * 10) / 10,
      unit: 'ms',
      better: 'lower' as const,
      ...(budget !== undefined ? { budget } : {}),
    });
    for (const [key, value] of Object.entries(r)) {
      if (key === 'threads') metrics.wasmThreads = { value, unit: 'threads', better: 'higher' };
      else if (key === 'autoAnnotateFps')
        metrics.autoAnnotateFps = {
          value: Math.round(value * 100) / 100,
          unit: 'frames/s',
          better: 'higher',
        };
      else if (key === 'autoAnnotateObjects')
        metrics.autoAnnotateObjects = { value, unit: 'objects', better: 'higher' };
      else
        metrics[key.replace(/^builtin:/, '').replace(/[:-](\w)/g, (_, c: string) => c.toUpperCase())] =
          ms(value);
    }
    return metrics;
  } finally {
    await served.close();
    rmSync(files, { recursive: true, force: true });
  }
}
