import { describe, expect, it } from 'vitest';
import { maskArea } from '../../../src/lib/core/mask';
import { openImagesCodec } from '../../../src/lib/formats/openimages';
import type { Dataset } from '../../../src/lib/formats/types';
import { assetSource, counts, memorySource, MemoryFiles, semantic } from './moreFixtures';

const frames = (ds: Dataset) => ds.items.map((i) => ({ name: i.name, width: i.width, height: i.height }));

describe('Open Images samples', () => {
  it('V6: tags with scores, normalized boxes with flags, a mask, a malformed rotation row', async () => {
    const source = assetSource('open_images_v6/datumaro-tests/v6');
    expect(await openImagesCodec.detect!(source)).toBeGreaterThan(0.5);
    const ds = await openImagesCodec.import!(source, {});
    // a, b (train), c (test), d (validation, a row one column short); 4 classes.
    expect(counts(ds)).toEqual({ items: 4, labels: 4, tags: 4, tracks: 0, rectangle: 2, mask: 1 });
    expect(ds.items.map((i) => `${i.subset}/${i.name}`).sort()).toEqual([
      'test/c.jpg',
      'train/a.jpg',
      'train/b.jpg',
      'validation/d.png',
    ]);
    const b = ds.items.find((i) => i.name === 'b.jpg')!;
    // images.meta says b is 2 high and 8 wide.
    expect(b).toMatchObject({ width: 8, height: 2 });
    const box = ds.shapes.find((s) => s.frame === b.frame && s.type === 'rectangle')!;
    box.points.forEach((v, i) => expect(v).toBeCloseTo([1.6, 0.6, 8, 1][i]!, 9));
    const c = ds.items.find((i) => i.name === 'c.jpg')!;
    expect(c).toMatchObject({ width: 5, height: 10 });
    expect(ds.shapes.find((s) => s.frame === c.frame)!.occluded).toBe(true);
    // The 1-bit 8x2 mask has its first two pixels of each row set.
    expect(maskArea(ds.shapes.find((s) => s.type === 'mask')!.points)).toBe(4);
    expect(ds.labels[0]!.name).toBe('Generic label #0');
    const sink = new MemoryFiles();
    await openImagesCodec.export!(ds, sink, { saveImages: false });
    const second = await openImagesCodec.import!(sink.source(), { frames: frames(ds) });
    expect(semantic(second, 6)).toEqual(semantic(ds, 6));
  });

  it('V5: headerless class descriptions and *-images-with-rotation lists', async () => {
    const ds = await openImagesCodec.import!(assetSource('open_images_v6/datumaro-tests/v5'), {});
    expect(counts(ds)).toEqual({ items: 2, labels: 2, tags: 0, tracks: 0 });
    expect(ds.items.map((i) => `${i.subset}/${i.name}`).sort()).toEqual(['test/cc.jpg', 'train/aa.jpg']);
  });
});

describe('Open Images malformed input', () => {
  const classes = 'LabelName,DisplayName\n/m/0,Cat\n';
  it('rejects a label that is not in the class descriptions', async () => {
    const source = memorySource({
      'annotations/oidv6-class-descriptions.csv': classes,
      'annotations/train-annotations-human-imagelabels.csv':
        'ImageID,Source,LabelName,Confidence\na,x,/m/9,1\n',
    });
    await expect(openImagesCodec.import!(source, {})).rejects.toThrow(
      'annotations/train-annotations-human-imagelabels.csv line 2: label "/m/9" is not in the class descriptions (expected a LabelName of annotations/oidv6-class-descriptions.csv)',
    );
  });
  it('rejects a box whose image size is unknown', async () => {
    const source = memorySource({
      'annotations/oidv6-class-descriptions.csv': classes,
      'annotations/train-annotations-bbox.csv': 'ImageID,LabelName,XMin,XMax,YMin,YMax\na,/m/0,0,1,0,1\n',
    });
    await expect(openImagesCodec.import!(source, {})).rejects.toThrow(
      /^annotations\/train-annotations-bbox.csv line 2: the size of image "a" is unknown/,
    );
  });
  it('rejects a non-numeric coordinate', async () => {
    const source = memorySource({
      'annotations/oidv6-class-descriptions.csv': classes,
      'annotations/images.meta': 'a 10 10\n',
      'annotations/train-annotations-bbox.csv': 'ImageID,LabelName,XMin,XMax,YMin,YMax\na,/m/0,0,wide,0,1\n',
    });
    await expect(openImagesCodec.import!(source, {})).rejects.toThrow(
      'annotations/train-annotations-bbox.csv line 2: XMax is "wide" (expected a number)',
    );
  });
  it('rejects a table without its columns', async () => {
    const source = memorySource({
      'annotations/oidv6-class-descriptions.csv': classes,
      'annotations/train-annotations-bbox.csv': 'ImageID,LabelName\n',
    });
    await expect(openImagesCodec.import!(source, {})).rejects.toThrow(
      'annotations/train-annotations-bbox.csv line 1: the header has no XMin column (expected columns ImageID, LabelName, XMin, XMax, YMin, YMax)',
    );
  });
});
