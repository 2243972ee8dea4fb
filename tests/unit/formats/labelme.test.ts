import { describe, expect, it } from 'vitest';
import { maskArea } from '../../../src/lib/core/mask';
import { labelmeCodec, parseAttributes, writeAttributes } from '../../../src/lib/formats/labelme';
import { vocCodec } from '../../../src/lib/formats/voc';
import type { Dataset } from '../../../src/lib/formats/types';
import { assetSource, counts, memorySource, MemoryFiles, semantic } from './moreFixtures';

const L = 'labelme_3.0';
const SAMPLES = [
  `${L}/datumaro-tests_cvat-ai/labelme_dataset_flat`,
  `${L}/datumaro-tests_openvino/labelme_dataset`,
];

async function roundTrip(first: Dataset): Promise<{ second: Dataset; sink: MemoryFiles }> {
  const sink = new MemoryFiles();
  await labelmeCodec.export!(first, sink, { saveImages: false });
  return { second: await labelmeCodec.import!(sink.source(), {}), sink };
}

describe('LabelMe 3.0 samples', () => {
  it.each(SAMPLES)('%s: 4 polygons, a bounding box and 2 masks with parts and attributes', async (folder) => {
    const source = assetSource(folder);
    expect(await labelmeCodec.detect!(source)).toBeGreaterThan(0.5);
    expect(await vocCodec.detect!(source)).toBeLessThan(0.5);
    const ds = await labelmeCodec.import!(source, {});
    expect(counts(ds)).toEqual({
      items: 1,
      labels: 7,
      tags: 0,
      tracks: 0,
      polygon: 4,
      rectangle: 1,
      mask: 2,
    });
    expect(ds.items[0]).toMatchObject({
      name: 'img1.png',
      width: 102,
      height: 77,
      subset: folder.includes('openvino') ? 'subset1' : '',
    });
    const byLabel = (name: string) =>
      ds.shapes.find((s) => s.label_id === ds.labels.find((l) => l.name === name)!.id)!;
    expect(byLabel('b1').points).toEqual([13, 19, 23, 30]);
    expect(byLabel('o1').occluded).toBe(true);
    // Mask PNGs: 10 and 130 set pixels (any non-zero RGBA channel).
    expect(maskArea(byLabel('license plate').points)).toBe(10);
    expect(maskArea(byLabel('m1').points)).toBe(130);
    // o1 has parts 3 (q1) and 4 (b1); m1 has part 6 (hg).
    expect(byLabel('q1').group).toBe(byLabel('o1').group);
    expect(byLabel('b1').group).toBe(byLabel('o1').group);
    expect(byLabel('hg').group).toBe(byLabel('m1').group);
    expect(byLabel('hg').group).not.toBe(byLabel('o1').group);
    expect(byLabel('window').group).toBe(0);
    const hg = ds.labels.find((l) => l.name === 'hg')!;
    expect(hg.attributes.map((a) => [a.name, a.input_type])).toEqual([['gfd lkj lkj hi', 'checkbox']]);
    const { second } = await roundTrip(ds);
    expect(semantic(second)).toEqual(semantic(ds));
    const groups = (x: Dataset) => {
      const name = new Map(x.labels.map((l) => [l.id, l.name]));
      const by = new Map<number, string[]>();
      for (const s of x.shapes)
        if (s.group) by.set(s.group, [...(by.get(s.group) ?? []), name.get(s.label_id)!].sort());
      return [...by.values()].map((v) => v.join('+')).sort();
    };
    expect(groups(second)).toEqual(groups(ds));
  });

  it('refuses wkentaro labelme JSON and says it is another format', async () => {
    const source = assetSource('labelme_json_wkentaro_NOT_cvat_format/primitives_all_shape_types');
    expect(await labelmeCodec.detect!(source)).toBe(0);
    await expect(labelmeCodec.import!(source, {})).rejects.toThrow(
      /\.json: is labelme JSON \(wkentaro\/labelme\), a different format from LabelMe 3.0 \(expected LabelMe 3.0 XML files/,
    );
  });
});

describe('LabelMe attributes', () => {
  it('parses k=v lists with escapes and bare flags', () => {
    expect(parseAttributes('a=1, b=x\\,y, c\\=d=\\\\q, flag')).toEqual([
      ['a', '1'],
      ['b', 'x,y'],
      ['c=d', '\\q'],
      ['flag', true],
    ]);
    const pairs: [string, string][] = [
      ['k,1', 'v="x"'],
      ['n', '3'],
    ];
    expect(parseAttributes(writeAttributes(pairs))).toEqual(pairs);
  });
});

describe('LabelMe malformed input', () => {
  const doc = (obj: string) =>
    `<annotation><filename>a.jpg</filename><imagesize><nrows>10</nrows><ncols>10</ncols></imagesize>\n<object>\n${obj}\n</object>\n</annotation>`;
  it('rejects a non-numeric point with its line', async () => {
    const source = memorySource({
      'a.xml': doc(
        '<name>cat</name>\n<polygon>\n<pt><x>1</x><y>2</y></pt>\n<pt><x>q</x><y>2</y></pt>\n<pt><x>3</x><y>4</y></pt></polygon>',
      ),
    });
    await expect(labelmeCodec.import!(source, {})).rejects.toThrow(
      'a.xml line 6 <x>: <x> is "q" (expected a number)',
    );
  });
  it('rejects a polygon of two points', async () => {
    const source = memorySource({
      'a.xml': doc('<name>cat</name>\n<polygon><pt><x>1</x><y>2</y></pt><pt><x>3</x><y>4</y></pt></polygon>'),
    });
    await expect(labelmeCodec.import!(source, {})).rejects.toThrow(
      'a.xml line 4 <polygon>: a polygon has 2 points (expected at least 3 <pt> elements)',
    );
  });
  it('rejects a mask file that is not in the archive', async () => {
    const source = memorySource({ 'a.xml': doc('<name>cat</name>\n<segm><mask>a_mask_0.png</mask></segm>') });
    await expect(labelmeCodec.import!(source, {})).rejects.toThrow(
      'a.xml line 4 <segm>: mask "a_mask_0.png" is not in the archive (expected the file Masks/a_mask_0.png)',
    );
  });
  it('rejects a bad occluded value', async () => {
    const source = memorySource({
      'a.xml': doc(
        '<name>cat</name>\n<occluded>sometimes</occluded>\n<polygon><pt><x>1</x><y>2</y></pt><pt><x>3</x><y>4</y></pt><pt><x>5</x><y>4</y></pt></polygon>',
      ),
    });
    await expect(labelmeCodec.import!(source, {})).rejects.toThrow(
      'a.xml line 4 <occluded>: <occluded> is "sometimes" (expected yes or no)',
    );
  });
  it('rejects a truncated file', async () => {
    await expect(
      labelmeCodec.import!(memorySource({ 'a.xml': '<annotation><object><name>x</name>' }), {}),
    ).rejects.toThrow(/^a.xml line 1: the file ends before/);
  });
  it('skips deleted objects', async () => {
    const source = memorySource({
      'a.xml': doc('<name>cat</name><deleted>1</deleted>\n<polygon><pt><x>1</x><y>2</y></pt></polygon>'),
    });
    expect(counts(await labelmeCodec.import!(source, {}))).toMatchObject({ items: 1, labels: 0 });
  });
});
