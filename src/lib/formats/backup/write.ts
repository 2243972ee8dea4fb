/** Writes task and project backups (CVAT's layout, see `schema.ts`) from the store into a sink. */
import { labelsToRawJson } from '../../core/labelsRaw';
import type {
  AttributeSpec,
  AttributeValue,
  FrameMeta,
  Id,
  LabelSpec,
  Project,
  Shape,
  Tag,
  Track,
  TrackedShape,
} from '../../core/types';
import type { Repository } from '../../store';
import { getBlob, type BlobDatabase } from '../../store/blobs';
import type { FileSink } from '../types';
import {
  BACKUP_VERSION,
  type BackupAttribute,
  type BackupJobAnnotations,
  type BackupProjectJson,
  type BackupShape,
  type BackupTaskJson,
  type BackupTrack,
  type BackupTrackedShape,
} from './schema';

export interface BackupWriteOptions {
  blobs?: BlobDatabase;
  progress?: (fraction: number, message?: string) => void;
  signal?: AbortSignal;
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('The backup was cancelled.', 'AbortError');
}

/** Names of labels, sublabels and attributes by id, to write annotations CVAT's way. */
class Names {
  private readonly labels = new Map<Id, string>();
  private readonly attributes = new Map<Id, string>();
  constructor(labels: readonly LabelSpec[]) {
    const addAttributes = (list: readonly AttributeSpec[]) => {
      for (const a of list) this.attributes.set(a.id, a.name);
    };
    for (const label of labels) {
      this.labels.set(label.id, label.name);
      addAttributes(label.attributes);
      for (const sub of label.sublabels) {
        this.labels.set(sub.id, sub.name);
        addAttributes(sub.attributes);
      }
    }
  }
  label(id: Id): string {
    const name = this.labels.get(id);
    if (name === undefined)
      throw new Error(`an object refers to label ${id}, which the project does not have`);
    return name;
  }
  attributeValues(values: readonly AttributeValue[]): BackupAttribute[] {
    return values.flatMap((v) => {
      const name = this.attributes.get(v.spec_id);
      return name === undefined ? [] : [{ spec_id: name, value: v.value }];
    });
  }
}

const extras = (o: { author: string; updated_date: string; color?: string }) => ({
  author: o.author,
  updated_date: o.updated_date,
  ...(o.color ? { color: o.color } : {}),
});

function backupShape(shape: Shape, names: Names): BackupShape {
  return {
    type: shape.type,
    occluded: shape.occluded,
    outside: shape.outside,
    z_order: shape.z_order,
    rotation: shape.rotation,
    points: [...shape.points],
    frame: shape.frame,
    group: shape.group,
    source: shape.source,
    attributes: names.attributeValues(shape.attributes),
    elements:
      shape.type === 'skeleton'
        ? shape.elements.map((e) => ({
            type: 'points',
            occluded: e.occluded,
            outside: e.outside,
            z_order: shape.z_order,
            rotation: 0,
            points: [...e.points],
            frame: shape.frame,
            group: shape.group,
            source: shape.source,
            attributes: names.attributeValues(e.attributes),
            elements: [],
            label: names.label(e.label_id),
          }))
        : [],
    label: names.label(shape.label_id),
    ...extras(shape),
  };
}

function backupTag(tag: Tag, names: Names) {
  return {
    frame: tag.frame,
    group: tag.group,
    source: tag.source,
    attributes: names.attributeValues(tag.attributes),
    label: names.label(tag.label_id),
    ...extras(tag),
  };
}

function trackedShapes(shapes: readonly TrackedShape[], names: Names): BackupTrackedShape[] {
  return shapes.map((s) => ({
    type: s.type,
    occluded: s.occluded,
    outside: s.outside,
    z_order: s.z_order,
    rotation: s.rotation,
    points: [...s.points],
    frame: s.frame,
    attributes: names.attributeValues(s.attributes),
  }));
}

function backupTrack(track: Track, names: Names): BackupTrack {
  return {
    frame: track.frame,
    group: track.group,
    source: track.source,
    attributes: names.attributeValues(track.attributes),
    shapes: trackedShapes(track.shapes, names),
    elements: track.elements.map((e) => ({
      frame: e.shapes[0]?.frame ?? track.frame,
      group: track.group,
      source: track.source,
      attributes: names.attributeValues(e.attributes),
      shapes: trackedShapes(e.shapes, names),
      elements: [],
      label: names.label(e.label_id),
    })),
    label: names.label(track.label_id),
    ...extras(track),
  };
}

/** The file of a frame under `data/`: its name, or for video the one source file. */
function dataFileOf(frame: FrameMeta, index: number, videoName: string | undefined): string {
  if (frame.mime.startsWith('video/')) return videoName ?? 'video.mp4';
  const clean = frame.name.replace(/\\/g, '/').replace(/^\/+/, '');
  return clean || `frame_${String(index).padStart(6, '0')}`;
}

/** CVAT's place for the context images of `file`: `related_images/<file with . as _>/`. */
function relatedFolder(file: string): string {
  return `related_images/${file.replace(/\./g, '_')}`;
}

const EXTENSION: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/bmp': 'bmp',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/tiff': 'tif',
};

function manifestOf(
  frames: readonly FrameMeta[],
  files: readonly string[],
  related: readonly string[][],
  video: boolean,
): string {
  const lines: unknown[] = [{ version: '1.1' }];
  if (video) {
    lines.push({ type: 'video' });
    lines.push({
      properties: {
        name: files[0] ?? 'video.mp4',
        resolution: [frames[0]?.width ?? 0, frames[0]?.height ?? 0],
        length: frames.length,
      },
    });
    frames.forEach((f, number) => {
      if (f.keyframe) lines.push({ number, pts: Math.round((f.timestamp ?? 0) / 1000) });
    });
  } else {
    lines.push({ type: 'images' });
    frames.forEach((f, i) => {
      const file = files[i]!;
      const dot = file.lastIndexOf('.');
      const hasExt = dot > file.lastIndexOf('/');
      lines.push({
        name: hasExt ? file.slice(0, dot) : file,
        extension: hasExt ? file.slice(dot) : '',
        width: f.width,
        height: f.height,
        meta: { related_images: related[i] ?? [] },
      });
    });
  }
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

/**
 * Writes one task under `prefix` (`''` for a task backup, `task_0/` in a project backup):
 * `task.json`, `annotations.json`, `data/` with each stored file once, and `data/manifest.jsonl`.
 */
async function writeTask(
  repo: Repository,
  taskId: Id,
  project: Project,
  sink: FileSink,
  prefix: string,
  options: BackupWriteOptions,
  report: (fraction: number, message: string) => void,
): Promise<void> {
  const task = await repo.tasks.get(taskId);
  if (!task) throw new Error(`Task ${taskId} does not exist in this workspace.`);
  const jobs = await repo.jobs.listByTask(taskId);
  const frames = await repo.media.framesOfTask(taskId);
  const names = new Names(project.labels);
  const video = frames.length > 0 && frames.every((f) => f.mime.startsWith('video/'));
  // Video frames are named `<file>/frame_000012`; the file itself is stored once.
  const videoName = video
    ? frames[0]!.name
        .replace(/\/frame_\d+$/, '')
        .split('/')
        .pop() || 'video.mp4'
    : undefined;
  const files = frames.map((f, i) => dataFileOf(f, i, videoName));
  // Context images: their blobs' types give the extensions, so read them up front.
  const relatedBlobs = new Map<string, Blob>();
  const related: string[][] = [];
  for (let i = 0; i < frames.length; i++) {
    const shas = frames[i]!.related ?? [];
    const paths: string[] = [];
    for (let k = 0; k < shas.length; k++) {
      const blob = relatedBlobs.get(shas[k]!) ?? (await getBlob(shas[k]!, options.blobs));
      if (!blob) {
        throw new Error(
          `A context image of frame ${i} (${frames[i]!.name}) is not stored on this device, so the ` +
            'backup would be incomplete. Re-add the task media, then back it up again.',
        );
      }
      relatedBlobs.set(shas[k]!, blob);
      paths.push(`${relatedFolder(files[i]!)}/context_image_${k + 1}.${EXTENSION[blob.type] ?? 'bin'}`);
    }
    related.push(paths);
  }

  const annotations: BackupJobAnnotations[] = [];
  for (const job of jobs) {
    const loaded = await repo.annotations.loadJob(job.id);
    const entry: BackupJobAnnotations = { version: 0, tags: [], shapes: [], tracks: [] };
    for (const onFrame of loaded.frames.values()) {
      for (const object of Object.values(onFrame)) {
        if (object.kind === 'tag') {
          const { kind: _kind, ...tag } = object;
          entry.tags.push(backupTag(tag, names));
        } else {
          const { kind: _kind, ...shape } = object;
          entry.shapes.push(backupShape(shape as Shape, names));
        }
      }
    }
    for (const track of loaded.tracks) entry.tracks.push(backupTrack(track, names));
    annotations.push(entry);
  }

  const json: BackupTaskJson = {
    name: task.name,
    bug_tracker: '',
    status: 'annotation',
    labels: labelsToRawJson(project.labels, { keepIds: false }),
    subset: task.subset,
    version: BACKUP_VERSION,
    mode: task.mode,
    dimension: task.dimension,
    segment_size: task.segment_size,
    overlap: task.overlap,
    data: {
      chunk_size: 72,
      image_quality: task.image_quality,
      start_frame: task.start_frame,
      stop_frame: task.stop_frame,
      ...(task.frame_filter ? { frame_filter: task.frame_filter } : {}),
      storage_method: 'cache',
      storage: 'local',
      sorting_method: task.sorting_method,
      chunk_type: video ? 'video' : 'imageset',
      deleted_frames: [...task.deleted_frames],
    },
    jobs: jobs.map((j) => ({
      start_frame: j.start_frame,
      stop_frame: j.stop_frame,
      status: j.stage,
      type: j.type,
      stage: j.stage,
      state: j.state,
      assignee: j.assignee,
    })),
    loupe: {
      version: 1,
      owner: task.owner,
      ...(task.fps ? { fps: task.fps } : {}),
      frames: frames.map(({ blob: _blob, ...meta }, i) => ({
        ...meta,
        file: files[i]!,
        ...(related[i]!.length > 0 ? { relatedFiles: related[i] } : {}),
      })),
    },
  };
  await sink.write(`${prefix}task.json`, JSON.stringify(json));
  await sink.write(`${prefix}annotations.json`, JSON.stringify(annotations));

  const written = new Set<string>();
  for (let i = 0; i < frames.length; i++) {
    checkAbort(options.signal);
    const frame = frames[i]!;
    const file = files[i]!;
    if (written.has(file)) continue;
    written.add(file);
    const blob = await getBlob(frame.blob, options.blobs);
    if (!blob) {
      throw new Error(
        `The media of frame ${i} (${frame.name}) is not stored on this device, so the backup would be ` +
          `incomplete. Open the task once while online (or re-add its media), then back it up again.`,
      );
    }
    await sink.write(`${prefix}data/${file}`, new Uint8Array(await blob.arrayBuffer()));
    report(i / Math.max(1, frames.length), `Packing media (${i + 1} of ${frames.length})`);
  }
  for (let i = 0; i < frames.length; i++) {
    const shas = frames[i]!.related ?? [];
    for (let k = 0; k < shas.length; k++) {
      const blob = relatedBlobs.get(shas[k]!)!;
      await sink.write(`${prefix}data/${related[i]![k]!}`, new Uint8Array(await blob.arrayBuffer()));
    }
  }
  await sink.write(`${prefix}data/manifest.jsonl`, manifestOf(frames, files, related, video));
}

/** A task backup: `task.json`, `annotations.json` and `data/` at the archive root. */
export async function writeTaskBackup(
  repo: Repository,
  taskId: Id,
  sink: FileSink,
  options: BackupWriteOptions = {},
): Promise<void> {
  const task = await repo.tasks.get(taskId);
  if (!task) throw new Error(`Task ${taskId} does not exist in this workspace.`);
  const project = await repo.projects.get(task.project_id);
  if (!project) throw new Error(`Project ${task.project_id} does not exist in this workspace.`);
  const progress = options.progress ?? (() => undefined);
  await writeTask(repo, taskId, project, sink, '', options, progress);
  progress(1, 'Done');
}

/** A project backup: `project.json` and one `task_<n>/` folder per task. */
export async function writeProjectBackup(
  repo: Repository,
  projectId: Id,
  sink: FileSink,
  options: BackupWriteOptions = {},
): Promise<void> {
  const project = await repo.projects.get(projectId);
  if (!project) throw new Error(`Project ${projectId} does not exist in this workspace.`);
  const tasks = await repo.tasks.listByProject(projectId);
  const progress = options.progress ?? (() => undefined);
  const json: BackupProjectJson = {
    name: project.name,
    bug_tracker: project.bug_tracker,
    status: 'annotation',
    labels: labelsToRawJson(project.labels, { keepIds: false }),
    version: BACKUP_VERSION,
    loupe: { version: 1, owner: project.owner },
  };
  await sink.write('project.json', JSON.stringify(json));
  for (let t = 0; t < tasks.length; t++) {
    checkAbort(options.signal);
    await writeTask(repo, tasks[t]!.id, project, sink, `task_${t}/`, options, (fraction, message) =>
      progress((t + fraction) / tasks.length, `Task ${t + 1} of ${tasks.length}: ${message}`),
    );
  }
  progress(1, 'Done');
}

/** CVAT's default archive names: `task_<name>_backup_<date>_<time>.zip`. */
export function backupFileName(kind: 'task' | 'project', name: string, date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}_${pad(date.getMonth() + 1)}_${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}_${pad(date.getMinutes())}_${pad(date.getSeconds())}`;
  const safe = name.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^_+|_+$/g, '') || kind;
  return `${kind}_${safe}_backup_${day}_${time}.zip`;
}
