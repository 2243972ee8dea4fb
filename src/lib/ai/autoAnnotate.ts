/**
 * Automatic annotation of a job or a whole task, CVAT's flow: every frame goes through the
 * detector, results are mapped to task labels, kept above the threshold and written through the
 * repository with source `auto`, in batches, with progress and cancel. "Clean old annotations"
 * removes the shapes, tags and tracks of each job first.
 */
import type { FrameObject, Id, Job } from '../core/types';
import type { Repository } from '../store';
import { detectionsToObjects, type LabelMapping } from './labelMapping';
import type { Detection, DetectOptions, ModelDescriptor } from './types';

export interface AutoAnnotateOptions<F> {
  model: ModelDescriptor;
  taskId: Id;
  /** Only this job; the whole task when absent. */
  jobId?: Id;
  mapping: LabelMapping;
  threshold: number;
  masksAsPolygons: boolean;
  /** CVAT's "Clean old annotations". */
  cleanup: boolean;
  /** Decoded frame `i` of the task. */
  frame: (index: number) => Promise<F>;
  detect: (frame: F, options: DetectOptions) => Promise<Detection[]>;
  onProgress?: (progress: { done: number; total: number; objects: number }) => void;
  signal?: AbortSignal;
  author?: string;
  /** Frames written per repository write. */
  batch?: number;
}

export interface AutoAnnotateResult {
  frames: number;
  objects: number;
  cancelled: boolean;
  /** Frames whose image could not be read (missing or corrupt media); the run goes on without them. */
  skipped: number[];
}

export class AutoAnnotateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AutoAnnotateError';
  }
}

export async function autoAnnotate<F>(
  repo: Repository,
  o: AutoAnnotateOptions<F>,
): Promise<AutoAnnotateResult> {
  if (o.model.type !== 'detector') throw new AutoAnnotateError(`${o.model.name} is not a detector.`);
  if (Object.keys(o.mapping).length === 0) {
    throw new AutoAnnotateError(
      'No model label is matched to a task label: match at least one before annotating.',
    );
  }
  const task = await repo.tasks.get(o.taskId);
  if (!task) throw new AutoAnnotateError('This task no longer exists.');
  const project = await repo.projects.get(task.project_id);
  if (!project) throw new AutoAnnotateError('The project of this task is missing.');
  const all = await repo.jobs.listByTask(task.id);
  const jobs: Job[] = o.jobId ? all.filter((j) => j.id === o.jobId) : all;
  if (jobs.length === 0) throw new AutoAnnotateError('The job to annotate is not part of this task.');
  const deleted = new Set(task.deleted_frames);
  const plan = jobs.map((job) => {
    const frames: number[] = [];
    for (let f = job.start_frame; f <= job.stop_frame; f++) if (!deleted.has(f)) frames.push(f);
    return { job, frames };
  });
  const total = plan.reduce((a, p) => a + p.frames.length, 0);
  const options: DetectOptions = { threshold: o.threshold, masksAsPolygons: o.masksAsPolygons };
  const batchSize = o.batch ?? 10;
  // Overlapping jobs share frames: detect once, write into each job.
  const cache = new Map<number, Detection[]>();
  let done = 0;
  let objects = 0;
  const skipped: number[] = [];
  o.onProgress?.({ done, total, objects });

  for (const { job, frames } of plan) {
    if (o.signal?.aborted) return { frames: done, objects, cancelled: true, skipped };
    if (o.cleanup) await cleanJob(repo, job.id);
    let pending: Record<Id, FrameObject> = {};
    const flush = async () => {
      if (Object.keys(pending).length === 0) return;
      await repo.annotations.applyDiff(job.id, { added: pending, updated: {}, removed: {} });
      pending = {};
    };
    let inBatch = 0;
    for (const f of frames) {
      if (o.signal?.aborted) {
        await flush();
        return { frames: done, objects, cancelled: true, skipped };
      }
      let detections = cache.get(f);
      if (!detections) {
        let image: F;
        try {
          image = await o.frame(f);
        } catch {
          skipped.push(f);
          done++;
          o.onProgress?.({ done, total, objects });
          continue;
        }
        // Model errors are not per frame: they stop the run.
        detections = await o.detect(image, options);
        cache.set(f, detections);
      }
      const zBase = o.cleanup ? 0 : await topZ(repo, job.id, f);
      for (const object of detectionsToObjects(detections, {
        frame: f,
        modelLabels: o.model.labels,
        taskLabels: project.labels,
        mapping: o.mapping,
        author: o.author,
        zBase,
      })) {
        pending[object.id] = object;
        objects++;
      }
      done++;
      if (++inBatch >= batchSize) {
        await flush();
        inBatch = 0;
      }
      o.onProgress?.({ done, total, objects });
    }
    await flush();
  }
  return { frames: done, objects, cancelled: false, skipped };
}

async function topZ(repo: Repository, jobId: Id, frame: number): Promise<number> {
  let z = 0;
  for (const o of await repo.annotations.objectsOnFrame(jobId, frame))
    if (o.kind === 'shape') z = Math.max(z, o.z_order + 1);
  return z;
}

/** Removes every object and track of a job, as one write. */
async function cleanJob(repo: Repository, jobId: Id): Promise<void> {
  const { frames, tracks } = await repo.annotations.loadJob(jobId);
  const removed: Record<Id, FrameObject> = {};
  for (const objects of frames.values()) Object.assign(removed, objects);
  await repo.annotations.applyDiff(jobId, { added: {}, updated: {}, removed });
  if (tracks.length) await repo.annotations.removeTracks(tracks.map((t) => t.id));
}
