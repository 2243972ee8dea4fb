/**
 * Restores a task or project backup (CVAT's or Loupe's) into the store. Everything is read and
 * checked first (JSON files, labels, manifest, media files, every annotation's label, attributes
 * and frame); then the project, tasks, media and annotations are written. A failure while
 * writing removes what the restore created.
 */
import { newId } from '../../core/ids';
import { parseJsonWithPositions } from '../../core/jsonPositions';
import { parseLabels } from '../../core/labelSchema';
import type {
  AttributeSpec,
  AttributeValue,
  FrameMeta,
  Id,
  LabelSpec,
  Shape,
  SortingMethod,
  Source,
  Tag,
  Track,
  TrackedShape,
} from '../../core/types';
import { SHAPE_TYPES } from '../../core/types';
import { manifestFileName, parseManifest } from '../../media/ingest/manifest';
import type { Repository } from '../../store';
import { importDataset } from '../app/apply';
import { mimeOf, type MediaIngest } from '../app/media';
import { FormatError, type Dataset, type FileSource } from '../types';
import type {
  BackupAttribute,
  BackupJobAnnotations,
  BackupProjectJson,
  BackupShape,
  BackupTag,
  BackupTaskJson,
  BackupTrack,
  BackupTrackedShape,
} from './schema';

export interface RestoreOptions {
  /** Stores the media files (the `io` worker's in the browser, `blobIngest` elsewhere). */
  ingest: MediaIngest;
  /** Task backups: restore into this project (missing labels are added); default: a new project. */
  projectId?: Id;
  /** Owner of what is created; default: the backup's, else empty. */
  owner?: string;
  progress?: (fraction: number, message?: string) => void;
  signal?: AbortSignal;
}

export interface RestoreResult {
  kind: 'task' | 'project';
  projectId: Id;
  taskIds: Id[];
  createdProject: boolean;
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('The restore was cancelled.', 'AbortError');
}

const quote = (s: string) => JSON.stringify(s);

async function readJson(source: FileSource, file: string): Promise<unknown> {
  if (!source.has(file)) throw new FormatError(file, 'the file is missing from the backup');
  const text = await source.text(file);
  try {
    return JSON.parse(text);
  } catch {
    const parsed = parseJsonWithPositions(text);
    if (!parsed.ok) {
      throw new FormatError(file, `JSON syntax error: ${parsed.message}`, {
        location: `line ${parsed.position.line}, column ${parsed.position.column}`,
      });
    }
    throw new FormatError(file, 'not valid JSON');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireField<T>(
  file: string,
  where: string,
  value: unknown,
  check: (v: unknown) => v is T,
  expected: string,
): T {
  if (!check(value)) {
    throw new FormatError(file, `${value === undefined ? 'missing' : `got ${JSON.stringify(value)}`}`, {
      location: where,
      expected,
    });
  }
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInteger = (v: unknown): v is number => Number.isInteger(v);
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);
const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNumber);

function labelsOf(file: string, raw: unknown): LabelSpec[] {
  const parsed = parseLabels(raw);
  if (!parsed.ok) {
    const first = parsed.errors[0]!;
    throw new FormatError(file, `labels${first.path}: ${first.message}`, { location: `labels${first.path}` });
  }
  return parsed.labels;
}

// ---------------------------------------------------------------------------------------------
// Annotations: names → ids

class LabelIds {
  private readonly labels = new Map<string, LabelSpec>();
  constructor(
    readonly list: LabelSpec[],
    private readonly file: string,
  ) {
    for (const label of list) this.labels.set(label.name, label);
  }
  label(name: unknown, where: string): LabelSpec {
    const label = typeof name === 'string' ? this.labels.get(name) : undefined;
    if (!label) {
      throw new FormatError(this.file, `label ${JSON.stringify(name)} is not a label of the backup`, {
        location: where,
        expected: `one of ${this.list.map((l) => quote(l.name)).join(', ')}`,
      });
    }
    return label;
  }
  sublabel(parent: LabelSpec, name: unknown, where: string) {
    const sub = parent.sublabels.find((s) => s.name === name);
    if (!sub) {
      throw new FormatError(
        this.file,
        `${JSON.stringify(name)} is not a point of skeleton ${quote(parent.name)}`,
        { location: where, expected: `one of ${parent.sublabels.map((s) => quote(s.name)).join(', ')}` },
      );
    }
    return sub;
  }
  attributes(specs: readonly AttributeSpec[], values: unknown, where: string): AttributeValue[] {
    if (values === undefined) return [];
    const list = requireField(this.file, `${where}.attributes`, values, isArray, 'an array');
    return list.map((raw, i) => {
      const at = `${where}.attributes[${i}]`;
      if (!isObject(raw)) throw new FormatError(this.file, 'not an object', { location: at });
      const attribute = raw as unknown as BackupAttribute;
      // CVAT writes the attribute name as `spec_id`; older files may carry a number.
      const spec = specs.find((s) => s.name === String(attribute.spec_id));
      if (!spec) {
        throw new FormatError(
          this.file,
          `attribute ${JSON.stringify(attribute.spec_id)} is not an attribute of the label`,
          {
            location: at,
            expected: specs.length ? `one of ${specs.map((s) => quote(s.name)).join(', ')}` : 'no attributes',
          },
        );
      }
      return { spec_id: spec.id, value: String(attribute.value ?? '') };
    });
  }
}

const SOURCES: readonly string[] = ['manual', 'auto', 'semi-auto', 'file', 'consensus'];
const sourceOf = (value: unknown): Source =>
  typeof value === 'string' && SOURCES.includes(value) ? (value as Source) : 'manual';

function objectMeta(raw: { author?: unknown; updated_date?: unknown }, fallbackDate: string) {
  return {
    id: newId(),
    author: typeof raw.author === 'string' ? raw.author : '',
    updated_date: typeof raw.updated_date === 'string' ? raw.updated_date : fallbackDate,
  };
}

function checkFrame(file: string, where: string, frame: unknown, size: number): number {
  const f = requireField(file, `${where}.frame`, frame, isInteger, `a frame number from 0 to ${size - 1}`);
  if (f < 0 || f >= size) {
    throw new FormatError(file, `frame ${f} is outside the task`, {
      location: `${where}.frame`,
      expected: `a frame number from 0 to ${size - 1}`,
    });
  }
  return f;
}

function checkShapeType(file: string, where: string, type: unknown): Shape['type'] {
  if (typeof type === 'string' && (SHAPE_TYPES as readonly string[]).includes(type))
    return type as Shape['type'];
  throw new FormatError(file, `unknown shape type ${JSON.stringify(type)}`, {
    location: `${where}.type`,
    expected: `one of ${SHAPE_TYPES.join(', ')}`,
  });
}

function jobDataset(
  file: string,
  entry: BackupJobAnnotations,
  index: number,
  labels: LabelIds,
  frames: readonly FrameMeta[],
  date: string,
): Dataset {
  const size = frames.length;
  const shapes: Shape[] = [];
  const tags: Tag[] = [];
  const tracks: Track[] = [];
  const list = (value: unknown, what: string) =>
    value === undefined ? [] : requireField(file, `[${index}].${what}`, value, isArray, 'an array');

  list(entry.shapes, 'shapes').forEach((raw, k) => {
    const where = `[${index}].shapes[${k}]`;
    if (!isObject(raw)) throw new FormatError(file, 'not an object', { location: where });
    const s = raw as unknown as BackupShape;
    const label = labels.label(s.label, where);
    const type = checkShapeType(file, where, s.type);
    const frame = checkFrame(file, where, s.frame, size);
    const points = requireField(file, `${where}.points`, s.points ?? [], isNumbers, 'an array of numbers');
    const base = {
      ...objectMeta(s, date),
      frame,
      label_id: label.id,
      occluded: Boolean(s.occluded),
      outside: Boolean(s.outside),
      z_order: isNumber(s.z_order) ? s.z_order : 0,
      rotation: isNumber(s.rotation) ? s.rotation : 0,
      group: isInteger(s.group) ? s.group : 0,
      source: sourceOf(s.source),
      attributes: labels.attributes(label.attributes, s.attributes, where),
      ...(typeof s.color === 'string' && s.color ? { color: s.color } : {}),
    };
    if (type === 'skeleton') {
      const elements = list(s.elements, `shapes[${k}].elements`).map((rawElement, e) => {
        const at = `${where}.elements[${e}]`;
        if (!isObject(rawElement)) throw new FormatError(file, 'not an object', { location: at });
        const element = rawElement as unknown as BackupShape;
        const sub = labels.sublabel(label, element.label, at);
        const p = requireField(file, `${at}.points`, element.points, isNumbers, 'two numbers');
        return {
          label_id: sub.id,
          type: 'points' as const,
          points: [p[0] ?? 0, p[1] ?? 0] as [number, number],
          occluded: Boolean(element.occluded),
          outside: Boolean(element.outside),
          attributes: labels.attributes(sub.attributes, element.attributes, at),
        };
      });
      shapes.push({ ...base, type: 'skeleton', points: [], elements });
    } else {
      shapes.push({ ...base, type, points } as Shape);
    }
  });

  list(entry.tags, 'tags').forEach((raw, k) => {
    const where = `[${index}].tags[${k}]`;
    if (!isObject(raw)) throw new FormatError(file, 'not an object', { location: where });
    const t = raw as unknown as BackupTag;
    const label = labels.label(t.label, where);
    tags.push({
      ...objectMeta(t, date),
      frame: checkFrame(file, where, t.frame, size),
      label_id: label.id,
      group: isInteger(t.group) ? t.group : 0,
      source: sourceOf(t.source),
      attributes: labels.attributes(label.attributes, t.attributes, where),
    });
  });

  const keyframes = (rawShapes: unknown, where: string, specs: readonly AttributeSpec[]): TrackedShape[] =>
    list(rawShapes, `${where}.shapes`)
      .map((raw, k) => {
        const at = `${where}.shapes[${k}]`;
        if (!isObject(raw)) throw new FormatError(file, 'not an object', { location: at });
        const s = raw as unknown as BackupTrackedShape;
        return {
          type: checkShapeType(file, at, s.type),
          frame: checkFrame(file, at, s.frame, size),
          occluded: Boolean(s.occluded),
          outside: Boolean(s.outside),
          z_order: isNumber(s.z_order) ? s.z_order : 0,
          rotation: isNumber(s.rotation) ? s.rotation : 0,
          points: requireField(file, `${at}.points`, s.points ?? [], isNumbers, 'an array of numbers'),
          attributes: labels.attributes(specs, s.attributes, at),
        };
      })
      .sort((a, b) => a.frame - b.frame);

  list(entry.tracks, 'tracks').forEach((raw, k) => {
    const where = `[${index}].tracks[${k}]`;
    if (!isObject(raw)) throw new FormatError(file, 'not an object', { location: where });
    const t = raw as unknown as BackupTrack;
    const label = labels.label(t.label, where);
    const shapesOfTrack = keyframes(t.shapes, where, label.attributes);
    const elements = list(t.elements, `tracks[${k}].elements`).map((rawElement, e) => {
      const at = `${where}.elements[${e}]`;
      if (!isObject(rawElement)) throw new FormatError(file, 'not an object', { location: at });
      const element = rawElement as unknown as BackupTrack;
      const sub = labels.sublabel(label, element.label, at);
      return {
        label_id: sub.id,
        shapes: keyframes(element.shapes, at, sub.attributes),
        attributes: labels.attributes(sub.attributes, element.attributes, at),
      };
    });
    const first = Math.min(
      ...shapesOfTrack.map((s) => s.frame),
      ...elements.flatMap((e) => e.shapes.map((s) => s.frame)),
    );
    tracks.push({
      ...objectMeta(t, date),
      job_id: '',
      frame: Number.isFinite(first) ? first : checkFrame(file, where, t.frame, size),
      label_id: label.id,
      group: isInteger(t.group) ? t.group : 0,
      source: sourceOf(t.source),
      attributes: labels.attributes(label.attributes, t.attributes, where),
      shapes: shapesOfTrack,
      elements,
    });
  });

  return {
    dimension: '2d',
    labels: labels.list,
    items: frames.map((f, frame) => ({ frame, name: f.name, width: f.width, height: f.height, subset: '' })),
    shapes,
    tags,
    tracks,
    meta: {},
  };
}

// ---------------------------------------------------------------------------------------------
// Tasks

interface PlannedTask {
  prefix: string;
  json: BackupTaskJson;
  labels: LabelSpec[];
  /** Frames without blobs, and the data file of each. */
  frames: Omit<FrameMeta, 'blob'>[];
  files: string[];
  /** Context image paths under `data/`, per frame. */
  related: string[][];
  jobs: Dataset[];
  segmentSize: number;
  overlap: number;
}

async function planTask(
  source: FileSource,
  prefix: string,
  projectLabels: LabelSpec[] | null,
): Promise<PlannedTask> {
  const taskFile = `${prefix}task.json`;
  const raw = await readJson(source, taskFile);
  if (!isObject(raw)) throw new FormatError(taskFile, 'expected a JSON object');
  const json = raw as unknown as BackupTaskJson;
  requireField(taskFile, 'name', json.name, isString, 'the task name');
  if (!isObject(json.data))
    throw new FormatError(taskFile, '"data" is missing', { expected: 'an object with the data parameters' });
  const jobsRaw = requireField(taskFile, 'jobs', json.jobs, isArray, 'an array of jobs');
  const labels = projectLabels ?? labelsOf(taskFile, json.labels);

  let frames: Omit<FrameMeta, 'blob'>[];
  let files: string[];
  let related: string[][];
  if (json.loupe && Array.isArray(json.loupe.frames)) {
    frames = json.loupe.frames.map(({ file: _file, relatedFiles: _related, ...meta }) => meta);
    related = json.loupe.frames.map((f) =>
      Array.isArray(f.relatedFiles) ? f.relatedFiles.filter(isString) : [],
    );
    files = json.loupe.frames.map((f, i) =>
      requireField(taskFile, `loupe.frames[${i}].file`, f.file, isString, 'a file under data/'),
    );
  } else {
    const manifestFile = `${prefix}data/manifest.jsonl`;
    if (!source.has(manifestFile)) {
      throw new FormatError(manifestFile, 'the manifest is missing from the backup', {
        expected: 'data/manifest.jsonl as CVAT writes it',
      });
    }
    let manifest;
    try {
      manifest = parseManifest(await source.text(manifestFile), manifestFile);
    } catch (error) {
      throw new FormatError(manifestFile, (error as Error).message);
    }
    if (manifest.kind === 'video') {
      throw new FormatError(
        manifestFile,
        'this CVAT backup holds a video; restoring CVAT video backups is not supported yet',
        {
          expected:
            'an image task; for video, create a task from the video and import its annotations as "CVAT for video 1.1"',
        },
      );
    }
    files = manifest.images.map(manifestFileName);
    related = manifest.images.map((image) => image.meta?.related_images ?? []);
    frames = manifest.images.map((image, i) => ({
      name: files[i]!,
      width: image.width,
      height: image.height,
      mime: mimeOf(files[i]!),
      related_files: 0,
    }));
  }
  for (const file of new Set([...files, ...related.flat()])) {
    if (!source.has(`${prefix}data/${file}`)) {
      throw new FormatError(`${prefix}data/${file}`, 'the media file is missing from the backup', {
        expected: 'every file listed in the manifest under data/',
      });
    }
  }

  const annotationsFile = `${prefix}annotations.json`;
  const annotations = source.has(annotationsFile) ? await readJson(source, annotationsFile) : [];
  const entries = requireField(
    annotationsFile,
    'the top level',
    annotations,
    isArray,
    'an array with one entry per job',
  );
  const ids = new LabelIds(labels, annotationsFile);
  const date = new Date().toISOString();
  const fullFrames = frames.map((f) => ({ ...f, blob: '' }));
  const jobs = entries.map((entry, j) => {
    if (!isObject(entry)) throw new FormatError(annotationsFile, 'not an object', { location: `[${j}]` });
    return jobDataset(annotationsFile, entry as unknown as BackupJobAnnotations, j, ids, fullFrames, date);
  });

  // CVAT's task.json has no segment size; the jobs' ranges give it.
  const ranges = jobsRaw.filter(isObject) as unknown as { start_frame: number; stop_frame: number }[];
  const first = ranges[0];
  const second = ranges[1];
  const segmentSize =
    typeof json.segment_size === 'number'
      ? json.segment_size
      : first && second
        ? first.stop_frame - first.start_frame + 1
        : 0;
  const overlap =
    typeof json.overlap === 'number'
      ? json.overlap
      : first && second
        ? Math.max(0, first.stop_frame - second.start_frame + 1)
        : 0;
  return { prefix, json, labels, frames, files, related, jobs, segmentSize, overlap };
}

/** Project backups hold `task_<n>/task.json` folders, restored in order of `n`. */
function taskPrefixes(source: FileSource): string[] {
  return source
    .paths()
    .map((p) => /^(task_(\d+)\/)task\.json$/.exec(p))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[2]) - Number(b[2]))
    .map((m) => m[1]!);
}

/** Whether `source` looks like a task or project backup. */
export function backupKind(source: FileSource): 'task' | 'project' | null {
  if (source.has('project.json')) return 'project';
  if (source.has('task.json')) return 'task';
  return null;
}

export async function restoreBackup(
  repo: Repository,
  source: FileSource,
  options: RestoreOptions,
): Promise<RestoreResult> {
  const progress = options.progress ?? (() => undefined);
  const kind = backupKind(source);
  if (!kind) {
    throw new FormatError('backup', 'neither project.json nor task.json is at the top of the archive', {
      expected: 'a task or project backup made by CVAT or Loupe',
    });
  }
  progress(0, 'Reading the backup');

  // ---- read and check everything
  let projectJson: BackupProjectJson | null = null;
  let projectLabels: LabelSpec[] | null = null;
  if (kind === 'project') {
    const raw = await readJson(source, 'project.json');
    if (!isObject(raw)) throw new FormatError('project.json', 'expected a JSON object');
    projectJson = raw as unknown as BackupProjectJson;
    requireField('project.json', 'name', projectJson.name, isString, 'the project name');
    projectLabels = labelsOf('project.json', projectJson.labels);
  }
  const prefixes = kind === 'project' ? taskPrefixes(source) : [''];
  const planned: PlannedTask[] = [];
  for (const prefix of prefixes) {
    checkAbort(options.signal);
    planned.push(await planTask(source, prefix, projectLabels));
  }
  checkAbort(options.signal);

  // ---- write
  let projectId = options.projectId;
  let createdProject = false;
  const taskIds: Id[] = [];
  const createdBlobs: string[] = [];
  try {
    if (kind === 'project' || !projectId) {
      const name = projectJson?.name ?? planned[0]!.json.name;
      const project = await repo.projects.create({
        name,
        labels: projectLabels ?? planned[0]!.labels,
        bug_tracker: projectJson?.bug_tracker ?? '',
        owner: options.owner ?? projectJson?.loupe?.owner ?? '',
      });
      projectId = project.id;
      createdProject = true;
    } else if (!(await repo.projects.get(projectId))) {
      throw new Error(`Project ${projectId} does not exist in this workspace.`);
    }
    const totalFiles = planned.reduce((n, t) => n + new Set([...t.files, ...t.related.flat()]).size, 0);
    let storedFiles = 0;
    for (const plan of planned) {
      checkAbort(options.signal);
      // Each distinct file once (a video's frames share one file), context images too.
      const unique = [...new Set([...plan.files, ...plan.related.flat()])];
      const shaOf = new Map<string, string>();
      const sizeOf = new Map<string, { width: number; height: number }>();
      const BATCH = 16;
      for (let start = 0; start < unique.length; start += BATCH) {
        checkAbort(options.signal);
        const batch = unique.slice(start, start + BATCH);
        const files = await Promise.all(
          batch.map(async (file) => {
            const frame = plan.frames[plan.files.indexOf(file)];
            return {
              name: file,
              bytes: await source.read(`${plan.prefix}data/${file}`),
              mime: frame?.mime || mimeOf(file),
              // Context images record no size; 1×1 only satisfies stores that cannot read one.
              width: frame?.width ?? 1,
              height: frame?.height ?? 1,
            };
          }),
        );
        const stored = await options.ingest.store(files);
        stored.forEach((s, i) => {
          if (s.created) createdBlobs.push(s.sha256);
          shaOf.set(batch[i]!, s.sha256);
          sizeOf.set(batch[i]!, { width: s.width, height: s.height });
        });
        storedFiles += batch.length;
        progress(
          (0.8 * storedFiles) / Math.max(1, totalFiles),
          `Storing media (${storedFiles} of ${totalFiles})`,
        );
      }
      const frames: FrameMeta[] = plan.frames.map((f, i) => {
        const file = plan.files[i]!;
        const size = f.mime.startsWith('image/') && !plan.json.loupe ? sizeOf.get(file)! : f;
        const context = plan.related[i]!.map((path) => shaOf.get(path)!);
        return {
          ...f,
          width: size.width,
          height: size.height,
          blob: shaOf.get(file)!,
          ...(context.length > 0 ? { related: context, related_files: context.length } : {}),
        };
      });
      const data = plan.json.data;
      const { task, jobs } = await repo.tasks.create({
        project_id: projectId,
        name: plan.json.name,
        frames,
        segment_size: plan.segmentSize,
        overlap: plan.overlap,
        mode: plan.json.mode ?? 'annotation',
        dimension: plan.json.dimension ?? '2d',
        subset: typeof plan.json.subset === 'string' ? plan.json.subset : '',
        image_quality: isInteger(data.image_quality) ? data.image_quality : 70,
        sorting_method: (['lexicographical', 'natural', 'predefined', 'random'].includes(
          String(data.sorting_method),
        )
          ? data.sorting_method
          : 'lexicographical') as SortingMethod,
        frame_filter: typeof data.frame_filter === 'string' ? data.frame_filter : '',
        ...(isInteger(data.start_frame) ? { start_frame: data.start_frame } : {}),
        ...(isInteger(data.stop_frame) ? { stop_frame: data.stop_frame } : {}),
        ...(plan.json.loupe?.fps ? { fps: plan.json.loupe.fps } : {}),
        owner: options.owner ?? plan.json.loupe?.owner ?? '',
      });
      taskIds.push(task.id);
      const deleted = Array.isArray(data.deleted_frames)
        ? data.deleted_frames.filter((f) => isInteger(f) && f >= 0 && f < frames.length)
        : [];
      if (deleted.length > 0) await repo.tasks.update(task.id, { deleted_frames: deleted });
      const sameJobs = jobs.length === plan.jobs.length;
      for (let j = 0; j < plan.jobs.length; j++) {
        checkAbort(options.signal);
        const saved = plan.json.jobs[j];
        if (sameJobs && saved && (saved.stage || saved.state || saved.assignee !== undefined)) {
          await repo.jobs.update(jobs[j]!.id, {
            ...(saved.stage ? { stage: saved.stage } : {}),
            ...(saved.state ? { state: saved.state } : {}),
            ...(saved.assignee !== undefined ? { assignee: saved.assignee } : {}),
          });
        }
        await importDataset(
          repo,
          plan.jobs[j]!,
          sameJobs ? { kind: 'job', jobId: jobs[j]!.id } : { kind: 'task', taskId: task.id },
          { matchFrames: 'number', keepObjectMeta: true, keepWholeTracks: true, unmatchedLabels: 'add' },
        );
      }
      progress(0.8 + (0.2 * taskIds.length) / planned.length, 'Writing annotations');
    }
  } catch (error) {
    if (createdProject && projectId) await repo.projects.remove(projectId).catch(() => undefined);
    else for (const id of taskIds) await repo.tasks.remove(id).catch(() => undefined);
    if (createdBlobs.length > 0) await options.ingest.remove(createdBlobs).catch(() => undefined);
    throw error;
  }
  progress(1, 'Done');
  return { kind, projectId: projectId!, taskIds, createdProject };
}
