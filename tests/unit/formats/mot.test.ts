import { describe, expect, it } from 'vitest';
import { resolveTrack } from '../../../src/lib/core/interpolation';
import { motCodec } from '../../../src/lib/formats/mot';
import type { Dataset } from '../../../src/lib/formats/types';
import { assetSource, counts, memorySource, MemoryFiles, semantic } from './moreFixtures';

const M = 'mot_1.1';
const frames = (ds: Dataset) => ds.items.map((i) => ({ name: i.name, width: i.width, height: i.height }));

/** Every track's box on every frame, by label name, for comparing keyframe layouts. */
function perFrame(ds: Dataset): string[] {
  const name = new Map(ds.labels.map((l) => [l.id, l.name]));
  const out: string[] = [];
  for (const item of ds.items) {
    for (const t of ds.tracks) {
      const s = resolveTrack(t, item.frame);
      if (s) out.push(`${item.frame}:${name.get(t.label_id)}:${s.points.map((v) => v.toFixed(2)).join(',')}`);
    }
  }
  return out.sort();
}

describe('MOT 1.1 samples', () => {
  it.each(['mot_seq', 'mot_seq_with_seqinfo'])(
    '%s: one box without a track, class 3 → label_2',
    async (folder) => {
      const source = assetSource(`${M}/datumaro-tests/${folder}`);
      expect(await motCodec.detect!(source)).toBeGreaterThan(0.5);
      const ds = await motCodec.import!(source, {});
      expect(counts(ds)).toEqual({ items: 1, labels: 10, tags: 0, tracks: 0, rectangle: 1 });
      const box = ds.shapes[0]!;
      expect(box.points).toEqual([0, 4, 4, 12]);
      expect(ds.labels.find((l) => l.id === box.label_id)!.name).toBe('label_2');
      if (folder === 'mot_seq_with_seqinfo') {
        expect(ds.items[0]).toMatchObject({ name: '000001.jpg', width: 16, height: 16 });
        expect(ds.meta).toMatchObject({ name: 'Test', fps: 10 });
      } else expect(ds.items[0]!.name).toBe('000001.jpg');
      const sink = new MemoryFiles();
      await motCodec.export!(ds, sink, { saveImages: false });
      expect(sink.text('gt/gt.txt')).toBe('1,-1,0,4,4,8,1,3,1.0\n');
      const second = await motCodec.import!(sink.source(), { frames: frames(ds) });
      expect(semantic(second)).toEqual(semantic(ds));
    },
  );

  it('reads the X-AnyLabeling sequence: 14,750 rows, 0-based frames and classes, 106 tracks', async () => {
    const source = assetSource(`${M}/x-anylabeling_real-sequence_frame0-based`);
    const warnings: string[] = [];
    const ds = await motCodec.import!(source, { warn: (m) => warnings.push(m) });
    // seqinfo.ini seqlength = 650 (frames 0..649); classes.txt: person, car.
    // 104 track ids; two of them change class, which splits them (106 distinct id/class pairs).
    expect(counts(ds)).toEqual({ items: 650, labels: 2, tags: 0, tracks: 106 });
    expect(ds.items[0]).toMatchObject({ name: '000000.jpg', width: 960, height: 540 });
    expect(warnings.filter((w) => w.includes('0-based'))).toHaveLength(2);
    expect(warnings.filter((w) => w.includes('changes its class'))).toHaveLength(2);
    expect(ds.meta.warnings).toEqual(warnings);
    const rows = ds.tracks.reduce((n, t) => n + t.shapes.filter((s) => !s.outside).length, 0);
    expect(rows).toBe(14750);
    const person = ds.labels.find((l) => l.name === 'person')!;
    const personRows = ds.tracks
      .filter((t) => t.label_id === person.id)
      .reduce((n, t) => n + t.shapes.filter((s) => !s.outside).length, 0);
    expect(personRows).toBe(9019);
    const sink = new MemoryFiles();
    await motCodec.export!(ds, sink, { saveImages: false });
    expect(sink.text('gt/gt.txt').trim().split('\n')).toHaveLength(14750);
    const second = await motCodec.import!(sink.source(), { frames: frames(ds) });
    expect(counts(second)).toEqual(counts(ds));
    expect(perFrame(second)).toEqual(perFrame(ds));
  });
});

describe('MOT 1.1 tracks', () => {
  it('exports interpolated boxes between keyframes and reads them back', async () => {
    const source = memorySource({
      'gt/labels.txt': 'car\n',
      'gt/gt.txt': '1,5,0,0,10,10,1,1,1\n3,5,20,0,10,10,1,1,0.5\n',
    });
    const target = ['a', 'b', 'c', 'd'].map((n) => ({ name: n, width: 100, height: 100 }));
    const ds = await motCodec.import!(source, { frames: target });
    expect(ds.tracks[0]!.shapes.map((s) => [s.frame, s.outside])).toEqual([
      [0, false],
      [1, true],
      [2, false],
      [3, true],
    ]);
    // Drop the gap so frame 1 is interpolated: 0 → 20 gives x = 10.
    ds.tracks[0]!.shapes.splice(1, 1);
    const sink = new MemoryFiles();
    await motCodec.export!(ds, sink, { saveImages: false });
    expect(sink.text('gt/gt.txt')).toBe(
      '1,1,0,0,10,10,1,1,1\n2,1,10,0,10,10,1,1,1\n3,1,20,0,10,10,1,1,0.5\n',
    );
  });
});

describe('MOT 1.1 progress and cancel', () => {
  it('stops with an AbortError when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const source = assetSource(`${M}/x-anylabeling_real-sequence_frame0-based`);
    await expect(motCodec.import!(source, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    const ds = await motCodec.import!(assetSource(`${M}/datumaro-tests/mot_seq`), {});
    await expect(
      motCodec.export!(ds, new MemoryFiles(), {
        saveImages: true,
        signal: controller.signal,
        media: async () => new Uint8Array(1),
      }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('MOT 1.1 malformed input', () => {
  it('rejects a class id past labels.txt', async () => {
    const source = memorySource({ 'gt/labels.txt': 'car\nbus\n', 'gt/gt.txt': '1,1,0,0,1,1,1,3,1\n' });
    await expect(motCodec.import!(source, {})).rejects.toThrow(
      'gt/gt.txt line 1: class_id 3 has no label (expected a class id from 1 to 2 (a line of gt/labels.txt))',
    );
  });
  it('rejects a short row', async () => {
    const source = memorySource({ 'gt/gt.txt': '1,1,0,0,1,1,1,1,1\n2,1,0\n' });
    await expect(motCodec.import!(source, {})).rejects.toThrow(
      'gt/gt.txt line 2: 3 columns (expected frame, track_id, x, y, w, h[, not_ignored, class_id, visibility])',
    );
  });
  it('rejects a non-numeric width', async () => {
    const source = memorySource({ 'gt/gt.txt': '1,1,0,0,wide,1\n' });
    await expect(motCodec.import!(source, {})).rejects.toThrow(
      'gt/gt.txt line 1: w is "wide" (expected a number)',
    );
  });
  it('rejects a negative frame', async () => {
    await expect(motCodec.import!(memorySource({ 'gt/gt.txt': '-2,1,0,0,1,1\n' }), {})).rejects.toThrow(
      'gt/gt.txt line 1: frame is "-2" (expected a frame number from 1)',
    );
  });
  it('splits a track that changes class and says so', async () => {
    const source = memorySource({
      'gt/labels.txt': 'car\nbus\n',
      'gt/gt.txt': '1,4,0,0,1,1,1,1,1\n2,4,0,0,1,1,1,2,1\n',
    });
    const warnings: string[] = [];
    const ds = await motCodec.import!(source, { warn: (m) => warnings.push(m) });
    expect(ds.tracks).toHaveLength(2);
    expect(warnings).toEqual([
      'gt/gt.txt line 2: track 4 changes its class to 2; the rows of each class form their own track',
    ]);
  });
  it('needs gt/gt.txt', async () => {
    await expect(motCodec.import!(memorySource({ 'gt.txt': '' }), {})).rejects.toThrow(
      'gt/gt.txt: not found in the archive',
    );
  });
});
