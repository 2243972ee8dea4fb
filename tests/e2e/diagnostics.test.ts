/**
 * End-to-end: the built SPA's /diagnostics page in headless Chromium, served by the real
 * Loupe server (cross-origin isolated). Needs `npm run build` first (npm run test:e2e does it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, type TestContext } from '../helpers/browser';

const ROOT = resolve(import.meta.dirname, '../..');
const APP_DIR = join(ROOT, 'build');

/** Requests that would mean a heavy runtime was fetched. */
const HEAVY = /\.wasm(\?|$)|opencv|ffmpeg-core|ort-wasm/;

/** tiny.onnx: Relu([1,2,3,4]·W + b), see scripts/make-models.mjs. */
const TINY_OUTPUT = [4.5, 4, 0];
/** equalizeHist on 32 equally filled levels 100..131: level k → round(k·255/31). */
const EQ_LUT = Array.from({ length: 32 }, (_, k) => [100 + k, Math.round((k * 255) / 31)]);
const EQ_SUM = 522240; // 128 pixels per level × Σ lut
const THREE_BG = [0x20, 0x20, 0x40, 255];

let server: { url: string; close(): Promise<void> };
let dataDir: string;
let browser: Browser;
let ctx: TestContext | undefined;

beforeAll(async () => {
  if (!existsSync(join(APP_DIR, 'index.html'))) {
    throw new Error('build/ is missing: run `npm run build` before the e2e tests');
  }
  if (!existsSync(join(APP_DIR, 'models', 'tiny.onnx'))) {
    throw new Error(
      'build/models/tiny.onnx is missing: run `npm run build` (it runs scripts/make-models.mjs)',
    );
  }
  dataDir = mkdtempSync(join(tmpdir(), 'loupe-e2e-diag-'));
  const { startServer } = await import('../../sync-server/app');
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, appDir: APP_DIR });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

afterEach(async (test) => {
  if (ctx && test.task.result?.state === 'fail') {
    console.log(`browser log for "${test.task.name}":\n${ctx.logs.join('\n')}`);
  }
  await ctx?.context.close();
  ctx = undefined;
});

async function openDiagnostics(query = ''): Promise<{ page: Page; requests: string[] }> {
  ctx = await newContext(browser);
  const requests: string[] = [];
  ctx.context.on('request', (r) => requests.push(r.url()));
  const page = ctx.page;
  await page.goto(`${server.url}/diagnostics${query}`);
  await page.getByRole('heading', { name: 'Diagnostics' }).waitFor();
  return { page, requests };
}

const attr = (page: Page, testId: string, name: string) => page.getByTestId(testId).getAttribute(name);

async function waitForAttr(
  page: Page,
  testId: string,
  name: string,
  pred: (v: string | null) => boolean,
  timeout = 30_000,
) {
  await expect
    .poll(() => attr(page, testId, name), { timeout, interval: 100 })
    .toSatisfy((v: string | null) => pred(v));
  return attr(page, testId, name);
}

async function checkResult<T>(page: Page, id: string): Promise<T> {
  const raw = await attr(page, `check-${id}`, 'data-result');
  expect(raw, `check-${id} has a result`).toBeTruthy();
  return JSON.parse(raw!) as T;
}

describe('diagnostics page', () => {
  it('is cross-origin isolated and shows the environment', async () => {
    const { page } = await openDiagnostics();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
    await waitForAttr(page, 'env-coi', 'data-value', (v) => v === 'true');
    expect(await attr(page, 'env-sab', 'data-value')).toBe('true');
    expect(Number(await attr(page, 'env-cores', 'data-value'))).toBeGreaterThan(0);

    await waitForAttr(page, 'env-storage', 'data-status', (v) => v !== 'pending');
    expect(await attr(page, 'env-storage', 'data-status')).toBe('ok');
    expect(Number(await attr(page, 'storage-quota', 'data-value'))).toBeGreaterThan(0);
    expect(['true', 'false']).toContain(await attr(page, 'storage-persisted', 'data-value'));
  });

  it('reports the WebGPU adapter on the page and in a worker', async () => {
    const { page } = await openDiagnostics();
    for (const id of ['webgpu', 'webgpu-worker']) {
      const status = await waitForAttr(page, id, 'data-status', (v) => v !== 'pending');
      // --enable-unsafe-webgpu gives at least SwiftShader's fallback adapter headless.
      expect(status, `${id}: ${await page.getByTestId(id).innerText()}`).toBe('ok');
      expect(['true', 'false']).toContain(await attr(page, id, 'data-fallback'));
      expect(await attr(page, id, 'data-vendor')).not.toBe(null);
    }
    console.log(
      `WebGPU: ${await attr(page, 'webgpu', 'data-vendor')}/${await attr(page, 'webgpu', 'data-architecture')} fallback=${await attr(page, 'webgpu', 'data-fallback')}`,
    );
  });

  it('lists WebCodecs decoder support, with H.264 supported', async () => {
    const { page } = await openDiagnostics();
    await waitForAttr(page, 'codecs', 'data-status', (v) => v === 'ok');
    for (const codec of ['avc1.42E01E', 'avc1.64001F']) {
      expect(await attr(page, `codec-${codec}`, 'data-supported'), codec).toBe('true');
    }
    for (const codec of ['vp8', 'vp09.00.10.08', 'av01.0.04M.08', 'hev1.1.6.L93.B0']) {
      expect(['true', 'false'], codec).toContain(await attr(page, `codec-${codec}`, 'data-supported'));
    }
  });

  it('loads no heavy runtime until the checks run', async () => {
    const { page, requests } = await openDiagnostics();
    await waitForAttr(page, 'webgpu-worker', 'data-status', (v) => v !== 'pending');
    await waitForAttr(page, 'codecs', 'data-status', (v) => v === 'ok');
    expect(await attr(page, 'checks', 'data-state')).toBe('idle');
    expect(requests.filter((u) => HEAVY.test(u))).toEqual([]);
  });

  it('runs every runtime check to ok with the expected outputs', async () => {
    const { page, requests } = await openDiagnostics();
    await page.getByTestId('run-checks').click();
    await waitForAttr(page, 'checks', 'data-state', (v) => v === 'done', 110_000);

    const statuses: Record<string, string | null> = {};
    for (const id of ['onnx', 'ffmpeg', 'opencv', 'three']) {
      statuses[id] = await attr(page, `check-${id}`, 'data-status');
    }
    const errors = await page.locator('[data-testid$="-error"]').allInnerTexts();
    expect(statuses, errors.join('\n')).toEqual({ onnx: 'ok', ffmpeg: 'ok', opencv: 'ok', three: 'ok' });

    const onnx = await checkResult<{
      output: number[];
      dims: number[];
      numThreads: number;
      backend: string;
      sessionMs: number;
      runMs: number;
    }>(page, 'onnx');
    expect(onnx.output).toEqual(TINY_OUTPUT);
    expect(onnx.dims).toEqual([1, 3]);
    expect(onnx.backend).toBe('wasm');
    expect(onnx.numThreads).toBe(2); // cross-origin isolated → threads

    const ff = await checkResult<{ rc: number; versionLine: string; loadMs: number; execMs: number }>(
      page,
      'ffmpeg',
    );
    expect(ff.rc).toBe(0);
    expect(ff.versionLine).toMatch(/^ffmpeg version \S+/);

    const cv = await checkResult<{
      version: string;
      lut: number[][];
      output: { min: number; max: number; distinct: number; sum: number };
      loadMs: number;
      runMs: number;
    }>(page, 'opencv');
    expect(cv.version).toBe('4.12.0');
    expect(cv.lut).toEqual(EQ_LUT);
    expect(cv.output).toEqual({ min: 0, max: 255, distinct: 32, sum: EQ_SUM });

    const three = await checkResult<{
      center: number[];
      corner: number[];
      revision: string;
      firstFrameMs: number;
    }>(page, 'three');
    expect(three.revision).toBe('187');
    for (let i = 0; i < 4; i++) expect(Math.abs(three.corner[i]! - THREE_BG[i]!)).toBeLessThanOrEqual(2);
    const [r, g, b] = three.center as [number, number, number];
    expect(r, 'lit orange cube at the centre').toBeGreaterThan(g);
    expect(g).toBeGreaterThan(b);

    // Every runtime came from our own origin.
    const origin = new URL(server.url).origin;
    const heavy = requests.filter((u) => HEAVY.test(u));
    expect(heavy.length).toBeGreaterThanOrEqual(3);
    expect(heavy.filter((u) => !u.startsWith(origin))).toEqual([]);

    console.log(
      `runtime checks: onnx session ${onnx.sessionMs.toFixed(0)} ms, run ${onnx.runMs.toFixed(2)} ms; ` +
        `ffmpeg load ${ff.loadMs.toFixed(0)} ms, exec ${ff.execMs.toFixed(0)} ms; ` +
        `opencv load ${cv.loadMs.toFixed(0)} ms, run ${cv.runMs.toFixed(2)} ms; three first frame ${three.firstFrameMs.toFixed(0)} ms`,
    );
  });

  it('starts the checks by itself with ?run=1', async () => {
    const { page } = await openDiagnostics('?run=1');
    await waitForAttr(page, 'checks', 'data-state', (v) => v === 'running' || v === 'done');
    await waitForAttr(page, 'check-onnx', 'data-status', (v) => v === 'ok' || v === 'error', 60_000);
    expect(await attr(page, 'check-onnx', 'data-status')).toBe('ok');
  });
});
