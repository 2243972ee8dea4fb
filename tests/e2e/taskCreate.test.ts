/**
 * Creating tasks through the task form from every kind of source CVAT takes: archives, context
 * images, videos (one task, or one per video with name tokens), with the advanced options.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';

const MEDIA = join(ASSETS, 'media');

let server: TestServer;
let browser: Browser;
let page: Page;
let logs: string[];
let projectUrl = '';

function asUpload(path: string, mimeType = 'application/octet-stream') {
  return { name: basename(path), mimeType, buffer: readFileSync(path) };
}

async function openTaskForm() {
  await page.goto(projectUrl);
  await page.getByTestId('task-form').waitFor();
}

async function summary(): Promise<string> {
  await page.getByTestId('task-summary').waitFor();
  return (await page.getByTestId('task-summary').textContent()) ?? '';
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  ({ page, logs } = await newContext(browser));
  await page.goto(`${server.url}/projects/new`);
  await page.getByTestId('project-name').fill('Media');
  await page.getByRole('tab', { name: 'Raw' }).click();
  await page.getByTestId('labels-raw').fill(JSON.stringify([{ name: 'object' }]));
  await page.getByTestId('create-project').click();
  await page.getByTestId('project-title').waitFor();
  projectUrl = page.url();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('task form', () => {
  it('makes a task from a zip of images, keeping every second frame', async () => {
    await openTaskForm();
    await page
      .getByTestId('file-input')
      .setInputFiles([asUpload(join(MEDIA, 'image_archives/cvat/archive.zip'), 'application/zip')]);
    await page.getByTestId('task-name').fill('Archive');
    await page.getByTestId('advanced').locator('summary').click();
    await page.getByTestId('frame-step').fill('2');
    await page.getByTestId('segment-size').fill('4');
    await page.getByTestId('create-task').click();
    const text = await summary();
    // 12 images, step 2: frames 0, 2, …, 10.
    expect(text).toContain('6 frames');
    expect(text).toContain('step=2');
    expect(await page.getByTestId('job-list').locator('tbody tr').count()).toBe(2);
    await expect.poll(() => page.getByTestId('frame-previews').locator('img').count()).toBe(6);
  });

  it('names an unsupported archive and keeps going with the rest', async () => {
    await openTaskForm();
    await page
      .getByTestId('file-input')
      .setInputFiles([
        asUpload(join(MEDIA, 'image_archives/cvat/test_rar.rar')),
        asUpload(join(MEDIA, 'images_plain/cvat/image_1.jpg'), 'image/jpeg'),
      ]);
    await page.getByTestId('task-name').fill('With a RAR');
    await page.getByTestId('create-task').click();
    await page.getByTestId('skipped-files').waitFor();
    expect(await page.getByTestId('skipped-files').textContent()).toContain('test_rar.rar');
    await page.getByTestId('open-created-task').click();
    expect(await summary()).toContain('1 frames');
  });

  it('shows context images beside the frame they belong to', async () => {
    await openTaskForm();
    await page
      .getByTestId('file-input')
      .setInputFiles([
        asUpload(join(MEDIA, 'related_images_2d/cvat/case_90_context_image.zip'), 'application/zip'),
      ]);
    await page.getByTestId('task-name').fill('Context');
    await page.getByTestId('create-task').click();
    expect(await summary()).toContain('2 frames');
    await page.getByTestId('job-link').first().click();
    await page.locator('[data-shown-frame="0"]').waitFor();
    await page.getByTestId('context-images').locator('img').first().waitFor();
    expect(await page.getByTestId('context-images').locator('img').count()).toBe(1);
  });

  it('makes a video task from the original file and plays through its frames', async () => {
    await openTaskForm();
    await page
      .getByTestId('file-input')
      .setInputFiles([asUpload(join(MEDIA, 'video/datumaro/test.mp4'), 'video/mp4')]);
    await page.getByTestId('task-name').fill('Clip');
    await page.getByTestId('create-task').click();
    const text = await summary();
    expect(text).toContain('30 frames');
    expect(text).toContain('video');
    // Video tasks get CVAT's default overlap of 5 frames.
    expect(text).toContain('overlap 5');
    await page.getByTestId('job-link').first().click();
    await page.locator('[data-shown-frame="0"]').waitFor();
    expect(await page.locator('.statusbar').textContent()).toContain('240×180');
    await page.keyboard.press('f');
    await page.locator('[data-shown-frame="1"]').waitFor();
    await page.keyboard.press('v');
    await page.locator('[data-shown-frame="11"]').waitFor();
    // Play at the video's own rate (15 fps) and pause with Space, as in CVAT.
    expect(await page.getByTestId('fps').inputValue()).toBe('15');
    await page.keyboard.press(' ');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-shown-frame]')?.getAttribute('data-shown-frame')) >= 20,
    );
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByTestId('play').getAttribute('aria-label')).toBe('Play');
    const paused = await page.getByTestId('frame-number').inputValue();
    await page.waitForTimeout(300);
    expect(await page.getByTestId('frame-number').inputValue()).toBe(paused);
  });

  it('creates one task per video with the {{index}} and {{file_name}} tokens', async () => {
    await openTaskForm();
    await page
      .getByTestId('file-input')
      .setInputFiles([
        asUpload(join(MEDIA, 'video/datumaro/test.mp4'), 'video/mp4'),
        asUpload(join(MEDIA, 'video/cvat/video_1.mp4'), 'video/mp4'),
      ]);
    await page.getByTestId('task-name').fill('clip-{{index}}-{{file_name}}');
    await page.getByTestId('create-task').click();
    await page.getByTestId('task-list').getByText('clip-1-video_1.mp4').waitFor();
    const names = await page.getByTestId('task-list').locator('tbody tr td:first-child').allTextContents();
    expect(names).toContain('clip-0-test.mp4');
    expect(names).toContain('clip-1-video_1.mp4');
    expect(logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
