import type { FrameMeta, Shape, Tag, Track, TrackedShape } from '../src/lib/core/types';
import type { Dataset, DatasetItem } from '../src/lib/formats/types';
import {
  MEDIA_CHUNK_SIZE,
  type FrameDoc,
  type JobDoc,
  type MediaChunkDoc,
  type ProjectDoc,
  type TaskDoc,
  type TrackDoc,
} from '../src/lib/store/documents';
import { workspaceDbName, type Collection } from './access';
import type { CouchBackend } from './couch';
import type { CouchDoc } from './rules';

/**
 * Builds a format-neutral Dataset from a workspace's documents as the server stores them,
 * for a project, a task or a job, so that the same format codecs as in the browser can
 * write the export.
 *
 * Frames are numbered 0.. across the exported tasks (task by task, in creation order),
 * leaving out deleted frames and, for a job, the frames outside its range. Shapes, tags
 * and track keyframes on left-out frames are dropped. Where jobs overlap (a task's segment
 * overlap), a frame gets the annotations of every job that covers it; they are not merged.
 */
export interface WorkspaceDocs {
  projects: ProjectDoc[];
  tasks: TaskDoc[];
  jobs: JobDoc[];
  media: MediaChunkDoc[];
  frames: FrameDoc[];
  tracks: TrackDoc[];
}

export type ExportScope = { kind: 'project' | 'task' | 'job'; id: string };

export class ExportScopeError extends Error {
  override name = 'ExportScopeError';
}

export interface DatasetWithMedia {
  dataset: Dataset;
  /** The blob (SHA-256) of an item's image, when it is a still image. */
  blobOf(item: DatasetItem): string | undefined;
}

export function datasetFromDocs(docs: WorkspaceDocs, scope: ExportScope): DatasetWithMedia {
  let project: ProjectDoc | undefined;
  let tasks: TaskDoc[];
  let job: JobDoc | undefined;
  const byCreation = (a: TaskDoc, b: TaskDoc) =>
    a.created_date.localeCompare(b.created_date) || a.id.localeCompare(b.id);

  if (scope.kind === 'project') {
    project = docs.projects.find((p) => p.id === scope.id);
    if (!project) throw new ExportScopeError(`There is no project ${scope.id}.`);
    tasks = docs.tasks.filter((t) => t.project_id === scope.id).sort(byCreation);
  } else if (scope.kind === 'task') {
    const task = docs.tasks.find((t) => t.id === scope.id);
    if (!task) throw new ExportScopeError(`There is no task ${scope.id}.`);
    tasks = [task];
  } else {
    job = docs.jobs.find((j) => j.id === scope.id);
    const task = job && docs.tasks.find((t) => t.id === job?.task_id);
    if (!job || !task) throw new ExportScopeError(`There is no job ${scope.id}.`);
    tasks = [task];
  }
  const first = tasks[0];
  project ??= docs.projects.find((p) => p.id === first?.project_id);
  if (!project)
    throw new ExportScopeError('The exported tasks belong to no project, so they have no labels.');

  const items: DatasetItem[] = [];
  const blobs = new Map<number, FrameMeta>();
  /** `${task id}:${task frame}` → dataset frame. */
  const frameOf = new Map<string, number>();
  const jobsInScope = new Map<string, JobDoc>();

  for (const task of tasks) {
    const deleted = new Set(task.deleted_frames);
    const chunks = docs.media.filter((m) => m.task_id === task.id).sort((a, b) => a.chunk - b.chunk);
    for (const chunk of chunks) {
      chunk.frames.forEach((meta, i) => {
        const frame = chunk.chunk * MEDIA_CHUNK_SIZE + i;
        if (deleted.has(frame)) return;
        if (job && (frame < job.start_frame || frame > job.stop_frame)) return;
        const n = items.length;
        items.push({
          frame: n,
          name: meta.name,
          width: meta.width,
          height: meta.height,
          subset: task.subset,
        });
        blobs.set(n, meta);
        frameOf.set(`${task.id}:${frame}`, n);
      });
    }
    for (const j of docs.jobs)
      if (j.task_id === task.id && (!job || j.id === job.id)) jobsInScope.set(j.id, j);
  }

  const shapes: Shape[] = [];
  const tags: Tag[] = [];
  const frameDocs = docs.frames
    .filter((f) => jobsInScope.has(f.job_id))
    .sort((a, b) => a.job_id.localeCompare(b.job_id) || a.frame - b.frame);
  for (const doc of frameDocs) {
    const taskId = (jobsInScope.get(doc.job_id) as JobDoc).task_id;
    const target = frameOf.get(`${taskId}:${doc.frame}`);
    if (target === undefined) continue;
    for (const object of Object.values(doc.objects).sort((a, b) => a.id.localeCompare(b.id))) {
      const { kind, ...rest } = object;
      if (kind === 'shape') shapes.push({ ...(rest as Shape), frame: target });
      else tags.push({ ...(rest as Tag), frame: target });
    }
  }

  const tracks: Track[] = [];
  for (const track of docs.tracks
    .filter((t) => jobsInScope.has(t.job_id))
    .sort((a, b) => a.id.localeCompare(b.id))) {
    const taskId = (jobsInScope.get(track.job_id) as JobDoc).task_id;
    const remap = (list: TrackedShape[]) =>
      list.flatMap((s) => {
        const frame = frameOf.get(`${taskId}:${s.frame}`);
        return frame === undefined ? [] : [{ ...s, frame }];
      });
    const keyframes = remap(track.shapes);
    if (keyframes.length === 0) continue;
    tracks.push({
      ...track,
      job_id: '',
      frame: (keyframes[0] as TrackedShape).frame,
      shapes: keyframes,
      elements: track.elements.map((e) => ({ ...e, shapes: remap(e.shapes) })),
    });
  }

  const name = scope.kind === 'project' ? project.name : (first as TaskDoc).name;
  const dataset: Dataset = {
    dimension: first?.dimension ?? '2d',
    labels: project.labels,
    items,
    shapes,
    tags,
    tracks,
    meta: {
      name: job ? `${name} (job ${job.id})` : name,
      ...(first?.fps !== undefined ? { fps: first.fps } : {}),
    },
  };
  return {
    dataset,
    blobOf(item) {
      const meta = blobs.get(item.frame);
      return meta && meta.mime.startsWith('image/') ? meta.blob : undefined;
    },
  };
}

/** RxDB stores the primary key `id` as CouchDB's `_id`; this turns a stored document back. */
function toRxDoc<T>(doc: CouchDoc): T {
  const { _id, _rev, _revisions, _attachments, _conflicts, _deleted, ...rest } = doc;
  void _rev;
  void _revisions;
  void _attachments;
  void _conflicts;
  void _deleted;
  return { id: _id, ...rest } as T;
}

/** Every live document of a workspace, as RxDB documents. */
export async function loadWorkspaceDocs(backend: CouchBackend, ws: string): Promise<WorkspaceDocs> {
  const load = async <T>(collection: Collection): Promise<T[]> =>
    (await backend.allDocs(workspaceDbName(ws, collection))).map((d) => toRxDoc<T>(d));
  return {
    projects: await load<ProjectDoc>('project'),
    tasks: await load<TaskDoc>('task'),
    jobs: await load<JobDoc>('job'),
    media: await load<MediaChunkDoc>('media'),
    frames: await load<FrameDoc>('frame'),
    tracks: await load<TrackDoc>('track'),
  };
}
