import type { RxStorageWriteError } from 'rxdb';
import { filter, map, type Observable } from 'rxjs';
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
}

export interface AnnotationStore {
  loadJob(jobId: Id): Promise<JobAnnotations>;
  objectsOnFrame(jobId: Id, frame: number): Promise<FrameObject[]>;
  /**
   * Writes a diff: each touched frame document is read once and modified once, new frame
   * documents are inserted in one bulk insert. An object whose `frame` changed moves documents.
   */
  applyDiff(jobId: Id, diff: AnnotationDiff): Promise<void>;
  /**
   * Fast path for imports: overwrites the documents of the frames that `objects` touch with
   * exactly those objects, in one bulk upsert, without reading them first.
   */
  replaceFrames(jobId: Id, objects: readonly FrameObject[]): Promise<void>;
  /** Emits the new objects of a frame each time one of the job's frame documents changes. */
  changes$(jobId: Id): Observable<FrameChange>;
  tracksOfJob(jobId: Id): Promise<Track[]>;
  putTracks(tracks: readonly Track[]): Promise<void>;
  removeTracks(ids: readonly Id[]): Promise<void>;
}

interface FrameEdit {
  upserts: Map<Id, FrameObject>;
  removals: Set<Id>;
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
  const objects = { ...doc.objects };
  const removed = { ...doc.removed };
  for (const id of edit.removals) {
    if (edit.upserts.has(id)) continue;
    delete objects[id];
    removed[id] = date;
  }
  for (const [id, object] of edit.upserts) {
    const tombstone = removed[id];
    objects[id] = tombstone !== undefined && tombstone >= object.updated_date ? { ...object, updated_date: date } : object;
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

  async function modifyExisting(ids: string[], edits: Map<string, FrameEdit>, date: Timestamp): Promise<void> {
    let t = performance.now();
    const docs = await db.frame.findByIds(ids).exec();
    console.log('find', performance.now() - t); t = performance.now();
    await guardQuota(() =>
      Promise.all(
        [...docs.values()].map((doc) =>
          doc.incrementalModify((data) => applyFrameEdit(data, edits.get(doc.primary) as FrameEdit, date)),
        ),
      ),
    );
    console.log('modify', performance.now() - t);
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
      const byFrame = editsByFrame(diff);
      if (byFrame.size === 0) return;
      await requireJob(jobId);
      const date = now();
      const edits = new Map<string, FrameEdit>();
      for (const [frame, edit] of byFrame) edits.set(frameDocId(jobId, frame), edit);

      const existing = await db.frame.findByIds([...edits.keys()]).exec();
      const inserts: FrameDoc[] = [];
      for (const [frame, edit] of byFrame) {
        const id = frameDocId(jobId, frame);
        if (!existing.has(id)) inserts.push(applyFrameEdit(emptyFrameDoc(jobId, frame, date), edit, date));
      }
      await modifyExisting([...existing.keys()], edits, date);
      if (inserts.length === 0) return;
      const result = await guardQuota(() => db.frame.bulkInsert(inserts));
      // Another writer (a second tab, replication) created some of these frames meanwhile.
      const raced = result.error.filter((error) => error.status === 409).map((error) => error.documentId);
      const failed = result.error.filter((error) => error.status !== 409);
      if (failed.length > 0) throw new WriteError(db.frame.name, failed as RxStorageWriteError<unknown>[]);
      await modifyExisting(raced, edits, date);
    },

    async replaceFrames(jobId, objects) {
      if (objects.length === 0) return;
      await requireJob(jobId);
      const date = now();
      const docs: FrameDoc[] = [];
      for (const [frame, onFrame] of groupByFrame(objects)) {
        docs.push({ ...emptyFrameDoc(jobId, frame, date), objects: onFrame });
      }
      await upsertAll(db.frame, docs);
    },

    changes$(jobId) {
      return db.frame.$.pipe(
        filter((event) => event.documentData.job_id === jobId),
        map((event) => ({
          frame: event.documentData.frame,
          objects: event.operation === 'DELETE' ? {} : structuredClone(event.documentData.objects),
        })),
      );
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
