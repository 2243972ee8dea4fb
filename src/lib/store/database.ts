/**
 * One RxDB database per workspace, named `loupe_ws_<id>`. Open one workspace at a time: the
 * free RxDB tier caps open collections per page at 13 and a workspace holds 8.
 * The dev-mode plugin is never imported: in browsers it loads a tracking iframe.
 */
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase, type RxStorage } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import { now } from '../core/ids';
import { frameConflictHandler, lastWriterWinsConflictHandler } from './conflict';
import type {
  ConflictLogDoc,
  FrameDoc,
  JobDoc,
  MediaChunkDoc,
  ProjectDoc,
  ReviewDoc,
  TaskDoc,
  TrackDoc,
} from './documents';
import { mediaMigrations, reviewMigrations, taskMigrations } from './migrations';
import {
  conflictLogSchema,
  frameSchema,
  jobSchema,
  mediaSchema,
  projectSchema,
  reviewSchema,
  taskSchema,
  trackSchema,
} from './schemas';

addRxPlugin(RxDBMigrationSchemaPlugin);

export interface WorkspaceCollections {
  project: RxCollection<ProjectDoc>;
  task: RxCollection<TaskDoc>;
  job: RxCollection<JobDoc>;
  media: RxCollection<MediaChunkDoc>;
  frame: RxCollection<FrameDoc>;
  track: RxCollection<TrackDoc>;
  review: RxCollection<ReviewDoc>;
  /** Device-local log of collisions resolved by replication; never replicated. */
  conflict: RxCollection<ConflictLogDoc>;
}

/** The collections that replicate with the server: everything but the conflict log. */
export const REPLICATED_COLLECTIONS = [
  'project',
  'task',
  'job',
  'media',
  'frame',
  'track',
  'review',
] as const;
export type ReplicatedCollection = (typeof REPLICATED_COLLECTIONS)[number];

export type WorkspaceDatabase = RxDatabase<WorkspaceCollections>;

export type StorageKind = 'dexie' | 'memory';

export interface OpenWorkspaceOptions {
  /** `dexie` (IndexedDB) where IndexedDB exists, else `memory` (Node tests). */
  storage?: StorageKind;
  /** Validate every write against the JSON schemas with ajv. Off by default: it costs time on bulk writes. */
  validate?: boolean;
  /** The local database name; `workspaceDatabaseName(id)` by default (tests name two devices apart). */
  databaseName?: string;
}

export interface Workspace {
  readonly id: string;
  readonly db: WorkspaceDatabase;
  readonly storage: StorageKind;
  close(): Promise<void>;
  /** Deletes the workspace and all its documents from this device. */
  remove(): Promise<void>;
}

/** Database name of a workspace; ids are ULIDs, database names must be lower case. */
export function workspaceDatabaseName(workspaceId: string): string {
  return `loupe_ws_${workspaceId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
}

export function defaultStorageKind(): StorageKind {
  return typeof indexedDB === 'undefined' ? 'memory' : 'dexie';
}

export function createStorage(kind: StorageKind, validate: boolean): RxStorage<unknown, unknown> {
  const storage: RxStorage<unknown, unknown> = kind === 'dexie' ? getRxStorageDexie() : getRxStorageMemory();
  return validate ? wrappedValidateAjvStorage({ storage }) : storage;
}

export const workspaceCollections = {
  project: { schema: projectSchema, conflictHandler: lastWriterWinsConflictHandler<ProjectDoc>() },
  task: {
    schema: taskSchema,
    migrationStrategies: taskMigrations,
    conflictHandler: lastWriterWinsConflictHandler<TaskDoc>(),
  },
  job: { schema: jobSchema, conflictHandler: lastWriterWinsConflictHandler<JobDoc>() },
  media: {
    schema: mediaSchema,
    migrationStrategies: mediaMigrations,
    conflictHandler: lastWriterWinsConflictHandler<MediaChunkDoc>(),
  },
  frame: { schema: frameSchema, conflictHandler: frameConflictHandler },
  track: { schema: trackSchema, conflictHandler: lastWriterWinsConflictHandler<TrackDoc>() },
  review: {
    schema: reviewSchema,
    migrationStrategies: reviewMigrations,
    conflictHandler: lastWriterWinsConflictHandler<ReviewDoc>(),
  },
  conflict: { schema: conflictLogSchema },
};

const open = new Map<string, Promise<Workspace>>();

/** Opens (or returns the already open) database of a workspace. */
export function openWorkspace(workspaceId: string, options: OpenWorkspaceOptions = {}): Promise<Workspace> {
  const name = options.databaseName ?? workspaceDatabaseName(workspaceId);
  const existing = open.get(name);
  if (existing) return existing;
  const opening = createWorkspace(workspaceId, name, options);
  open.set(name, opening);
  opening.catch(() => open.delete(name));
  return opening;
}

async function createWorkspace(
  workspaceId: string,
  name: string,
  options: OpenWorkspaceOptions,
): Promise<Workspace> {
  const kind = options.storage ?? defaultStorageKind();
  const db = await createRxDatabase<WorkspaceCollections>({
    name,
    storage: createStorage(kind, options.validate ?? false),
    multiInstance: kind === 'dexie',
    eventReduce: true,
  });
  try {
    await db.addCollections(workspaceCollections);
  } catch (error) {
    await db.close();
    throw error;
  }
  addRemovalStamps(db);
  return {
    id: workspaceId,
    db,
    storage: kind,
    async close() {
      open.delete(name);
      await db.close();
    },
    async remove() {
      open.delete(name);
      await db.remove();
    },
  };
}

/**
 * A removal is a write like any other: stamp it, so last-writer-wins compares it with edits
 * made elsewhere instead of with the document's last edit before removal.
 */
function addRemovalStamps(db: WorkspaceDatabase): void {
  for (const collection of Object.values(db.collections) as RxCollection<{ updated_date: string }>[]) {
    collection.preRemove((data) => {
      data.updated_date = now();
    }, false);
  }
}
