/**
 * Track mode in the real job view on a video task: draw a track, move it on a later frame
 * (a keyframe), see the interpolated frames, play through, split, merge, propagate, keyframe and
 * outside switches, bookmarks, and reload.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';
import {
  canvasPointer,
  createProject,
  createTask,
  goToFrame as goTo,
  openFirstJob,
  waitSaved,
} from '../helpers/jobView';

let server: TestServer;
let browser: Browser;
let page: Page;
let logs: string[];
let pointer: ReturnType<typeof canvasPointer>;

const at = (fx: number, fy: number) => pointer.at(fx, fy);
const drag = (from: [number, number], to: [number, number]) => pointer.drag(from, to);
const goToFrame = (frame: number) => goTo(page, frame);
const saved = () => waitSaved(page);

async function rows(): Promise<string[]> {
  return page.getByTestId('object-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
}

async function selectRow(id: string) {
  await page.locator(`[data-testid="object-row"][data-id="${id}"]`).dispatchEvent('pointerdown');
}

async function geometry(): Promise<number[]> {
  const text = (await page.getByTestId('selected-points').textContent()) ?? '';
  return text.match(/-?\d+(\.\d+)?/g)?.map(Number) ?? [];
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  ({ page, logs } = await newContext(browser));
  await createProject(page, server.url, 'Tracks', [{ name: 'car', type: 'any' }]);
  await createTask(page, 'Clip', [
    { path: join(ASSETS, 'media/video/datumaro/test.mp4'), mimeType: 'video/mp4' },
  ]);
  pointer = canvasPointer(page, await openFirstJob(page));
});

afterEach((test) => {
  if (test.task.result?.state === 'fail') console.log(logs.join('\n'));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('track mode', () => {
  let first = '';

  it('draws a track on a video task, which is in track mode by default', async () => {
    expect(await page.getByTestId('draw-mode-track').getAttribute('aria-checked')).toBe('true');
    await page.getByTestId('tool-rectangle').click();
    await drag([0.2, 0.2], [0.4, 0.4]);
    await expect.poll(rows).toHaveLength(1);
    first = (await rows())[0]!;
    await selectRow(first);
    await page.getByTestId('track-controls').waitFor();
    expect(await page.getByTestId('track-keyframe').getAttribute('aria-pressed')).toBe('true');
    // The track is on every later frame.
    await goToFrame(8);
    expect(await rows()).toEqual([first]);
  });

  it('moves the track on a later frame, which makes a keyframe, and interpolates between', async () => {
    await selectRow(first);
    const before = await geometry();
    await drag([0.3, 0.3], [0.5, 0.3]);
    await saved();
    await selectRow(first);
    const after = await geometry();
    expect(after[0]! - before[0]!).toBeGreaterThan(20);
    expect(await page.getByTestId('track-keyframe').getAttribute('aria-pressed')).toBe('true');
    await goToFrame(4);
    await selectRow(first);
    const mid = await geometry();
    expect(mid[0]).toBeCloseTo((before[0]! + after[0]!) / 2, 0);
    expect(await page.getByTestId('track-keyframe').getAttribute('aria-pressed')).toBe('false');
    // Next keyframe (R) and previous keyframe (E).
    await page.keyboard.press('r');
    await page.locator('[data-shown-frame="8"]').waitFor();
    await page.keyboard.press('e');
    await page.locator('[data-shown-frame="0"]').waitFor();
  });

  it('plays through the track', async () => {
    await page.keyboard.press(' ');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-shown-frame]')?.getAttribute('data-shown-frame')) >= 12,
    );
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByTestId('play').getAttribute('aria-label')).toBe('Play');
    expect(await rows()).toEqual([first]);
  });

  it('splits the track in two and merges them back', async () => {
    await goToFrame(12);
    await selectRow(first);
    await page.getByTestId('track-split').click();
    const ids12 = await rows();
    expect(ids12).toHaveLength(1);
    const second = ids12[0]!;
    expect(second).not.toBe(first);
    await goToFrame(11);
    expect(await rows()).toEqual([first]);
    // Merge: M, click each track (on different frames), M.
    await page.keyboard.press('m');
    await page.getByTestId('edit-mode').waitFor();
    await page.mouse.click(at(0.5, 0.3).x, at(0.5, 0.3).y);
    await goToFrame(12);
    await page.mouse.click(at(0.5, 0.3).x, at(0.5, 0.3).y);
    await expect.poll(() => page.getByTestId('edit-mode').textContent()).toContain('2 selected');
    await page.keyboard.press('m');
    await saved();
    const merged = (await rows())[0]!;
    expect([first, second]).not.toContain(merged);
    await goToFrame(11);
    expect(await rows()).toEqual([merged]);
    first = merged;
  });

  it('switches outside (O) and keyframes (K), and keeps them after a reload', async () => {
    await goToFrame(20);
    await selectRow(first);
    await page.keyboard.press('o');
    await expect.poll(rows).toHaveLength(0);
    await goToFrame(25);
    expect(await rows()).toHaveLength(0);
    await goToFrame(16);
    await selectRow(first);
    await page.keyboard.press('k');
    await expect.poll(() => page.getByTestId('track-keyframe').getAttribute('aria-pressed')).toBe('true');
    await saved();
    await page.reload();
    await page.locator('[data-shown-frame]').first().waitFor();
    await goToFrame(16);
    expect(await rows()).toEqual([first]);
    await selectRow(first);
    expect(await page.getByTestId('track-keyframe').getAttribute('aria-pressed')).toBe('true');
    await goToFrame(22);
    expect(await rows()).toHaveLength(0);
  });

  it('propagates a shape to the next frames and bookmarks a frame', async () => {
    await goToFrame(22);
    await page.getByTestId('draw-mode-shape').click();
    await page.getByTestId('tool-rectangle').click();
    await drag([0.6, 0.6], [0.8, 0.8]);
    await expect.poll(rows).toHaveLength(1);
    await selectRow((await rows())[0]!);
    await page.keyboard.press('Control+b');
    await page.getByTestId('propagate-count').fill('3');
    await page.getByTestId('propagate-apply').click();
    for (const f of [23, 24, 25]) {
      await goToFrame(f);
      expect(await rows()).toHaveLength(1);
    }
    await goToFrame(26);
    expect(await rows()).toHaveLength(0);
    await page.getByTestId('bookmark').click();
    await goToFrame(3);
    await page.getByTestId('bookmarks').selectOption('26');
    await page.locator('[data-shown-frame="26"]').waitFor();
  });

  it('tracks a mask: drawn in track mode, held on the next frames, edited into a keyframe', async () => {
    await goToFrame(27);
    await page.getByTestId('draw-mode-track').click();
    await page.getByTestId('tool-mask').click();
    await page.getByTestId('mask-controls').waitFor();
    await page.getByTestId('mask-size').fill('20');
    await page.getByTestId('mask-size').dispatchEvent('change');
    await drag([0.1, 0.8], [0.3, 0.85]);
    await page.getByTestId('mask-finish').click();
    await expect.poll(() => page.getByTestId('mask-controls').count()).toBe(0);
    await saved();
    const ids = await rows();
    const mask = ids.find((id) => id !== first)!;
    await selectRow(mask);
    expect(await page.getByTestId('selected-points').getAttribute('data-type')).toBe('mask');
    await page.getByTestId('track-controls').waitFor();
    await goToFrame(29);
    expect(await rows()).toContain(mask);
  });

  it('joins two masks into one (J)', async () => {
    await goToFrame(2);
    await page.getByTestId('draw-mode-shape').click();
    const before = (await rows()).length;
    // Two masks side by side become one.
    for (const from of [0.55, 0.7] as const) {
      await page.getByTestId('tool-mask').click();
      await page.getByTestId('mask-controls').waitFor();
      await drag([from, 0.6], [from + 0.1, 0.62]);
      await page.getByTestId('mask-finish').click();
      await expect.poll(() => page.getByTestId('mask-controls').count()).toBe(0);
    }
    await expect.poll(rows).toHaveLength(before + 2);
    await page.keyboard.press('j');
    await page.getByTestId('edit-mode').waitFor();
    await pointer.click(0.6, 0.61);
    await pointer.click(0.75, 0.61);
    await expect.poll(() => page.getByTestId('edit-mode').textContent()).toContain('2 selected');
    await page.keyboard.press('j');
    await expect.poll(rows).toHaveLength(before + 1);
  });

  it('slices the selected polygon along a drawn line (Alt+J)', async () => {
    await goToFrame(3);
    await page.getByTestId('draw-mode-shape').click();
    await page.getByTestId('tool-polygon').click();
    for (const [x, y] of [
      [0.1, 0.5],
      [0.4, 0.5],
      [0.4, 0.8],
      [0.1, 0.8],
    ] as const)
      await pointer.click(x, y);
    await page.keyboard.press('n');
    await saved();
    const before = (await rows()).length;
    // The new polygon is selected: Alt+J goes straight to drawing the cut across it.
    await page.keyboard.press('Alt+j');
    await page.getByTestId('edit-mode').waitFor();
    await pointer.click(0.25, 0.45);
    await pointer.click(0.25, 0.85);
    await page.keyboard.press('n');
    await expect.poll(rows).toHaveLength(before + 1);
    expect(await page.getByTestId('edit-mode').count()).toBe(0);
  });
});
