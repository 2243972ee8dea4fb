import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import fc from 'fast-check';
import { decodeMaskToImage, encodeMask, maskArea } from '../../../src/lib/core/mask';
import { segmaskCodec } from '../../../src/lib/formats/segmask';
import type { Dataset } from '../../../src/lib/formats/types';
import { assetSource, counts, memorySource, MemoryFiles } from './moreFixtures';
import { encode } from 'fast-png';

const S = 'segmentation_mask_1.1';
const frames = (ds: Dataset) => ds.items.map((i) => ({ name: i.name, width: i.width, height: i.height }));

/** Per item, per label: the union of its masks as a full-image bitmap (for pixel-exact checks). */
function pixels(ds: Dataset): Record<string, string> {
  const out: Record<string, string> = {};
  const labels = new Map(ds.labels.map((l) => [l.id, l.name]));
  for (const item of ds.items) {
    const byLabel = new Map<string, Uint8Array>();
    for (const s of ds.shapes.filter((x) => x.frame === item.frame && x.type === 'mask')) {
      const name = labels.get(s.label_id)!;
      const bitmap = byLabel.get(name) ?? new Uint8Array(item.width * item.height);
      const one = decodeMaskToImage(s.points, item.width, item.height);
      for (let i = 0; i < one.length; i++) if (one[i]) bitmap[i] = 1;
      byLabel.set(name, bitmap);
    }
    for (const [name, bitmap] of byLabel) {
      let hash = 0;
      for (let i = 0; i < bitmap.length; i++) if (bitmap[i]) hash = (hash * 31 + i) >>> 0;
      out[`${item.name}/${name}`] = `${bitmap.reduce((a, b) => a + b, 0)}:${hash}`;
    }
  }
  return out;
}

async function roundTrip(first: Dataset): Promise<{ second: Dataset; sink: MemoryFiles }> {
  const sink = new MemoryFiles();
  await segmaskCodec.export!(first, sink, { saveImages: false });
  return { second: await segmaskCodec.import!(sink.source(), { frames: frames(first) }), sink };
}

describe('Segmentation mask samples', () => {
  it('imports the real labelme2voc export: paletted PNGs, 12 instances of 6 classes', async () => {
    const source = assetSource(`${S}/labelme-labelme2voc_real-VOC2011-images`);
    expect(await segmaskCodec.detect!(source)).toBeGreaterThan(0.5);
    const ds = await segmaskCodec.import!(source, {});
    // Instances per image (SegmentationObject indices other than 0 and 255): 3, 6 and 3.
    expect(counts(ds)).toEqual({ items: 3, labels: 6, tags: 0, tracks: 0, mask: 12 });
    expect(ds.labels.map((l) => l.name).sort()).toEqual(['bottle', 'bus', 'car', 'chair', 'person', 'sofa']);
    expect(ds.items.find((i) => i.name === '2011_000003.jpg')).toMatchObject({ width: 500, height: 338 });
    // Instance 2 of 2011_000003 is a person of 17,218 pixels.
    const areas = ds.shapes
      .filter((s) => s.frame === ds.items.find((i) => i.name === '2011_000003.jpg')!.frame)
      .map((s) => maskArea(s.points));
    expect(areas.sort((a, b) => a - b)).toEqual([873, 15662, 17218]);
    const { second } = await roundTrip(ds);
    expect(pixels(second)).toEqual(pixels(ds));
    expect(counts(second)).toEqual(counts(ds));
  });

  it('imports the Datumaro VOC subset: RGB masks, VOC colours, subsets from ImageSets', async () => {
    const ds = await segmaskCodec.import!(assetSource(`${S}/datumaro-tests_voc_dataset1_seg-subset`), {});
    // train: 2007_000001 (one bicycle instance over the whole 20x10 image); test: 2007_000002, no masks.
    expect(counts(ds)).toEqual({ items: 2, labels: 1, tags: 0, tracks: 0, mask: 1 });
    expect(ds.labels[0]!.name).toBe('bicycle');
    expect(maskArea(ds.shapes[0]!.points)).toBe(200);
    expect(ds.items.map((i) => `${i.subset}/${i.name}`).sort()).toEqual([
      'test/2007_000002.jpg',
      'train/2007_000001.jpg',
    ]);
    const { second, sink } = await roundTrip(ds);
    expect(pixels(second)).toEqual(pixels(ds));
    expect(sink.text('ImageSets/Segmentation/train.txt')).toBe('2007_000001\n');
    expect(sink.text('labelmap.txt')).toContain('bicycle:0,128,0::');
  });

  it('imports the Datumaro common semantic segmentation layout', async () => {
    const ds = await segmaskCodec.import!(
      assetSource(`${S}/datumaro-tests_common_semantic_segmentation/dataset`),
      {},
    );
    // 0001: Bicyclist x4 + Road x1; 0002: Animal x3 + Child x2; 5 labels besides Void.
    expect(counts(ds)).toEqual({ items: 2, labels: 5, tags: 0, tracks: 0, mask: 4 });
    const bicyclist = ds.labels.find((l) => l.name === 'Bicyclist')!;
    expect(maskArea(ds.shapes.find((s) => s.label_id === bicyclist.id)!.points)).toBe(4);
  });
});

describe('Segmentation mask export', () => {
  it('paints boxes and polygons with label colours, pixel-exact on re-import', async () => {
    const ds = await segmaskCodec.import!(assetSource(`${S}/datumaro-tests_voc_dataset1_seg-subset`), {});
    const base = ds.shapes[0]!;
    ds.shapes = [
      { ...base, id: 'a', type: 'rectangle', points: [2, 1, 6, 4], z_order: 0 },
      { ...base, id: 'b', type: 'polygon', points: [10, 0, 18, 0, 18, 8], z_order: 1 },
    ];
    const sink = new MemoryFiles();
    await segmaskCodec.export!(ds, sink, { saveImages: false });
    const png = decode(sink.files.get('SegmentationClass/2007_000001.png')!);
    expect(png.width).toBe(20);
    const at = (x: number, y: number) => Array.from(png.data.slice((y * 20 + x) * 3, (y * 20 + x) * 3 + 3));
    expect(at(2, 1)).toEqual([0, 128, 0]);
    expect(at(5, 3)).toEqual([0, 128, 0]);
    expect(at(6, 3)).toEqual([0, 0, 0]);
    const second = await segmaskCodec.import!(sink.source(), { frames: frames(ds) });
    expect(second.shapes.map((s) => maskArea(s.points)).sort((a, b) => a - b)).toEqual([12, 36]);
  });
});

describe('Segmentation mask malformed input', () => {
  const rgb = (w: number, h: number, colour: number[]) =>
    encode({
      width: w,
      height: h,
      channels: 3,
      depth: 8,
      data: new Uint8Array(Array.from({ length: w * h }, () => colour).flat()),
    });

  it('names the pixel and colour that labelmap.txt does not list', async () => {
    const source = memorySource({
      'labelmap.txt': 'background:0,0,0::\ncat:10,20,30::\n',
      'SegmentationClass/a.png': rgb(3, 2, [1, 2, 3]),
    });
    await expect(segmaskCodec.import!(source, {})).rejects.toThrow(
      'SegmentationClass/a.png: pixel (0, 0) has colour 1,2,3, which no label has (expected a colour listed in labelmap.txt)',
    );
  });

  it('rejects a bad labelmap colour with its line', async () => {
    const source = memorySource({
      'labelmap.txt': '# c\nbackground:0,0,0::\ncat:10,20::\n',
      'SegmentationClass/a.png': rgb(1, 1, [0, 0, 0]),
    });
    await expect(segmaskCodec.import!(source, {})).rejects.toThrow(
      'labelmap.txt line 3: the colour of "cat" is "10,20" (expected r,g,b with integers from 0 to 255)',
    );
  });

  it('rejects a truncated PNG', async () => {
    const bytes = rgb(4, 4, [0, 0, 0]).slice(0, 30);
    await expect(
      segmaskCodec.import!(
        memorySource({ 'labelmap.txt': 'background:0,0,0::\n', 'SegmentationClass/a.png': bytes }),
        {},
      ),
    ).rejects.toThrow(/^SegmentationClass\/a.png: is not a readable PNG image/);
  });

  it('rejects an object mask without a class mask', async () => {
    await expect(
      segmaskCodec.import!(
        memorySource({
          'labelmap.txt': 'background:0,0,0::\n',
          'SegmentationObject/a.png': rgb(1, 1, [128, 0, 0]),
        }),
        {},
      ),
    ).rejects.toThrow(
      'SegmentationObject/a.png: has no class mask beside it (expected SegmentationClass/a.png with the label colours)',
    );
  });

  it('reads grey masks by labelmap line and rejects an index past the last line', async () => {
    const grey = (v: number) =>
      encode({ width: 2, height: 1, channels: 1, depth: 8, data: new Uint8Array([0, v]) });
    const ok = await segmaskCodec.import!(
      memorySource({
        'labelmap.txt': 'background:0,0,0::\ncat:1,1,1::\n',
        'SegmentationClass/a.png': grey(1),
      }),
      {},
    );
    expect(counts(ok)).toEqual({ items: 1, labels: 1, tags: 0, tracks: 0, mask: 1 });
    await expect(
      segmaskCodec.import!(
        memorySource({
          'labelmap.txt': 'background:0,0,0::\ncat:1,1,1::\n',
          'SegmentationClass/a.png': grey(7),
        }),
        {},
      ),
    ).rejects.toThrow(
      'SegmentationClass/a.png: pixel (1, 0) has value 7, which no label has (expected a label index below 2 (a line of labelmap.txt))',
    );
  });

  it('says when there is nothing to import', async () => {
    await expect(segmaskCodec.import!(memorySource({ 'a.txt': '' }), {})).rejects.toThrow(
      'archive: has no SegmentationClass/ or SegmentationObject/ folder (expected labelmap.txt, SegmentationClass/<id>.png and SegmentationObject/<id>.png)',
    );
  });
});

describe('Segmentation mask properties', () => {
  it('any masks come back pixel for pixel (later shapes on top)', async () => {
    const base = await segmaskCodec.import!(assetSource(`${S}/datumaro-tests_voc_dataset1_seg-subset`), {});
    const template = base.shapes[0]!;
    const item = base.items.find((i) => i.name === '2007_000001.jpg')!;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 200, maxLength: 200 }), { minLength: 1, maxLength: 3 }),
        async (layers) => {
          const shapes = layers
            .map((bytes, z) => {
              const bitmap = Uint8Array.from(bytes, (b) => (b & 1 ? 1 : 0));
              const points = encodeMask(bitmap, 20, 10);
              return points ? { ...template, id: `m${z}`, type: 'mask' as const, points, z_order: z } : null;
            })
            .filter((s) => s !== null);
          const ds: Dataset = { ...base, items: [item], shapes };
          // What each pixel should show: the top shape's label (all share one label here, so the union).
          const expected = new Uint8Array(200);
          for (const s of shapes)
            decodeMaskToImage(s.points, 20, 10).forEach((v, i) => v && (expected[i] = 1));
          const sink = new MemoryFiles();
          await segmaskCodec.export!(ds, sink, { saveImages: false });
          const back = await segmaskCodec.import!(sink.source(), { frames: frames(ds) });
          const got = new Uint8Array(200);
          for (const s of back.shapes)
            decodeMaskToImage(s.points, 20, 10).forEach((v, i) => v && (got[i] = 1));
          expect(Array.from(got)).toEqual(Array.from(expected));
          // One instance per visible shape.
          expect(back.shapes.length).toBeLessThanOrEqual(shapes.length);
        },
      ),
      { numRuns: 25 },
    );
  });
});
