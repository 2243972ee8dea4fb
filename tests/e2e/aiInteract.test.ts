/**
 * AI and OpenCV tools in the real job view (built app, real server, Chromium): a SAM click
 * becomes a mask and then a polygon; TrackerMIL follows a moving square into a stored track;
 * histogram equalization changes only what is shown. Frames are synthetic, so the expected
 * geometry is known exactly.
 */
import { encode } from 'fast-png';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMaskToImage, maskArea } from '../../src/lib/core/mask';
import { startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';

const W = 320;
const H = 240;
const FRAMES = 6;
const DISC = { cx: 100, cy: 100, r: 45 };
/** The tracked square's top-left on frame k. */
const square = (k: number) => ({ x: 180 + 6 * k, y: 150 });

function frame(k: number): Buffer {
  const data = new Uint8Array(W * H * 4);
  let seed = 11 + k;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const sq = square(k);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const g = 110 + Math.round(25 * Math.sin(x / 19) * Math.cos(y / 13) + rand() * 16);
      let c = [g, g, g];
      if ((x + 0.5 - DISC.cx) ** 2 + (y + 0.5 - DISC.cy) ** 2 <= DISC.r ** 2) c = [215, 45, 40];
      else if (x >= sq.x && x < sq.x + 50 && y >= sq.y && y < sq.y + 50) {
        const tone = ((x - sq.x) >> 3) % 2 === ((y - sq.y) >> 3) % 2 ? 1 : 0.6;
        c = [230 * tone, 200 * tone, 40 * tone];
      }
      data.set([c[0]!, c[1]!, c[2]!, 255], (y * W + x) * 4);
    }
  return Buffer.from(encode({ width: W, height: H, data, channels: 4 }));
}

let server: TestServer;
let browser: Browser;
let page: Page;
let logs: string[];
let toScreen: (x: number, y: number) => { x: number; y: number };

async function selectedGeometry(): Promise<{ type: string; values: number[] }> {
  const el = page.getByTestId('selected-points');
  await el.waitFor();
  const text = (await el.textContent()) ?? '';
  return {
    type: (await el.getAttribute('data-type')) ?? '',
    values: text.match(/-?\d+(\.\d+)?/g)?.map(Number) ?? [],
  };
}

async function click(x: number, y: number, button: 'left' | 'right' = 'left') {
  const p = toScreen(x, y);
  await page.mouse.click(p.x, p.y, { button });
}

async function drag(from: [number, number], to: [number, number]) {
  const a = toScreen(...from);
  const b = toScreen(...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
}

function discBitmap(): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      if ((x + 0.5 - DISC.cx) ** 2 + (y + 0.5 - DISC.cy) ** 2 <= DISC.r ** 2) m[y * W + x] = 1;
  return m;
}

function iou(a: Uint8Array, b: Uint8Array): number {
  let i = 0;
  let u = 0;
  for (let k = 0; k < a.length; k++) {
    if (a[k] && b[k]) i++;
    if (a[k] || b[k]) u++;
  }
  return u ? i / u : 1;
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  ({ page, logs } = await newContext(browser));
  await page.goto(`${server.url}/projects/new`);
  await page.getByTestId('project-name').fill('AI tools');
  await page.getByRole('tab', { name: 'Raw' }).click();
  await page.getByTestId('labels-raw').fill(JSON.stringify([{ name: 'thing', type: 'any' }]));
  await page.getByTestId('labels-raw-apply').click();
  await page.getByTestId('create-project').click();
  await page.getByTestId('project-title').waitFor();
  await page.getByTestId('file-input').setInputFiles(
    Array.from({ length: FRAMES }, (_, k) => ({
      name: `frame_${String(k).padStart(3, '0')}.png`,
      mimeType: 'image/png',
      buffer: frame(k),
    })),
  );
  await page.getByTestId('task-name').fill('Synthetic');
  await page.getByTestId('create-task').click();
  await page.getByTestId('job-link').first().click();
  await page.locator('[data-shown-frame="0"]').waitFor();
  const canvas = page.getByTestId('canvas');
  const box = (await canvas.boundingBox())!;
  const scale = Number(await canvas.getAttribute('data-scale'));
  // fit() centres the image in the canvas.
  const tx = (box.width - W * scale) / 2;
  const ty = (box.height - H * scale) / 2;
  toScreen = (x, y) => ({ x: box.x + tx + x * scale, y: box.y + ty + y * scale });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('AI tools in the job view', () => {
  it('a SAM click on the disc gives a mask shape matching the disc', { timeout: 240_000 }, async () => {
    await page.getByTestId('ai-tools-toggle').click();
    await page.getByTestId('interactor-start').click();
    // A negative click on the background, then a positive one on the disc.
    await click(30, 220, 'right');
    await click(DISC.cx, DISC.cy);
    const state = page.getByTestId('interactor-state');
    await expect
      .poll(
        async () =>
          (await state.getAttribute('data-has-mask')) === 'true' &&
          (await state.getAttribute('data-busy')) === 'false',
        {
          timeout: 200_000,
          interval: 500,
        },
      )
      .toBe(true);
    await page.keyboard.press('n');
    await expect.poll(() => page.getByTestId('object-row').count()).toBe(1);
    await page.getByTestId('object-row').last().dispatchEvent('pointerdown');
    const g = await selectedGeometry();
    expect(g.type).toBe('mask');
    const area = maskArea(g.values);
    expect(area).toBeGreaterThan(0);
    const mask = decodeMaskToImage(g.values, W, H);
    expect(iou(mask, discBitmap()), logs.join('\n')).toBeGreaterThanOrEqual(0.85);
    // The frame's embedding is kept in Cache Storage under its content key (the image's SHA-256).
    const stored = await page.evaluate(async () => {
      const cache = await caches.open('loupe-sam-embeddings');
      const keys = await cache.keys();
      const first = keys[0] ? await cache.match(keys[0]) : undefined;
      return { urls: keys.map((k) => decodeURIComponent(k.url)), dims: first?.headers.get('x-dims') };
    });
    expect(
      stored.urls.some((u) => /builtin:mobile-sam\/[0-9a-f]{64}$/.test(u)),
      stored.urls.join(' '),
    ).toBe(true);
    expect(stored.dims).toBe('1,256,64,64');
  });

  it(
    'with "convert masks to polygons" the click gives a polygon of at most the chosen points',
    { timeout: 120_000 },
    async () => {
      await page.getByTestId('interactor-polygons').check();
      await page.getByTestId('interactor-points').fill('12');
      await click(DISC.cx + 5, DISC.cy - 5);
      const state = page.getByTestId('interactor-state');
      await expect
        .poll(
          async () =>
            (await state.getAttribute('data-has-mask')) === 'true' &&
            (await state.getAttribute('data-busy')) === 'false',
          {
            timeout: 100_000,
            interval: 300,
          },
        )
        .toBe(true);
      await page.getByTestId('interactor-done').click();
      await expect.poll(() => page.getByTestId('object-row').count()).toBe(2);
      await page.getByTestId('object-row').last().dispatchEvent('pointerdown');
      const g = await selectedGeometry();
      expect(g.type).toBe('polygon');
      expect(g.values.length / 2).toBeLessThanOrEqual(12);
      expect(g.values.length / 2).toBeGreaterThanOrEqual(6);
      // Every vertex lies on the disc's outline.
      for (let i = 0; i < g.values.length; i += 2) {
        const r = Math.hypot(g.values[i]! - DISC.cx, g.values[i + 1]! - DISC.cy);
        expect(Math.abs(r - DISC.r)).toBeLessThan(6);
      }
      await page.getByTestId('interactor-stop').click();
      await page.getByTestId('ai-tools-toggle').click();
    },
  );

  it(
    'SAM propagation copies the selected mask onto the following frames up to the target',
    { timeout: 240_000 },
    async () => {
      // The disc does not move: each following frame gets a mask over it.
      await page.getByTestId('object-row').first().dispatchEvent('pointerdown');
      expect((await selectedGeometry()).type).toBe('mask');
      await page.getByTestId('ai-tools-toggle').click();
      await page.getByTestId('ai-tab-trackers').click();
      await page.getByTestId('sam-track-target').fill('2');
      await page.getByTestId('sam-track-run').click();
      await expect
        .poll(async () => (await page.getByTestId('sam-track-message').textContent()) ?? '', {
          timeout: 220_000,
          interval: 500,
        })
        .toContain('Propagated to 2 frame(s)');
      await page.getByTestId('ai-tools-toggle').click();
      for (const f of [1, 2]) {
        await page.getByTestId('next-frame').click();
        await page.locator(`[data-shown-frame="${f}"]`).waitFor();
        await expect.poll(() => page.getByTestId('object-row').count()).toBe(1);
        await page.getByTestId('object-row').first().dispatchEvent('pointerdown');
        const g = await selectedGeometry();
        expect(g.type).toBe('mask');
        expect(iou(decodeMaskToImage(g.values, W, H), discBitmap()), `frame ${f}`).toBeGreaterThanOrEqual(
          0.85,
        );
      }
      await page.getByTestId('frame-number').fill('0');
      await page.getByTestId('frame-number').press('Enter');
      await page.locator('[data-shown-frame="0"]').waitFor();
    },
  );

  it('intelligent scissors trace the disc outline into a polygon', { timeout: 120_000 }, async () => {
    const before = await page.getByTestId('object-row').count();
    await page.getByTestId('opencv-toggle').click();
    await page.locator('[data-testid="opencv"][data-cv-state="ready"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('scissors-start').click();
    const state = page.getByTestId('scissors-state');
    await state.waitFor();
    const around = [
      [DISC.cx - DISC.r, DISC.cy],
      [DISC.cx, DISC.cy - DISC.r],
      [DISC.cx + DISC.r, DISC.cy],
      [DISC.cx, DISC.cy + DISC.r],
    ] as const;
    for (const [k, [x, y]] of around.entries()) {
      await click(x, y);
      await expect.poll(() => state.getAttribute('data-points'), { timeout: 30_000 }).toBe(String(k + 1));
    }
    await page.getByTestId('scissors-done').click();
    await expect.poll(() => page.getByTestId('object-row').count()).toBe(before + 1);
    await page.getByTestId('object-row').last().dispatchEvent('pointerdown');
    const g = await selectedGeometry();
    expect(g.type).toBe('polygon');
    // The traced vertices follow the outline (the closing side from the last point to the first is straight).
    let onOutline = 0;
    for (let i = 0; i < g.values.length; i += 2) {
      const r = Math.hypot(g.values[i]! - DISC.cx, g.values[i + 1]! - DISC.cy);
      if (Math.abs(r - DISC.r) <= 3) onOutline++;
    }
    expect(onOutline / (g.values.length / 2)).toBeGreaterThanOrEqual(0.9);
    expect(g.values.length / 2).toBeGreaterThanOrEqual(8);
    await page.getByTestId('opencv-toggle').click();
  });

  it('TrackerMIL follows the moving square into a stored track', { timeout: 180_000 }, async () => {
    await page.getByTestId('opencv-toggle').click();
    await page.getByTestId('cv-tab-tracker').click();
    await page.getByTestId('mil-draw-box').click();
    const s0 = square(0);
    await drag([s0.x, s0.y], [s0.x + 50, s0.y + 50]);
    await page.getByTestId('mil-target').fill(String(FRAMES - 1));
    await page.getByTestId('mil-track').click();
    const result = page.getByTestId('mil-result');
    // The result, or an error message, whichever comes first.
    await page
      .locator('[data-testid="mil-result"], [data-testid="opencv"] [role="alert"]')
      .first()
      .waitFor({ timeout: 150_000 });
    expect(
      await result.count(),
      `${await page.getByTestId('opencv').textContent()}\n${logs.join('\n')}`,
    ).toBe(1);
    expect(await result.getAttribute('data-keyframes')).toBe(String(FRAMES));
    expect(await result.getAttribute('data-to')).toBe(String(FRAMES - 1));
    // The track as stored in IndexedDB.
    const tracks = await page.evaluate(async () => {
      const found: Array<{ shapes: Array<{ frame: number; points: number[]; outside: boolean }> }> = [];
      for (const info of await indexedDB.databases()) {
        if (!info.name) continue;
        const db = await new Promise<IDBDatabase>((ok, fail) => {
          const r = indexedDB.open(info.name!);
          r.onsuccess = () => ok(r.result);
          r.onerror = () => fail(r.error);
        });
        for (const name of [...db.objectStoreNames]) {
          const rows = await new Promise<unknown[]>((ok) => {
            const r = db.transaction(name).objectStore(name).getAll();
            r.onsuccess = () => ok(r.result as unknown[]);
            r.onerror = () => ok([]);
          });
          for (const row of rows) {
            const doc = row as { shapes?: unknown; job_id?: unknown; _deleted?: unknown };
            // The Dexie storage keeps `_deleted` as '0' / '1'.
            const deleted = doc._deleted === true || doc._deleted === '1' || doc._deleted === 1;
            if (Array.isArray(doc.shapes) && typeof doc.job_id === 'string' && !deleted)
              found.push(doc as (typeof found)[number]);
          }
        }
        db.close();
      }
      return found;
    });
    expect(tracks).toHaveLength(1);
    const shapes = tracks[0]!.shapes;
    expect(shapes.map((s) => s.frame)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const s of shapes) {
      const want = square(s.frame);
      expect(s.outside).toBe(false);
      expect(Math.abs(s.points[0]! - want.x), `frame ${s.frame}`).toBeLessThanOrEqual(6);
      expect(Math.abs(s.points[1]! - want.y), `frame ${s.frame}`).toBeLessThanOrEqual(6);
    }
  });

  it('histogram equalization changes the displayed frame only', { timeout: 60_000 }, async () => {
    const shown = () =>
      page.evaluate(() => {
        const layers = [...document.querySelectorAll<HTMLCanvasElement>('[data-testid="canvas"] canvas')];
        const image = layers.find((c) => c.dataset.layer === 'image') ?? layers[0]!;
        return image.toDataURL();
      });
    const before = await shown();
    await page.getByTestId('cv-tab-image').click();
    await page.getByTestId('cv-equalize').check();
    await expect.poll(shown, { timeout: 30_000 }).not.toBe(before);
    await page.getByTestId('cv-equalize').uncheck();
    await expect.poll(shown, { timeout: 30_000 }).toBe(before);
  });
});
