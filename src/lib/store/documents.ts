/**
 * Document types as stored in the workspace database (and, later, in CouchDB).
 * Project, Task, Job and Track are stored as the domain types; the others are storage shapes.
 */
import type { FrameMeta, FrameObject, Id, Job, Project, Task, Timestamp, Track } from '../core/types';

export type ProjectDoc = Project;
export type TaskDoc = Task;
export type JobDoc = Job;
export type TrackDoc = Track;

/** Frames per media chunk document. Fixed: changing it needs a migration of every task. */
export const MEDIA_CHUNK_SIZE = 1000;

/** Frame metadata of one task, `MEDIA_CHUNK_SIZE` frames per document, id `${task_id}:${chunk}`. */
export interface MediaChunkDoc {
  id: string;
  task_id: Id;
  chunk: number;
  frames: FrameMeta[];
  /**
   * Videos shared through the sync server: content key (the `blob` of the frames) → SHA-256
   * of the file's bytes, the name the server stores it under. Written by the device that
   * uploaded the video.
   */
  files?: Record<string, string>;
  updated_date: Timestamp;
}

/**
 * The annotations of one job on one frame, id `${job_id}:${frame}`. `removed` holds a tombstone
 * (removal time) per deleted object id, so that a merge with an older copy doesn't bring it back.
 */
export interface FrameDoc {
  id: string;
  job_id: Id;
  frame: number;
  objects: Record<Id, FrameObject>;
  removed: Record<Id, Timestamp>;
  updated_date: Timestamp;
}

export interface ReviewComment {
  id: Id;
  author: string;
  message: string;
  created_date: Timestamp;
}

/** An issue raised on a frame during review, with its discussion. */
export interface ReviewDoc {
  id: Id;
  job_id: Id;
  frame: number;
  /** Region of the issue in image coordinates: `[xtl, ytl, xbr, ybr]` or a polygon. */
  position: number[];
  resolved: boolean;
  owner: string;
  comments: ReviewComment[];
  created_date: Timestamp;
  updated_date: Timestamp;
}

export function mediaChunkId(taskId: Id, chunk: number): string {
  return `${taskId}:${chunk}`;
}

export function frameDocId(jobId: Id, frame: number): string {
  return `${jobId}:${frame}`;
}

/**
 * One entry of the conflict log: a true collision that replication resolved by last writer.
 * Kept on the device that resolved it (never replicated); `lost` holds the losing version.
 */
export interface ConflictLogDoc {
  id: string;
  /** The collection of the collided document (`frame`, `task`, ...); `collection` is taken by RxDB. */
  doc_collection: string;
  doc_id: string;
  /** The object on a frame document, or empty for a whole document. */
  object_id: string;
  fields: string[];
  /** JSON of the version that was kept and of the one that lost. */
  kept: string;
  lost: string;
  kept_date: Timestamp;
  lost_date: Timestamp;
  /** `fork`: this device's edit lost; `master`: the server's copy lost. */
  lost_side: 'fork' | 'master';
  dismissed: boolean;
  created_date: Timestamp;
  updated_date: Timestamp;
}
