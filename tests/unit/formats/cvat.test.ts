import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveTrack } from '../../../src/lib/core/interpolation';
import type { LabelSpec, Shape, Track } from '../../../src/lib/core/types';
import { canonicalDataset } from '../../../src/lib/formats/common/compare';
import { LabelBook, emptyDataset, fileMeta, summarizeDataset } from '../../../src/lib/formats/common/dataset';
import { MemorySink, MemorySource, singleFileSource } from '../../../src/lib/formats/common/memory';
import { ZipSink, ZipSource } from '../../../src/lib/formats/common/zip';
import { CVAT_IMAGES_CODEC, CVAT_VIDEO_CODEC, readCvatXml } from '../../../src/lib/formats/cvat';
import { FormatError, type Dataset, type FormatCodec } from '../../../src/lib/formats/types';

const ASSETS = join(process.cwd(), '../shared/assets');
const asset = (p: string) => join(ASSETS, p);
const NO_MEDIA = { saveImages: false };

async function importFile(codec: FormatCodec, path: string): Promise<Dataset> {
  const bytes = readFileSync(asset(path));
  const source = /\.zip$/i.test(path) ? new ZipSource(bytes, { name: path }) : singleFileSource(path, bytes);
  return codec.import!(source, { warn: () => {} } as never);
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
  tracks?: number;
  keyframes?: number;
  subsets?: Record<string, number>;
}

// Counts read from the sample files (see the comments for what is skipped).
const IMAGE_SAMPLES: [string, Expected][] = [
  [
    'cvat_images_1.1/cvat-server-exports/job17_boxes/extracted/annotations.xml',
    { items: 5, labels: 2, shapes: { rectangle: 2 } },
  ],
  [
    'cvat_images_1.1/cvat-server-exports/job17_boxes/dataset_cvat-for-images-11.ZIP',
    { items: 5, labels: 2, shapes: { rectangle: 2 } },
  ],
  [
    'cvat_images_1.1/cvat-server-exports/job18_skeletons/extracted/annotations.xml',
    { items: 8, labels: 2, shapes: { skeleton: 9 } },
  ],
  [
    'cvat_images_1.1/cvat-server-exports/job19_video-task_as_images/dataset_cvat-for-images-11.ZIP',
    { items: 25, labels: 2, shapes: { rectangle: 2 } },
  ],
  [
    'cvat_images_1.1/cvat-server-exports/job23_empty/extracted/annotations.xml',
    { items: 1, labels: 2, shapes: {} },
  ],
  [
    'cvat_images_1.1/cvat-server-exports/project5_two-tasks_subsets/extracted/annotations.xml',
    { items: 16, labels: 2, shapes: {}, subsets: { default: 8, default_1: 8 } },
  ],
  // Two unlabeled shapes (label="") are skipped with a warning.
  [
    'cvat_images_1.1/datumaro-tests_cvat-ai/for_images/train.xml',
    { items: 2, labels: 3, shapes: { rectangle: 1, points: 1, skeleton: 2 } },
  ],
  [
    'cvat_images_1.1/datumaro-tests_openvino/export_project/annotations.xml',
    {
      items: 6,
      labels: 2,
      shapes: { rectangle: 3, polygon: 3, polyline: 3, points: 3 },
      subsets: { Train: 2, Validation: 2, Test: 2 },
    },
  ],
  [
    'cvat_images_1.1/datumaro-tests_openvino/export_task/train.xml',
    { items: 2, labels: 2, shapes: { rectangle: 1, points: 1 } },
  ],
];

const VIDEO_SAMPLES: [string, Expected][] = [
  [
    'cvat_video_1.1/cvat-server-exports/job22_skeleton-tracks/dataset_cvat-for-video-11.ZIP',
    { items: 4, labels: 2, shapes: {}, tracks: 2, keyframes: 4 },
  ],
  [
    'cvat_video_1.1/cvat-server-exports/job23_empty/extracted/annotations.xml',
    { items: 1, labels: 2, shapes: {}, tracks: 0 },
  ],
  // keyframe="0" frames are interpolated ones and are not kept.
  [
    'cvat_video_1.1/datumaro-tests_cvat-ai/for_video/annotations.xml',
    { items: 4, labels: 4, shapes: {}, tracks: 4, keyframes: 8 },
  ],
  [
    'cvat_video_1.1/datumaro-tests_openvino/for_video/annotations.xml',
    { items: 4, labels: 3, shapes: {}, tracks: 3, keyframes: 7 },
  ],
];

describe('CVAT XML samples import with the counts they hold', () => {
  for (const [path, want] of [...IMAGE_SAMPLES, ...VIDEO_SAMPLES]) {
    it(path, async () => {
      const codec = path.startsWith('cvat_video') ? CVAT_VIDEO_CODEC : CVAT_IMAGES_CODEC;
      const summary = summarizeDataset(await importFile(codec, path));
      expect(summary.items).toBe(want.items);
      expect(summary.labels).toBe(want.labels);
      expect(summary.shapes).toEqual(want.shapes);
      expect(summary.tags).toBe(want.tags ?? 0);
      expect(summary.tracks).toBe(want.tracks ?? 0);
      if (want.keyframes !== undefined) expect(summary.keyframes).toBe(want.keyframes);
      if (want.subsets) expect(summary.subsets).toEqual(want.subsets);
    });
  }
});

describe('CVAT XML details', () => {
  it('reads attribute specs of all input types, skeleton sublabels and their SVG', async () => {
    const d = await importFile(
      CVAT_IMAGES_CODEC,
      'cvat_images_1.1/datumaro-tests_cvat-ai/for_images/train.xml',
    );
    const label1 = d.labels.find((l) => l.name === 'label1')!;
    expect(label1.attributes.map((a) => [a.name, a.input_type, a.values])).toEqual([
      ['a1', 'checkbox', ['false', 'true']],
      ['a2', 'radio', ['v1', 'v2', 'v3']],
      ['a3', 'text', ['0001', '0002', '0003']],
      ['a4', 'number', ['2.4', '1', '-5.6']],
    ]);
    const skeleton = d.labels.find((l) => l.name === 'skeleton')!;
    expect(skeleton.type).toBe('skeleton');
    expect(skeleton.sublabels.map((s) => s.name)).toEqual(['1', '2', '3', '4']);
    expect(skeleton.svg).toContain('data-node-from="3"');
    const box = d.shapes.find((s) => s.type === 'rectangle')!;
    expect(box.points).toEqual([0, 2, 4, 4]);
    expect(box.occluded).toBe(true);
    expect(box.z_order).toBe(1);
    const values = Object.fromEntries(
      box.attributes.map((a) => [label1.attributes.find((s) => s.id === a.spec_id)!.name, a.value]),
    );
    expect(values).toEqual({ a1: 'true', a2: 'v3', a3: '0003', a4: '2.4' });
    const sk = d.shapes.find((s) => s.type === 'skeleton' && s.frame === 0) as Extract<
      Shape,
      { type: 'skeleton' }
    >;
    expect(sk.elements.map((e) => e.outside)).toEqual([true, false, false, false]);
  });

  it('reads newline-separated values and skeleton element attributes of a real export', async () => {
    const d = await importFile(
      CVAT_IMAGES_CODEC,
      'cvat_images_1.1/cvat-server-exports/job18_skeletons/extracted/annotations.xml',
    );
    const s2 = d.labels.find((l) => l.name === 's2')!;
    expect(s2.attributes[0]).toMatchObject({
      name: 'color',
      input_type: 'select',
      values: ['white', 'black'],
      mutable: false,
    });
    expect(s2.sublabels).toHaveLength(4);
  });

  it('maps video frames through start_frame and step=3, and drops interpolated frames', async () => {
    const d = await importFile(
      CVAT_VIDEO_CODEC,
      'cvat_video_1.1/datumaro-tests_cvat-ai/for_video/annotations.xml',
    );
    expect(d.meta.startFrame).toBe(10);
    expect(d.meta.frameStep).toBe(3);
    expect(d.items.map((i) => i.name)).toEqual([
      'frame_000010',
      'frame_000013',
      'frame_000016',
      'frame_000019',
    ]);
    const names = new Map(d.labels.map((l) => [l.id, l.name]));
    const box = d.tracks.find((t) => names.get(t.label_id) === 'II' && t.shapes[0]!.type === 'rectangle')!;
    expect(box.shapes.map((s) => [s.frame, s.outside, s.occluded])).toEqual([
      [0, false, true],
      [1, true, false],
      [2, true, false],
    ]);
    const points = d.tracks.find((t) => names.get(t.label_id) === 'klhg')!;
    const hgl = d.labels.find((l) => l.name === 'klhg')!.attributes[0]!;
    expect(hgl.mutable).toBe(true);
    expect(points.shapes.map((s) => s.attributes.map((a) => a.value))).toEqual([['hgkf'], ['jk']]);
    const skeleton = d.tracks.find((t) => t.shapes[0]!.type === 'skeleton')!;
    expect(skeleton.shapes.map((s) => s.frame)).toEqual([0]);
    expect(skeleton.elements.map((e) => e.shapes.length)).toEqual([1, 1, 2, 1]);
  });

  it('reads the 2023 skeleton track layout (points inside each skeleton frame)', async () => {
    const d = await importFile(
      CVAT_VIDEO_CODEC,
      'cvat_video_1.1/cvat-server-exports/job22_skeleton-tracks/extracted/annotations.xml',
    );
    expect(d.meta.startFrame).toBe(6);
    const skeleton = d.tracks.find((t) => t.shapes[0]!.type === 'skeleton')!;
    expect(skeleton.shapes.map((s) => s.frame)).toEqual([0, 1]);
    expect(skeleton.elements).toHaveLength(4);
    expect(skeleton.elements.every((e) => e.shapes.at(-1)!.outside)).toBe(true);
  });

  it('gives duplicated image ids of a project export distinct frames', async () => {
    const d = await importFile(
      CVAT_IMAGES_CODEC,
      'cvat_images_1.1/cvat-server-exports/project5_two-tasks_subsets/extracted/annotations.xml',
    );
    expect(new Set(d.items.map((i) => i.frame)).size).toBe(16);
  });
});

// ---------------------------------------------------------------------------------------------
// A synthetic dataset with every feature the XML carries.

function richDataset(): Dataset {
  const d = emptyDataset();
  const book = new LabelBook(d.labels);
  const car = book.label('car', 'any', '#ff0000');
  const color = book.attribute(car, 'color', { input_type: 'select', values: ['red', 'blue'] });
  const moving = book.attribute(car, 'moving', { input_type: 'checkbox', mutable: true, values: ['false'] });
  const person = book.label('person with spaces', 'skeleton', '#00ff00');
  const head = book.sublabel(person, 'head');
  const foot = book.sublabel(person, 'foot');
  const seen = book.attribute(head, 'seen', { input_type: 'text' });
  person.svg = '<line data-node-from="1" data-node-to="2"></line>';
  const weather = book.label('weather & <sky>', 'tag');
  d.labels = book.labels;
  d.items = [0, 1, 2, 3, 4].map((frame) => ({
    frame,
    name: `img${frame}.png`,
    width: 640,
    height: 480,
    subset: '',
  }));
  const base = {
    occluded: false,
    outside: false,
    z_order: 0,
    rotation: 0,
    group: 0,
    source: 'manual' as const,
  };
  const shape = (s: Partial<Shape> & Pick<Shape, 'type' | 'points' | 'frame'>): Shape =>
    ({
      ...fileMeta(),
      ...base,
      label_id: car.id,
      attributes: [{ spec_id: color.id, value: 'blue' }],
      ...s,
    }) as Shape;
  d.shapes.push(
    shape({
      type: 'rectangle',
      frame: 0,
      points: [10.25, 20.5, 110.75, 220],
      rotation: 45.9,
      z_order: 2,
      group: 3,
    }),
    shape({ type: 'polygon', frame: 0, points: [1, 2, 30, 4, 15, 40], occluded: true }),
    shape({ type: 'polyline', frame: 1, points: [1, 1, 5, 5], source: 'auto' }),
    shape({ type: 'points', frame: 1, points: [3, 4, 5, 6, 7, 8] }),
    shape({ type: 'ellipse', frame: 2, points: [100, 100, 140, 80], rotation: 10 }),
    shape({ type: 'cuboid', frame: 2, points: Array.from({ length: 16 }, (_, i) => i * 3.5) }),
    shape({ type: 'mask', frame: 3, points: [2, 3, 1, 2, 10, 20, 13, 21] }),
  );
  d.shapes.push({
    ...fileMeta(),
    ...base,
    frame: 4,
    label_id: person.id,
    attributes: [],
    type: 'skeleton',
    points: [],
    elements: [
      {
        label_id: head.id,
        type: 'points',
        points: [5, 5],
        occluded: false,
        outside: false,
        attributes: [{ spec_id: seen.id, value: 'yes' }],
      },
      { label_id: foot.id, type: 'points', points: [6, 9], occluded: true, outside: true, attributes: [] },
    ],
  });
  d.tags.push({ ...fileMeta(), frame: 1, label_id: weather.id, group: 0, source: 'manual', attributes: [] });
  const kf = (frame: number, points: number[], extra: Partial<Track['shapes'][number]> = {}) => ({
    type: 'rectangle' as const,
    frame,
    occluded: false,
    outside: false,
    z_order: 0,
    rotation: 0,
    points,
    attributes: [{ spec_id: moving.id, value: String(frame === 0) }],
    ...extra,
  });
  d.tracks.push({
    ...fileMeta(),
    job_id: '',
    frame: 0,
    label_id: car.id,
    group: 0,
    source: 'manual',
    attributes: [{ spec_id: color.id, value: 'red' }],
    shapes: [kf(0, [0, 0, 10, 10]), kf(2, [20, 20, 30, 30]), kf(3, [20, 20, 30, 30], { outside: true })],
    elements: [],
  });
  return d;
}

describe('CVAT XML round trips', { timeout: 30_000 }, () => {
  it('CVAT for images keeps every shape type, attributes, tags, groups, z_order and rotation', async () => {
    const d = richDataset();
    const back = await roundTrip(CVAT_IMAGES_CODEC, d);
    // The images flavour turns the track into shapes on frames 0, 1 and 2 (outside from 3).
    const expected = { ...d, shapes: [...d.shapes], tracks: [] as Track[] };
    for (const frame of [0, 1, 2]) {
      const s = resolveTrack(d.tracks[0]!, frame)!;
      expected.shapes.push({
        ...fileMeta(),
        frame,
        label_id: d.tracks[0]!.label_id,
        occluded: false,
        outside: false,
        z_order: 0,
        rotation: 0,
        group: 0,
        source: 'manual',
        attributes: [...d.tracks[0]!.attributes, ...s.attributes],
        type: 'rectangle',
        points: s.points as [number, number, number, number],
      });
    }
    expect(canonicalDataset(back)).toEqual(canonicalDataset(expected));
  });

  it('CVAT for video keeps tracks with keyframes, outside and mutable attributes', async () => {
    const d = richDataset();
    d.shapes = [];
    d.tags = [];
    const back = await roundTrip(CVAT_VIDEO_CODEC, d);
    // The video flavour names frames frame_000000… and keeps one frame size.
    const options = { ignore: { itemNames: true } };
    expect(canonicalDataset(back, options)).toEqual(canonicalDataset(d, options));
  });

  it('CVAT for video writes interpolated frames with keyframe="0" and re-imports only keyframes', async () => {
    const d = richDataset();
    d.shapes = [];
    const sink = new MemorySink();
    await CVAT_VIDEO_CODEC.export!(d, sink, NO_MEDIA);
    const xml = sink.text('annotations.xml');
    expect(xml).toMatch(
      /<box frame="1" keyframe="0" outside="0" occluded="0" xtl="10.00" ytl="10.00" xbr="20.00" ybr="20.00"/,
    );
    expect(xml).toMatch(/<box frame="3" keyframe="1" outside="1"/);
    expect(xml).not.toMatch(/<box frame="4"/);
  });

  it('CVAT for video turns standalone shapes into one-frame tracks ending outside', async () => {
    const d = richDataset();
    d.tracks = [];
    const back = await roundTrip(CVAT_VIDEO_CODEC, d);
    expect(back.shapes).toHaveLength(0);
    expect(back.tracks).toHaveLength(d.shapes.length);
    const box = back.tracks.find((t) => t.shapes[0]!.type === 'rectangle')!;
    expect(box.shapes.map((s) => [s.frame, s.outside])).toEqual([
      [0, false],
      [1, true],
    ]);
  });

  it('every real sample survives import → export → import', async () => {
    for (const [path] of IMAGE_SAMPLES) {
      const d = await importFile(CVAT_IMAGES_CODEC, path);
      expect(canonicalDataset(await roundTrip(CVAT_IMAGES_CODEC, d)), path).toEqual(canonicalDataset(d));
    }
    for (const [path] of VIDEO_SAMPLES) {
      const d = await importFile(CVAT_VIDEO_CODEC, path);
      expect(canonicalDataset(await roundTrip(CVAT_VIDEO_CODEC, d)), path).toEqual(canonicalDataset(d));
    }
  });

  it('writes boxes with the attributes and number format of a real CVAT export', async () => {
    const path = 'cvat_images_1.1/cvat-server-exports/job19_video-task_as_images/extracted/annotations.xml';
    const original = readFileSync(asset(path), 'utf8');
    const sink = new MemorySink();
    await CVAT_IMAGES_CODEC.export!(await importFile(CVAT_IMAGES_CODEC, path), sink, NO_MEDIA);
    const written = sink.text('annotations.xml');
    // This 2022 export puts occluded before source; the writer uses the 2023 order.
    const boxes = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.trim().startsWith('<box '))
        .map((l) => [...l.matchAll(/(\w+)="([^"]*)"/g)].map((m) => `${m[1]}=${m[2]}`).sort());
    expect(boxes(written)).toEqual(boxes(original));
    expect(boxes(written)).toHaveLength(2);
    expect(
      written.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n  <version>1.1</version>\n'),
    ).toBe(true);
    expect(written.endsWith('</annotations>\n')).toBe(true);
  });

  it('writes the media under images/ when saveImages is set, through a zip', async () => {
    const d = richDataset();
    const zip = new ZipSink();
    await CVAT_IMAGES_CODEC.export!(d, zip, {
      saveImages: true,
      media: async (item) => (item.frame === 2 ? undefined : new Uint8Array([0x89, 0x50, item.frame])),
    });
    const source = new ZipSource(await zip.finish());
    expect(source.paths()).toEqual([
      'annotations.xml',
      'images/img0.png',
      'images/img1.png',
      'images/img3.png',
      'images/img4.png',
    ]);
    expect([...(await source.read('images/img3.png'))]).toEqual([0x89, 0x50, 3]);
    const video = new MemorySink();
    await CVAT_VIDEO_CODEC.export!({ ...d, meta: { startFrame: 10, frameStep: 3 } }, video, {
      saveImages: true,
      media: async () => new Uint8Array([0xff, 0xd8]),
    });
    expect([...video.files.keys()]).toContain('images/frame_000013.png');
  });

  it('property: boxes with random coordinates survive within 0.01', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.double({ min: -1e4, max: 1e4, noNaN: true }),
            fc.double({ min: 0, max: 1e4, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        async (boxes) => {
          const d = emptyDataset();
          const label = new LabelBook(d.labels).label('a');
          d.items = [{ frame: 0, name: 'a.jpg', width: 1, height: 1, subset: '' }];
          d.shapes = boxes.map(([x, w]) => ({
            ...fileMeta(),
            frame: 0,
            label_id: label.id,
            occluded: false,
            outside: false,
            z_order: 0,
            rotation: 0,
            group: 0,
            source: 'manual',
            attributes: [],
            type: 'rectangle',
            points: [x, x, x + w, x + w],
          }));
          const back = await roundTrip(CVAT_IMAGES_CODEC, d);
          const got = back.shapes.map((s) => s.points[2]! - s.points[0]!).sort((a, b) => a - b);
          const want = boxes.map(([, w]) => w).sort((a, b) => a - b);
          got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(0.0101));
        },
      ),
      { numRuns: 30 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

const META = `<?xml version="1.0"?>
<annotations>
  <version>1.1</version>
  <meta><task><labels>
    <label><name>cat</name><attributes><attribute><name>age</name><input_type>number</input_type><values>0
10
1</values></attribute></attributes></label>
  </labels></task></meta>
`;

function xmlError(body: string, file = 'annotations.xml'): FormatError {
  try {
    readCvatXml(META + body, file);
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('no error');
}

describe('CVAT XML malformed input', () => {
  it('a truncated file names the unclosed elements and the last line', () => {
    const e = xmlError('  <image id="0" name="a.jpg" width="4" height="4">\n    <box label="cat"');
    expect(e.message).toMatch(/^annotations\.xml line \d+: /);
    expect(e.message).toMatch(/malformed XML|truncated/);
  });

  it('a file that ends before </annotations> is reported as truncated', () => {
    const e = xmlError('  <image id="0" name="a.jpg" width="4" height="4">\n  </image>\n');
    expect(e.message).toContain('<annotations> is closed (truncated?)');
  });

  it('a wrong number type names the line, element, attribute and expected value', () => {
    const e = xmlError(
      '  <image id="0" name="a.jpg" width="4" height="4">\n    <box label="cat" xtl="abc" ytl="0" xbr="1" ybr="1"></box>\n  </image>\n</annotations>',
    );
    expect(e.message).toBe('annotations.xml line 10 <box>: attribute "xtl" is "abc" (expected a number)');
    expect(e.file).toBe('annotations.xml');
  });

  it('an unknown label lists the labels of <meta>', () => {
    const e = xmlError(
      '  <image id="0" name="a.jpg" width="4" height="4">\n    <box label="dog" xtl="0" ytl="0" xbr="1" ybr="1"></box>\n  </image>\n</annotations>',
    );
    expect(e.message).toBe(
      'annotations.xml line 10 <box>: unknown label "dog" (expected one of the labels in <meta>: "cat")',
    );
  });

  it('an unknown attribute is named with its label', () => {
    const e = xmlError(
      '  <image id="0" name="a.jpg" width="4" height="4">\n    <box label="cat" xtl="0" ytl="0" xbr="1" ybr="1"><attribute name="colour">x</attribute></box>\n  </image>\n</annotations>',
    );
    expect(e.message).toContain('unknown attribute "colour" of label "cat" (expected one of "age")');
  });

  it('a missing required attribute, a negative image id and a bad flag', () => {
    expect(xmlError('  <image id="0" width="4" height="4"></image>\n</annotations>').message).toBe(
      'annotations.xml line 9 <image>: missing attribute "name" (expected a "name" attribute)',
    );
    expect(
      xmlError('  <image id="-1" name="a" width="4" height="4"></image>\n</annotations>').message,
    ).toContain('attribute "id" is "-1" (expected a non-negative integer)');
    expect(
      xmlError(
        '  <image id="0" name="a" width="4" height="4"><box label="cat" occluded="maybe" xtl="0" ytl="0" xbr="1" ybr="1"/></image>\n</annotations>',
      ).message,
    ).toContain('attribute "occluded" is "maybe" (expected 0 or 1)');
  });

  it('a mask whose runs do not cover its box, and a polygon with two points', () => {
    expect(
      xmlError(
        '  <image id="0" name="a" width="4" height="4"><mask label="cat" rle="1, 2" left="0" top="0" width="2" height="2"/></image>\n</annotations>',
      ).message,
    ).toContain('the run lengths sum to 3 (expected 4 (width × height))');
    expect(
      xmlError(
        '  <image id="0" name="a" width="4" height="4"><polygon label="cat" points="0,0;1,1"/></image>\n</annotations>',
      ).message,
    ).toContain('has 2 point(s) (expected at least 3 for a polygon)');
    expect(
      xmlError(
        '  <image id="0" name="a" width="4" height="4"><points label="cat" points="0,0;1"/></image>\n</annotations>',
      ).message,
    ).toContain('attribute "points" has "1" (expected points as "x,y;x,y;…")');
  });

  it('a track frame that is not on the frame step, and a wrong root element', () => {
    const xml = META.replace(
      '<labels>',
      '<start_frame>10</start_frame><frame_filter>step=3</frame_filter><labels>',
    );
    expect(() =>
      readCvatXml(
        xml +
          '  <track id="0" label="cat"><box frame="11" xtl="0" ytl="0" xbr="1" ybr="1"/></track>\n</annotations>',
        'a.xml',
      ),
    ).toThrow('a.xml line 9 <box>: frame 11 is not a frame of the task (expected 10 + a multiple of 3)');
    expect(() => readCvatXml('<root/>', 'x.xml')).toThrow(
      'x.xml line 1 <root>: the root element is <root> (expected <annotations> (CVAT XML))',
    );
  });

  it('a track keyframe on a frame that has no <image> is refused', () => {
    expect(() =>
      readCvatXml(
        META +
          '  <image id="0" name="a" width="4" height="4"></image>\n  <track id="0" label="cat"><box frame="5" xtl="0" ytl="0" xbr="1" ybr="1"/></track>\n</annotations>',
        'annotations.xml',
      ),
    ).toThrow(
      'annotations.xml: a track has a keyframe on frame 5, which has no <image> (expected frames 0–0)',
    );
  });

  it('reports progress and stops when cancelled', async () => {
    const xml = readFileSync(
      asset('cvat_images_1.1/cvat-server-exports/job19_video-task_as_images/extracted/annotations.xml'),
    );
    const seen: number[] = [];
    await CVAT_IMAGES_CODEC.import!(singleFileSource('annotations.xml', xml), {
      progress: (f) => seen.push(f),
    });
    expect(seen.length).toBeGreaterThan(0);
    const controller = new AbortController();
    controller.abort();
    await expect(
      CVAT_IMAGES_CODEC.import!(singleFileSource('annotations.xml', xml), { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an archive without an XML file says what it expected', async () => {
    const source = new MemorySource({ 'images/a.jpg': new Uint8Array(1) });
    await expect(CVAT_IMAGES_CODEC.import!(source, {})).rejects.toThrow(
      'archive: no XML annotation file (expected annotations.xml at the root of the archive)',
    );
  });

  it('labels are created from the shapes when the file has no <meta>', () => {
    const { dataset } = readCvatXml(
      '<annotations><image id="0" name="a" width="1" height="1"><box label="x" xtl="0" ytl="0" xbr="1" ybr="1"><attribute name="k">v</attribute></box></image></annotations>',
      'a.xml',
    );
    expect(dataset.labels.map((l: LabelSpec) => [l.name, l.attributes.map((a) => a.name)])).toEqual([
      ['x', ['k']],
    ]);
  });
});
