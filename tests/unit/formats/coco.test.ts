import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openInput } from '../../../src/cli/files';
import { decodeMask } from '../../../src/lib/core/mask';
import type { Shape } from '../../../src/lib/core/types';
import {
  COCO_CODEC,
  COCO_KEYPOINTS_CODEC,
  cocoRleToMask,
  decodeCocoString,
  encodeCocoString,
  maskToCocoRle,
  skeletonEdges,
} from '../../../src/lib/formats/coco';
import { canonicalDataset } from '../../../src/lib/formats/common/compare';
import { LabelBook, emptyDataset, fileMeta, summarizeDataset } from '../../../src/lib/formats/common/dataset';
import { MemorySink, MemorySource } from '../../../src/lib/formats/common/memory';
import { CVAT_IMAGES_CODEC } from '../../../src/lib/formats/cvat';
import { FormatError, type Dataset, type FormatCodec } from '../../../src/lib/formats/types';

const ASSETS = join(process.cwd(), '../shared/assets');
const NO_MEDIA = { saveImages: false };

async function importPath(codec: FormatCodec, path: string): Promise<Dataset> {
  return codec.import!(openInput(join(ASSETS, path)), {});
}

async function roundTrip(codec: FormatCodec, dataset: Dataset): Promise<Dataset> {
  const sink = new MemorySink();
  await codec.export!(dataset, sink, NO_MEDIA);
  return codec.import!(sink.toSource(), {});
}

interface Expected {
  items: number;
  labels: number;
  shapes: Record<string, number>;
  tags?: number;
  subsets?: Record<string, number>;
}

// Counts read from the sample files.
const COCO_SAMPLES: [string, Expected][] = [
  [
    'coco_1.0/cvat-server-exports/job14/dataset_coco-10.ZIP',
    { items: 5, labels: 2, shapes: { rectangle: 2 } },
  ],
  ['coco_1.0/cvat-server-exports/job14/extracted', { items: 5, labels: 2, shapes: { rectangle: 2 } }],
  // instances_train (a box) and instances_val (a polygon and a crowd RLE); other task files are not read.
  [
    'coco_1.0/datumaro-tests/coco_full_all_tasks',
    { items: 2, labels: 3, shapes: { rectangle: 1, polygon: 1, mask: 1 }, subsets: { train: 1, val: 1 } },
  ],
  [
    'coco_1.0/datumaro-tests/coco_instances',
    { items: 2, labels: 3, shapes: { rectangle: 1, polygon: 1, mask: 1 } },
  ],
  // Panoptic: one segment in train, two in val, from the id PNGs.
  ['coco_1.0/datumaro-tests/coco_panoptic', { items: 2, labels: 2, shapes: { mask: 3 } }],
  [
    'coco_1.0/datumaro-tests_openvino/coco_roboflow_layout',
    { items: 2, labels: 3, shapes: { rectangle: 1, polygon: 1, mask: 1 } },
  ],
  // 12 objects; four of them have two rings (16 polygons). Category 0 is _background_.
  ['coco_1.0/labelme-labelme2coco_real-VOC2011-images', { items: 3, labels: 21, shapes: { polygon: 16 } }],
  // A result list: 734 compressed-RLE masks on 99 images of 75 categories.
  [
    'coco_1.0/cocoapi-results_compressed-RLE/instances_val2014_fakesegm100_results.json',
    { items: 99, labels: 75, shapes: { mask: 734 } },
  ],
];

const KEYPOINT_SAMPLES: [string, Expected][] = [
  [
    'coco_keypoints_1.0/cvat-server-exports/job21/dataset_coco-_keypoints-10.ZIP',
    { items: 6, labels: 2, shapes: {} },
  ],
  ['coco_keypoints_1.0/cvat-server-exports/job23/extracted', { items: 1, labels: 2, shapes: {} }],
  [
    'coco_keypoints_1.0/cvat-server-exports/project5/dataset_coco-_keypoints-10.ZIP',
    { items: 8, labels: 2, shapes: {} },
  ],
  [
    'coco_keypoints_1.0/datumaro-tests_cvat-ai/coco_person_keypoints',
    { items: 2, labels: 2, shapes: { skeleton: 3 } },
  ],
  [
    'coco_keypoints_1.0/datumaro-tests_openvino/coco_person_keypoints',
    { items: 2, labels: 2, shapes: { skeleton: 3 } },
  ],
  [
    'coco_keypoints_1.0/cocoapi-results/person_keypoints_val2014_fakekeypoints100_results.json',
    { items: 47, labels: 1, shapes: { skeleton: 125 } },
  ],
];

describe('COCO samples import with the counts they hold', { timeout: 30_000 }, () => {
  for (const [path, want] of [...COCO_SAMPLES, ...KEYPOINT_SAMPLES]) {
    it(path, async () => {
      const codec = path.startsWith('coco_keypoints') ? COCO_KEYPOINTS_CODEC : COCO_CODEC;
      const summary = summarizeDataset(await importPath(codec, path));
      expect(summary.items).toBe(want.items);
      expect(summary.labels).toBe(want.labels);
      expect(summary.shapes).toEqual(want.shapes);
      expect(summary.tags).toBe(want.tags ?? 0);
      if (want.subsets) expect(summary.subsets).toEqual(want.subsets);
    });
  }
});

describe('COCO details', () => {
  it('reads a CVAT export: boxes from bbox, label attributes, occluded and rotation', async () => {
    const d = await importPath(COCO_CODEC, 'coco_1.0/cvat-server-exports/job14/extracted');
    expect(d.items.map((i) => [i.name, i.width, i.height])).toEqual([
      ['67.png', 571, 945],
      ['68.png', 414, 212],
      ['69.png', 680, 583],
      ['70.png', 779, 877],
      ['71.png', 411, 672],
    ]);
    const box = d.shapes.find((s) => s.frame === 0)!;
    expect(box.points).toEqual([53.06, 301.64, 53.06 + 144.89, 301.64 + 461.69]);
    const car = d.labels.find((l) => l.name === 'car')!;
    const model = d.shapes.find((s) => s.label_id === car.id)!;
    expect(
      model.attributes.map((a) => [car.attributes.find((s) => s.id === a.spec_id)!.name, a.value]),
    ).toEqual([['model', 'mazda']]);
  });

  it('turns an uncompressed column-major crowd RLE into the right mask box', async () => {
    const d = await importPath(COCO_CODEC, 'coco_1.0/datumaro-tests/coco_instances');
    const mask = d.shapes.find((s) => s.type === 'mask')!;
    // counts [0, 20, 30] on a 10-row image: the first two columns are set.
    const crop = decodeMask(mask.points);
    expect([crop.left, crop.top, crop.width, crop.height]).toEqual([0, 0, 2, 10]);
    expect(crop.bitmap.every((v) => v === 1)).toBe(true);
  });

  it('reads keypoint categories with 1-based and 0-based edges and visibility flags', async () => {
    const d = await importPath(
      COCO_KEYPOINTS_CODEC,
      'coco_keypoints_1.0/datumaro-tests_cvat-ai/coco_person_keypoints',
    );
    const a = d.labels.find((l) => l.name === 'a')!;
    expect(a.type).toBe('skeleton');
    expect(a.sublabels.map((s) => s.name)).toEqual(['a_1', 'a_2', 'a_3']);
    expect(skeletonEdges(a).length).toBeGreaterThan(0);
    const cvat = await importPath(
      COCO_KEYPOINTS_CODEC,
      'coco_keypoints_1.0/cvat-server-exports/project5/dataset_coco-_keypoints-10.ZIP',
    );
    const s2 = cvat.labels.find((l) => l.name === 's2')!;
    const file = JSON.parse(
      readFileSync(
        join(
          ASSETS,
          'coco_keypoints_1.0/cvat-server-exports/project5/extracted/annotations/person_keypoints_default.json',
        ),
        'utf8',
      ),
    ) as { categories: { name: string; skeleton: number[][] }[] };
    expect(skeletonEdges(s2)).toEqual(file.categories.find((c) => c.name === 's2')!.skeleton);
  });

  it('compressed RLE strings decode and encode back', () => {
    const counts = [0, 5, 3, 100, 2, 70000, 1];
    expect(decodeCocoString(encodeCocoString(counts))).toEqual(counts);
    const raw = JSON.parse(
      readFileSync(
        join(ASSETS, 'coco_1.0/cocoapi-results_compressed-RLE/instances_val2014_fakesegm100_results.json'),
        'utf8',
      ),
    ) as { segmentation: { counts: string; size: [number, number] } }[];
    const first = raw[0]!.segmentation;
    const decoded = decodeCocoString(first.counts);
    expect(decoded.reduce((s, c) => s + c, 0)).toBe(first.size[0] * first.size[1]);
    expect(encodeCocoString(decoded)).toBe(first.counts);
  });

  it('property: masks survive Loupe → COCO RLE → Loupe', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.boolean(), { minLength: 144, maxLength: 144 }),
        (w, h, bits) => {
          const bitmap = Uint8Array.from(bits.slice(0, w * h).map((b) => (b ? 1 : 0)));
          const expected = bitmap.some((v) => v) ? bitmap : null;
          const points = cocoRleToMask(
            maskToCocoRle([w * h, 0, 0, w - 1, h - 1].slice(0, 1).concat([0, 0, w - 1, h - 1]), h, w).counts,
            h,
            w,
          );
          expect(points).toBeNull(); // an empty mask stays empty
          if (!expected) return;
          // Build Loupe points for the bitmap through the COCO decoder (column-major input).
          const colMajor: number[] = [];
          let v = 0;
          let run = 0;
          for (let x = 0; x < w; x++)
            for (let y = 0; y < h; y++) {
              const p = bitmap[y * w + x]!;
              if (p !== v) {
                colMajor.push(run);
                run = 0;
                v = p;
              }
              run++;
            }
          colMajor.push(run);
          const loupe = cocoRleToMask(colMajor, h, w)!;
          const back = maskToCocoRle(loupe, h, w);
          expect(back.counts).toEqual(colMajor);
          expect(back.area).toBe(bitmap.reduce((s, b) => s + b, 0));
        },
      ),
      { numRuns: 100 },
    );
  });
});

function instancesDataset(): Dataset {
  const d = emptyDataset();
  const book = new LabelBook(d.labels);
  const car = book.label('car');
  const model = book.attribute(car, 'model', { input_type: 'text' });
  const parked = book.attribute(car, 'parked', { input_type: 'checkbox', values: ['false'] });
  const score = book.attribute(car, 'score', { input_type: 'text' });
  const person = book.label('person');
  d.labels = book.labels;
  d.items = [
    { frame: 0, name: 'a.jpg', width: 100, height: 80, subset: 'train' },
    { frame: 1, name: 'b.jpg', width: 100, height: 80, subset: 'train' },
    { frame: 2, name: 'c.jpg', width: 50, height: 40, subset: 'val' },
  ];
  const base = {
    occluded: false,
    outside: false,
    z_order: 0,
    rotation: 0,
    group: 0,
    source: 'file' as const,
    attributes: [],
  };
  const add = (s: Partial<Shape> & Pick<Shape, 'type' | 'points' | 'frame' | 'label_id'>) =>
    d.shapes.push({ ...fileMeta(), ...base, ...s } as Shape);
  add({
    type: 'rectangle',
    frame: 0,
    label_id: car.id,
    points: [0.1, 0.2, 0.3, 107.95999999999998],
    occluded: true,
    rotation: 12.5,
    attributes: [
      { spec_id: model.id, value: 'mazda' },
      { spec_id: parked.id, value: 'true' },
      { spec_id: score.id, value: '0.75' },
    ],
  });
  add({ type: 'polygon', frame: 1, label_id: person.id, points: [1, 1, 20, 1, 20, 30] });
  add({ type: 'polygon', frame: 1, label_id: person.id, points: [40, 40, 50, 40, 45, 50], group: 1 });
  add({ type: 'polygon', frame: 1, label_id: person.id, points: [60, 60, 70, 60, 65, 70], group: 1 });
  add({ type: 'mask', frame: 2, label_id: person.id, points: [1, 2, 1, 10, 5, 11, 6] });
  return d;
}

describe('COCO round trips', { timeout: 30_000 }, () => {
  it('instances keep boxes, polygons (grouped rings), masks, subsets and attributes', async () => {
    const d = instancesDataset();
    const back = await roundTrip(COCO_CODEC, d);
    const options = { precision: 12, ignore: { source: true, labelDetails: true } };
    expect(canonicalDataset(back, options)).toEqual(canonicalDataset(d, options));
  });

  it('is_crowd merges the shapes of a group into one RLE object led by the largest shape', async () => {
    const d = emptyDataset();
    const book = new LabelBook(d.labels);
    const crowd = book.label('crowd');
    const isCrowd = book.attribute(crowd, 'is_crowd', { input_type: 'checkbox', values: ['false'] });
    const note = book.attribute(crowd, 'note', { input_type: 'text' });
    const other = book.label('other');
    d.labels = book.labels;
    d.items = [{ frame: 0, name: 'a.jpg', width: 20, height: 10, subset: '' }];
    const base = { occluded: false, outside: false, z_order: 0, rotation: 0, source: 'file' as const };
    d.shapes = [
      // 4 x 4 box, flagged as crowd, in group 7
      {
        ...fileMeta(),
        ...base,
        frame: 0,
        group: 7,
        label_id: crowd.id,
        attributes: [
          { spec_id: isCrowd.id, value: 'true' },
          { spec_id: note.id, value: 'small' },
        ],
        type: 'rectangle',
        points: [0, 0, 4, 4],
      },
      // 6 x 5 box of another label in the same group: the largest, so it leads
      {
        ...fileMeta(),
        ...base,
        frame: 0,
        group: 7,
        label_id: other.id,
        attributes: [],
        type: 'rectangle',
        points: [10, 0, 16, 5],
      },
      // not in the group: stays a box
      {
        ...fileMeta(),
        ...base,
        frame: 0,
        group: 0,
        label_id: crowd.id,
        attributes: [],
        type: 'rectangle',
        points: [1, 6, 3, 8],
      },
    ];
    const sink = new MemorySink();
    await COCO_CODEC.export!(d, sink, NO_MEDIA);
    const json = JSON.parse(sink.text('annotations/instances_default.json'));
    expect(json.annotations).toHaveLength(2);
    const rle = json.annotations.find((a: { iscrowd: number }) => a.iscrowd === 1);
    expect(rle).toMatchObject({
      category_id: 2,
      area: 16 + 30,
      bbox: [0, 0, 16, 5],
      segmentation: { size: [10, 20] },
    });
    expect(rle.attributes).not.toHaveProperty('is_crowd');
    const back = await COCO_CODEC.import!(sink.toSource(), {});
    expect(back.shapes.map((s) => s.type).sort()).toEqual(['mask', 'rectangle']);
  });

  it('property: box coordinates do not drift over repeated round trips', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 5000, noNaN: true }),
            fc.double({ min: 0, max: 5000, noNaN: true }),
            fc.double({ min: 0, max: 500, noNaN: true }),
            fc.double({ min: 0, max: 500, noNaN: true }),
          ),
          { minLength: 1, maxLength: 10 },
        ),
        async (boxes) => {
          const d = emptyDataset();
          const label = new LabelBook(d.labels).label('a');
          d.items = [{ frame: 0, name: 'a.jpg', width: 6000, height: 6000, subset: '' }];
          d.shapes = boxes.map(([x, y, w, h]) => ({
            ...fileMeta(),
            frame: 0,
            label_id: label.id,
            occluded: false,
            outside: false,
            z_order: 0,
            rotation: 0,
            group: 0,
            source: 'file',
            attributes: [],
            type: 'rectangle',
            points: [x, y, x + w, y + h],
          }));
          const once = await roundTrip(COCO_CODEC, d);
          const twice = await roundTrip(COCO_CODEC, once);
          const thrice = await roundTrip(COCO_CODEC, twice);
          // Exact: x + w written as COCO gives back the right edge bit for bit.
          expect(once.shapes.map((s) => s.points)).toEqual(d.shapes.map((s) => s.points));
          expect(thrice.shapes.map((s) => s.points)).toEqual(d.shapes.map((s) => s.points));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keypoints keep skeletons, visibility (outside keeps coordinates) and edges', async () => {
    const d = emptyDataset();
    const book = new LabelBook(d.labels);
    const body = book.label('body', 'skeleton');
    const parts = ['head', 'left hand', 'right hand'].map((n) => book.sublabel(body, n));
    body.svg =
      '<line data-node-from="1" data-node-to="2"></line><line data-node-from="1" data-node-to="3"></line>' +
      parts.map((p, i) => `<circle data-node-id="${i + 1}" data-label-name="${p.name}"></circle>`).join('');
    book.label('other');
    d.labels = book.labels;
    d.items = [{ frame: 0, name: 'x.png', width: 10, height: 10, subset: '' }];
    d.shapes.push({
      ...fileMeta(),
      frame: 0,
      label_id: body.id,
      occluded: false,
      outside: false,
      z_order: 0,
      rotation: 0,
      group: 0,
      source: 'file',
      attributes: [],
      type: 'skeleton',
      points: [],
      elements: [
        {
          label_id: parts[0]!.id,
          type: 'points',
          points: [1.5, 2.5],
          occluded: false,
          outside: false,
          attributes: [],
        },
        {
          label_id: parts[1]!.id,
          type: 'points',
          points: [3, 4],
          occluded: true,
          outside: false,
          attributes: [],
        },
        {
          label_id: parts[2]!.id,
          type: 'points',
          points: [7, 8],
          occluded: false,
          outside: true,
          attributes: [],
        },
      ],
    });
    const sink = new MemorySink();
    await COCO_KEYPOINTS_CODEC.export!(d, sink, NO_MEDIA);
    const json = JSON.parse(sink.text('annotations/person_keypoints_default.json'));
    expect(json.categories[0]).toMatchObject({
      name: 'body',
      keypoints: ['head', 'left hand', 'right hand'],
      skeleton: [
        [1, 2],
        [1, 3],
      ],
    });
    expect(json.categories[1]).toMatchObject({ name: 'other', keypoints: [], skeleton: [] });
    expect(json.annotations[0]).toMatchObject({
      keypoints: [1.5, 2.5, 2, 3, 4, 1, 7, 8, 0],
      num_keypoints: 2,
      bbox: [1.5, 2.5, 1.5, 1.5],
    });
    const back = await COCO_KEYPOINTS_CODEC.import!(sink.toSource(), {});
    const options = { ignore: { labelDetails: true } };
    expect(canonicalDataset(back, options)).toEqual(canonicalDataset(d, options));
    expect(skeletonEdges(back.labels[0]!)).toEqual([
      [1, 2],
      [1, 3],
    ]);
  });

  it('real samples survive import → export → import', async () => {
    for (const [path] of COCO_SAMPLES.filter(([p]) => !p.includes('results'))) {
      const d = await importPath(COCO_CODEC, path);
      const o = { precision: 9, ignore: { labelDetails: true } };
      expect(canonicalDataset(await roundTrip(COCO_CODEC, d), o), path).toEqual(canonicalDataset(d, o));
    }
    for (const [path] of KEYPOINT_SAMPLES.filter(([p]) => !p.includes('results'))) {
      const d = await importPath(COCO_KEYPOINTS_CODEC, path);
      const o = { precision: 9, ignore: { labelDetails: true } };
      expect(canonicalDataset(await roundTrip(COCO_KEYPOINTS_CODEC, d), o), path).toEqual(
        canonicalDataset(d, o),
      );
    }
  });

  it('CVAT XML → COCO → CVAT XML keeps what COCO carries', async () => {
    const cvat = await CVAT_IMAGES_CODEC.import!(
      openInput(join(ASSETS, 'cvat_images_1.1/datumaro-tests_openvino/export_project/annotations.xml')),
      {},
    );
    const coco = new MemorySink();
    await COCO_CODEC.export!(cvat, coco, NO_MEDIA);
    const viaCoco = await COCO_CODEC.import!(coco.toSource(), {});
    const xml = new MemorySink();
    await CVAT_IMAGES_CODEC.export!(viaCoco, xml, NO_MEDIA);
    const back = await CVAT_IMAGES_CODEC.import!(xml.toSource(), {});
    // COCO carries boxes and polygons (not polylines or points), label names, occluded and
    // rotation; not z_order, groups, the source or attribute specs.
    const carried = {
      ...cvat,
      shapes: cvat.shapes.filter((s) => s.type === 'rectangle' || s.type === 'polygon'),
    };
    const options = { ignore: { zOrder: true, source: true, labelDetails: true, groups: true } };
    expect(canonicalDataset(back, options)).toEqual(canonicalDataset(carried, options));
    expect(back.shapes.length).toBe(6);
  });
});

function cocoError(doc: unknown, name = 'annotations/instances_default.json'): FormatError {
  return (async () => {
    try {
      await COCO_CODEC.import!(
        new MemorySource({ [name]: typeof doc === 'string' ? doc : JSON.stringify(doc, null, 1) }),
        {},
      );
    } catch (e) {
      expect(e).toBeInstanceOf(FormatError);
      return e as FormatError;
    }
    throw new Error('no error');
  })() as unknown as FormatError;
}

const GOOD = {
  categories: [{ id: 1, name: 'cat' }],
  images: [{ id: 1, file_name: 'a.jpg', width: 10, height: 10 }],
  annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 2, 3, 4], segmentation: [], iscrowd: 0 }],
};
const withAnnotation = (a: Record<string, unknown>) => ({
  ...GOOD,
  annotations: [{ ...GOOD.annotations[0], ...a }],
});

describe('COCO malformed input', () => {
  it('a truncated file names the line', async () => {
    const e = await cocoError(JSON.stringify(GOOD, null, 1).slice(0, 120));
    expect(e.message).toMatch(
      /^annotations\/instances_default\.json line \d+, column \d+: the file ends too early \(truncated\?\)/,
    );
  });

  it('an out-of-range category id lists the valid ids with the line and path', async () => {
    const e = await cocoError(withAnnotation({ category_id: 7 }));
    expect(e.message).toMatch(
      /^annotations\/instances_default\.json line \d+, annotations\[0\]\.category_id: category id 7 is not in "categories" \(expected one of 1\)$/,
    );
  });

  it('an unknown image id, a wrong type, a short bbox and a bad polygon', async () => {
    expect((await cocoError(withAnnotation({ image_id: 9 }))).message).toContain(
      'annotations[0].image_id: image id 9 is not in "images" (expected the id of an image)',
    );
    expect((await cocoError(withAnnotation({ bbox: [1, '2', 3, 4] }))).message).toContain(
      'annotations[0].bbox[1]: is "2" (expected a number)',
    );
    expect((await cocoError(withAnnotation({ bbox: [1, 2, 3] }))).message).toContain(
      'annotations[0].bbox: has 3 numbers (expected 4 numbers)',
    );
    expect((await cocoError(withAnnotation({ segmentation: [[1, 2, 3, 4]] }))).message).toContain(
      'annotations[0].segmentation[0]: has 4 numbers (expected a polygon of at least 3 points (x, y pairs))',
    );
    expect((await cocoError(withAnnotation({ bbox: undefined }))).message).toContain(
      'annotations[0]: has neither "segmentation" nor "bbox" (expected a polygon, an RLE mask or a bbox)',
    );
  });

  it('missing required fields and duplicate image ids', async () => {
    expect((await cocoError({ ...GOOD, images: [{ id: 1, width: 1, height: 1 }] })).message).toContain(
      'images[0].file_name: is nothing (expected a string)',
    );
    expect((await cocoError({ categories: [], annotations: [] })).message).toContain('no "images" list');
    expect((await cocoError({ ...GOOD, images: [GOOD.images[0], GOOD.images[0]] })).message).toContain(
      'image id 1 is used twice (expected unique image ids)',
    );
  });

  it('RLE runs that overflow the image, and keypoint visibility out of range', async () => {
    expect(
      (await cocoError(withAnnotation({ segmentation: { counts: [0, 200], size: [10, 10] } }))).message,
    ).toContain('runs cover 200 pixels (expected at most 100 (size 10×10))');
    const kp = {
      categories: [{ id: 1, name: 'p', keypoints: ['a', 'b'], skeleton: [[1, 2]] }],
      images: GOOD.images,
      annotations: [
        { id: 1, image_id: 1, category_id: 1, keypoints: [1, 1, 2, 3, 3, 5], bbox: [0, 0, 1, 1] },
      ],
    };
    await expect(
      COCO_KEYPOINTS_CODEC.import!(
        new MemorySource({ 'annotations/person_keypoints_default.json': JSON.stringify(kp) }),
        {},
      ),
    ).rejects.toThrow(
      'annotations[0].keypoints[5]: visibility is 5 (expected 0 (not labeled), 1 (occluded) or 2 (visible))',
    );
    const badEdge = { ...kp, categories: [{ ...kp.categories[0], skeleton: [[1, 3]] }] };
    await expect(
      COCO_KEYPOINTS_CODEC.import!(
        new MemorySource({ 'annotations/person_keypoints_default.json': JSON.stringify(badEdge) }),
        {},
      ),
    ).rejects.toThrow(
      'categories[0].skeleton[0]: edge [1, 3] names a keypoint that does not exist (expected indexes 1–2)',
    );
  });

  it('an archive without a COCO file says what it expected', async () => {
    await expect(COCO_CODEC.import!(new MemorySource({ 'readme.txt': 'x' }), {})).rejects.toThrow(
      'archive: no COCO instances file (expected annotations/instances_<subset>.json)',
    );
  });
});
