/** Market-1501, VGGFace2, LFW and WIDER Face: the person and face formats. */
import { describe, expect, it } from 'vitest';
import { lfwCodec } from '../../../src/lib/formats/lfw';
import { market1501Codec } from '../../../src/lib/formats/market1501';
import { vggface2Codec } from '../../../src/lib/formats/vggface2';
import { widerfaceCodec } from '../../../src/lib/formats/widerface';
import type { Dataset, FormatCodec } from '../../../src/lib/formats/types';
import { assetSource, counts, memorySource, MemoryFiles, semantic } from './moreFixtures';

const frames = (ds: Dataset) => ds.items.map((i) => ({ name: i.name, width: i.width, height: i.height }));
async function roundTrip(codec: FormatCodec, ds: Dataset): Promise<{ second: Dataset; sink: MemoryFiles }> {
  const sink = new MemoryFiles();
  await codec.export!(ds, sink, { saveImages: false });
  return { second: await codec.import!(sink.source(), { frames: frames(ds) }), sink };
}
const attrs = (ds: Dataset, frame: number) => {
  const tag = ds.tags.find((t) => t.frame === frame)!;
  const label = ds.labels.find((l) => l.id === tag.label_id)!;
  return Object.fromEntries(
    tag.attributes.map((a) => [label.attributes.find((s) => s.id === a.spec_id)!.name, a.value]),
  );
};

describe('Market-1501', () => {
  it('reads person and camera from the file names', async () => {
    const source = assetSource('market1501/datumaro-tests');
    expect(await market1501Codec.detect!(source)).toBeGreaterThan(0.5);
    const ds = await market1501Codec.import!(source, {});
    expect(counts(ds)).toEqual({ items: 3, labels: 1, tags: 3, tracks: 0 });
    const q = ds.items.find((i) => i.name === '0001_c2s3_000111_00.jpg')!;
    expect(q.subset).toBe('test');
    expect(attrs(ds, q.frame)).toEqual({ query: 'true', person_id: '1', camera_id: '2' });
    const t = ds.items.find((i) => i.name === '0002_c1s3_000151_00.jpg')!;
    expect(t.subset).toBe('train');
    expect(attrs(ds, t.frame)).toEqual({ query: 'false', person_id: '2', camera_id: '1' });
    const { second, sink } = await roundTrip(market1501Codec, ds);
    expect(sink.text('images_test.txt')).toBe(
      'bounding_box_test/0001_c1s1_001051_00.jpg\nquery/0001_c2s3_000111_00.jpg\n',
    );
    expect(semantic(second)).toEqual(semantic(ds));
  });
  it('rejects a name without person and camera', async () => {
    await expect(
      market1501Codec.import!(
        memorySource({
          'images_train.txt': 'bounding_box_train/0001_c1s1_000001_00.jpg\nbounding_box_train/cat.jpg\n',
        }),
        {},
      ),
    ).rejects.toThrow(
      'images_train.txt line 2: "cat.jpg" does not name a person and a camera (expected a name like 0001_c1s1_000015_00.jpg)',
    );
  });
});

describe('VGGFace2', () => {
  it('reads boxes and 5-point landmarks per subset, grouped per face', async () => {
    const source = assetSource('vggface2/datumaro-tests');
    expect(await vggface2Codec.detect!(source)).toBeGreaterThan(0.5);
    const ds = await vggface2Codec.import!(source, {});
    expect(counts(ds)).toEqual({ items: 4, labels: 3, tags: 0, tracks: 0, rectangle: 4, points: 4 });
    const item = ds.items.find((i) => i.subset === 'train' && i.name === 'n000002/0001_01.jpg')!;
    const box = ds.shapes.find((s) => s.frame === item.frame && s.type === 'rectangle')!;
    expect(box.points).toEqual([2, 4, 4, 6]);
    expect(ds.labels.find((l) => l.id === box.label_id)!.name).toBe('n000002');
    const pts = ds.shapes.find((s) => s.frame === item.frame && s.type === 'points')!;
    expect(pts.group).toBe(box.group);
    const { second } = await roundTrip(vggface2Codec, ds);
    expect(semantic(second, 3)).toEqual(semantic(ds, 3));
  });
  it('rejects a short CSV row', async () => {
    await expect(
      vggface2Codec.import!(
        memorySource({ 'bb_landmark/loose_bb_train.csv': 'NAME_ID,X,Y,W,H\nn1/a,1,2,3\n' }),
        {},
      ),
    ).rejects.toThrow(
      'bb_landmark/loose_bb_train.csv line 2: 4 columns (expected 5 columns: NAME_ID,X,Y,W,H)',
    );
  });
  it('rejects a non-numeric coordinate', async () => {
    await expect(
      vggface2Codec.import!(
        memorySource({ 'bb_landmark/loose_bb_train.csv': 'NAME_ID,X,Y,W,H\nn1/a,1,two,3,4\n' }),
        {},
      ),
    ).rejects.toThrow('bb_landmark/loose_bb_train.csv line 2: column 3 is "two" (expected a number)');
  });
});

describe('LFW', () => {
  it('reads people, pairs (with a trailing space) and landmarks', async () => {
    const source = assetSource('lfw/datumaro-tests');
    expect(await lfwCodec.detect!(source)).toBeGreaterThan(0.5);
    const ds = await lfwCodec.import!(source, {});
    expect(counts(ds)).toEqual({ items: 3, labels: 2, tags: 3, tracks: 0, points: 3 });
    const a = ds.items.find((i) => i.name === 'name1/name1_0001.jpg')!;
    expect(a.subset).toBe('test');
    expect(attrs(ds, a.frame)).toEqual({ positive_pairs: 'name1/name1_0002' });
    const b = ds.items.find((i) => i.name === 'name0/name0_0001.jpg')!;
    expect(attrs(ds, b.frame)).toEqual({ negative_pairs: 'name1/name1_0001 name1/name1_0002' });
    const { second, sink } = await roundTrip(lfwCodec, ds);
    expect(sink.text('test/annotations/pairs.txt')).toContain('name1\t1\t2\n');
    expect(semantic(second)).toEqual(semantic(ds));
  });
  it('writes a five-point skeleton as landmarks', async () => {
    const ds = await lfwCodec.import!(assetSource('lfw/datumaro-tests'), {});
    const pts = ds.shapes.find((s) => s.type === 'points')!;
    const label = ds.labels.find((l) => l.id === pts.label_id)!;
    const subs = ['1', '2', '3', '4', '5'].map((n) => ({
      id: `s${n}`,
      name: n,
      color: '#ffffff',
      type: 'points' as const,
      attributes: [],
    }));
    label.sublabels = subs;
    const elements = subs.map((sub, k) => ({
      label_id: sub.id,
      type: 'points' as const,
      points: [pts.points[2 * k]!, pts.points[2 * k + 1]!] as [number, number],
      occluded: false,
      outside: false,
      attributes: [],
    }));
    ds.shapes = ds.shapes.map((s) =>
      s === pts ? { ...pts, type: 'skeleton' as const, points: [] as [], elements } : s,
    );
    const { second } = await roundTrip(lfwCodec, ds);
    const name = ds.items.find((i) => i.frame === pts.frame)!.name;
    const frame = second.items.find((i) => i.name === name)!.frame;
    const again = second.shapes.find((s) => s.frame === frame && s.type === 'points')!;
    expect(again.points).toEqual(pts.points);
  });

  it('rejects a pairs line with the wrong number of fields', async () => {
    await expect(
      lfwCodec.import!(memorySource({ 'test/annotations/pairs.txt': '1\t1\nname0\t1\tname1\t2\t3\n' }), {}),
    ).rejects.toThrow(
      'annotations/pairs.txt line 2: 5 fields (expected name i j (same person) or name1 i name2 j (different people))',
    );
  });
});

describe('WIDER Face', () => {
  it('reads faces with their flags and the event tag', async () => {
    const source = assetSource('wider_face/datumaro-tests');
    expect(await widerfaceCodec.detect!(source)).toBeGreaterThan(0.5);
    const ds = await widerfaceCodec.import!(source, {});
    // train: 1 + 2 faces, val: 3 faces; events Parade, Handshaking; boxes are "face".
    expect(counts(ds)).toEqual({ items: 3, labels: 3, tags: 3, tracks: 0, rectangle: 6 });
    const val = ds.items.find((i) => i.subset === 'val')!;
    expect(val.name).toBe('0--Parade/0_Parade_image_03.jpg');
    const faces = ds.shapes.filter((s) => s.frame === val.frame);
    // "3 2 1 2 0 0 0 1 0 0": occluded is the 4th flag.
    expect(faces.filter((s) => s.occluded).map((s) => s.points)).toEqual([[3, 2, 4, 4]]);
    const { second } = await roundTrip(widerfaceCodec, ds);
    expect(semantic(second)).toEqual(semantic(ds));
  });
  it('rejects a non-numeric count with its line', async () => {
    await expect(
      widerfaceCodec.import!(
        memorySource({ 'wider_face_split/wider_face_train_bbx_gt.txt': '0--A/a.jpg\nmany\n' }),
        {},
      ),
    ).rejects.toThrow(
      'wider_face_split/wider_face_train_bbx_gt.txt line 2: face count is "many" (expected a number)',
    );
  });
  it('rejects a file that ends before its faces', async () => {
    await expect(
      widerfaceCodec.import!(
        memorySource({
          'wider_face_split/wider_face_train_bbx_gt.txt': '0--A/a.jpg\n2\n1 1 1 1 0 0 0 0 0 0\n',
        }),
        {},
      ),
    ).rejects.toThrow(
      'wider_face_split/wider_face_train_bbx_gt.txt: the file ends after 1 of 2 faces of "0--A/a.jpg" (expected 2 face lines)',
    );
  });
});
