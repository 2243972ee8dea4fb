import { createRxDatabase, type RxCollection } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../core/ids';
import { openWorkspace, workspaceDatabaseName, type Workspace } from './database';
import { migrateReviewV0ToV1, migrateTaskV0ToV1, reviewSchemaV0, type ReviewDocV0 } from './migrations';
import { taskSchema } from './schemas';

const oldReview: ReviewDocV0 = {
  id: 'r1',
  job_id: 'job1',
  frame: 7,
  position: [1, 2, 3, 4],
  status: 'resolved',
  owner: 'ann',
  comments: [
    { id: 'c1', author: 'ann', message: 'label is wrong', created_date: '2023-01-01T00:00:00.000Z' },
  ],
  created_date: '2023-01-01T00:00:00.000Z',
  updated_date: '2023-01-02T00:00:00.000Z',
};

let workspace: Workspace | undefined;
afterEach(async () => {
  await workspace?.remove();
  workspace = undefined;
});

describe('review migration v0 → v1', () => {
  it('turns status into the resolved flag', () => {
    const migrated = migrateReviewV0ToV1(oldReview);
    expect(migrated.resolved).toBe(true);
    expect(migrated).not.toHaveProperty('status');
    expect(migrateReviewV0ToV1({ ...oldReview, status: 'open' }).resolved).toBe(false);
  });

  it('rejects a malformed old document instead of writing it half-migrated', () => {
    expect(() => migrateReviewV0ToV1({ ...oldReview, status: 'maybe' })).toThrow();
  });

  it('migrates a review stored by an older version when the workspace opens', async () => {
    const workspaceId = newId();
    const old = await createRxDatabase<{ review: RxCollection<ReviewDocV0> }>({
      name: workspaceDatabaseName(workspaceId),
      storage: getRxStorageMemory(),
      multiInstance: false,
    });
    await old.addCollections({ review: { schema: reviewSchemaV0 } });
    await old.review.insert(oldReview);
    await old.close();

    workspace = await openWorkspace(workspaceId, { storage: 'memory', validate: true });
    const review = await workspace.db.review.findOne('r1').exec();
    expect(review?.toJSON()).toMatchObject({ id: 'r1', resolved: true, comments: oldReview.comments });
    expect(review?.toJSON()).not.toHaveProperty('status');
  });
});

describe('task migration v0 → v1', () => {
  const oldTask = {
    id: 't1',
    project_id: 'p1',
    name: 'drive',
    mode: 'annotation',
    dimension: '2d',
    subset: '',
    segment_size: 0,
    overlap: 0,
    image_quality: 70,
    start_frame: 0,
    stop_frame: 9,
    frame_filter: '',
    sorting_method: 'lexicographical',
    size: 10,
    owner: '',
    created_date: '2024-01-01T00:00:00.000Z',
    updated_date: '2024-01-01T00:00:00.000Z',
  };

  it('adds an empty deleted-frames list and keeps every other field', () => {
    expect(migrateTaskV0ToV1(oldTask)).toEqual({ ...oldTask, deleted_frames: [] });
  });

  it('rejects a task without its size', () => {
    const { size: _size, ...broken } = oldTask;
    expect(() => migrateTaskV0ToV1(broken)).toThrow();
  });

  it('migrates a task stored by version 0 when the workspace opens', async () => {
    const workspaceId = newId();
    const old = await createRxDatabase<{ task: RxCollection<typeof oldTask> }>({
      name: workspaceDatabaseName(workspaceId),
      storage: getRxStorageMemory(),
      multiInstance: false,
    });
    const { deleted_frames: _d, ...v0Properties } = taskSchema.properties;
    await old.addCollections({
      task: {
        schema: {
          ...taskSchema,
          version: 0,
          properties: v0Properties,
          required: (taskSchema.required as string[]).filter((f) => f !== 'deleted_frames'),
        } as never,
      },
    });
    await old.task.insert(oldTask);
    await old.close();

    workspace = await openWorkspace(workspaceId, { storage: 'memory', validate: true });
    const task = await workspace.db.task.findOne('t1').exec();
    expect(task?.toJSON()).toMatchObject({ id: 't1', size: 10, deleted_frames: [] });
    expect(task?.toJSON()).not.toHaveProperty('fps');
  });
});
