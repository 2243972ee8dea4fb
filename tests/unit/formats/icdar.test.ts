import { describe, expect, it } from 'vitest';
import { maskArea } from '../../../src/lib/core/mask';
import {
  icdarLocalizationCodec,
  icdarRecognitionCodec,
  icdarSegmentationCodec,
} from '../../../src/lib/formats/icdar';
import type { Dataset, FormatCodec } from '../../../src/lib/formats/types';
import { assetSource, counts, memorySource, MemoryFiles, semantic } from './moreFixtures';

const D = 'icdar/datumaro-tests';
async function roundTrip(codec: FormatCodec, ds: Dataset): Promise<{ second: Dataset; sink: MemoryFiles }> {
  const sink = new MemoryFiles();
  await codec.export!(ds, sink, { saveImages: false });
  const frames = ds.items.map((i) => ({ name: i.name, width: i.width, height: i.height }));
  return { second: await codec.import!(sink.source(), { frames }), sink };
}
const values = (ds: Dataset, o: { attributes: { spec_id: string; value: string }[] }) =>
  Object.fromEntries(
    o.attributes.map((a) => [ds.labels[0]!.attributes.find((s) => s.id === a.spec_id)!.name, a.value]),
  );

describe('ICDAR recognition', () => {
  it('reads captions as icdar tags', async () => {
    const source = assetSource(`${D}/word_recognition`);
    expect(await icdarRecognitionCodec.detect!(assetSource(D))).toBeGreaterThan(0.5);
    const ds = await icdarRecognitionCodec.import!(source, {});
    expect(counts(ds)).toEqual({ items: 2, labels: 1, tags: 2, tracks: 0 });
    expect(ds.items.map((i) => `${i.subset}/${i.name}`)).toEqual(['train/word_1.png', 'train/word_2.png']);
    expect(values(ds, ds.tags[0]!)).toEqual({ caption: 'PROPER' });
    const { second, sink } = await roundTrip(icdarRecognitionCodec, ds);
    expect(sink.text('word_recognition/train/gt.txt')).toBe('word_1.png, "PROPER"\nword_2.png, "Canon"\n');
    expect(semantic(second)).toEqual(semantic(ds));
  });
  it('rejects a line without a comma', async () => {
    await expect(
      icdarRecognitionCodec.import!(memorySource({ 'word_recognition/train/gt.txt': 'a.png "X"\n' }), {}),
    ).rejects.toThrow('gt.txt line 1: no comma after the image name (expected word_1.png, "TEXT")');
  });
});

describe('ICDAR localization', () => {
  it('reads ICDAR15 quadrilaterals and ICDAR13 boxes', async () => {
    const ds = await icdarLocalizationCodec.import!(assetSource(`${D}/text_localization`), {});
    expect(counts(ds)).toEqual({ items: 2, labels: 1, tags: 0, tracks: 0, polygon: 1, rectangle: 2 });
    const quad = ds.shapes.find((s) => s.type === 'polygon')!;
    expect(quad.points).toEqual([0, 0, 3, 1, 4, 6, 1, 7]);
    expect(values(ds, quad)).toEqual({ text: 'FOOD' });
    const { second } = await roundTrip(icdarLocalizationCodec, ds);
    expect(semantic(second)).toEqual(semantic(ds));
  });
  it('reads unquoted ICDAR15 lines whose text has commas', async () => {
    const source = memorySource({
      'text_localization/train/gt_a.txt':
        '\uFEFF377,117,463,117,465,130,378,130,Genaxis Theatre\n1,2,3,2,3,4,1,4,###\n5,6,7,6,7,8,5,8,a, b\n',
    });
    const ds = await icdarLocalizationCodec.import!(source, {});
    expect(ds.shapes.map((s) => values(ds, s).text)).toEqual(['Genaxis Theatre', '###', 'a, b']);
    expect(ds.shapes[0]!.points).toEqual([377, 117, 463, 117, 465, 130, 378, 130]);
  });

  it('rejects a line with 5 numbers', async () => {
    await expect(
      icdarLocalizationCodec.import!(
        memorySource({ 'text_localization/train/gt_a.txt': '1 2 3 4 5 "X"\n' }),
        {},
      ),
    ).rejects.toThrow(
      'gt_a.txt line 1: 5 numbers (expected 8 numbers (a quadrilateral) or 4 (xmin ymin xmax ymax), then "text")',
    );
  });
  it('rejects a non-numeric coordinate', async () => {
    await expect(
      icdarLocalizationCodec.import!(
        memorySource({ 'text_localization/train/gt_a.txt': '1 b 3 4 "X"\n' }),
        {},
      ),
    ).rejects.toThrow('gt_a.txt line 1: value 2 is "b" (expected a number)');
  });
});

describe('ICDAR segmentation', () => {
  it('reads character masks from the colours of the GT image, one group per word', async () => {
    const ds = await icdarSegmentationCodec.import!(assetSource(`${D}/text_segmentation`), {});
    expect(counts(ds)).toEqual({ items: 1, labels: 1, tags: 0, tracks: 0, mask: 3 });
    expect(ds.shapes.map((s) => maskArea(s.points))).toEqual([2, 2, 1]);
    expect(ds.shapes.map((s) => values(ds, s).text)).toEqual(['F', 'T', 'h']);
    const [f, t, h] = ds.shapes;
    expect(t!.group).toBe(h!.group);
    expect(f!.group).not.toBe(t!.group);
    expect(values(ds, t!)).toEqual({ index: '1', color: '82 174 214', center: '1 3', text: 'T' });
    const { second, sink } = await roundTrip(icdarSegmentationCodec, ds);
    expect(sink.text('text_segmentation/train/1_GT.txt').split('\n')[1]).toBe('');
    expect(semantic(second)).toEqual(semantic(ds));
  });
  it('rejects a line with missing numbers', async () => {
    await expect(
      icdarSegmentationCodec.import!(memorySource({ 'text_segmentation/train/1_GT.txt': '1 2 3 "F"\n' }), {}),
    ).rejects.toThrow('1_GT.txt line 1: 3 numbers (expected R G B cx cy x1 y1 x2 y2 "char")');
  });
});
