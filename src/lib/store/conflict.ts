/**
 * Conflict resolution for replication. RxDB's default handler keeps the server's copy and
 * silently drops the later offline edit; these handlers keep the newer edit instead.
 * - Most documents: last writer wins on `updated_date`.
 * - Frame documents: merged object by object, so two people editing different objects on the
 *   same frame both keep their work. For the same object the newer `updated_date` wins, and a
 *   removal (tombstone) wins over edits older than it.
 * Ties go to the master (server) state so that every replica converges on the same result.
 */
import { deepEqual, type RxConflictHandler } from 'rxdb';
import type { FrameObject, Id, Timestamp } from '../core/types';
import type { FrameDoc } from './documents';

/** A replicated document state: the document plus RxDB's deletion flag. */
export type Replicated<T> = T & { _deleted: boolean };

/** ISO-8601 timestamps from `Date.toISOString()` compare correctly as strings. */
function isNewer(a: Timestamp, b: Timestamp): boolean {
  return a > b;
}

function maxDate(a: Timestamp, b: Timestamp): Timestamp {
  return isNewer(b, a) ? b : a;
}

/** Last writer wins: the state with the newer `updated_date`; the master on a tie. */
export function mergeLastWriterWins<T extends { updated_date: Timestamp }>(
  master: Replicated<T>,
  fork: Replicated<T>,
): Replicated<T> {
  return isNewer(fork.updated_date, master.updated_date) ? fork : master;
}

/**
 * Per-object merge of two states of the same frame document. Deterministic and commutative
 * apart from exact ties, which go to `master`.
 */
export function mergeFrameDocs(
  master: Replicated<FrameDoc>,
  fork: Replicated<FrameDoc>,
): Replicated<FrameDoc> {
  // A deleted frame document (its task or job was removed) is a whole-document decision.
  if (master._deleted || fork._deleted) return mergeLastWriterWins(master, fork);

  const objects: Record<Id, FrameObject> = {};
  const removed: Record<Id, Timestamp> = {};
  const ids = new Set<Id>([
    ...Object.keys(master.objects),
    ...Object.keys(fork.objects),
    ...Object.keys(master.removed),
    ...Object.keys(fork.removed),
  ]);
  for (const id of ids) {
    const object = newerObject(master.objects[id], fork.objects[id]);
    const tombstone = newerDate(master.removed[id], fork.removed[id]);
    if (tombstone !== undefined && (object === undefined || !isNewer(object.updated_date, tombstone))) {
      removed[id] = tombstone;
    } else if (object !== undefined) {
      objects[id] = object;
    }
  }
  return {
    ...master,
    objects,
    removed,
    updated_date: maxDate(master.updated_date, fork.updated_date),
    _deleted: false,
  };
}

function newerObject(a: FrameObject | undefined, b: FrameObject | undefined): FrameObject | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return isNewer(b.updated_date, a.updated_date) ? b : a;
}

function newerDate(a: Timestamp | undefined, b: Timestamp | undefined): Timestamp | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return maxDate(a, b);
}

function handlerFrom<T>(
  merge: (master: Replicated<T>, fork: Replicated<T>) => Replicated<T>,
): RxConflictHandler<T> {
  return {
    isEqual: (a, b) => deepEqual(a, b),
    resolve: async ({ realMasterState, newDocumentState }) => merge(realMasterState, newDocumentState),
  };
}

export function lastWriterWinsConflictHandler<T extends { updated_date: Timestamp }>(): RxConflictHandler<T> {
  return handlerFrom<T>(mergeLastWriterWins);
}

export const frameConflictHandler: RxConflictHandler<FrameDoc> = handlerFrom<FrameDoc>(mergeFrameDocs);
