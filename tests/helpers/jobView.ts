/**
 * Driving the app like an annotator in the end-to-end tests: make a project from raw labels,
 * a task from files, open its first job, and point, click and drag on the canvas by fractions
 * of its box.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Page } from 'playwright-core';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A project from CVAT label JSON, through the Raw tab of the label editor. */
export async function createProject(page: Page, serverUrl: string, name: string, labels: unknown[]) {
  await page.goto(`${serverUrl}/projects/new`);
  await page.getByTestId('project-name').fill(name);
  await page.getByRole('tab', { name: 'Raw' }).click();
  await page.getByTestId('labels-raw').fill(JSON.stringify(labels));
  await page.getByTestId('labels-raw-apply').click();
  await page.getByTestId('create-project').click();
  await page.getByTestId('project-title').waitFor();
}

/** A task of the open project from files on disk; returns when its jobs are listed. */
export async function createTask(page: Page, name: string, files: { path: string; mimeType: string }[]) {
  await page
    .getByTestId('file-input')
    .setInputFiles(
      files.map((f) => ({ name: basename(f.path), mimeType: f.mimeType, buffer: readFileSync(f.path) })),
    );
  await page.getByTestId('task-name').fill(name);
  await page.getByTestId('create-task').click();
  await page.getByTestId('job-link').first().waitFor();
}

/** Opens the first job of the task page and waits for frame 0; returns the canvas box. */
export async function openFirstJob(page: Page): Promise<Box> {
  await page.getByTestId('job-link').first().click();
  await page.locator('[data-shown-frame="0"]').waitFor();
  const box = await page.getByTestId('canvas').boundingBox();
  if (!box) throw new Error('The job view shows no canvas.');
  return box;
}

/** Mouse input at fractions of the canvas box. */
export function canvasPointer(page: Page, box: Box) {
  const at = (fx: number, fy: number) => ({ x: box.x + box.width * fx, y: box.y + box.height * fy });
  return {
    at,
    async click(fx: number, fy: number, options: { button?: 'left' | 'right' } = {}) {
      const p = at(fx, fy);
      await page.mouse.click(p.x, p.y, options);
    },
    async drag(from: [number, number], to: [number, number]) {
      const a = at(...from);
      const b = at(...to);
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
      await page.mouse.move(b.x, b.y, { steps: 4 });
      await page.mouse.up();
    },
  };
}

/** Types a frame number, waits for the frame, and gives the keyboard back to the shortcuts. */
export async function goToFrame(page: Page, frame: number) {
  const input = page.getByTestId('frame-number');
  await input.fill(String(frame));
  await input.press('Enter');
  await input.blur();
  await page.locator(`[data-shown-frame="${frame}"]`).waitFor();
}

/** Waits until every edit is in IndexedDB. */
export async function waitSaved(page: Page) {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="save-state"]')?.textContent?.trim() === 'Saved',
  );
}
