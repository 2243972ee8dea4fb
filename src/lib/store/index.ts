/** Public surface of the store. Everything else in this folder is an implementation detail. */
export {
  openWorkspace,
  workspaceDatabaseName,
  type OpenWorkspaceOptions,
  type StorageKind,
  type Workspace,
} from './database';
export { createRepository, type HistoryStore, type Repository, type RepositoryOptions } from './repository';
export type { AnnotationDiff, AnnotationStore, FrameChange, JobAnnotations, JobChange } from './annotations';
export type { JobPatch, JobStore } from './jobs';
export type { MediaStore } from './media';
export type { NewProject, ProjectPatch, ProjectStore } from './projects';
export type { NewReview, ReviewStore } from './reviews';
export type { NewTask, TaskPatch, TaskStore } from './tasks';
export type { StorageEstimate } from './storageInfo';
export type { FrameDoc, MediaChunkDoc, ReviewComment, ReviewDoc } from './documents';
export { MEDIA_CHUNK_SIZE } from './documents';
export { StorageFullError, NotFoundError } from './errors';
export { WriteError } from './writes';
export { mergeFrameDocs, mergeLastWriterWins } from './conflict';
export {
  blobDatabase,
  getBlob,
  setRemoteBlobSource,
  type RemoteBlobSource,
  getCached,
  getThumbnail,
  hasBlob,
  putBlob,
  putCached,
  putThumbnail,
  deleteBlob,
  trimCaches,
  type BlobDatabase,
} from './blobs';
export { estimateStorage, requestPersistence } from './storageInfo';
