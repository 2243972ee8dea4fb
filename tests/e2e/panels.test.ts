/**
 * The job view's panels in Chromium with the real server and IndexedDB: the filter (builder,
 * text form, recent list, matching-frame jumps), the shapes converter and "remove filtered
 * shapes" with undo, attribute annotation mode from the keyboard, the context images grid, and
 * review issues from opening to accepting the job.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';

let server: TestServer;
let browser: Browser;
let page: Page;
let logs: string[];
let box: { x: number; y: number; width: number; height: number };

const CASE = join(
  ASSETS,
  'media/related_images_2d/cvat/case_90_context_image_extracted/case_90_context_image',
);
const PNGS = [
  join(CASE, 'image_case_90_1.png'),
  join(CASE, 'image_case_90_2.png'),
  join(CASE, 'related_images/image_case_90_1_png/context_image_for_image_1.png'),
  join(CASE, 'related_images/image_case_90_2_png/context_image_for_image_2.png'),
].map((path) => new Uint8Array(readFileSync(path)));

/** Three frames, each with the four PNGs as its context images (CVAT's related_images layout). */
function taskZip(): Buffer {
  const files: Record<string, Uint8Array> = {};
  for (const [i, name] of ['a', 'b', 'c'].entries()) {
    files[`set/${name}.png`] = PNGS[i]!;
    PNGS.forEach((png, k) => (files[`set/related_images/${name}_png/context_${k + 1}.png`] = png));
  }
  return Buffer.from(zipSync(files, { level: 0 }));
}

const at = (fx: number, fy: number) => ({ x: box.x + box.width * fx, y: box.y + box.height * fy });

async function drag(from: [number, number], to: [number, number]) {
  const a = at(...from);
  const b = at(...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
}

async function click(fx: number, fy: number) {
  const p = at(fx, fy);
  await page.mouse.click(p.x, p.y);
}

const rows = () => page.getByTestId('object-row');

async function goToFrame(frame: number) {
  await page.getByTestId('frame-number').fill(String(frame));
  await page.getByTestId('frame-number').press('Enter');
  await page.locator(`[data-shown-frame="${frame}"]`).waitFor();
}

async function currentFrame(): Promise<number> {
  return Number(await page.getByTestId('frame-number').inputValue());
}

async function drawRectangle(label: string, from: [number, number], to: [number, number]) {
  await page.getByTestId('draw-label').selectOption({ label });
  await page.getByTestId('tool-rectangle').click();
  await drag(from, to);
  await page.getByTestId('selected-points').waitFor();
}

async function drawPolygon(label: string, points: [number, number][]) {
  await page.getByTestId('draw-label').selectOption({ label });
  await page.getByTestId('tool-polygon').click();
  for (const p of points) await click(...p);
  await page.keyboard.press('n');
  await page.getByTestId('selected-points').waitFor();
}

/** The stored type of each object row on the frame, bottom to top. */
async function rowTypes(): Promise<string[]> {
  const types: string[] = [];
  for (let i = 0; i < (await rows().count()); i++) {
    await rows().nth(i).dispatchEvent('pointerdown');
    types.push((await page.getByTestId('selected-points').getAttribute('data-type')) ?? '');
  }
  return types;
}

async function applyFilterRule(field: string, value: string, operator?: string) {
  const rule = page.getByTestId('filter-rule').last();
  await page.getByTestId('filter-add-rule').first().click();
  await rule.getByTestId('filter-field').selectOption(field);
  if (operator) await rule.getByTestId('filter-operator').selectOption(operator);
  await rule.getByTestId('filter-value').first().selectOption(value);
}

/** Keys go to the window, not to a focused drop-down. */
async function blur() {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

async function zoom(): Promise<number> {
  return Number((await page.getByTestId('zoom').textContent())?.replace('%', ''));
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  ({ page, logs } = await newContext(browser));
  await page.goto(`${server.url}/projects/new`);
  await page.getByTestId('project-name').fill('Panels');
  await page.getByRole('tab', { name: 'Raw' }).click();
  await page.getByTestId('labels-raw').fill(
    JSON.stringify([
      {
        name: 'car',
        type: 'any',
        attributes: [
          {
            name: 'color',
            input_type: 'select',
            mutable: false,
            values: ['red', 'blue', 'green'],
            default_value: 'red',
          },
        ],
      },
      { name: 'person', type: 'any', attributes: [] },
    ]),
  );
  await page.getByTestId('labels-raw-apply').click();
  await page.getByTestId('create-project').click();
  await page.getByTestId('project-title').waitFor();
  await page
    .getByTestId('file-input')
    .setInputFiles([{ name: 'set.zip', mimeType: 'application/zip', buffer: taskZip() }]);
  await page.getByTestId('task-name').fill('Panels');
  await page.getByTestId('create-task').click();
  await page.getByTestId('job-link').first().click();
  await page.locator('[data-shown-frame="0"]').waitFor();
  const b = await page.getByTestId('canvas').boundingBox();
  if (!b) throw new Error('no canvas');
  box = b;

  // Frame 0: a red car and a person polygon; frame 1: a person; frame 2: a blue car.
  await drawRectangle('car', [0.2, 0.2], [0.35, 0.35]);
  await drawPolygon('person', [
    [0.5, 0.5],
    [0.7, 0.5],
    [0.7, 0.7],
    [0.5, 0.7],
  ]);
  await goToFrame(1);
  await drawRectangle('person', [0.3, 0.3], [0.4, 0.4]);
  await goToFrame(2);
  await drawRectangle('car', [0.6, 0.2], [0.8, 0.4]);
  const row = rows().first();
  await row.getByTestId('toggle-details').click();
  await row.locator('[data-testid="attribute-editor"][data-name="color"] select').selectOption('blue');
  await goToFrame(0);
  expect(await rows().count()).toBe(2);
}, 180_000);

afterAll(async () => {
  if (logs?.some((l) => l.startsWith('[pageerror]'))) console.log(logs.join('\n'));
  await browser?.close();
  await server?.stop();
});

describe('panels in the job view', () => {
  it('filters the sidebar by label and attribute, jumps to matching frames, reuses a recent filter', async () => {
    await page.getByTestId('filter-open').click();
    await applyFilterRule('label', 'car');
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => rows().count()).toBe(1);
    expect(await page.getByTestId('filter-summary').textContent()).toContain('label == "car"');

    // The next frame with a car is 2 (frame 1 has only a person).
    await page.getByTestId('filter-next').click();
    await page.locator('[data-shown-frame="2"]').waitFor();
    expect(await rows().count()).toBe(1);
    await page.getByTestId('filter-previous').click();
    await page.locator('[data-shown-frame="0"]').waitFor();

    // Car and colour blue: only frame 2's car.
    await page.getByTestId('filter-open').click();
    await applyFilterRule('attr.car.color', 'blue');
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => rows().count()).toBe(0);
    await page.getByTestId('filter-next').click();
    await page.locator('[data-shown-frame="2"]').waitFor();
    expect(await rows().count()).toBe(1);
    await page.getByTestId('filter-next').click();
    expect(await page.getByTestId('filter-notice').textContent()).toMatch(/No next frame/);
    expect(await currentFrame()).toBe(2);

    // The text form, with an error that says what is wrong.
    await goToFrame(0);
    await page.getByTestId('filter-open').click();
    await page.getByTestId('filter-text-mode').click();
    expect(await page.getByTestId('filter-text').inputValue()).toContain('attr.car.color');
    await page.getByTestId('filter-text').fill('{"==": [{"var": "label"}]}');
    await page.getByTestId('filter-apply').click();
    expect(await page.getByTestId('filter-error').textContent()).toMatch(/at \["=="\]: == takes 2 arguments/);
    await page.getByTestId('filter-text').fill('{"==": [{"var": "label"}, "person"]}');
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rowTypes()).toEqual(['polygon']);

    // The recent list, newest first, kept across a reload.
    await page.reload();
    await page.locator('[data-shown-frame="0"]').waitFor();
    await page.getByTestId('filter-open').click();
    const recent = page.getByTestId('filter-recent');
    expect(await recent.allTextContents()).toEqual([
      'label == "person"',
      'label == "car" and attr.car.color == "blue"',
      'label == "car"',
    ]);
    const recentCar = async () => {
      if (!(await recent.first().isVisible())) await page.getByTestId('filter-open').click();
      await recent.filter({ hasText: /^label == "car"$/ }).click();
      await expect.poll(() => rows().count()).toBe(1);
      expect(await rowTypes()).toEqual(['rectangle']);
    };
    await recentCar();

    // A negated Or group: not (person or colour blue) leaves frame 0's red car.
    await page.getByTestId('filter-open').click();
    await page.getByTestId('filter-clear').click();
    await page.getByTestId('filter-open').click();
    await page.getByTestId('filter-add-group').click();
    const group = page.getByTestId('filter-group').nth(1);
    await group.getByTestId('filter-not').check();
    await group.getByTestId('filter-conjunction').selectOption('or');
    await group.getByTestId('filter-add-rule').click();
    await group.getByTestId('filter-rule').last().getByTestId('filter-value').selectOption('person');
    await group.getByTestId('filter-add-rule').click();
    await group.getByTestId('filter-rule').last().getByTestId('filter-field').selectOption('attr.car.color');
    await group.getByTestId('filter-rule').last().getByTestId('filter-value').selectOption('blue');
    await page.getByTestId('filter-apply').click();
    expect(await page.getByTestId('filter-summary').textContent()).toBe(
      'not (label == "person" or attr.car.color == "blue")',
    );
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rowTypes()).toEqual(['rectangle']);
    await page.getByTestId('filter-next').click();
    expect(await page.getByTestId('filter-notice').textContent()).toMatch(/No next frame/);

    // The ArrowRight shortcut searches with the filter too.
    await recentCar();
    await blur();
    await page.keyboard.press('ArrowRight');
    await page.locator('[data-shown-frame="2"]').waitFor();
    await goToFrame(0);
  });

  it('converts filtered shapes polygon → mask → polygon and removes filtered shapes, undoably', async () => {
    // Filter: persons only.
    await page.getByTestId('filter-open').click();
    await page.getByTestId('filter-text-mode').click();
    await page.getByTestId('filter-text').fill('{"==": [{"var": "label"}, "person"]}');
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => rows().count()).toBe(1);

    await page.getByTestId('run-actions').click();
    await page.getByTestId('converter-action').selectOption('polygons-to-masks');
    expect(await page.getByTestId('converter-count').getAttribute('data-count')).toBe('1');
    await page.getByTestId('converter-run').click();
    await page.getByTestId('shapes-converter').waitFor({ state: 'detached' });
    expect(await rowTypes()).toEqual(['mask']);

    await blur();
    await page.keyboard.press('Control+e');
    await page.getByTestId('converter-action').selectOption('masks-to-polygons');
    await page.getByTestId('converter-run').click();
    await page.getByTestId('shapes-converter').waitFor({ state: 'detached' });
    expect(await rowTypes()).toEqual(['polygon']);

    // Remove filtered shapes over the whole job: both persons go, the cars stay.
    await page.getByTestId('run-actions').click();
    await page.getByTestId('converter-action').selectOption('remove-filtered');
    await page.getByTestId('converter-scope-job').check();
    expect(await page.getByTestId('converter-count').getAttribute('data-count')).toBe('2');
    await page.getByTestId('converter-run').click();
    await page.getByTestId('shapes-converter').waitFor({ state: 'detached' });
    await expect.poll(() => rows().count()).toBe(0);
    expect(await page.getByTestId('undo').getAttribute('title')).toContain('Remove filtered shapes');

    // One undo brings both back.
    await page.getByTestId('undo').click();
    await expect.poll(() => rows().count()).toBe(1);
    await goToFrame(1);
    expect(await rows().count()).toBe(1);
    await goToFrame(0);
    await page.getByTestId('filter-open').click();
    await page.getByTestId('filter-clear').click();
    await expect.poll(() => rows().count()).toBe(2);
  });

  it('attribute annotation mode changes attributes from the keyboard and zooms to the object', async () => {
    await page.getByTestId('fit').click();
    const fitted = await zoom();
    await page.getByTestId('workspace-mode').selectOption('attribute');
    await blur();
    const panel = page.getByTestId('aam-panel');
    await panel.waitFor();
    await expect.poll(() => page.getByTestId('aam-object').textContent()).toContain('car');
    expect(await page.getByTestId('aam-attribute').textContent()).toContain('color');
    expect(await page.getByTestId('aam-value').getAttribute('data-value')).toBe('red');
    // Zoomed to the car (about 120 image px) with the 100 px margin: closer than the whole image.
    await expect.poll(zoom).toBeGreaterThan(fitted * 1.5);

    await page.keyboard.press('3');
    await expect.poll(() => page.getByTestId('aam-value').getAttribute('data-value')).toBe('green');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.getByTestId('aam-object').textContent()).toContain('person');
    await page.keyboard.press('Shift+Tab');
    await expect.poll(() => page.getByTestId('aam-object').textContent()).toContain('car');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('2');
    await expect.poll(() => page.getByTestId('aam-value').getAttribute('data-value')).toBe('blue');
    expect(await page.getByTestId('undo').getAttribute('title')).toContain('Change color');

    // A larger margin zooms out.
    const close = await zoom();
    await page.getByTestId('aam-margin').fill('400');
    await page.getByTestId('aam-margin').press('Enter');
    await expect.poll(zoom).toBeLessThan(close);

    // Right: the next frame with objects (1), where the person is the active object.
    await blur();
    await page.keyboard.press('ArrowRight');
    await page.locator('[data-shown-frame="1"]').waitFor();
    await expect.poll(() => page.getByTestId('aam-object').textContent()).toContain('person');
    await page.keyboard.press('ArrowLeft');
    await page.locator('[data-shown-frame="0"]').waitFor();

    await page.getByTestId('workspace-mode').selectOption('standard');
    const car = rows().first();
    await car.getByTestId('toggle-details').click();
    expect(await car.locator('[data-testid="attribute-editor"][data-name="color"] select').inputValue()).toBe(
      'blue',
    );
    await car.getByTestId('toggle-details').click();
  });

  it('shows the context images in a 2×2 grid, a chosen image per cell, kept per task', async () => {
    const panel = page.getByTestId('context-images');
    await panel.waitFor();
    await page.getByTestId('context-layout').selectOption('1x2');
    await expect.poll(() => page.getByTestId('context-cell').count()).toBe(2);
    await page.getByTestId('context-layout').selectOption('2x2');
    expect(await panel.getAttribute('data-layout')).toBe('2x2');
    await expect.poll(() => page.getByTestId('context-cell').count()).toBe(4);
    await page.getByTestId('context-cell').nth(1).getByTestId('context-cell-image').selectOption('3');
    expect(
      await page
        .getByTestId('context-cell')
        .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-image')))),
    ).toEqual([0, 3, 2, 3]);
    // Every cell shows its image.
    await expect
      .poll(() =>
        page
          .getByTestId('context-cell')
          .locator('img')
          .evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth === 800).length),
      )
      .toBe(4);

    await page.getByTestId('context-enlarge').first().click();
    const enlarged = page.getByTestId('context-enlarged');
    await expect
      .poll(() => enlarged.locator('img').evaluate((i) => (i as HTMLImageElement).naturalWidth))
      .toBe(800);
    await page.getByTestId('context-close').click();

    await page.reload();
    await page.locator('[data-shown-frame="0"]').waitFor();
    await page.getByTestId('context-images').waitFor();
    expect(await page.getByTestId('context-images').getAttribute('data-layout')).toBe('2x2');
    expect(await page.getByTestId('context-cell').nth(1).getAttribute('data-image')).toBe('3');
  });

  it('review: opens issues on a region and a point, comments, resolves, reopens, lists, jumps, accepts', async () => {
    // Review mode is offered in the validation stage only.
    expect(await page.getByTestId('review-mode').count()).toBe(0);
    await page.getByTestId('job-stage').selectOption('validation');
    await page.getByTestId('review-mode').check();
    await blur();
    // The drawing tools are hidden while reviewing.
    await expect.poll(() => page.getByTestId('tool-rectangle').isVisible()).toBe(false);

    // A box on frame 0.
    await drag([0.55, 0.15], [0.75, 0.3]);
    await page.getByTestId('issue-draft').waitFor();
    await page.getByTestId('issue-text').fill('The car box is too loose');
    await page.getByTestId('issue-submit').click();
    await expect.poll(() => page.getByTestId('issue-row').count()).toBe(1);
    // The region is drawn on the canvas overlay, and hidden with "Hide all".
    const centre = at(0.65, 0.225);
    const overlayAlpha = () =>
      page.evaluate(
        ([x, y, left, top]) => {
          const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-layer="overlay"]')!;
          const k = canvas.width / canvas.getBoundingClientRect().width;
          const px = Math.round((x! - left!) * k);
          const py = Math.round((y! - top!) * k);
          return canvas.getContext('2d')!.getImageData(px, py, 1, 1).data[3];
        },
        [centre.x, centre.y, box.x, box.y],
      );
    await expect.poll(overlayAlpha).toBeGreaterThan(0);
    await page.getByTestId('issues-hide-all').check();
    await expect.poll(overlayAlpha).toBe(0);
    await page.getByTestId('issues-hide-all').uncheck();
    await expect.poll(overlayAlpha).toBeGreaterThan(0);

    await page.getByTestId('issue-comment-text').fill('Tighten it to the bumper');
    await page.getByTestId('issue-comment-add').click();
    await expect.poll(() => page.getByTestId('issue-comment').count()).toBe(2);

    // A point on frame 2, with a quick issue.
    await goToFrame(2);
    await click(0.5, 0.8);
    await page.getByTestId('issue-draft').waitFor();
    await page.getByRole('button', { name: 'Incorrect attribute' }).click();
    await expect.poll(() => page.getByTestId('issue-row').count()).toBe(2);
    expect(await page.getByTestId('issue-count').textContent()).toContain('2 open / 2');
    const pointId = await page.getByTestId('issue-thread').getAttribute('data-id');

    // Clicking an issue drawn on the canvas opens its thread instead of a new issue.
    await goToFrame(0);
    await click(0.65, 0.225);
    await expect
      .poll(() => page.getByTestId('issue-thread').getAttribute('data-id'))
      .toBe(await page.getByTestId('issue-row').first().getAttribute('data-id'));
    expect(await page.getByTestId('issue-thread').getAttribute('data-id')).not.toBe(pointId);
    expect(await page.getByTestId('issue-draft').count()).toBe(0);

    // Jump from the list to the first issue, resolve and reopen it.
    await page.getByTestId('issue-row').first().click();
    await page.locator('[data-shown-frame="0"]').waitFor();
    const first = page.getByTestId('issue-row').first();
    expect(await page.getByTestId('issue-comment').allTextContents()).toEqual([
      expect.stringContaining('The car box is too loose'),
      expect.stringContaining('Tighten it to the bumper'),
    ]);
    await page.getByTestId('issue-resolve').click();
    await expect.poll(() => first.getAttribute('data-resolved')).toBe('true');
    await page.getByTestId('issue-reopen').click();
    await expect.poll(() => first.getAttribute('data-resolved')).toBe('false');
    await page.getByTestId('issue-resolve').click();
    await expect.poll(() => first.getAttribute('data-resolved')).toBe('true');
    // Open issues block acceptance.
    expect(await page.getByTestId('review-accept').isDisabled()).toBe(true);

    // The annotator (annotation stage) resolves the second issue but cannot open or reopen.
    await page.getByTestId('job-stage').selectOption('annotation');
    await expect.poll(() => page.getByTestId('review-panel').getAttribute('data-stage')).toBe('annotation');
    expect(await page.getByTestId('review-mode').count()).toBe(0);
    await page.getByTestId('issue-next').click();
    await page.locator('[data-shown-frame="2"]').waitFor();
    expect(await page.getByTestId('issue-remove').count()).toBe(0);
    await page.getByTestId('issue-comment-text').fill('Colour fixed');
    await page.getByTestId('issue-resolve').click();
    await expect.poll(() => page.getByTestId('issue-row').nth(1).getAttribute('data-resolved')).toBe('true');
    expect(await page.getByTestId('issue-reopen').count()).toBe(0);
    expect(await page.getByTestId('issue-comment').count()).toBe(2);

    // Back to validation: everything is resolved, the reviewer accepts the job.
    await page.getByTestId('job-stage').selectOption('validation');
    await page.getByTestId('review-accept').click();
    await expect.poll(() => page.getByTestId('review-panel').getAttribute('data-stage')).toBe('acceptance');
    expect(await page.getByTestId('job-stage').inputValue()).toBe('acceptance');
    expect(await page.getByTestId('job-state').inputValue()).toBe('completed');
    await expect.poll(() => page.getByTestId('tool-rectangle').isVisible()).toBe(true);

    // A reviewer can also send the job back: rejected, to annotation.
    await page.getByTestId('job-stage').selectOption('validation');
    await page.getByTestId('review-reject').click();
    await expect.poll(() => page.getByTestId('review-panel').getAttribute('data-stage')).toBe('annotation');
    expect(await page.getByTestId('job-state').inputValue()).toBe('rejected');

    // Issues are kept.
    await page.reload();
    await page.locator('[data-shown-frame="0"]').waitFor();
    await expect.poll(() => page.getByTestId('issue-row').count()).toBe(2);
    expect(await page.getByTestId('issue-count').textContent()).toContain('0 open / 2');
  });
});
