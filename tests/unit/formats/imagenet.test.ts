import { describe, expect, it } from 'vitest';
import { imagenetCodec } from '../../../src/lib/formats/imagenet';
import { assetSource, counts, memorySource, MemoryFiles, semantic } from './moreFixtures';

const I = 'imagenet';

describe('ImageNet samples', () => {
  it.each([
    // [folder, items, labels, tags]
    ['datumaro-tests_cvat-ai/imagenet_dataset', 3, 2, 3],
    // A root image without a tag; label_1/label_1_1/label_1_1.jpg is label_1's "label_1_1/label_1_1.jpg".
    ['datumaro-tests_openvino/imagenet_dataset', 4, 2, 3],
    ['datumaro-tests_openvino/imagenet_subsets_dataset', 12, 2, 9],
    ['datumaro-tests_cvat-ai/imagenet_txt_dataset/basic', 4, 10, 4],
    ['datumaro-tests_cvat-ai/imagenet_txt_dataset/custom_labels', 1, 10, 1],
    // No synsets: labels class-0 … class-4 are made up to the largest index.
    ['datumaro-tests_cvat-ai/imagenet_txt_dataset/no_labels', 1, 5, 1],
  ] as const)('%s', async (folder, items, labels, tags) => {
    const source = assetSource(`${I}/${folder}`);
    expect(await imagenetCodec.detect!(source)).toBeGreaterThan(0);
    const ds = await imagenetCodec.import!(source, {});
    expect(counts(ds)).toEqual({ items, labels, tags, tracks: 0 });
    const sink = new MemoryFiles();
    await imagenetCodec.export!(ds, sink, { saveImages: false });
    const second = await imagenetCodec.import!(sink.source(), {});
    expect(semantic(second)).toEqual(semantic(ds));
  });

  it('keeps subsets and the tag of nested folders', async () => {
    const ds = await imagenetCodec.import!(
      assetSource(`${I}/datumaro-tests_openvino/imagenet_subsets_dataset`),
      {},
    );
    expect(new Set(ds.items.map((i) => i.subset))).toEqual(new Set(['train', 'val', 'test']));
    const nested = ds.items.find((i) => i.subset === 'val' && i.name === 'label_1_1/label_1_1.jpg')!;
    const tag = ds.tags.find((t) => t.frame === nested.frame)!;
    expect(ds.labels.find((l) => l.id === tag.label_id)!.name).toBe('label_1');
  });

  it('writes label folders when saving images', async () => {
    const ds = await imagenetCodec.import!(assetSource(`${I}/datumaro-tests_openvino/imagenet_dataset`), {});
    const sink = new MemoryFiles();
    await imagenetCodec.export!(ds, sink, { saveImages: true, media: async () => new Uint8Array([1]) });
    expect([...sink.files.keys()].filter((k) => k.endsWith('.jpg')).sort()).toEqual([
      'label_0/label_0_1.jpg',
      'label_1/label_1_1.jpg',
      'label_1/label_1_1/label_1_1.jpg',
      'no_label/label_0_2.jpg',
    ]);
    const second = await imagenetCodec.import!(sink.source(), {});
    expect(semantic(second)).toEqual(semantic(ds));
  });
});

describe('ImageNet malformed input', () => {
  it('rejects a label index past synsets.txt', async () => {
    await expect(
      imagenetCodec.import!(memorySource({ 'synsets.txt': 'a\nb\n', 'train.txt': '1.jpg 0\n2.jpg 7\n' }), {}),
    ).rejects.toThrow(
      'train.txt line 2: label index 7 has no line in synsets.txt (expected an index from 0 to 1)',
    );
  });
  it('rejects a label index that is not a number', async () => {
    await expect(
      imagenetCodec.import!(memorySource({ 'synsets.txt': 'a\n', 'train.txt': '1.jpg x\n' }), {}),
    ).rejects.toThrow('train.txt line 1: label index is "x" (expected a number)');
  });
  it('says what it expects from an empty archive', async () => {
    await expect(imagenetCodec.import!(memorySource({ 'a/readme.md': '' }), {})).rejects.toThrow(
      'archive: has no images and no <subset>.txt list (expected <label>/<image> folders, or <subset>.txt with synsets.txt)',
    );
  });
});
