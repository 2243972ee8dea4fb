import type { Browser, Page } from 'playwright-core';

/**
 * What the sync benchmarks share: the API of the device page (bench/pages/sync.ts) and a JSON
 * POST to the server's API.
 */
export interface SyncBenchPage {
  open(workspaceId: string, token: string): Promise<void>;
  seed(jobId: string, objects: number, frames: number): Promise<{ start: number; writtenMs: number }>;
  waitForObjects(n: number): Promise<number>;
  edit(x: number): Promise<number>;
  waitForEdit(x: number): Promise<number>;
}

/** The page's global, as `page.evaluate` callbacks see it. */
export type Bench = { syncBench: SyncBenchPage };

export async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A device: a fresh browser context on the bench page, replicating workspace `orgId` as `token`. */
export async function openDevicePage(
  browser: Browser,
  pageUrl: string,
  orgId: string,
  token: string,
): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl);
  await page.waitForFunction(() => 'syncBench' in window);
  await page.evaluate(([id, t]) => (window as unknown as Bench).syncBench.open(id!, t!), [orgId, token]);
  return page;
}
