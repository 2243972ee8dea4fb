import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openInput } from '../../../src/cli/files';
import { MemorySource } from '../../../src/lib/formats/common/memory';
import {
  CORE_CODECS,
  FORMATS,
  detectFormat,
  displayName,
  formatsFor,
  getFormat,
} from '../../../src/lib/formats/registry';
import { FormatError } from '../../../src/lib/formats/types';

const ASSETS = join(process.cwd(), '../shared/assets');

describe('format registry', () => {
  it('has unique ids and names with versions, and the core formats first', () => {
    const ids = FORMATS.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, CORE_CODECS.length)).toEqual([
      'cvat-images',
      'cvat-video',
      'coco',
      'coco-keypoints',
      'datumaro',
      'datumaro-3d',
    ]);
    for (const f of FORMATS) {
      expect(f.version).toMatch(/^\d+\.\d+$/);
      expect(f.kinds.length).toBeGreaterThan(0);
      expect(f.import ?? f.export).toBeDefined();
    }
  });

  it('getFormat finds by id or CVAT display name and lists valid ids otherwise', () => {
    expect(getFormat('coco').name).toBe('COCO');
    expect(getFormat('CVAT for video 1.1').id).toBe('cvat-video');
    expect(displayName(getFormat('coco-keypoints'))).toBe('COCO Keypoints 1.0');
    try {
      getFormat('nope');
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(
        /^format: unknown format "nope" \(expected one of cvat-images, cvat-video, coco, coco-keypoints, datumaro/,
      );
    }
  });

  it('formatsFor filters by dimension and direction', () => {
    const threeD = formatsFor({ dimension: '3d' });
    expect(threeD.map((f) => f.id)).toContain('datumaro-3d');
    expect(threeD.every((f) => f.dimension === '3d')).toBe(true);
    expect(formatsFor({ dimension: '2d', direction: 'export' }).map((f) => f.id)).toEqual(
      expect.arrayContaining(['cvat-images', 'cvat-video', 'coco', 'coco-keypoints', 'datumaro']),
    );
    expect(formatsFor({ direction: 'import' }).every((f) => f.import !== undefined)).toBe(true);
  });

  const cases: [string, string][] = [
    ['cvat_images_1.1/cvat-server-exports/job17_boxes/dataset_cvat-for-images-11.ZIP', 'cvat-images'],
    ['cvat_images_1.1/datumaro-tests_openvino/export_task/train.xml', 'cvat-images'],
    ['cvat_video_1.1/cvat-server-exports/job22_skeleton-tracks/dataset_cvat-for-video-11.ZIP', 'cvat-video'],
    ['coco_1.0/cvat-server-exports/job14/dataset_coco-10.ZIP', 'coco'],
    ['coco_1.0/labelme-labelme2coco_real-VOC2011-images/annotations.json', 'coco'],
    ['coco_keypoints_1.0/cvat-server-exports/project5/dataset_coco-_keypoints-10.ZIP', 'coco-keypoints'],
    ['datumaro_1.0/datumaro-tests/with_skeleton', 'datumaro'],
    ['datumaro_1.0/datumaro-tests/with_pcd', 'datumaro-3d'],
  ];
  for (const [path, id] of cases)
    it(`detects ${id} first for ${path}`, async () => {
      const found = await detectFormat(openInput(join(ASSETS, path)));
      expect(found[0]?.codec.id).toBe(id);
      for (let i = 1; i < found.length; i++)
        expect(found[i]!.confidence).toBeLessThanOrEqual(found[i - 1]!.confidence);
    });

  it('detects nothing in files that are no dataset', async () => {
    expect(await detectFormat(new MemorySource({ 'readme.md': '# hello' }))).toEqual([]);
  });
});
