/**
 * Task data ingest in real Chromium: every image format upright with thumbnails, archives (and
 * their refusals), manifests, 2D context images, 3D point clouds, videos handed on, URLs, cancel.
 */
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';
import { serveTestPage, type TestPage } from '../helpers/bundlePage';
import type { RunOptions, Summary } from './pages/ingest';

const LANDSCAPES = Array.from(
  { length: 9 },
  (_, i) => `media/images_exif_orientation/recurser_all_8_orientations/Landscape_${i}.jpg`,
);
const ONE_PIXEL_GIF = 'R0lGODlhAQABAIAAAP8AAAAAACwAAAAAAQABAAACAkQBADs=';

let server: TestPage;
let browser: Browser;
let page: Page;
let logs: string[];

interface IngestApi {
  run(paths: string[], options?: RunOptions): Promise<Summary>;
  runError(paths: string[], options?: RunOptions): Promise<string>;
  pixelDifference(a: string, b: string, mimeA: string, mimeB: string): Promise<number>;
  brightCentroid(sha: string, mime: string): Promise<{ x: number; y: number }>;
  cancelled(path: string): Promise<string>;
}
declare const ingestTest: IngestApi;

const run = (paths: string[], options: RunOptions = {}) =>
  page.evaluate(([p, o]) => ingestTest.run(p, o), [paths, options] as const);
const runError = (paths: string[], options: RunOptions = {}) =>
  page.evaluate(([p, o]) => ingestTest.runError(p, o), [paths, options] as const);

beforeAll(async () => {
  // Fixtures: the shared assets plus a few generated files (PPM, GIF, a corrupt JPEG, a zip bomb).
  const files = mkdtempSync(join(tmpdir(), 'loupe-ingest-'));
  symlinkSync(join(ASSETS, 'media'), join(files, 'media'));
  symlinkSync(ASSETS, join(files, 'assets'));
  writeFileSync(
    join(files, 'sample.ppm'),
    Buffer.concat([Buffer.from('P6\n# generated\n4 2\n255\n'), Buffer.alloc(24, 200)]),
  );
  writeFileSync(join(files, 'tiny.gif'), Buffer.from(ONE_PIXEL_GIF, 'base64'));
  writeFileSync(
    join(files, 'corrupt.jpg'),
    readFileSync(join(ASSETS, LANDSCAPES[1]!.replace(/^media\//, 'media/'))).subarray(0, 300),
  );
  writeFileSync(join(files, 'notes.txt'), 'not an image');
  writeFileSync(join(files, 'bomb.zip'), zipSync({ 'zeros.bin': new Uint8Array(50_000_000) }, { level: 9 }));
  server = await serveTestPage('ingest.ts', { workers: ['workers/io.worker.ts'], files });
  browser = await launchBrowser();
  ({ page, logs } = await newContext(browser));
  await page.goto(server.url);
  await page.waitForFunction(() => document.title === 'ready');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('ingest in Chromium', () => {
  it('takes every image format upright, makes thumbnails and names the files it skips', async () => {
    const result = await run([
      ...LANDSCAPES,
      'media/images_exif_orientation/cvat/left.jpg',
      'media/images_exif_orientation/cvat/right.jpg',
      'media/images_exif_orientation/cvat/tif_left.tif',
      'media/images_plain/cvat/image_1.jpg',
      'assets/ultralytics_yolo/x-anylabeling_real-images/segmentation/images/cat_dog.webp',
      'assets/icdar/datumaro-tests/text_segmentation/train/1_GT.bmp',
      'sample.ppm',
      'tiny.gif',
      'corrupt.jpg',
      'notes.txt',
    ]);
    const size = Object.fromEntries(result.frames.map((f) => [f.name, [f.width, f.height]]));
    for (let i = 0; i <= 8; i++) expect(size[`Landscape_${i}.jpg`], `Landscape_${i}`).toEqual([1800, 1200]);
    expect(size['left.jpg']).toEqual([480, 640]);
    expect(size['right.jpg']).toEqual([480, 640]);
    expect(size['tif_left.tif']).toEqual([100, 150]);
    expect(size['sample.ppm']).toEqual([4, 2]);
    expect(size['tiny.gif']).toEqual([1, 1]);
    expect(size['image_1.jpg']).toEqual([800, 800]);
    expect(result.frames).toHaveLength(17);
    expect(result.thumbnails).toBe(17);
    expect(result.skipped.map((s) => s.name).sort()).toEqual(['corrupt.jpg', 'notes.txt']);
    expect(result.skipped.find((s) => s.name === 'corrupt.jpg')?.reason).toMatch(/corrupt|truncated|decod/i);
    expect(result.frames.find((f) => f.name === 'tif_left.tif')?.mime).toBe('image/tiff');
    expect(result.stages).toContain('thumbnails');

    const blob = (name: string) => result.frames.find((f) => f.name === name) as Summary['frames'][number];
    const reference = blob('Landscape_1.jpg');
    for (let i = 0; i <= 8; i++) {
      const other = blob(`Landscape_${i}.jpg`);
      const difference = await page.evaluate(
        ([a, b]) => ingestTest.pixelDifference(a.blob, b.blob, a.mime, b.mime),
        [reference, other] as const,
      );
      expect(difference, `Landscape_${i} against Landscape_1`).toBeLessThan(8);
    }
    const leftRight = await page.evaluate(
      ([a, b]) => ingestTest.pixelDifference(a.blob, b.blob, a.mime, b.mime),
      [blob('left.jpg'), blob('right.jpg')] as const,
    );
    expect(leftRight).toBeLessThan(12);
    // tif_left.tif stores "Sample Text" running up its left edge; upright, the text runs along the top.
    const tiff = blob('tif_left.tif');
    const text = await page.evaluate(([sha, mime]) => ingestTest.brightCentroid(sha, mime), [
      tiff.blob,
      tiff.mime,
    ] as const);
    expect(text.y).toBeLessThan(0.35);
    expect(text.x).toBeGreaterThan(0.3);
    expect(text.x).toBeLessThan(0.7);
  });

  it('expands zip archives, refuses RAR and zip bombs by name and keeps the rest', async () => {
    const result = await run(
      [
        'media/image_archives/cvat/archive.zip',
        'media/image_archives/datumaro_image_zip_dataset/1.zip',
        'media/image_archives/cvat/test_rar.rar',
        'bomb.zip',
      ],
      { maxExpandedBytes: 10_000_000 },
    );
    expect(result.frames.filter((f) => f.name.startsWith('archive/'))).toHaveLength(12);
    expect(result.frames).toHaveLength(13);
    expect(result.stages).toContain('expanding');
    const reason = (name: string) => result.skipped.find((s) => s.name === name)?.reason ?? '';
    expect(reason('test_rar.rar')).toMatch(/test_rar\.rar is a RAR archive, an unsupported archive type/);
    expect(reason('bomb.zip')).toMatch(/bomb\.zip expands to 50 MB, over the 10 MB limit.*zip bomb/);
  });

  it('orders frames by manifest.jsonl with predefined sorting and refuses two manifests', async () => {
    const dir = 'media/manifest_jsonl/cvat_case_65_manifest';
    const result = await run(
      [`${dir}/image_case_65_2.png`, `${dir}/manifest.jsonl`, `${dir}/image_case_65_1.png`],
      {
        sorting: 'predefined',
      },
    );
    expect(result.manifest).toBe('images');
    expect(result.frames.map((f) => [f.name, f.width, f.height])).toEqual([
      ['image_case_65_1.png', 800, 800],
      ['image_case_65_2.png', 800, 800],
    ]);
    expect(
      await runError([`${dir}/manifest.jsonl`, `${dir}/demo_manifest.jsonl`, `${dir}/image_case_65_1.png`]),
    ).toMatch(/Only one manifest/);
  });

  it('attaches 2D context images from related_images/', async () => {
    const result = await run(['media/related_images_2d/cvat/case_90_context_image.zip']);
    expect(result.dimension).toBe('2d');
    expect(result.frames.map((f) => [f.name, f.related_files])).toEqual([
      ['case_90_context_image/image_case_90_1.png', 1],
      ['case_90_context_image/image_case_90_2.png', 1],
    ]);
  });

  it('makes 3D tasks from the CVAT point cloud layouts and refuses 2D mixed in', async () => {
    const canvas = await run(['media/pointcloud/cvat_zips/test_canvas3d.zip']);
    expect(canvas.dimension).toBe('3d');
    expect(canvas.frames.map((f) => [f.name, f.points, f.mime])).toEqual([
      ['test_canvas3d/pointcloud/000001.pcd', 10_000, 'application/x-pcd'],
      ['test_canvas3d/pointcloud/000002.pcd', 10_000, 'application/x-pcd'],
      ['test_canvas3d/pointcloud/000003.pcd', 10_000, 'application/x-pcd'],
    ]);
    expect(canvas.frames.every((f) => f.related_files >= 1)).toBe(true);
    expect(canvas.stages).toContain('pointclouds');
    const velodyne = await run(['media/pointcloud/cvat_zips/test_velodyne_points.zip']);
    expect(velodyne.frames.map((f) => [f.name, f.points, f.mime, f.related_files])).toEqual([
      ['test_velodyne_points/velodyne_points/data/000002.bin', 100, 'application/x-kitti-bin', 1],
    ]);
    const pcd = await run([
      'media/pointcloud/cvat_zips/test_pointcloud_pcd.zip',
      'media/pointcloud/cvat_pcd/test_pcd.pcd',
    ]);
    expect(pcd.frames.map((f) => [f.name, f.points, f.width, f.height])).toEqual([
      ['test_pcd.pcd', 100, 100, 1],
      ['test_pointcloud_pcd/pointcloud/000001.pcd', 100, 100, 1],
    ]);
    expect(await runError(['media/pointcloud/cvat_pcd/test_pcd.pcd', LANDSCAPES[1] as string])).toMatch(
      /either 2D images or 3D point clouds.*Landscape_1\.jpg/,
    );
  });

  it('hands videos to the video pipeline without storing them', async () => {
    const result = await run([
      'media/video/cvat/video_1.mp4',
      'media/video/datumaro/video.avi',
      'media/video/label-studio-frontend/opossum_intro.webm',
      'media/images_plain/cvat/image_1.jpg',
    ]);
    expect(result.videos.sort()).toEqual(['opossum_intro.webm', 'video.avi', 'video_1.mp4']);
    expect(result.frames.map((f) => f.name)).toEqual(['image_1.jpg']);
  });

  it('downloads URLs and explains a failed download', async () => {
    const result = await run([], { urls: [`${server.url}files/media/images_plain/cvat/image_1.jpg`] });
    expect(result.frames.map((f) => [f.name, f.width])).toEqual([['image_1.jpg', 800]]);
    expect(await runError([], { urls: ['http://127.0.0.1:9/missing.jpg'] })).toMatch(
      /Could not download http:\/\/127\.0\.0\.1:9\/missing\.jpg.*CORS/,
    );
  });

  it('stops when cancelled', async () => {
    expect(await page.evaluate(() => ingestTest.cancelled('media/image_archives/cvat/archive.zip'))).toMatch(
      /AbortError|cancelled/,
    );
    expect(logs.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });
});
