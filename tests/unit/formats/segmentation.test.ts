/** CamVid, Cityscapes and KITTI: class and instance masks. */
import { describe, expect, it } from 'vitest';
import { encode } from 'fast-png';
import { decodeMaskToImage, maskArea } from '../../../src/lib/core/mask';
import { camvidCodec } from '../../../src/lib/formats/camvid';
import { cityscapesCodec } from '../../../src/lib/formats/cityscapes';
import { kittiCodec } from '../../../src/lib/formats/kitti';
import type { Dataset, FormatCodec } from '../../../src/lib/formats/types';
import { assetSource, counts, memorySource, MemoryFiles, semantic } from './moreFixtures';

const frames = (ds: Dataset) => ds.items.map((i) => ({ name: i.name, width: i.width, height: i.height }));
async function roundTrip(codec: FormatCodec, ds: Dataset): Promise<{ second: Dataset; sink: MemoryFiles }> {
  const sink = new MemoryFiles();
  await codec.export!(ds, sink, { saveImages: false });
  return { second: await codec.import!(sink.source(), { frames: frames(ds) }), sink };
}
/** Per item and label: the pixels of each mask, sorted (pixel-exact comparison). */
function pixels(ds: Dataset): string[] {
  const names = new Map(ds.labels.map((l) => [l.id, l.name]));
  return ds.shapes
    .filter((s) => s.type === 'mask')
    .map((s) => {
      const item = ds.items.find((i) => i.frame === s.frame)!;
      return `${item.subset}/${item.name}:${names.get(s.label_id)}:${Array.from(decodeMaskToImage(s.points, item.width, item.height)).join('')}`;
    })
    .sort();
}

describe('CamVid', () => {
  it('reads RGB class masks with the CamVid colours', async () => {
    const source = assetSource('camvid/datumaro-tests');
    expect(await camvidCodec.detect!(source)).toBeGreaterThan(0.5);
    const ds = await camvidCodec.import!(source, {});
    // 0001TP_006690: Bicyclist x4 + Road; 8550: Animal, Road, Sky; 8580: Archway, Bridge, Tree; 07959: Animal, Child.
    expect(counts(ds)).toEqual({ items: 4, labels: 8, tags: 0, tracks: 0, mask: 10 });
    const bicyclist = ds.labels.find((l) => l.name === 'Bicyclist')!;
    expect(maskArea(ds.shapes.find((s) => s.label_id === bicyclist.id)!.points)).toBe(4);
    expect(ds.items.map((i) => `${i.subset}/${i.name}`).sort()).toEqual([
      'test/0001TP_008550.png',
      'test/0001TP_008580.png',
      'train/0001TP_006690.png',
      'val/0016E5_07959.png',
    ]);
    const { second, sink } = await roundTrip(camvidCodec, ds);
    expect(sink.text('label_colors.txt').split('\n')[0]).toBe('0 0 0 Void');
    expect(sink.text('train.txt')).toBe('/train/0001TP_006690.png /trainannot/0001TP_006690.png\n');
    expect(pixels(second)).toEqual(pixels(ds));
  });
  it('rejects a colour that label_colors.txt does not list', async () => {
    const png = encode({ width: 1, height: 1, channels: 3, depth: 8, data: new Uint8Array([9, 9, 9]) });
    const source = memorySource({
      'label_colors.txt': '0 0 0 Void\n1 2 3 Cat\n',
      'train.txt': '/train/a.png /trainannot/a.png\n',
      'trainannot/a.png': png,
    });
    await expect(camvidCodec.import!(source, {})).rejects.toThrow(
      'trainannot/a.png: pixel (0, 0) has colour 9,9,9, which no label has',
    );
  });
  it('rejects a list line that names a missing mask', async () => {
    const source = memorySource({ 'train.txt': '/train/a.png /trainannot/a.png\n' });
    await expect(camvidCodec.import!(source, {})).rejects.toThrow(
      'train.txt line 1: mask "trainannot/a.png" is not in the archive (expected the mask file the line names)',
    );
  });
});

describe('Cityscapes', () => {
  it.each(['dataset', 'train_dataset'])('%s: instance ids with crowd regions', async (folder) => {
    const source = assetSource(`cityscapes/datumaro-tests_cvat-ai/${folder}`);
    expect(await cityscapesCodec.detect!(source)).toBeGreaterThan(0.5);
    const ds = await cityscapesCodec.import!(source, {});
    // 000031: outofroi, truck 1, truck 2; 000032: train 1, wall, outofroi; 000045: outofroi, person 1; 000019: outofroi, egovehicle 24.
    expect(counts(ds)).toEqual({ items: 4, labels: 6, tags: 0, tracks: 0, mask: 10 });
    const item = ds.items.find((i) => i.name === 'defaultcity/defaultcity_000001_000031_leftImg8bit.png')!;
    expect(item).toMatchObject({ subset: 'test', width: 5, height: 1 });
    const truck = ds.labels.find((l) => l.name === 'truck')!;
    expect(
      ds.shapes
        .filter((s) => s.label_id === truck.id)
        .map((s) => maskArea(s.points))
        .sort(),
    ).toEqual([1, 2]);
    const crowd = truck.attributes.find((a) => a.name === 'is_crowd')!;
    expect(
      ds.shapes
        .filter((s) => s.label_id === truck.id)
        .every((s) => s.attributes.some((a) => a.spec_id === crowd.id && a.value === 'false')),
    ).toBe(true);
    const { second, sink } = await roundTrip(cityscapesCodec, ds);
    expect(sink.files.has('gtFine/test/defaultcity/defaultcity_000001_000031_gtFine_labelIds.png')).toBe(
      true,
    );
    expect(pixels(second)).toEqual(pixels(ds));
    expect(semantic(second)).toEqual(semantic(ds));
  });
  it('rejects a class id past label_colors.txt', async () => {
    const png = encode({ width: 2, height: 1, channels: 1, depth: 16, data: new Uint16Array([0, 5001]) });
    const source = memorySource({
      'label_colors.txt': '0 0 0 background\n255 0 0 car\n',
      'gtFine/train/c/a_gtFine_instanceIds.png': png,
    });
    await expect(cityscapesCodec.import!(source, {})).rejects.toThrow(
      'gtFine/train/c/a_gtFine_instanceIds.png: pixel (1, 0) has value 5001, class 5, which has no label (expected class ids from 1 to 1 (label_colors.txt))',
    );
  });
});

describe('KITTI', () => {
  it('reads detection boxes with truncation and occlusion', async () => {
    const source = assetSource('kitti/datumaro-tests/kitti_detection');
    expect(await kittiCodec.detect!(source)).toBeGreaterThan(0.5);
    const ds = await kittiCodec.import!(source, {});
    expect(counts(ds)).toEqual({ items: 2, labels: 2, tags: 0, tracks: 0, rectangle: 5 });
    expect(ds.items[0]).toMatchObject({ name: '000030_10.png', subset: 'training', width: 10, height: 10 });
    expect(ds.shapes.filter((s) => s.occluded)).toHaveLength(2);
    const { second } = await roundTrip(kittiCodec, ds);
    expect(semantic(second)).toEqual(semantic(ds));
  });
  it('reads instance masks (class * 256 + instance)', async () => {
    const warnings: string[] = [];
    const ds = await kittiCodec.import!(assetSource('kitti/datumaro-tests/kitti_segmentation'), {
      warn: (m) => warnings.push(m),
    });
    // 000030_10: 768 (outofroi, no instance), 6913, 6914 (truck 1, 2); 000030_11: 7937 (train 1), 3073 (wall 1), 768.
    expect(counts(ds)).toEqual({ items: 2, labels: 4, tags: 0, tracks: 0, mask: 6 });
    // The sample's images match their 5x1 masks.
    expect(warnings).toEqual([]);
    expect(ds.items[0]).toMatchObject({ width: 5, height: 1 });
    const { second } = await roundTrip(kittiCodec, ds);
    expect(pixels(second)).toEqual(pixels(ds));
    expect(semantic(second)).toEqual(semantic(ds));
  });
  it('reads the 3D sample labels as boxes', async () => {
    const ds = await kittiCodec.import!(assetSource('kitti/datumaro-tests_openvino/kitti_3d'), {});
    expect(counts(ds)).toEqual({ items: 1, labels: 3, tags: 0, tracks: 0, rectangle: 3 });
  });
  it('rejects a short label line', async () => {
    await expect(
      kittiCodec.import!(memorySource({ 'training/label_2/a.txt': 'Car 0 0 -1 1 2\n' }), {}),
    ).rejects.toThrow(
      'training/label_2/a.txt line 1: 6 fields (expected type truncated occluded alpha x1 y1 x2 y2 (and the 3D fields))',
    );
  });
  it('rejects a non-numeric coordinate', async () => {
    await expect(
      kittiCodec.import!(memorySource({ 'training/label_2/a.txt': 'Car 0 0 -1 1 y 3 4\n' }), {}),
    ).rejects.toThrow('training/label_2/a.txt line 1: y1 is "y" (expected a number)');
  });
});
