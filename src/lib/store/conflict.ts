/**
 * Conflict resolution for replication. RxDB's default handler keeps the server's copy and
 * silently drops the later offline edit; these handlers merge instead.
 * - Frame documents merge object by object, and an object edited on both sides merges field by
 *   field against the last state both sides agreed on (RxDB's assumed master state). Two people
 *   editing different objects, or different fields of one object, both keep their work.
 * - Other documents merge field by field the same way.
 * - A true collision (the same field changed to different values on both sides) goes to the
 *   newer `updated_date`; a removal (tombstone) wins over edits older than it. Every collision
 *   is reported by `collisionsOf` so that the losing version lands in the conflict log.
 * Ties go to the master (server) state so that every replica converges on the same result.
 */
import { deepEqual, type RxConflictHandler, type RxConflictHandlerInput } from 'rxdb';
import type { FrameObject, Id, Timestamp } from '../core/types';
import type { FrameDoc } from './documents';

/** A replicated document state: the document plus RxDB's deletion flag. */
export type Replicated<T> = T & { _deleted: boolean };

type Dated = { updated_date: Timestamp };

/** One true collision: both sides changed the same field (or one removed what the other edited). */
export interface Collision {
  /** The object on a frame document; absent for a whole document. */
  objectId?: Id;
  /** Fields both sides changed, or `['(removed)']` for a removal against an edit. */
  fields: string[];
  /** The state that was kept and the one that lost, as they were on each side. */
  winner: unknown;
  loser: unknown;
  winnerDate: Timestamp;
  loserDate: Timestamp;
  /** Which side lost: this device's edit (`fork`) or the server's copy (`master`). */
  loserSide: 'fork' | 'master';
}

export interface MergeResult<T> {
  doc: Replicated<T>;
  collisions: Collision[];
}

/** Fields that describe an edit rather than its content; they follow the merged content. */
const EDIT_STAMPS = new Set(['updated_date', 'author', '_deleted', '_rev', '_meta', '_attachments']);

/** ISO-8601 timestamps from `Date.toISOString()` compare correctly as strings. */
function isNewer(a: Timestamp, b: Timestamp): boolean {
  return a > b;
}

function maxDate(a: Timestamp, b: Timestamp): Timestamp {
  return isNewer(b, a) ? b : a;
}

/** Last writer wins: the state with the newer `updated_date`; the master on a tie. */
export function mergeLastWriterWins<T extends Dated>(
  master: Replicated<T>,
  fork: Replicated<T>,
): Replicated<T> {
  return isNewer(fork.updated_date, master.updated_date) ? fork : master;
}

/**
 * Three-way merge of two versions of one record, field by field. With a `base`, a field
 * changed on one side only takes that side's value; without one (or when both changed it)
 * differing values are a collision, which the newer `updated_date` wins.
 */
export function mergeFields<T extends Dated>(
  base: T | undefined,
  master: T,
  fork: T,
): { merged: T; collided: string[]; forkWins: boolean } {
  const forkWins = isNewer(fork.updated_date, master.updated_date);
  const merged: Record<string, unknown> = {};
  const collided: string[] = [];
  const m = master as Record<string, unknown>;
  const f = fork as Record<string, unknown>;
  const b = base as Record<string, unknown> | undefined;
  const keys = new Set([...Object.keys(m), ...Object.keys(f)]);
  for (const key of keys) {
    if (EDIT_STAMPS.has(key)) continue;
    const mv = m[key];
    const fv = f[key];
    let value: unknown;
    if (deepEqual(mv, fv)) value = mv;
    else if (b !== undefined && deepEqual(b[key], mv)) value = fv;
    else if (b !== undefined && deepEqual(b[key], fv)) value = mv;
    else {
      collided.push(key);
      value = forkWins ? fv : mv;
    }
    if (value !== undefined) merged[key] = value;
  }
  const stamps = forkWins ? f : m;
  for (const key of EDIT_STAMPS) {
    if (key in stamps) merged[key] = stamps[key];
  }
  merged.updated_date = maxDate(master.updated_date, fork.updated_date);
  return { merged: merged as T, collided, forkWins };
}

/**
 * Per-object (and, within an object, per-field) merge of two states of the same frame document.
 * `base` is the state both sides last agreed on, when known.
 */
export function mergeFrameDocsWithCollisions(
  master: Replicated<FrameDoc>,
  fork: Replicated<FrameDoc>,
  base?: Replicated<FrameDoc>,
): MergeResult<FrameDoc> {
  // A deleted frame document (its task or job was removed) is a whole-document decision.
  if (master._deleted || fork._deleted) return { doc: mergeLastWriterWins(master, fork), collisions: [] };

  const objects: Record<Id, FrameObject> = {};
  const removed: Record<Id, Timestamp> = {};
  const collisions: Collision[] = [];
  const baseObjects = base && !base._deleted ? base.objects : undefined;
  const ids = new Set<Id>([
    ...Object.keys(master.objects),
    ...Object.keys(fork.objects),
    ...Object.keys(master.removed),
    ...Object.keys(fork.removed),
  ]);
  for (const id of ids) {
    const baseObject = baseObjects?.[id];
    const m = master.objects[id];
    const f = fork.objects[id];
    let object: FrameObject | undefined;
    if (m !== undefined && f !== undefined) {
      const { merged, collided, forkWins } = mergeFields(baseObject, m, f);
      object = merged;
      if (collided.length > 0) collisions.push(collision(id, collided, m, f, forkWins));
    } else {
      object = m ?? f;
    }
    const tombstone = newerDate(master.removed[id], fork.removed[id]);
    if (tombstone !== undefined && (object === undefined || !isNewer(object.updated_date, tombstone))) {
      removed[id] = tombstone;
      // One side removed an object the other side edited since they last agreed.
      if (object !== undefined && baseObject !== undefined && !deepEqual(object, baseObject)) {
        const removedOnFork = fork.removed[id] === tombstone;
        collisions.push({
          objectId: id,
          fields: ['(removed)'],
          winner: { removed: tombstone },
          loser: object,
          winnerDate: tombstone,
          loserDate: object.updated_date,
          loserSide: removedOnFork ? 'master' : 'fork',
        });
      }
    } else if (object !== undefined) {
      if (tombstone !== undefined && baseObject !== undefined && (m === undefined) !== (f === undefined)) {
        const removedOnFork = f === undefined;
        collisions.push({
          objectId: id,
          fields: ['(removed)'],
          winner: object,
          loser: { removed: tombstone },
          winnerDate: object.updated_date,
          loserDate: tombstone,
          loserSide: removedOnFork ? 'fork' : 'master',
        });
      }
      objects[id] = object;
    }
  }
  return {
    doc: {
      ...master,
      objects,
      removed,
      updated_date: maxDate(master.updated_date, fork.updated_date),
      _deleted: false,
    },
    collisions,
  };
}

/** Per-object merge of two states of the same frame document (see mergeFrameDocsWithCollisions). */
export function mergeFrameDocs(
  master: Replicated<FrameDoc>,
  fork: Replicated<FrameDoc>,
  base?: Replicated<FrameDoc>,
): Replicated<FrameDoc> {
  return mergeFrameDocsWithCollisions(master, fork, base).doc;
}

/**
 * Field-by-field merge of two states of any other document. A removal on either side is a
 * whole-document last-writer-wins decision.
 */
export function mergeDocsWithCollisions<T extends Dated>(
  master: Replicated<T>,
  fork: Replicated<T>,
  base?: Replicated<T>,
): MergeResult<T> {
  if (master._deleted || fork._deleted) {
    const doc = mergeLastWriterWins(master, fork);
    const lost = doc === master ? fork : master;
    const changedSinceBase = base === undefined || !deepEqual(stripStamps(lost), stripStamps(base));
    const collisions: Collision[] =
      master._deleted !== fork._deleted && changedSinceBase && !lost._deleted
        ? [
            {
              fields: ['(removed)'],
              winner: doc,
              loser: lost,
              winnerDate: doc.updated_date,
              loserDate: lost.updated_date,
              loserSide: lost === fork ? 'fork' : 'master',
            },
          ]
        : [];
    return { doc, collisions };
  }
  const { merged, collided, forkWins } = mergeFields<Replicated<T>>(
    base && !base._deleted ? base : undefined,
    master,
    fork,
  );
  merged._deleted = false;
  const collisions = collided.length > 0 ? [collision(undefined, collided, master, fork, forkWins)] : [];
  return { doc: merged, collisions };
}

function stripStamps(doc: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !EDIT_STAMPS.has(key)));
}

function collision<T extends Dated>(
  objectId: Id | undefined,
  fields: string[],
  master: T,
  fork: T,
  forkWins: boolean,
): Collision {
  const [winner, loser] = forkWins ? [fork, master] : [master, fork];
  return {
    ...(objectId === undefined ? {} : { objectId }),
    fields,
    winner,
    loser,
    winnerDate: winner.updated_date,
    loserDate: loser.updated_date,
    loserSide: forkWins ? 'master' : 'fork',
  };
}

function newerDate(a: Timestamp | undefined, b: Timestamp | undefined): Timestamp | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return maxDate(a, b);
}

type Merge<T> = (master: Replicated<T>, fork: Replicated<T>, base?: Replicated<T>) => MergeResult<T>;

/**
 * What this device knows about its own past writes whose outcome it never learnt (a push cut
 * off by the network after the server stored it; see src/lib/sync/sentLedger.ts).
 */
export interface OwnWrites {
  /** Whether this device sent exactly this state of the document. */
  sentDoc(docId: string, state: object): Promise<boolean>;
  /** Whether this device sent exactly this state of an object of a frame document. */
  sentObject(docId: string, objectId: string, object: object): Promise<boolean>;
}

let ownWrites: OwnWrites | null = null;

/** Sets (or clears) the record of this device's uncertain pushes that merges consult. */
export function setOwnWrites(writes: OwnWrites | null): void {
  ownWrites = writes;
}

/**
 * The common base of a conflict. RxDB's assumed master state, except where the server's
 * version is one this device sent itself: then that version is what both sides agree on, and
 * this device's later edits simply follow it.
 */
async function baseOf(
  kind: 'frame' | 'doc',
  input: RxConflictHandlerInput<unknown>,
): Promise<Replicated<unknown> | undefined> {
  const master = input.realMasterState as Replicated<{ id?: string }>;
  const assumed = input.assumedMasterState as Replicated<unknown> | undefined;
  const writes = ownWrites;
  const docId = typeof master.id === 'string' ? master.id : undefined;
  if (!writes || docId === undefined) return assumed;
  if (await writes.sentDoc(docId, master)) return master;
  if (kind !== 'frame' || master._deleted) return assumed;
  const frame = master as unknown as Replicated<FrameDoc>;
  const known = assumed as Replicated<FrameDoc> | undefined;
  let objects: FrameDoc['objects'] | undefined;
  for (const [id, object] of Object.entries(frame.objects)) {
    if (!(await writes.sentObject(docId, id, object))) continue;
    objects ??= { ...(known && !known._deleted ? known.objects : {}) };
    objects[id] = object;
  }
  if (!objects) return assumed;
  const base: Replicated<FrameDoc> = { ...(known ?? { ...frame, removed: {} }), objects, _deleted: false };
  return base;
}

/**
 * The base each resolved conflict was merged against, by handler input (RxDB hands the same
 * input object to the conflict events), so that the log sees exactly what the merge saw.
 */
const basesUsed = new WeakMap<object, Replicated<unknown> | undefined>();

async function baseFor(
  kind: 'frame' | 'doc',
  input: RxConflictHandlerInput<unknown>,
): Promise<Replicated<unknown> | undefined> {
  if (basesUsed.has(input)) return basesUsed.get(input);
  const base = await baseOf(kind, input);
  basesUsed.set(input, base);
  return base;
}

function handlerFrom<T>(kind: 'frame' | 'doc', merge: Merge<T>): RxConflictHandler<T> {
  return {
    isEqual: (a, b) => deepEqual(a, b),
    resolve: async (input) =>
      merge(
        input.realMasterState,
        input.newDocumentState,
        (await baseFor(kind, input as RxConflictHandlerInput<unknown>)) as Replicated<T> | undefined,
      ).doc,
  };
}

/** Field-level merge handler for documents with an `updated_date`. */
export function lastWriterWinsConflictHandler<T extends Dated>(): RxConflictHandler<T> {
  return handlerFrom<T>('doc', mergeDocsWithCollisions);
}

export const frameConflictHandler: RxConflictHandler<FrameDoc> = handlerFrom<FrameDoc>(
  'frame',
  mergeFrameDocsWithCollisions,
);

/**
 * The collisions a conflict handler resolved, recomputed from its input (the merge is pure and
 * deterministic, so this matches what was written). `collection` picks the merge.
 */
export async function collisionsOf(
  collection: string,
  input: RxConflictHandlerInput<unknown>,
): Promise<Collision[]> {
  const { realMasterState, newDocumentState } = input;
  if (collection === 'frame') {
    return mergeFrameDocsWithCollisions(
      realMasterState as Replicated<FrameDoc>,
      newDocumentState as Replicated<FrameDoc>,
      (await baseFor('frame', input)) as Replicated<FrameDoc> | undefined,
    ).collisions;
  }
  return mergeDocsWithCollisions(
    realMasterState as Replicated<Dated>,
    newDocumentState as Replicated<Dated>,
    (await baseFor('doc', input)) as Replicated<Dated> | undefined,
  ).collisions;
}
