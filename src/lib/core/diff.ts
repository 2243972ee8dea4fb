import { jsonEqual } from './jsonEqual';

/** A record in a diffable collection: any JSON-serialisable object with a string id. */
export interface IdRecord {
  id: string;
}

export type RecordMap<R extends IdRecord> = Record<string, R>;

/** A change to a record map, keyed by record id. `updated` holds `[before, after]`. */
export interface Diff<R extends IdRecord> {
  added: Record<string, R>;
  updated: Record<string, [R, R]>;
  removed: Record<string, R>;
}

export function emptyDiff<R extends IdRecord>(): Diff<R> {
  return { added: {}, updated: {}, removed: {} };
}

export function isEmptyDiff<R extends IdRecord>(diff: Diff<R>): boolean {
  return (
    Object.keys(diff.added).length === 0 &&
    Object.keys(diff.updated).length === 0 &&
    Object.keys(diff.removed).length === 0
  );
}

/** The diff that undoes `diff`. */
export function invertDiff<R extends IdRecord>(diff: Diff<R>): Diff<R> {
  const updated: Record<string, [R, R]> = {};
  for (const [id, [before, after]] of Object.entries(diff.updated)) updated[id] = [after, before];
  return { added: { ...diff.removed }, updated, removed: { ...diff.added } };
}

/** Applies `diff` to `records`, returning a new map; `records` is not mutated. */
export function applyDiff<R extends IdRecord>(records: RecordMap<R>, diff: Diff<R>): RecordMap<R> {
  const next: RecordMap<R> = { ...records };
  for (const id of Object.keys(diff.removed)) delete next[id];
  for (const [id, record] of Object.entries(diff.added)) next[id] = record;
  for (const [id, [, after]] of Object.entries(diff.updated)) next[id] = after;
  return next;
}

/** The diff that turns `before` into `after`; records equal as JSON count as unchanged. */
export function diffRecords<R extends IdRecord>(before: RecordMap<R>, after: RecordMap<R>): Diff<R> {
  const diff = emptyDiff<R>();
  for (const [id, record] of Object.entries(before)) {
    const next = after[id];
    if (next === undefined) diff.removed[id] = record;
    else if (!jsonEqual(record, next)) diff.updated[id] = [record, next];
  }
  for (const [id, record] of Object.entries(after)) {
    if (before[id] === undefined) diff.added[id] = record;
  }
  return diff;
}

type Presence<R> = { present: false } | { present: true; record: R };
const ABSENT = { present: false } as const;

function stateBefore<R extends IdRecord>(diff: Diff<R>, id: string): Presence<R> | undefined {
  if (Object.hasOwn(diff.added, id)) return ABSENT;
  const updated = diff.updated[id];
  if (updated) return { present: true, record: updated[0] };
  const removed = diff.removed[id];
  if (removed) return { present: true, record: removed };
  return undefined;
}

function stateAfter<R extends IdRecord>(diff: Diff<R>, id: string): Presence<R> | undefined {
  const added = diff.added[id];
  if (added) return { present: true, record: added };
  const updated = diff.updated[id];
  if (updated) return { present: true, record: updated[1] };
  if (Object.hasOwn(diff.removed, id)) return ABSENT;
  return undefined;
}

/**
 * One diff with the effect of applying `first` and then `second`. A record that ends as it
 * started drops out.
 */
export function squashDiffs<R extends IdRecord>(first: Diff<R>, second: Diff<R>): Diff<R> {
  const ids = new Set<string>();
  for (const diff of [first, second]) {
    for (const part of [diff.added, diff.updated, diff.removed]) {
      for (const id of Object.keys(part)) ids.add(id);
    }
  }
  const result = emptyDiff<R>();
  for (const id of ids) {
    const before = stateBefore(first, id) ?? stateBefore(second, id) ?? ABSENT;
    const after = stateAfter(second, id) ?? stateAfter(first, id) ?? ABSENT;
    if (!before.present && after.present) result.added[id] = after.record;
    else if (before.present && !after.present) result.removed[id] = before.record;
    else if (before.present && after.present && !jsonEqual(before.record, after.record)) {
      result.updated[id] = [before.record, after.record];
    }
  }
  return result;
}
