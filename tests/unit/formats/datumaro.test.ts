import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openInput } from '../../../src/cli/files';
import type { Shape, Track } from '../../../src/lib/core/types';
import { canonicalDataset } from '../../../src/lib/formats/common/compare';
import { LabelBook, emptyDataset, fileMeta, summarizeDataset } from '../../../src/lib/formats/common/dataset';
import { MemorySink, MemorySource } from '../../../src/lib/formats/common/memory';
import { CVAT_VIDEO_CODEC } from '../../../src/lib/formats/cvat';
import { DATUMARO_3D_CODEC, DATUMARO_CODEC } from '../../../src/lib/formats/datumaro';
import { FormatError, type Dataset, type FormatCodec } from '../../../src/lib/formats/types';

const ASSETS = join(process.cwd(), '../shared/assets/datumaro_1.0');
const NO_MEDIA = { saveImages: false };

async function roundTrip(codec: FormatCodec, dataset: Dataset): Promise<Dataset> {
  const sink = new MemorySink();
  await codec.export!(dataset, sink, NO_MEDIA);
  return codec.import!(sink.toSource(), {});
}

function subsetFile(name: string): MemorySource {
  return new MemorySource({
    [`annotations/${name}.json`]: readFileSync(
      join(ASSETS, `datumaro-tests/diverse/annotations/${name}.json`),
    ),
  });
}

describe('Datumaro samples import with the counts they hold', () => {
  it('with_skeleton: one skeleton of three points with point attributes, joints 1-based', async () => {
    const d = await DATUMARO_CODEC.import!(openInput(join(ASSETS, 'datumaro-tests/with_skeleton')), {});
    expect(summarizeDataset(d)).toMatchObject({ items: 1, labels: 1, shapes: { skeleton: 1 } });
    const label = d.labels[0]!;
    expect(label.sublabels.map((s) => s.name)).toEqual(['point1-label', 'point3-label', 'point2-label']);
    const s = d.shapes[0] as Extract<Shape, { type: 'skeleton' }>;
    const names = new Map(label.sublabels.map((x) => [x.id, x]));
    expect(s.elements.map((e) => [names.get(e.label_id)!.name, e.points])).toEqual([
      ['point1-label', [0.9, 3.53]],
      ['point3-label', [2.45, 7.6]],
      ['point2-label', [5.2, 2.5]],
    ]);
    const p3 = s.elements[1]!;
    expect(
      p3.attributes.map((a) => [
        names.get(p3.label_id)!.attributes.find((x) => x.id === a.spec_id)!.name,
        a.value,
      ]),
    ).toEqual([['point3-attribute-checkbox', 'true']]);
    expect(label.svg).toContain('data-node-from');
    expect(d.items[0]).toMatchObject({ name: '100.jpg', width: 6, height: 10 });
  });

  it('with_pcd (3D): three point clouds, one 3D cuboid', async () => {
    const d = await DATUMARO_3D_CODEC.import!(openInput(join(ASSETS, 'datumaro-tests/with_pcd')), {});
    expect(d.dimension).toBe('3d');
    expect(summarizeDataset(d)).toMatchObject({ items: 3, labels: 1, shapes: { cuboid: 1 } });
  });

  it('legacy: three subsets, seven labels (tags)', async () => {
    const d = await DATUMARO_CODEC.import!(openInput(join(ASSETS, 'datumaro-tests_openvino/legacy')), {});
    expect(summarizeDataset(d)).toMatchObject({
      items: 4,
      labels: 4,
      tags: 7,
      shapeTotal: 0,
      subsets: { train: 2, test: 1, validation: 1 },
    });
  });

  it('diverse: default, test and val import; captions, 3D cuboids and unlabeled shapes are skipped with warnings', async () => {
    expect(summarizeDataset(await DATUMARO_CODEC.import!(subsetFile('default'), {}))).toMatchObject({
      items: 2,
      labels: 5,
      shapeTotal: 0,
    });
    const test = await DATUMARO_CODEC.import!(subsetFile('test'), {});
    expect(summarizeDataset(test)).toMatchObject({ items: 2, shapeTotal: 0 });
    expect(test.meta.warnings).toEqual([
      'annotations/test.json line 37, items[0].annotations[0]: a 3D cuboid in a 2D dataset was skipped',
    ]);
    const warned: string[] = [];
    const val = await DATUMARO_CODEC.import!(subsetFile('val'), { warn: (m) => warned.push(m) });
    expect(summarizeDataset(val)).toMatchObject({ items: 1, shapeTotal: 0 });
    expect(warned).toHaveLength(2);
  });

  it('diverse: train.json holds a bbox whose label id (5) is past the five labels, which is refused', async () => {
    await expect(
      DATUMARO_CODEC.import!(openInput(join(ASSETS, 'datumaro-tests/diverse')), {}),
    ).rejects.toThrow(
      'annotations/train.json line 120, items[1].annotations[2].label_id: label id 5 is out of range (expected an index into categories.label.labels (0–4))',
    );
  });
});

function richDataset(): Dataset {
  const d = emptyDataset();
  const book = new LabelBook(d.labels);
  const car = book.label('car');
  const color = book.attribute(car, 'color', { input_type: 'text' });
  const parked = book.attribute(car, 'parked', { input_type: 'checkbox', values: ['false'] });
  const body = book.label('body', 'skeleton');
  const head = book.sublabel(body, 'head');
  const tail = book.sublabel(body, 'tail');
  body.svg = `<line data-node-from="1" data-node-to="2"></line><circle data-node-id="1" data-label-name="head"></circle><circle data-node-id="2" data-label-name="tail"></circle>`;
  const scene = book.label('scene');
  d.labels = book.labels;
  d.items = [0, 1, 2, 3].map((frame) => ({
    frame,
    name: `f${frame}.jpg`,
    width: 40,
    height: 30,
    subset: frame < 2 ? 'train' : 'val',
  }));
  const base = {
    occluded: false,
    outside: false,
    z_order: 1,
    rotation: 0,
    group: 0,
    source: 'file' as const,
  };
  const add = (s: Partial<Shape> & Pick<Shape, 'type' | 'points' | 'frame' | 'label_id'>) =>
    d.shapes.push({ ...fileMeta(), ...base, attributes: [], ...s } as Shape);
  add({
    type: 'rectangle',
    frame: 0,
    label_id: car.id,
    points: [1.5, 2.5, 10.25, 20],
    rotation: 30,
    group: 2,
    occluded: true,
    attributes: [
      { spec_id: color.id, value: 'red' },
      { spec_id: parked.id, value: 'true' },
    ],
  });
  add({ type: 'polygon', frame: 0, label_id: car.id, points: [1, 1, 5, 1, 3, 4], group: 2 });
  add({ type: 'polyline', frame: 1, label_id: car.id, points: [1, 1, 5, 5] });
  add({ type: 'points', frame: 1, label_id: car.id, points: [1, 2, 3, 4] });
  add({ type: 'ellipse', frame: 2, label_id: car.id, points: [20, 15, 25, 12] });
  add({ type: 'cuboid', frame: 2, label_id: car.id, points: Array.from({ length: 16 }, (_, i) => i + 0.5) });
  add({ type: 'mask', frame: 3, label_id: car.id, points: [1, 2, 1, 10, 5, 11, 6] });
  d.shapes.push({
    ...fileMeta(),
    ...base,
    frame: 3,
    label_id: body.id,
    attributes: [],
    type: 'skeleton',
    points: [],
    elements: [
      { label_id: head.id, type: 'points', points: [1, 1], occluded: true, outside: false, attributes: [] },
      { label_id: tail.id, type: 'points', points: [2, 2], occluded: false, outside: true, attributes: [] },
    ],
  });
  d.tags.push({ ...fileMeta(), frame: 1, label_id: scene.id, group: 0, source: 'file', attributes: [] });
  return d;
}

describe('Datumaro round trips', () => {
  it('keeps every shape type, tags, subsets, groups, z_order, rotation and attributes', async () => {
    const d = richDataset();
    const back = await roundTrip(DATUMARO_CODEC, d);
    const options = { precision: 9, ignore: { labelDetails: true } };
    expect(canonicalDataset(back, options)).toEqual(canonicalDataset(d, options));
  });

  it('keeps tracks (keyframes, outside, mutable attributes) through track_id', async () => {
    const video = await CVAT_VIDEO_CODEC.import!(
      openInput(
        join(
          process.cwd(),
          '../shared/assets/cvat_video_1.1/datumaro-tests_cvat-ai/for_video/annotations.xml',
        ),
      ),
      {},
    );
    const back = await roundTrip(DATUMARO_CODEC, video);
    expect(back.tracks).toHaveLength(video.tracks.length);
    const options = { ignore: { labelDetails: true, source: true, itemNames: true } };
    const strip = (d: Dataset) => ({ ...canonicalDataset(d, options), items: [] });
    // Datumaro keeps tracks; the skeleton's own keyframes follow its points.
    const plain = (d: Dataset) => ({ ...d, tracks: d.tracks.filter((t: Track) => t.elements.length === 0) });
    expect(strip(plain(back))).toEqual(strip(plain(video)));
  });

  it('writes the layout CVAT writes: size as [height, width], attr.frame, 1-based joints', async () => {
    const sink = new MemorySink();
    await DATUMARO_CODEC.export!(richDataset(), sink, NO_MEDIA);
    expect([...sink.files.keys()]).toEqual(['annotations/train.json', 'annotations/val.json']);
    const train = JSON.parse(sink.text('annotations/train.json'));
    expect(train.items[0]).toMatchObject({
      id: 'f0',
      attr: { frame: 0 },
      image: { path: 'f0.jpg', size: [30, 40] },
    });
    expect(
      train.categories.label.labels.map((l: { name: string; parent: string }) => [l.name, l.parent]),
    ).toEqual([
      ['car', ''],
      ['body', ''],
      ['head', 'body'],
      ['tail', 'body'],
      ['scene', ''],
    ]);
    expect(train.categories.points.items).toEqual([
      { label_id: 1, labels: ['head', 'tail'], joints: [[1, 2]] },
    ]);
    const box = train.items[0].annotations.find((a: { type: string }) => a.type === 'bbox');
    expect(box).toMatchObject({ bbox: [1.5, 2.5, 8.75, 17.5], label_id: 0, group: 2, z_order: 1 });
    expect(box.attributes).toEqual({ color: 'red', parked: true, occluded: true, rotation: 30 });
  });

  it('3D cuboids survive as cuboid_3d', async () => {
    const d = await DATUMARO_3D_CODEC.import!(openInput(join(ASSETS, 'datumaro-tests/with_pcd')), {});
    const back = await roundTrip(DATUMARO_3D_CODEC, d);
    const options = { ignore: { labelDetails: true } };
    expect(canonicalDataset(back, options)).toEqual(canonicalDataset(d, options));
  });
});

describe('Datumaro malformed input', () => {
  const doc = (annotation: Record<string, unknown>) =>
    JSON.stringify(
      {
        categories: { label: { labels: [{ name: 'a', parent: '', attributes: [] }], attributes: [] } },
        items: [{ id: 'x', annotations: [{ id: 0, group: 0, label_id: 0, ...annotation }] }],
      },
      null,
      1,
    );
  const fail = async (text: string): Promise<FormatError> => {
    try {
      await DATUMARO_CODEC.import!(new MemorySource({ 'annotations/default.json': text }), {});
    } catch (e) {
      expect(e).toBeInstanceOf(FormatError);
      return e as FormatError;
    }
    throw new Error('no error');
  };

  it('truncated JSON, unknown type, wrong types and short geometry', async () => {
    expect((await fail(doc({ type: 'bbox', bbox: [1, 2, 3, 4] }).slice(0, 60))).message).toMatch(
      /^annotations\/default\.json line \d+, column \d+: the file ends too early \(truncated\?\)/,
    );
    expect((await fail(doc({ type: 'blob' }))).message).toMatch(
      /items\[0\]\.annotations\[0\]\.type: unknown annotation type "blob" \(expected one of label, bbox/,
    );
    expect((await fail(doc({ type: 'bbox', bbox: [1, 2, 'x', 4] }))).message).toContain(
      'items[0].annotations[0].bbox[2]: is "x" (expected a number)',
    );
    expect((await fail(doc({ type: 'polygon', points: [1, 2, 3, 4] }))).message).toContain(
      'points: has 4 numbers (expected x, y pairs, at least 3 point(s) for a polygon)',
    );
    expect((await fail(doc({ type: 'bbox', label_id: 3, bbox: [1, 2, 3, 4] }))).message).toContain(
      'label id 3 is out of range',
    );
  });

  it('missing items, a bad parent and skeleton points that do not match', async () => {
    expect((await fail('{"categories": {}}')).message).toBe(
      'annotations/default.json line 1, top level: no "items" list (expected a Datumaro file with "categories" and "items")',
    );
    expect(
      (
        await fail(
          JSON.stringify({ categories: { label: { labels: [{ name: 'p', parent: 'nobody' }] } }, items: [] }),
        )
      ).message,
    ).toContain('parent "nobody" is not a label');
    const skeleton = JSON.stringify({
      categories: {
        label: {
          labels: [
            { name: 's', parent: '' },
            { name: 'p1', parent: 's' },
          ],
        },
      },
      items: [{ id: 'x', annotations: [{ type: 'skeleton', label_id: 0, points: [1, 2, 2, 3, 4, 2] }] }],
    });
    expect((await fail(skeleton)).message).toContain(
      'has 6 numbers (expected 3 (x, y, visibility for each point of "s"))',
    );
  });
});
