import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  rectangleFromCorners,
  rotatedCorners,
  ultralyticsClassificationCodec,
  ultralyticsDetectionCodec,
  ultralyticsObbCodec,
  ultralyticsPoseCodec,
  ultralyticsSegmentationCodec,
  ultralyticsTrackCodec,
} from '../../../src/lib/formats/ultralytics';
import type { Dataset, FormatCodec } from '../../../src/lib/formats/types';
import { resolveTrack } from '../../../src/lib/core/interpolation';
import { assetSource, counts, memorySource, MemoryFiles, semantic } from './moreFixtures';

const U = 'ultralytics_yolo/datumaro-tests';
const frames = (ds: Dataset) => ds.items.map((i) => ({ name: i.name, width: i.width, height: i.height }));

async function roundTrip(
  codec: FormatCodec,
  first: Dataset,
): Promise<{ second: Dataset; sink: MemoryFiles }> {
  const sink = new MemoryFiles();
  await codec.export!(first, sink, { saveImages: false });
  return { second: await codec.import!(sink.source(), { frames: frames(first) }), sink };
}

describe('Ultralytics YOLO detection', () => {
  it.each([
    'yolov8_detection',
    'yolov8_detection_with_list_of_imgs',
    'yolov8_detection_with_list_of_names',
    'yolov8_detection_with_subset_txt',
  ])('%s imports 2 boxes on one 15x10 image with 10 labels', async (folder) => {
    const source = assetSource(`${U}/${folder}`);
    expect(await ultralyticsDetectionCodec.detect!(source)).toBeGreaterThan(0.5);
    expect(await ultralyticsSegmentationCodec.detect!(source)).toBe(0);
    const ds = await ultralyticsDetectionCodec.import!(source, {});
    expect(counts(ds)).toEqual({ items: 1, labels: 10, tags: 0, tracks: 0, rectangle: 2 });
    expect(ds.items[0]).toMatchObject({ name: '1.jpg', subset: 'train', width: 15, height: 10 });
    expect(ds.labels.map((l) => l.name)[9]).toBe('label_9');
    const { second, sink } = await roundTrip(ultralyticsDetectionCodec, ds);
    expect(semantic(second, 3)).toEqual(semantic(ds, 3));
    expect(sink.text('labels/train/1.txt')).toBe(
      '2 0.133333 0.300000 0.266667 0.200000\n4 0.266667 0.450000 0.133333 0.300000\n',
    );
    expect(sink.text('data.yaml')).toContain('train: train.txt');
  });

  it('reads the Roboflow layout (train/labels, val/labels) with a names list', async () => {
    const ds = await ultralyticsDetectionCodec.import!(
      assetSource('ultralytics_yolo/datumaro-tests_openvino/roboflow_yolo'),
      {},
    );
    // train_001: 1 box, train_002: 1 box, val_001: 2 boxes; images are 10x5.
    expect(counts(ds)).toEqual({ items: 3, labels: 2, tags: 0, tracks: 0, rectangle: 4 });
    expect(ds.items.map((i) => `${i.subset}/${i.name}`).sort()).toEqual([
      'train/train_001.jpg',
      'train/train_002.jpg',
      'val/val_001.jpg',
    ]);
    const first = ds.shapes.find((s) => ds.items[s.frame]!.name === 'train_001.jpg')!;
    // 0 0.35 0.3 0.3 0.2 on 10x5
    first.points.forEach((v, i) => expect(v).toBeCloseTo([2, 1, 5, 2][i]!, 6));
  });

  it('does not take the DOTA-style labelTxt folders for Ultralytics labels', async () => {
    const source = assetSource('ultralytics_yolo/datumaro-tests_openvino/roboflow_yolo_obb_dota_style');
    expect(await ultralyticsObbCodec.detect!(source)).toBeLessThan(0.5);
    const ds = await ultralyticsObbCodec.import!(source, {});
    expect(counts(ds)).toEqual({ items: 3, labels: 2, tags: 0, tracks: 0 });
  });
});

describe('Ultralytics YOLO segmentation', () => {
  it('imports the Datumaro sample: a triangle and a pentagon', async () => {
    const ds = await ultralyticsSegmentationCodec.import!(assetSource(`${U}/yolov8_segmentation`), {});
    expect(counts(ds)).toEqual({ items: 1, labels: 10, tags: 0, tracks: 0, polygon: 2 });
    const tri = ds.shapes.find((s) => s.points.length === 6)!;
    // 0.1 0.1 0.4 0.1 0.4 0.5 on 15x10
    tri.points.forEach((v, i) => expect(v).toBeCloseTo([1.5, 1, 6, 1, 6, 5][i]!, 6));
    const { second } = await roundTrip(ultralyticsSegmentationCodec, ds);
    expect(semantic(second, 3)).toEqual(semantic(ds, 3));
  });

  it('imports the X-AnyLabeling webp sample (classes.txt without a trailing newline)', async () => {
    const source = assetSource('ultralytics_yolo/x-anylabeling_real-images/segmentation');
    const ds = await ultralyticsSegmentationCodec.import!(source, {});
    expect(counts(ds)).toEqual({ items: 1, labels: 2, tags: 0, tracks: 0, polygon: 2 });
    expect(ds.items[0]).toMatchObject({ name: 'cat_dog.webp', width: 1440, height: 810 });
    expect(ds.labels.map((l) => l.name)).toEqual(['cat', 'dog']);
    // The cat polygon has 41 vertices, the dog one 48.
    expect(ds.shapes.map((s) => s.points.length / 2)).toEqual([41, 48]);
    const { second } = await roundTrip(ultralyticsSegmentationCodec, ds);
    // No subset folder in the sample; the export writes `train`.
    expect(semantic(second, 2, { subsets: false })).toEqual(semantic(ds, 2, { subsets: false }));
  });

  it('exports masks as polygons around their pixels', async () => {
    const ds = await ultralyticsSegmentationCodec.import!(assetSource(`${U}/yolov8_segmentation`), {});
    const shape = ds.shapes[0]!;
    // A 3x2 block at (2, 3): runs [0, 6] in its box.
    ds.shapes = [{ ...shape, type: 'mask', points: [0, 6, 2, 3, 4, 4] }];
    const sink = new MemoryFiles();
    await ultralyticsSegmentationCodec.export!(ds, sink, { saveImages: false });
    const values = sink.text('labels/train/1.txt').trim().split(' ').slice(1).map(Number);
    const xs = values.filter((_, i) => i % 2 === 0).map((v) => v * 15);
    const ys = values.filter((_, i) => i % 2 === 1).map((v) => v * 10);
    expect(
      [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)].map((v) => Math.round(v)),
    ).toEqual([2, 5, 3, 5]);
  });
});

describe('Ultralytics YOLO oriented boxes', () => {
  it('imports the Datumaro sample as rotated rectangles', async () => {
    const ds = await ultralyticsObbCodec.import!(assetSource(`${U}/yolov8_oriented_boxes`), {});
    expect(counts(ds)).toEqual({ items: 1, labels: 10, tags: 0, tracks: 0, rectangle: 2 });
    const first = ds.shapes[0]!;
    // Corners (2.2,1.518) (4.799,3.018) (2.799,6.482) (0.2,4.982): a 3x4 box at (1,2) turned 30°.
    first.points.forEach((v, i) => expect(v).toBeCloseTo([1, 2, 4, 6][i]!, 3));
    expect(first.rotation).toBeCloseTo(30, 3);
    const { second, sink } = await roundTrip(ultralyticsObbCodec, ds);
    expect(semantic(second, 3)).toEqual(semantic(ds, 3));
    const written = sink.text('labels/train/1.txt').split('\n')[0]!.split(' ').map(Number);
    const original = [2, 0.146731, 0.151795, 0.319936, 0.301795, 0.186603, 0.648205, 0.013397, 0.498205];
    written.forEach((v, i) => expect(Math.abs(v - original[i]!)).toBeLessThanOrEqual(2e-6));
  });

  it('corners and rectangles convert both ways', () => {
    const corners = rotatedCorners([10, 20, 50, 40], 200);
    const back = rectangleFromCorners(corners);
    back.points.forEach((v, i) => expect(v).toBeCloseTo([10, 20, 50, 40][i]!, 9));
    expect(back.rotation).toBeCloseTo(200, 9);
  });
});

describe('Ultralytics YOLO pose', () => {
  it('imports kpt_shape [3, 3] as a skeleton of 3 points', async () => {
    const ds = await ultralyticsPoseCodec.import!(assetSource(`${U}/yolov8_pose`), {});
    expect(counts(ds)).toEqual({ items: 1, labels: 1, tags: 0, tracks: 0, skeleton: 1 });
    expect(ds.labels[0]).toMatchObject({ name: 'skeleton_label', type: 'skeleton' });
    expect(ds.labels[0]!.sublabels.map((s) => s.name)).toEqual(['1', '2', '3']);
    const s = ds.shapes[0]!;
    if (s.type !== 'skeleton') throw new Error('not a skeleton');
    expect(s.elements.map((e) => e.points.map((v) => Number(v.toFixed(6))))).toEqual([
      [1.5, 2],
      [4.5, 4],
      [7.5, 6],
    ]);
    const { second } = await roundTrip(ultralyticsPoseCodec, ds);
    expect(semantic(second, 3)).toEqual(semantic(ds, 3));
  });

  it('imports kpt_shape [3, 2] (no visibility) as visible points', async () => {
    const ds = await ultralyticsPoseCodec.import!(assetSource(`${U}/yolov8_pose_two_values_per_point`), {});
    expect(counts(ds)).toEqual({ items: 1, labels: 1, tags: 0, tracks: 0, skeleton: 1 });
    const s = ds.shapes[0]!;
    if (s.type !== 'skeleton') throw new Error('not a skeleton');
    expect(s.elements.every((e) => !e.outside && !e.occluded)).toBe(true);
  });

  it('imports the X-AnyLabeling person with named keypoints, one of them invisible', async () => {
    const source = assetSource('ultralytics_yolo/x-anylabeling_real-images/pose');
    expect(await ultralyticsPoseCodec.detect!(source)).toBeGreaterThan(0.5);
    const ds = await ultralyticsPoseCodec.import!(source, {});
    expect(counts(ds)).toEqual({ items: 1, labels: 1, tags: 0, tracks: 0, skeleton: 1 });
    expect(ds.items[0]).toMatchObject({ name: 'human-pose.jpeg', width: 500, height: 750 });
    const label = ds.labels[0]!;
    expect(label.sublabels).toHaveLength(17);
    expect(label.sublabels[4]!.name).toBe('right_ear');
    const s = ds.shapes[0]!;
    if (s.type !== 'skeleton') throw new Error('not a skeleton');
    expect(
      s.elements.filter((e) => e.outside).map((e) => label.sublabels.find((l) => l.id === e.label_id)!.name),
    ).toEqual(['right_ear']);
  });
});

describe('Ultralytics YOLO classification', () => {
  it('imports class folders as tags and round-trips through labels.json', async () => {
    const source = assetSource(`${U}/yolov8_classification`);
    expect(await ultralyticsClassificationCodec.detect!(source)).toBeGreaterThan(0);
    expect(await ultralyticsDetectionCodec.detect!(source)).toBe(0);
    const ds = await ultralyticsClassificationCodec.import!(source, {});
    expect(counts(ds)).toEqual({ items: 3, labels: 2, tags: 3, tracks: 0 });
    expect(ds.items.map((i) => i.name)).toEqual(['1.jpg', '2.jpg', '3.jpg']);
    const { second, sink } = await roundTrip(ultralyticsClassificationCodec, ds);
    expect(JSON.parse(sink.text('train/labels.json'))).toEqual({
      '1.jpg': ['label_0'],
      '2.jpg': ['label_0'],
      '3.jpg': ['label_1'],
    });
    expect(semantic(second)).toEqual(semantic(ds));
  });

  it('writes each image into its class folder when saving images', async () => {
    const ds = await ultralyticsClassificationCodec.import!(assetSource(`${U}/yolov8_classification`), {});
    const sink = new MemoryFiles();
    await ultralyticsClassificationCodec.export!(ds, sink, {
      saveImages: true,
      media: async () => new Uint8Array([7]),
    });
    expect([...sink.files.keys()].sort()).toEqual([
      'train/label_0/1.jpg',
      'train/label_0/2.jpg',
      'train/label_1/3.jpg',
      'train/labels.json',
    ]);
  });

  it('rejects a labels.json with a wrong type', async () => {
    await expect(
      ultralyticsClassificationCodec.import!(memorySource({ 'train/labels.json': '{"a.jpg": "cat"}' }), {}),
    ).rejects.toThrow(
      'train/labels.json key "a.jpg": the classes of "a.jpg" are "cat" (expected a list of class names)',
    );
  });
});

describe('Ultralytics YOLO detection track', () => {
  const yaml = 'names:\n  0: car\n  1: person\n';
  const files = {
    'data.yaml': yaml,
    'labels/train/f1.txt': '0 0.5 0.5 0.2 0.2 7\n1 0.1 0.1 0.1 0.1 3\n',
    'labels/train/f2.txt': '0 0.6 0.5 0.2 0.2 7\n',
    'labels/train/f3.txt': '',
    'labels/train/f4.txt': '0 0.7 0.5 0.2 0.2 7\n',
  };
  const target = ['f1', 'f2', 'f3', 'f4'].map((n) => ({ name: n, width: 100, height: 100 }));

  it('groups boxes with the same track id into tracks that go outside on gaps', async () => {
    const source = memorySource(files);
    expect(await ultralyticsTrackCodec.detect!(source)).toBeGreaterThan(0.5);
    expect(await ultralyticsDetectionCodec.detect!(source)).toBe(0);
    const ds = await ultralyticsTrackCodec.import!(source, { frames: target });
    expect(counts(ds)).toEqual({ items: 4, labels: 2, tags: 0, tracks: 2 });
    const car = ds.tracks.find((t) => t.label_id === ds.labels[0]!.id)!;
    expect(car.shapes.map((s) => [s.frame, s.outside])).toEqual([
      [0, false],
      [1, false],
      [2, true],
      [3, false],
    ]);
    expect(resolveTrack(car, 2)).toBeNull();
    const { second } = await roundTrip(ultralyticsTrackCodec, ds);
    for (const frame of [0, 1, 2, 3]) {
      const a = ds.tracks.map((t) => resolveTrack(t, frame)?.points ?? null).sort();
      const b = second.tracks.map((t) => resolveTrack(t, frame)?.points ?? null).sort();
      expect(b).toEqual(a);
    }
  });

  it('writes boxes outside tracks without an id, as CVAT does, and reads them back', async () => {
    const ds = await ultralyticsTrackCodec.import!(
      memorySource({ ...files, 'labels/train/f3.txt': '1 0.5 0.5 0.1 0.1\n' }),
      { frames: target },
    );
    expect(counts(ds)).toEqual({ items: 4, labels: 2, tags: 0, tracks: 2, rectangle: 1 });
    const sink = new MemoryFiles();
    await ultralyticsTrackCodec.export!(ds, sink, { saveImages: false });
    expect(sink.text('labels/train/f3.txt')).toBe('1 0.500000 0.500000 0.100000 0.100000\n');
    expect(sink.text('labels/train/f1.txt')).toMatch(/^0 0\.500000 0\.500000 0\.200000 0\.200000 \d+$/m);
    const second = await ultralyticsTrackCodec.import!(sink.source(), { frames: target });
    expect(counts(second)).toEqual(counts(ds));
  });

  it('rejects a track that changes class', async () => {
    const source = memorySource({ ...files, 'labels/train/f2.txt': '1 0.6 0.5 0.2 0.2 7\n' });
    await expect(ultralyticsTrackCodec.import!(source, { frames: target })).rejects.toThrow(
      'labels/train/f2.txt line 1: track 7 changes its class to 1 (expected class 0 as on its earlier frames)',
    );
  });
});

describe('Ultralytics YOLO malformed input', () => {
  const frames1 = [{ name: 'a', width: 10, height: 10 }];
  it('names data.yaml when it is not YAML', async () => {
    await expect(
      ultralyticsDetectionCodec.import!(
        memorySource({ 'data.yaml': 'names: [a\n', 'labels/train/a.txt': '' }),
        {},
      ),
    ).rejects.toThrow(/^data.yaml: is not valid YAML/);
  });
  it('says what names must be', async () => {
    await expect(
      ultralyticsDetectionCodec.import!(memorySource({ 'data.yaml': 'names: 3\n' }), {}),
    ).rejects.toThrow(
      'data.yaml names: names is missing or not a list (expected a list of class names or a map from class id to name)',
    );
  });
  it('rejects a bad kpt_shape', async () => {
    await expect(
      ultralyticsPoseCodec.import!(memorySource({ 'data.yaml': 'kpt_shape: [3, 4]\nnames: [a]\n' }), {}),
    ).rejects.toThrow('data.yaml kpt_shape: kpt_shape is [3,4] (expected [number of points, 2 or 3])');
  });
  it('rejects an out-of-range class', async () => {
    const source = memorySource({
      'data.yaml': 'names: [a, b]\n',
      'labels/train/a.txt': '5 0.5 0.5 0.1 0.1\n',
    });
    await expect(ultralyticsDetectionCodec.import!(source, { frames: frames1 })).rejects.toThrow(
      'labels/train/a.txt line 1: class id 5 has no label (expected a class id from 0 to 1)',
    );
  });
  it('rejects a pose line of the wrong length', async () => {
    const source = memorySource({
      'data.yaml': 'kpt_shape: [2, 3]\nnames: [a]\n',
      'labels/train/a.txt': '0 0.5 0.5 0.1 0.1 0.2 0.2 2\n',
    });
    await expect(ultralyticsPoseCodec.import!(source, { frames: frames1 })).rejects.toThrow(
      'labels/train/a.txt line 1: 8 values (expected 11 values: class cx cy w h and 2 points of 3 values)',
    );
  });
  it('rejects a polygon with an odd number of coordinates', async () => {
    const source = memorySource({
      'data.yaml': 'names: [a]\n',
      'labels/train/a.txt': '0 0.1 0.1 0.2 0.2 0.3\n',
    });
    await expect(ultralyticsSegmentationCodec.import!(source, { frames: frames1 })).rejects.toThrow(
      'labels/train/a.txt line 1: 6 values (expected class followed by at least 3 x y pairs)',
    );
  });
  it('needs image sizes', async () => {
    const source = memorySource({ 'data.yaml': 'names: [a]\n', 'labels/train/a.txt': '0 0.5 0.5 0.1 0.1\n' });
    await expect(ultralyticsDetectionCodec.import!(source, {})).rejects.toThrow(
      /labels\/train\/a.txt: the size of image "a" is unknown/,
    );
  });
  it('needs data.yaml', async () => {
    await expect(
      ultralyticsDetectionCodec.import!(memorySource({ 'labels/train/a.txt': '' }), {}),
    ).rejects.toThrow(
      'data.yaml: not found in the archive (expected data.yaml with names (and kpt_shape for pose) next to images/ and labels/)',
    );
  });
});

describe('Ultralytics geometry properties', () => {
  it('rotated rectangles survive corners → rectangle for any size and angle', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: 0.5, max: 300, noNaN: true }),
        fc.double({ min: 0.5, max: 300, noNaN: true }),
        fc.double({ min: 0, max: 359.9, noNaN: true }),
        (x, y, w, h, rotation) => {
          const back = rectangleFromCorners(rotatedCorners([x, y, x + w, y + h], rotation));
          back.points.forEach((v, i) => expect(v).toBeCloseTo([x, y, x + w, y + h][i]!, 6));
          expect(Math.abs(((back.rotation - rotation + 540) % 360) - 180)).toBeLessThan(1e-6);
        },
      ),
    );
  });

  it('boxes round-trip through detection files within the 6-decimal precision', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 600 }),
            fc.integer({ min: 0, max: 440 }),
            fc.integer({ min: 1, max: 40 }),
            fc.integer({ min: 1, max: 40 }),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        async (boxes) => {
          const lines = boxes.map(
            ([x, y, w, h]) => `0 ${(x + w / 2) / 640} ${(y + h / 2) / 480} ${w / 640} ${h / 480}`,
          );
          const source = memorySource({
            'data.yaml': 'names: [a]\n',
            'labels/train/f.txt': lines.join('\n'),
          });
          const frames = [{ name: 'f.jpg', width: 640, height: 480 }];
          const first = await ultralyticsDetectionCodec.import!(source, { frames });
          const sink = new MemoryFiles();
          await ultralyticsDetectionCodec.export!(first, sink, { saveImages: false });
          const second = await ultralyticsDetectionCodec.import!(sink.source(), { frames });
          second.shapes.forEach((s, k) =>
            s.points.forEach((v, i) =>
              expect(Math.abs(v - first.shapes[k]!.points[i]!)).toBeLessThan(640 * 1e-6),
            ),
          );
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('Ultralytics dataset YAML files', () => {
  it.each([
    // [file, labels, keypoints]
    ['coco8.yaml', 80, 0],
    ['coco8-pose.yaml', 1, 17],
    ['dota8.yaml', 15, 0],
  ] as const)(
    '%s is read as the configuration (named after the dataset)',
    async (file, labels, keypoints) => {
      const all = assetSource('ultralytics_yolo/ultralytics-repo-dataset-yaml');
      const source = memorySource({ [file]: await all.read(file) });
      const codec = keypoints ? ultralyticsPoseCodec : ultralyticsDetectionCodec;
      const ds = await codec.import!(source, {});
      expect(counts(ds)).toEqual({ items: 0, labels, tags: 0, tracks: 0 });
      if (file === 'coco8.yaml') expect(ds.labels[79]!.name).toBe('toothbrush');
      expect(ds.labels[0]!.sublabels).toHaveLength(keypoints);
    },
  );
});
