/**
 * Every drawing tool and the select-mode edits with real mouse and keyboard input in Chromium,
 * on a bare engine where screen pixels are image pixels. Asserts the geometry the engine emits.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ToolSpec } from '../../src/lib/canvas';
import type { FrameObject } from '../../src/lib/core/types';
import { launchBrowser, newContext } from '../helpers/browser';
import { serveTestPage, type TestPage } from '../helpers/bundlePage';
import type { Recorded } from './pages/canvasTools';

interface CanvasTestApi {
  events: Recorded[];
  clear(): void;
  setTool(spec: ToolSpec | { kind: 'skeleton-template' }): void;
  setObjects(objects: FrameObject[]): void;
  select(id: string | null): void;
  setAutoborder(on: boolean): void;
  flush(): void;
}
declare const canvasTest: CanvasTestApi;

let server: TestPage;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await serveTestPage('canvasTools.ts');
  browser = await launchBrowser();
  ({ page } = await newContext(browser, { viewport: { width: 800, height: 600 } }));
  await page.goto(server.url);
  await page.waitForFunction(() => 'canvasTest' in window);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

beforeEach(async () => {
  await page.evaluate(() => {
    canvasTest.setTool({ kind: 'select' });
    canvasTest.setObjects([]);
    canvasTest.select(null);
    canvasTest.setAutoborder(false);
    canvasTest.clear();
  });
});

const tool = (spec: ToolSpec | { kind: 'skeleton-template' }) =>
  page.evaluate((s) => canvasTest.setTool(s), spec);
const events = (name?: string) =>
  page.evaluate((n) => canvasTest.events.filter((e) => !n || e.event === n).map((e) => e.payload), name);
const last = async (name: string) => (await events(name)).at(-1);

async function click(x: number, y: number, options: { button?: 'left' | 'right' } = {}) {
  await page.mouse.click(x, y, options);
}
async function drag(a: [number, number], b: [number, number]) {
  await page.mouse.move(...a);
  await page.mouse.down();
  await page.mouse.move((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, { steps: 3 });
  await page.mouse.move(...b, { steps: 3 });
  await page.mouse.up();
}

function shape(
  id: string,
  type: 'polygon' | 'rectangle' | 'skeleton' | 'cuboid',
  points: number[],
  extra: Partial<FrameObject> = {},
): FrameObject {
  return {
    kind: 'shape',
    id,
    type,
    points,
    updated_date: '',
    author: 't',
    frame: 0,
    label_id: type === 'skeleton' ? 'S' : 'L',
    occluded: false,
    outside: false,
    z_order: 0,
    rotation: 0,
    group: 0,
    source: 'manual',
    attributes: [],
    ...extra,
  } as FrameObject;
}

async function setObjects(objects: FrameObject[], select?: string) {
  await page.evaluate(
    ([o, s]) => {
      canvasTest.setObjects(o);
      if (s) canvasTest.select(s);
      canvasTest.flush();
    },
    [objects, select] as const,
  );
}

function close(actual: number[], expected: number[], tol = 1.01) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(tol));
}

describe('drawing tools', () => {
  it('rectangle by two points (drag)', async () => {
    await tool({ kind: 'rectangle' });
    await drag([100, 100], [200, 150]);
    const d = (await last('drawn')) as { type: string; points: number[] };
    expect(d.type).toBe('rectangle');
    close(d.points, [100, 100, 200, 150]);
  });

  it('rectangle by four extreme points', async () => {
    await tool({ kind: 'rectangle', method: 'four-points' });
    for (const [x, y] of [
      [150, 100],
      [100, 140],
      [160, 200],
      [220, 150],
    ] as const)
      await click(x, y);
    const d = (await last('drawn')) as { points: number[] };
    close(d.points, [100, 100, 220, 200]);
  });

  it('polygon: clicks, Backspace removes the last point, Enter finishes', async () => {
    await tool({ kind: 'polygon' });
    for (const [x, y] of [
      [100, 100],
      [300, 100],
      [555, 555],
      [200, 250],
    ] as const)
      await click(x, y);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await click(200, 250);
    await page.keyboard.press('Enter');
    const d = (await last('drawn')) as { type: string; points: number[] };
    expect(d.type).toBe('polygon');
    close(d.points, [100, 100, 300, 100, 200, 250]);
  });

  it('polygon with fewer than 3 points is not emitted; Escape cancels', async () => {
    await tool({ kind: 'polygon' });
    await click(10, 10);
    await click(50, 10);
    await page.keyboard.press('n');
    await click(10, 10);
    await page.keyboard.press('Escape');
    await page.keyboard.press('n');
    expect(await events('drawn')).toHaveLength(0);
  });

  it('polyline: Shift+drag draws continuously, a double click finishes', async () => {
    await tool({ kind: 'polyline' });
    await page.mouse.move(100, 300);
    await page.keyboard.down('Shift');
    await page.mouse.down();
    await page.mouse.move(200, 300, { steps: 20 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.mouse.dblclick(200, 400);
    const d = (await last('drawn')) as { type: string; points: number[] };
    expect(d.type).toBe('polyline');
    expect(d.points.length / 2).toBeGreaterThanOrEqual(10);
    close(d.points.slice(0, 2), [100, 300]);
    close(d.points.slice(-2), [200, 400]);
  });

  it('polygon with a fixed number of points finishes on its own', async () => {
    await tool({ kind: 'polygon', numberOfPoints: 3 });
    for (const [x, y] of [
      [10, 10],
      [90, 10],
      [50, 80],
    ] as const)
      await click(x, y);
    close(((await last('drawn')) as { points: number[] }).points, [10, 10, 90, 10, 50, 80]);
  });

  it('points: clicks, then N', async () => {
    await tool({ kind: 'points' });
    await click(10, 20);
    await click(30, 40);
    await page.keyboard.press('N');
    const d = (await last('drawn')) as { type: string; points: number[] };
    expect(d.type).toBe('points');
    close(d.points, [10, 20, 30, 40]);
  });

  it('ellipse: centre, then a corner; [cx, cy, rx, ty]', async () => {
    await tool({ kind: 'ellipse' });
    await drag([300, 300], [360, 340]);
    const d = (await last('drawn')) as { type: string; points: number[] };
    expect(d.type).toBe('ellipse');
    close(d.points, [300, 300, 360, 260]);
  });

  it('cuboid: front face, then a click sets the depth', async () => {
    await tool({ kind: 'cuboid' });
    await drag([100, 200], [200, 300]);
    await page.mouse.move(230, 170, { steps: 3 });
    await click(230, 170);
    const d = (await last('drawn')) as { type: string; points: number[] };
    expect(d.type).toBe('cuboid');
    close(d.points, [100, 200, 100, 300, 200, 200, 200, 300, 230, 170, 230, 270, 130, 170, 130, 270]);
  });

  it('skeleton: the template is placed into the drawn box', async () => {
    await tool({ kind: 'skeleton-template' });
    await drag([100, 100], [200, 300]);
    const d = (await last('drawn')) as { type: string; elements: { label_id: string; points: number[] }[] };
    expect(d.type).toBe('skeleton');
    expect(d.elements.map((e) => e.label_id)).toEqual(['head', 'foot']);
    close(d.elements[0]!.points, [100, 100]);
    close(d.elements[1]!.points, [200, 300]);
  });

  it('automatic bordering snaps new points onto a neighbour', async () => {
    await setObjects([shape('n', 'polygon', [100, 100, 300, 100, 300, 300, 100, 300])]);
    await page.evaluate(() => canvasTest.setAutoborder(true));
    await tool({ kind: 'polyline' });
    await click(104, 97);
    await click(200, 95);
    await page.keyboard.press('Enter');
    close(((await last('drawn')) as { points: number[] }).points, [100, 100, 200, 100], 0.01);
  });

  it('automatic bordering follows a neighbour between two points on its outline', async () => {
    await setObjects([shape('n', 'polygon', [100, 100, 300, 100, 300, 300, 100, 300])]);
    await page.evaluate(() => canvasTest.setAutoborder(true));
    await tool({ kind: 'polygon' });
    await click(200, 103);
    await click(303, 200);
    await click(400, 400);
    await page.keyboard.press('Enter');
    close(
      ((await last('drawn')) as { points: number[] }).points,
      [200, 100, 300, 100, 300, 200, 400, 400],
      0.01,
    );
  });

  it('redraw emits redrawn with the id and returns to selection', async () => {
    await setObjects([shape('r', 'rectangle', [10, 10, 50, 50])]);
    await tool({ kind: 'rectangle', redraw: 'r' });
    await drag([300, 300], [400, 380]);
    const d = (await last('redrawn')) as { id: string; points: number[] };
    expect(d.id).toBe('r');
    close(d.points, [300, 300, 400, 380]);
    expect(await events('drawn')).toHaveLength(0);
  });
});

describe('editing in select mode', () => {
  const tri = () => shape('p', 'polygon', [100, 100, 300, 100, 200, 300]);

  it('drags a polygon vertex; one edited event on release', async () => {
    await setObjects([tri()], 'p');
    await drag([200, 300], [220, 350]);
    const edits = (await events('edited')) as { id: string; points: number[] }[];
    expect(edits).toHaveLength(1);
    close(edits[0]!.points, [100, 100, 300, 100, 220, 350]);
  });

  it('a click on an edge midpoint adds a vertex', async () => {
    await setObjects([tri()], 'p');
    await click(200, 100);
    close(((await last('edited')) as { points: number[] }).points, [100, 100, 200, 100, 300, 100, 200, 300]);
  });

  it('Alt+click deletes a vertex', async () => {
    await setObjects([shape('q', 'polygon', [100, 100, 300, 100, 300, 300, 100, 300])], 'q');
    await page.keyboard.down('Alt');
    await click(300, 300);
    await page.keyboard.up('Alt');
    close(((await last('edited')) as { points: number[] }).points, [100, 100, 300, 100, 100, 300]);
  });

  it('moves a shape by dragging its body', async () => {
    await setObjects([tri()], 'p');
    await drag([200, 150], [250, 170]);
    close(((await last('edited')) as { points: number[] }).points, [150, 120, 350, 120, 250, 320]);
  });

  it('rotates a rectangle with its handle, Shift snapping to 15°', async () => {
    await setObjects([shape('r', 'rectangle', [200, 200, 400, 300])], 'r');
    // Centre (300, 250); the handle hangs 24 px above the top edge.
    await page.mouse.move(300, 176);
    await page.mouse.down();
    await page.keyboard.down('Shift');
    await page.mouse.move(420, 190, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const e = (await last('edited')) as { rotation: number; points: number[] };
    expect(e.rotation % 15).toBe(0);
    expect(e.rotation).toBe(60);
    close(e.points, [200, 200, 400, 300]);
  });

  it('resizes a rectangle by a corner handle', async () => {
    await setObjects([shape('r', 'rectangle', [200, 200, 400, 300])], 'r');
    await drag([400, 300], [450, 320]);
    close(((await last('edited')) as { points: number[] }).points, [200, 200, 450, 320]);
  });

  it('resizes a rotated rectangle in its own frame, keeping the rotation', async () => {
    await setObjects([shape('r', 'rectangle', [200, 200, 400, 300], { rotation: 90 })], 'r');
    // Turned 90° about (300, 250), the south-east handle sits at (250, 350).
    await drag([250, 350], [250, 370]);
    const e = (await last('edited')) as { rotation: number; points: number[] };
    expect(e.rotation).toBe(90);
    close(e.points, [190, 210, 410, 310]);
  });

  const cube = () =>
    shape('c', 'cuboid', [100, 200, 100, 300, 200, 200, 200, 300, 230, 170, 230, 270, 130, 170, 130, 270]);

  it('dragging a side face of a cuboid changes its depth', async () => {
    await setObjects([cube()], 'c');
    await drag([210, 250], [240, 240]);
    const edits = (await events('edited')) as { points: number[] }[];
    expect(edits).toHaveLength(1);
    close(edits[0]!.points, [100, 200, 100, 300, 200, 200, 200, 300, 250, 150, 250, 250, 150, 150, 150, 250]);
  });

  it('Shift+drag of a back corner of a cuboid moves it alone (perspective)', async () => {
    await setObjects([cube()], 'c');
    await page.keyboard.down('Shift');
    await drag([230, 170], [250, 190]);
    await page.keyboard.up('Shift');
    close(
      ((await last('edited')) as { points: number[] }).points,
      [100, 200, 100, 300, 200, 200, 200, 300, 250, 190, 250, 270, 130, 170, 130, 270],
    );
  });

  it('Shift+click on a vertex redraws part of a polygon up to another vertex', async () => {
    await setObjects([shape('q', 'polygon', [100, 100, 300, 100, 300, 300, 100, 300])], 'q');
    await page.keyboard.down('Shift');
    await click(100, 100);
    await page.keyboard.up('Shift');
    await click(250, 150);
    expect(await events('edited')).toHaveLength(0);
    await click(300, 300);
    const edits = (await events('edited')) as { points: number[] }[];
    expect(edits).toHaveLength(1);
    close(edits[0]!.points, [100, 100, 250, 150, 300, 300, 100, 300]);
  });

  it('moves one skeleton keypoint', async () => {
    const elements = [
      {
        label_id: 'head',
        type: 'points',
        points: [100, 100],
        occluded: false,
        outside: false,
        attributes: [],
      },
      {
        label_id: 'foot',
        type: 'points',
        points: [200, 300],
        occluded: true,
        outside: false,
        attributes: [],
      },
    ];
    await setObjects([shape('s', 'skeleton', [], { elements } as Partial<FrameObject>)], 's');
    await drag([200, 300], [230, 320]);
    const e = (await last('edited')) as { elements: { points: number[]; occluded: boolean }[] };
    close(e.elements[0]!.points, [100, 100]);
    close(e.elements[1]!.points, [230, 320]);
    expect(e.elements[1]!.occluded).toBe(true);
  });

  it('a right click on an object asks for its menu, with the vertex when on one', async () => {
    await setObjects([tri()], 'p');
    await click(300, 100, { button: 'right' });
    expect(await last('contextmenu')).toEqual({ id: 'p', screen: { x: 300, y: 100 }, vertex: 1 });
    await click(200, 160, { button: 'right' });
    expect(await last('contextmenu')).toEqual({ id: 'p', screen: { x: 200, y: 160 } });
  });
});
