/**
 * Detectors end to end in the built app: a user model (the hand-built cell detector, an
 * Ultralytics-style export with class names in its metadata) is added on the Models page, a
 * 20-frame task is annotated automatically with a label mapping, re-run with "Clean old
 * annotations", and the detector tab of a job annotates the current frame as one undo step.
 */
import { encode } from 'fast-png';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';
import { cellDetector } from '../unit/ai/fixtures';

const FRAMES = 20;

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let logs: string[];

/** Frame i (128×64): a red 16-px square moving along the top, a blue one fixed bottom right. */
function frame(i: number): Buffer {
  const w = 128;
  const h = 64;
  const data = new Uint8Array(w * h * 3);
  const fill = (x0: number, y0: number, rgb: [number, number, number]) => {
    for (let y = y0; y < y0 + 16; y++) for (let x = x0; x < x0 + 16; x++) data.set(rgb, (y * w + x) * 3);
  };
  fill(16 * (i % 6), 0, [255, 0, 0]);
  fill(96, 48, [0, 0, 255]);
  return Buffer.from(encode({ width: w, height: h, data, channels: 3, depth: 8 }));
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  ({ context, page, logs } = await newContext(browser, { captureLogs: true }));
});

afterAll(async () => {
  if (logs?.some((l) => l.startsWith('[error]'))) console.log(logs.join('\n'));
  await context?.close();
  await browser?.close();
  await server?.stop();
});

async function objectLabels(): Promise<string[]> {
  return (
    await page
      .getByTestId('object-label')
      .evaluateAll((els) =>
        els.map((e) =>
          e instanceof HTMLSelectElement ? (e.selectedOptions[0]?.textContent ?? '') : (e.textContent ?? ''),
        ),
      )
  )
    .map((s) => s.trim())
    .sort();
}

describe('automatic annotation with a user model', () => {
  it('creates a project and a 20-frame task in two jobs', async () => {
    await page.goto(server.url);
    await page.getByTestId('new-project').click();
    await page.getByTestId('project-name').fill('Shapes');
    await page.getByRole('tab', { name: 'Raw' }).click();
    await page.getByTestId('labels-raw').fill(
      JSON.stringify([
        { name: 'car', color: '#ff0000', type: 'rectangle', attributes: [] },
        { name: 'Blue thing', color: '#0000ff', type: 'any', attributes: [] },
        { name: 'tree', color: '#00ff00', type: 'polygon', attributes: [] },
      ]),
    );
    await page.getByTestId('labels-raw-apply').click();
    await page.getByTestId('create-project').click();
    await page.getByTestId('project-title').waitFor();
    await page.getByTestId('file-input').setInputFiles(
      Array.from({ length: FRAMES }, (_, i) => ({
        name: `frame_${String(i).padStart(2, '0')}.png`,
        mimeType: 'image/png',
        buffer: frame(i),
      })),
    );
    await page.getByTestId('task-name').fill('Moving squares');
    await page.getByTestId('advanced').locator('summary').click();
    await page.getByTestId('segment-size').fill('10');
    await page.getByTestId('create-task').click();
    // A single new task opens by itself.
    await page.getByTestId('task-title').waitFor();
    expect(await page.getByTestId('job-list').locator('tbody tr').count()).toBe(2);
  });

  it('adds the detector on the Models page, with its class names read from the metadata', async () => {
    const taskUrl = page.url();
    await page.goto(`${server.url}/models`);
    await page.getByTestId('model-list').waitFor();
    // Built-in models are listed with their type and framework.
    const builtin = page.locator('[data-model-id="builtin:blazeface"]');
    expect(await builtin.textContent()).toContain('converted from TF.js');
    await page.getByTestId('model-add').setInputFiles({
      name: 'cells.onnx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(cellDetector()),
    });
    await expect.poll(() => page.getByTestId('model-add-message').textContent()).toContain('Cell detector');
    const row = page.getByTestId('model-row').filter({ hasText: 'Cell detector' });
    expect(await row.textContent()).toContain('red thing, blue_thing');
    expect(await row.textContent()).toContain('Ultralytics');
    // A file that is not a model is refused with a reason.
    await page.getByTestId('model-add').setInputFiles({
      name: 'notes.onnx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('nope'),
    });
    expect(await page.getByTestId('model-add-error').textContent()).toMatch(/notes.onnx: .*ONNX/);
    await page.goto(taskUrl);
    await page.getByTestId('task-title').waitFor();
  });

  it('shows the backend and makes a built-in model available offline', async () => {
    const taskUrl = page.url();
    await page.goto(`${server.url}/models`);
    // Headless Chromium here has only a software WebGPU adapter: wasm, threaded (cross-origin isolated).
    const info = page.getByTestId('backend-info');
    await info.waitFor();
    expect(await info.getAttribute('data-backend')).toBe('wasm');
    expect(Number(await info.getAttribute('data-threads'))).toBeGreaterThan(1);
    const face = page.locator('[data-model-id="builtin:blazeface"]');
    expect(await face.getAttribute('data-offline')).toBe('false');
    await face.getByTestId('model-offline-action').click();
    await expect.poll(() => face.getAttribute('data-offline'), { timeout: 30_000 }).toBe('true');
    expect(await face.getByTestId('model-offline').textContent()).toContain('cached');
    await page.goto(taskUrl);
    await page.getByTestId('task-title').waitFor();
  });

  it('annotates the whole task through the label mapping, with progress', async () => {
    await page.getByTestId('auto-annotate-open').click();
    const dialog = page.getByTestId('auto-annotate');
    await dialog.getByTestId('auto-model').selectOption({ label: 'Cell detector' });
    // "blue_thing" matches "Blue thing" by name; "red thing" is mapped to "car" by hand.
    const red = dialog.locator('[data-model-label="red thing"] select');
    const blue = dialog.locator('[data-model-label="blue_thing"] select');
    expect(await blue.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).toBe(
      'Blue thing',
    );
    expect(await red.inputValue()).toBe('');
    // A polygon label cannot take boxes, so it is not offered.
    expect(await red.locator('option').allTextContents()).toEqual(['—', 'car', 'Blue thing']);
    await red.selectOption({ label: 'car' });
    expect(await dialog.getByTestId('mapping-count').textContent()).toContain('2 of 2');
    await dialog.getByTestId('auto-run').click();
    await expect
      .poll(() => dialog.getByTestId('auto-message').textContent(), { timeout: 60_000 })
      .toBe(`Done: ${2 * FRAMES} objects on ${FRAMES} frames.`);
    expect(await dialog.getByTestId('auto-progress').getAttribute('value')).toBe(String(FRAMES));
  });

  it('cleans old annotations when asked instead of adding to them', async () => {
    const dialog = page.getByTestId('auto-annotate');
    await dialog.getByTestId('auto-scope').selectOption({ index: 1 }); // job #1
    await dialog.getByTestId('auto-cleanup').check();
    await dialog.getByTestId('auto-run').click();
    await expect
      .poll(() => dialog.getByTestId('auto-message').textContent(), { timeout: 60_000 })
      .toBe('Done: 20 objects on 10 frames.');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('shows the results in the job as auto shapes at the right places', async () => {
    await page.getByTestId('job-link').nth(1).click();
    await page.locator('[data-shown-frame="10"]').waitFor();
    await expect.poll(() => page.getByTestId('object-row').count()).toBe(2);
    expect(await objectLabels()).toEqual(['Blue thing', 'car']);
  });

  it('annotates the current frame from the Detectors tab as one undo step', async () => {
    await page.getByTestId('ai-tools-toggle').click();
    await page.getByRole('tab', { name: 'Detectors' }).click();
    const panel = page.getByTestId('detector-panel');
    await panel.getByTestId('detector-model').selectOption({ label: 'Cell detector' });
    await panel.locator('[data-model-label="red thing"] select').selectOption({ label: 'car' });
    await panel.getByTestId('detector-annotate').click();
    await expect
      .poll(() => panel.getByTestId('detector-status').textContent(), { timeout: 30_000 })
      .toMatch(/^2 objects added/);
    await expect.poll(() => page.getByTestId('object-row').count()).toBe(4);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('object-row').count()).toBe(2);
  });

  it('runs a model made available offline with the network cut', async () => {
    await context.setOffline(true);
    try {
      const panel = page.getByTestId('detector-panel');
      await panel.getByTestId('detector-model').selectOption({ label: 'Face detection (BlazeFace)' });
      await panel.locator('[data-model-label="face"] select').selectOption({ label: 'car' });
      await panel.getByTestId('detector-annotate').click();
      await expect
        .poll(() => panel.getByTestId('detector-status').textContent(), { timeout: 30_000 })
        .toMatch(/objects? added \(\d+ found\) in \d+ ms on wasm/);
    } finally {
      await context.setOffline(false);
    }
  });

  it('runs on WebGPU when the setting forces it (the software adapter here)', async () => {
    const jobUrl = page.url();
    await page.goto(`${server.url}/models`);
    await page.getByTestId('backend-setting').selectOption('webgpu');
    const info = page.getByTestId('backend-info');
    await expect.poll(() => info.getAttribute('data-backend')).toBe('webgpu');
    expect(await info.textContent()).toMatch(/WebGPU forced by the setting, on a software fallback adapter/);
    await page.goto(jobUrl);
    await page.getByTestId('ai-tools-toggle').click();
    await page.getByRole('tab', { name: 'Detectors' }).click();
    const panel = page.getByTestId('detector-panel');
    await panel.getByTestId('detector-model').selectOption({ label: 'Cell detector' });
    await panel.locator('[data-model-label="red thing"] select').selectOption({ label: 'car' });
    await panel.getByTestId('detector-annotate').click();
    await expect
      .poll(() => panel.getByTestId('detector-status').textContent(), { timeout: 60_000 })
      .toMatch(/^2 objects added \(2 found\) in \d+ ms on webgpu$/);
    await page.evaluate(() => localStorage.removeItem('loupe.ai.backend'));
  });

  it('removes a user model from this browser', async () => {
    await page.goto(`${server.url}/models`);
    const row = page.getByTestId('model-row').filter({ hasText: 'Cell detector' });
    await row.waitFor();
    page.once('dialog', (d) => void d.accept());
    await row.getByTestId('model-remove').click();
    await expect
      .poll(() => page.getByTestId('model-row').filter({ hasText: 'Cell detector' }).count())
      .toBe(0);
    await page.reload();
    await page.getByTestId('model-list').waitFor();
    expect(await page.getByTestId('model-row').filter({ hasText: 'Cell detector' }).count()).toBe(0);
    expect(await page.locator('[data-builtin="true"]').count()).toBe(4);
  });
});
