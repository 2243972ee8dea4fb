import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '$lib/core/ids';
import { BlobDatabase } from '$lib/store/blobs';
import { createRepository, openWorkspace, type Repository, type Workspace } from '$lib/store';

let workspace: Workspace;
let repo: Repository;

beforeEach(async () => {
  workspace = await openWorkspace(newId(), { storage: 'memory' });
  repo = createRepository(workspace, { blobs: new BlobDatabase(`blobs_${newId()}`) });
});

afterEach(async () => {
  await workspace.remove();
});

describe('review issues store', () => {
  it('opens, comments, resolves, reopens and removes an issue', async () => {
    const issue = await repo.reviews.create({
      job_id: 'J',
      frame: 3,
      position: [1, 2, 3, 4],
      owner: 'reviewer',
      message: 'box too loose',
    });
    await repo.reviews.addComment(issue.id, 'annotator', 'fixed');
    await repo.reviews.setResolved(issue.id, true);
    let [stored] = await repo.reviews.listByJob('J');
    expect(stored).toMatchObject({ resolved: true, position: [1, 2, 3, 4], frame: 3 });
    expect(stored!.comments.map((c) => c.message)).toEqual(['box too loose', 'fixed']);
    await repo.reviews.setResolved(issue.id, false);
    [stored] = await repo.reviews.listByJob('J');
    expect(stored!.resolved).toBe(false);
    await repo.reviews.remove(issue.id);
    expect(await repo.reviews.listByJob('J')).toEqual([]);
    await expect(repo.reviews.remove(issue.id)).rejects.toThrow();
  });
});
