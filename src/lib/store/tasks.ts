import { splitIntoSegments, defaultOverlap } from '../core/frames';
import { newId, now } from '../core/ids';
import type { Dimension, FrameMeta, Id, Job, SortingMethod, Task, TaskMode } from '../core/types';
import type { BlobDatabase } from './blobs';
import { removeTasks } from './cascade';
import type { WorkspaceDatabase } from './database';
import { guardQuota, NotFoundError } from './errors';
import { mediaChunks } from './media';
import { insertAll, removeAll } from './writes';

export interface NewTask {
  project_id: Id;
  name: string;
  /** Frames in task order; their count is the task size. */
  frames: FrameMeta[];
  /** Frames per job; 0 gives one job for the whole task. */
  segment_size: number;
  /** Defaults to CVAT's: 5 for interpolation (video), 0 for annotation (images). */
  overlap?: number;
  mode?: TaskMode;
  dimension?: Dimension;
  subset?: string;
  image_quality?: number;
  sorting_method?: SortingMethod;
  frame_filter?: string;
  /** Source frame numbers the task was cut from (CVAT's start/stop frame); informational. */
  start_frame?: number;
  stop_frame?: number;
  fps?: number;
  owner?: string;
}

export type TaskPatch = Partial<Pick<Task, 'name' | 'subset' | 'image_quality' | 'deleted_frames'>>;

export interface TaskStore {
  /** Writes the task, its media chunks and one job per segment. All or nothing (best effort). */
  create(input: NewTask): Promise<{ task: Task; jobs: Job[] }>;
  get(id: Id): Promise<Task | undefined>;
  /** In creation order. */
  listByProject(projectId: Id): Promise<Task[]>;
  /** Changes the editable fields of a task; frame counts and job splits are fixed at creation. */
  update(id: Id, patch: TaskPatch): Promise<Task>;
  /** Removes the task with its jobs, media, annotations, tracks, reviews and job histories. */
  remove(id: Id): Promise<void>;
}

/** `blobs` gives the database of job histories to clean up on removal, if there is one. */
export function createTaskStore(db: WorkspaceDatabase, blobs: () => BlobDatabase | undefined): TaskStore {
  return {
    async create(input) {
      const project = await db.project.findOne(input.project_id).exec();
      if (!project) throw new NotFoundError('Project', input.project_id);
      const date = now();
      const mode = input.mode ?? 'annotation';
      const size = input.frames.length;
      const overlap = input.overlap ?? defaultOverlap(mode);
      const task: Task = {
        id: newId(),
        project_id: input.project_id,
        name: input.name,
        mode,
        dimension: input.dimension ?? '2d',
        subset: input.subset ?? '',
        segment_size: input.segment_size,
        overlap,
        image_quality: input.image_quality ?? 70,
        start_frame: input.start_frame ?? 0,
        stop_frame: input.stop_frame ?? (input.start_frame ?? 0) + Math.max(0, size - 1),
        frame_filter: input.frame_filter ?? '',
        sorting_method: input.sorting_method ?? 'lexicographical',
        size,
        deleted_frames: [],
        ...(input.fps ? { fps: input.fps } : {}),
        owner: input.owner ?? project.owner,
        created_date: date,
        updated_date: date,
      };
      const jobs: Job[] = splitIntoSegments(size, input.segment_size, overlap).map((segment) => ({
        id: newId(),
        task_id: task.id,
        project_id: task.project_id,
        type: 'annotation',
        stage: 'annotation',
        state: 'new',
        assignee: null,
        start_frame: segment.start_frame,
        stop_frame: segment.stop_frame,
        created_date: date,
        updated_date: date,
      }));
      const chunks = mediaChunks(task.id, input.frames);

      // Children first, so a failure never leaves a task pointing at missing media.
      try {
        await insertAll(db.media, chunks);
        await insertAll(db.job, jobs);
        await insertAll(db.task, [task]);
      } catch (error) {
        await removeAll(
          db.job,
          jobs.map((job) => job.id),
        ).catch(() => undefined);
        await removeAll(
          db.media,
          chunks.map((chunk) => chunk.id),
        ).catch(() => undefined);
        throw error;
      }
      return { task, jobs };
    },
    async get(id) {
      return (await db.task.findOne(id).exec())?.toMutableJSON();
    },
    async listByProject(projectId) {
      const docs = await db.task.find({ selector: { project_id: projectId } }).exec();
      return docs.map((doc) => doc.toMutableJSON());
    },
    async update(id, patch) {
      const doc = await db.task.findOne(id).exec();
      if (!doc) throw new NotFoundError('Task', id);
      const deleted = patch.deleted_frames && [...new Set(patch.deleted_frames)].sort((a, b) => a - b);
      if (deleted?.some((f) => !Number.isInteger(f) || f < 0 || f >= doc.size)) {
        throw new RangeError(`deleted frames must be frame numbers of this task (0–${doc.size - 1})`);
      }
      const updated = await guardQuota(() =>
        doc.incrementalModify((data) => ({
          ...data,
          ...patch,
          ...(deleted ? { deleted_frames: deleted } : {}),
          id,
          updated_date: now(),
        })),
      );
      return updated.toMutableJSON();
    },
    async remove(id) {
      await removeTasks(db, blobs(), [id]);
    },
  };
}
