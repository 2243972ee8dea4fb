/**
 * Cascading removal. RxDB has no cross-collection transactions, so children go first: an
 * interrupted removal leaves an orphan parent that can be removed again, never orphan children.
 */
import type { Id } from '../core/types';
import type { BlobDatabase } from './blobs';
import { deleteHistories } from './blobs';
import type { WorkspaceDatabase } from './database';
import { removeAll } from './writes';

async function idsWhere(find: () => Promise<{ primary: string }[]>): Promise<string[]> {
  return (await find()).map((doc) => doc.primary);
}

/** Removes the annotations, tracks, reviews and local history of jobs, then the jobs. */
export async function removeJobs(
  db: WorkspaceDatabase,
  blobs: BlobDatabase | undefined,
  jobIds: Id[],
): Promise<void> {
  if (jobIds.length === 0) return;
  const selector = { job_id: { $in: jobIds } };
  await removeAll(db.frame, await idsWhere(() => db.frame.find({ selector }).exec()));
  await removeAll(db.track, await idsWhere(() => db.track.find({ selector }).exec()));
  await removeAll(db.review, await idsWhere(() => db.review.find({ selector }).exec()));
  await removeAll(db.job, jobIds);
  if (blobs) await deleteHistories(jobIds, blobs);
}

/** Removes tasks with their jobs (and everything under them) and media chunks. */
export async function removeTasks(
  db: WorkspaceDatabase,
  blobs: BlobDatabase | undefined,
  taskIds: Id[],
): Promise<void> {
  if (taskIds.length === 0) return;
  const selector = { task_id: { $in: taskIds } };
  await removeJobs(db, blobs, await idsWhere(() => db.job.find({ selector }).exec()));
  await removeAll(db.media, await idsWhere(() => db.media.find({ selector }).exec()));
  await removeAll(db.task, taskIds);
}

export async function removeProject(
  db: WorkspaceDatabase,
  blobs: BlobDatabase | undefined,
  projectId: Id,
): Promise<void> {
  const taskIds = await idsWhere(() => db.task.find({ selector: { project_id: projectId } }).exec());
  await removeTasks(db, blobs, taskIds);
  await removeAll(db.project, [projectId]);
}
