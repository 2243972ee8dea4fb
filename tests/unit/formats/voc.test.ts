import { describe, expect, it } from 'vitest';
import { maskArea } from '../../../src/lib/core/mask';
import { vocCodec } from '../../../src/lib/formats/voc';
import type { Dataset } from '../../../src/lib/formats/types';
import { assetSource, counts, memorySource, MemoryFiles, semantic } from './moreFixtures';

const V = 'pascal_voc_1.1';
const frames = (ds: Dataset) => ds.items.map((i) => ({ name: i.name, width: i.width, height: i.height }));

async function roundTrip(first: Dataset): Promise<{ second: Dataset; sink: MemoryFiles }> {
  const sink = new MemoryFiles();
  await vocCodec.export!(first, sink, { saveImages: false });
  return { second: await vocCodec.import!(sink.source(), { frames: frames(first) }), sink };
}

describe('Pascal VOC samples', () => {
  it('voc_dataset1: boxes with a part and actions, 11 image tags, a segmentation mask', async () => {
    const source = assetSource(`${V}/datumaro-tests/voc_dataset1`);
    expect(await vocCodec.detect!(source)).toBeGreaterThan(0.9);
    const ds = await vocCodec.import!(source, {});
    // cat + person + the person's head part; 11 "<label>_train.txt" files say 1; one bicycle mask.
    expect(counts(ds)).toEqual({ items: 2, labels: 14, tags: 11, tracks: 0, rectangle: 3, mask: 1 });
    expect(ds.items.map((i) => `${i.subset}/${i.name}`).sort()).toEqual([
      'test/2007_000002.jpg',
      'train/2007_000001.jpg',
    ]);
    expect(ds.items.find((i) => i.name === '2007_000001.jpg')).toMatchObject({ width: 20, height: 10 });
    const person = ds.labels.find((l) => l.name === 'person')!;
    const personBox = ds.shapes.find((s) => s.label_id === person.id)!;
    const head = ds.shapes.find((s) => s.label_id === ds.labels.find((l) => l.name === 'head')!.id)!;
    expect(personBox.group).toBeGreaterThan(0);
    expect(head.group).toBe(personBox.group);
    expect(head.points).toEqual([5.5, 6, 7.5, 8]);
    const actions = Object.fromEntries(
      personBox.attributes.map((a) => [person.attributes.find((s) => s.id === a.spec_id)!.name, a.value]),
    );
    expect(actions).toMatchObject({ other: 'true', jumping: 'false', walking: 'true' });
    const cat = ds.labels.find((l) => l.name === 'cat')!;
    expect(cat.attributes.map((a) => a.name)).toEqual(['truncated']);
    const { second, sink } = await roundTrip(ds);
    expect(sink.text('Annotations/2007_000001.xml')).toMatch(/<part>\s*<name>head<\/name>/);
    expect(semantic(second)).toEqual(semantic(ds));
    const groupOf = (x: Dataset, name: string) =>
      x.shapes.find((s) => s.label_id === x.labels.find((l) => l.name === name)!.id)!.group;
    expect(groupOf(second, 'head')).toBe(groupOf(second, 'person'));
    expect(groupOf(second, 'head')).toBeGreaterThan(0);
  });

  it('voc_dataset2: a 22-label labelmap, an object-less @.xml and empty tag lists', async () => {
    const source = assetSource(`${V}/datumaro-tests/voc_dataset2_labelmap_detection-trap`);
    const ds = await vocCodec.import!(source, {});
    expect(counts(ds)).toEqual({ items: 5, labels: 22, tags: 0, tracks: 0, rectangle: 4 });
    expect(ds.items.map((i) => i.name).sort()).toEqual(['@.jpg', 'a.jpg', 'b.jpg', 'c.jpg', 'd.jpg']);
    expect(ds.items.every((i) => i.subset === 'trainval')).toBe(true);
    const occluded = ds.shapes.filter((s) => s.occluded).length;
    expect(occluded).toBe(2);
    const { second, sink } = await roundTrip(ds);
    expect(semantic(second)).toEqual(semantic(ds));
    expect(sink.text('labelmap.txt')).toContain('ignored:224,224,192::');
  });

  it('voc_dataset3: a subset list with a blank line and a comment', async () => {
    const ds = await vocCodec.import!(assetSource(`${V}/datumaro-tests/voc_dataset3_minimal`), {});
    expect(counts(ds)).toEqual({ items: 1, labels: 1, tags: 0, tracks: 0, rectangle: 1 });
    expect(ds.items[0]).toMatchObject({ name: '2007_000001.jpg', subset: 'train', width: 20, height: 10 });
  });

  it('labelme2voc: self-closing empty tags, height before width, float boxes', async () => {
    const ds = await vocCodec.import!(assetSource(`${V}/labelme-labelme2voc_real-VOC2011-images`), {});
    // 2, 4 and 3 <object>s: person x6, bus x2, car x1.
    expect(counts(ds)).toEqual({ items: 3, labels: 3, tags: 0, tracks: 0, rectangle: 9 });
    expect(ds.items.find((i) => i.name === '2011_000003.jpg')).toMatchObject({ width: 500, height: 338 });
    expect(ds.shapes[0]!.points).toEqual([191, 107.36900369003689, 313, 329.36900369003695]);
    const { second } = await roundTrip(ds);
    expect(semantic(second, 9)).toEqual(semantic(ds, 9));
  });
});

describe('Pascal VOC export', () => {
  it('writes CVAT-style XML with the rotation extension and masks for polygons', async () => {
    const ds = await vocCodec.import!(assetSource(`${V}/datumaro-tests/voc_dataset3_minimal`), {});
    const box = ds.shapes[0]!;
    ds.shapes.push({ ...box, id: 'p', type: 'polygon', points: [0, 0, 10, 0, 10, 5, 0, 5] });
    ds.shapes[0] = { ...box, rotation: 30 };
    const { second, sink } = await roundTrip(ds);
    const xml = sink.text('Annotations/2007_000001.xml');
    expect(xml).toContain('<name>rotation</name>');
    expect(xml).toContain('<value>30.0</value>');
    expect(xml).toContain('<segmented>1</segmented>');
    expect(sink.text('ImageSets/Segmentation/train.txt')).toBe('2007_000001\n');
    expect(counts(second)).toMatchObject({ rectangle: 1, mask: 1 });
    expect(second.shapes.find((s) => s.type === 'rectangle')!.rotation).toBe(30);
    expect(maskArea(second.shapes.find((s) => s.type === 'mask')!.points)).toBe(50);
  });
});

describe('Pascal VOC flat archives', () => {
  it('reads <image>.xml files at the archive root (CVAT accepts them)', async () => {
    const xml =
      '<annotation><filename>frame_000003.jpg</filename><object><name>dog</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax></bndbox></object></annotation>';
    const ds = await vocCodec.import!(memorySource({ 'frame_000003.xml': xml }), {});
    expect(counts(ds)).toEqual({ items: 1, labels: 1, tags: 0, tracks: 0, rectangle: 1 });
    expect(ds.items[0]!.name).toBe('frame_000003.jpg');
  });
});

describe('Pascal VOC malformed input', () => {
  const xml = (object: string) =>
    `<annotation>\n  <filename>a.jpg</filename>\n  <size><width>10</width><height>10</height></size>\n  <object>\n${object}\n  </object>\n</annotation>\n`;

  it('names the file and line of a non-numeric coordinate', async () => {
    const source = memorySource({
      'Annotations/a.xml': xml(
        '    <name>cat</name>\n    <bndbox>\n      <xmin>1</xmin>\n      <ymin>x</ymin>\n      <xmax>3</xmax>\n      <ymax>4</ymax>\n    </bndbox>',
      ),
    });
    await expect(vocCodec.import!(source, {})).rejects.toThrow(
      'Annotations/a.xml line 8 <ymin>: <ymin> is "x" (expected a number)',
    );
  });

  it('rejects a missing bndbox', async () => {
    const source = memorySource({ 'Annotations/a.xml': xml('    <name>cat</name>') });
    await expect(vocCodec.import!(source, {})).rejects.toThrow(
      'Annotations/a.xml line 4 <object>: <object> "cat" has no <bndbox> (expected <bndbox> with xmin, ymin, xmax, ymax)',
    );
  });

  it('rejects a truncated XML file', async () => {
    const source = memorySource({
      'Annotations/a.xml': '<annotation>\n  <filename>a.jpg</filename>\n  <object>\n',
    });
    await expect(vocCodec.import!(source, {})).rejects.toThrow(
      /^Annotations\/a.xml line \d+: the file ends before/,
    );
  });

  it('rejects a flag that is not 0 or 1', async () => {
    const source = memorySource({
      'Annotations/a.xml': xml(
        '    <name>cat</name>\n    <difficult>maybe</difficult>\n    <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox>',
      ),
    });
    await expect(vocCodec.import!(source, {})).rejects.toThrow(
      'Annotations/a.xml line 6 <difficult>: <difficult> is "maybe" (expected 0 or 1)',
    );
  });

  it('rejects a wrong root element', async () => {
    await expect(
      vocCodec.import!(memorySource({ 'Annotations/a.xml': '<annotations></annotations>' }), {}),
    ).rejects.toThrow(
      'Annotations/a.xml line 1 <annotations>: the root element is <annotations> (expected <annotation>)',
    );
  });

  it('rejects a bad value in a label list', async () => {
    const source = memorySource({ 'ImageSets/Main/cat_train.txt': 'a 1\nb 2\n' });
    await expect(vocCodec.import!(source, {})).rejects.toThrow(
      'ImageSets/Main/cat_train.txt line 2: the value of "b" is "2" (expected 1, 0 or -1)',
    );
  });

  it('does not take LabelMe XML for VOC', async () => {
    const labelme = assetSource('labelme_3.0/datumaro-tests_openvino/labelme_dataset');
    expect(await vocCodec.detect!(labelme)).toBeLessThan(0.5);
  });
});
