/**
 * Steps shared by the browser tests of organization workspaces: registering an account in
 * the app, and waiting until the header reports that everything is on the server.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Registers `name` (password `<name>-password`) through the app's form; ends on /orgs. */
export async function register(page: Page, serverUrl: string, name: string): Promise<void> {
  await page.goto(`${serverUrl}/register`);
  await page.getByTestId('auth-username').fill(name);
  await page.getByTestId('auth-password').fill(`${name}-password`);
  await page.getByTestId('auth-confirm').fill(`${name}-password`);
  await page.getByTestId('auth-submit').click();
  await page.waitForURL(/\/orgs$/);
}

/** Goes to the project list and waits until the header reports everything synced. */
export async function waitSynced(page: Page, serverUrl: string): Promise<void> {
  if (!page.url().endsWith('/')) await page.goto(serverUrl);
  const status = page.getByTestId('sync-status');
  try {
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 60_000 }).toBe('online');
  } catch (error) {
    const pending = await page.evaluate(() =>
      Object.entries(localStorage).filter(([k]) => k.startsWith('loupe.sync.pending')),
    );
    throw new Error(`Not synced: ${await status.textContent()} ${JSON.stringify(pending)}`, { cause: error });
  }
  expect(await status.getAttribute('data-pending')).toBe('0');
}

/** Waits until this device's upload queue has put `count` media files of the workspace on the server. */
export async function waitUploaded(page: Page, workspaceId: string, count: number): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(
          (id) => (JSON.parse(localStorage.getItem(`loupe.sync.uploaded.${id}`) ?? '[]') as string[]).length,
          workspaceId,
        ),
      { timeout: 60_000 },
    )
    .toBe(count);
}
