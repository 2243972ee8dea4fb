import { describe, expect, it } from 'vitest';
import { encode } from 'fast-png';
import { decodeMaskToImage, maskArea } from '../../../src/lib/core/mask';
import { resolveTrack } from '../../../src/lib/core/interpolation';
import { motsCodec } from '../../../src/lib/formats/mots';
import type { Dataset } from '../../../src/lib/formats/types';
import { assetSource, counts, memorySource, MemoryFiles } from './moreFixtures';

const frames = (ds: Dataset) => ds.items.map((i) => ({ name: i.name, width: i.width, height: i.height }));

/** Label and pixels of every visible track on every item. */
function pixels(ds: Dataset): string[] {
  const name = new Map(ds.labels.map((l) => [l.id, l.name]));
  const out: string[] = [];
  for (const item of ds.items) {
    for (const t of ds.tracks) {
      const s = resolveTrack(t, item.frame);
      if (!s) continue;
      const bitmap = decodeMaskToImage(s.points, item.width, item.height);
      out.push(`${item.subset}/${item.name}:${name.get(t.label_id)}:${Array.from(bitmap).join('')}`);
    }
  }
  return out.sort();
}

describe('MOTS PNG sample', () => {
  it('imports 16-bit instance masks as mask tracks per subset', async () => {
    const source = assetSource('mots_png/datumaro-tests');
    expect(await motsCodec.detect!(source)).toBeGreaterThan(0.5);
    const warnings: string[] = [];
    const ds = await motsCodec.import!(source, { warn: (m) => warnings.push(m) });
    // The sample's JPEGs are 1x5 while its masks are 5x1: the mask grid wins, with a warning.
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toBe(
      'train/instances/1.png: the mask is 5x1 but image "1.jpg" is 1x5; the mask size is used',
    );
    // train/1.png: 4003, 3002, 4001; train/2.png: 4002; val/3.png: 1001 → 5 instances.
    expect(counts(ds)).toEqual({ items: 3, labels: 4, tags: 0, tracks: 5 });
    expect(ds.items.map((i) => `${i.subset}/${i.name}`)).toEqual(['train/1.jpg', 'train/2.jpg', 'val/3.jpg']);
    const d = ds.labels.find((l) => l.name === 'd')!;
    expect(ds.tracks.filter((t) => t.label_id === d.id)).toHaveLength(3);
    // 4003 covers 2 pixels of 1.png; its track goes outside on 2.png.
    const big = ds.tracks.find((t) => maskArea(t.shapes[0]!.points) === 2)!;
    expect(big.shapes.map((s) => [s.frame, s.outside])).toEqual([
      [0, false],
      [1, true],
    ]);
    const sink = new MemoryFiles();
    await motsCodec.export!(ds, sink, { saveImages: false });
    expect(sink.text('train/instances/labels.txt')).toBe('a\nb\nc\nd\n');
    const second = await motsCodec.import!(sink.source(), { frames: frames(ds) });
    expect(counts(second)).toEqual(counts(ds));
    expect(pixels(second)).toEqual(pixels(ds));
  });
});

describe('MOTS PNG malformed input', () => {
  const grey16 = (values: number[]) =>
    encode({ width: values.length, height: 1, channels: 1, depth: 16, data: new Uint16Array(values) });
  it('names the pixel of a class past labels.txt', async () => {
    const source = memorySource({
      'train/instances/labels.txt': 'a\n',
      'train/instances/1.png': grey16([0, 1001, 3001]),
    });
    await expect(motsCodec.import!(source, {})).rejects.toThrow(
      'train/instances/1.png: pixel (2, 0) has value 3001, class 3, which has no label (expected class ids from 1 to 1 (lines of train/instances/labels.txt) times 1000 plus the instance id)',
    );
  });
  it('needs labels.txt', async () => {
    await expect(
      motsCodec.import!(memorySource({ 'train/instances/1.png': grey16([0]) }), {}),
    ).rejects.toThrow(
      'train/instances/labels.txt: not found in the archive (expected one label name per line)',
    );
  });
  it('rejects a colour image', async () => {
    const rgb = encode({ width: 1, height: 1, channels: 3, depth: 8, data: new Uint8Array([1, 2, 3]) });
    await expect(
      motsCodec.import!(memorySource({ 'instances/labels.txt': 'a\n', 'instances/1.png': rgb }), {}),
    ).rejects.toThrow(
      'instances/1.png: is a colour image (expected a 16-bit grey PNG of class_id * 1000 + instance_id)',
    );
  });
  it('ignores class 10 (ignore regions)', async () => {
    const source = memorySource({ 'instances/labels.txt': 'a\n', 'instances/1.png': grey16([10000, 1001]) });
    expect(counts(await motsCodec.import!(source, {}))).toEqual({ items: 1, labels: 1, tags: 0, tracks: 1 });
  });
});
