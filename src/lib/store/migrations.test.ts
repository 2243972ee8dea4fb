import { createRxDatabase, type RxCollection } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../core/ids';
import { openWorkspace, workspaceDatabaseName, type Workspace } from './database';
import { migrateReviewV0ToV1, reviewSchemaV0, type ReviewDocV0 } from './migrations';

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
