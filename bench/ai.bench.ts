/**
 * AI: each built-in detector per frame, automatic annotation throughput (decode + BlazeFace +
 * mapping, 1920-px photos), and first-use vs cached load time of every built-in model file, on
 * the wasm backend in headless Chromium. Needs the built models (`npm run build`).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BUILTIN_MODELS } from '../src/lib/ai/models';
import { serveBundledPage } from '../tests/helpers/bundlePage';
import type { BenchContext } from './run';
import type { Metrics } from './results';

const ROOT = resolve(import.meta.dirname, '..');

export async function run({ browser, serverUrl }: BenchContext): Promise<Metrics> {
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
    const app = await autoAnnotateInApp(browser, serverUrl);
    const metrics: Metrics = {
      appAutoAnnotateFps: { value: Math.round(app.fps * 100) / 100, unit: 'frames/s', better: 'higher' },
      appAutoAnnotateObjects: { value: app.objects, unit: 'objects', better: 'higher' },
    };
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

/**
 * The whole flow in the built app: a 20-frame task of 1920-px people photos annotated by
 * BlazeFace from the Automatic annotation dialog (frame decode, worker inference, mapping and
 * repository writes), timed from Annotate to Done.
 */
async function autoAnnotateInApp(browser: BenchContext['browser'], serverUrl: string) {
  const photos = join(ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo');
  const files = Array.from({ length: 20 }, (_, i) => ({
    name: `photo_${String(i).padStart(2, '0')}.jpg`,
    mimeType: 'image/jpeg',
    buffer: readFileSync(join(photos, `sample${(i % 6) + 1}.jpg`)),
  }));
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  try {
    await page.goto(serverUrl);
    await page.getByTestId('new-project').click();
    await page.getByTestId('project-name').fill('Faces bench');
    await page.getByRole('tab', { name: 'Raw' }).click();
    await page
      .getByTestId('labels-raw')
      .fill(JSON.stringify([{ name: 'face', color: '#ff0000', type: 'rectangle', attributes: [] }]));
    await page.getByTestId('labels-raw-apply').click();
    await page.getByTestId('create-project').click();
    await page.getByTestId('project-title').waitFor();
    await page.getByTestId('file-input').setInputFiles(files);
    await page.getByTestId('task-name').fill('People');
    await page.getByTestId('create-task').click();
    await page.getByTestId('task-title').waitFor({ timeout: 120_000 });
    await page.getByTestId('auto-annotate-open').click();
    const dialog = page.getByTestId('auto-annotate');
    await dialog.getByTestId('auto-model').selectOption({ label: 'Face detection (BlazeFace)' });
    const t0 = Date.now();
    await dialog.getByTestId('auto-run').click();
    const message = dialog.getByTestId('auto-message');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="auto-message"]')?.textContent?.startsWith('Done') ?? false,
      undefined,
      { timeout: 300_000 },
    );
    const seconds = (Date.now() - t0) / 1000;
    const objects = Number(/Done: (\d+) objects/.exec((await message.textContent()) ?? '')?.[1] ?? 0);
    return { fps: files.length / seconds, objects };
  } finally {
    await context.close();
  }
}
