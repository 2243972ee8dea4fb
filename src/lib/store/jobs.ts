import { map, type Observable } from 'rxjs';
import { now } from '../core/ids';
import type { Id, Job, JobStage, JobState } from '../core/types';
import type { WorkspaceDatabase } from './database';
import { guardQuota, NotFoundError } from './errors';

export interface JobPatch {
  stage?: JobStage;
  state?: JobState;
  assignee?: string | null;
}

export interface JobStore {
  get(id: Id): Promise<Job | undefined>;
  /** Ordered by start frame. */
  listByTask(taskId: Id): Promise<Job[]>;
  update(id: Id, patch: JobPatch): Promise<Job>;
  /** The task's jobs (ordered by start frame) now and after every change to them. */
  observeByTask$(taskId: Id): Observable<Job[]>;
  /** The job as it is now and after every change (undefined once removed). */
  observe$(id: Id): Observable<Job | undefined>;
}

export function createJobStore(db: WorkspaceDatabase): JobStore {
  return {
    async get(id) {
      return (await db.job.findOne(id).exec())?.toMutableJSON();
    },
    observeByTask$(taskId) {
      return db.job
        .find({ selector: { task_id: taskId } })
        .$.pipe(
          map((docs) => docs.map((doc) => doc.toMutableJSON()).sort((a, b) => a.start_frame - b.start_frame)),
        );
    },
    observe$(id) {
      return db.job.findOne(id).$.pipe(map((doc) => doc?.toMutableJSON()));
    },
    async listByTask(taskId) {
      const docs = await db.job.find({ selector: { task_id: taskId } }).exec();
      return docs.map((doc) => doc.toMutableJSON()).sort((a, b) => a.start_frame - b.start_frame);
    },
    async update(id, patch) {
      const doc = await db.job.findOne(id).exec();
      if (!doc) throw new NotFoundError('Job', id);
      const { stage, state, assignee } = patch;
      const updated = await guardQuota(() =>
        doc.incrementalModify((data) => ({
          ...data,
          ...(stage !== undefined && { stage }),
          ...(state !== undefined && { state }),
          ...(assignee !== undefined && { assignee }),
          updated_date: now(),
        })),
      );
      return updated.toMutableJSON();
    },
  };
}
