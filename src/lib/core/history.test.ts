import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HISTORY_LIMIT,
  History,
  applyDiff,
  createEntry,
  diffRecords,
  emptyDiff,
  invertDiff,
  isEmptyDiff,
  squashDiffs,
  type Diff,
  type HistoryEntry,
  type RecordMap,
} from './history';

interface Box {
  id: string;
  x: number;
  label: string;
  tags: string[];
}

type Boxes = RecordMap<Box>;

const box = (id: string, x: number, label = 'car'): Box => ({ id, x, label, tags: [] });

const boxArb = (id: string): fc.Arbitrary<Box> =>
  fc.record({
    id: fc.constant(id),
    x: fc.integer({ min: -5, max: 5 }),
    label: fc.constantFrom('car', 'person'),
    tags: fc.array(fc.constantFrom('a', 'b'), { maxLength: 2 }),
  });

const statesArb: fc.Arbitrary<Boxes> = fc
  .subarray(['a', 'b', 'c', 'd', 'e'])
  .chain((ids) => fc.tuple(...ids.map(boxArb)))
  .map((boxes) => Object.fromEntries(boxes.map((b) => [b.id, b])));

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('diff helpers', () => {
  it('applyDiff adds, updates and removes without mutating its input', () => {
    const records = deepFreeze<Boxes>({ a: box('a', 1), b: box('b', 2) });
    const diff: Diff<Box> = {
      added: { c: box('c', 3) },
      updated: { a: [box('a', 1), box('a', 10)] },
      removed: { b: box('b', 2) },
    };
    expect(applyDiff(records, diff)).toEqual({ a: box('a', 10), c: box('c', 3) });
    expect(records).toEqual({ a: box('a', 1), b: box('b', 2) });
  });

  it('invertDiff swaps added/removed and before/after', () => {
    const diff: Diff<Box> = {
      added: { c: box('c', 3) },
      updated: { a: [box('a', 1), box('a', 2)] },
      removed: { b: box('b', 2) },
    };
    expect(invertDiff(diff)).toEqual({
      added: { b: box('b', 2) },
      updated: { a: [box('a', 2), box('a', 1)] },
      removed: { c: box('c', 3) },
    });
  });

  it('isEmptyDiff', () => {
    expect(isEmptyDiff(emptyDiff())).toBe(true);
    expect(isEmptyDiff({ ...emptyDiff<Box>(), added: { a: box('a', 1) } })).toBe(false);
  });

  it('squashDiffs folds add-then-update into add, and add-then-remove into nothing', () => {
    const add: Diff<Box> = { ...emptyDiff<Box>(), added: { a: box('a', 1) } };
    const move: Diff<Box> = { ...emptyDiff<Box>(), updated: { a: [box('a', 1), box('a', 5)] } };
    const remove: Diff<Box> = { ...emptyDiff<Box>(), removed: { a: box('a', 5) } };
    expect(squashDiffs(add, move)).toEqual({ ...emptyDiff(), added: { a: box('a', 5) } });
    expect(isEmptyDiff(squashDiffs(squashDiffs(add, move), remove))).toBe(true);
  });

  it('squashDiffs drops an update that returns to the start', () => {
    const there: Diff<Box> = { ...emptyDiff<Box>(), updated: { a: [box('a', 1), box('a', 5)] } };
    expect(isEmptyDiff(squashDiffs(there, invertDiff(there)))).toBe(true);
  });

  it('property: a diff then its inverse restores the records exactly', () => {
    fc.assert(
      fc.property(statesArb, statesArb, (before, after) => {
        const diff = diffRecords(before, after);
        expect(applyDiff(before, diff)).toEqual(after);
        expect(applyDiff(applyDiff(before, diff), invertDiff(diff))).toEqual(before);
        expect(invertDiff(invertDiff(diff))).toEqual(diff);
      }),
    );
  });

  it('property: squashing two diffs equals applying them in turn', () => {
    fc.assert(
      fc.property(statesArb, statesArb, statesArb, (s0, s1, s2) => {
        const squashed = squashDiffs(diffRecords(s0, s1), diffRecords(s1, s2));
        expect(applyDiff(s0, squashed)).toEqual(s2);
        expect(squashed).toEqual(diffRecords(s0, s2));
        expect(applyDiff(s2, invertDiff(squashed))).toEqual(s0);
      }),
    );
  });

  it('property: diffRecords of equal maps is empty', () => {
    fc.assert(fc.property(statesArb, (s) => isEmptyDiff(diffRecords(s, structuredClone(s)))));
  });
});

function entry(label: string, diff: Diff<Box>): HistoryEntry<Box> {
  return createEntry(label, diff);
}

function change(from: Boxes, to: Boxes, label = 'Edit'): HistoryEntry<Box> {
  return entry(label, diffRecords(from, to));
}

describe('History', () => {
  it('undoes and redoes a recorded change', () => {
    const history = new History<Box>();
    const s0: Boxes = {};
    const s1: Boxes = { a: box('a', 1) };
    expect(history.canUndo()).toBe(false);
    history.record(change(s0, s1, 'Draw rectangle'));
    expect(history.canUndo()).toBe(true);
    expect(history.peekUndo()?.label).toBe('Draw rectangle');

    const undo = history.undo();
    expect(undo).not.toBeNull();
    expect(applyDiff(s1, undo!)).toEqual(s0);
    expect(history.canUndo()).toBe(false);
    expect(history.canRedo()).toBe(true);
    expect(history.peekRedo()?.label).toBe('Draw rectangle');

    const redo = history.redo();
    expect(applyDiff(s0, redo!)).toEqual(s1);
    expect(history.undo()).not.toBeNull();
    expect(history.undo()).toBeNull();
  });

  it('returns null when there is nothing to undo or redo', () => {
    const history = new History<Box>();
    expect(history.undo()).toBeNull();
    expect(history.redo()).toBeNull();
  });

  it('clears the redo stack on a new record', () => {
    const history = new History<Box>();
    history.record(change({}, { a: box('a', 1) }));
    history.undo();
    expect(history.canRedo()).toBe(true);
    history.record(change({}, { b: box('b', 1) }));
    expect(history.canRedo()).toBe(false);
  });

  it('ignores empty diffs', () => {
    const history = new History<Box>();
    expect(history.record(entry('Nothing', emptyDiff()))).toBe(false);
    expect(history.canUndo()).toBe(false);
  });

  it('defaults to CVAT depth and drops the oldest entries past the limit', () => {
    expect(new History<Box>().limit).toBe(DEFAULT_HISTORY_LIMIT);
    expect(DEFAULT_HISTORY_LIMIT).toBe(128);
    const history = new History<Box>({ limit: 3 });
    for (let i = 0; i < 5; i += 1) history.record(change({}, { a: box('a', i) }, `step ${i}`));
    expect(history.undoEntries.map((e) => e.label)).toEqual(['step 2', 'step 3', 'step 4']);
    expect(() => new History<Box>({ limit: 0 })).toThrow(RangeError);
  });

  it('folds a batch into one entry with the batch label', () => {
    const history = new History<Box>();
    const s0: Boxes = { a: box('a', 0) };
    const s1: Boxes = { a: box('a', 1) };
    const s2: Boxes = { a: box('a', 2) };
    const s3: Boxes = { a: box('a', 3), b: box('b', 0) };
    history.beginBatch('Drag');
    history.beginBatch('inner');
    history.record(change(s0, s1));
    history.endBatch();
    history.record(change(s1, s2));
    history.record(change(s2, s3));
    expect(history.inBatch).toBe(true);
    history.endBatch();
    expect(history.inBatch).toBe(false);
    expect(history.undoEntries).toHaveLength(1);
    expect(history.peekUndo()?.label).toBe('Drag');
    expect(applyDiff(s3, history.undo()!)).toEqual(s0);
  });

  it('drops a batch whose changes cancel out', () => {
    const history = new History<Box>();
    history.record(change({}, { a: box('a', 0) }, 'Draw'));
    history.beginBatch('Wiggle');
    history.record(change({ a: box('a', 0) }, { a: box('a', 4) }));
    history.record(change({ a: box('a', 4) }, { a: box('a', 0) }));
    history.endBatch();
    expect(history.undoEntries.map((e) => e.label)).toEqual(['Draw']);
  });

  it('mergeWithLast folds into the newest entry', () => {
    const history = new History<Box>();
    history.record(change({}, { a: box('a', 0) }, 'Rename'));
    history.record(change({ a: box('a', 0) }, { a: box('a', 0, 'bus') }), { mergeWithLast: true });
    expect(history.undoEntries).toHaveLength(1);
    expect(applyDiff({ a: box('a', 0, 'bus') }, history.undo()!)).toEqual({});
  });

  it('squashLast folds the newest entries', () => {
    const history = new History<Box>();
    history.record(change({}, { a: box('a', 0) }, 'one'));
    history.record(change({ a: box('a', 0) }, { a: box('a', 1) }, 'two'));
    history.record(change({ a: box('a', 1) }, { a: box('a', 2) }, 'three'));
    history.squashLast(2, 'Move');
    expect(history.undoEntries.map((e) => e.label)).toEqual(['one', 'Move']);
    expect(applyDiff({ a: box('a', 2) }, history.undo()!)).toEqual({ a: box('a', 0) });
  });

  it('restores exactly from JSON after a reload', () => {
    const history = new History<Box>({ limit: 10 });
    const states: Boxes[] = [{}, { a: box('a', 1) }, { a: box('a', 2), b: box('b', 0) }, { b: box('b', 0) }];
    for (let i = 1; i < states.length; i += 1)
      history.record(change(states[i - 1]!, states[i]!, `step ${i}`));
    history.undo();

    const restored = History.fromJSON<Box>(JSON.parse(JSON.stringify(history)));
    expect(restored.toJSON()).toEqual(history.toJSON());
    expect(restored.limit).toBe(10);
    expect(restored.redo()).toEqual(history.redo());
    expect(restored.undo()).toEqual(history.undo());
    expect(restored.undo()).toEqual(history.undo());
  });

  it('rejects malformed saved history with the path of the problem', () => {
    expect(() => History.fromJSON({ version: 2, limit: 5, undo: [], redo: [] })).toThrow(/version/);
    expect(() =>
      History.fromJSON({ version: 1, limit: 5, undo: [{ id: 'x', label: 'l', timestamp: 't' }], redo: [] }),
    ).toThrow(/undo\.0\.diff/);
    expect(() => History.fromJSON(null)).toThrow(/invalid saved history/);
  });

  type Op = { kind: 'record'; next: Boxes } | { kind: 'undo' } | { kind: 'redo' } | { kind: 'reload' };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    statesArb.map((next) => ({ kind: 'record' as const, next })),
    fc.constant({ kind: 'undo' as const }),
    fc.constant({ kind: 'redo' as const }),
    fc.constant({ kind: 'reload' as const }),
  );

  it('property: matches a model of state snapshots through record/undo/redo/reload', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.integer({ min: 1, max: 6 }), (ops, limit) => {
        let history = new History<Box>({ limit });
        let current: Boxes = {};
        // model: snapshots[0..index] are undoable back to snapshots[0], later ones are redoable
        let snapshots: Boxes[] = [{}];
        let index = 0;
        for (const op of ops) {
          if (op.kind === 'record') {
            const recorded = history.record(change(current, op.next));
            current = op.next;
            if (recorded) {
              snapshots = [...snapshots.slice(0, index + 1), op.next];
              index += 1;
              if (index > limit) {
                snapshots = snapshots.slice(index - limit);
                index = limit;
              }
            }
          } else if (op.kind === 'undo') {
            const diff = history.undo();
            expect(diff === null).toBe(index === 0);
            if (diff) {
              current = applyDiff(current, diff);
              index -= 1;
            }
          } else if (op.kind === 'redo') {
            const diff = history.redo();
            expect(diff === null).toBe(index === snapshots.length - 1);
            if (diff) {
              current = applyDiff(current, diff);
              index += 1;
            }
          } else {
            history = History.fromJSON<Box>(JSON.parse(JSON.stringify(history.toJSON())));
          }
          expect(current).toEqual(snapshots[index]);
          expect(history.canUndo()).toBe(index > 0);
          expect(history.canRedo()).toBe(index < snapshots.length - 1);
        }
      }),
    );
  });
});
