/**
 * For the job-session tests: a workspace on RxDB's memory storage holding one project with
 * `labels` and one task of `frameCount` 100×80 JPEG frames in a single job.
 */
import { newId } from '$lib/core/ids';
import type { FrameMeta, LabelSpec } from '$lib/core/types';
import { BlobDatabase } from '$lib/store/blobs';
import { createRepository, openWorkspace, type Repository, type Workspace } from '$lib/store';

export interface TestJob {
  workspace: Workspace;
  repo: Repository;
  jobId: string;
}

export async function createTestJob(labels: LabelSpec[], frameCount: number): Promise<TestJob> {
  const frames: FrameMeta[] = Array.from({ length: frameCount }, (_, i) => ({
    name: `f${i}.jpg`,
    width: 100,
    height: 80,
    blob: 'b'.repeat(64),
    mime: 'image/jpeg',
    related_files: 0,
  }));
  const workspace = await openWorkspace(newId(), { storage: 'memory' });
  const repo = createRepository(workspace, { blobs: new BlobDatabase(`blobs_${newId()}`) });
  const project = await repo.projects.create({ name: 'p', labels });
  const { jobs } = await repo.tasks.create({ project_id: project.id, name: 't', frames, segment_size: 0 });
  return { workspace, repo, jobId: jobs[0]!.id };
}
