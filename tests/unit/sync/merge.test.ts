import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FrameDoc } from '../../../src/lib/store';
import {
  collisionsOf,
  mergeDocsWithCollisions,
  mergeFrameDocsWithCollisions,
  type Replicated,
} from '../../../src/lib/store/conflict';
import { rectangle } from '../../../src/lib/store/testObjects';

const T1 = '2025-03-01T10:00:00.000Z';
const T2 = '2025-03-01T11:00:00.000Z';
const T3 = '2025-03-01T12:00:00.000Z';

function frame(
  objects: FrameDoc['objects'],
  removed: FrameDoc['removed'] = {},
  updated_date = T1,
): Replicated<FrameDoc> {
  return { id: 'job:0', job_id: 'job', frame: 0, objects, removed, updated_date, _deleted: false };
}

describe('three-way merge of a frame document', () => {
  const base = frame({ a: rectangle('a', 0, T1, 1), b: rectangle('b', 0, T1, 2) });

  it('keeps a field changed on one side and a different field changed on the other, without a collision', () => {
    const mine = frame({ ...base.objects, a: { ...rectangle('a', 0, T2, 1), occluded: true } }, {}, T2);
    const theirs = frame(
      { ...base.objects, a: { ...rectangle('a', 0, T3, 1), label_id: 'label-9' } },
      {},
      T3,
    );
    const { doc, collisions } = mergeFrameDocsWithCollisions(theirs, mine, base);
    expect(doc.objects.a).toMatchObject({ occluded: true, label_id: 'label-9', updated_date: T3 });
    expect(collisions).toEqual([]);
  });

  it('gives a true collision to the later edit and reports the losing version, from either side', () => {
    const older = frame({ ...base.objects, a: rectangle('a', 0, T2, 10) }, {}, T2);
    const newer = frame({ ...base.objects, a: rectangle('a', 0, T3, 20) }, {}, T3);
    for (const [master, fork, loserSide] of [
      [older, newer, 'master'],
      [newer, older, 'fork'],
    ] as const) {
      const { doc, collisions } = mergeFrameDocsWithCollisions(master, fork, base);
      expect(doc.objects.a).toMatchObject({ points: [20, 0, 30, 10] });
      expect(collisions).toHaveLength(1);
      expect(collisions[0]).toMatchObject({
        objectId: 'a',
        fields: ['points'],
        loserSide,
        loserDate: T2,
        winnerDate: T3,
      });
      expect(collisions[0]!.loser).toMatchObject({ points: [10, 0, 20, 10] });
    }
  });

  it('reports a removal that beat a concurrent edit', () => {
    const edited = frame({ ...base.objects, a: rectangle('a', 0, T2, 50) }, {}, T2);
    const removed = frame({ b: base.objects.b! }, { a: T3 }, T3);
    const { doc, collisions } = mergeFrameDocsWithCollisions(edited, removed, base);
    expect(doc.objects.a).toBeUndefined();
    expect(doc.removed).toEqual({ a: T3 });
    expect(collisions).toEqual([
      expect.objectContaining({ objectId: 'a', fields: ['(removed)'], loserSide: 'master' }),
    ]);
  });

  it('reports an edit that beat an older removal, and keeps the object', () => {
    const removed = frame({ b: base.objects.b! }, { a: T2 }, T2);
    const edited = frame({ ...base.objects, a: rectangle('a', 0, T3, 60) }, {}, T3);
    const { doc, collisions } = mergeFrameDocsWithCollisions(removed, edited, base);
    expect(doc.objects.a).toMatchObject({ points: [60, 0, 70, 10] });
    expect(collisions).toEqual([
      expect.objectContaining({ objectId: 'a', fields: ['(removed)'], loserSide: 'master' }),
    ]);
  });

  it('converges: both orders give the same objects (property)', () => {
    const edit = fc.record({
      x: fc.integer({ min: 0, max: 5 }),
      occluded: fc.boolean(),
      at: fc.constantFrom(T2, T3),
    });
    fc.assert(
      fc.property(edit, edit, (e1, e2) => {
        fc.pre(e1.at !== e2.at);
        const side = (e: typeof e1) =>
          frame({ ...base.objects, a: { ...rectangle('a', 0, e.at, e.x), occluded: e.occluded } }, {}, e.at);
        const one = mergeFrameDocsWithCollisions(side(e1), side(e2), base).doc;
        const two = mergeFrameDocsWithCollisions(side(e2), side(e1), base).doc;
        expect(one.objects).toEqual(two.objects);
      }),
    );
  });
});

describe('three-way merge of other documents', () => {
  const base = { id: 'p', name: 'Streets', bug_tracker: '', updated_date: T1, _deleted: false };

  it('merges different fields and logs a collision on the same field', () => {
    const renamed = { ...base, name: 'Roads', updated_date: T2 };
    const tracked = { ...base, bug_tracker: 'https://bugs.example', updated_date: T3 };
    expect(mergeDocsWithCollisions(renamed, tracked, base)).toEqual({
      doc: { ...base, name: 'Roads', bug_tracker: 'https://bugs.example', updated_date: T3 },
      collisions: [],
    });
    const other = { ...base, name: 'Avenues', updated_date: T3 };
    const { doc, collisions } = mergeDocsWithCollisions(renamed, other, base);
    expect(doc.name).toBe('Avenues');
    expect(collisions).toEqual([expect.objectContaining({ fields: ['name'], loserSide: 'master' })]);
  });

  it('recomputes the collisions of a resolved conflict from the handler input', async () => {
    const mine = frame({ a: rectangle('a', 0, T2, 7) }, {}, T2);
    const theirs = frame({ a: rectangle('a', 0, T3, 8) }, {}, T3);
    const input = {
      realMasterState: theirs,
      newDocumentState: mine,
      assumedMasterState: frame({ a: rectangle('a', 0, T1, 1) }),
    };
    expect(await collisionsOf('frame', input)).toHaveLength(1);
    expect(await collisionsOf('project', { realMasterState: base, newDocumentState: base })).toEqual([]);
  });
});
