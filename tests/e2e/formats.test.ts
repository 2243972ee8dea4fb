/**
 * Datasets through the UI: a task made from images and annotated (a drawn rectangle plus
 * uploaded CVAT XML) is exported as CVAT for images 1.1 with its images and as COCO 1.0, the
 * export becomes a new project, a malformed upload is refused with a clear error and writes
 * nothing, and a task backup restores.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS, startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';

const IMAGES_DIR = join(ASSETS, 'coco_1.0/cvat-server-exports/job14/extracted/images');
const IMAGES = ['67.png', '68.png', '69.png'];

let server: TestServer;
let browser: Browser;
let page: Page;
let logs: string[];
let taskUrl = '';
const downloads = new Map<string, { name: string; bytes: Buffer }>();

async function download(key: string, click: () => Promise<void>) {
  const [event] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]);
  const path = await event.path();
  const entry = { name: event.suggestedFilename(), bytes: readFileSync(path) };
  downloads.set(key, entry);
  return entry;
}

async function openJob() {
  await page.goto(taskUrl);
  await page.getByTestId('job-link').first().click();
  await page.locator('[data-shown-frame="0"]').waitFor();
}

async function objectsOnFrame(frame: number): Promise<number> {
  await page.getByTestId('frame-number').fill(String(frame));
  await page.getByTestId('frame-number').press('Enter');
  await page.locator(`[data-shown-frame="${frame}"]`).waitFor();
  return page.getByTestId('object-row').count();
}

const SEED_XML = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <image id="1" name="68.png" width="414" height="212">
    <box label="car" source="manual" occluded="0" xtl="10" ytl="20" xbr="110" ybr="90" z_order="0">
      <attribute name="model">truck</attribute>
    </box>
  </image>
  <image id="2" name="69.png" width="680" height="583">
    <polygon label="person" source="manual" occluded="0" points="10,10;200,15;120,180" z_order="0"></polygon>
  </image>
</annotations>
`;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  ({ page, logs } = await newContext(browser, { acceptDownloads: true }));
});

afterAll(async () => {
  if (logs.some((l) => l.startsWith('[pageerror]'))) console.log(logs.join('\n'));
  await browser?.close();
  await server?.stop();
});

describe('dataset export, import and backups', () => {
  it('creates a project and a task from images, draws a rectangle and uploads annotations', async () => {
    await page.goto(`${server.url}/projects/new`);
    await page.getByTestId('project-name').fill('Street');
    await page.getByRole('tab', { name: 'Raw' }).click();
    await page.getByTestId('labels-raw').fill(
      JSON.stringify([
        {
          name: 'car',
          color: '#ff6600',
          attributes: [
            {
              name: 'model',
              input_type: 'select',
              mutable: false,
              values: ['sedan', 'truck'],
              default_value: 'sedan',
            },
          ],
        },
        { name: 'person', color: '#33aaff', attributes: [] },
      ]),
    );
    await page.getByTestId('labels-raw-apply').click();
    await page.getByTestId('create-project').click();
    await page.getByTestId('project-title').waitFor();
    await page
      .getByTestId('file-input')
      .setInputFiles(
        IMAGES.map((name) => ({ name, mimeType: 'image/png', buffer: readFileSync(join(IMAGES_DIR, name)) })),
      );
    await page.getByTestId('task-name').fill('Street 1');
    await page.getByTestId('create-task').click();
    await page.getByTestId('task-title').waitFor();
    taskUrl = page.url();

    await openJob();
    await page.getByTestId('draw-label').selectOption({ label: 'person' });
    await page.getByTestId('tool-rectangle').click();
    const box = (await page.getByTestId('canvas').boundingBox())!;
    const x0 = box.x + box.width * 0.45;
    const y0 = box.y + box.height * 0.45;
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move(x0 + 40, y0 + 30, { steps: 4 });
    await page.mouse.move(x0 + 80, y0 + 60, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('object-row').count()).toBe(1);
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('Saved');

    await page.goto(taskUrl);
    await page.getByTestId('import-task').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByTestId('import-format').selectOption('cvat-images');
    await dialog
      .getByTestId('import-file')
      .setInputFiles({ name: 'annotations.xml', mimeType: 'text/xml', buffer: Buffer.from(SEED_XML) });
    await dialog.getByTestId('import-start').click();
    await dialog.getByTestId('import-done').waitFor();
    expect(await dialog.getByTestId('import-done').textContent()).toContain('Imported 2 shapes');
    await dialog.getByTestId('import-close').click();

    await openJob();
    expect(await page.getByTestId('object-row').count()).toBe(1);
    expect(await objectsOnFrame(1)).toBe(1);
    expect(await objectsOnFrame(2)).toBe(1);
  });

  it('exports the task as CVAT for images 1.1 with images, under a custom name', async () => {
    await page.goto(taskUrl);
    await page.getByTestId('export-task').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.getByTestId('export-format').selectOption('cvat-images');
    await dialog.getByTestId('export-save-images').check();
    await dialog.getByTestId('export-name').fill('street-cvat');
    const file = await download('cvat', () => dialog.getByTestId('export-start').click());
    expect(file.name).toBe('street-cvat.zip');
    const entries = unzipSync(new Uint8Array(file.bytes));
    expect(Object.keys(entries).sort()).toEqual([
      'annotations.xml',
      'images/67.png',
      'images/68.png',
      'images/69.png',
    ]);
    expect(Buffer.from(entries['images/68.png']!).equals(readFileSync(join(IMAGES_DIR, '68.png')))).toBe(
      true,
    );
    const xml = strFromU8(entries['annotations.xml']!);
    expect(xml.match(/<box /g)).toHaveLength(2);
    expect(xml.match(/<polygon /g)).toHaveLength(1);
    expect(xml).toMatch(/<attribute name="model">truck<\/attribute>/);
    await dialog.getByTestId('export-done').waitFor();
    await dialog.getByTestId('export-close').click();
  });

  it('exports the task as COCO 1.0 without images', async () => {
    await page.getByTestId('export-task').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.getByTestId('export-format').selectOption('coco');
    await dialog.getByTestId('export-save-images').uncheck();
    await dialog.getByTestId('export-name').fill('street-coco');
    const file = await download('coco', () => dialog.getByTestId('export-start').click());
    const entries = unzipSync(new Uint8Array(file.bytes));
    const names = Object.keys(entries);
    expect(names.some((n) => n.startsWith('images/'))).toBe(false);
    const json = names.find((n) => /^annotations\/instances_.*\.json$/.test(n));
    expect(json).toBeDefined();
    const coco = JSON.parse(strFromU8(entries[json!]!)) as {
      images: { file_name: string }[];
      annotations: { bbox: number[]; segmentation: unknown }[];
      categories: { name: string }[];
    };
    expect(coco.images.map((i) => i.file_name).sort()).toEqual(IMAGES);
    expect(coco.annotations).toHaveLength(3);
    expect(coco.categories.map((c) => c.name).sort()).toEqual(['car', 'person']);
    expect(coco.annotations.some((a) => a.bbox.join(',') === '10,20,100,70')).toBe(true);
    await dialog.getByTestId('export-close').click();
  });

  it('exports only the objects a filter accepts, and names a broken filter', async () => {
    await page.getByTestId('export-task').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.getByTestId('export-format').selectOption('coco');
    await dialog.getByTestId('export-save-images').uncheck();
    await dialog.getByTestId('export-filter').fill('{"==":[{"var":"label"}');
    await dialog.getByTestId('export-filter-error').waitFor();
    expect(await dialog.getByTestId('export-start').isDisabled()).toBe(true);
    await dialog.getByTestId('export-filter').fill('{"==":[{"var":"label"},"person"]}');
    await dialog.getByTestId('export-name').fill('street-people');
    const file = await download('coco', () => dialog.getByTestId('export-start').click());
    const entries = unzipSync(new Uint8Array(file.bytes));
    const json = Object.keys(entries).find((n) => n.endsWith('.json'))!;
    const coco = JSON.parse(strFromU8(entries[json]!)) as {
      annotations: { category_id: number }[];
      categories: { id: number; name: string }[];
    };
    const personId = coco.categories.find((c) => c.name === 'person')!.id;
    expect(coco.annotations.length).toBeGreaterThan(0);
    expect(coco.annotations.length).toBeLessThan(3);
    expect(coco.annotations.every((a) => a.category_id === personId)).toBe(true);
    await dialog.getByTestId('export-close').click();
  });

  it('refuses a malformed upload with the file, line and expected value, and writes nothing', async () => {
    await page.getByTestId('import-task').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByTestId('import-format').selectOption('cvat-images');
    const broken = SEED_XML.replace('xtl="10"', 'xtl="ten"');
    await dialog
      .getByTestId('import-file')
      .setInputFiles({ name: 'annotations.xml', mimeType: 'text/xml', buffer: Buffer.from(broken) });
    await dialog.getByTestId('import-start').click();
    await dialog.getByTestId('import-error').waitFor();
    const text = (await dialog.getByTestId('import-error').textContent()) ?? '';
    expect(text).toMatch(/annotations\.xml/);
    expect(text).toMatch(/line 5/);
    expect(text).toMatch(/xtl/);
    expect(text).toMatch(/number/);
    await dialog.getByTestId('import-close').click();

    // An upload naming an image the task lacks is refused too, before any write.
    await page.getByTestId('import-task').click();
    await dialog.getByTestId('import-format').selectOption('cvat-images');
    await dialog.getByTestId('import-file').setInputFiles({
      name: 'annotations.xml',
      mimeType: 'text/xml',
      buffer: Buffer.from(SEED_XML.replace('name="69.png"', 'name="holiday.png"')),
    });
    await dialog.getByTestId('import-start').click();
    await dialog.getByTestId('import-error').waitFor();
    expect(await dialog.getByTestId('import-error').textContent()).toContain('"holiday.png"');
    await dialog.getByTestId('import-close').click();

    await openJob();
    expect(await page.getByTestId('object-row').count()).toBe(1);
    expect(await objectsOnFrame(1)).toBe(1);
  });

  it('maps a label whose name differs to a project label before importing', async () => {
    await page.goto(taskUrl);
    await page.getByTestId('import-task').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByTestId('import-format').selectOption('cvat-images');
    const xml = SEED_XML.replace('label="car"', 'label="automobile"').replace(
      /<attribute[^>]*>[^<]*<\/attribute>/,
      '',
    );
    await dialog
      .getByTestId('import-file')
      .setInputFiles({ name: 'annotations.xml', mimeType: 'text/xml', buffer: Buffer.from(xml) });
    await dialog.getByTestId('import-start').click();
    const mapping = dialog.getByTestId('label-mapping');
    await mapping.waitFor();
    const automobile = mapping.locator('select[data-label="automobile"]');
    expect(await automobile.inputValue()).toBe('+');
    expect(await mapping.locator('select[data-label="person"]').inputValue()).toBe('person');
    await automobile.selectOption('car');
    await dialog.getByTestId('import-confirm').click();
    await dialog.getByTestId('import-done').waitFor();
    expect(await dialog.getByTestId('import-done').textContent()).toContain('Imported 2 shapes');
    await dialog.getByTestId('import-close').click();
    await page.goto(taskUrl.replace(/\/tasks\/.*/, '/'));
    // No label was added to the project: "automobile" went to "car".
    await page.getByTestId('project-list').waitFor();
    expect(await page.getByTestId('project-list').textContent()).not.toContain('automobile');
    await openJob();
    expect(await objectsOnFrame(1)).toBe(2);
  });

  it('imports the CVAT export into a new project: a task from its images, with the annotations', async () => {
    const file = downloads.get('cvat')!;
    await page.goto(server.url);
    await page.getByTestId('project-from-dataset').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByTestId('import-format').selectOption('cvat-images');
    await dialog
      .getByTestId('import-file')
      .setInputFiles({ name: file.name, mimeType: 'application/zip', buffer: file.bytes });
    await dialog.getByTestId('import-project-name').fill('Street copy');
    await dialog.getByTestId('import-start').click();
    await page.getByTestId('project-title').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('project-title').textContent()).toBe('Street copy');
    const labels = await page.locator('.chip').allTextContents();
    expect(labels.join(' ')).toMatch(/car.*person|person.*car/);
    await page.getByTestId('task-list').locator('a').first().click();
    await page.getByTestId('task-summary').waitFor();
    expect(await page.getByTestId('task-summary').textContent()).toContain('3 frames');
    taskUrl = page.url();
    await openJob();
    expect(await page.getByTestId('object-row').count()).toBe(1);
    expect(await objectsOnFrame(1)).toBe(1);
    expect(await objectsOnFrame(2)).toBe(1);
  });

  it('exports one job from the job view menu', async () => {
    await page.getByTestId('job-dataset-menu').click();
    await page.getByTestId('export-job').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.getByTestId('export-format').selectOption('cvat-images');
    const file = await download('job', () => dialog.getByTestId('export-start').click());
    expect(file.name).toMatch(/^job_Street 1-.*-CVAT for images 1\.1\.zip$/);
    const xml = strFromU8(unzipSync(new Uint8Array(file.bytes))['annotations.xml']!);
    expect(xml.match(/<(box|polygon) /g)).toHaveLength(3);
    await dialog.getByTestId('export-close').click();
  });

  it('backs up the task and restores the backup as a new task', async () => {
    await page.goto(taskUrl);
    const file = await download('backup', () => page.getByTestId('backup-task').click());
    expect(file.name).toMatch(/^task_.*_backup_\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.zip$/);
    const entries = Object.keys(unzipSync(new Uint8Array(file.bytes)));
    expect(entries).toEqual(
      expect.arrayContaining(['task.json', 'annotations.json', 'data/manifest.jsonl', 'data/67.png']),
    );
    await page.goto(server.url);
    await page
      .getByTestId('restore-file')
      .setInputFiles({ name: file.name, mimeType: 'application/zip', buffer: file.bytes });
    await page.getByTestId('task-title').waitFor({ timeout: 60_000 });
    expect(page.url()).not.toBe(taskUrl);
    expect(await page.getByTestId('task-summary').textContent()).toContain('3 frames');
    taskUrl = page.url();
    await openJob();
    expect(await page.getByTestId('object-row').count()).toBe(1);
    expect(await objectsOnFrame(2)).toBe(1);
  });

  it('restores a real CVAT project backup', async () => {
    await page.goto(server.url);
    const backup = readFileSync(join(ASSETS, 'cvat_backup/cvat-server-exports/project2/project_backup.zip'));
    await page
      .getByTestId('restore-file')
      .setInputFiles({ name: 'project_backup.zip', mimeType: 'application/zip', buffer: backup });
    await page.getByTestId('project-title').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('project-title').textContent()).toBe('project2');
    expect(await page.getByTestId('task-list').textContent()).toContain('task1_in_project2');
  });
});
