/**
 * From the store to a `Dataset`: the annotations of a job, a task or a whole project, with the
 * frame names and sizes of the task's media and a reader for the original image bytes.
 *
 * Frame numbers: a task or job dataset keeps the task's frame numbers; a project dataset numbers
 * the frames of its tasks one after the other (task order), and each task's subset becomes the
 * subset of its items. Deleted frames are left out, as CVAT leaves them out of exports.
 * Where jobs overlap, a frame's objects come from the first job (by start frame) that holds it.
 */
import { parseFrameFilter } from '../../core/frames';
import type { FrameMeta, FrameObject, Id, Job, Project, Shape, Tag, Task, Track } from '../../core/types';
import type { Repository } from '../../store';
import { getBlob, type BlobDatabase } from '../../store/blobs';
import type { Dataset, DatasetItem } from '../types';

export interface StoreDataset {
  dataset: Dataset;
  /**
   * Original bytes of an item's image, a video frame as JPEG where a frame reader is set, or
   * `undefined` (blob not on this device, video frames elsewhere).
   */
  media(item: DatasetItem): Promise<Uint8Array | undefined>;
  /** Where the items came from: task, task frame and stored frame metadata, by dataset frame. */
  origin: Map<number, { taskId: Id; frame: number; meta: FrameMeta }>;
}

export interface DatasetReadOptions {
  /** Blob database to read media from; the origin's `loupe_blobs` by default. */
  blobs?: BlobDatabase;
  signal?: AbortSignal;
}

/**
 * The object as a dataset shape or tag, frame shifted by `offset`. The store hands out fresh
 * copies, so the object is changed in place rather than copied again (100k objects per export).
 */
function takeObject(object: FrameObject, offset: number, part: TaskPart): void {
  const plain = object as Partial<FrameObject>;
  const isTag = object.kind === 'tag';
  delete plain.kind;
  plain.frame = object.frame + offset;
  if (isTag) part.tags.push(plain as Tag);
  else part.shapes.push(plain as Shape);
}

function shiftTrack(track: Track, offset: number): Track {
  const shift = <T extends { frame: number }>(s: T): T => ({ ...s, frame: s.frame + offset });
  return {
    ...track,
    job_id: '',
    frame: track.frame + offset,
    shapes: track.shapes.map(shift),
    elements: track.elements.map((e) => ({ ...e, shapes: e.shapes.map(shift) })),
  };
}

function isVideoFrame(meta: FrameMeta): boolean {
  return meta.mime.startsWith('video/');
}

interface TaskPart {
  items: DatasetItem[];
  shapes: Shape[];
  tags: Tag[];
  tracks: Track[];
  origin: [number, { taskId: Id; frame: number; meta: FrameMeta }][];
}

/** Reads one task (or the jobs given) into dataset parts, frames shifted by `offset`. */
async function readTask(
  repo: Repository,
  task: Task,
  jobs: readonly Job[],
  offset: number,
  range: [number, number] | null,
): Promise<TaskPart> {
  const frames = await repo.media.framesOfTask(task.id);
  const deleted = new Set(task.deleted_frames);
  const part: TaskPart = { items: [], shapes: [], tags: [], tracks: [], origin: [] };
  const first = range ? range[0] : 0;
  const last = range ? range[1] : frames.length - 1;
  for (let f = first; f <= last && f < frames.length; f++) {
    if (deleted.has(f)) continue;
    const meta = frames[f]!;
    part.items.push({
      frame: f + offset,
      name: meta.name,
      width: meta.width,
      height: meta.height,
      subset: task.subset,
    });
    part.origin.push([f + offset, { taskId: task.id, frame: f, meta }]);
  }
  const ordered = [...jobs].sort((a, b) => a.start_frame - b.start_frame);
  const taken = new Set<number>();
  for (const job of ordered) {
    const { frames: objects, tracks } = await repo.annotations.loadJob(job.id);
    for (const [frame, onFrame] of objects) {
      if (taken.has(frame) || deleted.has(frame)) continue;
      if (frame < job.start_frame || frame > job.stop_frame) continue;
      if (range && (frame < range[0] || frame > range[1])) continue;
      taken.add(frame);
      for (const object of Object.values(onFrame)) {
        takeObject(object, offset, part);
      }
    }
    for (const track of tracks) part.tracks.push(shiftTrack(track, offset));
  }
  return part;
}

/** Decodes a video frame into image bytes; only where decoding is possible (the io worker). */
export type VideoFrameReader = (meta: FrameMeta) => Promise<Uint8Array | undefined>;

let videoFrames: VideoFrameReader | null = null;

/** Sets (or clears) how exports that save images get the frames of video tasks. */
export function setVideoFrameReader(reader: VideoFrameReader | null): void {
  videoFrames = reader;
}

function mediaReader(
  origin: Map<number, { meta: FrameMeta }>,
  blobs: BlobDatabase | undefined,
): (item: DatasetItem) => Promise<Uint8Array | undefined> {
  return async (item) => {
    const from = origin.get(item.frame);
    if (from && isVideoFrame(from.meta)) return videoFrames ? videoFrames(from.meta) : undefined;
    if (!from || !from.meta.blob) return undefined;
    const blob = await getBlob(from.meta.blob, blobs);
    return blob ? new Uint8Array(await blob.arrayBuffer()) : undefined;
  };
}

function assemble(
  project: Project,
  dimension: Dataset['dimension'],
  parts: TaskPart[],
  meta: Dataset['meta'],
  blobs: BlobDatabase | undefined,
): StoreDataset {
  const dataset: Dataset = {
    dimension,
    labels: structuredClone(project.labels),
    items: parts.flatMap((p) => p.items),
    shapes: parts.flatMap((p) => p.shapes),
    tags: parts.flatMap((p) => p.tags),
    tracks: parts.flatMap((p) => p.tracks),
    meta,
  };
  const origin = new Map(parts.flatMap((p) => p.origin));
  return { dataset, origin, media: mediaReader(origin, blobs) };
}

async function requireProject(repo: Repository, id: Id): Promise<Project> {
  const project = await repo.projects.get(id);
  if (!project) throw new Error(`Project ${id} does not exist in this workspace.`);
  return project;
}

function taskMeta(task: Task): Dataset['meta'] {
  const filter = parseFrameFilter(task.frame_filter);
  return {
    name: task.name,
    startFrame: task.start_frame,
    frameStep: filter.ok ? filter.step : 1,
    ...(task.fps ? { fps: task.fps } : {}),
    mode: task.mode,
    subset: task.subset,
    size: task.size,
    created: task.created_date,
    updated: task.updated_date,
    owner: task.owner,
  };
}

/** The whole task: every job's annotations, every non-deleted frame. */
export async function datasetFromTask(
  repo: Repository,
  taskId: Id,
  options: DatasetReadOptions = {},
): Promise<StoreDataset> {
  const task = await repo.tasks.get(taskId);
  if (!task) throw new Error(`Task ${taskId} does not exist in this workspace.`);
  const project = await requireProject(repo, task.project_id);
  const jobs = await repo.jobs.listByTask(taskId);
  const part = await readTask(repo, task, jobs, 0, null);
  return assemble(project, task.dimension, [part], taskMeta(task), options.blobs);
}

/** One job: its frame range of the task (task frame numbers) and its own annotations. */
export async function datasetFromJob(
  repo: Repository,
  jobId: Id,
  options: DatasetReadOptions = {},
): Promise<StoreDataset> {
  const job = await repo.jobs.get(jobId);
  if (!job) throw new Error(`Job ${jobId} does not exist in this workspace.`);
  const task = await repo.tasks.get(job.task_id);
  if (!task) throw new Error(`Task ${job.task_id} does not exist in this workspace.`);
  const project = await requireProject(repo, task.project_id);
  const part = await readTask(repo, task, [job], 0, [job.start_frame, job.stop_frame]);
  return assemble(project, task.dimension, [part], { ...taskMeta(task), job: jobId }, options.blobs);
}

/** Every task of a project, frames numbered one task after the other; subsets from the tasks. */
export async function datasetFromProject(
  repo: Repository,
  projectId: Id,
  options: DatasetReadOptions = {},
): Promise<StoreDataset> {
  const project = await requireProject(repo, projectId);
  const tasks = await repo.tasks.listByProject(projectId);
  const parts: TaskPart[] = [];
  let offset = 0;
  // Image names must be unique within a subset, or the archive would hold two files at one path.
  const taken = new Set<string>();
  for (const task of tasks) {
    if (options.signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
    const jobs = await repo.jobs.listByTask(task.id);
    const part = await readTask(repo, task, jobs, offset, null);
    for (const item of part.items) {
      let name = item.name;
      for (let n = 1; taken.has(`${item.subset}\u0000${name}`); n++) {
        name = n === 1 ? `${task.name}/${item.name}` : `${task.name}_${n}/${item.name}`;
      }
      taken.add(`${item.subset}\u0000${name}`);
      item.name = name;
    }
    parts.push(part);
    offset += task.size;
  }
  const dimension = tasks[0]?.dimension ?? '2d';
  return assemble(project, dimension, parts, { name: project.name }, options.blobs);
}
