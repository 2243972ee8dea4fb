/**
 * Two devices, one team: two browser contexts (each its own IndexedDB) on one real server.
 * A registers, creates an organization, a project and a task from images, and invites B. B
 * joins, opens the task (its images come from the server), annotates offline and reconnects;
 * A sees B's work. Both then edit the same frame offline: different objects both survive, and
 * a true collision lands in the conflict log. A revoked token shows a clear message and loses
 * nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';
import { register, waitSynced, waitUploaded } from '../helpers/team';

const IMAGES = [
  join(ASSETS, 'media/images_exif_orientation/recurser_all_8_orientations/Landscape_1.jpg'),
  join(ASSETS, 'media/images_exif_orientation/recurser_all_8_orientations/Landscape_3.jpg'),
];

let server: TestServer;
let browser: Browser;
let a: { context: BrowserContext; page: Page; logs: string[] };
let b: { context: BrowserContext; page: Page; logs: string[] };
let orgId = '';
let inviteLink = '';
let jobUrl = '';
/** The objects each device added in the "different objects" step. */
const freshIds: string[] = [];

async function drawRectangle(page: Page, fx: number, fy: number): Promise<void> {
  const box = await page.getByTestId('canvas').boundingBox();
  if (!box) throw new Error('canvas not laid out');
  await page.getByTestId('tool-rectangle').click();
  const x = box.x + box.width * fx;
  const y = box.y + box.height * fy;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 30, y + 20, { steps: 4 });
  await page.mouse.move(x + 60, y + 40, { steps: 4 });
  await page.mouse.up();
  await page.keyboard.press('Escape');
}

async function openJob(page: Page): Promise<void> {
  await page.goto(jobUrl);
  try {
    await page.getByTestId('canvas').waitFor({ timeout: 20_000 });
    await page.locator('[data-shown-frame="0"]').waitFor({ timeout: 60_000 });
  } catch (error) {
    throw new Error(`The job did not open; the page says: ${await page.locator('body').innerText()}`, {
      cause: error,
    });
  }
}

/** Reloads the job until the frame shows `count` objects (replication is asynchronous). */
async function waitForObjects(page: Page, count: number): Promise<void> {
  await expect
    .poll(
      async () => {
        await openJob(page);
        return page.getByTestId('object-row').count();
      },
      { timeout: 60_000, interval: 500 },
    )
    .toBe(count);
}

/** Waits until the job view has written the last edit to IndexedDB. */
async function saved(page: Page): Promise<void> {
  await page.waitForTimeout(300);
  await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');
}

async function labelsOnFrame(page: Page): Promise<string[]> {
  const rows = page.getByTestId('object-row');
  const labels: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const select = rows.nth(i).getByTestId('object-label');
    labels.push((await select.locator('option:checked').textContent()) ?? '');
  }
  return labels.sort();
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  a = await newContext(browser);
  b = await newContext(browser);
  for (const [name, page] of [
    ['A', a.page],
    ['B', b.page],
  ] as const) {
    page.on('pageerror', (error) => console.error(`${name} page error: ${error.stack ?? error.message}`));
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('two devices share an organization workspace through the server', () => {
  it('A registers, creates an organization and switches to its workspace', async () => {
    await register(a.page, server.url, 'anna');
    await a.page.getByTestId('org-name').fill('Acme labelling');
    await a.page.getByTestId('create-org').click();
    await a.page.getByTestId('org-title').waitFor();
    expect(await a.page.getByTestId('org-title').textContent()).toBe('Acme labelling');
    orgId = a.page.url().split('/orgs/')[1] ?? '';
    expect(orgId).toMatch(/^[0-9a-z]{26}$/);
    await a.page.getByTestId('open-workspace').click();
    await a.page.getByTestId('project-list').or(a.page.getByTestId('new-project')).first().waitFor();
    expect(await a.page.getByTestId('workspace-switcher').inputValue()).toBe(orgId);
    await expect.poll(() => a.page.getByTestId('sync-status').getAttribute('data-state')).toBe('online');
  });

  it('A creates a project and a task from images; the media go to the server', async () => {
    const page = a.page;
    await page.getByTestId('new-project').click();
    await page.getByTestId('project-name').fill('Streets');
    await page.getByRole('tab', { name: 'Raw' }).click();
    await page
      .getByTestId('labels-raw')
      .fill(JSON.stringify([{ name: 'car' }, { name: 'person' }, { name: 'bike' }]));
    await page.getByTestId('labels-raw-apply').click();
    await page.getByTestId('create-project').click();
    await page.getByTestId('project-title').waitFor();
    await page.getByTestId('file-input').setInputFiles(
      IMAGES.map((path) => ({
        name: path.split('/').pop()!,
        mimeType: 'image/jpeg',
        buffer: readFileSync(path),
      })),
    );
    await page.getByTestId('task-name').fill('Drive 1');
    await page.getByTestId('create-task').click();
    await page.getByTestId('task-title').waitFor();
    jobUrl = new URL(
      (await page.getByTestId('job-link').first().getAttribute('href')) ?? '',
      server.url,
    ).toString();
    // Both images are uploaded in the background.
    await waitUploaded(page, orgId, 2);
    await waitSynced(page, server.url);
  });

  it('A invites B by link; B registers, accepts and opens the task with media from the server', async () => {
    await a.page.goto(`${server.url}/orgs/${orgId}`);
    await a.page.getByTestId('invite-role').selectOption('supervisor');
    await a.page.getByTestId('create-invite').click();
    inviteLink = (await a.page.getByTestId('invite-link').textContent()) ?? '';
    expect(inviteLink).toMatch(/\/invite\/.+/);

    await register(b.page, server.url, 'ben');
    await b.page.goto(inviteLink);
    await b.page.getByTestId('invite-summary').waitFor();
    expect(await b.page.getByTestId('invite-summary').textContent()).toContain('Acme labelling');
    await b.page.getByTestId('accept-invite').click();
    await b.page.waitForURL(`${server.url}/`);
    expect(await b.page.getByTestId('workspace-switcher').inputValue()).toBe(orgId);
    await waitSynced(b.page, server.url);

    // The frame is decoded from bytes downloaded on first view, then kept on B's device.
    await openJob(b.page);
    const stored = await b.page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('loupe_blobs');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      return new Promise<number>((resolve) => {
        const count = db.transaction('blobs').objectStore('blobs').count();
        count.onsuccess = () => resolve(count.result);
      });
    });
    expect(stored).toBeGreaterThanOrEqual(1);
  });

  it('B annotates offline and reconnects; A, with the job open, sees the object appear', async () => {
    await openJob(a.page);
    await b.context.setOffline(true);
    await drawRectangle(b.page, 0.3, 0.3);
    await expect.poll(() => b.page.getByTestId('object-row').count()).toBe(1);
    await expect.poll(() => b.page.getByTestId('save-state').textContent()).toBe('Saved');
    await b.page
      .getByTestId('object-row')
      .first()
      .getByTestId('object-label')
      .selectOption({ label: 'person' });
    // Leaving the page (waitSynced does) before the label change is stored would drop it.
    await saved(b.page);
    await b.context.setOffline(false);
    await waitSynced(b.page, server.url);

    // No reload on A: the open job view shows replicated edits as they arrive.
    await expect.poll(() => labelsOnFrame(a.page), { timeout: 60_000, interval: 250 }).toEqual(['person']);
  });

  it('both edit different objects on the same frame offline, and both edits survive', async () => {
    await openJob(b.page);
    await a.context.setOffline(true);
    await b.context.setOffline(true);
    // The new object is the one not labelled "person" (rows may be ordered by update time).
    const fresh = (page: Page) =>
      page
        .getByTestId('object-row')
        .filter({ hasNot: page.locator('option:checked', { hasText: 'person' }) });
    await drawRectangle(a.page, 0.6, 0.2);
    await expect.poll(() => a.page.getByTestId('object-row').count()).toBe(2);
    await fresh(a.page).getByTestId('object-label').selectOption({ label: 'car' });
    await drawRectangle(b.page, 0.2, 0.6);
    await expect.poll(() => b.page.getByTestId('object-row').count()).toBe(2);
    await fresh(b.page).getByTestId('object-label').selectOption({ label: 'bike' });
    freshIds.push(
      (await fresh(a.page).getAttribute('data-id')) ?? '',
      (await fresh(b.page).getAttribute('data-id')) ?? '',
    );
    await saved(a.page);
    await saved(b.page);

    await a.context.setOffline(false);
    await waitSynced(a.page, server.url);
    await b.context.setOffline(false);
    await waitSynced(b.page, server.url);
    await waitSynced(a.page, server.url);

    await waitForObjects(a.page, 3);
    await waitForObjects(b.page, 3);
    expect(await labelsOnFrame(a.page)).toEqual(['bike', 'car', 'person']);
    expect(await labelsOnFrame(b.page)).toEqual(['bike', 'car', 'person']);
  });

  it('a true collision (same object, same field) resolves by last writer into the conflict log', async () => {
    // Both change the label of the first object while offline; B's change is the later one.
    await a.context.setOffline(true);
    await b.context.setOffline(true);
    const first = (page: Page) =>
      page.getByTestId('object-row').filter({ has: page.locator('option:checked', { hasText: 'person' }) });
    await first(a.page).getByTestId('object-label').selectOption({ label: 'car' });
    await saved(a.page);
    await first(b.page).getByTestId('object-label').selectOption({ label: 'bike' });
    await saved(b.page);

    await a.context.setOffline(false);
    await waitSynced(a.page, server.url);
    await b.context.setOffline(false);
    await waitSynced(b.page, server.url);

    await b.page.getByTestId('sync-status').click();
    await b.page.getByTestId('conflict-entry').first().waitFor({ timeout: 30_000 });
    const logged = await b.page.getByTestId('conflict-entry').allTextContents();
    // The label is a collision on the frame; the different objects of the earlier step are not.
    const onFrame = logged.filter((text) => text.includes(':0:'));
    expect(
      onFrame.some((text) => text.includes('label_id') && text.includes("the other device's edit")),
      logged.join('\n'),
    ).toBe(true);
    // Exactly one entry: this device's own earlier pushes are never taken for collisions.
    expect(onFrame, logged.join('\n')).toHaveLength(1);
    expect(freshIds.every((id) => id !== '')).toBe(true);
    for (const id of freshIds) expect(logged.join('\n')).not.toContain(id.slice(-6));
    expect(await b.page.getByTestId('conflict-count').textContent()).toBe(String(logged.length));

    // Both devices converge on the later edit.
    await waitSynced(a.page, server.url);
    await expect
      .poll(
        async () => {
          await openJob(a.page);
          return labelsOnFrame(a.page);
        },
        { timeout: 30_000 },
      )
      .toEqual(['bike', 'bike', 'car']);
    await openJob(b.page);
    expect(await labelsOnFrame(b.page)).toEqual(['bike', 'bike', 'car']);

    // B keeps A's losing version after all: it becomes the latest edit, and A's open job shows it.
    await b.page.goto(server.url);
    await b.page.getByTestId('sync-status').click();
    const entries = b.page.getByTestId('conflict-entry');
    const before = await entries.count();
    await entries.filter({ hasText: 'label_id' }).first().getByTestId('conflict-restore').click();
    await expect.poll(() => entries.count()).toBe(before - 1);
    await expect.poll(() => labelsOnFrame(a.page), { timeout: 30_000 }).toEqual(['bike', 'car', 'car']);
  });

  it('a revoked token shows a clear message, keeps the edit and syncs it after signing in again', async () => {
    const token = await b.page.evaluate(
      () => (JSON.parse(localStorage.getItem('loupe.session') ?? '{}') as { token: string }).token,
    );
    const revoked = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.status).toBe(200);

    await openJob(b.page);
    await drawRectangle(b.page, 0.7, 0.7);
    await expect.poll(() => b.page.getByTestId('object-row').count()).toBe(4);
    await expect.poll(() => b.page.getByTestId('save-state').textContent()).toBe('Saved');
    await b.page.goto(server.url);
    const status = b.page.getByTestId('sync-status');
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toContain('Sign-in needed');
    await status.click();
    expect(await b.page.getByTestId('sync-message').textContent()).toMatch(
      /Sign in again.*kept on this device/,
    );

    await b.page.getByTestId('sync-sign-in').click();
    await b.page.getByTestId('auth-username').fill('ben');
    await b.page.getByTestId('auth-password').fill('ben-password');
    await b.page.getByTestId('auth-submit').click();
    await b.page.waitForURL(`${server.url}/`);
    await waitSynced(b.page, server.url);
    await waitForObjects(a.page, 4);
  });

  it('only one tab of a device replicates; another tab shows its status and its edits still sync', async () => {
    await openJob(a.page);
    const second = await a.context.newPage();
    const dbRequests: string[] = [];
    second.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/db/')) dbRequests.push(request.url());
    });
    await second.goto(server.url);
    const status = second.getByTestId('sync-status');
    await expect.poll(() => status.getAttribute('data-leader'), { timeout: 30_000 }).toBe('false');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 30_000 }).toBe('online');

    await second.goto(jobUrl);
    await second.locator('[data-shown-frame="0"]').waitFor({ timeout: 60_000 });
    await drawRectangle(second, 0.45, 0.8);
    await saved(second);
    await waitForObjects(b.page, 5);
    expect(dbRequests).toEqual([]);
    await second.close();
    expect(a.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
    expect(b.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
