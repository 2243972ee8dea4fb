import { now } from '../core/ids';
import type { FrameMeta, Id } from '../core/types';
import type { WorkspaceDatabase } from './database';
import { MEDIA_CHUNK_SIZE, mediaChunkId, type MediaChunkDoc } from './documents';

export interface MediaStore {
  /** All frames of a task, in frame order. */
  framesOfTask(taskId: Id): Promise<FrameMeta[]>;
  /** One frame's metadata; reads only the chunk that holds it. */
  frameMeta(taskId: Id, frame: number): Promise<FrameMeta | undefined>;
}

/** Cuts a task's frame list into fixed-size media chunk documents. */
export function mediaChunks(taskId: Id, frames: readonly FrameMeta[]): MediaChunkDoc[] {
  const date = now();
  const chunks: MediaChunkDoc[] = [];
  for (let start = 0, chunk = 0; start < frames.length; start += MEDIA_CHUNK_SIZE, chunk++) {
    chunks.push({
      id: mediaChunkId(taskId, chunk),
      task_id: taskId,
      chunk,
      frames: frames.slice(start, start + MEDIA_CHUNK_SIZE),
      updated_date: date,
    });
  }
  return chunks;
}

export function createMediaStore(db: WorkspaceDatabase): MediaStore {
  return {
    async framesOfTask(taskId) {
      const docs = await db.media.find({ selector: { task_id: taskId } }).exec();
      return docs
        .map((doc) => doc.toMutableJSON())
        .sort((a, b) => a.chunk - b.chunk)
        .flatMap((chunk) => chunk.frames);
    },
    async frameMeta(taskId, frame) {
      if (!Number.isSafeInteger(frame) || frame < 0) return undefined;
      const chunk = Math.floor(frame / MEDIA_CHUNK_SIZE);
      const doc = await db.media.findOne(mediaChunkId(taskId, chunk)).exec();
      const meta = doc?.frames[frame % MEDIA_CHUNK_SIZE];
      return meta ? structuredClone(meta) : undefined;
    },
  };
}
