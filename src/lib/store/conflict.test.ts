import { describe, expect, it } from 'vitest';
import { frameConflictHandler, mergeFrameDocs, mergeLastWriterWins, type Replicated } from './conflict';
import type { FrameDoc } from './documents';
import { rectangle } from './testObjects';

const leftEdge = (doc: FrameDoc, id: string): number | undefined => {
  const object = doc.objects[id];
  return object?.kind === 'shape' ? object.points[0] : undefined;
};

const T1 = '2024-05-01T10:00:00.000Z';
const T2 = '2024-05-01T11:00:00.000Z';
const T3 = '2024-05-01T12:00:00.000Z';

function frameDoc(parts: Partial<Replicated<FrameDoc>>): Replicated<FrameDoc> {
  return {
    id: 'job:3',
    job_id: 'job',
    frame: 3,
    objects: {},
    removed: {},
    updated_date: T1,
    _deleted: false,
    ...parts,
  };
}

describe('mergeFrameDocs', () => {
  it('keeps objects edited on two devices on the same frame', () => {
    const base = { a: rectangle('a', 3, T1), b: rectangle('b', 3, T1) };
    const deviceA = frameDoc({ objects: { ...base, a: rectangle('a', 3, T2, 50) }, updated_date: T2 });
    const deviceB = frameDoc({
      objects: { ...base, b: rectangle('b', 3, T3, 70), c: rectangle('c', 3, T3) },
      updated_date: T3,
    });

    const merged = mergeFrameDocs(deviceA, deviceB);
    expect(leftEdge(merged, 'a')).toBe(50);
    expect(leftEdge(merged, 'b')).toBe(70);
    expect(Object.keys(merged.objects).sort()).toEqual(['a', 'b', 'c']);
    expect(merged.updated_date).toBe(T3);
  });

  it('lets the newer edit of the same object win, whichever side it is on', () => {
    const older = frameDoc({ objects: { a: rectangle('a', 3, T1, 1) } });
    const newer = frameDoc({ objects: { a: rectangle('a', 3, T2, 2) }, updated_date: T2 });
    expect(leftEdge(mergeFrameDocs(older, newer), 'a')).toBe(2);
    expect(leftEdge(mergeFrameDocs(newer, older), 'a')).toBe(2);
  });

  it('keeps a removal against older edits and drops it against newer ones', () => {
    const removedAtT2 = frameDoc({ removed: { a: T2 }, updated_date: T2 });
    expect(mergeFrameDocs(removedAtT2, frameDoc({ objects: { a: rectangle('a', 3, T1) } })).objects).toEqual(
      {},
    );
    expect(mergeFrameDocs(frameDoc({ objects: { a: rectangle('a', 3, T1) } }), removedAtT2).removed).toEqual({
      a: T2,
    });

    const editedAtT3 = frameDoc({ objects: { a: rectangle('a', 3, T3, 9) }, updated_date: T3 });
    const merged = mergeFrameDocs(removedAtT2, editedAtT3);
    expect(leftEdge(merged, 'a')).toBe(9);
    expect(merged.removed).toEqual({});
  });

  it('treats a removed frame document as a whole-document last-writer-wins decision', () => {
    const deleted = frameDoc({ _deleted: true, updated_date: T3 });
    const edited = frameDoc({ objects: { a: rectangle('a', 3, T2) }, updated_date: T2 });
    expect(mergeFrameDocs(edited, deleted)._deleted).toBe(true);
  });
});

describe('mergeLastWriterWins', () => {
  const doc = (name: string, updated_date: string) => ({ id: 'p', name, updated_date, _deleted: false });

  it('keeps the later offline edit instead of the first one to reach the server', () => {
    expect(mergeLastWriterWins(doc('on server', T1), doc('offline later', T2)).name).toBe('offline later');
    expect(mergeLastWriterWins(doc('on server', T2), doc('offline earlier', T1)).name).toBe('on server');
  });

  it('goes to the master on a tie so every replica converges', () => {
    expect(mergeLastWriterWins(doc('master', T1), doc('fork', T1)).name).toBe('master');
  });
});

describe('frameConflictHandler', () => {
  it('resolves through the per-object merge and compares states deeply', async () => {
    const a = frameDoc({ objects: { a: rectangle('a', 3, T2) }, updated_date: T2 });
    const b = frameDoc({ objects: { b: rectangle('b', 3, T2) }, updated_date: T2 });
    expect(frameConflictHandler.isEqual(a, structuredClone(a), 'test')).toBe(true);
    expect(frameConflictHandler.isEqual(a, b, 'test')).toBe(false);
    const resolved = await frameConflictHandler.resolve({ realMasterState: a, newDocumentState: b }, 'test');
    expect(Object.keys(resolved.objects).sort()).toEqual(['a', 'b']);
  });
});
