/**
 * Real models and the hand-built fixtures in headless Chromium with onnxruntime-web (wasm, and
 * WebGPU forced on the SwiftShader fallback adapter): faces in a people photo, text lines in a
 * rendered image, a MoveNet skeleton, and the plumbing fixtures giving the same results as in Node.
 * Needs the built models: `node scripts/make-models.mjs` (part of `npm run build`).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_MODELS, describeUserModel } from '../../src/lib/ai/models';
import { readOnnxInfo } from '../../src/lib/ai/onnxInfo';
import type { Detection, ModelDescriptor } from '../../src/lib/ai/types';
import { launchBrowser, newContext, type TestContext } from '../helpers/browser';
import { serveTestPage, type TestPage } from '../helpers/bundlePage';
import { cellDetector, paint } from '../unit/ai/fixtures';

const ROOT = resolve(import.meta.dirname, '../..');
const MODELS = join(ROOT, 'static', 'models');

let files: string;
let server: TestPage;
let browser: Browser;
let ctx: TestContext;
let page: Page;

const builtin = (id: string) => BUILTIN_MODELS.find((m) => m.id === id)!;

beforeAll(async () => {
  if (!existsSync(join(MODELS, 'blazeface.onnx'))) {
    throw new Error('static/models is missing the built-in models: run `node scripts/make-models.mjs` first');
  }
  files = mkdtempSync(join(tmpdir(), 'loupe-ai-'));
  symlinkSync(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist'), join(files, 'ort'));
  symlinkSync(MODELS, join(files, 'models'));
  symlinkSync(join(ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo'), join(files, 'photos'));
  mkdirSync(join(files, 'fixtures'));
  writeFileSync(join(files, 'fixtures', 'cells.onnx'), cellDetector());
  server = await serveTestPage('aiModels.ts', { files });
  browser = await launchBrowser();
  ctx = await newContext(browser);
  page = ctx.page;
  await page.goto(server.url);
  await page.waitForFunction(() => (globalThis as { aiTest?: { ready: boolean } }).aiTest?.ready === true);
});

afterAll(async () => {
  await ctx?.context.close();
  await browser?.close();
  await server?.close();
  if (files) rmSync(files, { recursive: true, force: true });
});

interface RunResult {
  detections: Detection[];
  backend: string;
  adapter: { available: boolean; fallback: boolean };
  reason: string;
  fromCache: boolean;
  cachedNow: boolean;
  loadMs: number;
  inferMs: number;
  width: number;
  height: number;
}

function run(
  model: ModelDescriptor,
  image: { photo?: string; rgba?: { data: number[]; width: number; height: number }; text?: string[] },
  options: { threshold: number; masksAsPolygons?: boolean; region?: [number, number, number, number] },
  backend: 'wasm' | 'webgpu' | 'auto' = 'wasm',
): Promise<RunResult> {
  return page.evaluate(
    ([m, i, o, b]) =>
      (globalThis as unknown as { aiTest: { run: (...a: unknown[]) => Promise<RunResult> } }).aiTest.run(
        m,
        i,
        o,
        b,
      ),
    [
      { ...model, files: model.files.map((f) => ({ ...f, url: `/files${f.url}` })) },
      image,
      { masksAsPolygons: false, ...options },
      backend,
    ] as const,
  );
}

type Box = [number, number, number, number];
const boxOf = (d: Detection): Box =>
  d.type === 'rectangle' ? d.points : d.type === 'skeleton' || d.type === 'mask' ? d.box : [0, 0, 0, 0];

describe('real models in Chromium (onnxruntime-web, wasm)', () => {
  it('BlazeFace finds the three faces in a people photo', async () => {
    const r = await run(
      builtin('builtin:blazeface'),
      { photo: '/files/photos/sample1.jpg' },
      { threshold: 0.6 },
    );
    const faces = r.detections.filter((d) => d.type === 'rectangle');
    console.log(
      `blazeface: ${faces.length} faces in ${r.inferMs.toFixed(0)} ms`,
      faces.map((f) => [f.score.toFixed(2), ...boxOf(f).map(Math.round)]),
    );
    expect(faces).toHaveLength(3);
    for (const f of faces) {
      const [x1, y1, x2, y2] = boxOf(f);
      // Faces in this 1920×1280 photo are 150–250 px wide, roughly square.
      expect(x2 - x1).toBeGreaterThan(100);
      expect(x2 - x1).toBeLessThan(350);
      expect((y2 - y1) / (x2 - x1)).toBeGreaterThan(0.7);
      expect((y2 - y1) / (x2 - x1)).toBeLessThan(1.4);
    }
    // Each face also comes as a 6-keypoint skeleton inside its box.
    const skeletons = r.detections.filter((d) => d.type === 'skeleton');
    expect(skeletons).toHaveLength(3);
    for (const s of skeletons) {
      if (s.type !== 'skeleton') continue;
      expect(s.keypoints).toHaveLength(6);
      const [x1, y1, x2, y2] = s.box;
      const [re, le, nose, mouth] = s.keypoints;
      for (const k of [re, le, nose, mouth]) {
        expect(k!.x).toBeGreaterThan(x1);
        expect(k!.x).toBeLessThan(x2);
        expect(k!.y).toBeGreaterThan(y1);
        expect(k!.y).toBeLessThan(y2);
      }
      // Eyes above the mouth (one of the faces is tilted, so not always above the nose).
      expect(re!.y).toBeLessThan(mouth!.y);
      expect(le!.y).toBeLessThan(mouth!.y);
    }
  });

  it('PP-OCRv4 finds each line of a rendered text image', async () => {
    const lines = [
      'Browser annotation tool',
      'Speed limit 50 km/h',
      'Invoice No. 2024-0815',
      'offline first, no server',
    ];
    const r = await run(builtin('builtin:ppocr-det'), { text: lines }, { threshold: 0.6 });
    console.log(
      `ppocr: ${r.detections.length} lines in ${r.inferMs.toFixed(0)} ms`,
      r.detections.map((d) => boxOf2(d)),
    );
    expect(r.detections).toHaveLength(4);
    r.detections.forEach((d, i) => {
      expect(d.type).toBe('polygon');
      const [x1, y1, x2, y2] = boxOf2(d);
      const baseline = 90 + i * 110;
      // Each polygon holds its line: baseline inside, about a line high, wide like the text.
      expect(y1).toBeLessThan(baseline);
      expect(y2).toBeGreaterThan(baseline - 10);
      expect(y2 - y1).toBeGreaterThan(25);
      expect(y2 - y1).toBeLessThan(90);
      expect(x1).toBeLessThan(100);
      expect(x2 - x1).toBeGreaterThan(250);
    });
  });

  it('MoveNet gives 17 plausible keypoints for a person', async () => {
    const r = await run(
      builtin('builtin:movenet-lightning'),
      { photo: '/files/photos/sample2.jpg' },
      { threshold: 0 },
    );
    expect(r.detections).toHaveLength(1);
    const [s] = r.detections;
    if (s?.type !== 'skeleton') throw new Error('expected a skeleton');
    console.log(
      `movenet ${r.inferMs.toFixed(0)} ms`,
      s.keypoints.map((k) => [Math.round(k.x), Math.round(k.y), +k.score.toFixed(2)]),
    );
    expect(s.keypoints).toHaveLength(17);
    for (const k of s.keypoints) {
      expect(k.x).toBeGreaterThanOrEqual(0);
      expect(k.x).toBeLessThanOrEqual(r.width);
      expect(k.y).toBeGreaterThanOrEqual(0);
      expect(k.y).toBeLessThanOrEqual(r.height);
    }
    const [nose, leftEye, rightEye, , , leftShoulder, rightShoulder] = s.keypoints;
    // Head keypoints are confident and in anatomical order: eyes above the nose area, shoulders below.
    for (const k of [nose, leftEye, rightEye]) expect(k!.score).toBeGreaterThan(0.3);
    expect(Math.min(leftEye!.y, rightEye!.y)).toBeLessThan(nose!.y + 5);
    expect(leftShoulder!.y).toBeGreaterThan(nose!.y);
    expect(rightShoulder!.y).toBeGreaterThan(nose!.y);
    // The person's left eye is on the image's right.
    expect(leftEye!.x).toBeGreaterThan(rightEye!.x);
  });
});

function boxOf2(d: Detection): Box {
  if (d.type !== 'polygon') return boxOf(d);
  const xs = d.points.filter((_, i) => i % 2 === 0);
  const ys = d.points.filter((_, i) => i % 2 === 1);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].map(Math.round) as Box;
}

describe('plumbing in Chromium', () => {
  const bytes = cellDetector();
  const cells = { ...describeUserModel(readOnnxInfo(bytes), 'cells.onnx', 'cells', bytes.length) };
  cells.files = [{ role: 'model', url: '/fixtures/cells.onnx', bytes: bytes.length }];
  const image = paint(128, 64, [
    [32, 0, 16, 16, 255, 0, 0],
    [96, 48, 16, 16, 0, 0, 255],
  ]);
  const rgba = { data: Array.from(image.data), width: image.width, height: image.height };

  it('decodes the hand-built detector exactly as in Node, and caches the model file', async () => {
    const first = await run(cells, { rgba }, { threshold: 0.5 });
    expect(first.backend).toBe('wasm');
    expect(first.fromCache).toBe(false);
    expect(first.cachedNow).toBe(true);
    const boxes = first.detections.map((d) => [d.label, ...boxOf(d)]).sort();
    expect(boxes).toEqual([
      [0, 32, 0, 48, 16],
      [1, 96, 48, 112, 64],
    ]);
    const again = await run(cells, { rgba }, { threshold: 0.5 });
    expect(again.fromCache).toBe(true);
  });

  it('runs on WebGPU when forced (the fallback adapter here) with the same result, and automatic picks wasm', async () => {
    const auto = await run(cells, { rgba }, { threshold: 0.5 }, 'auto');
    expect(auto.adapter.fallback).toBe(true);
    expect(auto.backend).toBe('wasm');
    expect(auto.reason).toMatch(/software fallback/);
    const gpu = await run(cells, { rgba }, { threshold: 0.5 }, 'webgpu');
    expect(gpu.backend).toBe('webgpu');
    expect(gpu.detections.map((d) => [d.label, ...boxOf(d)]).sort()).toEqual(
      auto.detections.map((d) => [d.label, ...boxOf(d)]).sort(),
    );
  });

  it('makes model files available offline once, and frees them again', async () => {
    const urls = ['/files/models/blazeface.onnx', '/files/models/tiny.onnx'];
    const r = await page.evaluate(
      (u) =>
        (
          globalThis as unknown as { aiTest: { offlineCycle(u: string[]): Promise<Record<string, unknown>> } }
        ).aiTest.offlineCycle(u),
      urls,
    );
    const sizes = statSync(join(MODELS, 'blazeface.onnx')).size + statSync(join(MODELS, 'tiny.onnx')).size;
    expect(r).toEqual({
      first: sizes,
      lastProgress: sizes,
      cachedAfter: [true, true],
      second: 0,
      evicted: [true, true],
      cachedAfterEvict: [false, false],
    });
  });
});
