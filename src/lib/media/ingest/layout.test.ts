import { describe, expect, it } from 'vitest';
import type { FileKind } from './fileKind';
import { planLayout, type ClassifiedFile } from './layout';

const image: FileKind = { kind: 'image', mime: 'image/png' };
const pcd: FileKind = { kind: 'pointcloud', format: 'pcd' };
const bin: FileKind = { kind: 'pointcloud', format: 'kitti-bin' };
const files = (kind: FileKind, ...paths: string[]): ClassifiedFile[] => paths.map((path) => ({ path, kind }));

describe('planLayout', () => {
  it('attaches 2D context images from related_images/<name with . as _>/', () => {
    const layout = planLayout(
      files(
        image,
        'case/image_case_90_1.png',
        'case/image_case_90_2.png',
        'case/related_images/image_case_90_1_png/context_image_for_image_1.png',
        'case/related_images/image_case_90_2_png/context_image_for_image_2.png',
        'case/related_images/nobody_png/x.png',
      ),
    );
    expect(layout.dimension).toBe('2d');
    expect(layout.frames).toEqual(['case/image_case_90_1.png', 'case/image_case_90_2.png']);
    expect(layout.related.get('case/image_case_90_1.png')).toEqual([
      'case/related_images/image_case_90_1_png/context_image_for_image_1.png',
    ]);
    expect(layout.skipped).toEqual([
      { name: 'case/related_images/nobody_png/x.png', reason: expect.stringMatching(/no image/) },
    ]);
  });

  it('reads the CVAT 3D layouts: pointcloud/ + related_images/, velodyne + IMAGE_0N, and data/', () => {
    const pointcloud = planLayout([
      ...files(pcd, 't/pointcloud/000001.pcd', 't/pointcloud/000002.pcd'),
      ...files(image, 't/related_images/000001_pcd/000001.png', 't/related_images/000002_pcd/000002.png'),
    ]);
    expect(pointcloud.dimension).toBe('3d');
    expect(pointcloud.related.get('t/pointcloud/000002.pcd')).toEqual([
      't/related_images/000002_pcd/000002.png',
    ]);
    const velodyne = planLayout([
      ...files(bin, 'v/velodyne_points/data/000002.bin'),
      ...files(image, 'v/IMAGE_00/data/000002.png', 'v/IMAGE_01/data/000002.png'),
    ]);
    expect(velodyne.related.get('v/velodyne_points/data/000002.bin')).toHaveLength(2);
    const data = planLayout([
      ...files(pcd, 'data/a.pcd', 'data/b.pcd', 'data/c/c.pcd'),
      ...files(image, 'data/a.png', 'data/c/context_1.png'),
    ]);
    expect(data.related.get('data/a.pcd')).toEqual(['data/a.png']);
    expect(data.related.get('data/c/c.pcd')).toEqual(['data/c/context_1.png']);
  });

  it('refuses 2D images mixed with point clouds, naming the images', () => {
    expect(() => planLayout([...files(pcd, 'a.pcd', 'b.pcd'), ...files(image, 'photo.jpg')])).toThrow(
      /either 2D images or 3D point clouds.*photo\.jpg/,
    );
  });

  it('routes videos, refuses two manifests and names unsupported files', () => {
    const layout = planLayout([
      ...files({ kind: 'video' }, 'clip.mp4'),
      ...files({ kind: 'unsupported', reason: 'not an image' }, 'notes.txt'),
      ...files({ kind: 'manifest' }, 'manifest.jsonl'),
    ]);
    expect(layout.videos).toEqual(['clip.mp4']);
    expect(layout.manifest).toBe('manifest.jsonl');
    expect(layout.skipped).toEqual([{ name: 'notes.txt', reason: 'not an image' }]);
    expect(() =>
      planLayout(files({ kind: 'manifest' }, 'a/manifest.jsonl', 'a/demo_manifest.jsonl')),
    ).toThrow(/Only one manifest/);
  });
});
