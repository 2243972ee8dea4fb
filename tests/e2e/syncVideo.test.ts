/**
 * A video shared between two devices of a team. A creates a task from an H.264 clip; the clip
 * is hashed, uploaded under its SHA-256 and the mapping from its content key replicates with
 * the task's media. B joins, opens the job: the clip is downloaded on first view, checked and
 * kept, frames decode from it, and after going offline and reloading it still plays from B's
 * own copy. A second video whose upload is held back says so on B, and opens once it is up.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext, type TestContext } from '../helpers/browser';
import { register, waitSynced, waitUploaded } from '../helpers/team';
import { createProject, createTask, goToFrame } from '../helpers/jobView';

const CLIP = join(ASSETS, 'media/video/cvat/video_1.mp4');
const LATE_CLIP = join(ASSETS, 'media/video/cvat/video_without_valid_keyframes.mp4');
const CLIP_SHA = createHash('sha256').update(readFileSync(CLIP)).digest('hex');

let server: TestServer;
let browser: Browser;
let a: TestContext;
let b: TestContext;
let orgId = '';
let jobUrl = '';
let projectUrl = '';

/** Waits for a frame to be decoded and drawn, or fails with what the page says. */
async function frameShown(page: Page, frame: number): Promise<void> {
  try {
    await page.locator(`[data-shown-frame="${frame}"]`).waitFor({ timeout: 60_000 });
  } catch (error) {
    throw new Error(
      `Frame ${frame} was not shown; the page says: ${await page.locator('body').innerText()}`,
      {
        cause: error,
      },
    );
  }
}

/** The blob records of the device's `loupe_blobs` database: key, type and size. */
function storedBlobs(page: Page): Promise<{ sha256: string; mime: string; size: number }[]> {
  return page.evaluate(async () => {
    // Opening a database that does not exist would create an empty one: look first.
    if (!(await indexedDB.databases()).some((d) => d.name === 'loupe_blobs')) return [];
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('loupe_blobs');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = await new Promise<{ sha256: string; mime: string; size: number }[]>((resolve, reject) => {
      const request = db.transaction('blobs').objectStore('blobs').getAll();
      request.onsuccess = () => resolve(request.result as { sha256: string; mime: string; size: number }[]);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return all.map(({ sha256, mime, size }) => ({ sha256, mime, size }));
  });
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  a = await newContext(browser);
  // B's device gets the service worker: it reloads with the network cut.
  b = await newContext(browser, { serviceWorkers: 'allow' });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a video task is shared between two devices', () => {
  it('A creates a task from a video; the video is uploaded under the SHA-256 of its bytes', async () => {
    const page = a.page;
    await register(page, server.url, 'vera');
    await page.getByTestId('org-name').fill('Video team');
    await page.getByTestId('create-org').click();
    await page.getByTestId('org-title').waitFor();
    orgId = page.url().split('/orgs/')[1] ?? '';
    await page.getByTestId('open-workspace').click();
    await expect.poll(() => page.getByTestId('sync-status').getAttribute('data-state')).toBe('online');

    await createProject(page, server.url, 'Clips', [{ name: 'car' }]);
    projectUrl = page.url();
    await createTask(page, 'Clip 1', [{ path: CLIP, mimeType: 'video/mp4' }]);
    jobUrl = new URL((await page.getByTestId('job-link').first().getAttribute('href')) ?? '', server.url)
      .href;

    // The queue marks the video done once it is on the server and its mapping is written.
    await waitUploaded(page, orgId, 1);
    const stored = join(server.dataDir, 'blobs', orgId, CLIP_SHA.slice(0, 2), CLIP_SHA);
    expect(existsSync(stored)).toBe(true);
    expect(statSync(stored).size).toBe(statSync(CLIP).size);
    // On A the video is stored under its content key, which is not the hash of its bytes.
    const local = await storedBlobs(page);
    expect(local.filter((r) => r.mime === 'video/mp4').map((r) => r.sha256)).not.toContain(CLIP_SHA);
    await waitSynced(page, server.url);
  });

  it('B joins and opens the job: the video is downloaded on first view, checked and kept', async () => {
    await a.page.goto(`${server.url}/orgs/${orgId}`);
    await a.page.getByTestId('invite-role').selectOption('supervisor');
    await a.page.getByTestId('create-invite').click();
    const inviteLink = (await a.page.getByTestId('invite-link').textContent()) ?? '';

    const page = b.page;
    await register(page, server.url, 'bruno');
    await page.goto(inviteLink);
    await page.getByTestId('accept-invite').click();
    await page.waitForURL(`${server.url}/`);
    expect(await page.getByTestId('workspace-switcher').inputValue()).toBe(orgId);
    await waitSynced(page, server.url);
    // The first visit installs the service worker; from the next navigation on it controls the page.
    await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state);
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await storedBlobs(page)).toEqual([]);

    // Hold the download back a moment: meanwhile the job view says the video is on its way.
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/workspaces/*/blobs/*', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(jobUrl);
    const banner = page.getByTestId('media-download');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.getAttribute('data-phase')).toBe('download');
    expect(await banner.textContent()).toContain('Downloading the video from the server');
    expect(await page.getAttribute('[data-shown-frame]', 'data-shown-frame')).toBe('-1');
    release();
    await frameShown(page, 0);
    await banner.waitFor({ state: 'detached' });
    await page.unroute('**/api/workspaces/*/blobs/*');
    const kept = await storedBlobs(page);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ mime: 'video/mp4', size: statSync(CLIP).size });
    expect(kept[0]!.sha256).not.toBe(CLIP_SHA);
    await goToFrame(page, 2);
    await goToFrame(page, 1);
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('B reloads offline: the video still shows from the copy on the device', async () => {
    const page = b.page;
    await b.context.setOffline(true);
    await page.reload();
    await page.locator('[data-shown-frame]:not([data-shown-frame="-1"])').waitFor({ timeout: 60_000 });
    await goToFrame(page, 0);
    await goToFrame(page, 2);
    expect(await page.getByRole('alert').count()).toBe(0);
    await b.context.setOffline(false);
  });

  it('a video not uploaded yet says so on the other device, which shows it by itself once it is uploaded', async () => {
    // A's device cannot reach the blob endpoints: the task replicates, its video does not.
    const blobs = '**/api/workspaces/*/blobs/*';
    await a.page.route(blobs, (route) => route.abort('internetdisconnected'));
    await a.page.goto(projectUrl);
    await createTask(a.page, 'Clip 2', [{ path: LATE_CLIP, mimeType: 'video/mp4' }]);
    const lateJobUrl = new URL(
      (await a.page.getByTestId('job-link').first().getAttribute('href')) ?? '',
      server.url,
    ).href;
    await waitSynced(a.page, server.url);

    await waitSynced(b.page, server.url);
    await b.page.goto(lateJobUrl);
    const alert = b.page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain(
      'The video has not been uploaded from the device that created the task yet',
    );
    expect(await b.page.getAttribute('[data-shown-frame]', 'data-shown-frame')).toBe('-1');

    // A's connection comes back; its queue picks the upload up again and records the mapping.
    await a.page.unroute(blobs);
    await a.context.setOffline(true);
    await a.context.setOffline(false);
    await waitUploaded(a.page, orgId, 2);
    // B keeps the job open: the frame asks again every few seconds and shows once the video is there.
    await b.page.locator('[data-shown-frame="0"]').waitFor({ timeout: 60_000 });
    expect(await b.page.getByRole('alert').count()).toBe(0);
    await goToFrame(b.page, 5);

    expect(a.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
    expect(b.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
