/**
 * Headless Chromium for end-to-end tests, driven by playwright-core with the system
 * browser (Playwright's own browser downloads are not used).
 */
import { existsSync } from 'node:fs';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';

export const CHROMIUM_PATH = process.env.LOUPE_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that work headless on a machine without a GPU; WebGPU is the SwiftShader fallback. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

export interface LaunchOptions {
  /** Extra command-line flags appended to CHROMIUM_ARGS. */
  args?: string[];
  headless?: boolean;
}

export async function launchBrowser(opts: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} (set LOUPE_CHROMIUM to override)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: opts.headless ?? true,
    args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
  });
}

export interface ContextOptions extends BrowserContextOptions {
  /** Collect console messages and page errors into the returned `logs` array. */
  captureLogs?: boolean;
}

export interface TestContext {
  context: BrowserContext;
  page: Page;
  /** "[type] text" lines from every page of the context, when captureLogs is on. */
  logs: string[];
}

/**
 * A fresh, isolated context (its own storage) with one page. Service workers are blocked by
 * default so each test sees the network, not a cache from an earlier run; pass
 * `serviceWorkers: 'allow'` to test the PWA itself.
 */
export async function newContext(browser: Browser, opts: ContextOptions = {}): Promise<TestContext> {
  const { captureLogs = true, ...contextOptions } = opts;
  const context = await browser.newContext({
    serviceWorkers: 'block',
    viewport: { width: 1280, height: 900 },
    ...contextOptions,
  });
  const logs: string[] = [];
  if (captureLogs) {
    context.on('page', (p) => attachLogs(p, logs));
  }
  const page = await context.newPage();
  return { context, page, logs };
}

function attachLogs(page: Page, logs: string[]): void {
  page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  page.on('worker', (w) => logs.push(`[worker] started ${w.url()}`));
}
