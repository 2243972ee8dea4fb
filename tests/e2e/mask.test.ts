/**
 * The mask editor in Chromium on the real canvas engine, driven with real mouse events: brush
 * and eraser strokes, polygon-to-mask, finishing to CVAT points (encoded by the wasm kernels).
 */
import { mkdtempSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMaskToImage, maskArea, maskBox } from '../../src/lib/core/mask';
import { launchBrowser, newContext } from '../helpers/browser';
import { serveTestPage, type TestPage } from '../helpers/bundlePage';
import type { MaskTestApi } from './pages/mask';

declare const maskTest: MaskTestApi;

const ROOT = resolve(import.meta.dirname, '..', '..');
const W = 400;
const H = 300;

let server: TestPage;
let browser: Browser;
let page: Page;
let logs: string[];

async function toPage(x: number, y: number) {
  return page.evaluate(([a, b]) => maskTest.toPage(a, b), [x, y] as const);
}

/** A real mouse drag through image points, with `steps` intermediate moves per leg. */
async function drag(points: Array<[number, number]>, steps = 1) {
  const [first, ...rest] = points;
  const p0 = await toPage(first![0], first![1]);
  await page.mouse.move(p0.x, p0.y);
  await page.mouse.down();
  for (const [x, y] of rest) {
    const p = await toPage(x, y);
    await page.mouse.move(p.x, p.y, { steps });
  }
  await page.mouse.up();
}

async function click(x: number, y: number) {
  const p = await toPage(x, y);
  await page.mouse.click(p.x, p.y);
}

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { cwd: ROOT, stdio: 'pipe' });
  const files = mkdtempSync(join(tmpdir(), 'loupe-mask-'));
  symlinkSync(join(ROOT, 'wasm', 'build', 'mask.wasm'), join(files, 'mask.wasm'));
  server = await serveTestPage('mask.ts', { files });
  browser = await launchBrowser();
  ({ page, logs } = await newContext(browser));
  await page.goto(server.url);
  await page.waitForFunction(() => document.title === 'mask-ready');
  expect(await page.evaluate(() => maskTest.loadWasm())).toBe('wasm');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('mask editor in Chromium', () => {
  it('paints a brush stroke with no gaps between far-apart mouse samples, and shows it', async () => {
    await page.evaluate(([w, h]) => maskTest.setup(w, h), [W, H] as const);
    const scale = await page.evaluate(() => maskTest.scale());
    expect(scale).toBeGreaterThan(1); // 400 x 300 fitted into 800 x 600
    await page.evaluate(() => maskTest.set({ tool: 'brush', brushSize: 10, brushShape: 'square' }));
    // One jump of 200 image pixels between two mouse samples.
    await drag([
      [100.5, 150.5],
      [300.5, 150.5],
    ]);
    const count = await page.evaluate(() => maskTest.count());
    expect(count).toBeGreaterThanOrEqual(200 * 10);
    expect(count).toBeLessThanOrEqual(212 * 11);
    const shown = await page.evaluate(() => maskTest.overlay(200, 150));
    expect(shown.draws).toBeGreaterThan(0);
    expect(shown.alpha).toBe(1);
    const [c] = await page.evaluate(() => maskTest.finish());
    expect(c!.reason).toBe('finished');
    const points = c!.points!;
    expect(maskArea(points)).toBe(count);
    const box = maskBox(points);
    expect(Math.abs(box.left - 95)).toBeLessThanOrEqual(1);
    expect(Math.abs(box.right - 305)).toBeLessThanOrEqual(1);
    expect(Math.abs(box.top - 145)).toBeLessThanOrEqual(1);
    expect(Math.abs(box.bottom - 155)).toBeLessThanOrEqual(1);
    const image = decodeMaskToImage(points, W, H);
    for (let x = 100; x <= 300; x += 10) expect(image[150 * W + x]).toBe(1);
    expect(image[100 * W + 200]).toBe(0);
  });

  it('erases across a brushed stroke and keeps the rest', async () => {
    await page.evaluate(([w, h]) => maskTest.setup(w, h), [W, H] as const);
    await page.evaluate(() => maskTest.set({ tool: 'brush', brushSize: 20, brushShape: 'circle' }));
    await drag(
      [
        [50, 100],
        [350, 100],
      ],
      8,
    );
    const before = await page.evaluate(() => maskTest.count());
    await page.evaluate(() => maskTest.set({ tool: 'eraser', brushSize: 30, brushShape: 'square' }));
    await drag(
      [
        [200, 60],
        [200, 140],
      ],
      4,
    );
    const after = await page.evaluate(() => maskTest.count());
    expect(before - after).toBeGreaterThan(25 * 20);
    const [c] = await page.evaluate(() => maskTest.finish());
    const image = decodeMaskToImage(c!.points!, W, H);
    expect(image[100 * W + 200]).toBe(0);
    expect(image[100 * W + 190]).toBe(0);
    expect(image[100 * W + 180]).toBe(1);
    expect(image[100 * W + 100]).toBe(1);
    expect(image[100 * W + 300]).toBe(1);
    expect(maskArea(c!.points!)).toBe(after);
  });

  it('fills a polygon clicked vertex by vertex, cuts a hole with a remove polygon, and reports remove-underlying', async () => {
    await page.evaluate(([w, h]) => maskTest.setup(w, h), [W, H] as const);
    await page.evaluate(() => maskTest.set({ tool: 'polygon-add', removeUnderlying: true }));
    for (const [x, y] of [
      [100, 50],
      [300, 50],
      [300, 250],
      [100, 250],
    ] as const) {
      await click(x, y);
    }
    await click(100.5, 50.5); // on the first vertex: closes and fills
    expect(await page.evaluate(() => maskTest.count())).toBe(200 * 200);
    await page.evaluate(() => maskTest.set({ tool: 'polygon-remove' }));
    for (const [x, y] of [
      [150, 100],
      [250, 100],
      [250, 200],
      [150, 200],
    ] as const) {
      await click(x, y);
    }
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => maskTest.count())).toBe(200 * 200 - 100 * 100);
    const [c] = await page.evaluate(() => maskTest.finish());
    expect(c!.removeUnderlying).toBe(true);
    expect(maskBox(c!.points!)).toEqual({ left: 100, top: 50, right: 299, bottom: 249 });
    const image = decodeMaskToImage(c!.points!, W, H);
    expect(image[150 * W + 200]).toBe(0);
    expect(image[60 * W + 110]).toBe(1);
    expect(logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
