/**
 * A worker in a team: the owner splits a task into two jobs and assigns one to the worker from
 * the task page. The worker's device receives that job only (the server scopes a worker's reads
 * to the jobs assigned to them), annotates it, and the owner sees the work. Assigning the
 * second job later brings it, with the owner's earlier annotations, to the worker's device.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';
import { canvasPointer, createProject, waitSaved } from '../helpers/jobView';
import { register, waitSynced } from '../helpers/team';

const IMAGES = [
  join(ASSETS, 'media/images_exif_orientation/recurser_all_8_orientations/Landscape_1.jpg'),
  join(ASSETS, 'media/images_exif_orientation/recurser_all_8_orientations/Landscape_3.jpg'),
];

let server: TestServer;
let browser: Browser;
let owner: { context: BrowserContext; page: Page; logs: string[] };
let worker: { context: BrowserContext; page: Page; logs: string[] };
let taskUrl = '';
let jobUrls: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  owner = await newContext(browser);
  worker = await newContext(browser);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The job links the task page lists now, as absolute URLs (the list follows changes). */
async function jobLinks(page: Page): Promise<string[]> {
  return page.getByTestId('job-link').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
}

async function openTask(page: Page, timeout = 30_000): Promise<void> {
  await page.goto(taskUrl);
  await page.getByTestId('task-title').waitFor({ timeout });
}

async function drawBox(page: Page): Promise<void> {
  const box = await page.getByTestId('canvas').boundingBox();
  if (!box) throw new Error('The job view shows no canvas.');
  await page.getByTestId('tool-rectangle').click();
  await canvasPointer(page, box).drag([0.3, 0.3], [0.5, 0.5]);
  await page.keyboard.press('Escape');
}

describe('a worker sees and annotates only the jobs assigned to them', () => {
  it('the owner makes a two-job task and invites the worker', async () => {
    const page = owner.page;
    await register(page, server.url, 'olga');
    await page.getByTestId('org-name').fill('Crew');
    await page.getByTestId('create-org').click();
    await page.getByTestId('org-title').waitFor();
    await page.getByTestId('invite-role').selectOption('worker');
    await page.getByTestId('create-invite').click();
    const invite = (await page.getByTestId('invite-link').textContent()) ?? '';
    await page.getByTestId('open-workspace').click();

    await createProject(page, server.url, 'Roads', [{ name: 'car' }]);
    await page.getByTestId('file-input').setInputFiles(
      IMAGES.map((path) => ({
        name: path.split('/').pop()!,
        mimeType: 'image/jpeg',
        buffer: readFileSync(path),
      })),
    );
    await page.getByTestId('task-name').fill('Two jobs');
    await page.getByTestId('advanced').locator('summary').click();
    await page.getByTestId('segment-size').fill('1');
    await page.getByTestId('create-task').click();
    await page.getByTestId('task-title').waitFor();
    taskUrl = page.url();
    await expect.poll(() => jobLinks(page)).toHaveLength(2);
    jobUrls = await jobLinks(page);
    expect(jobUrls).toHaveLength(2);

    // The owner annotates the second job before it is anyone's.
    await page.goto(jobUrls[1]!);
    await page.locator('[data-shown-frame="1"]').waitFor();
    await drawBox(page);
    await waitSaved(page);

    await register(worker.page, server.url, 'wanda');
    await worker.page.goto(invite);
    await worker.page.getByTestId('accept-invite').click();
    await worker.page.waitForURL(`${server.url}/`);
  });

  it('the owner assigns the first job from the task page; the worker receives only that job', async () => {
    const page = owner.page;
    await page.goto(taskUrl);
    const first = page.getByTestId('job-assignee').first();
    await expect.poll(() => first.locator('option').allTextContents()).toContain('wanda');
    await first.selectOption('wanda');
    await expect.poll(async () => await page.getByTestId('job-assignee').first().inputValue()).toBe('wanda');
    await waitSynced(page, server.url);
    // The task reaches the worker's device once it holds one of their jobs (a few seconds); the
    // task page then fills in its job list as replication brings it, without a reload.
    await expect
      .poll(() => openTask(worker.page, 3000).then(() => true), { timeout: 60_000, interval: 1000 })
      .toBe(true);
    await expect.poll(() => jobLinks(worker.page), { timeout: 30_000 }).toEqual([jobUrls[0]]);
    // A worker sees the assignee as text: only owners, maintainers and supervisors assign.
    expect(await worker.page.getByTestId('job-assignee').count()).toBe(0);
    expect(await worker.page.getByTestId('job-assignee-text').first().textContent()).toBe('wanda');
    // The second job is not on the worker's device at all.
    await worker.page.goto(jobUrls[1]!);
    await expect.poll(() => worker.page.locator('body').innerText()).toContain('does not exist');
  });

  it('the worker annotates their job and the owner sees it', async () => {
    await worker.page.goto(jobUrls[0]!);
    await worker.page.locator('[data-shown-frame="0"]').waitFor({ timeout: 60_000 });
    await drawBox(worker.page);
    await waitSaved(worker.page);
    await waitSynced(worker.page, server.url);

    await owner.page.goto(jobUrls[0]!);
    await expect.poll(() => owner.page.getByTestId('object-row').count(), { timeout: 30_000 }).toBe(1);
  });

  it('assigning the second job brings it, with its earlier annotations, to the worker', async () => {
    await owner.page.goto(taskUrl);
    await owner.page.getByTestId('job-assignee').nth(1).selectOption('wanda');
    await waitSynced(owner.page, server.url);

    await openTask(worker.page);
    await expect.poll(() => jobLinks(worker.page), { timeout: 60_000 }).toEqual(jobUrls);
    await worker.page.goto(jobUrls[1]!);
    await worker.page.locator('[data-shown-frame="1"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => worker.page.getByTestId('object-row').count(), { timeout: 30_000 }).toBe(1);

    expect(owner.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
    expect(worker.logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
