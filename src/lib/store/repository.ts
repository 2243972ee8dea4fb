/**
 * The typed repository: the only way the rest of the app reads and writes stored data.
 * Documents live in the workspace's RxDB database; device-local state (job histories) lives
 * in the origin's `loupe_blobs` Dexie database.
 */
import type { Id } from '../core/types';
import { createAnnotationStore, type AnnotationStore } from './annotations';
import { blobDatabase, loadHistory, saveHistory, type BlobDatabase } from './blobs';
import { removeProject } from './cascade';
import type { Workspace } from './database';
import { createJobStore, type JobStore } from './jobs';
import { createMediaStore, type MediaStore } from './media';
import { createProjectStore, type ProjectStore } from './projects';
import { createReviewStore, type ReviewStore } from './reviews';
import { estimateStorage, requestPersistence, type StorageEstimate } from './storageInfo';
import { createTaskStore, type TaskStore } from './tasks';

export interface HistoryStore {
  /** Saves a job's serialised undo/redo history; it survives reloads but never replicates. */
  save<T>(jobId: Id, json: T): Promise<void>;
  load<T>(jobId: Id): Promise<T | undefined>;
}

export interface Repository {
  readonly workspace: Workspace;
  projects: ProjectStore & {
    /** Removes the project with all its tasks and everything under them. */
    remove(id: Id): Promise<void>;
  };
  tasks: TaskStore;
  jobs: JobStore;
  media: MediaStore;
  annotations: AnnotationStore;
  reviews: ReviewStore;
  history: HistoryStore;
  storage: {
    estimate(): Promise<StorageEstimate>;
    requestPersistence(): Promise<boolean>;
  };
}

export interface RepositoryOptions {
  /** The blob database for job histories; the origin's `loupe_blobs` by default. */
  blobs?: BlobDatabase;
}

export function createRepository(workspace: Workspace, options: RepositoryOptions = {}): Repository {
  const db = workspace.db;
  let blobs = options.blobs;
  // Opened lazily: Node tests without IndexedDB never touch it unless they use history.
  const localDb = (): BlobDatabase => (blobs ??= blobDatabase());
  const cascadeBlobs = (): BlobDatabase | undefined =>
    blobs ?? (typeof indexedDB === 'undefined' ? undefined : localDb());

  return {
    workspace,
    projects: {
      ...createProjectStore(db),
      remove: (id) => removeProject(db, cascadeBlobs(), id),
    },
    tasks: createTaskStore(db, cascadeBlobs),
    jobs: createJobStore(db),
    media: createMediaStore(db),
    annotations: createAnnotationStore(db),
    reviews: createReviewStore(db),
    history: {
      save: (jobId, json) => saveHistory(jobId, json, localDb()),
      load: (jobId) => loadHistory(jobId, localDb()),
    },
    storage: { estimate: estimateStorage, requestPersistence },
  };
}
