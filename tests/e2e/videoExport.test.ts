/**
 * Exporting a video task with "save images": the frames are decoded in the io worker and written
 * as JPEG files beside the annotations, as CVAT writes a video task's frames.
 */
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';
import { createProject, createTask } from '../helpers/jobView';

let server: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  ({ page } = await newContext(browser));
  await createProject(page, server.url, 'Clips', [{ name: 'car', type: 'any' }]);
  await createTask(page, 'Clip', [
    { path: join(ASSETS, 'media/video/cvat/video_1.mp4'), mimeType: 'video/mp4' },
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  for (let i = 2; i + 9 < bytes.length;) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1]!;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xc3) {
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    }
    i += 2 + length;
  }
  return undefined;
}

describe('a video task exported with its frames', () => {
  it('writes every frame as a JPEG of the video size, each one different', async () => {
    const summary = (await page.getByTestId('task-summary').textContent()) ?? '';
    const frames = Number(/(\d+) frames/.exec(summary)?.[1]);
    expect(frames).toBeGreaterThan(1);

    await page.getByTestId('export-task').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.getByTestId('export-format').selectOption('cvat-video');
    await dialog.getByTestId('export-save-images').check();
    const [event] = await Promise.all([
      page.waitForEvent('download', { timeout: 120_000 }),
      dialog.getByTestId('export-start').click(),
    ]);
    const entries = unzipSync(new Uint8Array(readFileSync(await event.path())));
    const images = Object.keys(entries)
      .filter((name) => name.startsWith('images/'))
      .sort();
    expect(images).toHaveLength(frames);
    const sizes = images.map((name) => jpegSize(entries[name]!));
    expect(sizes[0]).toBeDefined();
    expect(sizes.every((s) => s?.width === sizes[0]!.width && s?.height === sizes[0]!.height)).toBe(true);
    expect(sizes[0]!.width).toBeGreaterThan(0);
    // Decoded frames, not one picture repeated.
    const distinct = new Set(images.map((name) => Buffer.from(entries[name]!).toString('base64')));
    expect(distinct.size).toBeGreaterThan(1);
    expect(Object.keys(entries)).toContain('annotations.xml');
  });
});
