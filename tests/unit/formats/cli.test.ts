import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZipSource } from '../../../src/lib/formats/common/zip';

const ASSETS = join(process.cwd(), '../shared/assets');
const dir = mkdtempSync(join(tmpdir(), 'loupe-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function loupe(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/cli/loupe.mjs', ...args], { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('loupe CLI', { timeout: 60_000 }, () => {
  it('info detects a CVAT for images zip and summarises it', async () => {
    const r = await loupe(
      'info',
      join(ASSETS, 'cvat_images_1.1/cvat-server-exports/job18_skeletons/dataset_cvat-for-images-11.ZIP'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('format:   CVAT for images 1.1 (cvat-images)');
    expect(r.stdout).toContain('items:    8');
    expect(r.stdout).toContain('shapes:   9  (skeleton 9)');
  });

  it('info --json on a video XML and on a COCO folder', async () => {
    const video = await loupe(
      'info',
      '--json',
      join(ASSETS, 'cvat_video_1.1/datumaro-tests_cvat-ai/for_video/annotations.xml'),
    );
    expect(video.code, video.stderr).toBe(0);
    const v = JSON.parse(video.stdout);
    expect(v.format).toBe('cvat-video');
    expect(v.summary).toMatchObject({ items: 4, tracks: 4, keyframes: 8 });
    const coco = JSON.parse(
      (await loupe('info', '--json', join(ASSETS, 'coco_1.0/datumaro-tests/coco_instances'))).stdout,
    );
    expect(coco.format).toBe('coco');
    expect(coco.summary.shapes).toEqual({ rectangle: 1, polygon: 1, mask: 1 });
  });

  it('convert CVAT zip → COCO zip (with images) → CVAT XML, then validate both', async () => {
    const cocoZip = join(dir, 'coco.zip');
    const a = await loupe(
      'convert',
      '--from',
      'cvat-images',
      '--to',
      'coco',
      join(ASSETS, 'cvat_images_1.1/cvat-server-exports/job17_boxes/dataset_cvat-for-images-11.ZIP'),
      cocoZip,
    );
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/Converted CVAT for images 1\.1 → COCO 1\.0: 5 items, 2 shapes/);
    const zip = new ZipSource(readFileSync(cocoZip));
    expect(zip.paths()).toContain('annotations/instances_default.json');
    expect(zip.paths().filter((p) => p.startsWith('images/'))).toHaveLength(5);

    const xml = join(dir, 'back.xml');
    const b = await loupe('convert', '--from=coco', '--to=cvat-images', '--no-images', cocoZip, xml);
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(xml, 'utf8')).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<annotations>/);

    const valid = await loupe('validate', '--format', 'cvat-images', '--json', xml);
    expect(valid.code, valid.stderr).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({ valid: true, summary: { items: 5, shapeTotal: 2 } });
  });

  it('convert without --from detects the input format', async () => {
    const out = join(dir, 'detected.xml');
    const r = await loupe(
      'convert',
      '--to',
      'cvat-video',
      join(ASSETS, 'cvat_video_1.1/datumaro-tests_cvat-ai/for_video/annotations.xml'),
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'Converted CVAT for video 1.1 → CVAT for video 1.1: 4 items, 0 shapes, 0 tags, 4 tracks',
    );
    expect(readFileSync(out, 'utf8')).toContain('<frame_filter>step=3</frame_filter>');
  });

  it('convert into a folder writes the files there', async () => {
    const out = join(dir, 'datumaro');
    const r = await loupe(
      'convert',
      '--from',
      'coco-keypoints',
      '--to',
      'datumaro',
      join(ASSETS, 'coco_keypoints_1.0/datumaro-tests_cvat-ai/coco_person_keypoints'),
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'annotations/train.json'))).toBe(true);
    expect(existsSync(join(out, 'annotations/val.json'))).toBe(true);
  });

  it('validate reports an invalid file with the file, line and expected value (exit 1)', async () => {
    const bad = join(dir, 'bad.xml');
    writeFileSync(
      bad,
      '<annotations>\n  <image id="0" name="a" width="x" height="1"></image>\n</annotations>\n',
    );
    const r = await loupe('validate', '--format', 'cvat-images', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'invalid CVAT for images 1.1: bad.xml line 2 <image>: attribute "width" is "x" (expected a number)',
    );
    const truncated = join(dir, 'truncated.json');
    writeFileSync(truncated, '{"images": [{"id": 1, "file_name": "a.jpg"');
    const t = await loupe('validate', '--format', 'coco', '--json', truncated);
    expect(t.code).toBe(1);
    expect(JSON.parse(t.stdout)).toMatchObject({ valid: false, file: 'truncated.json' });
  });

  it('usage errors exit 2 and list the formats; an unknown input exits 1', async () => {
    const unknown = await loupe('convert', '--from', 'kokos', '--to', 'coco', 'a', 'b');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown format "kokos" (expected one of cvat-images, cvat-video, coco');
    expect((await loupe('convert', '--from', 'coco', 'a')).code).toBe(2);
    expect((await loupe('frobnicate')).code).toBe(2);
    expect((await loupe()).code).toBe(2);
    const missing = await loupe('info', join(dir, 'nothing-here.zip'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file or folder');
    const notData = join(dir, 'notes.txt');
    writeFileSync(notData, 'hello');
    const none = await loupe('info', notData);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no known dataset format recognised');
  });

  it('writing several files to a single .json output is refused with a hint', async () => {
    const r = await loupe(
      'convert',
      '--from',
      'coco',
      '--to',
      'datumaro',
      '--no-images',
      join(ASSETS, 'coco_1.0/datumaro-tests/coco_instances'),
      join(dir, 'one.json'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the export has 2 files');
    expect(r.stderr).toContain('expected an output ending in .zip or a folder');
  });
});
