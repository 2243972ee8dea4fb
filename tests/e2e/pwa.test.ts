/**
 * The installable, offline-capable shell: manifest and icons, what the service worker
 * precaches (and what it must not), and the prompt shown when a new version is deployed.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DIR, startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';

let deployDir: string;
let server: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // A copy of the build, so the test can "deploy" a new version without touching build/.
  deployDir = mkdtempSync(join(tmpdir(), 'loupe-deploy-'));
  cpSync(APP_DIR, deployDir, { recursive: true });
  server = await startTestServer({ appDir: deployDir });
  browser = await launchBrowser();
  ({ page } = await newContext(browser, { serviceWorkers: 'allow' }));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(deployDir, { recursive: true, force: true });
});

describe('progressive web app', () => {
  it('links an installable manifest with icons that load', async () => {
    await page.goto(server.url);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const manifest = await page.evaluate(async (url) => (await fetch(url)).json(), href!);
    expect(manifest).toMatchObject({ name: 'Loupe', display: 'standalone', start_url: '/' });
    const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
    expect(sizes).toContain('192x192');
    expect(sizes).toContain('512x512');
    for (const icon of manifest.icons as { src: string }[]) {
      const response = await page.request.get(new URL(icon.src, server.url).href);
      expect(response.status(), icon.src).toBe(200);
      expect(response.headers()['content-type']).toContain('image/png');
    }
  });

  it('precaches the app shell but no big wasm, models or media runtimes', async () => {
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    expect(cached.some((u) => u.endsWith('/index.html') || u === '/')).toBe(true);
    expect(cached.some((u) => u.startsWith('/_app/immutable/entry/'))).toBe(true);
    const heavy = cached.filter((u) => /\.(wasm|onnx)$|opencv|ffmpeg-core|\/models\//.test(u));
    expect(heavy).toEqual([]);
  });

  it('shows an update prompt when a new version is deployed, and reloads into it', async () => {
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await page.getByTestId('update-prompt').count()).toBe(0);

    // Deploy: the service worker script changes byte for byte, as with any new build.
    appendFileSync(join(deployDir, 'sw.js'), '\n// new version\n');
    await page.reload();
    await page.getByTestId('update-prompt').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('update-prompt').textContent()).toContain('new version');

    await Promise.all([
      page.waitForEvent('framenavigated'),
      page.getByRole('button', { name: 'Reload' }).click(),
    ]);
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await page.waitForFunction(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return registration?.waiting === null && registration.active !== null;
    });
    expect(await page.getByTestId('update-prompt').count()).toBe(0);
  });
});
