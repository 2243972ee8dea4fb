/**
 * Every drawing tool in the real job view, with real mouse and keyboard input; the geometry is
 * checked as the session stored it, then again after a reload (from IndexedDB).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';

let server: TestServer;
let browser: Browser;
let page: Page;
let logs: string[];
let box: { x: number; y: number; width: number; height: number };
/** Image → screen mapping, learnt from the first rectangle (its corners were clicked at known places). */
let toScreen: (x: number, y: number) => { x: number; y: number };

const SKELETON_SVG =
  '<circle r="1" cx="50" cy="10" data-type="element node" data-node-id="1" data-label-name="head"></circle>' +
  '<circle r="1" cx="50" cy="90" data-type="element node" data-node-id="2" data-label-name="foot"></circle>' +
  '<line x1="50" y1="10" x2="50" y2="90" data-type="edge" data-node-from="1" data-node-to="2"></line>';

async function selectedGeometry(): Promise<{ type: string; values: number[] }> {
  const el = page.getByTestId('selected-points');
  await el.waitFor();
  const text = (await el.textContent()) ?? '';
  const numbers = text.match(/-?\d+(\.\d+)?/g)?.map(Number) ?? [];
  return { type: (await el.getAttribute('data-type')) ?? '', values: numbers };
}

/** Selects the newest object in the sidebar and reports its stored type. */
async function lastRowType(): Promise<string> {
  await page.getByTestId('object-row').last().dispatchEvent('pointerdown');
  return (
    (await page
      .getByTestId('selected-points')
      .getAttribute('data-type', { timeout: 1000 })
      .catch(() => '')) ?? ''
  );
}

async function objectCount(): Promise<number> {
  return page.getByTestId('object-row').count();
}

const at = (fx: number, fy: number) => ({ x: box.x + box.width * fx, y: box.y + box.height * fy });

async function click(fx: number, fy: number) {
  const p = at(fx, fy);
  await page.mouse.click(p.x, p.y);
}

async function drag(from: [number, number], to: [number, number]) {
  const a = at(...from);
  const b = at(...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  ({ page, logs } = await newContext(browser));
  await page.goto(`${server.url}/projects/new`);
  await page.getByTestId('project-name').fill('Tools');
  await page.getByRole('tab', { name: 'Raw' }).click();
  await page.getByTestId('labels-raw').fill(
    JSON.stringify([
      { name: 'thing', type: 'any' },
      {
        name: 'person',
        type: 'skeleton',
        sublabels: [{ name: 'head' }, { name: 'foot' }],
        svg: SKELETON_SVG,
      },
    ]),
  );
  await page.getByTestId('labels-raw-apply').click();
  await page.getByTestId('create-project').click();
  await page.getByTestId('project-title').waitFor();
  const image = join(ASSETS, 'media/images_exif_orientation/recurser_all_8_orientations/Landscape_1.jpg');
  await page
    .getByTestId('file-input')
    .setInputFiles([{ name: 'Landscape_1.jpg', mimeType: 'image/jpeg', buffer: readFileSync(image) }]);
  await page.getByTestId('task-name').fill('Tools');
  await page.getByTestId('create-task').click();
  await page.getByTestId('job-link').first().click();
  await page.locator('[data-shown-frame="0"]').waitFor();
  const b = await page.getByTestId('canvas').boundingBox();
  if (!b) throw new Error('no canvas');
  box = b;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('drawing tools in the job view', () => {
  it('rectangle by four extreme points', async () => {
    await page.getByTestId('tool-rectangle').click();
    await page.getByTestId('rectangle-method').selectOption('four-points');
    await click(0.3, 0.4);
    await click(0.4, 0.3);
    await click(0.5, 0.4);
    await click(0.4, 0.5);
    const g = await selectedGeometry();
    expect(g.type).toBe('rectangle');
    const [xtl, ytl, xbr, ybr] = g.values;
    expect(xbr! - xtl!).toBeGreaterThan(100);
    expect(ybr! - ytl!).toBeGreaterThan(100);
    const left = at(0.3, 0.3);
    const right = at(0.5, 0.5);
    toScreen = (x, y) => ({
      x: left.x + ((x - xtl!) / (xbr! - xtl!)) * (right.x - left.x),
      y: left.y + ((y - ytl!) / (ybr! - ytl!)) * (right.y - left.y),
    });
  });

  it('polygon by clicks, finished with N, then a vertex dragged', async () => {
    await page.getByTestId('tool-polygon').click();
    await click(0.2, 0.2);
    await click(0.3, 0.2);
    await click(0.3, 0.3);
    await click(0.2, 0.3);
    await page.keyboard.press('n');
    const drawn = await selectedGeometry();
    expect(drawn.type).toBe('polygon');
    expect(drawn.values).toHaveLength(8);
    // Drag the third vertex outwards.
    await drag([0.3, 0.3], [0.35, 0.36]);
    await expect
      .poll(async () => (await selectedGeometry()).values[4])
      .toBeGreaterThan(drawn.values[4]! + 20);
  });

  it('polyline and points, finished with N', async () => {
    await page.getByTestId('tool-polyline').click();
    await click(0.6, 0.2);
    await click(0.7, 0.25);
    await click(0.8, 0.2);
    await page.keyboard.press('n');
    expect(await selectedGeometry()).toMatchObject({ type: 'polyline', values: expect.any(Array) });
    expect((await selectedGeometry()).values).toHaveLength(6);

    await page.getByTestId('tool-points').click();
    await click(0.6, 0.6);
    await click(0.65, 0.62);
    await page.keyboard.press('n');
    const points = await selectedGeometry();
    expect(points.type).toBe('points');
    expect(points.values).toHaveLength(4);
  });

  it('ellipse and cuboid', async () => {
    await page.getByTestId('tool-ellipse').click();
    await drag([0.15, 0.7], [0.2, 0.75]);
    const e = await selectedGeometry();
    expect(e.type).toBe('ellipse');
    const [cx, cy, rx, ty] = e.values;
    expect(rx!).toBeGreaterThan(cx!);
    expect(ty!).toBeLessThan(cy!);

    await page.getByTestId('tool-cuboid').click();
    await drag([0.4, 0.6], [0.5, 0.75]);
    const depth = at(0.55, 0.55);
    await page.mouse.move(depth.x, depth.y, { steps: 3 });
    await page.mouse.click(depth.x, depth.y);
    const c = await selectedGeometry();
    expect(c.type).toBe('cuboid');
    expect(c.values).toHaveLength(16);
  });

  it("skeleton from the label's template", async () => {
    await page.getByTestId('tool-skeleton').click();
    await drag([0.75, 0.5], [0.85, 0.8]);
    const g = await selectedGeometry();
    expect(g.type).toBe('skeleton');
    expect((await page.getByTestId('selected-points').textContent()) ?? '').toContain(
      '2 keypoints (0 outside)',
    );
    // Right click on the head keypoint: mark it outside, then bring every keypoint back.
    const [hx, hy, fx, fy] = g.values.slice(2); // after the keypoint and outside counts
    const head = toScreen(hx!, hy!);
    await page.mouse.click(head.x, head.y, { button: 'right' });
    await page.getByTestId('object-menu').getByTestId('menu-keypoint-outside').click();
    await expect.poll(() => page.getByTestId('selected-points').textContent()).toContain('(1 outside)');
    const foot = toScreen(fx!, fy!);
    await page.mouse.click(foot.x, foot.y, { button: 'right' });
    await page.getByTestId('object-menu').getByTestId('menu-keypoints-inside').click();
    await expect.poll(() => page.getByTestId('selected-points').textContent()).toContain('(0 outside)');
  });

  it('mask with the brush, finished with N', async () => {
    await page.getByTestId('tool-mask').click();
    await page.getByTestId('mask-controls').waitFor();
    await page.getByTestId('mask-size').fill('30');
    await page.getByTestId('mask-size').dispatchEvent('change');
    await drag([0.55, 0.32], [0.7, 0.34]);
    await page.getByTestId('mask-finish').click();
    await expect.poll(() => page.getByTestId('mask-controls').count()).toBe(0);
    await page.getByTestId('object-row').last().dispatchEvent('pointerdown');
    const g = await selectedGeometry();
    expect(g.type).toBe('mask');
    const [left, top, right, bottom] = g.values.slice(-4);
    expect(right! - left!).toBeGreaterThan(100);
    expect(bottom! - top!).toBeGreaterThan(10);

    // Right click → "Convert to polygons", then the polygon back into a mask.
    const onMask = at(0.62, 0.33);
    await page.mouse.click(onMask.x, onMask.y, { button: 'right' });
    await page.getByTestId('object-menu').getByTestId('menu-to-polygons').click();
    await expect.poll(lastRowType).toBe('polygon');
    await page.mouse.click(onMask.x, onMask.y, { button: 'right' });
    await page.getByTestId('object-menu').getByTestId('menu-to-mask').click();
    await expect.poll(lastRowType).toBe('mask');
    const [left1, , right1] = (await selectedGeometry()).values.slice(-4);

    // A second mask over the right part of the first, with "remove underlying pixels": the first loses them.
    await page.getByTestId('tool-mask').click();
    await page.getByTestId('mask-controls').getByText('remove underlying pixels').click();
    await page.getByTestId('mask-size').fill('150');
    await page.getByTestId('mask-size').dispatchEvent('change');
    await drag([0.7, 0.33], [0.75, 0.33]);
    await page.getByTestId('mask-finish').click();
    await expect.poll(() => page.getByTestId('mask-controls').count()).toBe(0);
    const rows = page.getByTestId('object-row');
    await expect
      .poll(async () => {
        await rows.nth((await rows.count()) - 2).dispatchEvent('pointerdown');
        const [left2, , right2] = (await selectedGeometry()).values.slice(-4);
        return left2 === left1 && right2! < right1!;
      })
      .toBe(true);
  });

  it('tag on the frame', async () => {
    const before = await objectCount();
    await page.getByTestId('tool-tag').click();
    await expect.poll(objectCount).toBe(before + 1);
  });

  it('keeps every object after a reload, and undoes the tag', async () => {
    const count = await objectCount();
    expect(count).toBe(10);
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
    await page.reload();
    await page.locator('[data-shown-frame="0"]').waitFor();
    expect(await objectCount()).toBe(count);
    await page.getByTestId('undo').click();
    await expect.poll(objectCount).toBe(count - 1);
    expect(logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
