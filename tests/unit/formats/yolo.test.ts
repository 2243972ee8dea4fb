import { describe, expect, it } from 'vitest';
import { yoloCodec } from '../../../src/lib/formats/yolo';
import { FormatError } from '../../../src/lib/formats/types';
import { assetSource, counts, memorySource, MemoryFiles, semantic } from './moreFixtures';

const SAMPLES = [
  'yolo_1.1/datumaro-tests_cvat-ai/yolo',
  'yolo_1.1/datumaro-tests_openvino/strict',
  'yolo_1.1/datumaro-tests_openvino/annotations_layout',
  'yolo_1.1/datumaro-tests_openvino/labels_layout',
];

describe('YOLO 1.1 samples', () => {
  it.each(SAMPLES)('%s imports with its labels, items and boxes', async (folder) => {
    const source = assetSource(folder);
    expect(await yoloCodec.detect!(source)).toBeGreaterThan(0.5);
    const dataset = await yoloCodec.import!(source, {});
    const twoSubsets = folder.endsWith('labels_layout');
    // obj.names lists 10 labels; each annotation file holds 2 boxes on a 15x10 image.
    expect(counts(dataset)).toEqual({
      items: twoSubsets ? 2 : 1,
      labels: 10,
      tags: 0,
      tracks: 0,
      rectangle: twoSubsets ? 4 : 2,
    });
    expect(dataset.items[0]).toMatchObject({ name: '1.jpg', width: 15, height: 10 });
    const label2 = dataset.labels[2]!;
    const box = dataset.shapes.find((s) => s.label_id === label2.id)!;
    // 2 0.133333 0.300000 0.266667 0.200000 on 15x10 → x 0..4, y 2..4
    box.points.forEach((v, i) => expect(v).toBeCloseTo([0, 2, 4, 4][i]!, 4));
  });

  it('keeps the subsets of the labels/<subset> layout', async () => {
    const dataset = await yoloCodec.import!(assetSource(SAMPLES[3]!), {});
    expect(dataset.items.map((i) => i.subset).sort()).toEqual(['train', 'val']);
  });
});

describe('YOLO 1.1 round trip', () => {
  it.each(SAMPLES)('%s: import → export → import is equal within 6 decimals', async (folder) => {
    const first = await yoloCodec.import!(assetSource(folder), {});
    const sink = new MemoryFiles();
    await yoloCodec.export!(first, sink, { saveImages: false });
    expect(sink.text('obj.names').split('\n')[2]).toBe('label_2');
    expect(sink.text('obj.data')).toContain('names = data/obj.names');
    const second = await yoloCodec.import!(sink.source(), {
      frames: first.items.map((i) => ({ name: i.name, width: i.width, height: i.height })),
    });
    // Darknet has only named subsets: items without one are written to `train`.
    expect(semantic(second, 3, { subsets: false })).toEqual(semantic(first, 3, { subsets: false }));
  });

  it('writes CVAT layout lines with 6 decimals', async () => {
    const first = await yoloCodec.import!(assetSource(SAMPLES[0]!), {});
    const sink = new MemoryFiles();
    await yoloCodec.export!(first, sink, { saveImages: false });
    expect(sink.text('obj_train_data/1.txt')).toBe(
      '2 0.133333 0.300000 0.266667 0.200000\n4 0.266667 0.450000 0.133333 0.300000\n',
    );
    expect(sink.text('train.txt')).toBe('data/obj_train_data/1.jpg\n');
  });

  it('reports progress per annotation file', async () => {
    const seen: number[] = [];
    await yoloCodec.import!(assetSource(SAMPLES[3]!), { progress: (f) => seen.push(f) });
    expect(seen).toEqual([0.5, 1]);
  });

  it('writes the original images when asked', async () => {
    const first = await yoloCodec.import!(assetSource(SAMPLES[0]!), {});
    const sink = new MemoryFiles();
    const bytes = new Uint8Array([1, 2, 3]);
    await yoloCodec.export!(first, sink, { saveImages: true, media: async () => bytes });
    expect(sink.files.get('obj_train_data/1.jpg')).toEqual(bytes);
  });
});

describe('YOLO 1.1 malformed input', () => {
  const base = {
    'obj.names': 'cat\ndog\n',
    'obj.data': 'classes = 2\ntrain = data/train.txt\nnames = data/obj.names\n',
    'train.txt': 'data/obj_train_data/a.jpg\n',
  };
  const frames = [{ name: 'a.jpg', width: 100, height: 50 }];

  it('takes sizes from the target task frames when the archive has no images', async () => {
    const ds = await yoloCodec.import!(
      memorySource({ ...base, 'obj_train_data/a.txt': '1 0.5 0.5 0.2 0.2\n' }),
      {
        frames,
      },
    );
    expect(ds.shapes[0]!.points).toEqual([40, 20, 60, 30]);
  });

  it('names the file and says what is missing when the size is unknown', async () => {
    const source = memorySource({ ...base, 'obj_train_data/a.txt': '1 0.5 0.5 0.2 0.2\n' });
    await expect(yoloCodec.import!(source, {})).rejects.toThrow(
      /obj_train_data\/a.txt: the size of image "a.jpg" is unknown/,
    );
  });

  it('rejects an out-of-range class id with the valid range', async () => {
    const source = memorySource({
      ...base,
      'obj_train_data/a.txt': '0 0.5 0.5 0.1 0.1\n2 0.5 0.5 0.2 0.2\n',
    });
    const error = await yoloCodec.import!(source, { frames }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toBe(
      'obj_train_data/a.txt line 2: class id 2 has no label (expected a class id from 0 to 1)',
    );
  });

  it('rejects a non-numeric coordinate', async () => {
    const source = memorySource({ ...base, 'obj_train_data/a.txt': '0 0.5 abc 0.1 0.1\n' });
    await expect(yoloCodec.import!(source, { frames })).rejects.toThrow(
      'obj_train_data/a.txt line 1: value 3 is "abc" (expected a number)',
    );
  });

  it('rejects a truncated line', async () => {
    const source = memorySource({ ...base, 'obj_train_data/a.txt': '0 0.5 0.5\n' });
    await expect(yoloCodec.import!(source, { frames })).rejects.toThrow(
      'obj_train_data/a.txt line 1: 3 values (expected 5 values: class cx cy w h)',
    );
  });

  it('rejects a negative class id', async () => {
    const source = memorySource({ ...base, 'obj_train_data/a.txt': '-1 0.5 0.5 0.1 0.1\n' });
    await expect(yoloCodec.import!(source, { frames })).rejects.toThrow(
      /line 1: class id is "-1" \(expected a non-negative integer\)/,
    );
  });

  it('says obj.names is missing', async () => {
    await expect(yoloCodec.import!(memorySource({ 'obj_train_data/a.txt': '' }), {})).rejects.toThrow(
      'obj.names: not found in the archive (expected obj.names with one label name per line)',
    );
    expect(await yoloCodec.detect!(memorySource({ 'a.txt': '' }))).toBe(0);
  });

  it('refuses to export boxes on items without a size', async () => {
    const ds = await yoloCodec.import!(
      memorySource({ ...base, 'obj_train_data/a.txt': '1 0.5 0.5 0.2 0.2\n' }),
      {
        frames,
      },
    );
    ds.items[0]!.width = 0;
    await expect(yoloCodec.export!(ds, new MemoryFiles(), { saveImages: false })).rejects.toThrow(
      /obj_train_data\/a.txt: item "a.jpg" has no width and height/,
    );
  });
});

describe('YOLO 1.1 tracks', () => {
  it('writes a track as its interpolated box on every frame where it is visible', async () => {
    const files = {
      'obj.names': 'car\n',
      'obj.data': 'classes = 1\n',
      'obj_train_data/a.txt': '',
      'obj_train_data/b.txt': '',
      'obj_train_data/c.txt': '',
      'obj_train_data/d.txt': '',
    };
    const frames = ['a', 'b', 'c', 'd'].map((n) => ({ name: n, width: 100, height: 100 }));
    const ds = await yoloCodec.import!(memorySource(files), { frames });
    const car = ds.labels[0]!;
    const kf = (frame: number, x: number, outside = false) => ({
      type: 'rectangle' as const,
      frame,
      points: [x, 10, x + 10, 20],
      occluded: false,
      outside,
      z_order: 0,
      rotation: 0,
      attributes: [],
    });
    ds.tracks.push({
      id: 't',
      updated_date: '',
      author: '',
      job_id: '',
      frame: 0,
      label_id: car.id,
      group: 0,
      source: 'manual',
      attributes: [],
      shapes: [kf(0, 0), kf(2, 20), kf(3, 20, true)],
      elements: [],
    });
    const sink = new MemoryFiles();
    await yoloCodec.export!(ds, sink, { saveImages: false });
    // Frame 1 is halfway between x = 0 and x = 20; frame 3 is outside.
    expect(sink.text('obj_train_data/a.txt')).toBe('0 0.050000 0.150000 0.100000 0.100000\n');
    expect(sink.text('obj_train_data/b.txt')).toBe('0 0.150000 0.150000 0.100000 0.100000\n');
    expect(sink.text('obj_train_data/c.txt')).toBe('0 0.250000 0.150000 0.100000 0.100000\n');
    expect(sink.text('obj_train_data/d.txt')).toBe('');
  });
});
