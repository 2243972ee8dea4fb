/**
 * The first real flow, as an annotator does it: create a project with labels, create a task
 * from local images, open a job, draw and edit a rectangle, undo and redo, reload, and keep
 * working with the network cut.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';

const IMAGES = [
  join(ASSETS, 'media/images_exif_orientation/recurser_all_8_orientations/Landscape_1.jpg'),
  join(ASSETS, 'media/images_exif_orientation/recurser_all_8_orientations/Landscape_6.jpg'),
];
const PNG = join(ASSETS, 'coco_1.0/cvat-server-exports/job14/extracted/images/68.png');

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let logs: string[];

async function selectedPoints(): Promise<number[]> {
  const text = await page.getByTestId('selected-points').textContent();
  return (text ?? '').split(',').map((v) => Number(v.trim()));
}

async function canvasBox() {
  const box = await page.getByTestId('canvas').boundingBox();
  if (!box) throw new Error('canvas not laid out');
  return box;
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  ({ context, page, logs } = await newContext(browser, { serviceWorkers: 'allow' }));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('first flow: project → task → job → rectangle, persistent and offline', () => {
  it('serves a cross-origin isolated app and installs the service worker', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return registration.active?.state;
    });
    // The first visit installs the worker; from the next navigation on it controls the page.
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  });

  it('shows storage use, quota and persistence in settings', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('storage-quota').waitFor();
    expect(await page.getByTestId('storage-quota').textContent()).toMatch(/\d+(\.\d)? (MB|GB|TB)/);
    expect(await page.getByTestId('storage-persisted').textContent()).toBeTruthy();
    await page.getByRole('link', { name: 'Projects' }).click();
  });

  it('rejects labels JSON that fails the schema, naming the bad field', async () => {
    await page.getByTestId('new-project').click();
    await page.getByTestId('project-name').fill('Street scenes');
    await page.getByRole('tab', { name: 'Raw' }).click();
    await page.getByTestId('labels-raw').fill(
      JSON.stringify([
        {
          name: 'car',
          attributes: [{ name: 'model', input_type: 'dropdown', mutable: false, values: ['a'] }],
        },
      ]),
    );
    await page.getByTestId('labels-raw-apply').click();
    const errors = page.getByTestId('labels-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toContain('[0].attributes[0].input_type');
  });

  it('creates a project with labels from raw JSON and the constructor', async () => {
    await page.getByTestId('labels-raw').fill(
      JSON.stringify([
        {
          name: 'car',
          color: '#ff6600',
          attributes: [
            {
              name: 'model',
              input_type: 'select',
              mutable: false,
              values: ['sedan', 'truck'],
              default_value: 'sedan',
            },
          ],
        },
      ]),
    );
    await page.getByTestId('labels-raw-apply').click();
    await page.getByRole('tab', { name: 'Constructor' }).click();
    expect(await page.getByTestId('label-row').count()).toBe(1);
    await page.getByTestId('add-label').click();
    await page.getByTestId('label-name-1').fill('person');
    await page.getByTestId('create-project').click();
    await page.getByTestId('project-title').waitFor();
    expect(await page.getByTestId('project-title').textContent()).toBe('Street scenes');
    const labels = await page.locator('.chip').allTextContents();
    expect(labels.join(' ')).toContain('car');
    expect(labels.join(' ')).toContain('person');
  });

  it('creates a task from dropped and picked files, skipping a non-image by name', async () => {
    // Drag-and-drop of one PNG, built in the page from the real file's bytes.
    const png = readFileSync(PNG).toString('base64');
    await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'z-frame.png', { type: 'image/png' }));
      const zone = document.querySelector('[data-testid="drop-zone"]');
      zone?.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, png);
    await page.getByTestId('file-input').setInputFiles([
      ...IMAGES.map((path) => ({
        name: path.split('/').pop()!,
        mimeType: 'image/jpeg',
        buffer: readFileSync(path),
      })),
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') },
    ]);
    expect(await page.getByTestId('file-count').textContent()).toContain('4 items');
    await page.getByTestId('task-name').fill('Drive 1');
    await page.getByTestId('advanced').locator('summary').click();
    await page.getByTestId('segment-size').fill('2');
    await page.getByTestId('create-task').click();
    // The task is made from the three images; the text file is named as left out.
    await page.getByTestId('skipped-files').waitFor();
    expect(await page.getByTestId('skipped-files').textContent()).toContain('notes.txt');
    await page.getByTestId('open-created-task').click();
    await page.getByTestId('task-title').waitFor();
    // 3 images in jobs of 2 frames: two jobs, the second with one frame.
    const rows = await page.getByTestId('job-list').locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('0–1');
    expect(rows[1]).toContain('2–2');
  });

  it('changes a job state and finishes it, kept across a reload', async () => {
    const first = page.getByTestId('job-list').locator('tbody tr').first();
    await first.getByTestId('job-state').selectOption('in progress');
    await first.getByTestId('job-finish').click();
    await first.getByTestId('job-confirm').click();
    await expect.poll(() => first.getByTestId('job-stage').inputValue()).toBe('acceptance');
    await page.reload();
    await page.getByTestId('job-list').waitFor();
    const again = page.getByTestId('job-list').locator('tbody tr').first();
    expect(await again.getByTestId('job-state').inputValue()).toBe('completed');
    expect(await again.getByTestId('job-stage').inputValue()).toBe('acceptance');
  });

  it('opens the job on a canvas that fits, zooms and pans', async () => {
    await page.getByTestId('job-link').first().click();
    const canvas = page.getByTestId('canvas');
    await canvas.waitFor();
    await page.locator('[data-shown-frame="0"]').waitFor();
    const fitted = Number(await canvas.getAttribute('data-scale'));
    const box = await canvasBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction(
      (s) => Number(document.querySelector('[data-testid="canvas"]')?.getAttribute('data-scale')) > s,
      fitted,
    );
    await page.getByTestId('fit').click();
    await page.waitForFunction(
      (s) =>
        Math.abs(Number(document.querySelector('[data-testid="canvas"]')?.getAttribute('data-scale')) - s) <
        1e-6,
      fitted,
    );
    // The first frame is 1800×1200 (Landscape_1); the picked files sort naturally.
    expect(await page.locator('.statusbar').textContent()).toContain('1800×1200');
  });

  it('draws a rectangle with the chosen label, moves it, undoes and redoes', async () => {
    await page.getByTestId('draw-label').selectOption({ label: 'person' });
    await page.getByTestId('tool-rectangle').click();
    const box = await canvasBox();
    const x0 = box.x + box.width * 0.4;
    const y0 = box.y + box.height * 0.4;
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move(x0 + 60, y0 + 40, { steps: 5 });
    await page.mouse.move(x0 + 120, y0 + 80, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('object-row').count()).toBe(1);
    expect(await page.getByTestId('object-row').locator('select').inputValue()).toBeTruthy();
    const drawn = await selectedPoints();
    expect(drawn[2]! - drawn[0]!).toBeGreaterThan(10);

    // Drag the selected rectangle from its middle.
    await page.mouse.move(x0 + 60, y0 + 40);
    await page.mouse.down();
    await page.mouse.move(x0 + 100, y0 + 60, { steps: 8 });
    await page.mouse.up();
    await expect.poll(async () => (await selectedPoints())[0]).toBeGreaterThan(drawn[0]! + 5);
    const moved = await selectedPoints();

    await page.keyboard.press('Control+z');
    await page.getByTestId('object-row').first().dispatchEvent('pointerdown');
    await expect.poll(selectedPoints).toEqual(drawn);
    await page.keyboard.press('Control+Shift+z');
    await page.getByTestId('object-row').first().dispatchEvent('pointerdown');
    await expect.poll(selectedPoints).toEqual(moved);
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
  });

  it('navigates frames', async () => {
    await page.getByTestId('next-frame').click();
    expect(await page.getByTestId('frame-number').inputValue()).toBe('1');
    expect(await page.getByTestId('object-row').count()).toBe(0);
    // Landscape_6 is stored 1200×1800 with EXIF orientation 6; it is shown upright, 1800×1200.
    await page.locator('[data-shown-frame="1"]').waitFor();
    expect(await page.locator('.statusbar').textContent()).toContain('Landscape_6.jpg 1800×1200');
    await page.keyboard.press('d');
    expect(await page.getByTestId('frame-number').inputValue()).toBe('0');
    expect(await page.getByTestId('object-row').count()).toBe(1);
  });

  it('deletes a frame, skips it while navigating, and restores it', async () => {
    await page.keyboard.press('f');
    expect(await page.getByTestId('frame-number').inputValue()).toBe('1');
    await page.getByTestId('toggle-frame-deleted').click();
    await page.getByTestId('frame-deleted-banner').waitFor();
    await page.keyboard.press('d');
    expect(await page.getByTestId('frame-number').inputValue()).toBe('0');
    // The deletion is stored with the task: after a reload frame 1 is still skipped.
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
    await page.reload();
    await page.locator('[data-shown-frame="0"]').waitFor();
    await page.keyboard.press('f');
    expect(await page.getByTestId('frame-number').inputValue()).toBe('0');
    await page.getByTestId('show-deleted').check();
    await page.keyboard.press('f');
    expect(await page.getByTestId('frame-number').inputValue()).toBe('1');
    await page.getByTestId('frame-deleted-banner').getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => page.getByTestId('frame-deleted-banner').count()).toBe(0);
    await page.getByTestId('show-deleted').uncheck();
    await page.keyboard.press('d');
    expect(await page.getByTestId('frame-number').inputValue()).toBe('0');
  });

  it('keeps the rectangle and the undo history across a reload', async () => {
    await page.reload();
    await page.getByTestId('object-row').first().waitFor();
    await page.getByTestId('object-row').first().dispatchEvent('pointerdown');
    const moved = await selectedPoints();
    await page.getByTestId('undo').click();
    await page.getByTestId('object-row').first().dispatchEvent('pointerdown');
    const before = await selectedPoints();
    expect(before[0]).toBeLessThan(moved[0]!);
    await page.getByTestId('undo').click();
    await expect.poll(() => page.getByTestId('object-row').count()).toBe(0);
    await page.getByTestId('redo').click();
    await page.getByTestId('redo').click();
    await page.getByTestId('object-row').first().dispatchEvent('pointerdown');
    await expect.poll(selectedPoints).toEqual(moved);
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
  });

  it('reloads and keeps working with the network cut', async () => {
    const jobUrl = page.url();
    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('object-row').first().waitFor();
    expect(await page.getByTestId('network-status').count()).toBe(0); // immersive job view has no header
    await page.getByTestId('tool-rectangle').click();
    const box = await canvasBox();
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.25);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.33, box.y + box.height * 0.33, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('object-row').count()).toBe(2);
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
    await page.goto(server.url);
    await page.getByTestId('project-list').waitFor();
    expect(await page.getByTestId('network-status').textContent()).toContain('Offline');
    await page.goto(jobUrl);
    await expect.poll(() => page.getByTestId('object-row').count()).toBe(2);
    await context.setOffline(false);
    expect(logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
