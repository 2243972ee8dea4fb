import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '$lib/core/types';
import { createTestJob } from '$lib/ui/testJob';
import type { Repository, Workspace } from '.';
import type { Replicated } from './conflict';
import { canRestore, createConflictLogStore, type ConflictLogStore } from './conflictLog';
import { frameDocId, type FrameDoc } from './documents';
import { rectangle } from './testObjects';

const T1 = '2024-05-01T10:00:00.000Z';
const T2 = '2024-05-01T11:00:00.000Z';
const T3 = '2024-05-01T12:00:00.000Z';

let workspace: Workspace;
let repo: Repository;
let jobId: string;
let log: ConflictLogStore;

beforeEach(async () => {
  ({ workspace, repo, jobId } = await createTestJob([], 2));
  log = createConflictLogStore(workspace.db);
});

afterEach(async () => {
  await workspace.remove();
});

function frame(objects: FrameDoc['objects'], updated_date: string): Replicated<FrameDoc> {
  return {
    id: frameDocId(jobId, 0),
    job_id: jobId,
    frame: 0,
    objects,
    removed: {},
    updated_date,
    _deleted: false,
  };
}

describe('the conflict log', () => {
  it('puts the losing version of an object back as the latest edit and dismisses the entry', async () => {
    const base = rectangle('a', 0, T1, 1);
    const mine = rectangle('a', 0, T2, 10);
    const theirs = rectangle('a', 0, T3, 20);
    // The merge kept theirs (newer); the store holds it.
    await repo.annotations.applyDiff(jobId, { added: { a: theirs }, updated: {}, removed: {} });
    const logged = await log.recordResolved('frame', {
      realMasterState: frame({ a: theirs }, T3),
      newDocumentState: frame({ a: mine }, T2),
      assumedMasterState: frame({ a: base }, T1),
    });
    expect(logged).toBe(1);
    const [entry] = await log.list();
    expect(canRestore(entry!)).toBe(true);

    await log.restore(entry!.id);
    const [restored] = await repo.annotations.objectsOnFrame(jobId, 0);
    expect(restored).toMatchObject({ id: 'a', points: mine.points });
    expect(restored!.updated_date > T3).toBe(true);
    expect(await log.list()).toEqual([]);
  });

  it('puts back the losing fields of a whole document, and refuses what it cannot restore', async () => {
    const job = (await repo.jobs.get(jobId))!;
    const stored = await repo.jobs.update(jobId, { stage: 'acceptance' });
    const mine: Job = { ...job, stage: 'validation', updated_date: T2 };
    await log.recordResolved('job', {
      realMasterState: { ...stored, _deleted: false },
      newDocumentState: { ...mine, _deleted: false },
      assumedMasterState: { ...job, _deleted: false },
    });
    const [entry] = await log.list();
    expect(entry).toMatchObject({ doc_collection: 'job', fields: ['stage'] });
    await log.restore(entry!.id);
    expect((await repo.jobs.get(jobId))!.stage).toBe('validation');

    expect(canRestore({ doc_collection: 'task', object_id: '', fields: ['(removed)'] })).toBe(false);
    expect(canRestore({ doc_collection: 'media', object_id: '', fields: ['frames'] })).toBe(false);
  });
});
