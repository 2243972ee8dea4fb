import type { BulkWriteRow, RxDocumentData, RxStorageWriteError } from 'rxdb';
import { filter, map, merge, type Observable } from 'rxjs';
import type { Diff } from '../core/diff';
import { now } from '../core/ids';
import type { FrameObject, Id, Timestamp, Track } from '../core/types';
import type { WorkspaceDatabase } from './database';
import { frameDocId, type FrameDoc } from './documents';
import { guardQuota, NotFoundError } from './errors';
import { removeAll, upsertAll, WriteError } from './writes';

/** A change to the objects of a job, as the history records it. */
export type AnnotationDiff = Diff<FrameObject>;

export interface JobAnnotations {
  /** Objects per frame, frames in ascending order. */
  frames: Map<number, Record<Id, FrameObject>>;
  tracks: Track[];
}

/** The objects of one frame after a change (empty when the frame document was removed). */
export interface FrameChange {
  frame: number;
  objects: Record<Id, FrameObject>;
  /** Tombstones: ids removed from the frame, with when. */
  removed: Record<Id, Timestamp>;
}

/**
 * A stored document of a job changed (an edit here, another tab, or replication). The states
 * are the stored ones, not copies: read them, never change them.
 */
export type JobChange =
  | { kind: 'frame'; frame: number; objects: Readonly<Record<Id, FrameObject>> }
  | { kind: 'track'; id: Id; track: Readonly<Track> | null };

export interface AnnotationStore {
  loadJob(jobId: Id): Promise<JobAnnotations>;
  objectsOnFrame(jobId: Id, frame: number): Promise<FrameObject[]>;
  /**
   * Writes a diff in one bulk write: each touched frame document is read and written once.
   * An object whose `frame` changed moves between frame documents.
   */
  applyDiff(jobId: Id, diff: AnnotationDiff): Promise<void>;
  /**
   * For imports: the frames that `objects` touch end up holding exactly those objects (earlier
   * objects and tombstones of those frames are dropped), in one bulk write.
   */
  replaceFrames(jobId: Id, objects: readonly FrameObject[]): Promise<void>;
  /** Emits the new objects of a frame each time one of the job's frame documents changes. */
  changes$(jobId: Id): Observable<FrameChange>;
  /** Every change to the job's frame and track documents, without copying them. */
  jobChanges$(jobId: Id): Observable<JobChange>;
  tracksOfJob(jobId: Id): Promise<Track[]>;
  /** One track as stored, or undefined when there is none (or it was removed). */
  getTrack(id: Id): Promise<Track | undefined>;
  putTracks(tracks: readonly Track[]): Promise<void>;
  removeTracks(ids: readonly Id[]): Promise<void>;
}

const MAX_WRITE_ATTEMPTS = 5;

interface FrameEdit {
  upserts: Map<Id, FrameObject>;
  removals: Set<Id>;
  /** Start from an empty frame instead of the stored objects. */
  replace?: boolean;
}

/** Groups a diff by the frame document each change lands in. */
export function editsByFrame(diff: AnnotationDiff): Map<number, FrameEdit> {
  const edits = new Map<number, FrameEdit>();
  const on = (frame: number): FrameEdit => {
    let edit = edits.get(frame);
    if (!edit) {
      edit = { upserts: new Map(), removals: new Set() };
      edits.set(frame, edit);
    }
    return edit;
  };
  for (const [id, object] of Object.entries(diff.removed)) on(object.frame).removals.add(id);
  for (const [id, [before, after]] of Object.entries(diff.updated)) {
    if (before.frame !== after.frame) on(before.frame).removals.add(id);
    on(after.frame).upserts.set(id, after);
  }
  for (const [id, object] of Object.entries(diff.added)) on(object.frame).upserts.set(id, object);
  return edits;
}

/**
 * Applies one frame's edit to its document. Removals leave a tombstone. An object written back
 * over its own tombstone (undo of a delete) is stamped with `date`, so merges see it as newer.
 */
export function applyFrameEdit(doc: FrameDoc, edit: FrameEdit, date: Timestamp): FrameDoc {
  const objects = edit.replace ? {} : { ...doc.objects };
  const removed = edit.replace ? {} : { ...doc.removed };
  for (const id of edit.removals) {
    if (edit.upserts.has(id)) continue;
    delete objects[id];
    removed[id] = date;
  }
  for (const [id, object] of edit.upserts) {
    const tombstone = removed[id];
    objects[id] =
      tombstone !== undefined && tombstone >= object.updated_date
        ? { ...object, updated_date: date }
        : object;
    delete removed[id];
  }
  return { ...doc, objects, removed, updated_date: date };
}

function emptyFrameDoc(jobId: Id, frame: number, date: Timestamp): FrameDoc {
  return { id: frameDocId(jobId, frame), job_id: jobId, frame, objects: {}, removed: {}, updated_date: date };
}

function groupByFrame(objects: readonly FrameObject[]): Map<number, Record<Id, FrameObject>> {
  const frames = new Map<number, Record<Id, FrameObject>>();
  for (const object of objects) {
    let onFrame = frames.get(object.frame);
    if (!onFrame) {
      onFrame = {};
      frames.set(object.frame, onFrame);
    }
    onFrame[object.id] = object;
  }
  return frames;
}

export function createAnnotationStore(db: WorkspaceDatabase): AnnotationStore {
  async function requireJob(jobId: Id): Promise<void> {
    if (!(await db.job.findOne(jobId).exec())) throw new NotFoundError('Job', jobId);
  }

  /**
   * Read-modify-write of frame documents straight on the storage instance, with optimistic
   * concurrency: rows that another writer changed meanwhile come back as 409 and are redone.
   * (Collection queries are avoided here: a cached `findByIds` query over thousands of ids
   * gets replayed against every later write event and turns bulk edits quadratic.)
   */
  async function writeEdits(jobId: Id, edits: Map<number, FrameEdit>, date: Timestamp): Promise<void> {
    const storage = db.frame.storageInstance;
    let pending = [...edits.keys()];
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS && pending.length > 0; attempt++) {
      const ids = pending.map((frame) => frameDocId(jobId, frame));
      const stored = new Map((await storage.findDocumentsById(ids, true)).map((doc) => [doc.id, doc]));
      const rows: BulkWriteRow<FrameDoc>[] = pending.map((frame) => {
        const previous = stored.get(frameDocId(jobId, frame));
        const base = previous && !previous._deleted ? previous : emptyFrameDoc(jobId, frame, date);
        const next = applyFrameEdit(base, edits.get(frame) as FrameEdit, date);
        const document: RxDocumentData<FrameDoc> = {
          ...next,
          _deleted: false,
          _attachments: {},
          _meta: previous?._meta ?? { lwt: 0 },
          _rev: previous?._rev ?? '',
        };
        return previous ? { previous, document } : { document };
      });
      const result = await guardQuota(() => storage.bulkWrite(rows, 'loupe-apply-diff'));
      const failed = result.error.filter((error) => error.status !== 409);
      if (failed.length > 0) throw new WriteError(db.frame.name, failed as RxStorageWriteError<unknown>[]);
      const conflicted = new Set(result.error.map((error) => error.documentId));
      pending = pending.filter((frame) => conflicted.has(frameDocId(jobId, frame)));
    }
    if (pending.length > 0) {
      throw new Error(
        `Frames ${pending.join(', ')} of job ${jobId} kept changing during the write; try again.`,
      );
    }
  }

  return {
    async loadJob(jobId) {
      const [frameDocs, tracks] = await Promise.all([
        db.frame.find({ selector: { job_id: jobId } }).exec(),
        db.track.find({ selector: { job_id: jobId } }).exec(),
      ]);
      const frames = new Map<number, Record<Id, FrameObject>>();
      for (const doc of frameDocs.map((d) => d.toMutableJSON()).sort((a, b) => a.frame - b.frame)) {
        if (Object.keys(doc.objects).length > 0) frames.set(doc.frame, doc.objects);
      }
      return { frames, tracks: tracks.map((doc) => doc.toMutableJSON()) };
    },

    async objectsOnFrame(jobId, frame) {
      const doc = await db.frame.findOne(frameDocId(jobId, frame)).exec();
      return doc ? Object.values(doc.toMutableJSON().objects) : [];
    },

    async applyDiff(jobId, diff) {
      const edits = editsByFrame(diff);
      if (edits.size === 0) return;
      await requireJob(jobId);
      await writeEdits(jobId, edits, now());
    },

    async replaceFrames(jobId, objects) {
      if (objects.length === 0) return;
      await requireJob(jobId);
      const edits = new Map<number, FrameEdit>();
      for (const [frame, onFrame] of groupByFrame(objects)) {
        edits.set(frame, { upserts: new Map(Object.entries(onFrame)), removals: new Set(), replace: true });
      }
      await writeEdits(jobId, edits, now());
    },

    changes$(jobId) {
      return db.frame.$.pipe(
        filter((event) => event.documentData.job_id === jobId),
        map((event) => ({
          frame: event.documentData.frame,
          objects: event.operation === 'DELETE' ? {} : structuredClone(event.documentData.objects),
          removed: event.operation === 'DELETE' ? {} : { ...event.documentData.removed },
        })),
      );
    },

    jobChanges$(jobId) {
      const frames = db.frame.$.pipe(
        filter((event) => event.documentData.job_id === jobId),
        map((event): JobChange => ({
          kind: 'frame',
          frame: event.documentData.frame,
          objects: event.operation === 'DELETE' ? {} : event.documentData.objects,
        })),
      );
      const tracks = db.track.$.pipe(
        filter((event) => event.documentData.job_id === jobId),
        map((event): JobChange => ({
          kind: 'track',
          id: event.documentId,
          track: event.operation === 'DELETE' ? null : event.documentData,
        })),
      );
      return merge(frames, tracks);
    },

    async getTrack(id) {
      const doc = await db.track.findOne(id).exec();
      return doc ? doc.toMutableJSON() : undefined;
    },

    async tracksOfJob(jobId) {
      return (await db.track.find({ selector: { job_id: jobId } }).exec()).map((doc) => doc.toMutableJSON());
    },

    async putTracks(tracks) {
      await upsertAll(db.track, [...tracks]);
    },

    async removeTracks(ids) {
      await removeAll(db.track, [...ids]);
    },
  };
}
